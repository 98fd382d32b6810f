# `make run` and `make test` are the whole set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: run test lint bench accuracy clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(TSTAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# The main job on the embedded default data (no network, nothing to import first).
run: $(STAMP)
	$(BIN)/chartcode data status
	$(BIN)/chartcode lookup E11.40
	$(BIN)/chartcode lookup s52501a
	$(BIN)/chartcode search "fracture lower end right radius" --limit 5
	$(BIN)/chartcode suggest examples/cases/diabetic_chf_discharge_summary.txt --limit 8

test: $(TSTAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

bench: $(TSTAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/lookup.py
	$(BIN)/python benchmarks/search_eval.py
	$(BIN)/python benchmarks/explain_readability.py
	$(BIN)/python benchmarks/redact_eval.py
	$(BIN)/python benchmarks/pcs_eval.py
	$(BIN)/python benchmarks/codiesp_eval.py
	$(BIN)/python benchmarks/context_eval.py
	$(BIN)/python benchmarks/assistant_eval.py
	$(BIN)/python benchmarks/web_load.py
	$(BIN)/python benchmarks/claims.py
	$(BIN)/python benchmarks/learn_eval.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
