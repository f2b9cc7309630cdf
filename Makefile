# Agora: `make demo` runs the demo at http://127.0.0.1:5000, `make test` runs the suite.
# Python 3.12 or newer: under 3.11 the programme page crashes the interpreter (SIGSEGV
# when the garbage collector runs during a large ORM load; see bench/crash/README.md).
# Take the newest interpreter the machine has, on the PATH or under pyenv.
PYTHON_CANDIDATES := python3.13 python3.12 $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3) \
	$(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3) python3
ifndef PYTHON
PYTHON := $(firstword $(foreach p,$(PYTHON_CANDIDATES),$(shell $(p) -c \
	'import sys; print("$(p)") if sys.version_info >= (3, 12) else None' 2>/dev/null)))
endif
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
export FLASK_APP := wsgi

.PHONY: demo test venv dev-venv translations i18n-update i18n-check migrate lint format clean serve worker webhooks bench load

$(BIN)/activate:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Agora needs Python 3.12 or newer (3.11 crashes on large programmes)."; \
		echo "Install python3.13 or python3.12, or run: make PYTHON=/path/to/python3.12"; exit 1; fi
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { \
		echo "$(PYTHON) is older than Python 3.12, which Agora needs."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A .venv built by an older interpreter is replaced.
ifneq ($(wildcard $(BIN)/python),)
ifneq ($(shell $(BIN)/python -c 'import sys; print(sys.version_info >= (3, 12))'),True)
$(shell rm -rf $(VENV))
endif
endif

$(VENV)/.runtime: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.runtime
dev-venv: $(VENV)/.dev

translations: $(VENV)/.runtime
	$(BIN)/pybabel compile -d translations --statistics 2>&1 | tail -n 2

# After adding interface strings: refresh the catalogue, then translate the new entries.
i18n-update: venv
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k ngettext:1,2 -k lazy_ngettext:1,2 -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --ignore-obsolete

# Lists, per language, the strings still to translate (new, empty, fuzzy, wrong placeholders).
i18n-check: venv
	$(BIN)/python translations/check.py

migrate: venv translations
	mkdir -p instance
	$(BIN)/flask db upgrade

demo: migrate
	$(BIN)/flask demo
	@echo "Agora is at http://127.0.0.1:5000 (accounts: see README)"
	$(BIN)/flask run --host 127.0.0.1 --port 5000

serve: migrate
	$(BIN)/gunicorn --bind 127.0.0.1:5000 --workers 2 wsgi:app

worker: migrate
	$(BIN)/flask outbox worker

webhooks: migrate
	$(BIN)/flask webhooks deliver --loop

test: dev-venv translations
	@if command -v npm >/dev/null; then npm ci --prefix tests/calendars/js --no-audit --no-fund --silent; fi
	@if command -v npm >/dev/null; then npm ci --prefix tests/browser/js --no-audit --no-fund --silent; fi
	@# The real-browser tests need Chromium, and the calendar tests libical (Evolution's
	@# parser); install them quietly when we may (root only).
	@if [ "$$(id -u)" = "0" ]; then \
		command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || true; \
		ldconfig -p | grep -q 'libical\.so\.3' || (apt-get update -qq && apt-get install -y -qq libical3 >/dev/null) || true; \
	fi
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	@echo "== Test suite on SQLite =="
	env -u TEST_DATABASE_URL $(BIN)/pytest -p no:cacheprovider
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== Test suite on PostgreSQL ($(PG_TEST_URL)) =="; \
		TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -p no:cacheprovider; \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "PostgreSQL does not answer at $(PG_TEST_URL), and CI needs it: failing."; exit 1; \
	else \
		echo "PostgreSQL does not answer at $(PG_TEST_URL): the suite ran on SQLite only."; \
	fi

# Public pages, feeds and exports at 100, 500 and 2,000 sessions, on SQLite and on
# PostgreSQL (a scratch database, agora_bench, dropped and built again): results in
# bench/results/; fails when a request's SQL statement count grows with the sessions.
bench: dev-venv translations
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The production shape (PostgreSQL, Redis, gunicorn with 2 workers) under a locust
# audience for 90 seconds; fails on any failed request or worker restart.
load: dev-venv translations
	$(BIN)/python bench/load.py $(LOAD_ARGS)

lint: dev-venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: dev-venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
