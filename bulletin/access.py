"""Who may see and change what in the editorial domain. Every view resolves its object
through one of these helpers.

Outsiders get 404 (they must not learn that another department's draft exists); people
who may see an object but not change it get 403. What may be done to an object in its
state is the model's TRANSITIONS table, asked through `obj.can(step, user)`.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from bulletin.models import Issue, LeaderVisit, Notice, Section, Submission


def _authenticated(request: HttpRequest):
    if not request.user.is_authenticated:
        raise Http404
    return request.user


def _authorise(request: HttpRequest, obj, step: str | None, role_for: str | None) -> None:
    """403 unless the user may take `step` now, or (`role_for`) has a role that takes
    that step at all; whether the state allows it is then the service's to say.

    A form posted with `step` is checked for the role only: the service checks the state
    again under the row lock and refuses with a message in the form, so what the user
    typed on a page opened before the issue moved on is not lost to a bare 403.
    """
    if step is not None and request.method == "POST":
        step, role_for = None, step
    if step is not None and not obj.can(step, request.user):
        raise PermissionDenied
    if role_for is not None and not obj.has_role_for(role_for, request.user):
        raise PermissionDenied


def get_issue_for_user(
    request: HttpRequest, pk: int, *, step: str | None = None, role_for: str | None = None
) -> Issue:
    """The issue if the user may see it; with `step`, only if they may take it now."""
    issue = get_object_or_404(
        Issue.objects.visible_to(_authenticated(request)).select_related("series"), pk=pk
    )
    _authorise(request, issue, step, role_for)
    return issue


def get_section_for_user(request: HttpRequest, pk: int, *, step: str | None = None) -> Section:
    """A section of an issue the user may see; with `step`, a step of its issue."""
    user = _authenticated(request)
    section = get_object_or_404(
        Section.objects.filter(issue__in=Issue.objects.visible_to(user)).select_related(
            "issue__series"
        ),
        pk=pk,
    )
    _authorise(request, section.issue, step, None)
    return section


def get_submission_for_user(
    request: HttpRequest, pk: int, *, step: str | None = None, role_for: str | None = None
) -> Submission:
    """An item the user may see (drafts only in their department); with `step`, only if
    they may take that step now."""
    submission = get_object_or_404(
        Submission.objects.visible_to(_authenticated(request)).select_related(
            "section__issue__series", "department"
        ),
        pk=pk,
    )
    _authorise(request, submission, step, role_for)
    return submission


def get_notice_for_user(request: HttpRequest, pk: int) -> Notice:
    """A notice is its addressee's only."""
    return get_object_or_404(
        Notice.objects.select_related("issue"), pk=pk, user=_authenticated(request)
    )


def get_visit_for_user(request: HttpRequest, pk: int, *, for_change: bool = False) -> LeaderVisit:
    """A leader visit of the user's own department; once an issue past editing reports
    it, it is on paper and read-only (a form posted meanwhile is refused by visit_save,
    with the typed text kept)."""
    user = _authenticated(request)
    visit = get_object_or_404(
        LeaderVisit.objects.select_related("issue"),
        pk=pk,
        department_id=user.department_id if user.is_department_staff else -1,
    )
    if for_change and request.method != "POST" and not visit.editable:
        raise PermissionDenied
    return visit
