"""The ``chartcode`` command. Each command parses, calls one API method, and renders.

Errors are mapped in one place (``run``): a ChartcodeError prints a clear message (or a JSON
error with ``--json``) and exits with its own code; nothing else is caught.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from chartcode.cli.options import DateOpt, JsonOpt, StoreOpt
from chartcode.errors import ChartcodeError

if TYPE_CHECKING:
    from chartcode.api import Chartcode

app = typer.Typer(
    help="chartcode: an offline medical coding desk on the official ICD-10 and Medicare files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
data_app = typer.Typer(
    help="Keep reference data current: status, import, fetch.", no_args_is_help=True
)
app.add_typer(data_app, name="data")

out = Console()
err = Console(stderr=True)


def _desk(store: Path | None, on: str | None, quiet: bool) -> Chartcode:
    """Open the desk, loading the embedded default with a progress bar on first use."""
    from chartcode.api import Chartcode
    from chartcode.cli.render import progress_bar

    desk = Chartcode(store, on)
    with progress_bar(err, enabled=not quiet and err.is_terminal) as bar:
        report = desk.ensure_default(bar)
    if report and not quiet:
        err.print(
            f"[dim]Loaded the embedded ICD-10-CM release {report[0].version} "
            f"({report[0].rows:,} rows) into {desk.store_path}[/dim]"
        )
    return desk


@app.command()
def lookup(
    code: Annotated[str, typer.Argument(help="Any code, with or without the dot, any case.")],
    date: DateOpt = None,
    system: Annotated[str | None, typer.Option(help="icd10cm or icd10pcs.")] = None,
    json_: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Open a code's page: meaning in plain words, notes, billing, related codes, history."""
    from chartcode.cli.render import code_page, print_json

    page = _desk(store, date, json_).page(code, system=system)
    if json_:
        print_json(out, page.to_dict())
    else:
        out.print(code_page(page))


@app.command()
def search(
    query: Annotated[
        str, typer.Argument(help="Words, abbreviations, lay terms or a code (or its start).")
    ],
    system: Annotated[str | None, typer.Option(help="Limit to one system.")] = None,
    limit: Annotated[int, typer.Option(help="Most results to show.")] = 20,
    date: DateOpt = None,
    json_: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Find codes from the words clinicians and patients use, with why each matched."""
    from chartcode.cli.render import print_json, search_table

    desk = _desk(store, date, json_)
    hits = desk.search(query, system=system, limit=limit)
    reading = desk.read_query(query)
    if json_:
        print_json(
            out,
            {"query": query, "read_as": reading, "results": [h.to_dict() for h in hits]},
        )
    else:
        out.print(search_table(hits, reading))


@data_app.command("status")
def data_status(json_: JsonOpt = False, store: StoreOpt = None) -> None:
    """List loaded releases with their dates, row counts and checksums."""
    from chartcode.api import Chartcode
    from chartcode.cli.render import print_json, status_table

    desk = Chartcode(store)
    rows = desk.status()
    if json_:
        print_json(out, {"store": str(desk.store_path), "releases": [r.to_dict() for r in rows]})
    elif not rows:
        out.print(
            f"No releases loaded in {desk.store_path}. The embedded ICD-10-CM loads on "
            "first lookup; `chartcode data import FILES` adds official files."
        )
    else:
        out.print(f"[dim]{desk.store_path}[/dim]")
        out.print(status_table(rows))


@data_app.command("import")
def data_import(
    paths: Annotated[list[Path], typer.Argument(help="Official files, zips or folders of them.")],
    version: Annotated[str | None, typer.Option(help="Override the release version label.")] = None,
    effective_from: Annotated[
        str | None, typer.Option(help="Override the date the release is in force from.")
    ] = None,
    json_: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Import official files; a file that is not recognised or is damaged is refused whole."""
    from chartcode.api import Chartcode
    from chartcode.cli.render import import_table, print_json, progress_bar

    desk = Chartcode(store)
    with progress_bar(err, enabled=not json_) as bar:
        report = desk.import_files(paths, bar, version=version, effective_from=effective_from)
    if json_:
        print_json(out, {"imported": [r.to_dict() for r in report]})
    else:
        out.print(import_table(report))


@data_app.command("fetch")
def data_fetch(
    releases: Annotated[
        list[str] | None, typer.Argument(help="Release ids or systems (default: all known).")
    ] = None,
    registry: Annotated[
        Path | None,
        typer.Option(
            help="A JSON registry of releases to use instead of the built-in one.",
            envvar="CHARTCODE_FETCH_REGISTRY",
        ),
    ] = None,
    list_: Annotated[
        bool, typer.Option("--list", help="List known releases; download nothing.")
    ] = False,
    json_: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Download official releases (resumable, checksummed) and import them."""
    from chartcode.api import Chartcode
    from chartcode.cli.render import import_table, print_json, progress_bar
    from chartcode.services.fetch import fetch, known_releases

    desk = Chartcode(store)
    if list_:
        known = known_releases(registry, releases or [])
        if json_:
            print_json(out, {"releases": [k.to_dict() for k in known]})
        else:
            for k in known:
                out.print(f"{k.id}  {k.title}  {k.url}")
        return
    with progress_bar(err, enabled=not json_) as bar:
        report = fetch(desk.store_path, releases or [], registry=registry, progress=bar)
    desk.close()
    if json_:
        print_json(out, {"imported": [r.to_dict() for r in report]})
    else:
        out.print(import_table(report))


from chartcode.cli.fee import fee_command  # noqa: E402  (imports main lazily)

app.command("fee")(fee_command)

from chartcode.cli.pcs import pcs_app  # noqa: E402

app.add_typer(pcs_app, name="pcs")

from chartcode.cli.redact import redact_command  # noqa: E402  (imports main lazily)

app.command("redact")(redact_command)

from chartcode.cli.suggest import suggest_command  # noqa: E402  (imports main lazily)

app.command("suggest")(suggest_command)

from chartcode.cli.serve import serve_command  # noqa: E402  (imports main lazily)

app.command("serve")(serve_command)

from chartcode.cli.ask import ask_command  # noqa: E402  (imports main lazily)

app.command("ask")(ask_command)

from chartcode.cli.claim import claim_command  # noqa: E402  (imports main lazily)

app.command("claim")(claim_command)

from chartcode.cli.learn import learn_command, models_command  # noqa: E402  (imports main lazily)

app.command("learn")(learn_command)
app.command("models")(models_command)


def run() -> None:
    """Console-script entry point: the one place errors become messages and exit codes."""
    try:
        app()
    except ChartcodeError as exc:
        if "--json" in sys.argv:
            print(json.dumps(exc.to_dict()))
        else:
            from chartcode.cli.render import error_panel

            err.print(error_panel(str(exc)))
        sys.exit(exc.exit_code)


if __name__ == "__main__":  # pragma: no cover
    run()
