"""Properties: the order of a claim's lines never changes its findings."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from chartcode.services.claims.check import ClaimChecker
from chartcode.services.claims.model import Claim, ClaimLine
from chartcode.services.claims.result import ClaimResult

CODES = ["29881", "29877", "64450", "20610", "99213", "96372", "22586", "22840", "J1100",
         "93000", "93010", "G0463", "36591"]  # fmt: skip
MODS = ["", "59", "XS", "RT", "LT", "25", "76"]
DATES = ["2026-05-04", "2026-05-05"]
NPIS = [None, "1245319599", "1234567893"]

line_st = st.builds(
    lambda code, mod, units, dos, npi, ptr: (code, mod, units, dos, npi, ptr),
    st.sampled_from(CODES), st.sampled_from(MODS), st.integers(1, 12), st.sampled_from(DATES),
    st.sampled_from(NPIS), st.sampled_from([(), (1,), (1, 2), (3,)]),
)  # fmt: skip


def _claim(specs, claim_type: str) -> Claim:
    lines = tuple(
        ClaimLine(i, code, dos, dos, (mod,) if mod else (), units, ptr, None, npi)
        for i, (code, mod, units, dos, npi, ptr) in enumerate(specs, start=1)
    )
    return Claim("P", lines, ("M1711", "I10"), "F", "1970-01-01", claim_type)


def _signature(result: ClaimResult, identity: dict[int, int]) -> list[tuple]:
    """Edits with line numbers replaced by the identity of the line they point to."""
    out = []
    for e in result.edits:
        lines = tuple(
            sorted(identity[n] for n in (e.related_lines or ((e.line,) if e.line else ())))
        )
        out.append((e.id, e.severity, e.codes, lines))
    return sorted(out)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    specs=st.lists(line_st, min_size=1, max_size=7, unique_by=lambda s: (s[0], s[3], s[4])),
    order=st.randoms(use_true_random=False),
    claim_type=st.sampled_from(["professional", "outpatient"]),
)
def test_line_order_does_not_change_the_result(ncci_store, specs, order, claim_type):
    checker = ClaimChecker(ncci_store)
    base = _claim(specs, claim_type)
    shuffled_specs = list(enumerate(specs, start=1))
    order.shuffle(shuffled_specs)
    shuffled = _claim([s for _, s in shuffled_specs], claim_type)
    # identity: original line number of each line in the shuffled claim
    ident_base = {i: i for i in range(1, len(specs) + 1)}
    ident_shuf = {new: old for new, (old, _) in enumerate(shuffled_specs, start=1)}
    a = _signature(checker.check(base), ident_base)
    b = _signature(checker.check(shuffled), ident_shuf)
    assert a == b


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs=st.lists(line_st, min_size=1, max_size=7, unique_by=lambda s: (s[0], s[3], s[4])),
       order=st.randoms(use_true_random=False))  # fmt: skip
def test_a_clean_claim_stays_clean_under_shuffling(ncci_store, specs, order):
    checker = ClaimChecker(ncci_store)
    base = _claim(specs, "professional")
    result = checker.check(base)
    if not result.clean:
        # Make it clean the way a biller would: drop every line an error or warning names.
        flagged = {n for e in result.edits if e.severity != "info"
                   for n in (e.related_lines or ((e.line,) if e.line else ()))}  # fmt: skip
        keep = [ln for ln in base.lines if ln.number not in flagged]
        if not keep:
            return
        base = replace(base, lines=tuple(replace(ln, number=i)
                                         for i, ln in enumerate(keep, start=1)))  # fmt: skip
        if not checker.check(base).clean:
            return
    lines = list(base.lines)
    order.shuffle(lines)
    shuffled = replace(base, lines=tuple(replace(ln, number=i)
                                         for i, ln in enumerate(lines, start=1)))  # fmt: skip
    event("clean claim shuffled")
    assert checker.check(shuffled).clean
