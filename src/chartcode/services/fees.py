"""Medicare Physician Fee Schedule (PFS) payment amounts, with every number traced to its row.

Contract:

* ``price(store, code, on, *, modifiers=(), locality=None, zip5=None, setting=None,
  qpp=False) -> FeeResult`` -- one code on one date of service, in the facility and/or the
  non-facility setting: ``(work RVU × work GPCI + PE RVU × PE GPCI + MP RVU × MP GPCI) × CF``
  (the read-me's formula), then the OPPS imaging cap and the modifier adjustments
  (26/TC rows, 53, bilateral 50, 51, co-surgery 62, team 66, assistant 80/81/82/AS).
* ``price_procedures(store, lines, on, ...) -> ProceduresResult`` -- several codes billed by
  one provider for one patient on one date (and, for imaging, in one session): each line is
  priced as ``price`` does, then the multiple procedure rules of the PFS are applied by rank:
  status T bundling, endoscopy families (indicator 3), the standard 100/50/50/50/50 % rule
  (indicators 2 and 3), imaging (4), therapy (5), cardiovascular (6), ophthalmology (7).
* ``anesthesia(store, code, on, *, minutes, base_units=None, locality=None, zip5=None)
  -> AnesthesiaResult`` -- (base units + minutes / 15 to one decimal) × the locality's
  anesthesia conversion factor (the national one without a locality).

Inputs: ``locality`` is the 7-digit MAC + locality number of the GPCI file (``"0111205"``)
and ``zip5`` a ZIP code, mapped through the CMS ZIP file; with neither, the national amount
(every GPCI 1.000). ``setting`` is ``"facility"``, ``"nonfacility"`` or None for both.

Releases: the RVU file in force on the date (``pfs``/``rvu``, or ``rvu_qpp`` with ``qpp``),
the GPCI, ZIP and anesthesia files in force; each one used is listed in the result, and a
date outside them gives a warning. Each component (RVU, GPCI, conversion factor) and each
adjustment carries its source: release version, file name, line and field, or the rule's
citation (``chartcode.rules.pfs_indicators``).

Money is ``Decimal`` throughout, rounded half up to cents only at the end of each line.

Errors: a code without an RVU row -> ``UnknownCode``; an unknown locality or ZIP ->
``UnknownLocality``; no PFS release loaded -> ``ReleaseNotFound``; a modifier the code's
indicators forbid -> ``ModifierNotAllowed``; malformed input -> ``InvalidInput``.

What is not computed is said in the result (``not_implemented`` and the adjustments of kind
``not_implemented``): the comparison with the actual charge ("the lower of the actual charge
or ..."), which needs the claim; indicator 1's pre-1995 rules; by-report pricing (team
surgery, the sixth and later ranked procedures, modifier 53 without its own row).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from chartcode.codes import compact
from chartcode.errors import (
    InvalidInput,
    ModifierNotAllowed,
    ReleaseNotFound,
    UnknownCode,
    UnknownLocality,
)
from chartcode.rules.pfs_indicators import (
    ASSISTANT_AT_SURGERY,
    ASSISTANT_MODIFIERS,
    BILATERAL_SURGERY,
    CO_SURGEONS,
    COMPONENT_MODIFIERS,
    GLOBAL_DAYS,
    MULTIPLE_PROCEDURE,
    PAYMENT_RATES,
    PCTC_INDICATORS,
    README,
    STATUS_CODES,
    TEAM_SURGERY,
    IndicatorRule,
    PaymentRate,
)
from chartcode.services.releases import in_force
from chartcode.store.fee_queries import FeeQueries
from chartcode.store.reference import ReferenceStore, ReleaseRow

CENT = Decimal("0.01")
ONE = Decimal("1.000")  # the national GPCI: no geographic adjustment
_TENTH = Decimal("0.1")


class Setting(StrEnum):
    """Where the service was furnished, which decides the practice expense RVU used."""

    NONFACILITY = "nonfacility"
    FACILITY = "facility"


class AdjustmentKind(StrEnum):
    """Why an amount changed (or why a rule was looked at and left it alone)."""

    COMPONENT = "component"
    DISCONTINUED = "discontinued"
    OPPS_CAP = "opps_cap"
    BILATERAL = "bilateral"
    MULTIPLE_PROCEDURE = "multiple_procedure"
    ENDOSCOPY = "multiple_endoscopy"
    IMAGING = "imaging_reduction"
    THERAPY = "therapy_reduction"
    CARDIOVASCULAR = "cardiovascular_reduction"
    OPHTHALMOLOGY = "ophthalmology_reduction"
    CO_SURGERY = "co_surgery"
    TEAM_SURGERY = "team_surgery"
    ASSISTANT = "assistant_at_surgery"
    STATUS_T = "status_t_bundled"
    NO_CHANGE = "no_change"
    NOT_IMPLEMENTED = "not_implemented"


_KIND_LABELS = {
    AdjustmentKind.BILATERAL: "bilateral",
    AdjustmentKind.MULTIPLE_PROCEDURE: "multiple procedure, modifier 51",
    AdjustmentKind.CO_SURGERY: "co-surgeon, modifier 62",
    AdjustmentKind.ASSISTANT: "assistant at surgery",
}

# --- result types ---------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """JSON-ready values: Decimals as their exact strings, recursively."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class Source:
    """Where a number comes from: a file row and field, or a statement (national GPCIs)."""

    kind: str  # "pfs rvu", "pfs gpci", "pfs zip", "pfs anesthesia", "national"
    release: str | None
    file: str | None
    line: int | None
    field: str | None
    note: str | None = None

    def describe(self) -> str:
        if self.file is None:
            return self.note or self.kind
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{self.kind} {self.release}, {where}" + (f" ({self.field})" if self.field else "")


