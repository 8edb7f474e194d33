"""Notices of every hand-off, the completeness board and its reminders.

Who is told of what (the workflow step calls the function in its own transaction):

    item submitted            notify_submitted     the editors
    item returned (reason)    notify_returned      the staff of the item's department
    item accepted (edits?)    notify_accepted      the staff of the item's department
    issue sent for sign-off   notify_sent_to_review  the approvers
    returned by the approver  notify_sent_back     the editors
    signed off                notify_approved      the editors
    issued                    notify_issued        the staff of the recipient departments
    reminder                  issue_remind         the staff of departments that sent nothing

The notices are rows written in the step's transaction, so a step that rolls back tells
nobody; the e-mails go out from the worker after the commit, only to users with an
address and their e-mail switch on. Whoever took the step is not told of it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bulletin import generate
from bulletin.models import Issue, Notice, Section, Submission
from bulletin.services.sections import NeedsConfirmation
from departments.models import Department, User
from lib.diff import has_changes
from scoring import services as scoring_services

Status = Submission.Status
Kind = Notice.Kind

# Items in these states answer a call on the completeness board.
SENT = (Status.SUBMITTED, Status.ACCEPTED, Status.NOT_USED)
# The order a board cell lists its counts in, and the first one present colours it.
SHOWN = (Status.ACCEPTED, Status.SUBMITTED, Status.NOT_USED, Status.RETURNED, Status.DRAFT)
# A department reminded of a call within this time is reminded again only when asked.
REMIND_AGAIN_AFTER = datetime.timedelta(hours=1)


# --- sending ------------------------------------------------------------------------------


def _mail_later(messages: list[tuple[str, str, str, list[str]]]) -> None:
    """E-mail from the worker after the commit: a mail server that is down neither
    undoes the notices nor keeps the editor waiting."""
    from bulletin.tasks import send_mail

    if messages:
        payload = [list(m) for m in messages]
        transaction.on_commit(lambda: send_mail.enqueue(payload))


def _notify(
    users: Iterable[User],
    *,
    kind: str,
    issue: Issue,
    message: str,
    by: User | None = None,
    subject: str | None = None,
    section: Section | None = None,
    submission: Submission | None = None,
) -> int:
    """Write one notice per user (but the one who acted) and e-mail those who want it."""
    users = [u for u in users if by is None or u.pk != by.pk]
    if subject is None:
        # A header holds one line; a return reason may hold several.
        subject = _("%(kind)s: %(issue)s") % {"kind": Kind(kind).label, "issue": _name(issue)}
    Notice.objects.bulk_create(
        Notice(
            user=user,
            kind=kind,
            issue=issue,
            section=section,
            submission=submission,
            message=message,
        )
        for user in users
    )
    _mail_later(
        [
            (subject, message, settings.DEFAULT_FROM_EMAIL, [u.email])
            for u in users
            if u.email and u.email_notices
        ]
    )
    return len(users)


def _name(issue: Issue) -> str:
    return f"{issue.series.title}{issue.number_label}"


def _active(**filters):
    return User.objects.filter(is_active=True, **filters)


def _of_hall(issue: Issue) -> Q:
    """The issue's hall's people; an administrator of no hall is every hall's."""
    return Q(hall__series=issue.series_id) | Q(is_superuser=True, hall__isnull=True)


def _editors(issue: Issue):
    return _active(role=User.Role.EDITOR).filter(_of_hall(issue))


def _clerks_of(department_id: int | None):
    if department_id is None:  # the centre's own text: nobody to tell
        return User.objects.none()
    return _active(role=User.Role.STAFF, department_id=department_id)


def _item_words(submission: Submission) -> dict[str, str]:
    section = submission.section
    return {"item": str(submission), "section": section.title, "issue": _name(section.issue)}


# --- the hand-offs --------------------------------------------------------------------------


def notify_submitted(*, submission: Submission, by: User | None) -> int:
    """An item waits for the editors' decision."""
    department = submission.department.label if submission.department_id else _("The centre")
    message = _("%(department)s submitted “%(item)s” to %(section)s of %(issue)s.") % {
        "department": department,
        **_item_words(submission),
    }
    return _notify(
        _editors(submission.section.issue),
        kind=Kind.SUBMITTED,
        issue=submission.section.issue,
        submission=submission,
        message=message,
        by=by,
    )


def notify_returned(*, submission: Submission, by: User | None) -> int:
    """The department gets its item back, with the editor's reason."""
    message = _("Your item “%(item)s” for %(issue)s (%(section)s) was returned: %(reason)s") % {
        **_item_words(submission),
        "reason": submission.return_reason,
    }
    return _notify(
        _clerks_of(submission.department_id),
        kind=Kind.RETURNED,
        issue=submission.section.issue,
        submission=submission,
        message=message,
        by=by,
    )


