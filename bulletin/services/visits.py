"""厅（局）长进大厅: a department records its leaders' visits to the hall."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from bulletin.models import Issue, LeaderVisit
from lib.workflow import Conflict, WorkflowError

VISIT_FIELDS = ("date", "leader_name", "leader_title", "activity")


def visit_save(
    *, visit: LeaderVisit | None, department, version: int | None, **fields
) -> LeaderVisit:
    """A new visit, or the department's changes to one nobody saved in between and no
    issue past editing reports yet (then it is on paper)."""
    fields = {name: fields[name] for name in VISIT_FIELDS}
    if visit is None:
        return LeaderVisit.objects.create(department=department, **fields)
    with transaction.atomic():
        issue_id = LeaderVisit.objects.filter(pk=visit.pk).values_list("issue_id", flat=True).get()
        if issue_id is not None:
            issue = Issue.objects.select_for_update().get(pk=issue_id)
            if issue.status not in Issue.EDITABLE:
                raise WorkflowError(_("An issue past editing reports this visit: it is on paper."))
        changed = LeaderVisit.objects.filter(
            pk=visit.pk, department=department, version=version
        ).update(version=F("version") + 1, **fields)
    if not changed:
        raise Conflict(
            _(
                "Someone else saved this visit while you were editing it. What you typed is "
                "still in the form: copy it, reload the page and apply it again."
            )
        )
    visit.refresh_from_db()
    return visit
