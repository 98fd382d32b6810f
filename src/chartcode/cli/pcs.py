"""``chartcode pcs``: build an ICD-10-PCS code axis by axis, and show a table.

Contract: ``pcs build TEXT`` calls ``Chartcode.pcs_build`` and prints the code with the
evidence and definition of every axis, or the question about the first open axis with its
valid values (``--json``: the result's ``to_dict()``). Without TEXT, or with
``--interactive``, it asks each open axis in turn (Rich prompts) and moves the walk with
``services.pcs_builder.choose`` until the code is complete. ``pcs table 0SG`` prints a table
as the official Tables do. Errors are ``ChartcodeError``s, mapped in ``cli.main.run``; this
module imports ``cli.main`` only inside commands because ``main`` registers it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console, Group
from rich.prompt import Prompt
from rich.table import Table
from rich.text import Text

from chartcode.cli.options import DateOpt, JsonOpt, StoreOpt

if TYPE_CHECKING:
    from chartcode.services.pcs.state import BuildResult, OpenAxis
    from chartcode.services.pcs.table_listing import PcsTableListing

pcs_app = typer.Typer(
    help="ICD-10-PCS: build a code axis by axis from a description; show a table.",
    no_args_is_help=True,
)

# Longest definition shown in a terminal cell; --json carries the whole text.
_DEFINITION_WIDTH = 110
_STOP = {"q", "quit", "stop"}


@pcs_app.command("build")
def build_command(
    text: Annotated[
        str | None, typer.Argument(help="Procedure description; none: choose axis by axis.")
    ] = None,
    interactive: Annotated[
        bool, typer.Option("--interactive", "-i", help="Ask the open axes until the code is done.")
    ] = False,
    date: DateOpt = None,
    json_: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Build an ICD-10-PCS code from a description; every axis says why, or what to choose."""
    from chartcode.api import Chartcode
    from chartcode.cli.main import out
    from chartcode.cli.render import print_json

    result = Chartcode(store, date).pcs_build(text)
    if text is None or interactive:
        result = _walk(result, out)
    if json_:
        print_json(out, result.to_dict())
    else:
        out.print(build_page(result))


@pcs_app.command("table")
def table_command(
    code: Annotated[str, typer.Argument(help="Table (0SG), or a longer code to keep its rows.")],
    date: DateOpt = None,
    json_: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Show an ICD-10-PCS table: its operation, definition and rows of valid values."""
    from chartcode.api import Chartcode
    from chartcode.cli.main import out
    from chartcode.cli.render import print_json

    listing = Chartcode(store, date).pcs_table(code)
    if json_:
        print_json(out, listing.to_dict())
    else:
        out.print(table_page(listing))


# -- the interactive walk -------------------------------------------------------------------------
def _walk(result: BuildResult, console: Console) -> BuildResult:
    """Ask the first open axis until the code is complete or the user stops ("q")."""
    from chartcode.errors import InvalidInput
    from chartcode.services.pcs_builder import choose, describe

    while not result.complete and result.open_axes:
        axis = result.open_axes[0]
        console.print(build_page(result, choices=False))
        console.print(choices_table(axis))
        answer = Prompt.ask(f"{axis.name} value (q to stop)", console=console).strip()
        if answer.lower() in _STOP:
            break
        picked = _pick(axis, answer)
        if picked is None:
            console.print(f"[red]{answer!r} is not one of the values listed[/red]")
            continue
        try:
            result = describe(choose(result.state, axis.position, picked))
        except InvalidInput as exc:
            console.print(f"[red]{exc}[/red]")
    return result


def _pick(axis: OpenAxis, answer: str) -> str | None:
    """The value typed (any case), if it is one of the axis's valid values."""
    value = answer.upper()
    return value if value in {c.value for c in axis.choices} else None


# -- rendering ------------------------------------------------------------------------------------
def _short(text: str | None) -> str:
    if not text:
        return ""
    return text if len(text) <= _DEFINITION_WIDTH else text[: _DEFINITION_WIDTH - 1] + "…"


def _evidence(ev: dict[str, Any]) -> Text:
    out = Text()
    if ev.get("text"):
        out.append(f"“{ev['text']}” ", style="bold")
    out.append(ev["reason"], style="dim" if ev["kind"] in ("only_value", "default") else "")
    return out


def build_page(result: BuildResult, choices: bool = True) -> Group:
    """The code (or partial code), each chosen axis with its evidence, and the question."""
    d = result.to_dict()
    head = Text()
    if d["code"]:
        head.append(d["code"], style="bold green")
    else:
        head.append(d["partial_code"], style="bold yellow")
        head.append("  (incomplete: ? marks an open axis)", style="dim")
    if d["table"]:
        t = d["table"]
        head.append(f"\n{t['section']} · {t['body_system']} · {t['operation']}")
    if d["per_side"]:
        head.append("\nEach side, coded on its own (Guidelines B4.3): ")
        for i, side in enumerate(d["per_side"]):
            head.append(" and " if i else "")
            head.append(side["code"] or side["partial_code"], style="bold green")
            head.append(f" {side['body_part']['label']}")
    head.append(f"\nICD-10-PCS {d['release']['version']}, date of service {d['date_of_service']}")
    axes = Table(show_header=True, header_style="bold", expand=False)
    for col in ("", "axis", "value", "label", "why", "definition"):
        axes.add_column(col, overflow="fold")
    for a in d["axes"]:
        axes.add_row(
            str(a["position"]),
            a["name"],
            a["value"],
            a["label"],
            _evidence(a["evidence"]),
            Text(_short(a["definition"]), style="dim"),
        )
    parts: list[Any] = [head, axes]
    for w in d["warnings"]:
        parts.append(Text(f"note: {w}", style="yellow"))
    if result.question:
        parts.append(Text(result.question, style="bold"))
        if choices and result.open_axes:
            parts.append(choices_table(result.open_axes[0]))
    return Group(*parts)


def choices_table(axis: OpenAxis) -> Table:
    t = Table(title=f"{axis.name} (axis {axis.position})", show_header=True, expand=False)
    for col in ("value", "label", "definition"):
        t.add_column(col, overflow="fold")
    for c in axis.choices:
        style = "bold" if c.suggested else ""
        t.add_row(c.value, Text(c.label, style=style), Text(_short(c.definition), style="dim"))
    return t


def table_page(listing: PcsTableListing) -> Group:
    """A table as the official Tables print it: axes 1-3, definition, then each row."""
    title = Text(listing.prefix, style="bold")
    for a in listing.axes:
        value, label = a.values[0]
        title.append(f"\n{a.position} {a.name}: {value} {label}")
    if listing.definition:
        title.append(f"\n{listing.definition}", style="italic")
    title.append(
        f"\nICD-10-PCS {listing.release.version}, date of service {listing.date_of_service}",
        style="dim",
    )
    parts: list[Any] = [title]
    for row in listing.rows:
        t = Table(title=f"row {row.row_no} ({row.codes} codes)", show_header=True, expand=False)
        for a in row.axes:
            t.add_column(f"{a.position} {a.name}", overflow="fold")
        cells = ["\n".join(f"{v}  {label}" for v, label in a.values) for a in row.axes]
        t.add_row(*cells)
        parts.append(t)
    for w in listing.warnings:
        parts.append(Text(f"note: {w}", style="yellow"))
    return Group(*parts)
