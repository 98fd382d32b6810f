"""``chartcode ask "QUESTION"``: a coding question answered from the data, every fact cited.

Contract: ``ask QUESTION`` calls ``Chartcode.ask_stream`` and prints the answer with its
citations (id, file, release, row or section), then any flags (data not loaded, a code not
valid on the date of service). ``--json`` prints ``Answer.to_dict()``. Without a model
(``--model-url`` or ``$CHARTCODE_MODEL_URL``) the deterministic answerer answers; with one,
an OpenAI-compatible model answers through the same tools, and the tools it calls are shown
as they run. Errors are ``ChartcodeError``s, mapped by ``chartcode.cli.main.run``; this module
imports ``cli.main`` only inside the command because ``main`` registers it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from chartcode.cli.options import StoreOpt

if TYPE_CHECKING:
    from rich.console import Console


def ask_command(
    question: Annotated[str, typer.Argument(help="A coding question, in quotes.")],
    date: Annotated[
        str | None,
        typer.Option("--date", "-d", help="Date of service, YYYY-MM-DD (default: today)."),
    ] = None,
    model_url: Annotated[
        str | None,
        typer.Option(
            help="OpenAI-compatible API base (…/v1) for model mode; default: deterministic.",
            envvar="CHARTCODE_MODEL_URL",
        ),
    ] = None,
    model: Annotated[
        str | None, typer.Option(help="Model name for model mode.", envvar="CHARTCODE_MODEL")
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            help="API key for model mode.", envvar="CHARTCODE_API_KEY", show_default=False
        ),
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
    store: StoreOpt = None,
) -> None:
    """Ask a coding question; the answer cites the file, release and row of every fact."""
    from chartcode.cli.main import _desk, err, out
    from chartcode.cli.render import print_json
    from chartcode.services.assistant import ModelConfig

    desk = _desk(store, date, json_)
    config = ModelConfig.from_env(model_url, model, api_key)
    final: dict[str, Any] = {}
    for chunk in desk.ask_stream(question, model=config):
        if chunk.type == "tool_call" and not json_ and config is not None:
            mark = "✓" if chunk.data["ok"] else "✗"
            err.print(f"[dim]{mark} {chunk.data['name']}: {chunk.data['summary']}[/dim]")
        elif chunk.type == "done":
            final = chunk.data["answer"]
    if json_:
        print_json(out, final)
    else:
        out.print(answer_view(final))


def answer_view(a: dict[str, Any]) -> Group:
    """The answer in a panel, then its citations and flags."""
    parts: list[Any] = []
    title = f"{a['kind'].replace('_', ' ')} · {a['mode']} · date of service {a['date_of_service']}"
    style = "green" if a["answered"] else "yellow"
    parts.append(Panel(Text(a["text"] or "(no answer)"), title=title, border_style=style))
    if a["citations"]:
        table = Table(title="Sources", show_header=True, header_style="bold", expand=False)
        table.add_column("id")
        table.add_column("file")
        table.add_column("release")
        table.add_column("where")
        for c in a["citations"]:
            table.add_row(c["id"], c["file"], c["release"], c["locator"])
        parts.append(table)
    for flag in a["flags"]:
        parts.append(Text(f"⚠ {flag}", style="yellow"))
    return Group(*parts)


def print_answer(console: Console, a: dict[str, Any]) -> None:
    console.print(answer_view(a))
