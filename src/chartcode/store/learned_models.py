"""Learned models on disk: one gzip-compressed JSON file each, in the user's data directory.

JSON, not pickle: loading a model file must never run code from it. The file records a
SHA-256 of its own content, so a truncated or edited file is refused with a clear message
instead of suggesting codes from half a model. ``default`` names the model ``suggest`` uses
when none is given.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from chartcode.errors import ChartcodeError
from chartcode.paths import data_home
from chartcode.store.learned_model import CaseVectors, LearnedModel, Ranker

FORMAT = "chartcode-learned-model"
VERSION = 1
SUFFIX = ".model.json.gz"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class ModelFileError(ChartcodeError):
    """A model file that cannot be used: missing, corrupt, or of another format."""

    code = "model_file"
    exit_code = 2


def models_dir() -> Path:
    return data_home() / "models"


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise ModelFileError(
            f"model name {name!r}: use 1-64 letters, digits, '.', '_' or '-', starting with a"
            " letter or digit"
        )
    return name


def path_of(name: str, folder: Path | None = None) -> Path:
    return (folder or models_dir()) / f"{check_name(name)}{SUFFIX}"


def _payload(model: LearnedModel) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": model.name,
        "salt": model.salt.hex(),
        "codes": [list(c) for c in model.codes],
        "documents_with": model.documents_with,
        "documents": model.documents,
        "phrases": {k.hex(): [[i, w] for i, w in v] for k, v in sorted(model.phrases.items())},
        "rankers": {s: r.to_dict() for s, r in sorted(model.rankers.items())},
        "dictionary_record": [
            [s, c, r, t] for (s, c), (r, t) in sorted(model.dictionary_record.items())
        ],
        "substitutions": [
            [s, c, [[i, w] for i, w in v]] for (s, c), v in sorted(model.substitutions.items())
        ],
        "meta": model.meta,
    }
    if model.neighbours is not None:
        n = model.neighbours
        payload["neighbours"] = {
            "terms": {k.hex(): [c, idf] for k, (c, idf) in sorted(n.terms.items())},
            "vectors": [[[c, w] for c, w in v] for v in n.vectors],
            "labels": n.labels,
        }
    return payload


def _digest(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def save(model: LearnedModel, folder: Path | None = None) -> Path:
    """Write atomically (a new file, then a rename), so a crash leaves the old model whole."""
    path = path_of(model.name, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = _payload(model)
    doc = {"format": FORMAT, "version": VERSION, "sha256": _digest(payload), "model": payload}
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
            f.write(json.dumps(doc, sort_keys=True).encode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _boosters(ranker: dict[str, Any]) -> list[str]:
    """A ranker's boosters: a list, or the one booster of a file from before the average."""
    if "models" in ranker:
        models = ranker["models"]
        if not isinstance(models, list) or not models:
            raise ValueError("a ranker without boosters")
        return [str(m) for m in models]
    return [str(ranker["model"])]


def load_file(path: Path) -> LearnedModel:
    if not path.is_file():
        raise ModelFileError(f"no model file at {path}")
    try:
        with gzip.open(path, "rb") as f:
            doc = json.loads(f.read())
    except (OSError, EOFError, ValueError) as exc:
        raise ModelFileError(f"{path.name} is not a readable model file ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ModelFileError(f"{path.name} is not a chartcode model file")
    if doc.get("version") != VERSION:
        raise ModelFileError(
            f"{path.name} is model format version {doc.get('version')}; this chartcode reads"
            f" version {VERSION}: train the model again with `chartcode learn`"
        )
    payload = doc.get("model")
    if not isinstance(payload, dict) or _digest(payload) != doc.get("sha256"):
        raise ModelFileError(
            f"{path.name} is damaged (its content does not match its checksum): train it again"
        )
    try:
        model = LearnedModel(
            name=str(payload["name"]),
            salt=bytes.fromhex(payload["salt"]),
            codes=[(str(s), str(c)) for s, c in payload["codes"]],
            documents_with=[int(n) for n in payload["documents_with"]],
            documents=int(payload["documents"]),
            phrases={
                bytes.fromhex(k): [(int(i), float(w)) for i, w in v]
                for k, v in payload["phrases"].items()
            },
            rankers={
                s: Ranker(_boosters(r), float(r["threshold"]))
                for s, r in payload["rankers"].items()
            },
            meta=dict(payload["meta"]),
            dictionary_record={
                (str(s), str(c)): (int(r), int(t)) for s, c, r, t in payload["dictionary_record"]
            },
            substitutions={
                (str(s), str(c)): [(int(i), float(w)) for i, w in v]
                for s, c, v in payload["substitutions"]
            },
            neighbours=_neighbours(payload.get("neighbours")),
        )
        _check_references(model)
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"{path.name} is missing part of a model ({exc})") from exc
    return model


