# The one task runner: the README, CI and developers all call these targets.
#   make run    set everything up and serve http://127.0.0.1:8000 with a Celery worker and beat
#   make test   set everything up and run the whole suite (lint, architecture, unit, API, browser)
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help setup deps assets services migrate run test lint format bench fuzz soak audit stop clean

VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.9.30
PORT ?= 8000

help:
	@echo "make run    - set up and serve http://127.0.0.1:$(PORT) with a Celery worker and beat"
	@echo "make test   - set up and run the whole test suite"
	@echo "make bench  - run the performance benchmarks"
	@echo "make soak   - 30-minute load and soak against the cyp_bench data (not part of make test)"
	@echo "make fuzz   - fuzz every API operation as every role, long run (FUZZ_EXAMPLES, default 100)"
	@echo "make audit  - dependency audit: pip-audit and npm audit, failing on a known vulnerability"
	@echo "make stop   - stop the project-local PostgreSQL and Redis"

$(BIN)/uv:
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)" 2>/dev/null

$(VENV)/.synced: pyproject.toml uv.lock | $(BIN)/uv
	$(BIN)/uv sync --frozen --quiet
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/vendor/nhsuk/VERSION: node_modules/.installed scripts/build-assets.mjs
	npm run --silent build

deps: $(VENV)/.synced node_modules/.installed
assets: static/vendor/nhsuk/VERSION
services:
	@scripts/services.sh start
setup: deps assets services

migrate: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable

run: migrate
	$(BIN)/python manage.py seed_demo
	@echo "Serving http://127.0.0.1:$(PORT) with a Celery worker and beat. Ctrl-C stops everything."
	@trap 'scripts/services.sh stop' EXIT; \
	  PATH="$(CURDIR)/$(BIN):$$PATH" WEB_PORT=$(PORT) $(BIN)/honcho -f Procfile.dev start || true

lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: setup lint
	@scripts/services.sh browser
	$(BIN)/pytest $(PYTEST_ARGS)

# make bench: the foundation's benchmarks (bench/run.py). make bench SCALE=N: W1-W6 of issue 7 against N
# generated referrals in the cyp_bench database, on gunicorn (bench/scale.py; bench/README.md).
bench: migrate
ifdef SCALE
	$(BIN)/python bench/scale.py --scale $(SCALE)
else
	$(BIN)/python bench/run.py
endif

# make soak: issue 8's load and soak (bench/soak.py; bench/README.md "Soak"): the mixed users at the peak
# national rate for SOAK_MINUTES (default 30) against cyp_bench (make bench SCALE=1000000 makes it).
soak: migrate
	$(BIN)/python bench/soak.py --minutes $(or $(SOAK_MINUTES),30)

# make fuzz: the schemathesis run of `make test` (tests/api/test_fuzz.py) with many more examples.
# It also runs the form, serializer and importer property tests with many more examples.
fuzz: setup
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-100} $(BIN)/pytest -p no:randomly tests/api/test_fuzz.py
	SERIALIZER_EXAMPLES=1000 ROBUST_EXAMPLES=300 ROBUST_PAGE_EXAMPLES=20 $(BIN)/pytest -p no:randomly \
	  tests/api/test_serializer_properties.py tests/security/test_form_properties.py \
	  tests/security/test_import_properties.py tests/security/test_junk_input.py

# make audit: pip-audit over uv.lock and npm audit over package-lock.json (scripts/audit.sh). It needs
# the advisory services: exit 3 says an audit could not run, which is not a pass. CI runs it too.
audit: deps
	scripts/audit.sh

stop:
	@scripts/services.sh stop

clean: stop
	rm -rf $(VENV) node_modules static/vendor staticfiles .local .pytest_cache .ruff_cache
