"""``chartcode fee``: the Medicare payment of a code, with its formula and sources.

Contract: parse the options, call ``Chartcode.fee`` (or ``Chartcode.anesthesia_fee`` with
``--minutes``), and render the result with ``chartcode.cli.fee_render`` or print its
``to_dict()`` with ``--json``. Errors are ``ChartcodeError``s, mapped to messages and exit
codes by ``chartcode.cli.main.run``. The module imports nothing heavy at import time, and
imports ``chartcode.cli.main`` only inside the command, because ``main`` registers this
command when it is itself imported.
"""

from __future__ import annotations

from typing import Annotated

import typer

from chartcode.cli.options import JsonOpt, StoreOpt

_CHOOSE_ONE = "Give --minutes for anesthesia, or the fee schedule options, not both."


def fee_command(
    code: Annotated[str, typer.Argument(help="CPT or HCPCS code, any case.")],
    modifier: Annotated[
        list[str] | None,
        typer.Option(
            "--modifier",
            "-m",
            help="A claim modifier; repeat for several (26, TC, 53, 50, 51, 62, 66, 80, AS...).",
        ),
    ] = None,
    locality: Annotated[
        str | None,
        typer.Option(help="Payment locality: 5-digit MAC + 2-digit locality, e.g. 0111205."),
    ] = None,
    zip5: Annotated[
        str | None,
        typer.Option("--zip", help="ZIP code; its locality comes from the CMS ZIP file."),
    ] = None,
    facility: Annotated[
        bool | None,
        typer.Option("--facility/--non-facility", help="One setting only (default: both)."),
    ] = None,
    qpp: Annotated[
        bool, typer.Option("--qpp", help="Use the QPP conversion factor (qualifying APM).")
    ] = False,
    minutes: Annotated[
        int | None,
        typer.Option(help="Anesthesia time in minutes: price the code as anesthesia."),
    ] = None,
    base_units: Annotated[
        int | None, typer.Option("--base-units", help="Anesthesia base units of the code.")
    ] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", "-d", help="Date of service, YYYY-MM-DD (default: today)."),
    ] = None,
    json_: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Medicare payment for a code by locality and setting, with the formula and its sources."""
    from chartcode.cli.fee_render import anesthesia_page, fee_page
    from chartcode.cli.main import _desk, out
    from chartcode.cli.render import print_json
    from chartcode.errors import InvalidInput

    anesthesia = minutes is not None or base_units is not None
    if anesthesia and (modifier or qpp or facility is not None or minutes is None):
        raise InvalidInput(_CHOOSE_ONE if minutes is not None else "--base-units needs --minutes")
    desk = _desk(store, date, json_)
    setting = None if facility is None else "facility" if facility else "nonfacility"
    result = (
        desk.anesthesia_fee(code, minutes, base_units, locality=locality, zip5=zip5)
        if minutes is not None
        else desk.fee(
            code, modifiers=modifier or (), locality=locality, zip5=zip5, setting=setting, qpp=qpp
        )
    )
    if json_:
        print_json(out, result.to_dict())
    else:
        out.print(fee_page(result) if minutes is None else anesthesia_page(result))
