"""``chartcode suggest``: code a case, with the evidence highlighted in the note.

Contract: read one note (a file, or ``-`` for standard input) and call ``Chartcode.suggest``;
print the note with every evidence span highlighted and numbered, then the ranked codes (or
the result's ``to_dict()`` with ``--json``). With ``--batch FOLDER|file.jsonl`` every note of a
folder (``*.txt``) or every line of a JSONL file (``{"id": ..., "text": ...}``) is coded with
one loaded vocabulary and written as one JSON line per note to ``--out`` (or standard output),
with a progress bar on standard error. Errors are ``ChartcodeError``s, mapped by
``chartcode.cli.main.run``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chartcode.cli.inputs import read_text
from chartcode.cli.options import JsonOpt, StoreOpt

if TYPE_CHECKING:
    from rich.console import RenderableType

    from chartcode.services.suggest import SuggestResult

POLICIES = ("us-inpatient", "us-outpatient", "code-every-mention")
SYSTEM_STYLE = {"icd10cm": "bold yellow", "icd10pcs": "bold cyan", "cpt": "bold magenta"}


def suggest_command(
    file: Annotated[
        str | None, typer.Argument(help="The note: a text file, or - for standard input.")
    ] = None,
    json_: JsonOpt = False,
    policy: Annotated[
        str,
        typer.Option(
            help="us-inpatient (uncertain diagnoses coded), us-outpatient, or code-every-mention"
            " (every sign and symptom, as CodiEsp codes)."
        ),
    ] = "us-inpatient",
    date: Annotated[
        str | None,
        typer.Option("--date", "-d", help="Date of service, YYYY-MM-DD (default: today)."),
    ] = None,
    batch: Annotated[
        Path | None,
        typer.Option(help="Code every *.txt of a folder, or every line of a JSONL file."),
    ] = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Batch: write JSON lines here, not to stdout.")
    ] = None,
    limit: Annotated[int, typer.Option(help="How many codes to list on the terminal.")] = 25,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show each code's rationale and what was excluded.")
    ] = False,
    model: Annotated[
        str | None,
        typer.Option(help="A learned model (`chartcode learn`); default: the default model."),
    ] = None,
    no_model: Annotated[
        bool, typer.Option("--no-model", help="The dictionary pipeline only, even with a default.")
    ] = False,
    store: StoreOpt = None,
) -> None:
    """Code a case: ICD-10-CM and ICD-10-PCS codes for a note, each with its evidence."""
    from chartcode.cli.main import _desk, err, out
    from chartcode.errors import InvalidInput

    if policy not in POLICIES:
        raise InvalidInput(f"--policy must be one of {', '.join(POLICIES)}")
    desk = _desk(store, date, json_)
    if batch is not None:
        _batch(desk, batch, out_file, policy, model, not no_model)
        return
    if file is None:
        raise InvalidInput("give a note (a file, or - for standard input), or --batch")
    result = desk.suggest(read_text(file), policy=policy, model=model, use_model=not no_model)
    if json_:
        from chartcode.cli.render import print_json

        print_json(out, result.to_dict())
        return
    for warning in result.warnings:
        err.print(f"[dim]{warning}[/dim]", highlight=False)
    out.print(render(result, limit, explain))


def render(result: SuggestResult, limit: int = 25, explain: bool = False) -> RenderableType:
    """The note with numbered, highlighted evidence, then the table of codes."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    shown = result.codes[:limit]
    note = Text(result.text)
    marks: dict[int, list[str]] = {}
    for n, code in enumerate(shown, start=1):
        for ev in code.evidence:
            note.stylize(SYSTEM_STYLE.get(code.system, "bold"), ev.start, ev.end)
            marks.setdefault(ev.end, []).append(str(n))
    # Numbers go in from the end so that earlier offsets stay valid.
    for end in sorted(marks, reverse=True):
        label = Text(f"[{','.join(marks[end])}]", style="dim")
        note = note[:end] + label + note[end:]
    learned = f", model {result.model}" if result.model else ""
    table = Table(title=f"Suggested codes ({result.policy}{learned}, date of service {result.on})")
    for col in ("#", "system", "code", "title", "score", "context", "sequencing"):
        table.add_column(col, overflow="fold")
    for n, c in enumerate(shown, start=1):
        context = c.context if not c.trigger else f"{c.context} ('{c.trigger}')"
        table.add_row(
            str(n),
            c.system,
            Text(c.code, style=SYSTEM_STYLE.get(c.system, "bold")),
            c.title,
            f"{c.score:.2f}",
            context,
            c.sequencing,
        )
    parts: list[RenderableType] = [note, Text(), table]
    if len(result.codes) > limit:
        parts.append(Text(f"{len(result.codes) - limit} more codes: --limit or --json"))
    if explain:
        for n, c in enumerate(shown, start=1):
            lines = [*c.rationale, *c.flags, *c.partners]
            parts.append(Text(f"[{n}] {c.code}: " + "; ".join(lines), style="dim"))
        for x in result.excluded:
            parts.append(Text(f"not coded: {x.code} '{x.evidence.text}': {x.reason}", style="dim"))
    return Group(*parts)


def _batch(
    desk: object,
    source: Path,
    out_file: Path | None,
    policy: str,
    model: str | None,
    use_model: bool,
) -> None:
    from chartcode.api import Chartcode
    from chartcode.cli.main import err
    from chartcode.cli.render import progress_bar

    assert isinstance(desk, Chartcode)
    items = list(_items(source))
    sink = out_file.open("w", encoding="utf-8") if out_file else sys.stdout
    try:
        with progress_bar(err, enabled=err.is_terminal) as bar:
            results = desk.suggest_batch(
                (text for _, text in items), policy=policy, model=model, use_model=use_model
            )
            for done, ((ident, _), result) in enumerate(zip(items, results, strict=True), 1):
                sink.write(json.dumps({"id": ident, **result.to_dict()}) + "\n")
                if bar is not None:
                    bar("coding notes", done, len(items))
    finally:
        if out_file:
            sink.close()
    if out_file:
        err.print(f"{len(items)} notes coded: {out_file}")


def _items(source: Path) -> Iterator[tuple[str, str]]:
    from chartcode.errors import InvalidInput

    if source.is_dir():
        for path in sorted(source.glob("*.txt")):
            yield path.stem, path.read_text(encoding="utf-8")
        return
    if not source.is_file():
        raise InvalidInput(f"no such folder or file: {source}")
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            yield str(row.get("id", number)), str(row["text"])
        except (json.JSONDecodeError, KeyError, AttributeError) as exc:
            message = f"{source}:{number}: expected a JSON object with id and text"
            raise InvalidInput(message) from exc