@dataclass(frozen=True, slots=True)
class Component:
    """One number of the formula (an RVU, a GPCI, a conversion factor) and its source."""

    name: str
    value: Decimal
    source: Source


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A rule applied to (or considered for) an amount.

    ``factor`` multiplies the amount where the rule is a percentage; ``before``/``after`` are
    the unrounded amounts around it where the adjustment belongs to one setting.
    """

    kind: AdjustmentKind
    rule_id: str
    description: str
    citation: str
    modifier: str | None = None
    factor: Decimal | None = None
    before: Decimal | None = None
    after: Decimal | None = None


@dataclass(frozen=True, slots=True)
class StatusInfo:
    code: str
    meaning: str
    payable: bool
    rule_id: str
    description: str


@dataclass(frozen=True, slots=True)
class LocalityInfo:
    """The payment locality priced: ``id`` is MAC + locality number; None when national."""

    id: str | None
    name: str
    mac: str | None
    locality: str | None
    state: str | None
    source: Source
    zip5: str | None = None


@dataclass(frozen=True, slots=True)
class IndicatorInfo:
    field: str
    value: str
    label: str
    rule_id: str | None
    description: str | None


@dataclass(frozen=True, slots=True)
class SettingAmount:
    """The amount in one setting, with the formula written out and every number's source.

    ``amount`` is None when nothing can be computed (not payable, NA, by report); ``reason``
    then says why. ``total_rvu`` is the file's total for the setting; ``adjusted_rvu`` the
    GPCI-weighted sum; ``fee_schedule_amount`` the unrounded amount before adjustments.
    """

    setting: str
    amount: Decimal | None
    total_rvu: Decimal | None
    adjusted_rvu: Decimal | None
    fee_schedule_amount: Decimal | None
    formula: str
    components: list[Component]
    adjustments: list[Adjustment]
    na: bool
    reason: str | None


@dataclass(frozen=True, slots=True)
class FeeResult:
    """The payment of one code (one line); ``to_dict()`` is the documented JSON schema."""

    system: str  # cpt | hcpcs
    code: str
    modifiers: list[str]
    description: str  # CMS short descriptor as published in the RVU file
    date_of_service: str
    qpp: bool
    status: StatusInfo
    locality: LocalityInfo
    settings: list[SettingAmount]
    adjustments: list[Adjustment]
    indicators: list[IndicatorInfo]
    row: Source  # the RVU row priced
    releases: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)

    def amount(self, setting: str) -> Decimal | None:
        """The rounded amount in ``setting`` ("facility" or "nonfacility")."""
        for s in self.settings:
            if s.setting == setting:
                return s.amount
        return None

    def setting(self, setting: str) -> SettingAmount | None:
        return next((s for s in self.settings if s.setting == setting), None)

    def to_dict(self) -> dict[str, Any]:
        return dict(_plain(asdict(self)))


@dataclass(frozen=True, slots=True)
class ProcedureLine:
    """One line of a multiple procedure request."""

    code: str
    modifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SettingTotal:
    setting: str
    amount: Decimal  # sum of the lines' rounded amounts
    complete: bool  # False when a line has no amount (not payable, NA, by report)


@dataclass(frozen=True, slots=True)
class ProceduresResult:
    """Several codes on one date, after the multiple procedure rules."""

    date_of_service: str
    locality: LocalityInfo
    lines: list[FeeResult]
    totals: list[SettingTotal]
    reductions: list[str]  # what was applied, in words with the numbers
    not_implemented: list[str]
    assumptions: list[str]
    releases: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(_plain(asdict(self)))


@dataclass(frozen=True, slots=True)
class AnesthesiaResult:
    """An anesthesia payment: (base units + time units) x anesthesia conversion factor."""

    system: str
    code: str
    description: str | None
    date_of_service: str
    base_units: Decimal
    minutes: Decimal
    time_units: Decimal
    total_units: Decimal
    conversion_factor: Decimal
    amount: Decimal
    formula: str
    components: list[Component]
    locality: LocalityInfo
    releases: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(_plain(asdict(self)))


# --- number formatting for formulas ---------------------------------------------------------


def _num(d: Decimal) -> str:
    """A computed number without trailing zeros beyond cents: 60.12000 -> '60.12'."""
    t = d.normalize()
    exponent = t.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        t = t.quantize(CENT)
    return f"{t:f}"


def _pct(factor: Decimal) -> str:
    return f"{(factor * 100).normalize():f}%"


def money(d: Decimal) -> str:
    """Dollars as shown to users: ``$2,008.06``."""
    return f"${d:,.2f}"


def cents(d: Decimal) -> Decimal:
    """Half-up to cents: the only rounding of an amount, done at the end."""
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def _dec(row: dict[str, Any], key: str) -> Decimal | None:
    value = row.get(key)
    return None if value in (None, "") else Decimal(str(value))


def system_of(code: str) -> str:
    """``cpt`` for codes that start with a digit (CPT, categories II/III), else ``hcpcs``."""
    return "cpt" if code[:1].isdigit() else "hcpcs"


# --- releases and locality ------------------------------------------------------------------


def _release_dict(rel: ReleaseRow) -> dict[str, Any]:
    return {"system": rel.system, "kind": rel.kind, **rel.to_dict()}


@dataclass(frozen=True, slots=True)
class _Gpci:
    work: Component
    pe: Component
    mp: Component


class _Context:
    """What one request resolves once: releases, locality, GPCIs; and the warnings so far."""

    def __init__(self, store: ReferenceStore, on: date) -> None:
        self.store = store
        self.on = on
        self.queries = FeeQueries(store.conn)
        self.releases: list[ReleaseRow] = []
        self.warnings: list[str] = []

    def release(self, kind: str, what: str, how: str) -> ReleaseRow | None:
        found = in_force(self.store, "pfs", kind, self.on)
        if found is None:
            return None
        rel = found.release
        if rel not in self.releases:
            self.releases.append(rel)
            if found.warning:
                self.warnings.append(f"{what}: {found.warning}")
            elif rel.effective_to and self.on.isoformat() > rel.effective_to:
                # A date in a gap between two loaded releases: the earlier one answers.
                self.warnings.append(
                    f"{what}: {self.on.isoformat()} is after the end of {rel.version} "
                    f"(in force to {rel.effective_to}) and no loaded release covers it; {how}"
                )
        return rel

    def need(self, kind: str, what: str, example: str) -> ReleaseRow:
        rel = self.release(kind, what, f"import the {what} in force then")
        if rel is None:
            raise ReleaseNotFound(
                f"no {what} is loaded: run `chartcode data import {example}` (CMS publishes it "
                "with the physician fee schedule files)"
            )
        return rel

    def release_dicts(self) -> list[dict[str, Any]]:
        return [_release_dict(r) for r in self.releases]


def _source(kind: str, rel: ReleaseRow, row: dict[str, Any], fld: str | None) -> Source:
    return Source(kind, rel.version, rel.source_name, row.get("line"), fld)


def _national() -> tuple[LocalityInfo, _Gpci]:
    src = Source(
        "national",
        None,
        None,
        None,
        None,
        "national amount: every GPCI is 1.000 (no geographic adjustment)",
    )
    info = LocalityInfo(None, "National (GPCIs of 1.000)", None, None, None, src)
    return info, _Gpci(
        Component("work GPCI", ONE, src),
        Component("PE GPCI", ONE, src),
        Component("MP GPCI", ONE, src),
    )


def _locality_hint(rows: list[dict[str, Any]], mac: str | None) -> list[str]:
    same = [r for r in rows if mac and r["mac"] == mac] or rows
    return [f"{r['mac']}{r['locality']} ({r['locality_name']})" for r in same[:6]]


def _zip_row(ctx: _Context, zip5: str) -> tuple[ReleaseRow, dict[str, Any]]:
    if not (len(zip5) == 5 and zip5.isascii() and zip5.isdigit()):
        raise InvalidInput(f"ZIP code {zip5!r} is not five digits")
    rel = ctx.need("zip", "ZIP code to locality file", "ZIP5_<MON><YYYY>.txt")
    row = ctx.store.medicare.zip_locality(rel.id, zip5)
    if row is None:
        raise UnknownLocality(
            zip5,
            f"ZIP code {zip5} is not in the ZIP code file {rel.source_name} ({rel.version}); "
            "check the ZIP, or give the locality itself as --locality MAC+locality (the 5-digit "
            "MAC and 2-digit locality number of the GPCI file, e.g. 0111205)",
        )
    if row.get("plus4_flag"):
        ctx.warnings.append(
            f"ZIP {zip5} is split between localities by ZIP+4 (plus four flag, "
            f"{rel.source_name}:{row.get('line')}); the 5-digit file's locality "
            f"{row['carrier']}{row['locality']} is used"
        )
    return rel, row


def _mac_and_locality(
    ctx: _Context, locality: str | None, zip5: str | None, of_file: str = ""
) -> tuple[str, str, str | None]:
    """(MAC, locality number, ZIP used) from a ZIP code or a 7-digit locality id."""
    if zip5 is not None:
        zip_used = zip5.strip()
        _, zrow = _zip_row(ctx, zip_used)
        return zrow["carrier"], zrow["locality"], zip_used
    assert locality is not None
    text = locality.strip()
    if not (len(text) == 7 and text.isascii() and text.isdigit()):
        raise InvalidInput(
            f"locality {locality!r} is not 7 digits: the 5-digit MAC and the 2-digit "
            f"locality number{of_file}, e.g. 0111205"
        )
    return text[:5], text[5:], None


def _resolve_locality(
    ctx: _Context, locality: str | None, zip5: str | None
) -> tuple[LocalityInfo, _Gpci]:
    """The locality asked for (by id or ZIP) and its GPCIs; national without either."""
    if locality is not None and zip5 is not None:
        raise InvalidInput("give a locality or a ZIP code, not both")
    if locality is None and zip5 is None:
        return _national()
    mac, loc, zip_used = _mac_and_locality(ctx, locality, zip5, " of the GPCI file")
    rel = ctx.need("gpci", "GPCI file", "GPCI<year>.csv")
    row = ctx.store.medicare.gpci(rel.id, mac, loc)
    if row is None:
        how = (
            f"ZIP code {zip_used} maps to MAC {mac} locality {loc}, which"
            if zip_used
            else (f"locality {mac}{loc} (MAC {mac}, locality {loc})")
        )
        raise UnknownLocality(
            zip_used or f"{mac}{loc}",
            f"{how} is not in the GPCI file {rel.source_name} ({rel.version}); a locality is "
            "the 5-digit MAC plus the 2-digit locality number as printed in that file, or "
            "give --zip ZIP to find it from a ZIP code",
            _locality_hint(ctx.store.medicare.localities(rel.id), mac),
        )
    src = _source("pfs gpci", rel, row, None)
    info = LocalityInfo(
        f"{mac}{loc}", row["locality_name"], mac, loc, row.get("state"), src, zip_used
    )
    gpci = _Gpci(
        Component("work GPCI", Decimal(row["pw_gpci"]), _source("pfs gpci", rel, row, "pw_gpci")),
        Component("PE GPCI", Decimal(row["pe_gpci"]), _source("pfs gpci", rel, row, "pe_gpci")),
        Component("MP GPCI", Decimal(row["mp_gpci"]), _source("pfs gpci", rel, row, "mp_gpci")),
    )
    return info, gpci


# --- one line -------------------------------------------------------------------------------


def _norm_modifiers(modifiers: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for m in modifiers:
        t = m.strip().upper()
        if not (len(t) == 2 and t.isascii() and t.isalnum()):
            raise InvalidInput(f"modifier {m!r} is not two letters or digits")
        if t not in out:
            out.append(t)
    return tuple(out)


@dataclass
class _Calc:
    """A line's working state in one setting (mutable while rules are applied)."""

    setting: Setting
    components: list[Component]
    total_rvu: Decimal | None
    adjusted_rvu: Decimal | None = None
    base: Decimal | None = None
    amount: Decimal | None = None
    pe_part: Decimal | None = None  # the PE share of the amount (therapy reduction)
    na: bool = False
    reason: str | None = None
    formula: list[str] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)

    def apply(self, adj: Adjustment, new: Decimal | None, text: str) -> None:
        """Record an adjustment that changes the amount (None: no amount any more)."""
        before = self.amount
        self.amount = new
        if self.pe_part is not None and adj.factor is not None:
            self.pe_part *= adj.factor
        self.adjustments.append(_with(adj, before, new))
        if new is None:
            self.formula.append(f"; {text}")
            self.reason = adj.description
        else:
            self.formula.append(f" {text} = {_num(new)}")


