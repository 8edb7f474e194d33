# The two commands: `make run` and `make test`. Everything else is their plumbing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV := DEBUG=1 JIANBAO_DEMO=1
HOST ?= 127.0.0.1:8000
PIP := $(BIN)/pip install -q --disable-pip-version-check

.PHONY: run test bootstrap-run bootstrap-test bootstrap-ci messages fonts bench lint format clean serve \
	stack-test compose-check

# System packages first (script/bootstrap: checks, installs what is missing when it may).
bootstrap-run:
	@PYTHON=$(PYTHON) script/bootstrap run

bootstrap-test:
	@PYTHON=$(PYTHON) script/bootstrap test

bootstrap-ci:
	@PYTHON=$(PYTHON) script/bootstrap ci

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The server's packages only (the Dockerfile installs the same file).
$(VENV)/.runtime: requirements/runtime.lock | $(BIN)/python
	$(PIP) -r requirements/runtime.lock
	touch $@

# Tests and lint on top of the runtime.
$(VENV)/.dev: requirements/dev.lock requirements/runtime.lock | $(BIN)/python
	$(PIP) -r requirements/dev.lock
	test -f .env || printf '# Development settings written by make; see .env.example.\nDEBUG=1\nJIANBAO_DEMO=1\n' > .env
	touch $@

# Compiled catalogues are build output: the UI is Chinese only after this step.
messages: $(VENV)/.runtime
	$(DEV) $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var -v0

run: bootstrap-run $(VENV)/.dev messages
	mkdir -p var
	$(DEV) $(BIN)/python manage.py migrate -v0
	$(DEV) $(BIN)/python manage.py load_demo --if-empty
	@echo "Jianbao: http://$(HOST)/  (stop with Ctrl-C)"
	$(DEV) $(BIN)/python manage.py runserver $(HOST)

test: bootstrap-test $(VENV)/.dev messages
	mkdir -p var
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pip check -q
	$(BIN)/pytest $(PYTEST_ARGS)

# Rebuild the shipped font subsets in static/fonts/ (committed; only to change them).
# Needs Debian's fonts-noto-cjk, fonts-noto-cjk-extra and fonts-arphic-ukai.
fonts: $(VENV)/.runtime
	DEBUG=1 $(BIN)/python manage.py build_fonts

# Production processes without Docker: gunicorn + worker on a local PostgreSQL
# (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/jianbao; PORT, default 8000).
serve: bootstrap-run $(VENV)/.runtime messages
	deploy/serve.sh

# CI: start `make serve` on a fresh database, log in, render and download over HTTP, stop;
# then kill its processes, cut its database and load its worker (deploy/resilience.py).
stack-test: bootstrap-ci $(VENV)/.dev messages
	$(BIN)/python deploy/smoke.py
	$(BIN)/python deploy/resilience.py

# CI: the compose file is valid (Debian's docker-compose; no Docker engine needed).
compose-check: bootstrap-ci
	SECRET_KEY=compose-check POSTGRES_PASSWORD=compose-check docker-compose -f docker-compose.yml config -q

bench: bootstrap-run $(VENV)/.dev messages
	$(BIN)/python bench/render.py

lint: $(VENV)/.dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

clean:
	rm -rf $(VENV) var/jianbao.sqlite3 .pytest_cache
