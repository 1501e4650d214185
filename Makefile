# Two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test fuzz lint setup browser-deps migrate worker beat

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

# The browser tests (tests/browser/) drive Debian's Chromium through Playwright from pip; never
# `playwright install`. Installed here when missing (as root, as in CI).
browser-deps:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

setup: $(STAMP)

migrate: setup
	$(BIN)/python manage.py migrate --noinput

run: export DJANGO_DEBUG ?= on
run: migrate
	$(BIN)/python manage.py setup_roles
	$(BIN)/python manage.py bootstrap --host $(HOST) --port $(PORT)
	$(BIN)/python manage.py load_demo
	@# Without a broker there is no periodic sweep: catch up on events a crash left unprocessed.
	$(BIN)/python manage.py process_events
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Two test processes (pytest-xdist), each with its own Redis database for the real-worker tests.
PYTEST_WORKERS ?= 2
test: setup browser-deps
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not fuzz" $(PYTEST_ARGS)

# Schemathesis against every operation of the schema (tests/test_schemathesis.py), the corpus of
# hostile bodies (tests/integrations/test_hostile_corpus.py) and Hypothesis's mutations of the
# examples (tests/integrations/test_hypothesis_payloads.py).
fuzz: setup
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m fuzz -p no:cacheprovider $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

worker: setup
	$(BIN)/celery -A config worker --loglevel=info

beat: setup
	$(BIN)/celery -A config beat --loglevel=info
