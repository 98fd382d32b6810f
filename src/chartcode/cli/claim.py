"""``chartcode claim``: check a claim (or a batch of claims) the way a payer's edits would.

Contract: ``chartcode claim FILE`` checks the claims of a JSON, JSONL or CSV file and prints
each claim's edits as a Rich table (``--json``: ``{"claim", "clean", "edits", "warnings",
"not_checked"}``, a list when the file holds several claims). ``--batch FILE --out FILE``
streams a CSV, Parquet or JSONL batch to a Parquet/CSV/JSONL file of edits with a progress
bar and prints a summary. Malformed input is a ``ClaimInputError`` listing every field
(exit 2); ``--fail-on`` makes edits themselves fail the command, for scripted checks.
``chartcode.cli.main`` registers the command and is imported only inside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from chartcode.cli.options import JsonOpt, StoreOpt

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from chartcode.services.claims.batch import BatchSummary
    from chartcode.services.claims.result import ClaimResult

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_MARK = {"error": "x", "warning": "!", "info": "i"}
WIDE = 140  # columns from which the edits are drawn as a table


def claim_command(
    claim_file: Annotated[
        Path | None,
        typer.Argument(help="A claim file: .json (one claim or a list), .jsonl or .csv."),
    ] = None,
    batch: Annotated[
        Path | None,
        typer.Option("--batch", help="Check a batch file (.csv, .parquet, .jsonl), streaming."),
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Where a batch's edits go: .parquet, .csv or .jsonl."),
    ] = None,
    history: Annotated[
        Path | None,
        typer.Option(
            "--history", help="The patient's prior claims (same formats), for global periods."
        ),
    ] = None,
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on",
            help="Exit 1 when an edit of this severity (or worse) is found: error, warning, "
            "or none.",
        ),
    ] = "none",
    json_: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Check a claim: NCCI PTP, MUE, add-on, fee-schedule modifiers, global, validity, age/sex."""
    from chartcode.cli.main import _desk, err, out
    from chartcode.cli.render import print_json
    from chartcode.errors import InvalidInput

    if fail_on not in ("error", "warning", "none"):
        raise InvalidInput("--fail-on takes error, warning or none")
    if (claim_file is None) == (batch is None):
        raise InvalidInput("give a claim file, or --batch FILE --out FILE (not both)")
    desk = _desk(store, None, json_)
    if batch is not None:
        if out_file is None:
            raise InvalidInput("--batch needs --out (results.parquet, .csv or .jsonl)")
        summary = _run_batch(desk, batch, out_file, history, err, quiet=json_)
        if json_:
            print_json(out, summary.to_dict())
        else:
            out.print(batch_summary(summary))
        if summary.input_errors:
            raise typer.Exit(2)
        _exit_for(fail_on, summary.severities)
        return
    assert claim_file is not None
    results = desk.check_claims(claim_file, history)
    if json_:
        data: Any = [r.to_dict() for r in results]
        print_json(out, data[0] if len(data) == 1 else data)
    else:
        for r in results:
            out.print(claim_report(r, out.width))
    counts: dict[str, int] = {}
    for r in results:
        for e in r.edits:
            counts[e.severity] = counts.get(e.severity, 0) + 1
    _exit_for(fail_on, counts)


def _exit_for(fail_on: str, counts: Any) -> None:
    if fail_on == "none":
        return
    wanted = ("error",) if fail_on == "error" else ("error", "warning")
    if any(counts.get(s, 0) for s in wanted):
        raise typer.Exit(1)


