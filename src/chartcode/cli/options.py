"""Options every command spells the same way: ``--json``, ``--date`` and ``--store``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
DateOpt = Annotated[
    str | None, typer.Option("--date", "-d", help="Date of service, YYYY-MM-DD (default: today).")
]
StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Reference store file (default: $CHARTCODE_HOME/reference.sqlite).",
        envvar="CHARTCODE_STORE",
    ),
]
