"""The background worker: django-tasks-db's db_worker, made to last.

- The print pipeline is loaded before the first task, so the first PDF costs what the
  others do.
- A database that goes away (a restart, a network cut) is waited for with growing
  pauses instead of ending the process.
- Tasks a killed worker left RUNNING are queued again (bulletin.tasks.requeue_stale_tasks),
  at start and every sweep_seconds().
- Stale temporary files are removed at start.
"""

import contextlib
import logging
import time
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorker
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from bulletin.printing.rendering import warm_up
from bulletin.tasks import requeue_stale_tasks

logger = logging.getLogger("django_tasks_db")


def sweep_seconds() -> float:
    """How often to look for tasks of a lost worker: a few times per staleness period."""
    return min(30.0, settings.TASK_STALE_SECONDS / 3)


MAX_PAUSE_SECONDS = 10


class LastingWorker(Worker):
    def run(self) -> None:
        logger.info("Starting worker worker_id=%s", self.worker_id)
        pause = 1.0
        next_sweep = 0.0
        while self.running:
            beat()
            try:
                close_old_connections()
                if time.monotonic() >= next_sweep:
                    requeue_stale_tasks()
                    next_sweep = time.monotonic() + sweep_seconds()
                task_result = self.claim_next()
            except DatabaseError as exc:
                if is_locked_database_exception(exc):
                    task_result = None
                elif self.batch:
                    raise  # a one-off run reports the outage instead of waiting it out
                else:
                    logger.warning("database unavailable (%s); trying again in %.0f s", exc, pause)
                    _drop_connections()
                    time.sleep(pause)
                    pause = min(pause * 2, MAX_PAUSE_SECONDS)
                    continue
            pause = 1.0
            if task_result is not None:
                try:
                    self.run_task(task_result)
                except DatabaseError as exc:
                    # The outcome could not be written: the task stays RUNNING and the
                    # sweep queues it again once it is stale.
                    logger.warning(
                        "task %s ended without its outcome saved (%s)", task_result.pk, exc
                    )
                    _drop_connections()
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    return
            elif self.batch:
                return
            elif self.running:
                time.sleep(self.interval)

    def claim_next(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        return task_result


def heartbeat_path() -> Path:
    return Path(settings.VAR_DIR) / "worker.alive"


def beat() -> None:
    """Touch the heartbeat file the container's health check reads (deploy/alive.py):
    the loop goes round at least every interval, and a render is bounded."""
    path = heartbeat_path()
    try:
        path.touch()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()


def _drop_connections() -> None:
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(DatabaseError):
            connection.close()


class Command(DbWorker):
    help = (
        "Run the background tasks (PDF renders, e-mail): fonts loaded first, a lost "
        "database waited for, tasks of a killed worker queued again."
    )

    def handle(self, *args, **options):
        from ops.cleanup import remove_stale_temporary_files

        self.configure_logging(options["verbosity"])
        self.stdout.write(f"print pipeline ready in {warm_up():.1f} s")
        remove_stale_temporary_files()
        worker = LastingWorker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=False,
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=(
                options["exclude_queues"].split(",") if options["exclude_queues"] else []
            ),
        )
        worker.configure_signals()
        worker.run()
