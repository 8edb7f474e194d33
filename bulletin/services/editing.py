"""The one way into an issue that is being edited: its row locked, its state and the
editor's right to it checked at the moment of writing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils.translation import gettext as _

from bulletin.models import Issue
from lib.workflow import WorkflowError


def lock_issue(issue_id: int, *states: str) -> Issue:
    """Hold the issue row for the rest of the transaction, refused unless it is in one
    of `states` (by default: still being edited). A save in flight when the issue goes
    to review waits for that step and is then refused; none lands after it."""
    states = states or tuple(Issue.EDITABLE)
    issue = Issue.objects.select_for_update().filter(pk=issue_id, status__in=states).first()
    if issue is None:
        raise WorkflowError(_("Nothing can be changed in an issue in review or later."))
    return issue


@contextmanager
def editing(issue: Issue, by) -> Iterator[Issue]:
    """A transaction in which `by` changes `issue`: locked, and refused unless
    issue.can("edit", by) holds for the issue as it is now."""
    with transaction.atomic():
        locked = lock_issue(issue.pk)
        locked.require("edit", by)
        yield locked
