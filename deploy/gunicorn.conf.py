"""gunicorn for Jianbao: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`."""

import multiprocessing
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

bind = os.environ.get("BIND", "0.0.0.0:8000")
# Threads share one process's WeasyPrint fonts and PDF cache; processes use the cores.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# A long issue rendered cold on a busy machine takes seconds, not minutes.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
# Recycle workers now and then so memory stays flat over months of uptime.
max_requests = 2000
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"


def pid_file() -> str | None:
    """The pid file: GUNICORN_PIDFILE, or a path in GUNICORN_PID; relative to the checkout
    unless absolute, its directory made.

    GUNICORN_PID is also gunicorn's own variable: during a USR2 upgrade it holds the old
    master's process id, and gunicorn reads any value there as a number, so a path made
    it fail at start. A path is taken here and removed before gunicorn looks.
    """
    value = os.environ.get("GUNICORN_PIDFILE")
    legacy = os.environ.get("GUNICORN_PID", "")
    if legacy and not legacy.isdigit():
        del os.environ["GUNICORN_PID"]
        value = value or legacy
    if not value:
        return None
    path = ROOT / value  # an absolute value stays as it is
    path.parent.mkdir(parents=True, exist_ok=True)
    return str(path)


pidfile = pid_file()


def post_worker_init(worker):
    """Fonts and stylesheets loaded before the worker takes its first request: the first
    PDF after a start is as fast as the others."""
    from bulletin.printing.rendering import warm_up

    worker.log.info("print pipeline ready in %.1f s", warm_up())
