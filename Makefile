# Craftwork: `make run` serves the whole platform, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run serve migrate demo test test-postgres e2e lint format bench messages clean

help:
	@echo "make run            create .venv, install, migrate, load demo data, serve http://$(HOST):$(PORT)"
	@echo "make test           the whole test suite (DATABASE_URL picks PostgreSQL)"
	@echo "make e2e            browser journeys only (headless Chromium)"
	@echo "make lint           ruff check + ruff format --check + migrations check"
	@echo "make bench          HTTP endpoints (wrk), ledger postings/s, WebSocket chat msgs/s and latency"
	@echo "make messages       re-extract and compile the translation catalogs (needs gettext)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Craftwork needs Python 3.11 or newer")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo --if-empty

run: demo
	$(BIN)/python manage.py runplatform --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

e2e: install
	$(BIN)/python -m pytest -m e2e -n auto $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.ledger $(BENCH_LEDGER_ARGS)
	$(BIN)/python -m bench.websocket $(BENCH_WEBSOCKET_ARGS)

messages: install
	cd craftwork && ../$(BIN)/python ../manage.py makemessages -l es --ignore "*/tests/*" --ignore "*/migrations/*"
	$(BIN)/python manage.py compilemessages -l es --ignore $(VENV)

clean:
	rm -rf $(VENV) staticfiles var/celery
