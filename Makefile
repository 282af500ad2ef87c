# Momentum: `make serve` runs it on this machine, `make test` proves it (README).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
CDK_CLI := aws-cdk@2.1148.1

.PHONY: setup serve test test-fast e2e lint format types openapi bench synth layer deploy clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is required"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json
	bash scripts/ensure-tools.sh
	npm install --no-audit --no-fund --silent
	touch $@

setup: $(VENV)/.installed node_modules/.installed

serve: setup
	$(PY) -m infra.local

test: setup lint types
	$(PY) -m pytest -q -n 2 --dist load --durations=10

test-fast: setup
	$(PY) -m pytest -q tests/unit tests/integration

# Only the end-to-end tests: each session starts a local stack and speaks HTTP to it.
e2e: setup
	$(PY) -m pytest -q -n 2 --dist load tests/e2e

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check functions infra tests bench
	$(VENV)/bin/ruff format --check functions infra tests bench
	PYTHONPATH=functions $(VENV)/bin/lint-imports --no-cache

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix functions infra tests bench
	$(VENV)/bin/ruff format functions infra tests bench

types: $(VENV)/.installed
	$(VENV)/bin/mypy

# The API document the docs function serves; a unit test fails when it is stale.
openapi: $(VENV)/.installed
	$(PY) -m momentum.api_document

bench: setup
	$(PY) -m bench

layer: $(VENV)/.installed
	$(PY) layers/dependencies/build.py

synth: setup layer
	$(PY) -m infra.app

# For a person with AWS credentials; never run in CI.
deploy: setup layer
	npx --yes $(CDK_CLI) deploy --app "$(PY) -m infra.app" --require-approval broadening

clean:
	rm -rf $(VENV) node_modules cdk.out layers/dependencies/build .pytest_cache .mypy_cache .ruff_cache
