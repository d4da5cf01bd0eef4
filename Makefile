# Craftwork: `make run` serves the whole platform, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run serve migrate demo test test-clock test-postgres e2e lint format bench messages clean lock smoke assets screenshots

help:
	@echo "make run            create .venv, install, migrate, load demo data, serve http://$(HOST):$(PORT)"
	@echo "make test           the whole test suite (DATABASE_URL picks PostgreSQL)"
	@echo "make e2e            browser journeys only (headless Chromium)"
	@echo "make test-clock     the time-sensitive apps' tests at several frozen instants (CRAFTWORK_TEST_NOW)"
	@echo "make lint           ruff check + ruff format --check + migrations check"
	@echo "make bench          HTTP endpoints (wrk), ledger postings/s, WebSocket chat msgs/s and latency"
	@echo "make messages       re-extract and compile the translation catalogs (needs gettext)"
	@echo "make lock           regenerate requirements.lock and requirements-dev.lock from pyproject.toml"
	@echo "make smoke          production-profile smoke run (PostgreSQL, Redis, gunicorn, Celery worker+beat)"
	@echo "make assets         rebuild the committed icon sprite and axe-core from npm (needs npm)"
	@echo "make screenshots    docs/screenshots/ of the main pages at 1280 px and 375 px (needs Chromium)"

# The versions pinned in requirements-dev.lock (make lock) are used as constraints: the same
# versions as the image, while a dependency added to pyproject.toml before the lock is
# regenerated still installs.
$(STAMP): pyproject.toml requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Craftwork needs Python 3.11 or newer")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements-dev.lock -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	@$(BIN)/python manage.py migrate --noinput --verbosity 0 && echo "Database: migrations applied."

demo: migrate
	$(BIN)/python manage.py seed_demo --if-empty

run: demo
	$(BIN)/python manage.py runplatform --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

# The apps whose rules depend on the time of day, run as if the clock read each of these instants:
# both sides of 10:00 UTC (sessions booked for 10:00), the ends of the day, and the European and
# American daylight-saving changes.
CLOCK_INSTANTS ?= 2026-12-07T00:30:00Z 2026-12-07T09:59:00Z 2026-12-07T10:01:00Z \
	2026-12-07T23:59:00Z 2026-03-29T00:30:00Z 2026-11-01T05:59:00Z
CLOCK_APPS ?= craftwork/catalog craftwork/contracts craftwork/commerce craftwork/notifications \
	craftwork/reviews craftwork/credentials craftwork/jobs craftwork/payments
test-clock: install
	@for instant in $(CLOCK_INSTANTS); do \
		echo "== clock at $$instant"; \
		CRAFTWORK_TEST_NOW=$$instant $(BIN)/python -m pytest -n auto -q -m "not e2e" $(CLOCK_APPS) $(PYTEST_ARGS) || exit 1; \
	done

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

# One command after any change to the dependencies in pyproject.toml. It needs only uv, not a
# working install (the old pins may be what conflicts with a new dependency).
lock:
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet "uv>=0.4"
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --quiet -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --quiet -o requirements-dev.lock

smoke: install
	$(BIN)/python deploy/smoke.py $(SMOKE_ARGS)

clean:
	rm -rf $(VENV) staticfiles var/celery

# Front-end builds are committed (served by the app, never a CDN); this rebuilds them from npm.
assets:
	cd assets && npm ci --no-audit --no-fund
	$(BIN)/python assets/build.py

# Screenshots of the main pages on a fresh demo database (SQLite under var/), both widths.
SCREENSHOT_PORT ?= 8765
screenshots: install
	rm -f var/screenshots.sqlite3
	DATABASE_URL=sqlite:///var/screenshots.sqlite3 $(BIN)/python manage.py migrate --noinput --verbosity 0
	DATABASE_URL=sqlite:///var/screenshots.sqlite3 $(BIN)/python manage.py seed_demo
	DATABASE_URL=sqlite:///var/screenshots.sqlite3 $(BIN)/python manage.py runserver 127.0.0.1:$(SCREENSHOT_PORT) --noreload & \
		server=$$!; sleep 5; \
		$(BIN)/python scripts/screenshots.py http://127.0.0.1:$(SCREENSHOT_PORT) docs/screenshots; status=$$?; \
		kill $$server; exit $$status
