"""Security settings a deployment relies on: CSP, cookies, check --deploy.

Login throttling has its own module, tests/test_login_throttle.py.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_CODE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style", re.I), "<style> element"),
]


def test_templates_have_no_inline_scripts_or_styles():
    # The Content-Security-Policy allows only files served by the app; anything inline
    # would silently stop working in the browser.
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE_CODE:
            if pattern.search(text):
                found.append(f"{path.relative_to(TEMPLATES)}: {what}")
    assert found == []


def test_every_page_sends_a_content_security_policy_without_unsafe_sources(client, editor):
    client.force_login(editor)
    response = client.get(reverse("bulletin:issue_list"))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert "unsafe" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_every_asset_a_page_links_is_served_by_the_app(client, editor):
    client.force_login(editor)
    html = client.get(reverse("bulletin:issue_list")).content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:css|js|svg|woff2?|otf|ttf))"', html)
    assert assets, "the page links no assets at all"
    for url in assets:
        assert url.startswith(settings.STATIC_URL) or url.startswith("/" + settings.STATIC_URL)
        assert finders.find(url.split(settings.STATIC_URL, 1)[1]), url


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_session_and_csrf_cookies_are_httponly_and_end_with_the_browser(client, editor):
    client.get(reverse("login"))
    response = login(client, "editor", "pw")
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"]
    assert session["max-age"] == ""  # a browser-session cookie
    assert client.cookies[settings.CSRF_COOKIE_NAME]["httponly"]
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_deploy_check_is_clean_under_production_settings(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTEST_VERSION", "DEBUG", "JIANBAO_DEMO", "TLS", "DATABASE_URL"}
        and key != "DJANGO_ALLOW_ASYNC_UNSAFE"  # set for the browser tests
    }
    env.update(
        DEBUG="0",
        JIANBAO_DEMO="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="jianbao.example.gov.cn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout
