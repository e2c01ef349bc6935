# Sluice: two commands set everything up. `make demo` builds the products, `make test` checks them.
# `make serve` builds them on their schedules on a Prefect server (UI at http://127.0.0.1:4200).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
SLUICE := $(BIN)/sluice
export SLUICE_HOME ?= domain
export SLUICE_PUBLISH_DIR ?= published

.PHONY: demo serve test test-reliability lint format schema bench clean install install-dev

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Sluice needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# pycanon, the independent privacy oracle of the tests, pins an old numpy and pandas that the
# runtime does not need; it runs on the current ones, so it is installed without its pins.
$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,oracle]'
	$(BIN)/python -m pip install --quiet --no-deps pycanon==1.3.6
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The demo runs each step only when what it reads changed since it last ran (stamps in
# $(SLUICE_HOME)/.demo), as Make does for any build: a `make demo` with nothing new runs nothing.
DEMO := $(SLUICE_HOME)/.demo
POLICY_FILES := $(shell find policies -type f -not -name '*.schema.json')
GENERATOR := $(shell find sample_data -name '*.py' -o -name '*.csv')
ifeq ($(wildcard $(SLUICE_PUBLISH_DIR)/catalog.parquet),)  # products removed: build again
$(shell rm -f $(DEMO)/built)
endif

demo: $(DEMO)/disclosed

$(DEMO)/sampled: $(VENV)/.installed $(GENERATOR)
	$(SLUICE) sample --out $(SLUICE_HOME)/raw
	@mkdir -p $(DEMO) && touch $@

$(DEMO)/registered: $(DEMO)/sampled $(POLICY_FILES)
	$(SLUICE) register policies/
	@touch $@

$(DEMO)/authorized: $(DEMO)/registered policies/authorizations/AUTH-2026-001.yaml
	$(SLUICE) authorization add policies/authorizations/AUTH-2026-001.yaml
	@touch $@

$(DEMO)/built: $(DEMO)/authorized
	$(SLUICE) build policies/
	$(SLUICE) verify --product identity_verification --operator zj_data_ops \
	  --requests $(SLUICE_HOME)/raw/claims/identity_verification.csv --out answers/identity_verification.csv
	$(SLUICE) risk social_insurance
	@echo "A build outside the authorization's scope is refused (exit code 3, nothing written):"
	@$(SLUICE) build policies/examples/out_of_scope.yaml; test $$? -eq 3
	@touch $@

$(DEMO)/disclosed: $(DEMO)/built
	$(SLUICE) disclose --year 2026 --out disclosure/
	@touch $@

serve: install
	$(SLUICE) serve policies

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 --dist loadfile

# The reliability suite in full: more crash trials and every bad input (make test runs a few).
test-reliability: install-dev
	SLUICE_RELIABILITY=full $(BIN)/python -m pytest -m reliability tests/reliability

lint: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schema: install
	$(SLUICE) schema --out policies/policy.schema.json
	$(SLUICE) schema --index --out policies/index.schema.json
	$(SLUICE) schema --authorization --out policies/authorization.schema.json

bench: install-dev
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(SLUICE_HOME)/work $(SLUICE_HOME)/quarantine $(SLUICE_PUBLISH_DIR) answers disclosure $(DEMO)

# anjana pins its own numpy and pandas, so it runs from a venv of its own, never the project's.
ANJANA_VENV ?= .venv-anjana

$(ANJANA_VENV)/.installed:
	$(PYTHON) -m venv $(ANJANA_VENV)
	$(ANJANA_VENV)/bin/python -m pip install --quiet anjana==1.2.3
	touch $@

.PHONY: bench-anjana
bench-anjana: install-dev $(ANJANA_VENV)/.installed
	$(BIN)/python bench/bench_anjana.py --anjana-python $(ANJANA_VENV)/bin/python
