"""gunicorn for Jianbao: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`."""

import multiprocessing
import os

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
pidfile = os.environ.get("GUNICORN_PID")


def post_worker_init(worker):
    """Fonts and stylesheets loaded before the worker takes its first request: the first
    PDF after a start is as fast as the others."""
    from bulletin.printing.rendering import warm_up

    worker.log.info("print pipeline ready in %.1f s", warm_up())