def _with(adj: Adjustment, before: Decimal | None, after: Decimal | None) -> Adjustment:
    return replace(adj, before=before, after=after)


@dataclass
class _Line:
    """One code with its modifiers, priced in each setting asked for."""

    code: str
    modifiers: tuple[str, ...]
    rel: ReleaseRow
    row: dict[str, Any]
    status: IndicatorRule | None
    payable: bool
    line_adjustments: list[Adjustment]
    warnings: list[str]
    calcs: dict[Setting, _Calc]
    index: int = 0

    @property
    def mult(self) -> str:
        return str(self.row.get("mult_proc") or "")

    def amount(self, s: Setting) -> Decimal | None:
        calc = self.calcs.get(s)
        return calc.amount if calc else None


def _rule(table: dict[str, IndicatorRule], value: str | None) -> IndicatorRule | None:
    return table.get(value or "")


def _rate(rule_id: str) -> PaymentRate:
    return PAYMENT_RATES[rule_id]


def _refuse(code: str, modifier: str, rule: IndicatorRule | None, what: str) -> None:
    if rule is None:
        raise ModifierNotAllowed(code, modifier, f"the RVU row has no {what} indicator")
    raise ModifierNotAllowed(
        code,
        modifier,
        f"{what} indicator {rule.value} ({rule.label}): {rule.description} [{rule.citation}]",
        rule.rule_id,
    )


