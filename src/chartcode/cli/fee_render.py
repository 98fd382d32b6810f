"""Rich rendering of fee results (``FeeResult``, ``AnesthesiaResult``). Formatting only.

Contract: ``fee_page(result)`` and ``anesthesia_page(result)`` return a Rich renderable that
shows the amount per setting, the formula with every number, each number's source row, the
adjustments with their rule ids and citations, the payment indicators and the releases used.
No rule is decided here: every word about payment comes from the service's result.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from chartcode.services.fees import money

_SETTING_TITLES = {"facility": "Facility", "nonfacility": "Non-facility"}


def _head(result: Any) -> Text:
    head = Text()
    head.append(result.code, style="bold cyan")
    if getattr(result, "modifiers", None):
        head.append("-" + "-".join(result.modifiers), style="bold cyan")
    head.append(f"  {result.system}  ", style="dim")
    head.append(result.description or "", style="bold")
    return head


def _locality(result: Any) -> Text:
    loc = result.locality
    where = loc.source.describe()
    name = f"{loc.id} {loc.name}" if loc.id else loc.name
    via = f" (from ZIP {loc.zip5})" if loc.zip5 else ""
    return Text(
        f"Locality {name}{via} [{where}]; date of service {result.date_of_service}", style="dim"
    )


def _releases(result: Any) -> Text:
    parts = [
        f"{r['system']} {r['kind']} {r['version']} ({r['source']}, {r['effective_from']} to "
        f"{r['effective_to'] or 'open'})"
        for r in result.releases
    ]
    return Text("Releases: " + "; ".join(parts), style="dim")


def _setting_table(s: Any) -> Table | Text:
    amount = money(s.amount) if s.amount is not None else ("NA" if s.na else "no amount")
    title = _SETTING_TITLES.get(s.setting, s.setting)
    if not s.components:  # nothing was computed: the reason is the whole answer
        return Text(f"{title}: {amount} -- {s.reason}", style="yellow")
    t = Table(
        title=f"{title}: {amount}",
        title_justify="left",
        caption=s.formula,
        caption_justify="left",
    )
    for col in ("component", "value", "source"):
        t.add_column(col)
    for c in s.components:
        t.add_row(c.name, str(c.value), c.source.describe())
    for a in s.adjustments:
        t.add_row(a.kind.replace("_", " "), a.description, f"{a.rule_id}: {a.citation}")
    return t


def _indicators(result: Any) -> Table:
    t = Table(title="Payment indicators", title_justify="left", show_header=False, box=None)
    for i in result.indicators:
        t.add_row(i.field, i.value, i.label)
    return t


def fee_page(result: Any) -> Group:
    """A terminal page for a ``FeeResult``."""
    st = result.status
    parts: list[Any] = [_head(result)]
    style = "green" if st.payable else "yellow"
    verdict = "payable" if st.payable else "not payable"
    parts.append(Text(f"Status {st.code} ({st.meaning}): {verdict}. {st.description}", style))
    parts.append(_locality(result))
    parts.append(Text(f"Row: {result.row.describe()}", style="dim"))
    parts += [Text(f"! {w}", style="yellow") for w in result.warnings]
    parts += [_setting_table(s) for s in result.settings]
    for a in result.adjustments:
        if a.factor is None:  # the factor ones are in the setting tables already
            parts.append(Text(f"- {a.description} [{a.rule_id}]", style="cyan"))
    parts.append(_indicators(result))
    parts.append(_releases(result))
    return Group(*parts)


def anesthesia_page(result: Any) -> Group:
    """A terminal page for an ``AnesthesiaResult``."""
    parts: list[Any] = [_head(result), _locality(result)]
    parts += [Text(f"! {w}", style="yellow") for w in result.warnings]
    t = Table(
        title=f"Anesthesia: {money(result.amount)}",
        title_justify="left",
        caption=result.formula,
        caption_justify="left",
    )
    for col in ("component", "value", "source"):
        t.add_column(col)
    for c in result.components:
        t.add_row(c.name, str(c.value), c.source.describe())
    parts.append(t)
    parts.append(_releases(result))
    return Group(*parts)
