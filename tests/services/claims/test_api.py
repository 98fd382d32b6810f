"""The Python API's claim methods: the forms a claim can be handed in, and batches."""

import json

import pandas as pd
import pytest

from chartcode.api import Chartcode
from chartcode.errors import ClaimInputError, InvalidInput, ReleaseNotFound
from chartcode.services.claims.batch import BatchSummary
from chartcode.services.claims.model import claim_to_rows
from tests.conftest import REPO
from tests.services.claims.conftest import claim, line

EXAMPLES = REPO / "examples" / "claims"


def test_check_claim_takes_a_path_a_dict_json_text_or_a_claim(ncci_store):
    desk = Chartcode(ncci_store)
    data = json.loads((EXAMPLES / "knee_arthroscopy.json").read_text())
    results = [
        desk.check_claim(EXAMPLES / "knee_arthroscopy.json"),
        desk.check_claim(str(EXAMPLES / "knee_arthroscopy.json")),
        desk.check_claim(data),
        desk.check_claim(json.dumps(data)),
    ]
    first = [e.to_dict() for e in results[0].edits]
    assert all([e.to_dict() for e in r.edits] == first for r in results)
    assert "PTP-NEVER" in {e["id"] for e in first}
    c = claim(line("99213"))
    assert desk.check_claim(c).claim is c


def test_check_claim_refuses_several_claims_and_bad_input(ncci_store):
    desk = Chartcode(ncci_store)
    with pytest.raises(InvalidInput):
        desk.check_claim(EXAMPLES / "claims.csv")
    assert len(desk.check_claims(EXAMPLES / "claims.csv")) == 3
    with pytest.raises(ClaimInputError):
        desk.check_claim({"lines": [{"code": "nope"}]})


def test_history_by_patient(ncci_store):
    desk = Chartcode(ncci_store)
    results = desk.check_claims([claim(line("99213"), patient_id="A")], history=[])
    assert results[0].clean


def test_batch_from_a_dataframe_and_a_file(ncci_store, tmp_path):
    desk = Chartcode(ncci_store)
    df = pd.DataFrame(claim_to_rows(claim(line("29881"), line("29877"), claim_id="X")))
    edits = desk.check_claims_batch(df)
    assert list(edits.edit_id) == ["PTP-NEVER"]
    src = tmp_path / "claims.csv"
    df.to_csv(src, index=False)
    summary = desk.check_claims_batch(src, tmp_path / "out.jsonl")
    assert isinstance(summary, BatchSummary) and summary.edits["PTP-NEVER"] == 1


def test_no_store_is_a_clear_error(tmp_path):
    with pytest.raises(ReleaseNotFound):
        Chartcode(tmp_path / "missing.sqlite").check_claim(claim(line("99213")))
