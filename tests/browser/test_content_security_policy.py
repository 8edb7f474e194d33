"""The Content-Security-Policy is on in the browser and nothing on the pages trips it."""

import re

from django.conf import settings
from playwright.sync_api import expect

from bulletin.importer import import_file
from bulletin.models import Issue
from tests.conftest import make_user
from tests.factories import make_issue, make_section


def test_the_editors_pages_run_under_the_policy_without_a_violation(
    live_server, page, transactional_db
):
    issued = import_file(settings.DEMO_SEEDS_DIR / "2023-38.txt")
    issue = make_issue(issued.series, year=2024, number=1, total=500, status=Issue.Status.EDITING)
    section = make_section(issue, title="本周概况")
    make_user("editor", "editor")
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_label(re.compile("用户名|Username")).fill("editor")
    page.get_by_label(re.compile("密码|Password")).fill("pw")
    page.locator("form button[type=submit]").click()
    for path in (
        "/issues/",
        f"/issues/{issued.pk}/",
        f"/issues/{issue.pk}/",
        f"/issues/{issue.pk}/assemble/",
        "/scoring/",
    ):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
    # A confirmation still comes from the app's script (no inline onsubmit): cancelling
    # it keeps the section.
    page.goto(f"{live_server.url}/issues/{issue.pk}/assemble/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator(f"form[action$='/sections/{section.pk}/delete/'] button").click()
    expect(page.get_by_text("本周概况").first).to_be_visible()
    assert issue.sections.filter(pk=section.pk).exists()
    assert violations == []
