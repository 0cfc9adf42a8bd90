# Roundtable: `make run` serves the demo on 127.0.0.1:$(PORT); `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# PORT=N picks the port of `make run` (default 5000) and of `make serve` (default 8000).
RUN_PORT = $(or $(PORT),5000)
SERVE_PORT = $(or $(PORT),8000)
STAMP := $(VENV)/.installed
# npm ci writes this file last: it stands for an installed node_modules/.
NODE_STAMP := node_modules/.package-lock.json

.PHONY: run serve test test-fast install system-deps lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[postgres,redis,test]'
	touch $(STAMP)

## The tests' npm packages, exactly as the lock files pin them: ical.js (Thunderbird's iCalendar
## parser, package.json) and axe-core (tests/e2e/package.json, injected by the browser tests).
## Node.js and npm come from Debian through system-deps when the machine lacks them.
$(NODE_STAMP): package.json package-lock.json tests/e2e/package.json tests/e2e/package-lock.json
	@command -v npm >/dev/null || bash .ci/system-deps
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error
	npm ci --include=dev --no-audit --no-fund

## The service needs the venv only; the test tools come with `make test`.
install: $(STAMP)

## Serve the embedded-SQLite service with the demo roundtable in it (mail goes to instance/mail/,
## readable at /mail-preview/). Mailed links point at the port served, unless
## ROUNDTABLE_BASE_URL says otherwise.
run: export ROUNDTABLE_MAIL_PREVIEW ?= true
run: export ROUNDTABLE_BASE_URL ?= http://127.0.0.1:$(RUN_PORT)
run: install
	$(BIN)/roundtable db upgrade
	$(BIN)/roundtable seed-demo
	$(BIN)/roundtable send-mail --watch --interval 2 & trap 'kill $$!' EXIT INT TERM; \
	$(BIN)/roundtable run --host 127.0.0.1 --port $(RUN_PORT)

## Serve as in production: gunicorn with gunicorn.conf.py on the configured database
## (ROUNDTABLE_DATABASE_URL, default SQLite in instance/), after the migrations. BIND and
## ROUNDTABLE_BASE_URL from the environment win over 127.0.0.1:$(SERVE_PORT). No mail worker:
## run `roundtable send-mail --watch` beside it.
serve: export BIND ?= 127.0.0.1:$(SERVE_PORT)
serve: export ROUNDTABLE_BASE_URL ?= http://127.0.0.1:$(SERVE_PORT)
serve: install
	$(BIN)/roundtable db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py 'roundtable:create_app()'

## Install what the tests need from Debian (PostgreSQL server, Chromium, Redis) when missing.
system-deps:
	bash .ci/system-deps

## ruff, mypy --strict over roundtable/, then bandit (their settings are in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/bandit -c pyproject.toml -r roundtable -q

## The whole suite on both cores: on SQLite, then on PostgreSQL servers the suite starts itself
## (the second pass runs only the tests that use a database).
test: install system-deps $(NODE_STAMP) lint
	ROUNDTABLE_TEST_DATABASE=sqlite $(BIN)/python -m pytest -n 2
	ROUNDTABLE_TEST_DATABASE=postgresql $(BIN)/python -m pytest -n 2

## The edit loop: SQLite only, no browser.
test-fast: install $(NODE_STAMP)
	ROUNDTABLE_TEST_DATABASE=sqlite $(BIN)/python -m pytest -n 2 -m "not browser"

## The eligibility engine's speed, then the HTTP benchmark (bench/http_bench.py): wrk against the
## production gunicorn set-up on SQLite and on a PostgreSQL server it starts, as ratios to a
## trivial Flask app served the same way; prints the table with the targets (about 7 minutes).
bench: install system-deps
	$(BIN)/python bench/eligibility_speed.py
	$(BIN)/python bench/http_bench.py

clean:
	rm -rf $(VENV) node_modules build *.egg-info .pytest_cache tests/e2e/node_modules