def notify_accepted(*, submission: Submission, by: User | None) -> int:
    """The department learns its item is in the issue, and whether the editor changed it
    (the notice opens the item's page, which shows the character diff)."""
    if has_changes(submission.sent_text, submission.text):
        text = _(
            "Your item “%(item)s” for %(issue)s (%(section)s) was accepted with edits: "
            "open it to see what the editor changed."
        )
    else:
        text = _("Your item “%(item)s” for %(issue)s (%(section)s) was accepted.")
    return _notify(
        _clerks_of(submission.department_id),
        kind=Kind.ACCEPTED,
        issue=submission.section.issue,
        submission=submission,
        message=text % _item_words(submission),
        by=by,
    )


def _with_comment(plain: str, commented: str, issue: Issue, comment: str) -> str:
    comment = comment.strip()
    return (commented if comment else plain) % {"issue": _name(issue), "comment": comment}


def notify_sent_to_review(*, issue: Issue, by: User | None, comment: str = "") -> int:
    message = _with_comment(
        _("%(issue)s was sent for your sign-off."),
        _("%(issue)s was sent for your sign-off: %(comment)s"),
        issue,
        comment,
    )
    approvers = _active(role=User.Role.APPROVER).filter(_of_hall(issue))
    return _notify(approvers, kind=Kind.REVIEW, issue=issue, message=message, by=by)


def notify_sent_back(*, issue: Issue, by: User | None, comment: str) -> int:
    message = _("%(issue)s was returned by the approver: %(comment)s") % {
        "issue": _name(issue),
        "comment": comment.strip(),
    }
    return _notify(_editors(issue), kind=Kind.SENT_BACK, issue=issue, message=message, by=by)


def notify_approved(*, issue: Issue, by: User | None, comment: str = "") -> int:
    message = _with_comment(
        _("%(issue)s was signed off and can be issued."),
        _("%(issue)s was signed off and can be issued: %(comment)s"),
        issue,
        comment,
    )
    return _notify(_editors(issue), kind=Kind.APPROVED, issue=issue, message=message, by=by)


def notify_issued(*, issue: Issue) -> int:
    """Tell the staff of the issue's recipient departments that it is out."""
    if not issue.recipient_group_id:
        return 0
    users = _active(
        department__recipient_groups=issue.recipient_group_id, role=User.Role.STAFF
    ).distinct()
    message = _("%(title)s %(label)s has been issued.") % {
        "title": issue.series.title,
        "label": issue.label,
    }
    return _notify(users, kind=Kind.ISSUED, issue=issue, message=message, subject=message)


# --- reading ------------------------------------------------------------------------------


def notice_open(*, notice: Notice) -> None:
    now = timezone.now()
    Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=now)
    if notice.kind == Notice.Kind.ISSUED:
        Notice.objects.filter(pk=notice.pk, opened_at__isnull=True).update(opened_at=now)


def notice_read(*, notice: Notice) -> None:
    """Mark one notice read without opening it (an issued PDF stays unopened)."""
    Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())


def notice_read_all(*, user: User) -> int:
    """Every notice of the user read, the assessment's (scoring's own rows) included."""
    read = user.notices.unread().update(read_at=timezone.now())
    return read + scoring_services.notice_read_all(user=user)


def unread_count(*, user: User) -> int:
    """The user's unread notices, the bulletin's and the assessment's, in one query."""
    ids = user.notices.unread().order_by().values("pk")
    return ids.union(user.score_notices.unread().order_by().values("pk"), all=True).count()


# --- the completeness board and reminders ---------------------------------------------------


@dataclass
class Cell:
    """What one department has done about one section's call."""

    counts: dict[str, int] = field(default_factory=dict)  # item status -> how many
    visits: int = 0  # leader visits registered, for a leader-visits section
    late: bool = False
    reminded_at: datetime.datetime | None = None

    @property
    def answered(self) -> bool:
        """An item sent (submitted, accepted or not used), or a leader visit registered
        for a leader-visits call: the department is not reminded."""
        return self.visits > 0 or any(self.counts.get(status) for status in SENT)

    @property
    def status(self) -> str:
        """The state that colours the cell: its best item, visits, or missing."""
        sent = next((s for s in SHOWN if s in SENT and self.counts.get(s)), None)
        if sent is not None:
            return sent
        if self.visits:
            return "visits"
        return Status.RETURNED if self.counts.get(Status.RETURNED) else "missing"

    @property
    def parts(self) -> list[tuple[str, int | None, str]]:
        """(label, count, tone) of everything in the cell: 已采用 2 · 不采用 2 · 草稿 1."""
        parts = []
        if self.status == "missing":
            parts.append((_("missing"), None, "danger"))
        parts += [
            (Status(s).label, self.counts[s], "muted" if s == Status.DRAFT else Submission.TONES[s])
            for s in SHOWN
            if self.counts.get(s)
        ]
        if self.visits:
            parts.append((_("visits registered"), self.visits, "success"))
        return parts


