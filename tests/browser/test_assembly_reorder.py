from playwright.sync_api import expect

from bulletin.models import Issue, Section
from tests.browser.conftest import login
from tests.conftest import make_user
from tests.factories import make_issue, make_section, make_series


def test_editor_drags_a_section_by_its_handle_and_moves_one_down_with_the_keyboard(
    live_server, page, transactional_db
):
    make_user("editor", "editor")
    issue = make_issue(make_series(), year=2024, number=2, total=2, status=Issue.Status.EDITING)
    first, _, last = (
        make_section(issue, position=n, title=title, kind=Section.Kind.FREE)
        for n, title in enumerate(["综窗改革攻坚行动", "大厅工作动态", "政务资讯"], start=1)
    )
    login(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/issues/{issue.pk}/assemble/")

    rows = page.locator("#outline [data-reorder] > li")
    # A drag started on the title does nothing: only the handle moves a section.
    page.locator(f"#outline-{last.pk} a").drag_to(page.locator(f"#outline-{first.pk}"))
    assert issue.sections.first().title == "综窗改革攻坚行动"

    page.locator(f"#outline-{last.pk} [data-drag-handle]").drag_to(
        page.locator(f"#outline-{first.pk}")
    )
    expect(rows.first).to_contain_text("一、政务资讯")
    assert [s.title for s in issue.sections.all()] == [
        "政务资讯",
        "综窗改革攻坚行动",
        "大厅工作动态",
    ]

    # Without the mouse: focus the ↓ button of the first section and press Enter.
    rows.first.get_by_role("button", name="下移").focus()
    page.keyboard.press("Enter")
    expect(rows.first).to_contain_text("一、综窗改革攻坚行动")
    assert [s.title for s in issue.sections.all()] == [
        "综窗改革攻坚行动",
        "政务资讯",
        "大厅工作动态",
    ]
