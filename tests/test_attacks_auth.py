"""Authentication: anonymous visitors are sent to the login page, redirects stay on the
site, the admin is for superusers only, and weak passwords are refused.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import get_default_password_validators
from django.test import Client

from departments.models import User
from tests.attack_world import build_world, fill, project_routes

# /health/ is for monitoring and load balancers: no login, no data (tests/test_health.py);
# /favicon.ico is the shipped icon, which browsers ask for before anyone signs in.
PUBLIC = {"login", "health", "favicon"}
EVIL = ["https://evil.example", "//evil.example/x", "/\\evil.example", "https:evil.example",
        "javascript:alert(1)", "\\\\evil.example"]  # fmt: skip


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.parametrize("route", [r for r in project_routes() if r.name not in PUBLIC],
                         ids=lambda r: r.name)  # fmt: skip
def test_every_page_sends_anonymous_visitors_to_the_login(world, route):
    values = {name: (2024 if name == "year" else world.obj["issue"].pk)
              for _, name in route.converters}  # fmt: skip
    url = fill(route.route, values)
    for method in ("get", "post"):
        response = getattr(Client(), method)(url)
        if response.status_code == 405:
            continue
        assert response.status_code == 302, (method, url)
        location = response["Location"]
        assert location.startswith("/login/"), (method, url, location)


@pytest.mark.parametrize("target", EVIL)
def test_login_never_redirects_off_site(world, target):
    client = Client()
    response = client.post("/login/?next=" + target,
                           {"username": "clerk", "password": "pw", "next": target})  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == "/issues/"
    page = Client().get("/login/", {"next": target})
    assert page.status_code == 200


def test_login_follows_a_next_on_the_site(world):
    response = Client().post("/login/", {"username": "clerk", "password": "pw",
                                         "next": "/issues/my/"})  # fmt: skip
    assert response["Location"] == "/issues/my/"


@pytest.mark.parametrize("target", EVIL)
def test_logout_never_redirects_off_site(world, target):
    client = Client()
    client.force_login(world.users["clerk"])
    response = client.post("/logout/?next=" + target, {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/login/"


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_login_with_nul_or_a_huge_username_is_a_form_error(world, url):
    for username in ["cl\x00erk", "x" * 100_000]:
        response = Client().post(url, {"username": username, "password": "pw"})
        assert response.status_code == 200
        assert response.context["form"].errors["username"]


@pytest.mark.parametrize("role", ["clerk", "editor", "approver", "scorer"])
def test_the_admin_is_not_reachable_by_staff(world, role):
    client = Client()
    client.force_login(world.users[role])
    for url in ["/admin/", "/admin/departments/user/", "/admin/bulletin/issue/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    # Their own password does not open it either.
    visitor = Client()
    response = visitor.post("/admin/login/?next=/admin/",
                            {"username": world.users[role].username, "password": "pw"})  # fmt: skip
    assert response.status_code == 200
    assert "_auth_user_id" not in visitor.session


def test_the_admin_is_reachable_by_a_superuser(world):
    client = Client()
    client.force_login(world.users["admin"])
    assert client.get("/admin/").status_code == 200


def test_password_validators_are_active():
    names = {type(v).__name__ for v in get_default_password_validators()}
    assert {"MinimumLengthValidator", "CommonPasswordValidator",
            "NumericPasswordValidator", "UserAttributeSimilarityValidator"} <= names  # fmt: skip


@pytest.mark.parametrize("weak", ["pw", "12345678", "password", "zhangsan01"])
def test_the_admin_refuses_a_weak_password_for_a_new_user(world, weak):
    client = Client()
    client.force_login(world.users["admin"])
    response = client.post("/admin/departments/user/add/", {
        "username": "zhangsan01", "password1": weak, "password2": weak, "usable_password": "true",
        "role": "editor",
    })  # fmt: skip
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.get("password2")
    assert not User.objects.filter(username="zhangsan01").exists()


def test_the_admin_refuses_a_weak_password_change(world):
    client = Client()
    client.force_login(world.users["admin"])
    clerk = world.users["clerk"]
    url = f"/admin/departments/user/{clerk.pk}/password/"
    response = client.post(url, {"password1": "123456", "password2": "123456"})
    assert response.status_code == 200
    clerk.refresh_from_db()
    assert clerk.check_password("pw")
    strong = "Zheng-wu-fu-wu-2024"
    assert client.post(url, {"password1": strong, "password2": strong}).status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password(strong)
