# Two commands on a fresh machine: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app assistant.app
TRANSLATIONS := assistant/translations
PG_TEST_URL := postgresql+psycopg://postgres@127.0.0.1:5432/test
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)

.PHONY: install run worker migrate demo test test-sqlite test-postgres browser-deps lint format \
        translations-extract translations-update bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

migrate: install
	APP_ENV=development $(FLASK) db upgrade

demo: migrate
	APP_ENV=development $(FLASK) demo load --if-empty

# Serves on 127.0.0.1:$(PORT) with SQLite, beside one worker process: the outbox delivers to the
# simulator (/dev/sms), the SMS reminders of the visits two days ahead are queued, and the
# workforce CSV imports are run.
run: demo
	APP_ENV=development $(FLASK) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	APP_ENV=development $(FLASK) run --host 127.0.0.1 --port $(PORT)

# The worker alone (outbox, reminders, imports), e.g. beside a server started otherwise.
worker: install
	APP_ENV=development $(FLASK) worker

# The whole suite on SQLite, then again on PostgreSQL when one answers (browser tests once).
test: install browser-deps
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$TEST_DATABASE_URL" ] || $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
		$(MAKE) --no-print-directory test-postgres; \
	else echo "PostgreSQL not reachable at 127.0.0.1:5432 and TEST_DATABASE_URL unset: PostgreSQL run skipped"; fi

test-sqlite: install
	env -u TEST_DATABASE_URL $(BIN)/pytest -p no:cacheprovider -n 2

test-postgres: install
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-$(PG_TEST_URL)} $(BIN)/pytest -p no:cacheprovider -n 2 -m "not browser"

# Debian's Chromium for the Playwright browser tests (Playwright's own download cannot work here).
browser-deps:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	else echo "chromium missing and not root: browser tests will be skipped"; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Keywords: pybabel's defaults (_, gettext, ngettext…) plus our lazy _l / lazy_gettext.
translations-extract: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project spsti-assistant --version $(VERSION) -o $(TRANSLATIONS)/messages.pot .

translations-update: translations-extract
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

bench: install
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
