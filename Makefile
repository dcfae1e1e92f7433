# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
# `make run` needs job control (set -m) to stop its task worker with the server.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium
PORT ?= 8000
# Tests that CI runs once, on PostgreSQL; the rest runs on SQLite and on PostgreSQL. `make test` runs all.
ONCE := browser or load or faults or r

.PHONY: run test test-each-database test-once venv lint

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

# The demo server, and only it, shows Django's debug pages; everything else runs with production defaults.
# One task worker runs beside it (imports and analyses wait for one) in its own process group, so that the worker
# and the children its autoreloader starts all stop when the server does, however it stops.
run: export DEBUG = 1
run: export EMAIL_URL ?= console://
run: venv
	$(BIN)/python manage.py demo
	set -m; $(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill -TERM -- -'$$worker' 2>/dev/null' EXIT; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The browser tests drive Debian's Chromium; installed here when make runs as root on Debian, as in CI.
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "The browser tests need Chromium at $(CHROMIUM): sudo apt-get install chromium" >&2; exit 1; \
	fi

test: venv $(CHROMIUM)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-each-database: venv
	$(BIN)/python -m pytest -m "not ($(ONCE))" $(PYTEST_ARGS)

test-once: venv $(CHROMIUM)
	$(BIN)/python -m pytest -m "$(ONCE)" $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/mypy