class _Pricer:
    """Prices lines against one RVU release and one locality."""

    def __init__(
        self, ctx: _Context, rel: ReleaseRow, gpci: _Gpci, settings: list[Setting]
    ) -> None:
        self.ctx = ctx
        self.rel = rel
        self.gpci = gpci
        self.settings = settings

    # -- rows --------------------------------------------------------------------------------
    def _unknown(self, code: str, hint: str | None = None) -> UnknownCode:
        nearest: list[str] = []
        for k in range(len(code) - 1, 0, -1):
            nearest = [
                c
                for c in self.ctx.queries.rvu_codes_with_prefix(self.rel.id, code[:k], 8)
                if c != code
            ]
            if nearest:
                break
        searched = [f"pfs {self.rel.kind} {self.rel.version} ({self.rel.source_name})"]
        return UnknownCode(code, searched, nearest, hint)

    def _rows(self, code: str, mods: tuple[str, ...]) -> tuple[dict[str, Any], str]:
        """The RVU row to price and the pricing modifier it has ('' for the global row)."""
        med = self.ctx.store.medicare
        global_row = med.rvu(self.rel.id, code)
        comp = [m for m in mods if m in COMPONENT_MODIFIERS]
        if len(comp) > 1:
            raise ModifierNotAllowed(
                code, "TC", "26 and TC together make the global service: bill it without either"
            )
        if comp:
            m = comp[0]
            row = med.rvu(self.rel.id, code, m)
            if row is not None:
                return row, m
            if global_row is None:
                raise self._unknown(code)
            rule = _rule(PCTC_INDICATORS, global_row.get("pctc"))
            if rule is not None and m in rule.permits:
                raise ModifierNotAllowed(
                    code,
                    m,
                    f"PC/TC indicator {rule.value} allows it, but {self.rel.source_name} has no "
                    f"{code}-{m} row to price it from",
                    rule.rule_id,
                )
            _refuse(code, m, rule, "PC/TC")
        if "53" in mods:
            row = med.rvu(self.rel.id, code, "53")
            if row is not None:
                return row, "53"
        if global_row is None:
            others = [m for m in med.rvu_modifiers(self.rel.id, code) if m]
            if others:
                raise self._unknown(
                    code,
                    f"{code} has RVU rows only with modifier {', '.join(others)}: add it "
                    f"(e.g. --modifier {others[0]})",
                )
            raise self._unknown(code)
        return global_row, ""

    # -- a line ------------------------------------------------------------------------------
    def line(self, code: str, modifiers: Iterable[str], *, ranked: bool = False) -> _Line:
        c = compact(code)
        if not c:
            raise InvalidInput("no code given")
        mods = _norm_modifiers(modifiers)
        row, pricing_mod = self._rows(c, mods)
        status = _rule(STATUS_CODES, row.get("status"))
        payable = bool(status and status.payable) and not row.get("not_used_for_medicare_payment")
        line = _Line(c, mods, self.rel, row, status, payable, [], [], {})
        if status is not None and status.note and payable:
            line.warnings.append(status.note)
        pctc = _rule(PCTC_INDICATORS, row.get("pctc"))
        if pctc is not None and pctc.note and payable:
            line.warnings.append(pctc.note)
        for s in self.settings:
            line.calcs[s] = self._calc(line, s)
        if not payable:
            if mods:
                line.warnings.append(
                    "modifiers were not evaluated: the code has no fee schedule payment"
                )
            return line
        for adj, new_factor in self._modifier_plan(line, pricing_mod, ranked=ranked):
            line.line_adjustments.append(adj)
            for calc in line.calcs.values():
                if calc.amount is None:
                    continue
                if new_factor == "by_report":
                    calc.apply(adj, None, f"{adj.description}")
                elif isinstance(new_factor, Decimal):
                    calc.apply(
                        adj,
                        calc.amount * new_factor,
                        f"× {_pct(new_factor)} ({_KIND_LABELS.get(adj.kind, adj.kind.value)})",
                    )
        return line

    def _calc(self, line: _Line, s: Setting) -> _Calc:
        """The fee schedule amount of the line's row in one setting, or why there is none."""
        row, rel = line.row, line.rel
        facility = s is Setting.FACILITY
        pe_key = "pe_facility" if facility else "pe_nonfacility"
        na_key = "pe_facility_na" if facility else "pe_nonfacility_na"
        total = _dec(row, "total_facility" if facility else "total_nonfacility")
        calc = _Calc(s, [], total)
        if not line.payable:
            st = line.status
            if row.get("not_used_for_medicare_payment"):
                meaning = f" ({st.label})" if st else ""
                calc.reason = (
                    f"status {row.get('status')}{meaning}: the RVUs are published but not "
                    "used for Medicare payment (the file's 'not used for Medicare payment' mark)"
                )
            elif st is None:
                calc.reason = f"status {row.get('status')!r} is not one the read-me defines"
            else:
                calc.reason = f"status {st.value} ({st.label}): {st.description}"
            calc.formula.append(f"no amount: {calc.reason}")
            return calc
        if row.get(na_key):
            calc.na = True
            calc.reason = (
                f"NA: the RVU file marks {line.code} as rarely or never performed in the "
                f"{'facility' if facility else 'non-facility'} setting ({rel.source_name}:"
                f"{row.get('line')}, field '{'Facility' if facility else 'Non-Facility'} NA "
                "Indicator')"
            )
            calc.formula.append(calc.reason)
            return calc
        work, pe, mp = _dec(row, "work_rvu"), _dec(row, pe_key), _dec(row, "mp_rvu")
        cf = _dec(row, "conversion_factor")
        if work is None or pe is None or mp is None or cf is None or not (work + pe + mp):
            calc.reason = (
                f"no RVUs published for the {s.value} setting: the MAC prices it "
                f"({rel.source_name}:{row.get('line')})"
            )
            calc.formula.append(f"no amount: {calc.reason}")
            return calc
        src = self._rvu_source
        g = self.gpci
        calc.components = [
            Component("work RVU", work, src(row, "work_rvu")),
            Component("PE RVU", pe, src(row, pe_key)),
            Component("MP RVU", mp, src(row, "mp_rvu")),
            g.work,
            g.pe,
            g.mp,
            Component("conversion factor", cf, src(row, "conversion_factor")),
        ]
        adjusted = work * g.work.value + pe * g.pe.value + mp * g.mp.value
        base = adjusted * cf
        calc.adjusted_rvu, calc.base, calc.amount = adjusted, base, base
        calc.pe_part = pe * g.pe.value * cf
        calc.formula.append(
            f"(work RVU {work} × work GPCI {g.work.value} + PE RVU {pe} × PE GPCI "
            f"{g.pe.value} + MP RVU {mp} × MP GPCI {g.mp.value}) × CF {cf} = "
            f"{_num(adjusted)} × {cf} = {_num(base)}"
        )
        self._opps_cap(calc, row, work, mp, cf, facility)
        return calc

    def _rvu_source(self, row: dict[str, Any], fld: str) -> Source:
        kind = "pfs rvu (QPP)" if self.rel.kind == "rvu_qpp" else "pfs rvu"
        return _source(kind, self.rel, row, fld)

    def _opps_cap(
        self,
        calc: _Calc,
        row: dict[str, Any],
        work: Decimal,
        mp: Decimal,
        cf: Decimal,
        facility: bool,
    ) -> None:
        """Cap imaging at the OPPS-priced amount of the same row (read-me payment formulas)."""
        ope_key = "opps_facility_pe" if facility else "opps_nonfacility_pe"
        ope, omp = _dec(row, ope_key), _dec(row, "opps_mp")
        if not ope or omp is None or calc.amount is None:
            return  # zero OPPS values: the cap does not apply to this row
        g = self.gpci
        opps = (work * g.work.value + ope * g.pe.value + omp * g.mp.value) * cf
        rate = _rate("pfs.rate.opps_imaging_cap")
        text = (
            f"OPPS amount (work RVU {work} × {g.work.value} + OPPS PE RVU {ope} × "
            f"{g.pe.value} + OPPS MP RVU {omp} × {g.mp.value}) × CF {cf} = {_num(opps)}"
        )
        calc.components += [
            Component("OPPS PE RVU", ope, self._rvu_source(row, ope_key)),
            Component("OPPS MP RVU", omp, self._rvu_source(row, "opps_mp")),
        ]
        if opps < calc.amount:
            adj = Adjustment(
                AdjustmentKind.OPPS_CAP,
                rate.rule_id,
                f"capped at the OPPS amount: {text}, lower than the fee schedule amount "
                f"{_num(calc.amount)}",
                rate.citation,
            )
            before = calc.amount
            calc.amount = opps
            calc.pe_part = ope * g.pe.value * cf
            calc.adjustments.append(_with(adj, before, opps))
            calc.formula.append(f"; capped at the {text}")
        else:
            calc.adjustments.append(
                Adjustment(
                    AdjustmentKind.NO_CHANGE,
                    rate.rule_id,
                    f"OPPS cap checked: {text}, not lower than {_num(calc.amount)}",
                    rate.citation,
                )
            )

    # -- modifiers ---------------------------------------------------------------------------
    def _modifier_plan(
        self, line: _Line, pricing_mod: str, *, ranked: bool
    ) -> list[tuple[Adjustment, Decimal | str | None]]:
        """The adjustments the modifiers bring: (adjustment, factor | 'by_report' | None).

        Raises:
            ModifierNotAllowed: a modifier the row's indicators forbid, or two that
                contradict each other.
        """
        code, row, mods = line.code, line.row, line.modifiers
        plan: list[tuple[Adjustment, Decimal | str | None]] = []
        if pricing_mod in COMPONENT_MODIFIERS:
            pctc = _rule(PCTC_INDICATORS, row.get("pctc"))
            label = "professional component" if pricing_mod == "26" else "technical component"
            plan.append(
                (
                    Adjustment(
                        AdjustmentKind.COMPONENT,
                        pctc.rule_id if pctc else "pfs.pctc",
                        f"modifier {pricing_mod}: priced from the file's own {code}-"
                        f"{pricing_mod} row ({label}); PC/TC indicator "
                        f"{row.get('pctc')}"
                        + (f" ({pctc.label}): {pctc.description}" if pctc else ""),
                        pctc.citation if pctc else README,
                        pricing_mod,
                    ),
                    None,
                )
            )
        if "53" in mods:
            if pricing_mod == "53":
                plan.append(
                    (
                        Adjustment(
                            AdjustmentKind.DISCONTINUED,
                            "pfs.modifier.53",
                            f"modifier 53: priced from the file's own {code}-53 row "
                            "(discontinued procedure)",
                            f"{README}, Data Record, field 'Modifier'",
                            "53",
                        ),
                        None,
                    )
                )
            else:
                plan.append(
                    (
                        Adjustment(
                            AdjustmentKind.DISCONTINUED,
                            "pfs.modifier.53",
                            f"modifier 53: the RVU file has no {code}-53 row, so the MAC "
                            "prices the discontinued procedure by individual consideration "
                            "(no fee schedule amount)",
                            f"{README}, Data Record, field 'Modifier'",
                            "53",
                        ),
                        "by_report",
                    )
                )
        plan += self._bilateral(line)
        plan += self._multiple(line, ranked)
        plan += self._roles(line)
        known = COMPONENT_MODIFIERS | ASSISTANT_MODIFIERS | {"50", "51", "53", "62", "66"}
        for m in mods:
            if m not in known and not (m in ("RT", "LT") and {"RT", "LT"} <= set(mods)):
                plan.append(
                    (
                        Adjustment(
                            AdjustmentKind.NO_CHANGE,
                            "pfs.modifier.informational",
                            f"modifier {m} does not change the fee schedule amount (not a "
                            "PFS pricing modifier)",
                            README,
                            m,
                        ),
                        None,
                    )
                )
        return plan

    def _bilateral(self, line: _Line) -> list[tuple[Adjustment, Decimal | str | None]]:
        mods = set(line.modifiers)
        both_sides = {"RT", "LT"} <= mods
        if "50" not in mods and not both_sides:
            return []
        shown = "50" if "50" in mods else "RT+LT"
        rule = _rule(BILATERAL_SURGERY, line.row.get("bilateral"))
        if rule is None or "50" not in rule.permits:
            _refuse(line.code, shown, rule, "bilateral surgery")
        assert rule is not None and rule.factor is not None
        how = "" if shown == "50" else " (RT and LT on one line, read as bilateral)"
        return [
            (
                Adjustment(
                    AdjustmentKind.BILATERAL,
                    rule.rule_id,
                    f"bilateral{how}: indicator {rule.value} ({rule.label}) pays "
                    f"{_pct(rule.factor)} of the single-side amount. {rule.description}",
                    rule.citation,
                    shown,
                    rule.factor,
                ),
                rule.factor,
            )
        ]

    def _multiple(self, line: _Line, ranked: bool) -> list[tuple[Adjustment, Decimal | str | None]]:
        if "51" not in line.modifiers:
            return []
        rule = _rule(MULTIPLE_PROCEDURE, line.mult)
        if rule is None or "51" not in rule.permits:
            _refuse(line.code, "51", rule, "multiple procedure")
        assert rule is not None
        if ranked:
            text = (
                "modifier 51 noted: the ranking of the procedures on this date decides any "
                "reduction (below)"
            )
            return [(self._mp_adj(rule, text), None)]
        if rule.value in ("2", "3"):
            rate = _rate("pfs.rate.multiple_secondary")
            text = (
                f"modifier 51, multiple procedure indicator {rule.value} ({rule.label}): paid "
                f"at {_pct(rate.rate)}, assuming this procedure ranks second to fifth by fee "
                "on the date; price the procedures together to rank them"
            )
            return [(self._mp_adj(rule, text, rate.rate, rate.rule_id), rate.rate)]
        if rule.value == "0":
            text = "modifier 51: indicator 0, no multiple procedure reduction applies"
            return [(self._mp_adj(rule, text), None)]
        not_done = not rule.implemented
        text = f"modifier 51, indicator {rule.value} ({rule.label}): " + (
            "chartcode does not implement this rule; the amount is not reduced"
            if not_done
            else "the reduction depends on the other services of the day; price them "
            "together to apply it"
        )
        kind = AdjustmentKind.NOT_IMPLEMENTED if not_done else AdjustmentKind.NO_CHANGE
        return [(self._mp_adj(rule, text, kind=kind), None)]

    @staticmethod
    def _mp_adj(
        rule: IndicatorRule,
        text: str,
        factor: Decimal | None = None,
        rule_id: str | None = None,
        kind: AdjustmentKind = AdjustmentKind.MULTIPLE_PROCEDURE,
    ) -> Adjustment:
        if factor is None and kind is AdjustmentKind.MULTIPLE_PROCEDURE:
            kind = AdjustmentKind.NO_CHANGE
        return Adjustment(kind, rule_id or rule.rule_id, text, rule.citation, "51", factor)

    def _roles(self, line: _Line) -> list[tuple[Adjustment, Decimal | str | None]]:
        """Co-surgeon, team surgeon, assistant: one role per line."""
        mods = line.modifiers
        roles = [m for m in mods if m in ASSISTANT_MODIFIERS or m in ("62", "66")]
        if len(roles) > 1:
            raise ModifierNotAllowed(
                line.code,
                roles[1],
                f"{' and '.join(roles)} name different surgeon roles on one line; one "
                "surgeon's line carries one role",
            )
        if not roles:
            return []
        m, code, row = roles[0], line.code, line.row
        if m == "62":
            rule = _rule(CO_SURGEONS, row.get("co_surgery"))
            if rule is None or m not in rule.permits:
                _refuse(code, m, rule, "co-surgeons")
            assert rule is not None
            rate = _rate("pfs.rate.co_surgeon")
            self._documentation(line, rule, "co-surgeons")
            return [
                (
                    Adjustment(
                        AdjustmentKind.CO_SURGERY,
                        rate.rule_id,
                        f"co-surgery (62), indicator {rule.value} ({rule.label}): each "
                        f"surgeon is paid {_pct(rate.rate)} of the fee schedule amount",
                        f"{rate.citation}; {rule.citation}",
                        m,
                        rate.rate,
                    ),
                    rate.rate,
                )
            ]
        if m == "66":
            rule = _rule(TEAM_SURGERY, row.get("team_surgery"))
            if rule is None or m not in rule.permits:
                _refuse(code, m, rule, "team surgery")
            assert rule is not None
            self._documentation(line, rule, "team surgery")
            return [
                (
                    Adjustment(
                        AdjustmentKind.TEAM_SURGERY,
                        rule.rule_id,
                        f"team surgery (66), indicator {rule.value} ({rule.label}): the MAC "
                        "prices team surgery by report, so the fee schedule gives no amount",
                        rule.citation,
                        m,
                    ),
                    "by_report",
                )
            ]
        rule = _rule(ASSISTANT_AT_SURGERY, row.get("assistant"))
        if rule is None or m not in rule.permits:
            _refuse(code, m, rule, "assistant at surgery")
        assert rule is not None
        self._documentation(line, rule, "an assistant at surgery")
        rate = _rate("pfs.rate.assistant")
        if m == "AS":
            npp = _rate("pfs.rate.npp_assistant")
            factor = rate.rate * npp.rate
            text = (
                f"assistant at surgery by a non-physician practitioner (AS), indicator "
                f"{rule.value} ({rule.label}): {_pct(npp.rate)} of {_pct(rate.rate)} = "
                f"{_pct(factor)} of the fee schedule amount"
            )
            cite = f"{rate.citation}; {npp.citation}; {rule.citation}"
            rule_id = npp.rule_id
        else:
            factor = rate.rate
            text = (
                f"assistant at surgery ({m}), indicator {rule.value} ({rule.label}): "
                f"{_pct(factor)} of the fee schedule amount"
            )
            cite = f"{rate.citation}; {rule.citation}"
            rule_id = rate.rule_id
        return [(Adjustment(AdjustmentKind.ASSISTANT, rule_id, text, cite, m, factor), factor)]

    @staticmethod
    def _documentation(line: _Line, rule: IndicatorRule, what: str) -> None:
        if rule.documentation_required:
            line.warnings.append(
                f"{what}: indicator {rule.value} -- {rule.description} ({rule.rule_id})"
            )

    # -- a base code's amount (endoscopy families) -------------------------------------------
    def plain_amount(self, code: str, s: Setting) -> tuple[Decimal | None, dict[str, Any] | None]:
        """The unadjusted amount of a code's global row in one setting (None if none)."""
        row = self.ctx.store.medicare.rvu(self.rel.id, code)
        if row is None:
            return None, None
        status = _rule(STATUS_CODES, row.get("status"))
        payable = bool(status and status.payable)
        probe = _Line(code, (), self.rel, row, status, payable, [], [], {})
        return self._calc(probe, s).amount, row