@dataclass
class Completeness:
    sections: list[Section]
    rows: list[tuple[Department, list[Cell]]]
    returned: list[Submission]  # returned items that have not come back yet


def issue_completeness(*, issue: Issue, sections: list[Section] | None = None) -> Completeness:
    """Departments × the sections that call for items, in a fixed number of queries:
    every item's state counted, leader visits as the answer to a leader-visits call,
    lateness, and when each department was last reminded of each call."""
    if sections is None:
        sections = list(issue.sections.filter(call_deadline__isnull=False))
    # the departments of the issue's hall
    departments = list(Department.objects.active().filter(hall__series=issue.series_id))
    by_department = {d.pk: d for d in departments}
    by_section = {s.pk: s for s in sections}
    cells = {(d.pk, s.pk): Cell() for d in departments for s in sections}
    returned = []
    items = Submission.objects.filter(section__in=sections, department__in=departments)
    for item in items.order_by("section__position", "position", "pk"):
        cell = cells[(item.department_id, item.section_id)]
        cell.counts[item.status] = cell.counts.get(item.status, 0) + 1
        item.section, item.department = (
            by_section[item.section_id],
            by_department[item.department_id],
        )
        # A draft's submitted_at is left from before a withdrawal: only what is sent counts.
        cell.late = cell.late or (item.status != Status.DRAFT and item.is_late)
        if item.status == Status.RETURNED:
            returned.append(item)
    visit_sections = [s for s in sections if s.kind == Section.Kind.LEADER_VISITS]
    if visit_sections:
        visits = (
            generate.visits_for(issue)
            .order_by()
            .values("department_id")
            .annotate(n=Count("pk"))
            .values_list("department_id", "n")
        )
        for department_id, n in visits:
            for section in visit_sections:
                if (department_id, section.pk) in cells:
                    cells[(department_id, section.pk)].visits = n
    reminders = (
        Notice.objects.filter(kind=Kind.REMINDER, section__in=sections)
        .order_by()
        .values("section_id", "user__department_id")
        .annotate(last=Max("created_at"))
        .values_list("section_id", "user__department_id", "last")
    )
    for section_id, department_id, last in reminders:
        if (department_id, section_id) in cells:
            cells[(department_id, section_id)].reminded_at = last
    rows = [(d, [cells[(d.pk, s.pk)] for s in sections]) for d in departments]
    return Completeness(sections=sections, rows=rows, returned=returned)


def departments_missing(section: Section) -> list[Department]:
    board = issue_completeness(issue=section.issue, sections=[section])
    return [department for department, (cell,) in board.rows if not cell.answered]


class RecentlyReminded(NeedsConfirmation):
    """Some departments that would be reminded already were, within the last hour."""

    def __init__(self, *, recent: list[tuple[Department, datetime.datetime]], others: int):
        self.recent, self.others = recent, others
        super().__init__(
            _("Already reminded of this call within the last hour: %(departments)s.")
            % {"departments": "、".join(d.label for d, _at in recent)}
        )


def issue_remind(
    *, section: Section, by: User, again: bool = False, skip_recent: bool = False
) -> int:
    """Remind every department that has not answered this call; count them.

    A department reminded of it within REMIND_AGAIN_AFTER is reminded again only with
    `again`; with `skip_recent` the others are; with neither, RecentlyReminded asks."""
    issue = section.issue
    issue.require("edit", by)
    with transaction.atomic():
        # Two editors pressing at once: the second waits, then sees the first's reminders.
        Section.objects.select_for_update().filter(pk=section.pk).exists()
        since = timezone.now() - REMIND_AGAIN_AFTER
        waiting = [
            (department, cell.reminded_at)
            for department, (cell,) in issue_completeness(issue=issue, sections=[section]).rows
            if not cell.answered
        ]
        recent = [(d, at) for d, at in waiting if at is not None and at > since]
        if recent and not again:
            if not skip_recent:
                raise RecentlyReminded(recent=recent, others=len(waiting) - len(recent))
            waiting = [(d, at) for d, at in waiting if at is None or at <= since]
        missing = [department for department, _at in waiting]
        deadline = timezone.localtime(section.call_deadline).strftime("%Y-%m-%d %H:%M")
        message = _(
            "Please send your items for %(issue)s, section %(section)s, by %(deadline)s."
        ) % {"issue": _name(issue), "section": section.title, "deadline": deadline}
        _notify(
            _active(department__in=missing, role=User.Role.STAFF),
            kind=Kind.REMINDER,
            issue=issue,
            section=section,
            message=message,
            subject=_("Reminder: items for the bulletin"),
        )
    return len(missing)