def _check_references(model: LearnedModel) -> None:
    """Every code index and word column points inside the model, or the file is refused.

    The checksum catches damage; this catches a file written by something else, which would
    otherwise fail only when it suggests.
    """
    n = len(model.codes)
    if len(model.documents_with) != n:
        raise ValueError("code counts do not match the codes")
    indices = [i for v in model.phrases.values() for i, _ in v]
    indices += [i for v in model.substitutions.values() for i, _ in v]
    if model.neighbours is not None:
        indices += [i for v in model.neighbours.labels for i in v]
        columns = len(model.neighbours.terms)
        if len(model.neighbours.labels) != len(model.neighbours.vectors):
            raise ValueError("case labels do not match the case vectors")
        if any(not 0 <= c < columns for v in model.neighbours.vectors for c, _ in v):
            raise ValueError("a case vector names a word the model does not hold")
    if any(not 0 <= i < n for i in indices):
        raise ValueError("a code index points outside the model's codes")


def _neighbours(data: Any) -> CaseVectors | None:
    """The case vectors of a model file; a model from before them has none."""
    if data is None:
        return None
    return CaseVectors(
        terms={bytes.fromhex(k): (int(c), float(idf)) for k, (c, idf) in data["terms"].items()},
        vectors=[[(int(c), float(w)) for c, w in v] for v in data["vectors"]],
        labels=[[int(i) for i in v] for v in data["labels"]],
    )


def load(name: str, folder: Path | None = None) -> LearnedModel:
    path = path_of(name, folder)
    if not path.is_file():
        known = ", ".join(m["name"] for m in list_models(folder)) or "none"
        raise ModelFileError(
            f"no model named {name!r} (models: {known}); train one with `chartcode learn`"
        )
    return load_file(path)


def list_models(folder: Path | None = None) -> list[dict[str, Any]]:
    """Each model's metadata (read without its phrase table being kept), newest first."""
    out = []
    for path in sorted((folder or models_dir()).glob(f"*{SUFFIX}")):
        try:
            meta = dict(load_file(path).meta)
            meta["file"] = str(path)
        except ModelFileError as exc:
            meta = {"name": path.name[: -len(SUFFIX)], "file": str(path), "error": str(exc)}
        out.append(meta)
    return sorted(out, key=lambda m: str(m.get("created", "")), reverse=True)


def _default_file(folder: Path | None) -> Path:
    return (folder or models_dir()) / "default"


def default_name(folder: Path | None = None) -> str | None:
    f = _default_file(folder)
    name = f.read_text().strip() if f.is_file() else ""
    return name or None


def set_default(name: str | None, folder: Path | None = None) -> None:
    f = _default_file(folder)
    if name is None:
        f.unlink(missing_ok=True)
        return
    load(name, folder)  # refuse to point at a model that is not there or not whole
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(name + "\n")


def remove(name: str, folder: Path | None = None) -> None:
    path = path_of(name, folder)
    if not path.is_file():
        raise ModelFileError(f"no model named {name!r}")
    path.unlink()
    if default_name(folder) == name:
        set_default(None, folder)
