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


def print_json(console: Console, obj: Any) -> None:
    console.print_json(json.dumps(obj, default=str))


def code_page(page: Any, signed_in: bool = True) -> Group:
    """A terminal page for a ``CodePage``: the header, then each section with its sources."""
    result = page.result
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
    for w in result.warnings:
        parts.append(Text(f"! {w}", style="yellow"))
    if result.also_matches:
        parts.append(Text("Also a code in: " + ", ".join(result.also_matches), style="yellow"))
    for section in page.visible(signed_in):
        if section.id == "official":
            continue  # the header above
        parts.append(Text(""))
        parts.append(Text(section.title, style="bold underline"))
        if section.id == "plain":
            parts.append(Text(page.explanation.text))
            cited = sorted({sid for f in section.facts for sid in f.sources}, key=_source_order)
            parts.append(Text("sources " + " ".join(f"[{c}]" for c in cited), style="dim"))
            continue
        t = Table(show_header=False, box=None, pad_edge=False)
        t.add_column(style="cyan", max_width=24)
        t.add_column(no_wrap=True)
        t.add_column(ratio=1)
        t.add_column(style="dim", no_wrap=True)
        for f in section.facts:
            t.add_row(f.label, f.code or "", f.text, " ".join(f"[{s}]" for s in f.sources))
        parts.append(t)
    return Group(*parts)


def _source_order(source_id: str) -> int:
    return int(source_id.lstrip("s") or 0)


def search_table(hits: Iterable[Any], notes: Iterable[str] = ()) -> Group:
    """Ranked results: the code, why it matched (words, index path) and what to check."""
    t = Table(title="Search results", title_justify="left", show_lines=True)
    for col in ("code", "title", "bill", "score", "why"):
        t.add_column(col, no_wrap=col in ("code", "bill", "score"))
    for h in hits:
        why = Text()
        if h.matched:
            why.append(
                "; ".join(f"{q} -> {' '.join(w)}" for q, w in h.matched.items()), style="dim"
            )
        for p in h.path or []:
            why.append(f"\n{p}", style="cyan")
        for f in h.flags:
            why.append(f"\n! {f}", style="yellow")
        title = Text(h.title)
        title.append(f"  {h.system}", style="dim")
        t.add_row(h.code, title, "yes" if h.billable else "no", f"{h.score:.2f}", why)
    head = [Text("Read as: " + "; ".join(notes), style="dim")] if notes else []
    return Group(*head, t)


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
            f"{r.effective_from} to {r.effective_to or 'open'}" if r.system != "-" else "",
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