# --- building results -----------------------------------------------------------------------


def _status_info(line: _Line) -> StatusInfo:
    st = line.status
    code = str(line.row.get("status") or "")
    if st is None:
        return StatusInfo(code, "unknown status", False, "pfs.status", "not in Attachment A")
    payable = line.payable
    description = st.description
    if st.payable and not payable:
        description += " The RVU file marks this row as not used for Medicare payment."
    return StatusInfo(st.value, st.label, payable, st.rule_id, description)


def _indicators(row: dict[str, Any]) -> list[IndicatorInfo]:
    out: list[IndicatorInfo] = []
    for fld, table in (
        ("pctc", PCTC_INDICATORS),
        ("global_days", GLOBAL_DAYS),
        ("mult_proc", MULTIPLE_PROCEDURE),
        ("bilateral", BILATERAL_SURGERY),
        ("assistant", ASSISTANT_AT_SURGERY),
        ("co_surgery", CO_SURGEONS),
        ("team_surgery", TEAM_SURGERY),
    ):
        value = str(row.get(fld) or "")
        rule = table.get(value)
        out.append(
            IndicatorInfo(
                fld,
                value,
                rule.label if rule else "not defined in the read-me",
                rule.rule_id if rule else None,
                rule.description if rule else None,
            )
        )
    if row.get("endo_base"):
        out.append(
            IndicatorInfo("endo_base", str(row["endo_base"]), "endoscopic base code", None, None)
        )
    return out


def _setting_amount(calc: _Calc) -> SettingAmount:
    amount = cents(calc.amount) if calc.amount is not None else None
    formula = "".join(calc.formula)
    if amount is not None:
        formula += f" → {money(amount)}"
    return SettingAmount(
        setting=calc.setting.value,
        amount=amount,
        total_rvu=calc.total_rvu,
        adjusted_rvu=calc.adjusted_rvu,
        fee_schedule_amount=calc.base,
        formula=formula,
        components=list(calc.components),
        adjustments=list(calc.adjustments),
        na=calc.na,
        reason=calc.reason if amount is None else None,
    )


