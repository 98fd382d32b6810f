"""Medicare Physician Fee Schedule (PFS) payment indicators and payment percentages, as data.

Contract: one table per field of the PFS relative value file that decides whether, or how
much, a service is paid -- ``STATUS_CODES``, ``PCTC_INDICATORS``, ``GLOBAL_DAYS``,
``MULTIPLE_PROCEDURE``, ``BILATERAL_SURGERY``, ``ASSISTANT_AT_SURGERY``, ``CO_SURGEONS`` and
``TEAM_SURGERY`` -- each a dict from the value exactly as the file prints it to an
``IndicatorRule``; and ``PAYMENT_RATES``, the percentages the fee calculator applies, each a
``PaymentRate``. Every entry carries a unique ``rule_id``, a plain-language description
written for chartcode (CMS's wording is not reproduced), and a ``citation`` of the document
that defines it. ``ALL_TABLES`` lists the indicator tables for tests and documentation.

The values, their meanings and the percentages were checked against the CY 2026 read-me of
the relative value file (``RVU26B.pdf``: the "Data Record" field definitions and
Attachment A). Where the read-me gives no number (the assistant-at-surgery and co-surgeon
percentages, the anesthesia time unit), the citation is the Medicare Claims Processing Manual
(Pub. 100-04), chapter 12, which defines it.

No logic lives here: ``chartcode.services.fees`` reads these tables and reports the
``rule_id`` of each entry that decided an amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# The document each citation points to, with its year. Field names are the read-me's.
README = "CMS RVU26B read-me (CY 2026 PFS relative value file layout, April 2026 release)"
CLAIMS_MANUAL_CH12 = "Medicare Claims Processing Manual (Pub. 100-04), chapter 12"

ASSISTANT_MODIFIERS = frozenset({"80", "81", "82", "AS"})
COMPONENT_MODIFIERS = frozenset({"26", "TC"})


def _readme(field: str, where: str = "Data Record") -> str:
    return f"{README}, {where}, field '{field}'"


@dataclass(frozen=True, slots=True)
class IndicatorRule:
    """What one value of one indicator field means, and what it allows.

    ``payable`` is set for status codes only (None elsewhere). ``permits`` lists the
    modifiers the value allows on a claim; a modifier outside it is refused with
    ``description`` as the reason. ``factor`` is the payment multiplier a permitted pricing
    modifier brings (bilateral: 1.50 for the pair; None where there is none).
    ``documentation_required`` and ``by_report`` qualify a permitted modifier: the contractor
    needs records to pay it, or prices it from the report rather than the fee schedule.
    ``note`` is a caveat to show whenever a code carries the value, ``implemented`` is False
    where chartcode does not compute the value's payment rule (said in the result).
    """

    field: str
    value: str
    rule_id: str
    label: str
    description: str
    citation: str
    payable: bool | None = None
    permits: frozenset[str] = frozenset()
    factor: Decimal | None = None
    documentation_required: bool = False
    by_report: bool = False
    note: str | None = None
    implemented: bool = True


@dataclass(frozen=True, slots=True)
class PaymentRate:
    """A percentage the calculator applies, as a fraction (``0.625`` for 62.5 %).

    ``effective_from`` is the first date of service it applies to (None: before every
    release chartcode reads).
    """

    rule_id: str
    rate: Decimal
    description: str
    citation: str
    effective_from: str | None = None


def _table(rules: list[IndicatorRule]) -> dict[str, IndicatorRule]:
    return {r.value: r for r in rules}


# --- status code (RVU26B.pdf, Attachment A, "STATUS CODE") ----------------------------------

_STATUS = _readme("Status Code", "Attachment A")


def _status(value: str, label: str, payable: bool, description: str, **kw: str) -> IndicatorRule:
    return IndicatorRule(
        field="status",
        value=value,
        rule_id=f"pfs.status.{value}",
        label=label,
        description=description,
        citation=_STATUS,
        payable=payable,
        note=kw.get("note"),
    )


STATUS_CODES: dict[str, IndicatorRule] = _table(
    [
        _status(
            "A",
            "active",
            True,
            "Paid on its own under the fee schedule when Medicare covers it. The status is not "
            "a coverage decision: where no national policy exists, the MAC decides coverage.",
        ),
        _status(
            "B",
            "bundled",
            False,
            "Never paid on its own: when covered, its payment is already part of the payment "
            "for the service it goes with. Any RVUs shown are not used for payment.",
        ),
        _status(
            "C",
            "contractor priced",
            False,
            "The MAC sets the RVUs and the amount itself, usually case by case from the "
            "documentation (such as the operative report), so the fee schedule gives no amount.",
        ),
        _status(
            "D",
            "deleted",
            False,
            "Deleted from the start of the year; no longer billable under the fee schedule.",
        ),
        _status(
            "E",
            "excluded by regulation",
            False,
            "CMS excluded this item or service from fee schedule payment by regulation; when "
            "covered it is paid outside the fee schedule (generally on reasonable charges).",
        ),
        _status(
            "F",
            "deleted, no grace period",
            False,
            "Deleted or discontinued with no 90-day grace period; not billable.",
        ),
        _status(
            "G",
            "not valid for Medicare (grace period)",
            False,
            "Medicare pays this service under another code; report that code instead "
            "(a 90-day grace period applied to this one).",
        ),
        _status(
            "H",
            "deleted modifier",
            False,
            "This professional or technical component existed last year and has been deleted "
            "for the current year.",
        ),
        _status(
            "I",
            "not valid for Medicare",
            False,
            "Medicare pays this service under another code; report that code instead "
            "(no grace period).",
        ),
        _status(
            "J",
            "anesthesia service",
            False,
            "An anesthesia code: it has no RVUs in this file. Anesthesia is paid from base "
            "units plus time units times the anesthesia conversion factor (use the anesthesia "
            "calculation with the minutes of anesthesia time).",
        ),
        _status(
            "M",
            "measurement code",
            False,
            "Reported for quality measurement only; it carries no payment.",
        ),
        _status(
            "N",
            "not covered",
            False,
            "Medicare does not cover this service, so it has no fee schedule payment.",
        ),
        _status(
            "P",
            "bundled or excluded",
            False,
            "No separate fee schedule payment: when it is incident to a physician service on "
            "the same day it is paid within that service; otherwise it is paid, if at all, "
            "under another part of the law (not the fee schedule).",
        ),
        _status(
            "R",
            "restricted coverage",
            True,
            "Covered only under special coverage instructions; when covered, the MAC prices "
            "it. Most dental (D) codes carry this status.",
            note="restricted coverage (status R): paid only when the special coverage "
            "instructions are met, and the MAC may price it; the amount shown assumes it is "
            "covered and priced from the published RVUs",
        ),
        _status(
            "T",
            "paid only when alone",
            True,
            "Has RVUs and an amount, but is paid only when no other fee schedule service is "
            "billed by the same provider on the same date; otherwise it is bundled into that "
            "service.",
            note="status T: paid only when no other payable fee schedule service is billed by "
            "the same provider on the same date",
        ),
        _status(
            "X",
            "statutory exclusion",
            False,
            "Not a physician service in the law's sense, so the fee schedule cannot pay it "
            "(examples: ambulance, clinical laboratory tests paid on their own fee schedules).",
        ),
    ]
)

# --- PC/TC indicator (RVU26B.pdf, Attachment A, "PC/TC INDICATOR") --------------------------

_PCTC = _readme("PC/TC Indicator", "Attachment A")


def _pctc(value: str, label: str, description: str, **kw: object) -> IndicatorRule:
    return IndicatorRule(
        field="pctc",
        value=value,
        rule_id=f"pfs.pctc.{value}",
        label=label,
        description=description,
        citation=_PCTC,
        **kw,  # type: ignore[arg-type]
    )


PCTC_INDICATORS: dict[str, IndicatorRule] = _table(
    [
        _pctc(
            "0",
            "physician service",
            "A physician service (visit, procedure) that cannot be split into professional "
            "and technical parts, so modifiers 26 and TC do not apply to it.",
        ),
        _pctc(
            "1",
            "diagnostic test with professional and technical components",
            "A diagnostic test that splits into a professional component (modifier 26: work, "
            "PE and MP of the interpretation) and a technical component (modifier TC: PE and MP "
            "of staff and equipment only); without a modifier it is the global service.",
            permits=COMPONENT_MODIFIERS,
        ),
        _pctc(
            "2",
            "professional component only",
            "A code that is itself the professional part of a test (another code is the "
            "technical part, another the global test); modifiers 26 and TC do not apply.",
        ),
        _pctc(
            "3",
            "technical component only",
            "A code that is itself the technical part of a test, or a test covered only as a "
            "diagnostic test with no professional code; modifiers 26 and TC do not apply.",
        ),
        _pctc(
            "4",
            "global test only",
            "A code for the whole test whose professional and technical parts have their own "
            "codes; modifiers 26 and TC do not apply.",
        ),
        _pctc(
            "5",
            "incident-to service",
            "A service done by auxiliary staff under the physician's direct supervision; "
            "modifiers 26 and TC do not apply, and it is not paid for hospital inpatients or "
            "hospital outpatients.",
            note="incident-to service (PC/TC 5): not payable to the practitioner for hospital "
            "inpatients or outpatients",
        ),
        _pctc(
            "6",
            "laboratory physician interpretation",
            "A laboratory physician's separately paid interpretation of a clinical lab test "
            "(the test itself is paid on the lab fee schedule); modifier TC does not apply.",
            permits=frozenset({"26"}),
        ),
        _pctc(
            "7",
            "therapy service not paid in some settings",
            "A physical or occupational therapy service that is not paid when an independently "
            "practising therapist furnishes it to a hospital inpatient or outpatient.",
            note="PC/TC 7: not paid when an independent therapist furnishes it to a hospital "
            "inpatient or outpatient",
        ),
        _pctc(
            "8",
            "physician interpretation of an abnormal smear",
            "The physician's interpretation of an abnormal smear for a hospital inpatient; "
            "there is no technical part to bill, and it is not paid for other patients.",
            note="PC/TC 8: paid only for a hospital inpatient's abnormal smear",
        ),
        _pctc(
            "9",
            "concept does not apply",
            "Splitting into professional and technical components does not apply to this code.",
        ),
    ]
)

# --- global surgery days (RVU26B.pdf, Data Record, "Global Surgery") -------------------------

_GLOBAL = _readme("Global Surgery")


def _global(value: str, label: str, description: str) -> IndicatorRule:
    return IndicatorRule(
        field="global_days",
        value=value,
        rule_id=f"pfs.global.{value}",
        label=label,
        description=description,
        citation=_GLOBAL,
    )


GLOBAL_DAYS: dict[str, IndicatorRule] = _table(
    [
        _global(
            "000",
            "0-day global",
            "An endoscopy or minor procedure whose payment covers the related care on the day "
            "of the procedure only; a visit that day is generally not paid separately.",
        ),
        _global(
            "010",
            "10-day global",
            "A minor procedure whose payment covers the care on the day of the procedure and "
            "during the 10 days after it; visits in that time are generally not paid.",
        ),
        _global(
            "090",
            "90-day global",
            "Major surgery whose payment covers the day before, the day of, and the 90 days "
            "after the operation.",
        ),
        _global(
            "MMM",
            "maternity",
            "A maternity code: the usual global surgery periods do not apply.",
        ),
        _global("XXX", "no global period", "The global surgery concept does not apply."),
        _global(
            "YYY",
            "set by the contractor",
            "The MAC decides at pricing whether a global period applies and how long it is.",
        ),
        _global(
            "ZZZ",
            "add-on, within another service's global",
            "Related to another service and always falls inside that service's global period.",
        ),
    ]
)

# --- multiple procedures (RVU26B.pdf, Data Record, "Multiple Procedure (Modifier 51)") ----

_MULT = _readme("Multiple Procedure (Modifier 51)")
_MULT_MODS = frozenset({"51"})


def _mult(value: str, label: str, description: str, **kw: object) -> IndicatorRule:
    return IndicatorRule(
        field="mult_proc",
        value=value,
        rule_id=f"pfs.mult_proc.{value}",
        label=label,
        description=description,
        citation=_MULT,
        **kw,  # type: ignore[arg-type]
    )


MULTIPLE_PROCEDURE: dict[str, IndicatorRule] = _table(
    [
        _mult(
            "0",
            "no multiple procedure reduction",
            "No multiple procedure rule applies: paid at its full fee schedule amount even "
            "with other procedures the same day.",
            permits=_MULT_MODS,
        ),
        _mult(
            "1",
            "pre-1995 multiple procedure rules",
            "The rules in force before 1995 (ranked 100 %, 50 %, then lower percentages and "
            "by report); the read-me keeps this value for deleted (status D) codes only.",
            permits=_MULT_MODS,
            implemented=False,
        ),
        _mult(
            "2",
            "standard multiple procedure reduction",
            "With other procedures of indicator 1, 2 or 3 the same day, rank them by fee "
            "schedule amount: the highest is paid in full, the second to fifth at 50 %, and "
            "any further ones by report.",
            permits=_MULT_MODS,
        ),
        _mult(
            "3",
            "multiple endoscopy",
            "An endoscopy: with another endoscopy of the same family (same endoscopic base "
            "code), the family is priced first -- the highest in full, each other one at its "
            "amount less the base endoscopy's, the base itself not separately -- and the "
            "family then ranks as one procedure with the day's other procedures.",
            permits=_MULT_MODS,
        ),
        _mult(
            "4",
            "diagnostic imaging reduction",
            "Diagnostic imaging: with another image of the same imaging family in the same "
            "session, the technical component of each image after the highest is paid at "
            "50 %, and (from 2017) the professional component at 95 %.",
            permits=_MULT_MODS,
        ),
        _mult(
            "5",
            "therapy practice expense reduction",
            "A therapy service whose practice expense is paid at 50 % when it is not the "
            "day's therapy service with the highest practice expense.",
            permits=_MULT_MODS,
        ),
        _mult(
            "6",
            "diagnostic cardiovascular reduction",
            "Diagnostic cardiovascular service: the technical component of the second and "
            "later services the same day is reduced by 25 % (from 2013).",
            permits=_MULT_MODS,
        ),
        _mult(
            "7",
            "diagnostic ophthalmology reduction",
            "Diagnostic ophthalmology service: the technical component of the second and "
            "later services the same day is reduced by 20 % (from 2013).",
            permits=_MULT_MODS,
        ),
        _mult(
            "9",
            "concept does not apply",
            "Multiple procedure rules do not apply to this code, so modifier 51 has no place "
            "on it.",
        ),
    ]
)

# --- bilateral surgery (RVU26B.pdf, Data Record, "Bilateral Surgery (Modifier 50)") -------

_BILAT = _readme("Bilateral Surgery (Modifier 50)")
_BILAT_MODS = frozenset({"50"})


def _bilateral(value: str, label: str, description: str, **kw: object) -> IndicatorRule:
    return IndicatorRule(
        field="bilateral",
        value=value,
        rule_id=f"pfs.bilateral.{value}",
        label=label,
        description=description,
        citation=_BILAT,
        **kw,  # type: ignore[arg-type]
    )


BILATERAL_SURGERY: dict[str, IndicatorRule] = _table(
    [
        _bilateral(
            "0",
            "no bilateral adjustment",
            "The 150 % bilateral adjustment does not apply (anatomy, or a separate bilateral "
            "code exists): both sides together are paid at most 100 % of one code's amount.",
            permits=_BILAT_MODS,
            factor=Decimal("1.00"),
        ),
        _bilateral(
            "1",
            "150 % bilateral adjustment",
            "Done on both sides (modifier 50, RT and LT, or two units), the pair is paid at "
            "150 % of one side's amount; this is applied before any multiple procedure rule.",
            permits=_BILAT_MODS,
            factor=Decimal("1.50"),
        ),
        _bilateral(
            "2",
            "already bilateral",
            "The RVUs already price both sides, so a bilateral report is paid at 100 % of the "
            "code's amount, not more.",
            permits=_BILAT_MODS,
            factor=Decimal("1.00"),
        ),
        _bilateral(
            "3",
            "each side paid in full",
            "The usual bilateral adjustment does not apply: each side is paid at 100 % of the "
            "code's amount (200 % for both), mostly radiology and other diagnostic tests.",
            permits=_BILAT_MODS,
            factor=Decimal("2.00"),
        ),
        _bilateral(
            "9",
            "concept does not apply",
            "Bilateral payment rules do not apply to this code, so modifier 50 has no place on it.",
        ),
    ]
)

# --- assistant at surgery (RVU26B.pdf, Data Record, "Assistant at Surgery") ----------------

_ASST = _readme("Assistant at Surgery")


def _assistant(value: str, label: str, description: str, **kw: object) -> IndicatorRule:
    return IndicatorRule(
        field="assistant",
        value=value,
        rule_id=f"pfs.assistant.{value}",
        label=label,
        description=description,
        citation=_ASST,
        **kw,  # type: ignore[arg-type]
    )


ASSISTANT_AT_SURGERY: dict[str, IndicatorRule] = _table(
    [
        _assistant(
            "0",
            "assistant paid with documentation",
            "An assistant at surgery is paid only when records sent with the claim show it "
            "was medically necessary.",
            permits=ASSISTANT_MODIFIERS,
            documentation_required=True,
        ),
        _assistant(
            "1",
            "assistant never paid",
            "By law, an assistant at surgery cannot be paid for this procedure.",
        ),
        _assistant(
            "2",
            "assistant paid",
            "An assistant at surgery may be paid for this procedure with no extra documentation.",
            permits=ASSISTANT_MODIFIERS,
        ),
        _assistant(
            "9",
            "concept does not apply",
            "Assistant-at-surgery rules do not apply to this code, so no assistant is paid.",
        ),
    ]
)

# --- co-surgeons (RVU26B.pdf, Data Record, "Co-surgeons (Modifier 62)") --------------------

_CO = _readme("Co-surgeons (Modifier 62)")
_CO_MODS = frozenset({"62"})


def _co(value: str, label: str, description: str, **kw: object) -> IndicatorRule:
    return IndicatorRule(
        field="co_surgery",
        value=value,
        rule_id=f"pfs.co_surgery.{value}",
        label=label,
        description=description,
        citation=_CO,
        **kw,  # type: ignore[arg-type]
    )


CO_SURGEONS: dict[str, IndicatorRule] = _table(
    [
        _co("0", "co-surgeons not permitted", "Two co-surgeons cannot be paid for this code."),
        _co(
            "1",
            "co-surgeons with documentation",
            "Two surgeons may each be paid, but only with records showing both were "
            "medically necessary.",
            permits=_CO_MODS,
            documentation_required=True,
        ),
        _co(
            "2",
            "co-surgeons permitted",
            "Two surgeons of different specialties may each be paid without extra documentation.",
            permits=_CO_MODS,
        ),
        _co(
            "9",
            "concept does not apply",
            "Co-surgeon rules do not apply to this code, so modifier 62 has no place on it.",
        ),
    ]
)

# --- team surgery (RVU26B.pdf, Data Record, "Team Surgery (Modifier 66)") ------------------

_TEAM = _readme("Team Surgery (Modifier 66)")
_TEAM_MODS = frozenset({"66"})


def _team(value: str, label: str, description: str, **kw: object) -> IndicatorRule:
    return IndicatorRule(
        field="team_surgery",
        value=value,
        rule_id=f"pfs.team_surgery.{value}",
        label=label,
        description=description,
        citation=_TEAM,
        **kw,  # type: ignore[arg-type]
    )


TEAM_SURGERY: dict[str, IndicatorRule] = _table(
    [
        _team("0", "team not permitted", "A surgical team cannot be paid for this code."),
        _team(
            "1",
            "team with documentation, by report",
            "A team may be paid if records show it was medically necessary; the MAC prices "
            "it from the report, not from the fee schedule.",
            permits=_TEAM_MODS,
            documentation_required=True,
            by_report=True,
        ),
        _team(
            "2",
            "team permitted, by report",
            "A team may be paid; the MAC prices it from the report, not from the fee schedule.",
            permits=_TEAM_MODS,
            by_report=True,
        ),
        _team(
            "9",
            "concept does not apply",
            "Team surgery rules do not apply to this code, so modifier 66 has no place on it.",
        ),
    ]
)

ALL_TABLES: dict[str, dict[str, IndicatorRule]] = {
    "status": STATUS_CODES,
    "pctc": PCTC_INDICATORS,
    "global_days": GLOBAL_DAYS,
    "mult_proc": MULTIPLE_PROCEDURE,
    "bilateral": BILATERAL_SURGERY,
    "assistant": ASSISTANT_AT_SURGERY,
    "co_surgery": CO_SURGEONS,
    "team_surgery": TEAM_SURGERY,
}

# --- payment percentages -------------------------------------------------------------------


def _rate(rule_id: str, rate: str, description: str, citation: str, **kw: str) -> PaymentRate:
    return PaymentRate(rule_id, Decimal(rate), description, citation, kw.get("effective_from"))


PAYMENT_RATES: dict[str, PaymentRate] = {
    r.rule_id: r
    for r in [
        _rate(
            "pfs.rate.multiple_secondary",
            "0.50",
            "Second to fifth ranked procedures under the standard multiple procedure rule are "
            "paid at 50 % of their fee schedule amount.",
            _readme("Multiple Procedure (Modifier 51)") + ", value 2",
        ),
        _rate(
            "pfs.rate.multiple_ranked_limit",
            "5",
            "Procedures ranked after the fifth are priced by report, not by a percentage.",
            _readme("Multiple Procedure (Modifier 51)") + ", value 2",
        ),
        _rate(
            "pfs.rate.endoscopy_base_difference",
            "1",
            "In an endoscopy family, each endoscopy after the highest is paid its amount less "
            "the base endoscopy's amount; the base endoscopy is not paid on its own.",
            _readme("Multiple Procedure (Modifier 51)")
            + ", value 3, and "
            + CLAIMS_MANUAL_CH12
            + ", section 40.6 (multiple endoscopies)",
        ),
        _rate(
            "pfs.rate.imaging_tc",
            "0.50",
            "Technical component of each diagnostic image after the highest in the family, "
            "same session: paid at 50 %.",
            _readme("Multiple Procedure (Modifier 51)") + ", value 4",
            effective_from="2010-07-01",
        ),
        _rate(
            "pfs.rate.imaging_pc",
            "0.95",
            "Professional component of each diagnostic image after the highest in the family, "
            "same session: paid at 95 % (a 5 % reduction).",
            _readme("Multiple Procedure (Modifier 51)") + ", value 4",
            effective_from="2017-01-01",
        ),
        _rate(
            "pfs.rate.therapy_pe",
            "0.50",
            "Practice expense of each therapy service after the one with the highest practice "
            "expense the same day: paid at 50 %.",
            _readme("Multiple Procedure (Modifier 51)")
            + ", value 5 (the read-me gives the 50 %; ranking by practice expense is CMS's "
            "therapy multiple procedure payment reduction policy)",
        ),
        _rate(
            "pfs.rate.cardiovascular_tc",
            "0.75",
            "Technical component of the second and later diagnostic cardiovascular services "
            "the same day: reduced by 25 %.",
            _readme("Multiple Procedure (Modifier 51)") + ", value 6",
            effective_from="2013-01-01",
        ),
        _rate(
            "pfs.rate.ophthalmology_tc",
            "0.80",
            "Technical component of the second and later diagnostic ophthalmology services "
            "the same day: reduced by 20 %.",
            _readme("Multiple Procedure (Modifier 51)") + ", value 7",
            effective_from="2013-01-01",
        ),
        _rate(
            "pfs.rate.co_surgeon",
            "0.625",
            "Each co-surgeon (modifier 62) is paid 62.5 % of the procedure's fee schedule amount.",
            CLAIMS_MANUAL_CH12 + ", section 40.8 (co-surgeons and team surgeons)",
        ),
        _rate(
            "pfs.rate.assistant",
            "0.16",
            "An assistant at surgery (modifier 80, 81 or 82) is paid 16 % of the procedure's "
            "fee schedule amount.",
            CLAIMS_MANUAL_CH12 + ", section 20.4.3 (assistant-at-surgery services)",
        ),
        _rate(
            "pfs.rate.npp_assistant",
            "0.85",
            "A physician assistant, nurse practitioner or clinical nurse specialist assisting "
            "at surgery (modifier AS) is paid 85 % of the assistant-at-surgery amount "
            "(85 % of 16 % = 13.6 %).",
            CLAIMS_MANUAL_CH12 + ", sections 110 and 120 (non-physician practitioners)",
        ),
        _rate(
            "pfs.rate.anesthesia_time_unit",
            "15",
            "Anesthesia time units are the minutes of anesthesia time divided by 15, to one "
            "decimal place.",
            CLAIMS_MANUAL_CH12 + ", section 50 (anesthesiologist services)",
        ),
        _rate(
            "pfs.rate.opps_imaging_cap",
            "1",
            "The technical component of certain diagnostic imaging is paid at no more than the "
            "amount priced with the OPPS practice expense and malpractice RVUs of the same "
            "row (Deficit Reduction Act of 2005, section 5102(b)).",
            f"{README}, payment formulas ('OPPS Payment Amount') and the fields 'Non-Facility "
            "/ Facility Practice Expense Used for OPPS Payment Amount'",
        ),
    ]
}


def rule_for(field: str, value: object) -> IndicatorRule | None:
    """The rule for one value of one indicator field, or None where chartcode has no table."""
    table = ALL_TABLES.get(field)
    return table.get(str(value)) if table else None


def describe(field: str, value: object) -> str | None:
    """``label: description`` of an indicator value, as a code page shows it."""
    rule = rule_for(field, value)
    return f"{rule.label}: {rule.description}" if rule else None
