"""``chartcode learn`` and ``chartcode models``: train a model on a team's coded cases, list them.

Contract: ``learn TEXTS --labels LABELS [--labels LABELS2] --name NAME`` reads the cases
(``sources.training_cases``), trains with a progress bar and saves the model in the data
directory (``Chartcode.learn``); it prints the model's record: documents, codes, data hash,
release, held-out validation figures beside the dictionary's, and every input line it could not
read. ``models`` lists the models; ``--default NAME`` sets the one ``suggest`` uses, ``--remove``
deletes one. Errors are ``ChartcodeError``s, mapped by ``chartcode.cli.main.run``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from chartcode.cli.options import StoreOpt

if TYPE_CHECKING:
    from rich.console import RenderableType

SYSTEM_LABEL = {"icd10cm": "ICD-10-CM", "icd10pcs": "ICD-10-PCS"}
PROBLEMS_SHOWN = 10


def learn_command(
    texts: Annotated[
        Path, typer.Argument(help="The cases: a folder of ID.txt files, or a JSONL of {id, text}.")
    ],
    labels: Annotated[
        list[Path],
        typer.Option(
            "--labels",
            help="Codes: a TSV of ID<TAB>code (CodiEsp layout) or a JSONL of {id, code|codes};"
            " repeat for several files.",
        ),
    ],
    name: Annotated[str, typer.Option(help="The model's name.")] = "default",
    labels_system: Annotated[
        str | None,
        typer.Option(
            "--labels-system",
            help="icd10cm or icd10pcs, when the label files cannot tell (default: from the codes).",
        ),
    ] = None,
    folds: Annotated[
        int | None, typer.Option(help="Cross-fitting folds for the ranker (2-10; default 10).")
    ] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", "-d", help="Code sets as of this date (default: today)."),
    ] = None,
    make_default: Annotated[
        bool, typer.Option("--default", help="Make it the model `suggest` uses by default.")
    ] = False,
    json_: Annotated[
        bool, typer.Option("--json", help="Print the model's record as JSON.")
    ] = False,
    store: StoreOpt = None,
) -> None:
    """Learn from your own coded cases: train a local model that adapts `suggest`."""
    from chartcode.cli.main import _desk, err, out
    from chartcode.cli.render import print_json, progress_bar
    from chartcode.errors import InvalidInput
    from chartcode.sources.training_cases import read_training_set

    if folds is not None and not 2 <= folds <= 10:
        raise InvalidInput("--folds must be between 2 and 10")
    training = read_training_set(texts, labels, labels_system)
    if not training.cases:
        first = f"; {'; '.join(training.problems[:3])}" if training.problems else ""
        raise InvalidInput(
            f"no case has both a text and codes ({len(training.unlabelled)} texts without codes,"
            f" {len(training.no_text)} labelled ids without text, {len(training.problems)}"
            f" unreadable lines){first}"
        )
    desk = _desk(store, date, json_)
    with progress_bar(err, enabled=not json_) as bar:
        model, path = desk.learn(
            training, name, folds=folds, make_default=make_default, progress=bar
        )
    record: dict[str, Any] = dict(model.meta, file=str(path), default=make_default)
    record["input"] = {
        "problems": training.problems,
        "texts_without_codes": training.unlabelled,
        "codes_without_text": training.no_text,
    }
    if json_:
        print_json(out, record)
        return
    out.print(render_record(record))
    for problem in training.problems[:PROBLEMS_SHOWN]:
        err.print(f"[yellow]skipped[/yellow] {problem}", highlight=False)
    if len(training.problems) > PROBLEMS_SHOWN:
        err.print(f"... {len(training.problems) - PROBLEMS_SHOWN} more: --json lists them all")


def models_command(
    default: Annotated[
        str | None, typer.Option("--default", help="Make this model the default for `suggest`.")
    ] = None,
    no_default: Annotated[
        bool, typer.Option("--no-default", help="Use no model unless `suggest --model` names one.")
    ] = False,
    remove: Annotated[str | None, typer.Option("--remove", help="Delete this model.")] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """List learned models; set the default one or remove one."""
    from chartcode.api import Chartcode
    from chartcode.cli.main import out
    from chartcode.cli.render import print_json

    desk = Chartcode()
    if default:
        desk.set_default_model(default)
    if no_default:
        desk.set_default_model(None)
    if remove:
        desk.remove_model(remove)
    found = desk.models()
    if json_:
        print_json(out, {"models": found})
        return
    out.print(models_table(found))


def _figure(v: dict[str, Any] | None, key: str) -> str:
    return f"{v[key]:.3f}" if v and key in v else "-"


def render_record(record: dict[str, Any]) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    release = ", ".join(f"{SYSTEM_LABEL.get(s, s)} {v}" for s, v in record["release"].items())
    head = Text.assemble(
        (f"model {record['name']}", "bold"),
        f" saved to {record['file']}\n",
        f"{record['documents']} cases, {record['codes']} distinct codes, code sets {release}\n",
        f"training data sha256 {record['data_sha256']}",
    )
    table = Table(
        title=f"Held-out validation ({record['folds']}-fold cross-fitting, each case scored by a"
        " ranker trained without it)"
    )
    for col in ("system", "pipeline", "MAP", "precision", "recall", "F1", "cut-off"):
        table.add_column(col)
    for system, v in record["validation"].items():
        label = SYSTEM_LABEL.get(system, system)
        for pipeline, key in (("dictionary only", "dictionary"), ("with this model", "model")):
            s = v[key]
            table.add_row(
                label,
                pipeline,
                _figure(s, "map"),
                _figure(s, "precision"),
                _figure(s, "recall"),
                _figure(s, "f1"),
                f"{v['threshold']:.2f}" if key == "model" else "",
            )
    notes = [
        Text(
            f"{SYSTEM_LABEL.get(system, system)}: no ranker learned. Among the candidates of "
            "these cases none was a code the cases carry, or all were, so there was nothing to "
            "tell apart; `suggest` keeps the dictionary's codes for it.",
            style="yellow",
        )
        for system in record.get("labels", {})
        if system not in record["validation"]
    ]
    given = record.get("input", {})
    unused = [
        f"{len(given[k])} {one if len(given[k]) == 1 else many}"
        for k, one, many in (
            ("texts_without_codes", "text without codes", "texts without codes"),
            ("codes_without_text", "labelled id without a text", "labelled ids without a text"),
        )
        if given.get(k)
    ]
    if unused:
        notes.append(Text(f"not used: {', '.join(unused)} (--json lists them)", style="dim"))
    return Group(head, Text(), table, *notes)


def models_table(found: list[dict[str, Any]]) -> RenderableType:
    from rich.table import Table

    table = Table(title="Learned models")
    for col in ("name", "default", "created", "cases", "codes", "ICD-10-CM MAP", "PCS F1", "note"):
        table.add_column(col, overflow="fold")
    for m in found:
        v = m.get("validation", {})
        table.add_row(
            str(m.get("name")),
            "yes" if m.get("default") else "",
            str(m.get("created", "")),
            str(m.get("documents", "")),
            str(m.get("codes", "")),
            _figure(v.get("icd10cm", {}).get("model"), "map"),
            _figure(v.get("icd10pcs", {}).get("model"), "f1"),
            str(m.get("error", "")),
        )
    if not found:
        table.caption = "none yet: train one with `chartcode learn TEXTS --labels LABELS`"
    return table
