// Instant search: results as you type, from GET /api/search. Without JavaScript the same form
// submits to the results page. Built with DOM calls only (no innerHTML), so nothing the server
// returns is ever parsed as HTML; no inline script anywhere (the CSP forbids it).
"use strict";

(function () {
  function debounce(fn, ms) {
    let timer = null;
    return function () {
      const args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function render(box, data, query) {
    box.replaceChildren();
    if (data.read_as && data.read_as.length) {
      box.appendChild(el("p", "help", "Read as: " + data.read_as.join("; ")));
    }
    if (!data.results.length) {
      box.appendChild(el("p", null, "No codes match \u201c" + query + "\u201d."));
      return;
    }
    const list = el("ol", "results");
    data.results.forEach(function (hit) {
      const item = el("li");
      const link = el("a");
      link.href = "/code/" + encodeURIComponent(hit.code) + "?system=" + encodeURIComponent(hit.system);
      link.appendChild(el("span", "code", hit.code));
      link.appendChild(document.createTextNode(" " + hit.title));
      item.appendChild(link);
      item.appendChild(el("span", "meta", hit.system + (hit.billable ? "" : " \u00b7 header")));
      list.appendChild(item);
    });
    box.appendChild(list);
    box.appendChild(el("p", "visually-hidden", data.results.length + " results"));
  }

  function setup(form) {
    const input = form.querySelector("input[type=search]");
    const system = form.querySelector("select[name=system]");
    const box = document.getElementById(input.getAttribute("aria-controls"));
    if (!input || !box) return;
    let controller = null;
    let last = "";

    const run = debounce(function () {
      const q = input.value.trim();
      const key = q + "|" + (system ? system.value : "");
      if (key === last) return;
      last = key;
      if (controller) controller.abort();
      if (q.length < 2) { box.replaceChildren(); return; }
      controller = new AbortController();
      const params = new URLSearchParams({ q: q, limit: "10" });
      if (system && system.value) params.set("system", system.value);
      fetch("/api/search?" + params.toString(), { signal: controller.signal, headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) render(box, data, q); })
        .catch(function () { /* aborted or offline: the form still works */ });
    }, 120);

    input.addEventListener("input", run);
    if (system) system.addEventListener("change", run);

    // Arrow keys move between the input and the results; Escape goes back to the input.
    form.parentNode.addEventListener("keydown", function (event) {
      const links = Array.prototype.slice.call(box.querySelectorAll("a"));
      if (!links.length) return;
      const at = links.indexOf(document.activeElement);
      if (event.key === "ArrowDown") {
        event.preventDefault();
        links[Math.min(at + 1, links.length - 1)].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (at <= 0) input.focus(); else links[at - 1].focus();
      } else if (event.key === "Escape" && at >= 0) {
        input.focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-instant-search]").forEach(setup);
  });
})();
