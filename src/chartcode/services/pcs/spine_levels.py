"""Spinal levels in a text ("L5-S1", "C5-6", "T12-L1", "L4") read as ICD-10-PCS body parts.

Contract: ``spinal_levels(raw)`` returns each level range with its offsets and the body part
labels it can stand for, joint first, then disc, then vertebra: a fusion table holds the
joint values, a discectomy table the discs. The counts follow the body part values of the
Upper and Lower Joints tables (FY2026): one cervical or lumbar joint, or "2 or more";
thoracic joints 1, "2 to 7" or "8 or more"; the junctions C7-T1 (cervicothoracic), T12-L1
(thoracolumbar) and L5-S1 (lumbosacral) are joints of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LEVEL = re.compile(
    r"\b([CTLS])\s?(\d{1,2})(?:\s*(?:-|–|to|through|/)\s*([CTLS])?\s?(\d{1,2}))?\b", re.I
)
_REGION = {"C": "Cervical", "T": "Thoracic", "L": "Lumbar", "S": "Sacral"}
# Vertebrae per region, for counting the joints between two levels.
_COUNT = {"C": 7, "T": 12, "L": 5, "S": 1}
_ORDER = "CTLS"


@dataclass(frozen=True, slots=True)
class SpinalLevel:
    start: int
    end: int
    text: str
    labels: tuple[str, ...]  # body part labels, most likely first
    note: str | None  # set when the range spans two body part values


def _index(region: str, number: int) -> int:
    """Position of a vertebra counted from C1 (so joints between two levels can be counted)."""
    base = sum(_COUNT[r] for r in _ORDER[: _ORDER.index(region)])
    return base + number


def _joint_labels(a: tuple[str, int], b: tuple[str, int]) -> tuple[tuple[str, ...], str | None]:
    (ra, na), (rb, nb) = a, b
    joints = _index(rb, nb) - _index(ra, na)
    if ra == rb:
        name = _REGION[ra]
        if ra == "T":
            if joints <= 1:
                return (("Thoracic Vertebral Joint",), None)
            many = (
                "Thoracic Vertebral Joints, 2 to 7"
                if joints <= 7
                else ("Thoracic Vertebral Joints, 8 or more")
            )
            return ((many,), None)
        if joints <= 1:
            return ((f"{name} Vertebral Joint",), None)
        return ((f"{name} Vertebral Joints, 2 or more",), None)
    pair = (ra, na, rb, nb)
    if pair == ("C", 7, "T", 1):
        return (("Cervicothoracic Vertebral Joint",), None)
    if pair == ("T", 12, "L", 1):
        return (("Thoracolumbar Vertebral Joint",), None)
    if pair == ("L", 5, "S", 1):
        return (("Lumbosacral Joint",), None)
    if rb == "S" and ra == "L":
        upper = "Lumbar Vertebral Joint" if na == 4 else "Lumbar Vertebral Joints, 2 or more"
        return (
            (upper, "Lumbosacral Joint"),
            f"L{na}-S1 spans the lumbar joints and the lumbosacral joint: code each body part",
        )
    return ((), f"{ra}{na}-{rb}{nb} spans two regions: code each region's joints")


def spinal_levels(raw: str) -> list[SpinalLevel]:
    """Every spinal level or level range in ``raw`` (see the module contract)."""
    out: list[SpinalLevel] = []
    for m in _LEVEL.finditer(raw):
        ra, na = m.group(1).upper(), int(m.group(2))
        if na < 1 or na > _COUNT[ra] + (4 if ra == "S" else 0):
            continue
        if m.group(4) is None:
            name = _REGION[ra]
            labels = ("Sacrum",) if ra == "S" else (f"{name} Vertebra",)
            out.append(SpinalLevel(m.start(), m.end(), m.group(0), labels, None))
            continue
        rb = (m.group(3) or ra).upper()
        nb = int(m.group(4))
        if nb < 1 or nb > _COUNT[rb] + (4 if rb == "S" else 0) or _index(rb, nb) <= _index(ra, na):
            continue
        joints, note = _joint_labels((ra, na), (rb, nb))
        region = _REGION[ra]
        discs: tuple[str, ...] = ()
        if ra == rb and ra != "S":
            discs = (f"{region} Vertebral Disc",)
        elif (ra, rb) in (("C", "T"), ("T", "L"), ("L", "S")):
            junction = {"C": "Cervicothoracic", "T": "Thoracolumbar", "L": "Lumbosacral"}[ra]
            discs = (f"{junction} Vertebral Disc",) if ra != "L" else ("Lumbosacral Disc",)
        out.append(SpinalLevel(m.start(), m.end(), m.group(0), joints + discs, note))
    return out
