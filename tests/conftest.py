import pytest

from departments.models import Department, User


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
