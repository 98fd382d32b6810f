"""The Python API: one facade, opened on a store and a date of service.

    >>> import chartcode
    >>> desk = chartcode.open_desk(on="2026-05-01")        # doctest: +SKIP
    >>> desk.lookup("E11.40").title                        # doctest: +SKIP
    'Type 2 diabetes mellitus with diabetic neuropathy, unspecified'

The CLI and the web app call exactly these methods, so all three give the same answers.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from chartcode.errors import InvalidInput
from chartcode.paths import default_store_path
from chartcode.services import data as data_service
from chartcode.services.lookup import CodeResult, Lookup
from chartcode.services.search import Searcher, SearchHit
from chartcode.store.build import ImportedFile, Progress
from chartcode.store.reference import ReferenceStore


def parse_date(value: str | date | None) -> date:
    """A date of service from ISO text; today when not given."""
    if value is None:
        # The coder's local calendar day is the date of service they mean by "today".
        return date.today()  # noqa: DTZ011
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"{value!r} is not a date (use YYYY-MM-DD)") from exc


if TYPE_CHECKING:  # the fee methods' result types; fees is imported when first used
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from decimal import Decimal

    from pandas import DataFrame

    from chartcode.services.assistant import Answer, Assistant, Chunk, ModelConfig
    from chartcode.services.claims.batch import BatchSummary
    from chartcode.services.claims.result import ClaimResult
    from chartcode.services.code_page import CodePage
    from chartcode.services.explain import Explanation
    from chartcode.services.fees import (
        AnesthesiaResult,
        FeeResult,
        LineInput,
        ProceduresResult,
    )
    from chartcode.services.learn.apply import ModelSuggester
    from chartcode.services.pcs.state import BuildResult
    from chartcode.services.pcs.table_listing import PcsTableListing
    from chartcode.services.redact import RedactionResult
    from chartcode.services.suggest import Suggester, SuggestResult
    from chartcode.sources.training_cases import TrainingSet
    from chartcode.store.learned_model import LearnedModel


class Chartcode:
    """Reference answers from one store file, as of one date of service (default: today)."""

    def __init__(self, store_path: Path | None = None, on: str | date | None = None) -> None:
        self.store_path = Path(store_path) if store_path else default_store_path()
        self.on = parse_date(on)
        self._store: ReferenceStore | None = None
        self._lookup: Lookup | None = None
        self._searcher: Searcher | None = None
        self._models: dict[tuple[str, date], ModelSuggester] = {}  # learned models in use

    @property
    def store(self) -> ReferenceStore:
        if self._store is None:
            if not self.store_path.exists():
                from chartcode.errors import ReleaseNotFound

                raise ReleaseNotFound(
                    f"no reference store at {self.store_path}: run `chartcode data import`"
                )
            self._store = ReferenceStore(self.store_path)
            self._lookup = Lookup(self._store)
        return self._store

    def _date(self, on: str | date | None) -> date:
        """A call's own date of service, else the desk's."""
        return parse_date(on) if on else self.on

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
            self._lookup = None
            self._models = {}

    def __enter__(self) -> Chartcode:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(
        self, code: str, on: str | date | None = None, system: str | None = None
    ) -> CodeResult:
        """A code's page as of ``on`` (the desk's date by default)."""
        _ = self.store
        assert self._lookup is not None
        return self._lookup.lookup(code, self._date(on), system)

    def page(self, code: str, on: str | date | None = None, system: str | None = None) -> CodePage:
        """A code's full page: the lookup, a plain-language explanation and sourced sections."""
        from chartcode.services.code_page import CodePages

        day = self._date(on)
        return CodePages(self.store, self._lookup).page(code, day, system)

    def explain(self, code: str, on: str | date | None = None) -> Explanation:
        """The plain-language explanation of a code, with the trace of every clause."""
        return self.page(code, on).explanation

    def search(
        self, query: str, on: str | date | None = None, system: str | None = None, limit: int = 20
    ) -> list[SearchHit]:
        """Ranked codes for words, abbreviations, lay terms or a code; see services/search."""
        return self._search().search(query, self._date(on), system=system, limit=limit)

    def read_query(self, query: str) -> list[str]:
        """How search reads a query: abbreviations expanded, lay words, spellings corrected."""
        return self._search().read(query).describe()

    def _search(self) -> Searcher:
        if self._searcher is None or self._searcher.store is not self.store:
            self._searcher = Searcher(self.store)
        return self._searcher

    def pcs_build(self, text: str | None = None, on: str | date | None = None) -> BuildResult:
        """An ICD-10-PCS code built axis by axis from a description (none: start the walk).

        ``result.state`` continues the walk: ``services.pcs_builder.choose(state, pos, value)``.
        """
        from chartcode.services import pcs_builder

        return pcs_builder.build(self.store, text or "", self._date(on))

    def pcs_table(self, code: str, on: str | date | None = None) -> PcsTableListing:
        """The ICD-10-PCS table a code starts with (``0SG``), rows and labels as printed."""
        from chartcode.services.pcs.table_listing import pcs_table

        return pcs_table(self.store, code, self._date(on))

    def status(self) -> list[data_service.ReleaseStatus]:
        return data_service.status(self.store_path)

    def import_files(
        self,
        paths: list[Path],
        progress: Progress | None = None,
        version: str | None = None,
        effective_from: str | date | None = None,
    ) -> list[ImportedFile]:
        eff = parse_date(effective_from) if effective_from else None
        report = data_service.import_paths(
            self.store_path,
            [Path(p) for p in paths],
            progress=progress,
            version=version,
            effective_from=eff,
        )
        self.close()  # the file was swapped; reopen on next use
        return report

    def ensure_default(self, progress: Progress | None = None) -> list[ImportedFile]:
        report = data_service.ensure_default(self.store_path, progress)
        if report:
            self.close()
        return report

    def fee(
        self,
        code: str,
        on: str | date | None = None,
        modifiers: Sequence[str] = (),
        locality: str | None = None,
        zip5: str | None = None,
        setting: str | None = None,
        qpp: bool = False,
    ) -> FeeResult:
        """Medicare PFS payment of one code by locality (or ZIP, or national) and setting."""
        from chartcode.services import fees

        return fees.price(
            self.store,
            code,
            self._date(on),
            modifiers=modifiers,
            locality=locality,
            zip5=zip5,
            setting=setting,
            qpp=qpp,
        )

    def fee_procedures(
        self,
        lines: Sequence[LineInput],
        on: str | date | None = None,
        locality: str | None = None,
        zip5: str | None = None,
        setting: str | None = None,
        qpp: bool = False,
    ) -> ProceduresResult:
        """Several codes on one date, with the PFS multiple procedure rules applied."""
        from chartcode.services import fees

        return fees.price_procedures(
            self.store,
            lines,
            self._date(on),
            locality=locality,
            zip5=zip5,
            setting=setting,
            qpp=qpp,
        )

    def anesthesia_fee(
        self,
        code: str,
        minutes: int | Decimal,
        base_units: int | Decimal | None = None,
        on: str | date | None = None,
        locality: str | None = None,
        zip5: str | None = None,
    ) -> AnesthesiaResult:
        """Anesthesia payment: (base units + minutes/15) x the locality's anesthesia CF."""
        from chartcode.services import fees

        return fees.anesthesia(
            self.store,
            code,
            self._date(on),
            minutes=minutes,
            base_units=base_units,
            locality=locality,
            zip5=zip5,
        )

    def suggest(
        self,
        text: str,
        on: str | date | None = None,
        policy: str = "us-inpatient",
        model: str | None = None,
        use_model: bool = True,
    ) -> SuggestResult:
        """Codes for a case (ICD-10-CM, ICD-10-PCS) with evidence; see ``services.suggest``.

        ``policy``: ``us-inpatient``, ``us-outpatient`` or ``code-every-mention`` (CodiEsp's).
        ``model``: a learned model (``chartcode learn``) to re-rank and add codes; without one,
        the default model if one is set, unless ``use_model`` is false. The vocabulary and the
        model are loaded once and kept for later calls.
        """
        result = self._suggester(on).suggest(text, policy)
        learned = self._model_suggester(model, on) if use_model else None
        return learned.apply(result) if learned else result

    def suggest_batch(
        self,
        texts: Iterable[str],
        on: str | date | None = None,
        policy: str = "us-inpatient",
        model: str | None = None,
        use_model: bool = True,
    ) -> Iterator[SuggestResult]:
        """``suggest`` over many cases, lazily, sharing one loaded vocabulary and model."""
        suggester = self._suggester(on)
        learned = self._model_suggester(model, on) if use_model else None
        for text in texts:
            result = suggester.suggest(text, policy)
            yield learned.apply(result) if learned else result

    def _model_suggester(self, name: str | None, on: str | date | None) -> ModelSuggester | None:
        from chartcode.services.learn.apply import ModelSuggester
        from chartcode.services.learn.validity import Validity
        from chartcode.store import learned_models

        name = name or learned_models.default_name()
        if name is None:
            return None
        day = self._date(on)
        key = (name, day)
        if key not in self._models:
            self.store  # noqa: B018  (opens the store and its lookup)
            assert self._lookup is not None
            self._models[key] = ModelSuggester(
                learned_models.load(name), Validity(self._lookup, day)
            )
        return self._models[key]

    def learn(
        self,
        training: TrainingSet,
        name: str,
        *,
        on: str | date | None = None,
        folds: int | None = None,
        make_default: bool = False,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> tuple[LearnedModel, Path]:
        """Train a model on coded cases and keep it in the data directory.

        ``training`` comes from ``sources.training_cases.read_training_set``; ``progress`` is
        told (stage, done, total) as training goes. The dictionary
        pipeline runs with the code-every-mention policy: the ranker learns from the team's
        labels which of its readings the team's coders code.
        """
        from chartcode.services.learn.drift import label_rule
        from chartcode.services.learn.train import FOLDS, train
        from chartcode.services.learn.validity import Validity
        from chartcode.services.releases import in_force
        from chartcode.store import learned_models

        learned_models.check_name(name)
        day = self._date(on)
        suggester = self._suggester(day)
        release = {
            system: chosen.release.version
            for system, kind in (("icd10cm", "tabular"), ("icd10pcs", "tables"))
            if (chosen := in_force(self.store, system, kind, day)) is not None
        }
        assert self._lookup is not None  # opened with the store
        validity = Validity(self._lookup, day)
        model = train(
            training.cases,
            lambda text: suggester.suggest(text, "code-every-mention").codes,
            name=name,
            release=release,
            folds=folds or FOLDS,
            progress=progress,
            answers=label_rule(suggester.tabular.billable),
            titles=lambda key: validity.title(*key),
        )
        model.meta["date_of_service"] = day.isoformat()
        model.meta["problems_skipped"] = len(training.problems)
        path = learned_models.save(model)
        if make_default:
            learned_models.set_default(name)
        self._models = {}
        return model, path

    def models(self) -> list[dict[str, object]]:
        """Every learned model's record, newest first, ``default`` set on the default one.

        The record: name, when, documents, codes, data hash, release, validation figures.
        """
        from chartcode.store import learned_models

        default = learned_models.default_name()
        return [dict(m, default=m.get("name") == default) for m in learned_models.list_models()]

    def set_default_model(self, name: str | None) -> None:
        from chartcode.store import learned_models

        learned_models.set_default(name)
        self._models = {}

    def remove_model(self, name: str) -> None:
        from chartcode.store import learned_models

        learned_models.remove(name)
        self._models = {}

    def _suggester(self, on: str | date | None) -> Suggester:
        from chartcode.services.suggest import Suggester

        day = self._date(on)
        held: tuple[ReferenceStore, dict[date, Suggester]] | None
        held = getattr(self, "_suggesters", None)
        if held is None or held[0] is not self.store:
            held = (self.store, {})
            self._suggesters = held
        if day not in held[1]:
            held[1][day] = Suggester(self.store, day)
        return held[1][day]

    def redact(
        self,
        text: str,
        style: str = "tag",
        *,
        seed: int | None = None,
        mask_char: str = "█",
        keep_zip3: bool = True,
        use_store: bool = True,
    ) -> RedactionResult:
        """PHI removed from ``text`` (tag, mask or surrogate style); see ``services.redact``.

        When this desk's store exists, the words of its code-set titles are protected from
        redaction too; no store is needed (and none is built) to redact.
        """
        from chartcode.services import redact as redaction

        vocabulary = None
        if use_store and self.store_path.exists():
            vocabulary = redaction.store_vocabulary(self.store_path)
        return redaction.redact(
            text, style, vocabulary=vocabulary, seed=seed, mask_char=mask_char, keep_zip3=keep_zip3
        )

    def check_claim(self, claim: object, history: object = None) -> ClaimResult:
        """Check one claim (a ``Claim``, its JSON dict, JSON text or a file path).

        ``history``: the patient's prior claims (same forms, or a list) for global-period
        checks. Dates of service come from the claim's lines, not from the desk.
        """
        from chartcode.services.claims import desk as claims_desk

        self.store  # noqa: B018  (refuses clearly when no store exists)
        return claims_desk.check_one(self.store_path, claim, history)

    def check_claims(self, claims: object, history: object = None) -> list[ClaimResult]:
        """Check every claim of a file (JSON list, JSONL, CSV), a list, or one claim."""
        from chartcode.services.claims import desk as claims_desk

        self.store  # noqa: B018
        return claims_desk.check_many(self.store_path, claims, history)

    def check_claims_batch(
        self,
        source: object,
        out: str | Path | None = None,
        history: object = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> BatchSummary | DataFrame:
        """Check a batch: a file (CSV, Parquet, JSONL) streamed to ``out`` -> ``BatchSummary``.

        A pandas DataFrame in the flat table form gives a DataFrame with one row per edit.
        """
        from chartcode.services.claims import desk as claims_desk

        self.store  # noqa: B018
        return claims_desk.check_batch(self.store_path, source, out, history, progress)

    def ask(
        self, question: str, on: str | date | None = None, model: ModelConfig | None = None
    ) -> Answer:
        """A coding question answered with a citation for every fact (services/assistant)."""
        return self._assistant(on, model).ask(question)

    def ask_stream(
        self, question: str, on: str | date | None = None, model: ModelConfig | None = None
    ) -> Iterator[Chunk]:
        """The same answer as chunks: ``tool_call``s, ``text`` pieces, then ``done``."""
        return self._assistant(on, model).stream(question)

    def _assistant(self, on: str | date | None, model: ModelConfig | None) -> Assistant:
        from chartcode.services.assistant import Assistant

        day = self._date(on)
        # Case coding and claim checks are the assistant's tools too, on the same date.
        return Assistant(
            self.store,
            day,
            model=model,
            suggest=lambda text: self.suggest(text, on=day),
            check_claim=self.check_claim,
            searcher=self._search(),
        )


def open_desk(
    store: str | Path | None = None,
    on: str | date | None = None,
    *,
    load_default: bool = True,
    progress: Progress | None = None,
) -> Chartcode:
    """Open the reference desk; on a fresh install, load the embedded ICD-10-CM first."""
    desk = Chartcode(Path(store) if store else None, on)
    if load_default:
        desk.ensure_default(progress)
    return desk
