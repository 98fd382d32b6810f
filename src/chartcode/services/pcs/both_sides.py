"""Both sides of a paired body part: the right and left values a description means together.

Guidelines B4.3: where a paired part has no bilateral body part value, the same procedure on
both sides is coded once per side. The builder then answers with a code for each side
(``pcs_builder.build``), and case coding lists both (``suggest.procedures.PcsCoder``).
"""

from __future__ import annotations

from chartcode.services.pcs.label_match import parse_label
from chartcode.services.pcs.reading import read
from chartcode.services.pcs.state import BuildState
from chartcode.services.pcs.text import words

_BOTH = frozenset({"both", "bilateral", "bilaterally"})


def both_sides(state: BuildState, text: str) -> tuple[str, ...]:
    """The right and left body part values to code apart, when ``text`` means both sides.

    Only a state with its table chosen and its body part open is read. The text means both
    when it says so ("both eyes", "right and left") or when it examines a paired part without
    naming a side (an Inspection by the external approach, "fundus examination": an
    examination looks at both). A bilateral value, where the table has one, is the builder's
    own answer and is never split.
    """
    pattern = state.pattern
    if pattern[3] != "?" or "?" in pattern[:3]:
        return ()
    labels = {c.value: parse_label(c.label) for c in state.view.choices(pattern, 4)}
    said = set(words(text))  # singular: "both eyes" names the eye
    # The body parts a procedure term allows ("cataract surgery": the lenses), else those
    # the text names ("eyes").
    termed = [
        m.term.allowed(4)
        for m in read(text).terms
        if m.term.allowed(1) == (pattern[0],) and m.term.allowed(3) == (pattern[2],)
    ]
    values = tuple(v for v in termed[0] if v in labels) if termed else ()
    values = values or tuple(v for v, p in labels.items() if p.distinct and set(p.distinct) <= said)
    if len(values) != 2:
        return ()
    a, b = (labels[v] for v in values)
    if {a.side, b.side} != {"Right", "Left"} or (a.distinct, a.generic) != (b.distinct, b.generic):
        return ()
    examined = pattern[2] == "J" and pattern[4] == "X"
    return values if _BOTH & said or {"right", "left"} <= said or examined else ()
