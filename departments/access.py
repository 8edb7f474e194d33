"""The role checks every app's access helpers build on.

Outsiders get 404 (they must not learn that an object exists); people who may see an
object but not change it get 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404


def require_role(user, *roles: str) -> None:
    """Raise 403 unless the user has one of the roles (superusers always pass)."""
    if not user.is_authenticated:
        raise Http404
    if not user.has_role(*roles):
        raise PermissionDenied


def require_department_staff(user) -> None:
    """Pages of a department window: only its staff (administrators have no department)."""
    if not user.is_authenticated:
        raise Http404
    if not user.is_department_staff:
        raise PermissionDenied