def _result(line: _Line, ctx: _Context, locality: LocalityInfo, qpp: bool) -> FeeResult:
    row = line.row
    kind = "pfs rvu (QPP)" if line.rel.kind == "rvu_qpp" else "pfs rvu"
    return FeeResult(
        system=system_of(line.code),
        code=line.code,
        modifiers=list(line.modifiers),
        description=str(row.get("description") or ""),
        date_of_service=ctx.on.isoformat(),
        qpp=qpp,
        status=_status_info(line),
        locality=locality,
        settings=[_setting_amount(line.calcs[s]) for s in line.calcs],
        adjustments=list(line.line_adjustments),
        indicators=_indicators(row),
        row=_source(kind, line.rel, row, None),
        releases=ctx.release_dicts(),
        warnings=ctx.warnings + line.warnings,
    )


def _settings(setting: str | None) -> list[Setting]:
    if setting is None:
        return [Setting.NONFACILITY, Setting.FACILITY]
    key = setting.strip().lower().replace("-", "").replace("_", "").replace(" ", "")
    for s in Setting:
        if key == s.value:
            return [s]
    raise InvalidInput(f"setting {setting!r} is not 'facility' or 'nonfacility'")


def _open(
    store: ReferenceStore,
    on: date,
    locality: str | None,
    zip5: str | None,
    setting: str | None,
    qpp: bool,
) -> tuple[_Context, _Pricer, LocalityInfo]:
    settings = _settings(setting)
    ctx = _Context(store, on)
    kind = "rvu_qpp" if qpp else "rvu"
    what = "PFS relative value file" + (" (QPP copy)" if qpp else "")
    rel = ctx.need(kind, what, "PPRRVU<year>_<Mon>" + ("_QPP.txt" if qpp else "_nonQPP.txt"))
    info, gpci = _resolve_locality(ctx, locality, zip5)
    return ctx, _Pricer(ctx, rel, gpci, settings), info


def price(
    store: ReferenceStore,
    code: str,
    on: date,
    *,
    modifiers: Sequence[str] = (),
    locality: str | None = None,
    zip5: str | None = None,
    setting: str | None = None,
    qpp: bool = False,
) -> FeeResult:
    """The Medicare PFS payment of one code on a date of service.

    Args:
        store: the reference store.
        code: a CPT or HCPCS code, any case.
        on: the date of service; it picks the releases.
        modifiers: claim modifiers; 26/TC/53 pick the file's own row, 50/51/62/66/80/81/82/AS
            adjust the amount, and others are noted as not affecting it.
        locality: MAC + locality number (``"0111205"``); None with no ``zip5`` is national.
        zip5: a ZIP code, mapped to its locality through the CMS ZIP file.
        setting: ``"facility"``, ``"nonfacility"`` or None for both.
        qpp: price with the QPP copy of the RVU file (its conversion factor).

    Raises:
        UnknownCode: no RVU row for the code in the release in force.
        UnknownLocality: the locality or ZIP is not in the loaded files.
        ReleaseNotFound: a needed PFS file is not loaded.
        ModifierNotAllowed: a modifier the code's indicators forbid.
        InvalidInput: a malformed modifier, locality, ZIP or setting.
    """
    ctx, pricer, info = _open(store, on, locality, zip5, setting, qpp)
    line = pricer.line(code, modifiers)
    return _result(line, ctx, info, qpp)


# --- several procedures on one date ---------------------------------------------------------

LineInput = str | ProcedureLine | tuple[str, Sequence[str]]


def _as_line(item: LineInput) -> ProcedureLine:
    if isinstance(item, ProcedureLine):
        return item
    if isinstance(item, str):
        return ProcedureLine(item)
    code, mods = item
    return ProcedureLine(code, tuple(mods))


