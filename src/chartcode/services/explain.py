"""Plain-language explanations of codes, every clause traced to what it says.

Contract: ``explain(result, siblings)`` returns an ``Explanation`` for a ``CodeResult``: short
sentences a reader who is not a coder can follow, each a ``Clause`` with ``traces`` naming the
official title, descriptor, note, definition or hierarchy row it restates, or the glossary,
family or abbreviation entry (file and line) that gives a word's meaning. Nothing is said that
no trace supports: where the data is silent, the explanation is shorter, not invented.

ICD-10-CM explanations restate the title and place it in its category and chapter, explain
its hard words, and say what the conventions in the title mean for this code ("with", "due
to", "unspecified", "in diseases classified elsewhere", side, 7th character). ICD-10-PCS
explanations walk the seven axes with the official definitions. CPT and HCPCS explanations
name the code's family, spell out the CMS short descriptor, and say what the global period
and add-on status mean.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from chartcode.lexicon.descriptors import expand
from chartcode.lexicon.families import cpt_family_chain, hcpcs_family
from chartcode.lexicon.glossary import Entry, Glossary, glossary
from chartcode.rules import pfs_indicators
from chartcode.services.lookup import CodeResult, Node, PcsAxis

MAX_TERMS = 6
# Glossary kinds that describe where, not what: the side is said once on its own.
PLACE_KINDS = frozenset({"direction"})
GUIDELINES = "ICD-10-CM Official Guidelines for Coding and Reporting"
SIDES = {
    "right": "the right side",
    "left": "the left side",
    "bilateral": "both sides",
    "unspecified side": "a side the record does not state",
}
UNSPECIFIED = re.compile(r"\bunspecified\b", re.I)
NOT_ELSEWHERE = re.compile(r"\b(not elsewhere classified|NEC)\b")
OTHER_SPECIFIED = re.compile(r"\bother specified\b", re.I)
MANIFESTATION = re.compile(r"\bin (diseases|conditions) classified elsewhere\b", re.I)
WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
# Words the conventions clauses already explain for this code; the glossary stays quiet.
CONVENTION_TERMS = ("unspecified", "other specified", "not elsewhere classified", "NEC")
# Words that do not tell two sibling titles apart.
FILLER = frozenset(
    ["of", "the", "and", "or", "with", "in", "to", "for", "by", "type", "other", "nos", "due"]
)
DUE_TO_END = re.compile(r",|\s+with\s+")


@dataclass(frozen=True, slots=True)
class Trace:
    """Where a clause comes from.

    ``kind``: title | descriptor | hierarchy | note | definition | axis | seventh_character |
    convention | glossary | word_parts | family | abbreviation | billing. ``ref`` names the
    code, file and line, or guideline section; ``text`` the words taken from it.
    """

    kind: str
    ref: str
    text: str


@dataclass(frozen=True, slots=True)
class Clause:
    text: str
    traces: tuple[Trace, ...]


@dataclass(frozen=True, slots=True)
class Explanation:
    system: str
    code: str
    clauses: list[Clause] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.clauses)

    @property
    def traces(self) -> list[Trace]:
        return [t for c in self.clauses for t in c.traces]

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "clauses": [asdict(c) for c in self.clauses]}


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def _lower_title(title: str) -> str:
    """A title inside a sentence: lower case first letter unless it is an acronym or eponym."""
    first = title.split(" ", 1)[0]
    if first.isupper() or (first[:1].isupper() and first[1:2].isupper()):
        return title
    if first.endswith(("'s", "'")) or first in ("Type",):
        return title[0].lower() + title[1:] if first == "Type" else title
    return title[0].lower() + title[1:]


class Explainer:
    """Builds explanations from a glossary; one per process is enough (it keeps no state)."""

    def __init__(self, words: Glossary | None = None) -> None:
        self.words = words or glossary()

    def explain(self, result: CodeResult, siblings: Sequence[Node] = ()) -> Explanation:
        if result.system == "icd10cm":
            clauses = self._cm(result, siblings)
        elif result.system == "icd10pcs":
            clauses = self._pcs(result)
        else:
            clauses = self._billing(result)
        return Explanation(result.system, result.code, [c for c in clauses if c.text])

    # -- shared ------------------------------------------------------------------------------
    def _terms(self, text: str, ref: str, skip: Iterable[str] = ()) -> list[Clause]:
        """One clause per hard word in ``text``: its glossary meaning or its word parts."""
        seen = {s.lower() for s in skip}
        out: list[Clause] = []
        matched_spans: list[tuple[int, int]] = []
        for m in self.words.find(text):
            matched_spans.append((m.start, m.end))
            key = m.entry.term.lower()
            if key in seen or m.entry.kind in PLACE_KINDS:
                continue
            seen.add(key)
            out.append(self._gloss(m.surface, m.entry, ref))
        for w in WORD.finditer(text):
            if any(s <= w.start() < e for s, e in matched_spans) or w.group().lower() in seen:
                continue
            split = self.words.split(w.group())
            if split is None:
                continue
            seen.add(w.group().lower())
            parts = [f"{p.term} ({p.meaning})" for p in split.parts]
            joined = ", ".join(parts[:-1]) + " and " + parts[-1]
            out.append(
                Clause(
                    _sentence(f"{w.group()} is built from {joined}"),
                    (Trace("title", ref, w.group()),)
                    + tuple(Trace("word_parts", p.ref, p.term) for p in split.parts),
                )
            )
        return out[:MAX_TERMS]

    @staticmethod
    def _gloss(surface: str, entry: Entry, ref: str) -> Clause:
        return Clause(
            _sentence(f"{surface} means {entry.meaning}"),
            (Trace("title", ref, surface), Trace("glossary", entry.ref, entry.term)),
        )

    # -- ICD-10-CM ---------------------------------------------------------------------------
    def _cm(self, r: CodeResult, siblings: Sequence[Node]) -> list[Clause]:
        ref = r.code
        title_trace = Trace("title", ref, r.title)
        out = [
            Clause(_sentence(f"{r.code} is the code for {_lower_title(r.title)}"), (title_trace,))
        ]
        out += self._cm_place(r)
        out += self._cm_conventions(r, siblings, title_trace)
        out += self._terms(r.title, ref, skip=CONVENTION_TERMS)
        out += self._cm_completeness(r)
        return out

    @staticmethod
    def _cm_place(r: CodeResult) -> list[Clause]:
        chapter = next((n for n in r.hierarchy if n.kind == "chapter"), None)
        category = next((n for n in reversed(r.hierarchy) if n.kind == "category"), None)
        out = []
        if category and category.code != r.code:
            out.append(
                Clause(
                    _sentence(f"It belongs to category {category.code}: {category.title}"),
                    (Trace("hierarchy", category.code, category.title),),
                )
            )
        if chapter:
            title = re.sub(r"\s*\([A-Z]\d\d-[A-Z]\d\d\)$", "", chapter.title)
            out.append(
                Clause(
                    _sentence(f"The chapter is {_lower_title(title)}"),
                    (Trace("hierarchy", chapter.code, chapter.title),),
                )
            )
        return out

    def _cm_conventions(
        self, r: CodeResult, siblings: Sequence[Node], title_trace: Trace
    ) -> list[Clause]:
        out: list[Clause] = []
        title = r.title
        low = title.lower()
        with_parts = re.split(r"\s+with\s+", title, maxsplit=1)
        if len(with_parts) == 2 and not low.startswith("with") and " without " not in low:
            left = _lower_title(with_parts[0].strip(" ,"))
            right = re.split(r",|\s+and\s+", with_parts[1], maxsplit=1)[0].strip()
            out.append(
                Clause(
                    _sentence(
                        f"It is a combination code: one code for both {left} and {right}. "
                        "In a title, 'with' means the two are linked. Coders assume the link "
                        "unless the record says there is none"
                    ),
                    (title_trace, Trace("convention", f"{GUIDELINES}, I.A.15", "with")),
                )
            )
        due = re.split(r"\s+due to\s+", title, maxsplit=1)
        if len(due) == 2:
            out.append(
                Clause(
                    _sentence(
                        f"'Due to' means {_lower_title(due[0].strip(' ,'))} is caused by "
                        f"{DUE_TO_END.split(due[1])[0].strip()}"
                    ),
                    (title_trace,),
                )
            )
        if MANIFESTATION.search(title):
            out.append(
                Clause(
                    "It names a problem caused by another disease, so it is never listed "
                    "first: the disease behind it is coded first.",
                    (title_trace, Trace("convention", f"{GUIDELINES}, I.A.13", "manifestation")),
                )
            )
        if UNSPECIFIED.search(title):
            out.append(self._unspecified(r, siblings, title_trace))
        if OTHER_SPECIFIED.search(title) or re.search(r"^other\b", low):
            out.append(
                Clause(
                    "'Other' here is for a kind the record names that has no code of its own.",
                    (title_trace, Trace("convention", f"{GUIDELINES}, I.A.9.a", "other")),
                )
            )
        if NOT_ELSEWHERE.search(title):
            out.append(
                Clause(
                    "'Not elsewhere classified' means the classification has no more specific "
                    "code for what the record describes.",
                    (title_trace, Trace("convention", f"{GUIDELINES}, I.A.5", "NEC")),
                )
            )
        side = self._side(low)
        if side:
            out.append(
                Clause(f"It is for {SIDES[side]}.", (Trace("title", title_trace.ref, side),))
            )
        return out

    @staticmethod
    def _side(low: str) -> str | None:
        if "unspecified side" in low:
            return "unspecified side"
        for word in ("bilateral", "right", "left"):
            if re.search(rf"\b{word}\b", low):
                return word
        return None

    @staticmethod
    def _unspecified(r: CodeResult, siblings: Sequence[Node], title_trace: Trace) -> Clause:
        mine = {w.lower() for w in WORD.findall(r.title)}
        extra: list[str] = []
        used: list[Node] = []
        for s in siblings:
            if s.code == r.code or UNSPECIFIED.search(s.title) and "side" not in s.title:
                continue
            words = [w for w in WORD.findall(s.title) if w.lower() not in mine | FILLER]
            phrase = " ".join(words[:3]).strip(" ,")
            if phrase and phrase.lower() not in (e.lower() for e in extra):
                extra.append(phrase)
                used.append(s)
            if len(extra) == 4:
                break
        text = (
            "'Unspecified' means the record does not give more detail. Use it only when "
            "nothing more is known"
        )
        traces = [title_trace, Trace("convention", f"{GUIDELINES}, I.A.9.b", "unspecified")]
        if extra:
            text += ". Codes next to it name " + ", ".join(f"'{e}'" for e in extra)
            traces += [Trace("hierarchy", s.code, s.title) for s in used]
        return Clause(_sentence(text), tuple(traces))

    def _cm_completeness(self, r: CodeResult) -> list[Clause]:
        if r.code.replace(".", "")[-1:].isalpha() and r.seventh_characters == [] and r.billable:
            meaning = self._seventh_meaning(r)
            if meaning:
                char, text, ref = meaning
                traces = [Trace("seventh_character", ref, f"{char}: {text}")]
                entry = self.words.get(text)
                extra = ""
                if entry:
                    extra = f": {entry.meaning}"
                    traces.append(Trace("glossary", entry.ref, entry.term))
                return [
                    Clause(
                        _sentence(f"The 7th character {char} means {text.lower()}{extra}"),
                        tuple(traces),
                    )
                ]
        if r.seventh_characters:
            chars = ", ".join(f"{s.char} ({s.meaning.lower()})" for s in r.seventh_characters[:6])
            return [
                Clause(
                    _sentence(f"It needs a 7th character to be complete, such as {chars}"),
                    (Trace("seventh_character", f"{r.code} 7th characters", chars),),
                )
            ]
        if not r.billable and r.children:
            return [
                Clause(
                    f"It is a heading, not a billable code: choose one of the {len(r.children)} "
                    "more specific codes under it.",
                    (Trace("hierarchy", r.code, f"{len(r.children)} codes below"),),
                )
            ]
        return []

    @staticmethod
    def _seventh_meaning(r: CodeResult) -> tuple[str, str, str] | None:
        """The 7th character of a complete injury-style code, from its extension title."""
        extension = r.title.rsplit(", ", 1)
        if len(extension) != 2:
            return None
        char = r.code[-1]
        return char, extension[1], f"{r.code[:-1]} 7th character {char}"

    # -- ICD-10-PCS --------------------------------------------------------------------------
    def _pcs(self, r: CodeResult) -> list[Clause]:
        axes = {a.position: a for a in r.axes}
        if len(axes) < 7:
            return []
        ref = f"table {r.code[:3]}"
        op, part, approach, device, qual = axes[3], axes[4], axes[5], axes[6], axes[7]
        out: list[Clause] = []
        out.append(
            self._axis_clause(
                f"{r.code} is a {op.label.lower()} procedure on the {part.label.lower()}",
                op,
                ref,
            )
        )
        out.append(self._axis_clause(f"The approach is {approach.label.lower()}", approach, ref))
        if device.label.lower() != "no device":
            out.append(
                self._axis_clause(
                    f"The device left in place is {_device(device.label)}", device, ref
                )
            )
        if qual.label.lower() != "no qualifier":
            out.append(self._axis_clause(f"Qualifier: {qual.label.lower()}", qual, ref))
        out += self._terms(part.label, f"{ref}, body part {part.value}")
        out.append(
            Clause(
                _sentence(
                    f"It is in the {axes[1].label.lower()} section, "
                    f"{axes[2].label.lower()} body system"
                ),
                (
                    Trace("axis", f"{ref}, character 1 value {axes[1].value}", axes[1].label),
                    Trace("axis", f"{ref}, character 2 value {axes[2].value}", axes[2].label),
                ),
            )
        )
        return out

    def _axis_clause(self, lead: str, axis: PcsAxis, ref: str) -> Clause:
        """``lead``, then the value's meaning: the glossary's words, else the definition's."""
        traces = [Trace("axis", f"{ref}, character {axis.position} value {axis.value}", axis.label)]
        entry = self.words.get(axis.label)
        meaning = None
        if entry is not None:
            meaning = entry.meaning
            traces.append(Trace("glossary", entry.ref, entry.term))
        if axis.definition:
            traces.append(
                Trace("definition", f"ICD-10-PCS definitions, {axis.name}", axis.definition)
            )
            meaning = meaning or _first_sentence(axis.definition).lower()
        text = _sentence(lead)
        if meaning:
            text += " " + _sentence(f"{_label_in_sentence(axis.label)} means {meaning}")
        return Clause(text, tuple(traces))

    # -- CPT and HCPCS -----------------------------------------------------------------------
    def _billing(self, r: CodeResult) -> list[Clause]:
        out: list[Clause] = []
        out += self._family(r)
        descriptor_ref = r.title_source
        if not r.title:
            return out
        if r.title_source.startswith(("licensed CPT", "HCPCS long description")):
            words = r.title
            out.append(
                Clause(
                    _sentence(f"The description reads: {r.title}"),
                    (Trace("descriptor", descriptor_ref, r.title),),
                )
            )
        else:
            expanded = expand(r.title)
            words = expanded.text
            traces = [Trace("descriptor", descriptor_ref, r.title)] + [
                Trace(
                    "abbreviation",
                    f"descriptor_abbreviations.tsv line {e.line}",
                    f"{e.token} = {e.expansion}",
                )
                for e in expanded.expansions
            ]
            lead = f"The CMS short description '{r.title}'"
            text = (
                f"{lead} spelled out reads '{words}'"
                if expanded.expansions
                else f"{lead} is all CMS files give"
            )
            out.append(Clause(_sentence(text), tuple(traces)))
        out += self._terms(words, descriptor_ref)
        out += self._billing_rules(r)
        return out

    @staticmethod
    def _family(r: CodeResult) -> list[Clause]:
        if r.system == "cpt":
            chain = cpt_family_chain(r.code)
            if not chain:
                return []
            narrow = chain[-1]
            names = " > ".join(f.name.lower() for f in chain[-2:])
            return [
                Clause(
                    _sentence(
                        f"{r.code} is in CPT range {narrow.range} ({names}): {narrow.meaning}"
                    ),
                    tuple(Trace("family", f"{f.file} line {f.line}", f.name) for f in chain),
                )
            ]
        fam = hcpcs_family(r.code)
        if fam is None:
            return []
        return [
            Clause(
                _sentence(
                    f"{r.code} is a HCPCS Level II code; {fam.start} codes are "
                    f"{fam.name.lower()}: {fam.meaning}"
                ),
                (Trace("family", f"{fam.file} line {fam.line}", fam.name),),
            )
        ]

    @staticmethod
    def _billing_rules(r: CodeResult) -> list[Clause]:
        out: list[Clause] = []
        if r.global_days:
            rule = pfs_indicators.rule_for("global_days", r.global_days.get("value"))
            if rule:
                out.append(
                    Clause(
                        _sentence(f"Medicare global period: {rule.label}")
                        + " "
                        + _sentence(rule.description),
                        (
                            Trace("billing", str(r.global_days.get("source")), rule.value),
                            Trace("billing", rule.citation, rule.rule_id),
                        ),
                    )
                )
        addon_rows = [a for a in r.addon if a.get("role") == "add-on" and a.get("in_force")]
        if addon_rows:
            primaries = sorted({str(a["primary_code"]) for a in addon_rows})
            shown = ", ".join(primaries[:5]) + (" and others" if len(primaries) > 5 else "")
            out.append(
                Clause(
                    _sentence(
                        f"It is an add-on code: it is billed only with a main procedure, such "
                        f"as {shown}"
                    ),
                    tuple(
                        Trace("billing", str(a["source"]), "add-on edit") for a in addon_rows[:5]
                    ),
                )
            )
        return out


def _label_in_sentence(label: str) -> str:
    """A table label as a sentence subject: "Interbody fusion device", acronyms kept."""
    words = label.split(" ")
    rest = [w if w.isupper() and len(w) > 1 else w.lower() for w in words[1:]]
    return " ".join([words[0], *rest])


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[a-z])\.\s", text.strip(), maxsplit=1)[0].rstrip(".")


def _device(label: str) -> str:
    low = label.lower()
    if low.startswith(("a ", "an ", "the ")):
        return low
    return f"an {low}" if low[:1] in "aeiou" else f"a {low}"
