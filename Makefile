# Shatably AI — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
# Lambda runs python3.13, so the venv (tests, lint, local runs) uses 3.13 when it is available
# (pyenv or PATH); else python3, and `make install` says so.
PY313 := $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13) $(shell command -v python3.13 2>/dev/null))
PYTHON ?= $(or $(PY313),python3)
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

.PHONY: install run test lint typecheck cfn-lint validate lock build build-x86 browser supply-chain pytest unit integration e2e bench stress eval audit clean record-providers

install: $(STAMP)

$(STAMP): requirements-dev.txt layers/common/requirements.txt constraints.txt
	@# A venv of another Python (e.g. 3.11 from before 3.13 was found) is rebuilt, not reused.
	@want=$$($(PYTHON) -c 'import sys; print(sys.version_info[:2])'); \
	  have=$$($(BIN)/python -c 'import sys; print(sys.version_info[:2])' 2>/dev/null || true); \
	  if [ "$$want" != "$$have" ]; then rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); fi
	@echo "venv: $$($(BIN)/python -c 'import sys; print("Python", sys.version.split()[0], "at", sys.base_prefix)')"
	@$(BIN)/python -c 'import sys; sys.version_info[:2] == (3, 13) or print("venv: NOTE Lambda runs python3.13; no python3.13 found, tests run on this Python instead")'
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

cfn-lint: $(STAMP)  # with the serverless rules (cfn-lint-serverless)
	$(BIN)/cfn-lint template.yaml -a cfn_lint_serverless.rules

validate: $(SAM)
	AWS_DEFAULT_REGION=us-east-1 $(SAM) validate --lint
	AWS_DEFAULT_REGION=us-east-1 $(SAM) validate --config-env transform  # the SAM translator too

# The layer installs layers/common/requirements.lock (constraints.txt versions, sha256-checked):
# after changing layers/common/requirements.txt or constraints.txt, run `make lock` (PyPI access).
lock: $(STAMP)
	$(BIN)/python scripts/lock_layer.py

build: $(SAM)
	PATH="$(PY313_DIR):$$PATH" $(SAM) build --parallel

build-x86: $(SAM)  # a local x86_64 copy of the artefact, for the benchmarks
	ARCHITECTURE=x86_64 PATH="$(PY313_DIR):$$PATH" $(SAM) build --parallel \
	  --parameter-overrides Architecture=x86_64 --build-dir .aws-sam/build-x86_64

browser:  # Debian's Chromium for the playground tests (Playwright never downloads a browser here)
	bash scripts/install-browser.sh

pytest: $(STAMP) $(SAM) browser  # the translator and SAM CLI tests run the tools in .venv-sam
	$(BIN)/python -m pytest -n 2 --dist loadfile

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit

integration: $(STAMP)
	$(BIN)/python -m pytest tests/integration

e2e: $(STAMP) browser
	$(BIN)/python -m pytest tests/e2e

audit: $(STAMP) build  # strict: an incomplete audit (vulnerability data unreachable) fails
	$(BIN)/python -m security.audit deps --strict --layer $(LAYER_BUILD)
	$(BIN)/python -m security.audit template

supply-chain: $(STAMP) build  # findings fail; unreachable vulnerability data warns loudly (AUDIT_STRICT=1 fails)
	$(BIN)/python -m security.audit deps --layer $(LAYER_BUILD)
	$(BIN)/python -m security.audit template

LAYER_BUILD := .aws-sam/build/CommonLayer/python

# `build` first: the artefact tests (tests/unit/test_artefact.py) check what `sam build` produced.
test: lint typecheck cfn-lint validate build supply-chain
	ARTEFACT_REQUIRED=1 $(MAKE) pytest

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