class _Ranker:
    """Applies the multiple procedure rules to priced lines, one setting at a time."""

    def __init__(self, pricer: _Pricer, lines: list[_Line], on: date) -> None:
        self.pricer = pricer
        self.lines = lines
        self.on = on
        self.reductions: list[str] = []
        self.not_implemented: list[str] = []

    def run(self, s: Setting) -> None:
        self._status_t(s)
        self._endoscopy_and_standard(s)
        self._imaging(s)
        self._tc_reduction(s, "6", "pfs.rate.cardiovascular_tc", AdjustmentKind.CARDIOVASCULAR)
        self._tc_reduction(s, "7", "pfs.rate.ophthalmology_tc", AdjustmentKind.OPHTHALMOLOGY)
        self._therapy(s)

    def _priced(self, s: Setting, pred: Any = None) -> list[_Line]:
        return [
            ln
            for ln in self.lines
            if ln.payable and ln.amount(s) is not None and (pred is None or pred(ln))
        ]

    def _note(self, text: str, bucket: list[str]) -> None:
        if text not in bucket:
            bucket.append(text)

    @staticmethod
    def _label(ln: _Line) -> str:
        return f"line {ln.index + 1} {ln.code}" + (
            f"-{'-'.join(ln.modifiers)}" if ln.modifiers else ""
        )

    # -- status T ----------------------------------------------------------------------------
    def _status_t(self, s: Setting) -> None:
        others = self._priced(s, lambda ln: ln.row.get("status") != "T")
        if not others:
            return
        rule = STATUS_CODES["T"]
        for ln in self._priced(s, lambda ln: ln.row.get("status") == "T"):
            calc = ln.calcs[s]
            adj = Adjustment(
                AdjustmentKind.STATUS_T,
                rule.rule_id,
                f"status T: bundled, because {self._label(others[0])} is a payable fee "
                "schedule service on the same date",
                rule.citation,
            )
            calc.apply(adj, Decimal(0), "× 0 (status T, bundled)")
            self._note(f"{s.value}: {self._label(ln)} bundled (status T)", self.reductions)

    # -- endoscopy families, then the standard ranking ----------------------------------------
    def _endoscopy_and_standard(self, s: Setting) -> None:
        candidates = self._priced(s, lambda ln: ln.mult in ("1", "2", "3"))
        for ln in candidates:
            if ln.mult == "1":
                self._note(
                    f"{self._label(ln)}: multiple procedure indicator 1 (pre-1995 rules) is "
                    "not implemented; the line is left unreduced",
                    self.not_implemented,
                )
        candidates = [ln for ln in candidates if ln.mult != "1"]
        families: dict[str, list[_Line]] = {}
        for ln in candidates:
            base = ln.row.get("endo_base")
            if ln.mult == "3" and base:
                families.setdefault(str(base), []).append(ln)
        units: list[tuple[Decimal, list[_Line]]] = []
        in_family: set[int] = set()
        for base, members in families.items():
            base_lines = [ln for ln in candidates if ln.code == base and ln.mult != "3"]
            family = members + base_lines
            in_family.update(id(ln) for ln in family)
            if len(family) > 1:
                self._endoscopy(s, base, family)
            units.append((sum((_amt(ln, s) for ln in family), Decimal(0)), family))
        for ln in candidates:
            if id(ln) not in in_family:
                units.append((_amt(ln, s), [ln]))
        if len(units) < 2:
            return
        units.sort(key=lambda u: u[0], reverse=True)  # stable: ties keep the lines' order
        rate = _rate("pfs.rate.multiple_secondary")
        limit = int(_rate("pfs.rate.multiple_ranked_limit").rate)
        rule = MULTIPLE_PROCEDURE["2"]
        first = units[0][1]
        self._note(
            f"{s.value}: standard multiple procedure rule: "
            + ", ".join(self._label(ln) for ln in first)
            + " ranked first (100 %)",
            self.reductions,
        )
        for rank, (_value, members) in enumerate(units[1:], start=2):
            for ln in members:
                calc = ln.calcs[s]
                if not calc.amount:
                    continue  # a base endoscopy already at 0: nothing left to reduce
                if rank <= limit:
                    adj = Adjustment(
                        AdjustmentKind.MULTIPLE_PROCEDURE,
                        rate.rule_id,
                        f"multiple procedure: ranked {rank} of {len(units)} by fee schedule "
                        f"amount, paid at {_pct(rate.rate)} (indicator {ln.mult})",
                        rule.citation,
                        "51",
                        rate.rate,
                    )
                    assert calc.amount is not None
                    calc.apply(adj, calc.amount * rate.rate, f"× {_pct(rate.rate)} (rank {rank})")
                    self._note(
                        f"{s.value}: {self._label(ln)} ranked {rank}: paid at {_pct(rate.rate)}",
                        self.reductions,
                    )
                else:
                    adj = Adjustment(
                        AdjustmentKind.MULTIPLE_PROCEDURE,
                        rate.rule_id,
                        f"multiple procedure: ranked {rank}, after the fifth: priced by report "
                        "by the MAC (no fee schedule amount)",
                        rule.citation,
                        "51",
                    )
                    calc.apply(adj, None, adj.description)
                    self._note(
                        f"{s.value}: {self._label(ln)} ranked {rank}: by report",
                        self.not_implemented,
                    )

    def _endoscopy(self, s: Setting, base: str, family: list[_Line]) -> None:
        rate = _rate("pfs.rate.endoscopy_base_difference")
        base_amount, base_row = self.pricer.plain_amount(base, s)
        if base_amount is None or base_row is None:
            self._note(
                f"{s.value}: endoscopy family {base}: the base code has no amount in this "
                "setting, so the family rule was not applied",
                self.not_implemented,
            )
            return
        ordered = sorted(
            family, key=lambda ln: (ln.code == base, -_amt(ln, s))
        )  # the base endoscopy is never the one paid in full
        self._note(
            f"{s.value}: endoscopy family {base}: {self._label(ordered[0])} paid in full",
            self.reductions,
        )
        for ln in ordered[1:]:
            calc = ln.calcs[s]
            assert calc.amount is not None
            if ln.code == base:
                new = Decimal(0)
                text = f"× 0 (base endoscopy {base}, included in the family)"
                what = f"base endoscopy {base} not paid separately"
            else:
                new = max(Decimal(0), calc.amount - base_amount)
                text = f"- base endoscopy {base} amount {_num(base_amount)}"
                what = f"paid its amount less base {base}'s {_num(base_amount)}"
            adj = Adjustment(
                AdjustmentKind.ENDOSCOPY,
                rate.rule_id,
                f"multiple endoscopy, family {base} ({self.pricer.rel.source_name}:"
                f"{base_row.get('line')}): {what}",
                rate.citation,
            )
            calc.apply(adj, new, text)
            self._note(f"{s.value}: {self._label(ln)} {what}", self.reductions)

    # -- technical / professional component reductions ---------------------------------------
    def _parts(self, ln: _Line, s: Setting) -> tuple[Decimal, Decimal] | None:
        """(TC amount, PC amount) of a line in one setting, or None when it cannot split."""
        amount = ln.amount(s)
        if amount is None:
            return None
        mod = "TC" if "TC" in ln.modifiers else "26" if "26" in ln.modifiers else ""
        if mod == "TC":
            return amount, Decimal(0)
        if mod == "26":
            return Decimal(0), amount
        pctc = str(ln.row.get("pctc") or "")
        if pctc == "3":
            return amount, Decimal(0)
        if pctc == "2":
            return Decimal(0), amount
        if pctc != "1":
            return None
        factor = _line_factor(ln)
        parts = []
        for m in ("TC", "26"):
            try:
                sub = self.pricer.line(ln.code, (m,))
            except (ModifierNotAllowed, UnknownCode):
                return None
            part = sub.amount(s)
            if part is None:
                return None
            parts.append(part * factor)
        return parts[0], parts[1]

    def _imaging(self, s: Setting) -> None:
        groups: dict[str, list[_Line]] = {}
        for ln in self._priced(s, lambda ln: ln.mult == "4"):
            groups.setdefault(str(ln.row.get("imaging_family") or ""), []).append(ln)
        for fam, members in groups.items():
            if len(members) < 2:
                continue
            split = self._split(s, members, "imaging")
            tc_rate = _rate("pfs.rate.imaging_tc")
            pc_rate = _rate("pfs.rate.imaging_pc")
            self._reduce_part(
                s, split, 0, tc_rate, AdjustmentKind.IMAGING, f"imaging family {fam}, TC"
            )
            if pc_rate.effective_from is None or self.on.isoformat() >= pc_rate.effective_from:
                self._reduce_part(
                    s, split, 1, pc_rate, AdjustmentKind.IMAGING, f"imaging family {fam}, PC"
                )

    def _tc_reduction(self, s: Setting, ind: str, rate_id: str, kind: AdjustmentKind) -> None:
        members = self._priced(s, lambda ln: ln.mult == ind)
        if len(members) < 2:
            return
        rate = _rate(rate_id)
        if rate.effective_from and self.on.isoformat() < rate.effective_from:
            return
        split = self._split(s, members, kind.value.replace("_", " "))
        label = MULTIPLE_PROCEDURE[ind].label
        self._reduce_part(s, split, 0, rate, kind, f"{label}, TC")

    def _split(
        self, s: Setting, members: list[_Line], what: str
    ) -> list[tuple[_Line, Decimal, Decimal]]:
        out = []
        for ln in members:
            parts = self._parts(ln, s)
            if parts is None:
                self._note(
                    f"{s.value}: {self._label(ln)} ({what}): its technical and professional "
                    "parts cannot be told apart from the file (no 26/TC rows, or NA), so it "
                    "was not reduced",
                    self.not_implemented,
                )
                continue
            out.append((ln, parts[0], parts[1]))
        return out

    def _reduce_part(
        self,
        s: Setting,
        split: list[tuple[_Line, Decimal, Decimal]],
        index: int,
        rate: PaymentRate,
        kind: AdjustmentKind,
        what: str,
    ) -> None:
        ranked = sorted(
            [(ln, parts) for ln, *parts in split if parts[index] > 0],
            key=lambda item: item[1][index],
            reverse=True,
        )
        if len(ranked) < 2:
            return
        self._note(
            f"{s.value}: {what}: {self._label(ranked[0][0])} highest, paid in full",
            self.reductions,
        )
        for ln, parts in ranked[1:]:
            part = parts[index]
            cut = part * (1 - rate.rate)
            calc = ln.calcs[s]
            assert calc.amount is not None
            adj = Adjustment(
                kind,
                rate.rule_id,
                f"{what}: not the highest, so the part {_num(part)} is paid at "
                f"{_pct(rate.rate)} (less {_num(cut)})",
                rate.citation,
            )
            calc.apply(adj, calc.amount - cut, f"- {_pct(1 - rate.rate)} of {_num(part)}")
            self._note(
                f"{s.value}: {self._label(ln)} {what} paid at {_pct(rate.rate)}",
                self.reductions,
            )

    def _therapy(self, s: Setting) -> None:
        members = [ln for ln in self._priced(s, lambda ln: ln.mult == "5") if ln.calcs[s].pe_part]
        if len(members) < 2:
            return
        rate = _rate("pfs.rate.therapy_pe")
        members.sort(key=lambda ln: ln.calcs[s].pe_part or Decimal(0), reverse=True)
        self._note(
            f"{s.value}: therapy: {self._label(members[0])} has the highest practice expense, "
            "paid in full",
            self.reductions,
        )
        for ln in members[1:]:
            calc = ln.calcs[s]
            pe = calc.pe_part or Decimal(0)
            cut = pe * (1 - rate.rate)
            assert calc.amount is not None
            adj = Adjustment(
                AdjustmentKind.THERAPY,
                rate.rule_id,
                f"therapy: practice expense {_num(pe)} paid at {_pct(rate.rate)} "
                f"(less {_num(cut)})",
                rate.citation,
            )
            calc.apply(adj, calc.amount - cut, f"- {_pct(1 - rate.rate)} of PE {_num(pe)}")
            calc.pe_part = pe - cut
            self._note(
                f"{s.value}: {self._label(ln)} therapy PE paid at {_pct(rate.rate)}",
                self.reductions,
            )


def _amt(ln: _Line, s: Setting) -> Decimal:
    return ln.amount(s) or Decimal(0)


