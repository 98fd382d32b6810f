// The assistant page (/ask): the question goes to POST /api/ask and the answer streams back as
// server-sent events read from fetch's ReadableStream: tool calls as they run, sentences as they
// come, then the sources. Without JavaScript (or if anything here fails) the form posts to /ask.
// DOM calls only (no innerHTML): nothing the server sends is parsed as HTML. No inline script.
"use strict";

(function () {
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  let asked = 0;

  // Text with [c1] marks: the marks become links to the answer's source list.
  function appendCited(parent, text, prefix) {
    const re = /\[(c\d+)\]/g;
    let at = 0;
    let m;
    while ((m = re.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(at, m.index)));
      const a = el("a", "cite", "[" + m[1] + "]");
      a.href = "#" + prefix + "-" + m[1];
      a.setAttribute("aria-label", "source " + m[1]);
      parent.appendChild(a);
      at = re.lastIndex;
    }
    parent.appendChild(document.createTextNode(text.slice(at)));
  }

  function codeHref(code, system) {
    return "/code/" + encodeURIComponent(code) + (system ? "?system=" + encodeURIComponent(system) : "");
  }

  const SYSTEMS = ["icd10cm", "icd10pcs", "cpt", "hcpcs"];

  function renderDone(box, answer, prefix) {
    const meta = box.querySelector(".meta");
    meta.textContent = answer.kind.replace(/_/g, " ") + " \u00b7 " + answer.mode + " \u00b7 date of service " + answer.date_of_service;
    answer.flags.forEach(function (f) {
      const p = el("p", "warning", f);
      p.setAttribute("role", "note");
      box.appendChild(p);
    });
    const codes = answer.codes.filter(function (c) { return c.code; });
    if (codes.length) {
      const p = el("p", "small", "Codes: ");
      codes.forEach(function (c, i) {
        const system = (c.systems || []).filter(function (s) { return SYSTEMS.indexOf(s) >= 0; })[0];
        const shown = system === "icd10cm" && c.code.length > 3 && c.code.indexOf(".") < 0 ? c.code.slice(0, 3) + "." + c.code.slice(3) : c.code;
        const a = el("a", "code", shown);
        a.href = codeHref(c.code, system);
        p.appendChild(a);
        if (i < codes.length - 1) p.appendChild(document.createTextNode(", "));
      });
      box.appendChild(p);
    }
    if (answer.citations.length) {
      box.appendChild(el("h3", "small", "Sources"));
      const list = el("ul", "plain sources");
      answer.citations.forEach(function (c) {
        const li = el("li");
        li.id = prefix + "-" + c.id;
        li.appendChild(el("span", "src-id", c.id));
        li.appendChild(document.createTextNode(" " + c.file + (c.release ? " (" + c.release + ")" : "") + (c.locator ? ", " : "")));
        const m = /^code ([A-Z0-9][A-Z0-9.]*)(?:,|$)/.exec(c.locator || "");
        if (m) {
          const system = (c.release || "").split(" ")[0];
          const a = el("a", null, c.locator);
          a.href = codeHref(m[1], SYSTEMS.indexOf(system) >= 0 ? system : null);
          li.appendChild(a);
        } else if (c.locator) {
          li.appendChild(document.createTextNode(c.locator));
        }
        if (c.kind === "project") li.appendChild(document.createTextNode(" \u00b7 chartcode's own data"));
        list.appendChild(li);
      });
      box.appendChild(list);
    }
  }

  function showProblem(live, body) {
    const div = el("div", "problem");
    div.setAttribute("role", "alert");
    div.appendChild(el("p", null, (body && body.message) || "The question could not be answered."));
    if (body && body.register) {
      const p = el("p");
      const a = el("a", null, "Register (free)");
      a.href = body.register;
      p.appendChild(a);
      p.appendChild(document.createTextNode(" or "));
      const b = el("a", null, "log in");
      b.href = "/login";
      p.appendChild(b);
      p.appendChild(document.createTextNode(" to ask more."));
      div.appendChild(p);
    }
    live.appendChild(div);
  }

  // Split a growing buffer into complete events ("event: x\ndata: {...}\n\n").
  function takeEvents(state) {
    const events = [];
    let end;
    while ((end = state.buffer.indexOf("\n\n")) >= 0) {
      const block = state.buffer.slice(0, end);
      state.buffer = state.buffer.slice(end + 2);
      let type = "message";
      const data = [];
      block.split("\n").forEach(function (line) {
        if (line.indexOf("event:") === 0) type = line.slice(6).trim();
        else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
      });
      if (data.length) events.push({ type: type, data: JSON.parse(data.join("\n")) });
    }
    return events;
  }

  function setup(form) {
    const live = document.getElementById("ask-live");
    const input = form.querySelector("textarea[name=question]");
    const button = form.querySelector("button[type=submit]");
    if (!live || !input || !window.fetch || !window.TextDecoder) return;

    form.addEventListener("submit", function (event) {
      const question = input.value.trim();
      if (!question) return; // the browser's own check, or the server's message
      event.preventDefault();
      asked += 1;
      const prefix = "live" + asked;
      const convField = form.querySelector("input[name=conversation_id]");
      const dateField = form.querySelector("input[name=date]");
      const body = { question: question };
      if (dateField && dateField.value) body.date = dateField.value;
      if (convField && convField.value) body.conversation_id = parseInt(convField.value, 10);

      live.appendChild(el("h2", "question", question));
      const box = el("article", "answer");
      box.id = prefix;
      box.setAttribute("aria-busy", "true");
      box.appendChild(el("p", "meta", "Answering\u2026"));
      const tools = el("ul", "plain tools");
      box.appendChild(tools);
      const text = el("p", "answer-text");
      box.appendChild(text);
      live.appendChild(box);
      button.disabled = true;

      function finish() {
        box.removeAttribute("aria-busy");
        button.disabled = false;
      }

      function handle(ev) {
        const d = ev.data;
        if (ev.type === "tool_call") {
          tools.appendChild(el("li", "small", (d.ok ? "\u2713 " : "\u2717 ") + d.name + ": " + d.summary));
        } else if (ev.type === "text") {
          appendCited(text, d.text, prefix);
        } else if (ev.type === "done") {
          renderDone(box, d.answer, prefix);
          input.value = "";
          if (d.conversation_id) {
            let field = convField;
            if (!field) {
              field = el("input");
              field.type = "hidden";
              field.name = "conversation_id";
              form.appendChild(field);
            }
            field.value = String(d.conversation_id);
            window.history.replaceState(null, "", "/ask/conversations/" + d.conversation_id);
          }
        } else if (ev.type === "error") {
          showProblem(live, d);
        }
      }

      const token = form.querySelector("input[name=csrf_token]");
      fetch("/api/ask", {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "text/event-stream",
          "X-CSRF-Token": token ? token.value : "",
        },
        body: JSON.stringify(body),
      })
        .then(function (response) {
          if (!response.ok || !response.body) {
            return response.json().then(function (problem) {
              box.remove();
              showProblem(live, problem);
            });
          }
          const reader = response.body.getReader();
          const decoder = new TextDecoder();
          const state = { buffer: "" };
          function pump() {
            return reader.read().then(function (part) {
              if (part.value) state.buffer += decoder.decode(part.value, { stream: true });
              takeEvents(state).forEach(handle);
              if (!part.done) return pump();
            });
          }
          return pump();
        })
        .catch(function () {
          showProblem(live, { message: "The answer was interrupted: check the connection and ask again." });
        })
        .then(finish);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-ask]").forEach(setup);
  });
})();
