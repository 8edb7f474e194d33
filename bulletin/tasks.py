"""Background jobs.

In production they wait in a database table for the worker (`manage.py worker`), so
a slow render or a mail server that is down never holds up the request that caused
them; in development and tests they run at once (settings.TASKS). Arguments are plain
JSON values: a job may run in another process, after the objects have changed.
"""

import logging

from django.core.mail import send_mass_mail
from django_tasks import task

from bulletin.models import Issue

logger = logging.getLogger(__name__)


@task()
def render_issue_pdf(issue_id: int) -> int:
    """Render an issue's PDF ahead of its first download; return its size in bytes.

    At sign-off this fills the PDF cache, so the approver's and everyone's first
    download is immediate; at issuing it stores the frozen PDF and its SHA-256.
    """
    from bulletin.printing.pdf import issue_pdf

    issue = Issue.objects.select_related("series").filter(pk=issue_id).first()
    if issue is None:
        return 0
    try:
        return len(issue_pdf(issue=issue))
    except Exception:
        # A failed render loses nothing: the first download renders it instead.
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
