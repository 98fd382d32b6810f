"""The fetch registry: built-in entries are well-formed, overrides load, select() picks/refuses."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from chartcode.errors import InvalidInput
from chartcode.sources.registry import (
    REGISTRY,
    REGISTRY_ENV,
    KnownRelease,
    check_entry,
    load_registry,
    select,
)


def _entry(**over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "local-pcs",
        "system": "icd10pcs",
        "kind_hint": "definitions",
        "version": "2026",
        "title": "Local PCS definitions",
        "url": "http://127.0.0.1:8123/icd10pcs_definitions_2026.xml",
        "filename": "icd10pcs_definitions_2026.xml",
        "sha256": "920d19c11639063bca0632e2dd230998b3137429702d0d6df143a285bb1167da",
        "size": 268657,
        "effective_from": "2025-10-01",
        "notes": "",
    }
    base.update(over)
    return base


def _write(tmp_path: Path, data: object) -> Path:
    p = tmp_path / "registry.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    return p


# --- the built-in registry -------------------------------------------------------------------


def test_builtin_entries_are_well_formed() -> None:
    assert REGISTRY, "the built-in registry must not be empty"
    for k in REGISTRY:
        assert check_entry(k) is None, k.id
        assert urlsplit(k.url).scheme == "https"
        assert k.system in {"icd10cm", "icd10pcs", "pfs", "hcpcs", "ncci"}
        assert date.fromisoformat(k.effective_from).isoformat() == k.effective_from
        assert k.title and k.kind_hint and k.version
        assert k.sha256 is None or len(k.sha256) == 64


def test_builtin_ids_and_filenames_are_unique() -> None:
    ids = [k.id for k in REGISTRY]
    names = [k.filename for k in REGISTRY]
    assert len(set(ids)) == len(ids)
    assert len(set(names)) == len(names)


def test_builtin_covers_the_releases_promised() -> None:
    by_id = {k.id: k for k in REGISTRY}
    assert {"icd10cm-fy2025", "icd10cm-fy2026", "icd10cm-fy2026-apr"} <= set(by_id)
    assert {"icd10pcs-fy2025", "icd10pcs-fy2026"} <= set(by_id)
    assert by_id["icd10cm-fy2026-apr"].effective_from == "2026-04-01"
    assert by_id["icd10pcs-fy2026"].effective_from == "2025-10-01"
    for k in REGISTRY:
        host = urlsplit(k.url).netloc
        assert host in {"www.cms.gov", "ftp.cdc.gov"}
        assert k.url.endswith(".zip") and k.filename.endswith(".zip")


def test_load_registry_without_override_is_builtin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REGISTRY_ENV, raising=False)
    assert load_registry(None) == list(REGISTRY)


# --- override files ---------------------------------------------------------------------------


def test_override_file_loads(tmp_path: Path) -> None:
    path = _write(tmp_path, [_entry(), _entry(id="other", filename="b.zip", sha256=None)])
    reg = load_registry(path)
    assert [k.id for k in reg] == ["local-pcs", "other"]
    assert isinstance(reg[0], KnownRelease)
    assert reg[0].size == 268657
    assert reg[1].sha256 is None
    assert reg[0].url.startswith("http://127.0.0.1")  # plain http is fine in an override


def test_override_accepts_releases_object_and_defaults(tmp_path: Path) -> None:
    minimal = {k: v for k, v in _entry().items() if k in {"id", "system", "url", "filename"}}
    minimal["effective_from"] = "2025-10-01"
    reg = load_registry(_write(tmp_path, {"releases": [minimal]}))
    (k,) = reg
    assert k.sha256 is None and k.size is None
    assert k.title == "local-pcs" and k.kind_hint == "" and k.notes == ""


def test_override_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REGISTRY_ENV, str(_write(tmp_path, [_entry()])))
    assert [k.id for k in load_registry(None)] == ["local-pcs"]


def test_explicit_path_beats_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REGISTRY_ENV, str(tmp_path / "does-not-exist.json"))
    other = tmp_path / "sub"
    other.mkdir()
    assert [k.id for k in load_registry(_write(other, [_entry(id="x")]))] == ["x"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"not": "a list"}, "JSON list"),
        ([42], "expected an object"),
        ([_entry(system="icd9")], "system must be one of"),
        ([_entry(url="ftp://example.org/a.zip")], "url must be"),
        ([_entry(filename="../escape.zip")], "bare file name"),
        ([_entry(sha256="abc")], "sha256"),
        ([_entry(size="12")], "size"),
        ([_entry(effective_from="01/10/2025")], "ISO date"),
        ([_entry(effective_from="2025-13-01")], "ISO date"),
        ([_entry(colour="red")], "unknown field"),
        ([{"id": "x"}], "missing field"),
        ([_entry(), _entry(filename="other.zip")], "duplicate id"),
        ([_entry(), _entry(id="other")], "duplicate filename"),
    ],
)
def test_malformed_override_is_invalid_input(tmp_path: Path, data: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        load_registry(_write(tmp_path, data))


def test_override_not_json_or_missing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", encoding="utf-8")
    with pytest.raises(InvalidInput, match="not valid JSON"):
        load_registry(bad)
    with pytest.raises(InvalidInput, match="cannot read"):
        load_registry(tmp_path / "missing.json")


# --- select() ---------------------------------------------------------------------------------


def test_select_empty_means_all() -> None:
    assert select(list(REGISTRY), []) == list(REGISTRY)


def test_select_by_id_and_system_in_registry_order() -> None:
    reg = list(REGISTRY)
    assert [k.id for k in select(reg, ["icd10pcs-fy2026"])] == ["icd10pcs-fy2026"]
    pcs = select(reg, ["icd10pcs"])
    assert pcs and {k.system for k in pcs} == {"icd10pcs"}
    both = select(reg, ["icd10pcs-fy2026", "ICD10CM", "icd10cm-fy2026"])
    assert [k.id for k in both] == [k.id for k in reg if k.system == "icd10cm"] + [
        "icd10pcs-fy2026"
    ]


def test_select_unknown_lists_known_ids() -> None:
    with pytest.raises(InvalidInput) as info:
        select(list(REGISTRY), ["icd10cm-fy1999", "icd10pcs"])
    msg = str(info.value)
    assert "icd10cm-fy1999" in msg
    for k in REGISTRY:
        assert k.id in msg
    assert info.value.code == "invalid_input"
