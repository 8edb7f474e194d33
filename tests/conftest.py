from io import StringIO

import pytest
from django.core.management import call_command

from departments.models import Department, Hall, User


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def department(db):
    return Department.objects.create(name="交通运输厅", display_order=10)


@pytest.fixture
def other_department(db):
    return Department.objects.create(name="水利厅", display_order=20)


def make_user(username: str, role: str, department=None, **extra) -> User:
    """A user; an editor, approver or scorer works for the default hall unless told,
    department staff for their department's."""
    if role == User.Role.STAFF and department is not None:
        extra.setdefault("hall", department.hall)
    elif not extra.get("is_superuser"):
        extra.setdefault("hall", Hall.objects.default())
    user = User(username=username, role=role, department=department, **extra)
    user.set_password("pw")
    user.save()
    return user


@pytest.fixture
def clerk(department):
    return make_user("clerk", User.Role.STAFF, department)


@pytest.fixture
def other_clerk(other_department):
    return make_user("other_clerk", User.Role.STAFF, other_department)


@pytest.fixture
def editor(db):
    return make_user("editor", User.Role.EDITOR)


@pytest.fixture
def approver(db):
    return make_user("approver", User.Role.APPROVER)


@pytest.fixture
def scorer(db):
    return make_user("scorer", User.Role.SCORER)


@pytest.fixture
def admin_user(db):
    return make_user("admin", User.Role.EDITOR, is_superuser=True, is_staff=True)


@pytest.fixture
def queued(settings, tmp_path):
    """Jobs wait in the table for the worker, as in production; a PDF download waits
    half a second for it before it shows the 正在生成 page."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path
    settings.PDF_WAIT_SECONDS = 0.5


def run_worker() -> str:
    """The project's worker (`manage.py worker`) once over what is queued."""
    out = StringIO()
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", stdout=out)
    return out.getvalue()
