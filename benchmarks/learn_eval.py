"""Learning from coded cases: train on the CodiEsp training split, measure on the dev split.

    .venv/bin/python benchmarks/learn_eval.py             # writes results/learn.json

Data: ``../shared/data/eval/codiesp-train`` (500 English case reports with gold ICD-10-CM and
ICD-10-PCS codes) to train, ``codiesp-dev`` (250 reports) to measure; read in place, nothing
copied. The store is $CHARTCODE_HOME's (or ``--store``) with the ICD-10-CM tabular and the
ICD-10-PCS tables imported. The dictionary-only pipeline (``chartcode suggest`` with no model)
runs on the same reports in the same run.

Metrics, CodiEsp's (``chartcode.services.learn.metrics``): D MAP over each report's ranked
ICD-10-CM list; micro precision, recall and F1 of the suggested codes for D and for P, where a
4-character gold ICD-10-PCS code is matched by any code with that prefix, and a 2018 gold
ICD-10-CM code subdivided since is matched as ``services/learn/drift.py`` says. The ranked list is
the suggested codes then those below the model's cut-off; the suggested codes are those above
it. Training time covers reading the 500 reports with the dictionary pipeline, cross-fitting
and the final phrase table. The dev split is then run in a new process with the model read
from its saved file, as ``chartcode suggest --model`` would: throughput is reports per second
there, dictionary pipeline and model together, with no cache warmed by the training pass.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from chartcode.api import Chartcode
from chartcode.codes import compact
from chartcode.services.learn.apply import ModelSuggester
from chartcode.services.learn.drift import label_rule
from chartcode.services.learn.metrics import Scores
from chartcode.services.learn.train import FOLDS, train
from chartcode.services.learn.validity import Validity
from chartcode.services.lookup import Lookup
from chartcode.services.suggest import Policy, Suggester
from chartcode.sources.training_cases import read_training_set
from chartcode.store import learned_models

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = Path(os.environ.get("CHARTCODE_SHARED_DATA", REPO.parent / "shared" / "data"))
EVAL = SHARED / "eval"
RESULTS = HERE / "results" / "learn.json"
ON = date(2024, 10, 1)  # FY2025: the earliest ICD-10-PCS tables loaded, nearest to 2018
SYSTEMS = {"icd10cm": "D", "icd10pcs": "P"}
POLICY = Policy.CODE_EVERY_MENTION


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--store", type=Path, default=None)
    ap.add_argument("--folds", type=int, default=FOLDS)
    ap.add_argument("--measure", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not (EVAL / "codiesp-train").is_dir() or not (EVAL / "codiesp-dev").is_dir():
        print(f"CodiEsp splits not found under {EVAL}", file=sys.stderr)
        return 1
    if args.measure is not None:
        print(json.dumps(measure(args.store, args.measure)))
        return 0
    desk = Chartcode(args.store, on=ON)
    suggester = Suggester(desk.store, ON)

    def dictionary(text: str):  # noqa: ANN202
        return suggester.suggest(text, POLICY).codes

    tr = EVAL / "codiesp-train"
    training = read_training_set(tr / "text_files_en", [tr / "trainD.tsv", tr / "trainP.tsv"])
    release = {r.system: r.version for r in desk.store.releases()}
    t0 = time.perf_counter()
    validity = Validity(Lookup(desk.store), ON)
    model = train(
        training.cases,
        dictionary,
        name="codiesp",
        release=release,
        folds=args.folds,
        answers=label_rule(suggester.tabular.billable),
        titles=lambda key: validity.title(*key),
    )
    train_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = learned_models.save(model, Path(tmp))
        # A new process, as `chartcode suggest --model` would be: the model read from its
        # file, no cache warmed by the training pass.
        cmd = [sys.executable, __file__, "--measure", str(path)]
        if args.store is not None:
            cmd += ["--store", str(args.store)]
        measured = json.loads(subprocess.run(cmd, check=True, capture_output=True).stdout)
    out = {
        "train_documents": len(training.cases),
        "train_seconds": round(train_s, 1),
        "model_codes": len(model.codes),
        "model_phrases": len(model.phrases),
        "validation": model.meta["validation"],
        **measured,
    }
    print(
        f"trained on {len(training.cases)} reports in {train_s:.1f} s;"
        f" {len(model.codes)} codes, {len(model.phrases)} hashed phrases"
    )
    print("\n| pipeline | D MAP | D P | D R | D F1 | P MAP | P P | P R | P F1 | reports/s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, key, rate in (
        ("dictionary only", "dictionary", out["dictionary_docs_per_s"]),
        ("dictionary + learned model", "model", out["model_docs_per_s"]),
    ):
        d, p = out[key]["D"], out[key]["P"]
        print(
            f"| {label} | {d['map']:.3f} | {d['precision']:.3f} | {d['recall']:.3f}"
            f" | {d['f1']:.3f} | {p['map']:.3f} | {p['precision']:.3f} | {p['recall']:.3f}"
            f" | {p['f1']:.3f} | {rate:.1f} |"
        )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    return 0


def measure(store: Path | None, model_file: Path) -> dict[str, object]:
    """Both pipelines over the dev split, with the model read from ``model_file``."""
    desk = Chartcode(store, on=ON)
    suggester = Suggester(desk.store, ON)
    hit = label_rule(suggester.tabular.billable)
    applier = ModelSuggester(learned_models.load_file(model_file), Validity(Lookup(desk.store), ON))
    dev_dir = EVAL / "codiesp-dev"
    dev = read_training_set(dev_dir / "text_files_en", [dev_dir / "devD.tsv", dev_dir / "devP.tsv"])
    dict_scores = {s: Scores() for s in SYSTEMS}
    model_scores = {s: Scores() for s in SYSTEMS}
    t_dict = t_model = 0.0
    for case in dev.cases:
        a = time.perf_counter()
        plain = suggester.suggest(case.text, POLICY)
        b = time.perf_counter()
        learned = applier.apply(plain)
        c = time.perf_counter()
        t_dict += b - a
        t_model += c - a
        for system in SYSTEMS:
            gold = {k for k in case.codes if k[0] == system}
            d = [(x.system, compact(x.code)) for x in plain.codes if x.system == system]
            dict_scores[system].add(d, d, gold, hit)
            kept = [(x.system, compact(x.code)) for x in learned.codes if x.system == system]
            more = [(x.system, compact(x.code)) for x in learned.candidates if x.system == system]
            model_scores[system].add(kept + more, kept, gold, hit)
    n = len(dev.cases)
    return {
        "dev_documents": n,
        "dictionary_docs_per_s": round(n / t_dict, 1),
        "model_docs_per_s": round(n / t_model, 1),
        "dictionary": {SYSTEMS[s]: v.to_dict() for s, v in dict_scores.items()},
        "model": {SYSTEMS[s]: v.to_dict() for s, v in model_scores.items()},
    }


if __name__ == "__main__":
    sys.exit(main())
