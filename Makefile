# Two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test fuzz lint setup browser-deps migrate worker beat mutation screens

# Quiet: the few lines `make run` ends with (URL, user, password) must not drown in install output.
$(STAMP): requirements.txt
	@echo "Installing requirements.txt into $(VENV) (the first time takes a minute)..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q -q --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

# The browser tests (tests/browser/) drive Debian's Chromium through Playwright from pip; never
# `playwright install`. Installed here when missing (as root, as in CI).
browser-deps:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

setup: $(STAMP)

migrate: setup
	@$(BIN)/python manage.py migrate --noinput -v 0

# The local settings `make run` chooses (debug on, a generated key, SQLite), written the first time
# only and git-ignored: every manage.py command of this tree reads them (config/settings.py), so the
# commands it prints work as printed. Production has no .env and still needs DJANGO_SECRET_KEY.
.env:
	@umask 077 && { \
	  echo "# Written by make run (git-ignored): the local settings manage.py uses in this tree."; \
	  echo "# Never for production, which sets DJANGO_SECRET_KEY and leaves DJANGO_DEBUG off."; \
	  echo "DJANGO_DEBUG=on"; \
	  echo "DJANGO_LOCAL_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	  echo "DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3"; \
	} > $@

run: .env migrate
	@$(BIN)/python manage.py setup_roles -v 0
	@# Without a broker there is no periodic sweep: catch up on events a crash left unprocessed.
	@$(BIN)/python manage.py process_events
	@# The endpoint, the admin user, the demo (its times moved to today), then the block to read.
	@$(BIN)/python manage.py bootstrap --host $(HOST) --port $(PORT) --load-demo
	@$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Two test processes (pytest-xdist), each with its own Redis database for the real-worker tests.
# On SQLite the test database is made from the models (2-3 s sooner per process); on PostgreSQL
# (CI's second pass) by the migrations, and `make lint` checks that they match the models.
# What only `make fuzz` needs is left out: tests/fuzz/ (importing it cost each process 1.6 s) and
# the pytest plugins whose hooks wrap every test (2 s).
PYTEST_WORKERS ?= 2
FUZZ_PLUGINS_OFF = -p no:schemathesis -p no:hypothesispytest -p no:anyio -p no:platformdirs
test: setup browser-deps
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not fuzz" --ignore=tests/fuzz $(FUZZ_PLUGINS_OFF) \
	  $(if $(DATABASE_URL),,--no-migrations) $(PYTEST_ARGS)

# The browser tests again, each page they open saved to look at (test-artifacts/screens/).
screens: setup browser-deps
	SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser $(FUZZ_PLUGINS_OFF) --no-migrations -q
	@echo "Screenshots: $(CURDIR)/test-artifacts/screens/"

# tests/fuzz/: Schemathesis against every operation of the schema, the corpus of hostile bodies
# and Hypothesis's mutations of the examples.
fuzz: setup
	$(BIN)/python -m pytest tests/fuzz -n $(PYTEST_WORKERS) -m fuzz -p no:cacheprovider $(PYTEST_ARGS)

# Mutation testing (mutmut, configured in pyproject.toml) of the inbox's receiving and dedup
# service, the signature check and the masking: the score and each survivor in docs/mutation.md.
mutation: MUTATION_DATABASE_URL ?= postgres://root@127.0.0.1:5432/airudder_mutation
mutation: setup
	@# On PostgreSQL, so that its branches (timeouts, row locks) are tested too: docs/mutation.md.
	@pg_isready -q -d "$(MUTATION_DATABASE_URL)" \
	  || { echo "make mutation needs PostgreSQL at MUTATION_DATABASE_URL"; exit 1; }
	rm -rf mutants
	DATABASE_URL="$(MUTATION_DATABASE_URL)" $(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_DEBUG=on $(BIN)/python manage.py makemigrations --check --dry-run

worker: setup
	$(BIN)/celery -A config worker --loglevel=info

beat: setup
	$(BIN)/celery -A config beat --loglevel=info
