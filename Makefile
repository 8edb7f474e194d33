# The two commands: `make run` and `make test`. Everything else is their plumbing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV := DEBUG=1 JIANBAO_DEMO=1
HOST ?= 127.0.0.1:8000

.PHONY: run test install messages fonts bench lint format clean serve stack-test compose-check

$(BIN)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	test -f .env || printf '# Development settings written by make; see .env.example.\nDEBUG=1\nJIANBAO_DEMO=1\n' > .env
	touch $@

install: $(BIN)/.installed

# Compiled catalogues are build output: the UI is Chinese only after this step.
messages: install
	$(DEV) $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var -v0

# GB2312 subsets of the installed CJK faces, built once (about two minutes).
fonts: install
	$(DEV) $(BIN)/python manage.py build_fonts --if-missing

run: messages fonts
	mkdir -p var
	$(DEV) $(BIN)/python manage.py migrate -v0
	$(DEV) $(BIN)/python manage.py load_demo --if-empty
	@echo "Jianbao: http://$(HOST)/  (stop with Ctrl-C)"
	$(DEV) $(BIN)/python manage.py runserver $(HOST)

test: messages fonts
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_ARGS)

# Production processes without Docker: gunicorn + worker on a local PostgreSQL
# (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/jianbao; PORT, default 8000).
serve: messages fonts
	deploy/serve.sh

# CI: start `make serve` on a fresh database, log in, render and download over HTTP, stop.
stack-test: messages fonts
	$(BIN)/python deploy/smoke.py

# CI: the compose file is valid (Debian's docker-compose; no Docker engine needed).
compose-check:
	SECRET_KEY=compose-check POSTGRES_PASSWORD=compose-check docker-compose -f docker-compose.yml config -q

bench: messages fonts
	$(BIN)/python bench/render.py

lint:
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

clean:
	rm -rf $(VENV) var/jianbao.sqlite3 .pytest_cache
