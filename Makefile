# Shatably AI — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
HOST ?= 127.0.0.1
PORT ?= 3000
# sam build needs the runtime's python (3.13); pyenv ships it on these machines.
PY313_DIR := $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin) $(dir $(shell command -v python3.13 2>/dev/null)))

export PYTHONPATH := $(CURDIR):$(CURDIR)/layers/common
export POWERTOOLS_DEV ?= true
export POWERTOOLS_METRICS_DISABLED ?= true

.PHONY: install run test lint typecheck cfn-lint validate build build-x86 browser supply-chain pytest unit integration e2e bench stress eval audit clean record-providers

install: $(STAMP)

$(STAMP): requirements-dev.txt layers/common/requirements.txt constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	@# The layer and the repo on the venv's path, as Lambda mounts the layer at /opt/python.
	$(BIN)/python -c "import pathlib, site; pathlib.Path(site.getsitepackages()[0], 'shatably-dev.pth').write_text('$(CURDIR)\n$(CURDIR)/layers/common\n')"
	@touch $(STAMP)

$(SAM): 
	@test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/python -m pip install --quiet aws-sam-cli==1.170.0

run: $(STAMP)
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python -m local.gateway

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy layers/common/shatably functions local tests bench security evals

cfn-lint: $(STAMP)
	$(BIN)/cfn-lint template.yaml

validate: $(SAM)
	AWS_DEFAULT_REGION=us-east-1 $(SAM) validate --lint
	AWS_DEFAULT_REGION=us-east-1 $(SAM) validate --config-env transform  # the SAM translator too

build: $(SAM)
	PATH="$(PY313_DIR):$$PATH" $(SAM) build --parallel

build-x86: $(SAM)  # a local x86_64 copy of the artefact, for the benchmarks
	ARCHITECTURE=x86_64 PATH="$(PY313_DIR):$$PATH" $(SAM) build --parallel \
	  --parameter-overrides Architecture=x86_64 --build-dir .aws-sam/build-x86_64

browser:  # Debian's Chromium for the playground tests (Playwright never downloads a browser here)
	bash scripts/install-browser.sh

pytest: $(STAMP) browser
	$(BIN)/python -m pytest -n 2 --dist loadfile

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit

integration: $(STAMP)
	$(BIN)/python -m pytest tests/integration

e2e: $(STAMP) browser
	$(BIN)/python -m pytest tests/e2e

audit: $(STAMP)  # strict: an incomplete audit (vulnerability data unreachable) fails
	$(BIN)/python -m security.audit deps --strict
	$(BIN)/python -m security.audit template

supply-chain: $(STAMP)  # findings fail; unreachable vulnerability data warns loudly (AUDIT_STRICT=1 fails)
	$(BIN)/python -m security.audit deps
	$(BIN)/python -m security.audit template

test: lint typecheck cfn-lint validate supply-chain pytest

bench: $(STAMP)
	$(BIN)/python -m bench

record-providers: $(STAMP)  # real keys in GEMINI_API_KEY / OPENAI_API_KEY; skipped without them
	$(BIN)/python -m tests.fakes.recorder

stress: $(STAMP)
	$(BIN)/python -m bench.stress

eval: $(STAMP)  # the designer scenarios against the configured chat provider (offline without keys)
	$(BIN)/python -m evals.designer

clean:
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache artifacts
