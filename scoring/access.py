"""Who sees which lines of the window assessment. Every view resolves its object through
one of these helpers: outsiders get 404, people who may see but not change get 403.
What may be done in which state is each model's TRANSITIONS table.

Everything here is a hall's: another hall's months, entries, objections, rounds,
findings and departments are 404 (the models' visible_to and User.hall_q)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from departments.models import Department, User
from scoring.models import (
    InspectionItem,
    InspectionRound,
    Objection,
    ScoreEntry,
    ScoreMonth,
    ScoreNotice,
)


def _authenticated(request: HttpRequest):
    if not request.user.is_authenticated:
        raise Http404
    return request.user


def get_month_for_user(
    request: HttpRequest, pk: int, *, step: str | None = None, role_for: str | None = None
) -> ScoreMonth:
    """Every signed-in user sees a month (a department only its own lines until it is
    published); with `step`, only who may take it now, with `role_for`, only whose role
    takes that step at all."""
    _authenticated(request)
    month = get_object_or_404(ScoreMonth.objects.visible_to(request.user), pk=pk)
    if step is not None and not month.can(step, request.user):
        raise PermissionDenied
    if role_for is not None and not month.has_role_for(role_for, request.user):
        raise PermissionDenied
    return month


def get_entry_for_user(request: HttpRequest, pk: int) -> ScoreEntry:
    """A ledger entry: a department's own, or any for the centre's staff. A department
    does not see another's entries of a month before it is published either."""
    user = _authenticated(request)
    entries = ScoreEntry.objects.visible_to(user).select_related("month", "department")
    return get_object_or_404(entries, pk=pk)


def get_objection_for_user(request: HttpRequest, pk: int) -> Objection:
    user = _authenticated(request)
    objections = Objection.objects.visible_to(user).select_related("month", "department")
    return get_object_or_404(objections, pk=pk)


def get_notice_for_user(request: HttpRequest, pk: int) -> ScoreNotice:
    """A notice is its addressee's only."""
    user = _authenticated(request)
    return get_object_or_404(ScoreNotice, pk=pk, user=user)


def _require_inspector(user) -> None:
    if not user.has_role(User.Role.SCORER, User.Role.EDITOR):
        raise PermissionDenied


def get_round_for_user(request: HttpRequest, pk: int) -> InspectionRound:
    """Hall inspections are the scorers' and editors' work (once the round's month is
    frozen, round_save_findings refuses every change)."""
    user = _authenticated(request)
    _require_inspector(user)
    return get_object_or_404(InspectionRound.objects.visible_to(user), pk=pk)


def get_finding_for_user(
    request: HttpRequest, pk: int, *, role_for: str | None = None
) -> InspectionItem:
    user = _authenticated(request)
    _require_inspector(user)
    findings = InspectionItem.objects.filter(round__in=InspectionRound.objects.visible_to(user))
    finding = get_object_or_404(findings.select_related("round", "department"), pk=pk)
    if role_for is not None and not finding.has_role_for(role_for, user):
        raise PermissionDenied
    return finding


def get_department_for_user(request: HttpRequest, pk: int) -> Department:
    """A department of the user's hall."""
    return get_object_or_404(Department.objects.visible_to(_authenticated(request)), pk=pk)


def require_inspector(request: HttpRequest) -> None:
    _require_inspector(_authenticated(request))
