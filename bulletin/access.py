"""Who may see and change what. Every view resolves its object through one of these.

Outsiders get 404 (they must not learn that another department's draft exists);
people who may see an object but not change it get 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from bulletin.models import Issue, Submission


def can_edit_issue(user, issue: Issue) -> bool:
    """Editors change an issue until it goes to review; after that it is the approver's."""
    return user.is_authenticated and user.is_editor and issue.status in Issue.TAKES_SUBMISSIONS


def can_change_submission(user, submission: Submission) -> bool:
    """Departments change their own drafts and returned items while the issue takes
    them; editors the items sent to them, until the issue goes to review."""
    if not user.is_authenticated:
        return False
    takes = submission.section.issue.status in Issue.TAKES_SUBMISSIONS
    if user.is_department_staff:
        return (
            submission.department_id == user.department_id
            and submission.is_editable_by_department
            and takes
        )
    return user.is_editor and takes and submission.status != Submission.Status.DRAFT


def get_issue_for_user(request: HttpRequest, pk: int, *, for_change: bool = False) -> Issue:
    issue = get_object_or_404(
        Issue.objects.visible_to(request.user).select_related("series"), pk=pk
    )
    if for_change and not can_edit_issue(request.user, issue):
        raise PermissionDenied
    return issue


def get_submission_for_user(
    request: HttpRequest, pk: int, *, for_change: bool = False
) -> Submission:
    submission = get_object_or_404(
        Submission.objects.visible_to(request.user).select_related(
            "section__issue__series", "department"
        ),
        pk=pk,
    )
    if for_change and not can_change_submission(request.user, submission):
        raise PermissionDenied
    return submission
