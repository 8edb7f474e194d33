"""Who reaches what of the information-reporting assessment. Every view resolves its
object through one of these: outsiders (another hall, another department's unpublished
figures) get 404, who may see but not act gets 403. What may be done in which state is
each model's TRANSITIONS table."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from bulletin.adoption.models import AdoptionMonth, AdoptionProposal, Instruction
from bulletin.models import Issue, Submission
from departments.models import Department, User

Role = User.Role


def _authenticated(request: HttpRequest):
    if not request.user.is_authenticated:
        raise Http404
    return request.user


def get_adoption_month_for_user(
    request: HttpRequest, pk: int, *, role_for: str | None = None, every_line: bool = False
) -> AdoptionMonth:
    """A month of the user's hall; with `every_line`, only for who may see every
    department's figures (a department, another's unpublished ones: 404); with
    `role_for`, only for a role that takes that step (403 otherwise; the state is the
    service's to refuse)."""
    user = _authenticated(request)
    month = get_object_or_404(AdoptionMonth.objects.visible_to(user).select_related("hall"), pk=pk)
    if every_line and not month.sees_every_line(user):
        raise Http404
    if role_for is not None and not month.has_role_for(role_for, user):
        raise PermissionDenied
    return month


def get_item_for_user(request: HttpRequest, pk: int) -> Submission:
    """An item the user sees (bulletin's rules: a department its own, the centre's staff
    the sent items of their hall), and for a scorer, who sees every department's figures,
    the items printed in their hall's issued bulletins that the month's page links to."""
    user = _authenticated(request)
    seen = Q(pk__in=Submission.objects.visible_to(user).values("pk"))
    if user.has_role(Role.SCORER):
        printed = (
            Submission.objects.accepted()
            .filter(section__issue__status=Issue.Status.ISSUED)
            .filter(user.hall_q("section__issue__series__hall"))
        )
        seen |= Q(pk__in=printed.values("pk"))
    return get_object_or_404(
        Submission.objects.filter(seen).select_related("section__issue__series", "department"),
        pk=pk,
    )


def get_instruction_for_user(request: HttpRequest, pk: int) -> Instruction:
    """A 批示 on an item the user sees; recorded and removed by editors only."""
    user = _authenticated(request)
    instruction = get_object_or_404(
        Instruction.objects.filter(submission__in=Submission.objects.visible_to(user))
        .select_related("submission__section__issue__series"),
        pk=pk,
    )  # fmt: skip
    if not user.has_role(Role.EDITOR):
        raise PermissionDenied
    return instruction


def get_proposal_for_user(request: HttpRequest, pk: int, *, role_for: str) -> AdoptionProposal:
    """The window-ledger proposals are the centre's: a department does not see them."""
    user = _authenticated(request)
    if user.is_department_staff:
        raise Http404
    proposal = get_object_or_404(
        AdoptionProposal.objects.filter(user.hall_q("month__hall")).select_related(
            "month", "department"
        ),
        pk=pk,
    )
    if not proposal.has_role_for(role_for, user):
        raise PermissionDenied
    return proposal


def get_department_for_user(request: HttpRequest, pk: int) -> Department:
    user = _authenticated(request)
    return get_object_or_404(Department.objects.visible_to(user), pk=pk)


def working_hall(request: HttpRequest) -> int:
    return _authenticated(request).working_hall_id


def require_editor(request: HttpRequest) -> None:
    if not _authenticated(request).has_role(Role.EDITOR):
        raise PermissionDenied
