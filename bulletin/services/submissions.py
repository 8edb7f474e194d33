"""The department items' workflow.

draft → submitted → accepted (possibly edited) | returned (reason) → submitted again
                  → not used
submitted → draft (withdrawn before review)

Every step is a compare-and-set on the status (a double click or two editors at once
change nothing twice) and writes a transition row in the same transaction. Text edits
carry the version the user started from; a save based on an older version is refused
and the caller keeps what the user typed.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bulletin.models import (
    Issue,
    Section,
    Submission,
    SubmissionTransition,
    SubmissionVersion,
)
from lib.audit import log_transition

Status = Submission.Status


class WorkflowError(Exception):
    """A step that cannot be taken; the message is for the user."""


class Conflict(WorkflowError):
    """Someone else changed the object first."""


def _move(
    *, submission: Submission, by, old: set[str], new: str, comment: str = "", **fields
) -> Submission:
    if submission.status not in old:
        raise WorkflowError(
            _("This item is %(status)s and cannot be changed that way.")
            % {"status": submission.get_status_display()}
        )
    with transaction.atomic():
        changed = Submission.objects.filter(pk=submission.pk, status=submission.status).update(
            status=new, updated_at=timezone.now(), **fields
        )
        if not changed:
            raise Conflict(_("Someone else has just changed this item. Reload the page."))
        SubmissionTransition.objects.create(
            submission=submission,
            actor=by,
            from_status=submission.status,
            to_status=new,
            comment=comment,
        )
        log_transition(actor=by, obj=submission, old=submission.status, new=new, comment=comment)
    submission.refresh_from_db()
    return submission


def _save_text(*, submission: Submission, headline: str, body: str, by, version: int) -> None:
    """Store new text if the user edited the current version; keep the old one."""
    if (headline, body) == (submission.headline, submission.body):
        return
    changed = Submission.objects.filter(pk=submission.pk, version=version).update(
        headline=headline, body=body, version=F("version") + 1, updated_at=timezone.now()
    )
    if not changed:
        raise Conflict(
            _(
                "Someone else saved this item while you were editing it. Your text is "
                "still in the form: copy it, reload the page and apply it again."
            )
        )
    SubmissionVersion.objects.create(
        submission=submission,
        number=version,
        headline=submission.headline,
        body=submission.body,
        saved_by=by,
    )
    submission.headline, submission.body, submission.version = headline, body, version + 1


def submission_create(
    *, section: Section, department, author, headline: str, body: str, submit: bool = False
) -> Submission:
    if not section.call_open:
        raise WorkflowError(_("This section does not take submissions now."))
    with transaction.atomic():
        submission = Submission.objects.create(
            section=section,
            department=department,
            author=author,
            headline=headline,
            body=body,
            position=section.submissions.count() + 1,
        )
        if submit:
            submission_submit(submission=submission, by=author)
    return submission


def submission_update(
    *, submission: Submission, by, headline: str, body: str, version: int
) -> Submission:
    """The department edits its draft or returned item."""
    if not submission.is_editable_by_department:
        raise WorkflowError(_("Only drafts and returned items can be edited."))
    with transaction.atomic():
        _save_text(submission=submission, headline=headline, body=body, by=by, version=version)
    return submission


def _lock_issue_taking_items(submission: Submission, message: str) -> None:
    """Hold the issue row: it cannot go to review while an item lands in it."""
    taking = (
        Issue.objects.select_for_update()
        .filter(pk=submission.section.issue_id, status__in=Issue.TAKES_SUBMISSIONS)
        .exists()
    )
    if not taking:
        raise WorkflowError(message)


def submission_submit(*, submission: Submission, by) -> Submission:
    if not (submission.headline.strip() or submission.body.strip()):
        raise WorkflowError(_("An empty item cannot be submitted."))
    with transaction.atomic():
        _lock_issue_taking_items(submission, _("This issue no longer takes submissions."))
        return _move(
            submission=submission,
            by=by,
            old={Status.DRAFT, Status.RETURNED},
            new=Status.SUBMITTED,
            submitted_at=timezone.now(),
            sent_headline=submission.headline,
            sent_body=submission.body,
            return_reason="",
        )


def submission_withdraw(*, submission: Submission, by) -> Submission:
    return _move(submission=submission, by=by, old={Status.SUBMITTED}, new=Status.DRAFT)


def submission_accept(
    *,
    submission: Submission,
    by,
    headline: str | None = None,
    body: str | None = None,
    version: int | None = None,
    comment: str = "",
) -> Submission:
    """Accept an item for the issue, with the editor's edits if there are any."""
    with transaction.atomic():
        _lock_issue_taking_items(
            submission, _("Nothing can be added to an issue in review or later.")
        )
        if headline is not None and body is not None:
            _save_text(
                submission=submission,
                headline=headline,
                body=body,
                by=by,
                version=submission.version if version is None else version,
            )
        return _move(
            submission=submission,
            by=by,
            old={Status.SUBMITTED},
            new=Status.ACCEPTED,
            comment=comment,
        )


def submission_return(*, submission: Submission, by, reason: str) -> Submission:
    reason = reason.strip()
    if not reason:
        raise WorkflowError(_("Say why the item is returned."))
    return _move(
        submission=submission,
        by=by,
        old={Status.SUBMITTED},
        new=Status.RETURNED,
        comment=reason,
        return_reason=reason,
    )


def submission_not_use(*, submission: Submission, by, comment: str = "") -> Submission:
    return _move(
        submission=submission, by=by, old={Status.SUBMITTED}, new=Status.NOT_USED, comment=comment
    )
