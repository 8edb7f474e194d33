"""A notice arrives at every hand-off, and the editor's board counts along the way.

Three people in their own browsers — a department clerk, an editor and an approver —
take one item from submitted through returned, resubmitted, accepted with edits, an
issue sent for sign-off, returned by the approver, signed off and issued. After each
step the recipient's notices page (and the navbar's unread badge) shows the new notice,
and the editor's completeness board shows the department's cell as it now is.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bulletin.models import Issue, Notice, RecipientGroup, Section, Submission
from tests.browser.conftest import login
from tests.conftest import make_user
from tests.factories import make_issue, make_section, make_series


@pytest.fixture
def open_browser(browser):
    """A browser context of its own per person (zh-CN), closed at the end."""
    contexts = []

    def open_(base: str, username: str):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm questions
        login(page, base, username)
        return page

    yield open_
    for context in contexts:
        context.close()


def unread_badge(page):
    """The unread count next to 通知 in the navbar."""
    return page.locator("nav").get_by_role("link", name=re.compile("^通知")).locator(".badge")


def expect_notices(page, base: str, kinds: dict[str, int], newest: str, unread: int) -> None:
    """The notices page lists `kinds` (badge label -> how many), the newest reading
    `newest`; the navbar counts `unread` unread notices."""
    page.goto(f"{base}/issues/notices/")
    expect(unread_badge(page)).to_have_text(re.compile(rf"^{unread}\s*未读$"))
    notices = page.locator("ul.list-group > li.list-group-item")
    expect(notices).to_have_count(sum(kinds.values()))
    for label, count in kinds.items():
        expect(notices.filter(has=page.locator(".badge", has_text=label))).to_have_count(count)
    # Newest first, and unread (bold).
    expect(notices.first).to_contain_text(newest)
    expect(notices.first).to_have_class(re.compile(r"\bfw-bold\b"))


def expect_board(page, base: str, issue: Issue, cell: str, returned_listed: bool) -> None:
    """The department's cell on the editor's completeness board."""
    page.goto(f"{base}/issues/{issue.pk}/board/")
    row = page.locator("table.board tbody tr", has=page.get_by_role("rowheader", name="交通运输厅"))
    expect(row.locator("td")).to_have_text(re.compile(rf"^\s*{cell}\s*$"))
    # The list of returned items not back yet (the cell itself is td.board-returned too).
    returned = page.locator("ul.board-returned > li")
    expect(returned).to_have_count(1 if returned_listed else 0)
    if returned_listed:
        expect(returned).to_contain_text("请补充检查点位数量。")


def test_a_notice_arrives_at_every_hand_off_and_the_board_counts_along(
    live_server, open_browser, department, transactional_db
):
    base = live_server.url
    make_user("clerk", "staff", department)
    editor_user = make_user("editor", "editor")
    make_user("approver", "approver")
    group = RecipientGroup.objects.create(name="各部门窗口", send_to="各部门窗口。")
    group.departments.add(department)
    issue = make_issue(
        make_series(default_send_to="各部门窗口。"),
        year=2024,
        number=15,
        total=475,
        status=Issue.Status.COLLECTING,
        send_to="各部门窗口。",
        print_count=50,
        recipient_group=group,
        period_start=datetime.date(2024, 4, 8),
        period_end=datetime.date(2024, 4, 12),
    )
    make_section(
        issue,
        title="大厅工作动态",
        kind=Section.Kind.ITEMS,
        call_deadline=timezone.now() + datetime.timedelta(days=1),
    )
    name = "窗口工作周报2024年第15期"
    clerk = open_browser(base, "clerk")
    editor = open_browser(base, "editor")
    approver = open_browser(base, "approver")

    # Before anything: the department has sent nothing, and nobody has a notice.
    expect_board(editor, base, issue, "未报送", returned_listed=False)
    for page in (clerk, editor, approver):
        page.goto(f"{base}/issues/notices/")
        expect(unread_badge(page)).to_have_count(0)
        expect(page.get_by_text("暂无通知")).to_be_visible()

    # 1. The clerk submits an item: the editor is told.
    clerk.get_by_role("link", name="我的部门").click()
    clerk.get_by_role("link", name="撰写信息").click()
    clerk.get_by_label("标题句", exact=True).fill("交通运输厅开展节前安全检查。")
    clerk.get_by_label("正文", exact=True).fill("先后检查了天府机场高速成都收费站、天府服务区。")
    clerk.get_by_role("button", name="报送").click()
    expect(clerk.locator("main .badge")).to_have_text("已报送")
    expect_notices(
        editor,
        base,
        {"信息已报送": 1},
        newest=f"交通运输厅向{name}“大厅工作动态”栏目报送了“交通运输厅开展节前安全检查。",
        unread=1,
    )
    expect_board(editor, base, issue, "已报送 1", returned_listed=False)

    # 2. The editor returns it with a reason: the clerk is told, with the reason.
    editor.goto(f"{base}/issues/{issue.pk}/review/")
    card = editor.locator(".card", has=editor.locator("textarea"))
    card.get_by_label("退回理由", exact=True).fill("请补充检查点位数量。")
    card.get_by_role("button", name="退回", exact=True).click()
    expect(editor.get_by_text("已退回报送部门。")).to_be_visible()
    expect_notices(
        clerk, base, {"信息被退回": 1}, newest="已被退回：请补充检查点位数量。", unread=1
    )
    expect_board(editor, base, issue, "已退回 1", returned_listed=True)

    # 3. The clerk edits and resubmits: the editor is told again.
    clerk.get_by_role("link", name="我的部门").click()
    clerk.get_by_role("link", name=re.compile("交通运输厅开展节前安全检查")).click()
    clerk.get_by_role("link", name="修改").click()
    clerk.get_by_label("正文", exact=True).fill(
        "先后检查了天府机场高速成都收费站、天府服务区等3个点位。"
    )
    clerk.get_by_role("button", name="报送").click()
    expect(clerk.locator("main .badge")).to_have_text("已报送")
    expect_notices(editor, base, {"信息已报送": 2}, newest="交通运输厅开展节前安全检查。", unread=2)
    expect_board(editor, base, issue, "已报送 1", returned_listed=False)

    # 4. The editor accepts it with an edit: the clerk is told it was changed.
    editor.goto(f"{base}/issues/{issue.pk}/review/")
    editor.get_by_label("正文", exact=True).fill("检查了成都收费站、天府服务区等3个重点点位。")
    editor.get_by_role("button", name="采用（按上述修改）").click()
    expect(editor.get_by_text("没有待审信息。")).to_be_visible()
    expect_notices(
        clerk,
        base,
        {"信息被退回": 1, "信息已采用": 1},
        newest="已采用，编辑作了修改，打开可查看改动。",
        unread=2,
    )
    expect_board(editor, base, issue, "已采用 1", returned_listed=False)

    # 5. The editor sends the issue for sign-off: the approver is told.
    editor.goto(f"{base}/issues/{issue.pk}/")
    editor.get_by_role("button", name="送审签发").click()
    expect(editor.get_by_text("已送签发人审签。")).to_be_visible()
    expect_notices(approver, base, {"送审签发": 1}, newest=f"{name}已送请您审签。", unread=1)

    # 6. The approver returns it with a comment: the editors are told, with the comment.
    approver.goto(f"{base}/issues/{issue.pk}/")
    returning = approver.locator('form[action$="/return/"]')
    returning.locator('textarea[name="comment"]').fill("请核实点位数量。")
    returning.get_by_role("button", name="退回编辑").click()
    expect(approver.get_by_text("已退回编辑。")).to_be_visible()
    expect_notices(
        editor,
        base,
        {"信息已报送": 2, "签发人退回": 1},
        newest=f"{name}被签发人退回：请核实点位数量。",
        unread=3,
    )

    # The editor reads everything so far; the badge goes.
    editor.get_by_role("button", name="全部标为已读").click()
    expect(unread_badge(editor)).to_have_count(0)

    # 7. The editor sends it again: the approver gets a second notice.
    editor.goto(f"{base}/issues/{issue.pk}/")
    editor.get_by_role("button", name="送审签发").click()
    expect(editor.get_by_text("已送签发人审签。")).to_be_visible()
    expect_notices(approver, base, {"送审签发": 2}, newest=f"{name}已送请您审签。", unread=2)

    # 8. The approver signs it off: the editors are told it can be issued.
    approver.goto(f"{base}/issues/{issue.pk}/")
    approver.get_by_role("button", name="签发", exact=True).click()
    expect(approver.get_by_text("已签发。")).to_be_visible()
    expect_notices(
        editor,
        base,
        {"信息已报送": 2, "签发人退回": 1, "已签发": 1},
        newest=f"{name}已签发，可以印发。",
        unread=1,
    )

    # 9. The editor issues it: the recipient department's staff are told.
    editor.goto(f"{base}/issues/{issue.pk}/")
    editor.get_by_role("button", name="印发", exact=True).click()
    expect(editor.get_by_text("已印发，本期简报已定稿。")).to_be_visible()
    expect_notices(
        clerk,
        base,
        {"信息被退回": 1, "信息已采用": 1, "已印发简报": 1},
        newest="《窗口工作周报》2024年第15期（总第475期）已印发。",
        unread=3,
    )
    expect_board(editor, base, issue, "已采用 1", returned_listed=False)

    # Nobody was told of their own step, and each notice went to whom it should.
    issue.refresh_from_db()
    assert issue.status == Issue.Status.ISSUED
    assert Submission.objects.get().status == Submission.Status.ACCEPTED
    assert list(Notice.objects.order_by("pk").values_list("user__username", "kind")) == [
        ("editor", "submitted"),
        ("clerk", "returned"),
        ("editor", "submitted"),
        ("clerk", "accepted"),
        ("approver", "review"),
        ("editor", "sent_back"),
        ("approver", "review"),
        ("editor", "approved"),
        ("clerk", "issued"),
    ]
    assert not Notice.objects.filter(user=editor_user, kind__in=["review", "returned"]).exists()
