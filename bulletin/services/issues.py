"""Issues: numbering, creation and the issue workflow."""

import datetime
import html
import logging

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from bulletin.models import Issue, IssueTransition, Section, Series, Submission
from bulletin.services import notices
from bulletin.services.editing import editing
from bulletin.services.visits import issue_take_waiting_visits
from lib.audit import log_transition
from lib.limits import MAX_ISSUE_CHARS
from lib.workflow import Conflict, WorkflowError, transition

logger = logging.getLogger(__name__)


def next_issue_numbers(*, series: Series, year: int) -> tuple[int, int]:
    """The (yearly number, total number) the next issue of `series` in `year` gets.

    The yearly number restarts at 1 each 1 January; the total number never restarts.
    A series that moved in from paper continues from its opening numbers.
    """
    numbers = series.issues.aggregate(total=Max("total_number"))
    total = (numbers["total"] or series.opening_total_number - 1) + 1
    in_year = series.issues.filter(year=year).aggregate(n=Max("number"))["n"]
    if in_year is None:
        in_year = series.opening_year_number - 1 if year == series.opening_year else 0
    return in_year + 1, total


def default_period(series: Series) -> tuple[datetime.date, datetime.date]:
    """The working week after the series' last period (or this week, for a new series)."""
    today = datetime.date.today()
    last = series.issues.exclude(period_end=None).order_by("-period_end").first()
    try:
        day = last.period_end + datetime.timedelta(days=1) if last else None
        monday = day + datetime.timedelta(days=(7 - day.weekday()) % 7) if day else None
        friday = monday + datetime.timedelta(days=4) if monday else None
    except OverflowError:
        # A period typed as ending 9999-12-31 has no week after it: start from today.
        friday = None
    if friday is None:
        monday = today - datetime.timedelta(days=today.weekday())
        friday = monday + datetime.timedelta(days=4)
    return monday, friday


def issue_create(
    *,
    series: Series,
    by=None,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    year: int | None = None,
    column_title: str = "",
) -> Issue:
    """Open the next issue of a series, numbered automatically.

    Two editors creating issues at once must not get the same number: the series row
    is locked (SELECT … FOR UPDATE on PostgreSQL) so creations of one series queue up,
    and the unique constraints catch anything that slips past.
    """
    if year is None:
        year = (period_end or period_start or datetime.date.today()).year
    with transaction.atomic():
        locked = Series.objects.select_for_update().get(pk=series.pk)
        number, total = next_issue_numbers(series=locked, year=year)
        # Last week's issue is this one's starting point: its outline (generated sections
        # and styles included), its recipients and print run. The series' defaults only
        # start the first issue.
        previous = locked.issues.order_by("-year", "-number").first()
        issue = Issue.objects.create(
            series=locked,
            year=year,
            number=number,
            total_number=total,
            period_start=period_start,
            period_end=period_end,
            column_title=column_title,
            report_to=previous.report_to if previous else locked.default_report_to,
            send_to=previous.send_to if previous else locked.default_send_to,
            distribute_to=previous.distribute_to if previous else locked.default_distribute_to,
            print_count=previous.print_count if previous else locked.default_print_count,
        )
        IssueTransition.objects.create(
            issue=issue, actor=by, from_status="", to_status=issue.status
        )
        log_transition(actor=by, obj=issue, old="", new=issue.status)
        outline = _outline_from(previous, issue) if previous else []
        Section.objects.bulk_create(outline or _default_outline(locked, issue))
        # Leader visits registered while no issue could report them are this one's now.
        issue_take_waiting_visits(issue=issue)
        return issue


def _outline_from(previous: Issue, issue: Issue) -> list[Section]:
    """The previous issue's sections, without their text, items or attachments: the
    week's text is new, a score month is attached again when it is frozen."""
    kept = previous.sections.exclude(kind=Section.Kind.ATTACHMENT).order_by("position")
    return [
        Section(
            issue=issue,
            position=position,
            title=section.title,
            level=section.level,
            kind=section.kind,
            prose_style=section.prose_style,
            item_style=section.item_style,
        )
        for position, section in enumerate(kept, start=1)
    ]


def _default_outline(series: Series, issue: Issue) -> list[Section]:
    """The series' outline, for its first issue here; the editor changes it."""
    kinds = set(Section.Kind.values)
    return [
        Section(
            issue=issue,
            position=position,
            title=str(entry.get("title", ""))[:200],
            level=min(max(int(entry.get("level", 1)), 1), 4),
            kind=entry.get("kind") if entry.get("kind") in kinds else Section.Kind.FREE,
        )
        for position, entry in enumerate(series.default_outline or [], start=1)
        if isinstance(entry, dict)
    ]


# --- the issue workflow (the steps are Issue.TRANSITIONS) -------------------------------


def issue_start_editing(*, issue: Issue, by) -> Issue:
    """结束征稿: the collection closes; departments send no new items, the editor
    assembles (items the editor returned can still come back)."""
    transition(issue, "close_collection", by=by)
    return issue


