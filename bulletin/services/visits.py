"""厅（局）长进大厅: a department records its leaders' visits to the hall; the issue that
reports each visit is decided by one rule (IssueQuerySet.for_visit), and the editor
corrects the visits of the issue's leader-visits section."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import ClassVar

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from bulletin.models import Issue, LeaderVisit, Section, Series
from bulletin.services.editing import editing
from lib.workflow import Conflict, WorkflowError

VISIT_FIELDS = ("date", "leader_name", "leader_title", "activity")


def _stale_visit() -> Conflict:
    return Conflict(
        _(
            "Someone else saved this visit while you were editing it. What you typed is "
            "still in the form: copy it, reload the page and apply it again."
        )
    )


def reporting_issue(
    date: datetime.date, *, series: Series | None = None, hall: int | None = None
) -> Issue | None:
    """Issue.objects.for_visit, its row held for the rest of the transaction so it does
    not go to review before the visit is stored in it. An issue that left editing
    meanwhile is passed over for the next one the rule gives."""
    while True:
        issue = Issue.objects.for_visit(date, series=series, hall=hall)
        if issue is None:
            return None
        locked = (
            Issue.objects.select_for_update().filter(pk=issue.pk, status__in=Issue.EDITABLE).first()
        )
        if locked is not None:
            return locked


def visit_save(
    *,
    visit: LeaderVisit | None,
    department,
    version: int | None,
    series: Series | None = None,
    **fields,
) -> LeaderVisit:
    """A new visit, or the department's changes to one nobody saved in between and no
    issue past editing reports yet (then it is on paper).

    A new visit, or one whose date changed, goes to the issue the rule gives (`series`:
    that of the call it answers); none open yet, it waits for the next issue_create."""
    fields = {name: fields[name] for name in VISIT_FIELDS}
    hall = department.hall_id  # a visit to the department's own hall
    with transaction.atomic():
        if visit is None:
            issue = reporting_issue(fields["date"], series=series, hall=hall)
            return LeaderVisit.objects.create(department=department, issue=issue, **fields)
        issue_id, date = (
            LeaderVisit.objects.filter(pk=visit.pk).values_list("issue_id", "date").get()
        )
        if issue_id is not None:
            issue = Issue.objects.select_for_update().get(pk=issue_id)
            if issue.status not in Issue.EDITABLE:
                raise WorkflowError(_("An issue past editing reports this visit: it is on paper."))
            series = series or issue.series
        if issue_id is None or fields["date"] != date:
            new_issue = reporting_issue(fields["date"], series=series, hall=hall)
            issue_id = new_issue.pk if new_issue else None
        changed = LeaderVisit.objects.filter(
            pk=visit.pk, department=department, version=version
        ).update(version=F("version") + 1, issue_id=issue_id, **fields)
    if not changed:
        raise _stale_visit()
    visit.refresh_from_db()
    return visit


def issue_take_waiting_visits(*, issue: Issue) -> int:
    """Visits registered while no issue could report them go to this newly opened issue
    when the rule now gives it for them (their date on or before its period's end)."""
    if issue.period_end is None:
        return 0
    waiting = LeaderVisit.objects.filter(
        issue__isnull=True, date__lte=issue.period_end, department__hall__series=issue.series_id
    ).select_related("department")
    taken = [
        visit.pk
        for visit in waiting
        if Issue.objects.for_visit(visit.date, hall=visit.department.hall_id) == issue
    ]
    return LeaderVisit.objects.filter(pk__in=taken, issue__isnull=True).update(issue=issue)


@dataclass
class VisitChange:
    """One row of the editor's visits form: the visit, the version it was shown at, and
    the new values (None: the editor removes it)."""

    FIELDS: ClassVar[tuple[str, ...]] = VISIT_FIELDS

    visit: LeaderVisit
    version: int
    fields: dict | None


def section_save_visits(*, section: Section, by, changes: list[VisitChange]) -> None:
    """The editor's corrections to the visits a leader-visits section reports: each
    saved or removed only if nobody changed it since the page was shown, all or none."""
    with editing(section.issue, by) as issue:
        reported = set(LeaderVisit.objects.reported_in(issue).values_list("pk", flat=True))
        for change in changes:
            visit = change.visit
            if visit.pk not in reported:
                raise Conflict(
                    _("A visit on the page is no longer reported in this issue: reload the page.")
                )
            rows = LeaderVisit.objects.filter(pk=visit.pk, version=change.version)
            if change.fields is None:
                if not rows.delete()[0]:
                    raise _stale_visit()
                continue
            fields = {name: change.fields[name] for name in VISIT_FIELDS}
            target = issue
            if fields["date"] != visit.date:
                # Moved to a date another issue reports: the one rule decides.
                target = reporting_issue(fields["date"], series=issue.series)
            if not rows.update(version=F("version") + 1, issue=target, **fields):
                raise _stale_visit()