def _line_factor(ln: _Line) -> Decimal:
    """The product of the line's modifier factors (bilateral, role) already applied."""
    factor = Decimal(1)
    for adj in ln.line_adjustments:
        if adj.factor is not None:
            factor *= adj.factor
    return factor


ASSUMPTIONS = [
    "all lines are one provider's services to one patient on one date (imaging: one session)",
    "the fee schedule amount is taken as lower than the actual charge (the claim's charges are "
    "not known here)",
]


def price_procedures(
    store: ReferenceStore,
    lines: Sequence[LineInput],
    on: date,
    *,
    locality: str | None = None,
    zip5: str | None = None,
    setting: str | None = None,
    qpp: bool = False,
) -> ProceduresResult:
    """Several codes on one date, ranked and reduced by the PFS multiple procedure rules.

    Each line is priced as ``price`` does (modifier 51 on a line is noted, not applied: the
    ranking decides). Then, per setting: status T lines are bundled when another payable
    service is present; endoscopy families (indicator 3, by endoscopic base code) are
    priced; the standard rule ranks indicator 2 lines and endoscopy families by amount
    (100 %, then 50 % to the fifth, then by report); imaging (4) reduces the TC after the
    highest by 50 % and the PC by 5 %; cardiovascular (6) and ophthalmology (7) reduce the
    TC after the highest by 25 % and 20 %; therapy (5) pays the PE after the highest at 50 %.

    Args:
        store: the reference store.
        lines: codes, ``(code, modifiers)`` pairs or ``ProcedureLine``s.
        on: the date of service.
        locality: as for ``price``.
        zip5: as for ``price``.
        setting: as for ``price``.
        qpp: as for ``price``.

    Raises:
        InvalidInput: no lines.
        UnknownCode, UnknownLocality, ReleaseNotFound, ModifierNotAllowed: as for ``price``.
    """
    if not lines:
        raise InvalidInput("no procedures given")
    ctx, pricer, info = _open(store, on, locality, zip5, setting, qpp)
    work: list[_Line] = []
    for i, item in enumerate(lines):
        pl = _as_line(item)
        ln = pricer.line(pl.code, pl.modifiers, ranked=True)
        ln.index = i
        work.append(ln)
    ranker = _Ranker(pricer, work, on)
    for s in pricer.settings:
        ranker.run(s)
    results = [_result(ln, ctx, info, qpp) for ln in work]
    totals = []
    for s in pricer.settings:
        amounts = [r.amount(s.value) for r in results]
        totals.append(
            SettingTotal(
                s.value,
                sum((a for a in amounts if a is not None), Decimal("0.00")),
                all(a is not None for a in amounts),
            )
        )
    return ProceduresResult(
        date_of_service=on.isoformat(),
        locality=info,
        lines=results,
        totals=totals,
        reductions=ranker.reductions,
        not_implemented=ranker.not_implemented,
        assumptions=list(ASSUMPTIONS),
        releases=ctx.release_dicts(),
        warnings=list(ctx.warnings),
    )


# --- anesthesia -----------------------------------------------------------------------------


def _anesthesia_locality(
    ctx: _Context, rel: ReleaseRow, locality: str | None, zip5: str | None
) -> tuple[LocalityInfo, Component]:
    if locality is not None and zip5 is not None:
        raise InvalidInput("give a locality or a ZIP code, not both")
    if locality is None and zip5 is None:
        first = ctx.queries.anesthesia_first(rel.id)
        if first is None:
            raise ReleaseNotFound(f"the anesthesia file {rel.source_name} has no rows")
        src = Source(
            "pfs anesthesia",
            rel.version,
            rel.source_name,
            None,
            "National Anes CF (header)",
            "the national anesthesia conversion factor printed in the file's header",
        )
        cf = Decimal(first["national_conversion_factor"])
        info = LocalityInfo(None, "National", None, None, None, src)
        return info, Component("anesthesia conversion factor", cf, src)
    mac, loc, zip_used = _mac_and_locality(ctx, locality, zip5)
    row = ctx.store.medicare.anesthesia_cf(rel.id, mac, loc)
    if row is None:
        raise UnknownLocality(
            zip_used or f"{mac}{loc}",
            f"locality {mac}{loc} (MAC {mac}, locality {loc}) is not in the anesthesia file "
            f"{rel.source_name} ({rel.version}); a locality is the 5-digit contractor plus "
            "the 2-digit locality number as printed there, or give --zip ZIP",
        )
    src = _source("pfs anesthesia", rel, row, "conversion_factor")
    info = LocalityInfo(f"{mac}{loc}", row["locality_name"], mac, loc, None, src, zip_used)
    return info, Component("anesthesia conversion factor", Decimal(row["conversion_factor"]), src)


def anesthesia(
    store: ReferenceStore,
    code: str,
    on: date,
    *,
    minutes: int | Decimal,
    base_units: int | Decimal | None = None,
    locality: str | None = None,
    zip5: str | None = None,
) -> AnesthesiaResult:
    """The anesthesia payment: (base units + time units) x the anesthesia conversion factor.

    Time units are the minutes divided by 15, to one decimal place (half up). The base units
    must be given: CMS publishes them in a separate anesthesia base units file that chartcode
    does not import. When an RVU release is loaded, the code is checked there (status J).

    Raises:
        InvalidInput: no base units, negative minutes, or a code that is not an anesthesia
            code in the RVU file.
        UnknownCode: the code is not in the RVU release in force.
        UnknownLocality: the locality or ZIP is not in the loaded files.
        ReleaseNotFound: no anesthesia conversion factor file is loaded.
    """
    c = compact(code)
    ctx = _Context(store, on)
    minutes_d = Decimal(minutes)
    if minutes_d < 0:
        raise InvalidInput("anesthesia minutes cannot be negative")
    if base_units is None:
        raise InvalidInput(
            f"give the anesthesia base units of {c}: CMS publishes them in its anesthesia base "
            "units file, which chartcode does not import"
        )
    base = Decimal(base_units)
    if base < 0:
        raise InvalidInput("anesthesia base units cannot be negative")
    description: str | None = None
    rvu_rel = ctx.release("rvu", "PFS relative value file", "import the file in force then")
    if rvu_rel is None:
        ctx.warnings.append(
            "no PFS relative value file is loaded, so the code was not checked as an "
            "anesthesia code"
        )
    else:
        row = store.medicare.rvu(rvu_rel.id, c)
        if row is None:
            raise _Pricer(ctx, rvu_rel, _national()[1], [])._unknown(c)
        description = str(row.get("description") or "")
        if row.get("status") != "J":
            st = _rule(STATUS_CODES, row.get("status"))
            raise InvalidInput(
                f"{c} is not an anesthesia code: its PFS status is {row.get('status')}"
                + (f" ({st.label})" if st else "")
                + ", not J (anesthesia services); price it with the fee schedule instead"
            )
    rel = ctx.need("anesthesia", "anesthesia conversion factor file", "ANES<year>.csv")
    info, cf = _anesthesia_locality(ctx, rel, locality, zip5)
    unit = _rate("pfs.rate.anesthesia_time_unit")
    time_units = (minutes_d / unit.rate).quantize(_TENTH, rounding=ROUND_HALF_UP)
    total = base + time_units
    raw = total * cf.value
    amount = cents(raw)
    given = Source("input", None, None, None, None, "given by the caller")
    formula = (
        f"(base units {base} + time units {minutes_d} min ÷ {unit.rate} = {time_units}) "
        f"× anesthesia CF {cf.value} = {total} × {cf.value} = {_num(raw)} → {money(amount)}"
    )
    return AnesthesiaResult(
        system=system_of(c),
        code=c,
        description=description,
        date_of_service=on.isoformat(),
        base_units=base,
        minutes=minutes_d,
        time_units=time_units,
        total_units=total,
        conversion_factor=cf.value,
        amount=amount,
        formula=formula,
        components=[
            Component("base units", base, given),
            Component(
                "time units",
                time_units,
                Source("rule", None, None, None, None, f"{unit.description} [{unit.citation}]"),
            ),
            cf,
        ],
        locality=info,
        releases=ctx.release_dicts(),
        warnings=ctx.warnings,
    )
