from playwright.sync_api import expect

from bulletin.models import Issue, Section
from tests.conftest import make_user
from tests.factories import make_issue, make_section, make_series


def test_editor_drags_a_section_to_the_top_and_moves_one_down_with_the_keyboard(
    live_server, page, transactional_db
):
    make_user("editor", "editor")
    issue = make_issue(make_series(), year=2024, number=2, total=2, status=Issue.Status.EDITING)
    first, _, last = (
        make_section(issue, position=n, title=title, kind=Section.Kind.FREE)
        for n, title in enumerate(["综窗改革攻坚行动", "大厅工作动态", "政务资讯"], start=1)
    )
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill("editor")
    page.locator("#id_password").fill("pw")
    page.locator("form button[type=submit]").click()
    page.goto(f"{live_server.url}/issues/{issue.pk}/assemble/")

    cards = page.locator("[data-reorder] > .card")
    page.locator(f"#section-{last.pk}").drag_to(page.locator(f"#section-{first.pk}"))
    expect(page.locator("[data-reorder] > .card h2").first).to_contain_text("一、政务资讯")
    assert [s.title for s in issue.sections.all()] == [
        "政务资讯",
        "综窗改革攻坚行动",
        "大厅工作动态",
    ]

    # Without the mouse: focus the ↓ button of the first section and press Enter.
    cards.first.get_by_role("button", name="下移").focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-reorder] > .card h2").first).to_contain_text("一、综窗改革攻坚行动")
    assert [s.title for s in issue.sections.all()] == [
        "综窗改革攻坚行动",
        "政务资讯",
        "大厅工作动态",
    ]
