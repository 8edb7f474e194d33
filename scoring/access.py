"""Who sees which lines of the window assessment."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from scoring.models import ScoreMonth


def get_month_for_user(request, pk: int) -> ScoreMonth:
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(ScoreMonth, pk=pk)


def sees_every_line(user, month: ScoreMonth) -> bool:
    """Department staff see only their own lines until the month is published."""
    if not user.is_department_staff:
        return True
    return month.status != ScoreMonth.Status.OPEN


def require_scorer(user) -> None:
    if not user.is_scorer:
        raise PermissionDenied