def issue_send_to_review(*, issue: Issue, by, comment: str = "") -> Issue:
    with transaction.atomic():
        # Locked first: an item submitted meanwhile waits for this, then finds the
        # issue in review and is refused; none slips in uncounted.
        Issue.objects.select_for_update().filter(pk=issue.pk).exists()
        pending = Submission.objects.filter(
            section__issue=issue, status=Submission.Status.SUBMITTED
        ).count()
        if pending:
            raise WorkflowError(
                _(
                    "%(count)d item(s) are still waiting for a decision (accept, return or "
                    "not use): the issue cannot go to review."
                )
                % {"count": pending}
            )
        returned = Submission.objects.filter(
            section__issue=issue, status=Submission.Status.RETURNED
        ).count()
        if returned:
            raise WorkflowError(
                _(
                    "%(count)d returned item(s) have not come back: wait for them or mark "
                    "them not used in the review queue, then send the issue to review."
                )
                % {"count": returned}
            )
        _refuse_unprintable_length(issue)
        transition(issue, "send_to_review", by=by, comment=comment)
        notices.notify_sent_to_review(issue=issue, by=by, comment=comment)
    return issue


def _refuse_unprintable_length(issue: Issue) -> None:
    """An issue too long to print within the render budget never reaches sign-off."""
    from bulletin.printing.rendering import render_document_html

    length = len(html.unescape(strip_tags(render_document_html(issue))))
    if length > MAX_ISSUE_CHARS:
        raise WorkflowError(
            _(
                "The issue has %(length)d characters of text; at most %(limit)d can be "
                "printed. Shorten it or move items to the next issue."
            )
            % {"length": length, "limit": MAX_ISSUE_CHARS}
        )


def issue_recall(*, issue: Issue, by, comment: str = "") -> Issue:
    """The editor takes an issue back from review before it is signed off."""
    transition(issue, "recall", by=by, comment=comment)
    return issue


def issue_return(*, issue: Issue, by, comment: str) -> Issue:
    """The approver sends the issue back to editing, its accepted items editable again."""
    if not comment.strip():
        raise WorkflowError(_("Say what the editor should change."))
    with transaction.atomic():
        transition(issue, "return", by=by, comment=comment.strip())
        notices.notify_sent_back(issue=issue, by=by, comment=comment)
    return issue


def issue_approve(*, issue: Issue, by, comment: str = "") -> Issue:
    """签发: the approver signs the issue off; 印发日期 is the day of sign-off."""
    now = timezone.now()
    with transaction.atomic():
        transition(
            issue,
            "approve",
            by=by,
            comment=comment,
            approved_by=by,
            approved_at=now,
            issue_date=timezone.localdate(now),
        )
        notices.notify_approved(issue=issue, by=by, comment=comment)
        # The signed-off text is what will be issued: render it into the cache now.
        _render_later(issue)
    return issue


def issue_issue(*, issue: Issue, by) -> Issue:
    """印发: the issue is frozen; the worker renders and stores its PDF once, and its
    Word file is made and stored once the transaction commits.

    If the worker has not got to it yet, the first download stores it instead (one of
    them wins the compare-and-set in `issue_pdf`); the issue is issued either way. So
    does a Word file that could not be made at once (`issue_store_docx`).
    """
    with transaction.atomic():
        transition(issue, "issue", by=by)
        notices.notify_issued(issue=issue)
        _render_later(issue)
        _store_docx_later(issue)
    return issue


def _store_docx_later(issue: Issue) -> None:
    from bulletin.printing.docx import issue_store_docx

    issue_id = issue.pk

    def store() -> None:
        issued = Issue.objects.select_related("series").get(pk=issue_id)
        issue_store_docx(issue=issued)

    # robust: a failure is logged and the download stores the file later.
    transaction.on_commit(store, robust=True)


def _render_later(issue: Issue) -> None:
    from bulletin.tasks import render_issue_pdf

    issue_id = issue.pk
    transaction.on_commit(lambda: render_issue_pdf.enqueue(issue_id))


def issue_update(*, issue: Issue, by, version: int, **fields) -> Issue:
    """Save the issue's masthead and distribution data if nobody saved in between.

    Choosing another recipient group fills the 报/送/发 lines and the print count from
    it, unless the editor changed those in the same form.
    """
    group = fields.get("recipient_group")
    if group is not None and group.pk != issue.recipient_group_id:
        for name in ("report_to", "send_to", "distribute_to", "print_count"):
            if fields.get(name) == getattr(issue, name):
                fields[name] = getattr(group, name)
    with editing(issue, by):
        changed = Issue.objects.filter(pk=issue.pk, version=version).update(
            version=F("version") + 1, updated_at=timezone.now(), **fields
        )
    if not changed:
        raise Conflict(
            _(
                "Someone else saved this issue while you were editing it. Your changes are "
                "still in the form: note them, reload the page and apply them again."
            )
        )
    issue.refresh_from_db()
    return issue
