"""Background jobs.

In production they wait in a database table for the worker (`manage.py worker`), so
a slow render or a mail server that is down never holds up the request that caused
them; in development and tests they run at once (settings.TASKS). Arguments are plain
JSON values: a job may run in another process, after the objects have changed.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from bulletin.models import Issue

logger = logging.getLogger(__name__)


@task()
def render_issue_pdf(issue_id: int) -> int:
    """Render an issue's PDF ahead of its download; return its size in bytes (0 when the
    render was stopped at its budget: the issue's PdfRender row says why).

    At sign-off this fills the PDF cache, so the approver's and everyone's first
    download is immediate; at issuing it stores the frozen PDF and its SHA-256.
    """
    from bulletin.printing.pdf import render_now

    issue = Issue.objects.select_related("series").filter(pk=issue_id).first()
    if issue is None:
        return 0
    try:
        return render_now(issue=issue)
    except Exception:
        # A failed render loses nothing: the issue is untouched and can be asked again.
        logger.exception("PDF of issue %s not rendered in the background", issue_id)
        raise


@task()
def send_mail(messages: list[list]) -> int:
    """Send (subject, text, sender, recipients) e-mails; return how many went out."""
    try:
        return send_mass_mail([tuple(m) for m in messages], fail_silently=False)
    except Exception:
        logger.exception("%d e-mail(s) not sent", len(messages))
        raise


class WorkerLost(RuntimeError):
    """The task's worker stopped (killed, machine restarted) before the task ended."""


def requeue_stale_tasks() -> tuple[int, int]:
    """Queue again every task a lost worker left RUNNING; after TASK_MAX_ATTEMPTS runs
    mark it failed (and its rendering, so the editor sees why). Returns (queued, failed).

    A task is taken as lost once it has run for TASK_STALE_SECONDS, which is longer than
    any render may take (RENDER_TIMEOUT_SECONDS) and any e-mail batch does."""
    from bulletin.models import PdfRender

    cutoff = timezone.now() - timedelta(seconds=settings.TASK_STALE_SECONDS)
    queued = failed = 0
    for result in DBTaskResult.objects.running().filter(started_at__lt=cutoff):
        running = DBTaskResult.objects.running().filter(pk=result.pk, started_at=result.started_at)
        if len(result.worker_ids) < settings.TASK_MAX_ATTEMPTS:
            queued += running.update(status=TaskResultStatus.READY)
            continue
        lost = WorkerLost(f"worker lost {len(result.worker_ids)} times")
        failed += running.update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=f"{__name__}.WorkerLost",
            traceback=str(lost),
        )
        if result.task_path == render_issue_pdf.module_path:
            args = (result.args_kwargs or {}).get("args") or [None]
            PdfRender.objects.filter(issue_id=args[0]).exclude(
                status__in=[PdfRender.Status.DONE, PdfRender.Status.FAILED]
            ).update(status=PdfRender.Status.FAILED, reason=PdfRender.Reason.INTERRUPTED)
    if queued or failed:
        logger.warning("tasks of a lost worker: %d queued again, %d failed", queued, failed)
    return queued, failed
