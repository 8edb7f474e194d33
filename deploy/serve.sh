#!/usr/bin/env bash
# The production processes without Docker: gunicorn and the background worker against
# a local PostgreSQL, under deploy/supervise.py. `make serve` runs this; Ctrl-C (or
# SIGTERM) stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBUG=0
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/jianbao}"
export JIANBAO_DEMO="${JIANBAO_DEMO:-0}"
# Plain HTTP on this machine; behind a TLS proxy set TLS=1 and BEHIND_TLS_PROXY=1.
export TLS="${TLS:-0}"
export STATIC_MANIFEST=1 BACKGROUND_WORKER=1
export DATABASE_CONN_MAX_AGE="${DATABASE_CONN_MAX_AGE:-60}"
PORT="${PORT:-8000}"
export BIND="${BIND:-127.0.0.1:$PORT}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-localhost,127.0.0.1}"
PY=.venv/bin/python

mkdir -p var
if [[ -z "${SECRET_KEY:-}" ]]; then
  # One key per checkout, kept out of git: logins survive a restart.
  [[ -s var/secret_key ]] || $PY -c "import secrets; print(secrets.token_urlsafe(64))" > var/secret_key
  SECRET_KEY="$(cat var/secret_key)"
  export SECRET_KEY
fi

# Create the database on first start.
db_name="${DATABASE_URL##*/}"
if [[ "$DATABASE_URL" == postgres* ]] && ! psql "$DATABASE_URL" -Atc "select 1" >/dev/null 2>&1; then
  echo "== creating database $db_name"
  psql "${DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE \"$db_name\""
fi

echo "== migrate, collectstatic"
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
if [[ "$JIANBAO_DEMO" == 1 ]]; then
  $PY manage.py load_demo --if-empty
fi

echo "== Jianbao: http://$BIND/  (gunicorn and the worker, restarted when they exit; stop with Ctrl-C)"
# The supervisor restarts a program that exits, with growing pauses, and leaves the
# other running; SIGTERM or Ctrl-C stops both.
exec $PY deploy/supervise.py deploy/Procfile
