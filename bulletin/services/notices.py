"""Reminders to departments that have not sent items, and notices of issued bulletins."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bulletin.models import Issue, Notice, Section, Submission
from departments.models import Department, User

logger = logging.getLogger(__name__)

# Items in these states count as "sent" on the completeness board.
SENT = {Submission.Status.SUBMITTED, Submission.Status.ACCEPTED, Submission.Status.NOT_USED}


def departments_missing(section: Section) -> list[Department]:
    sent = set(section.submissions.filter(status__in=SENT).values_list("department_id", flat=True))
    return [d for d in Department.objects.active() if d.pk not in sent]


def _mail_later(messages: list[tuple[str, str, str, list[str]]]) -> None:
    """E-mail from the worker after the commit: a mail server that is down neither
    undoes the notices nor keeps the editor waiting."""
    from bulletin.tasks import send_mail

    if messages:
        payload = [list(m) for m in messages]
        transaction.on_commit(lambda: send_mail.enqueue(payload))


def issue_remind(*, section: Section, by) -> int:
    """Remind every department that has sent nothing to this section; count them."""
    issue = section.issue
    issue.require("edit", by)
    missing = departments_missing(section)
    deadline = timezone.localtime(section.call_deadline).strftime("%Y-%m-%d %H:%M")
    message = _("Please send your items for %(issue)s, section %(section)s, by %(deadline)s.") % {
        "issue": f"{issue.series.title}{issue.number_label}",
        "section": section.title,
        "deadline": deadline,
    }
    users = list(
        User.objects.filter(
            department__in=missing, role=User.Role.STAFF, is_active=True
        ).select_related("department")
    )
    with transaction.atomic():
        Notice.objects.bulk_create(
            Notice(user=user, kind=Notice.Kind.REMINDER, issue=issue, message=message)
            for user in users
        )
        _mail_later(
            [
                (
                    _("Reminder: items for the bulletin"),
                    message,
                    settings.DEFAULT_FROM_EMAIL,
                    [u.email],
                )
                for u in users
                if u.email
            ]
        )
    return len(missing)


def notify_issued(*, issue: Issue) -> int:
    """Tell the staff of the issue's recipient departments that it is out."""
    if not issue.recipient_group_id:
        return 0
    users = User.objects.filter(
        department__recipient_groups=issue.recipient_group_id,
        role=User.Role.STAFF,
        is_active=True,
    ).distinct()
    message = _("%(title)s %(label)s has been issued.") % {
        "title": issue.series.title,
        "label": issue.label,
    }
    users = list(users)
    notices = Notice.objects.bulk_create(
        Notice(user=user, kind=Notice.Kind.ISSUED, issue=issue, message=message) for user in users
    )
    _mail_later(
        [(message, message, settings.DEFAULT_FROM_EMAIL, [u.email]) for u in users if u.email]
    )
    return len(notices)


def notice_open(*, notice: Notice) -> None:
    now = timezone.now()
    Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=now)
    if notice.kind == Notice.Kind.ISSUED:
        Notice.objects.filter(pk=notice.pk, opened_at__isnull=True).update(opened_at=now)
