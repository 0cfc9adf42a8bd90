# Roundtable: `make run` serves the demo on 127.0.0.1:$(PORT); `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed

.PHONY: run test test-fast install system-deps lint bench clean

# The Python packages, and axe-core (pinned in tests/e2e/package-lock.json), which the browser
# tests inject into every page they visit.
$(STAMP): pyproject.toml tests/e2e/package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[postgres,redis,test]'
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

## Serve the embedded-SQLite service with the demo roundtable in it (mail goes to instance/mail/,
## readable at /mail-preview/).
run: export ROUNDTABLE_MAIL_PREVIEW ?= true
run: install
	$(BIN)/roundtable db upgrade
	$(BIN)/roundtable seed-demo
	$(BIN)/roundtable send-mail --watch --interval 2 & trap 'kill $$!' EXIT INT TERM; \
	$(BIN)/roundtable run --host 127.0.0.1 --port $(PORT)

## Install what the tests need from Debian (PostgreSQL server, Chromium, Redis) when missing.
system-deps:
	bash .ci/system-deps

## ruff, then mypy --strict over roundtable/ (its settings are in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

## The whole suite on both cores: on SQLite, then on PostgreSQL servers the suite starts itself
## (the second pass runs only the tests that use a database).
test: install system-deps lint
	ROUNDTABLE_TEST_DATABASE=sqlite $(BIN)/python -m pytest -n 2
	ROUNDTABLE_TEST_DATABASE=postgresql $(BIN)/python -m pytest -n 2

## The edit loop: SQLite only, no browser.
test-fast: install
	ROUNDTABLE_TEST_DATABASE=sqlite $(BIN)/python -m pytest -n 2 -m "not browser"

bench: install system-deps
	$(BIN)/python bench/eligibility_speed.py
	$(BIN)/python bench/signup_load.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache tests/e2e/node_modules
