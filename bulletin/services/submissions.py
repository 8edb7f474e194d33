"""The department items' workflow (the steps are Submission.TRANSITIONS).

draft → submitted → accepted (possibly edited) | returned (reason) → submitted again
                  → not used; returned → not used; accepted → not used (taken out again)
submitted → draft (withdrawn before review)

Every step goes through lib.workflow.transition(): a compare-and-set on the status (a
double click or two editors at once change nothing twice) with its transition row in the
same transaction. Text edits carry the version the user started from; a save based on an
older version is refused and the caller keeps what the user typed.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bulletin.models import Issue, Section, Submission, SubmissionVersion
from bulletin.services import notices
from bulletin.services.editing import lock_issue
from lib.workflow import Conflict, WorkflowError, transition

Status = Submission.Status


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


def _lock_issue_of(submission: Submission) -> None:
    """lock_issue() for an item, whose checks then see the issue as it is now."""
    submission.section.issue = lock_issue(submission.section.issue_id)


def submission_create(
    *, section: Section, department, author, headline: str, body: str, submit: bool = False
) -> Submission:
    if not section.call_open:
        raise WorkflowError(_("This section does not take submissions now."))
    if section.takes_visits:
        raise WorkflowError(_("This section reports leader visits: record a visit instead."))
    with transaction.atomic():
        lock_issue(section.issue_id, Issue.Status.COLLECTING)
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
    with transaction.atomic():
        _lock_issue_of(submission)
        submission.require("edit", by)
        _save_text(submission=submission, headline=headline, body=body, by=by, version=version)
    return submission


def submission_revise(
    *, submission: Submission, by, headline: str, body: str, version: int
) -> Submission:
    """The editor changes the text of an item (the department sees it in the diff)."""
    with transaction.atomic():
        _lock_issue_of(submission)
        submission.require("revise", by)
        _save_text(submission=submission, headline=headline, body=body, by=by, version=version)
    return submission


def submission_submit(*, submission: Submission, by) -> Submission:
    if not (submission.headline.strip() or submission.body.strip()):
        raise WorkflowError(_("An empty item cannot be submitted."))
    with transaction.atomic():
        # Locked first: the issue cannot go to review while an item lands in it.
        _lock_issue_of(submission)
        transition(
            submission,
            "submit",
            by=by,
            submitted_at=timezone.now(),
            sent_headline=submission.headline,
            sent_body=submission.body,
            return_reason="",
        )
        notices.notify_submitted(submission=submission, by=by)
    return submission


def submission_withdraw(*, submission: Submission, by) -> Submission:
    transition(submission, "withdraw", by=by)
    return submission


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
        _lock_issue_of(submission)
        submission.require("accept", by)
        if headline is not None and body is not None:
            _save_text(
                submission=submission,
                headline=headline,
                body=body,
                by=by,
                version=submission.version if version is None else version,
            )
        transition(submission, "accept", by=by, comment=comment)
        notices.notify_accepted(submission=submission, by=by)
    return submission


def submission_return(*, submission: Submission, by, reason: str) -> Submission:
    reason = reason.strip()
    if not reason:
        raise WorkflowError(_("Say why the item is returned."))
    with transaction.atomic():
        _lock_issue_of(submission)
        transition(submission, "return", by=by, comment=reason, return_reason=reason)
        notices.notify_returned(submission=submission, by=by)
    return submission


def submission_not_use(*, submission: Submission, by, comment: str = "") -> Submission:
    """不采用: a submitted item not used, a returned one not waited for any longer, or
    an accepted one taken out of the issue again."""
    with transaction.atomic():
        _lock_issue_of(submission)
        transition(submission, "not_use", by=by, comment=comment)
    return submission