def _run_batch(
    desk: Any, batch: Path, out_file: Path, history: Path | None, console: Console, quiet: bool
) -> BatchSummary:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    if quiet or not console.is_terminal:
        return desk.check_claims_batch(batch, out_file, history)
    with Progress(
        TextColumn("checking claim lines"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("claims", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=max(total, done, 1))

        return desk.check_claims_batch(batch, out_file, history, progress=update)


def claim_report(r: ClaimResult, width: int = 80) -> RenderableType:
    """One claim: its header, its lines, then every edit with the fix and the source.

    A wide terminal gets the edits as a table; a narrow one as a list, which stays readable.
    """
    from rich.console import Group
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    from chartcode.services.claims.model import dotted

    c = r.claim
    head = Text.assemble(
        ("Claim ", "bold"), (c.claim_id, "bold"),
        f"  ({c.claim_type}; patient sex {c.sex}"
        + (f", born {c.date_of_birth}" if c.date_of_birth else "") + ")",
    )  # fmt: skip
    dx = "  ".join(f"{'ABCDEFGHIJKL'[i]} {dotted(d)}" for i, d in enumerate(c.diagnoses))
    lines = Table(box=None, show_header=True, header_style="dim", pad_edge=False)
    for col in ("line", "date", "code", "modifiers", "units", "dx", "pos", "provider"):
        lines.add_column(col)
    for ln in c.lines:
        d = ln.to_dict()
        lines.add_row(
            str(ln.number), ln.date_from, ln.code, " ".join(ln.modifiers), str(ln.units),
            "".join(d["diagnosis_pointers"]), ln.place_of_service or "",
            ln.rendering_provider or "",
        )  # fmt: skip
    parts: list[RenderableType] = [head, Text(f"Diagnoses: {dx or '(none)'}"), lines]
    if r.edits and width >= WIDE:
        parts.append(_edit_table(r))
    for e in r.edits if width < WIDE else ():
        where = f"line {e.line}" if e.line else "claim"
        parts.append(Text.assemble(
            (f"{_MARK[e.severity]} {e.severity:<7} ", _STYLE[e.severity]), (e.id, "bold"),
            f"  {where}  ", (", ".join(e.codes), "bold"),
        ))  # fmt: skip
        parts.append(Padding(Text(e.message), (0, 0, 0, 4)))
        parts.append(Padding(Text.assemble(("Fix: ", "bold"), e.fix), (0, 0, 0, 4)))
        parts.append(Padding(Text(f"Source: {e.source.describe()}", style="dim"), (0, 0, 0, 4)))
    counts = ", ".join(
        f"{r.count(s)} {s}{'s' if r.count(s) != 1 and s != 'info' else ''}"
        for s in ("error", "warning", "info")
    )
    verdict = (
        Text("clean: no errors or warnings", style="bold green")
        if r.clean
        else Text(f"{counts}", style="bold")
    )
    parts.append(verdict)
    for n in r.not_checked:
        parts.append(Text(f"not checked: {n} not loaded (chartcode data import)", style="yellow"))
    for w in r.warnings:
        parts.append(Text(f"note: {w}", style="yellow"))
    parts.append(Text(""))
    return Group(*parts)


def _edit_table(r: ClaimResult) -> RenderableType:
    from rich.table import Table
    from rich.text import Text

    t = Table(show_lines=True, expand=True)
    t.add_column("severity", no_wrap=True)
    t.add_column("edit", no_wrap=True)
    t.add_column("line", justify="right", no_wrap=True)
    t.add_column("codes", no_wrap=True)
    t.add_column("what is wrong, and the fix", ratio=3)
    t.add_column("source", ratio=1, style="dim")
    for e in r.edits:
        t.add_row(
            Text(e.severity, style=_STYLE[e.severity]), e.id,
            str(e.line) if e.line else "claim", ", ".join(e.codes),
            Text.assemble(e.message, "\n", ("Fix: ", "bold"), e.fix), e.source.describe(),
        )  # fmt: skip
    return t


def batch_summary(s: BatchSummary) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    t = Table(title=f"Claim check of {s.source}", show_header=False, box=None)
    t.add_column(style="bold")
    t.add_column(justify="right")
    t.add_row("claims", f"{s.claims:,}")
    t.add_row("claim lines", f"{s.lines:,}")
    t.add_row("clean claims", f"{s.claims - s.claims_flagged:,}")
    t.add_row("claims with errors or warnings", f"{s.claims_flagged:,}")
    t.add_row("time", f"{s.seconds:.1f} s ({s.lines_per_second:,.0f} lines/s)")
    t.add_row("edits written to", s.out or "-")
    e = Table(title="Edits found", show_header=True)
    e.add_column("edit")
    e.add_column("count", justify="right")
    for eid, n in sorted(s.edits.items(), key=lambda kv: (-kv[1], kv[0])):
        e.add_row(eid, f"{n:,}")
    parts: list[RenderableType] = [t, e]
    for missing in s.not_checked:
        parts.append(Text(f"not checked: {missing} not loaded (chartcode data import)",
                          style="yellow"))  # fmt: skip
    for w in s.warnings:
        parts.append(Text(f"note: {w}", style="yellow"))
    if s.input_errors:
        parts.append(Text(f"{s.input_errors:,} input error(s); the first ones:", style="bold red"))
        for p in s.first_input_errors:
            where = f"claim {p['claim_id']}" + (f" line {p['line']}" if p["line"] else "")
            parts.append(Text(f"  - {where}: {p['message']}", style="red"))
    return Group(*parts)
