"""Rich rendering of service results for the terminal. Formatting only; no rules here."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

NOTE_LABELS = {
    "inclusion_term": "Inclusion term",
    "includes": "Includes",
    "excludes1": "Excludes1 (never together)",
    "excludes2": "Excludes2 (not included here; may be coded together)",
    "code_first": "Code first",
    "use_additional": "Use additional code",
    "code_also": "Code also",
    "note": "Note",
    "seventh_char_note": "7th character",
}


def print_json(console: Console, obj: Any) -> None:
    console.print_json(json.dumps(obj, default=str))


def code_page(result: Any) -> Group:
    """A terminal page for a ``CodeResult``."""
    parts: list[Any] = []
    head = Text()
    head.append(f"{result.code}", style="bold cyan")
    head.append(f"  {result.system}  ", style="dim")
    head.append(result.title, style="bold")
    parts.append(head)
    status_style = "green" if result.valid_on_date and result.billable else "yellow"
    if not result.valid_on_date and result.validity in ("deleted", "not_yet_valid"):
        status_style = "red"
    parts.append(Text(result.billable_reason, style=status_style))
    if result.validity_message and result.validity_message != result.billable_reason:
        parts.append(Text(result.validity_message, style=status_style))
    rel = result.release
    parts.append(
        Text(
            f"Release {rel.version} ({rel.effective_from} to {rel.effective_to or 'open'}), "
            f"source {rel.source_name}; date of service {result.date_of_service}",
            style="dim",
        )
    )
    if result.title_source != "official":
        parts.append(Text(f"Title {result.title_source}.", style="dim"))
    for w in result.warnings:
        parts.append(Text(f"! {w}", style="yellow"))
    if result.also_matches:
        parts.append(Text("Also a code in: " + ", ".join(result.also_matches), style="yellow"))
    if result.hierarchy:
        t = Table(title="Where it sits", show_header=False, box=None, title_justify="left")
        for n in result.hierarchy:
            t.add_row(n.kind, n.code, n.title)
        parts.append(t)
    if result.axes:
        t = Table(title="Axes", title_justify="left")
        for col in ("pos", "axis", "value", "label", "definition"):
            t.add_column(col)
        for a in result.axes:
            d = a.definition or ""
            if a.includes:
                d += ("\n" if d else "") + "Includes: " + "; ".join(a.includes[:8])
                if len(a.includes) > 8:
                    d += f" (+{len(a.includes) - 8} more)"
            t.add_row(str(a.position), a.name, a.value, a.label, d)
        parts.append(t)
    if result.notes:
        t = Table(title="Instructional notes", title_justify="left")
        t.add_column("kind")
        t.add_column("note")
        t.add_column("printed at")
        for n in result.notes:
            t.add_row(NOTE_LABELS.get(n.kind, n.kind), n.text, n.from_code)
        parts.append(t)
    if result.seventh_characters:
        t = Table(title="7th characters", title_justify="left")
        t.add_column("char")
        t.add_column("meaning")
        t.add_column("code")
        for s in result.seventh_characters:
            t.add_row(s.char, s.meaning, s.code or "")
        parts.append(t)
    if result.children:
        t = Table(title="Codes below", title_justify="left")
        t.add_column("code")
        t.add_column("title")
        t.add_column("billable")
        for c in result.children:
            t.add_row(c.code, c.title, "yes" if c.billable else "no")
        parts.append(t)
    parts += billing_sections(result)
    if result.index_entries:
        t = Table(title="Index entries that lead here", title_justify="left")
        for col in ("index", "term", "code as printed", "column"):
            t.add_column(col)
        for e in result.index_entries:
            t.add_row(f"{e.source} {e.release}", e.path, e.printed_code, e.column or "")
        parts.append(t)
    if result.history:
        t = Table(title="History across loaded releases", title_justify="left")
        for col in ("release", "in force from", "event", "title"):
            t.add_column(col)
        for h in result.history:
            t.add_row(h.version, h.effective_from, h.event, h.title or "")
        parts.append(t)
    return Group(*parts)


def billing_sections(result: Any) -> list[Any]:
    """Tables for the CPT/HCPCS billing facts of a code page (nothing for ICD-10 codes)."""
    parts: list[Any] = []
    if result.rvu:
        r = result.rvu
        t = Table(title="Relative value units", title_justify="left")
        for col in (
            "work",
            "PE facility",
            "PE non-facility",
            "MP",
            "total facility",
            "total non-facility",
            "conversion factor",
        ):
            t.add_column(col)
        nf = r["pe_nonfacility"] + (" (NA)" if r["pe_nonfacility_na"] else "")
        f = r["pe_facility"] + (" (NA)" if r["pe_facility_na"] else "")
        t.add_row(
            r["work"],
            f,
            nf,
            r["mp"],
            r["total_facility"],
            r["total_nonfacility"],
            r["conversion_factor"],
        )
        parts.append(t)
    if result.global_days:
        g = result.global_days
        parts.append(
            Text(
                f"Global days {g['value']}: {g.get('meaning') or ''} "
                f"(pre-op {g['pre_op']}, intra-op {g['intra_op']}, post-op {g['post_op']})"
            )
        )
    if result.indicators:
        t = Table(title="Payment indicators", title_justify="left")
        for col in ("indicator", "value", "meaning"):
            t.add_column(col)
        for name, ind in result.indicators.items():
            t.add_row(name.replace("_", " "), str(ind["value"]), ind.get("meaning") or "")
        parts.append(t)
    if result.mue:
        t = Table(title="Medically unlikely edits", title_justify="left")
        for col in ("setting", "units", "adjudication", "rationale"):
            t.add_column(col)
        for setting, m in result.mue.items():
            t.add_row(
                setting,
                str(m["value"]),
                f"{m['adjudication_text']}: {m['meaning']}",
                m["rationale"] or "",
            )
        parts.append(t)
    if result.ptp:
        t = Table(
            title=f"NCCI procedure-to-procedure edits ({len(result.ptp)})", title_justify="left"
        )
        for col in ("setting", "this code is", "partner", "modifier", "in force", "rationale"):
            t.add_column(col)
        for e in result.ptp[:40]:
            t.add_row(
                e["setting"],
                e["this_code_is"],
                e["partner"],
                e["modifier_indicator"],
                f"{e['effective']} to {e['deletion'] or 'open'}",
                e["rationale"] or "",
            )
        parts.append(t)
    if result.addon:
        t = Table(title="Add-on code edits", title_justify="left")
        for col in ("role of this code", "add-on", "primary", "type", "in force"):
            t.add_column(col)
        for e in result.addon[:40]:
            t.add_row(
                e["role"],
                e["addon_code"],
                e["primary_code"],
                e["meaning"] or "",
                f"{e['effective']} to {e['deletion'] or 'open'}",
            )
        if len(result.addon) > 40:
            t.caption = f"{len(result.addon) - 40} more in --json"
        parts.append(t)
    if result.hcpcs:
        h = result.hcpcs
        parts.append(
            Text(
                f"HCPCS: coverage {h.get('coverage')}, "
                f"pricing {', '.join(h.get('pricing_indicators') or [])}, "
                f"BETOS {h.get('betos')}, action {h.get('action_code')}, added {h.get('add_date')}"
                + (f", terminated {h['termination_date']}" if h.get("termination_date") else ""),
                style="dim",
            )
        )
    return parts


def search_table(hits: Iterable[Any]) -> Table:
    t = Table(title="Search results", title_justify="left")
    for col in ("system", "code", "title", "billable", "score"):
        t.add_column(col)
    for h in hits:
        t.add_row(h.system, h.code, h.title, "yes" if h.billable else "no", f"{h.score:.2f}")
    return t


def status_table(rows: Iterable[Any]) -> Table:
    t = Table(title="Loaded releases", title_justify="left")
    for col in ("system", "file", "version", "in force", "rows", "source", "sha256"):
        t.add_column(col)
    for r in rows:
        t.add_row(
            r.system,
            r.kind,
            r.version,
            f"{r.effective_from} to {r.effective_to or 'open'}",
            f"{r.rows:,}",
            r.source,
            r.sha256[:12],
        )
    return t


def import_table(rows: Iterable[Any]) -> Table:
    t = Table(title="Imported", title_justify="left")
    for col in ("file", "system", "kind", "version", "in force", "status", "rows"):
        t.add_column(col)
    for r in rows:
        t.add_row(
            r.source_name,
            r.system,
            r.kind,
            r.version,
            f"{r.effective_from} to {r.effective_to or 'open'}",
            r.status,
            f"{r.rows:,}",
        )
    return t


def error_panel(message: str) -> Panel:
    return Panel(Text(message), title="error", border_style="red", expand=False)


@contextmanager
def progress_bar(console: Console, enabled: bool) -> Iterator[Any]:
    """A progress callback ``(stage, done, total)`` drawn as a Rich bar (silent when disabled)."""
    if not enabled:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("starting", total=1)

        def update(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=max(total, 1))

        yield update
