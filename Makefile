# The two commands: `make run` serves the API, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: help run test check fuzz mutation lint lock install install-dev db clean
.DEFAULT_GOAL := help
FUZZ_EXAMPLES ?= 100

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 22

run: install db  ## install, create and seed the database, serve on 127.0.0.1:8000
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

.PHONY: bench
bench: install  ## service vs a bare Flask app under wrk, SQLite and PostgreSQL (bench/README.md); ARGS="--scale 100"
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || apt-get install -y wrk || (apt-get update && apt-get install -y wrk)
	$(BIN)/python bench/run.py $(ARGS)

test: install-dev  ## run the suite on SQLite, and on PostgreSQL when one is reachable
	$(BIN)/pytest

check: install-dev  ## the fast subset, in under a minute: SQLite only, no browser, no slow tests
	$(BIN)/pytest -q -n 2 -m "not postgres and not browser and not slow"

fuzz: install-dev  ## a longer contract fuzz: FUZZ_EXAMPLES generated requests per operation and mode
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q tests/test_fuzz.py -k sqlite

mutation: install-dev  ## mutmut over api/rules/ with the pure rules tests (1.5 to 6 min); ends with `mutation score: NN% (killed/total)`
	rm -rf mutants
	mkdir -p mutants
	$(BIN)/mutmut run --max-children 2 > mutants/run.log 2>&1 || { tail -c 3000 mutants/run.log; exit 1; }
	$(BIN)/mutmut results
	$(BIN)/mutmut export-cicd-stats >/dev/null
	$(BIN)/python tools/mutation_score.py

lint: install-dev tools/node_modules/.package-lock.json  ## ruff, mypy (strict on api/rules and api/read), Redocly on openapi.yaml
	$(BIN)/ruff check .
	$(BIN)/mypy
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true tools/node_modules/.bin/redocly lint openapi.yaml </dev/null

# Redocly CLI at the version tools/package-lock.json pins (npm's cache makes a second install fast).
tools/node_modules/.package-lock.json: tools/package.json tools/package-lock.json
	npm ci --prefix tools --no-audit --no-fund --loglevel=error </dev/null

lock: install-dev  ## re-pin requirements*.txt, with every transitive dependency, from requirements*.in
	$(BIN)/pip-compile -q --strip-extras --annotation-style=line --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(BIN)/pip-compile -q --strip-extras --annotation-style=line --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

db: install  ## create or upgrade the schema, then load seed_data/ (idempotent)
	$(BIN)/flask db upgrade
	$(BIN)/flask seed

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

clean:  ## remove the virtualenv and the default SQLite database
	rm -rf $(VENV) instance/treaty.db
