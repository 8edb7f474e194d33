"""The whole life of an item, as the people involved click through it."""

import datetime
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from bulletin.models import Issue, Section, Submission
from tests.browser.conftest import login
from tests.conftest import make_user
from tests.factories import make_issue, make_section, make_series


def test_item_from_clerk_through_return_accept_sign_off_to_issued_pdf(
    live_server, page, department, transactional_db
):
    base = live_server.url
    make_user("clerk", "staff", department)
    make_user("editor", "editor")
    make_user("approver", "approver")
    issue = make_issue(
        make_series(default_send_to="各部门窗口。"),
        year=2024,
        number=12,
        total=472,
        status=Issue.Status.COLLECTING,
        send_to="各部门窗口。",
        print_count=50,
        period_start=datetime.date(2024, 3, 18),
        period_end=datetime.date(2024, 3, 22),
    )
    make_section(
        issue,
        title="大厅工作动态",
        kind=Section.Kind.ITEMS,
        call_deadline=timezone.now() + datetime.timedelta(days=1),
    )
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations

    # The clerk writes and submits an item.
    login(page, base, "clerk")
    page.get_by_role("link", name="我的部门").click()
    page.get_by_role("link", name="撰写信息").click()
    page.get_by_label("标题句", exact=True).fill("交通运输厅开展节前安全检查。")
    page.get_by_label("正文", exact=True).fill("先后检查了天府机场高速成都收费站、天府服务区。")
    page.get_by_role("button", name="报送").click()
    expect(page.locator("main .badge")).to_have_text("已报送")

    # The editor returns it with a reason.
    login(page, base, "editor")
    page.goto(f"{base}/issues/{issue.pk}/review/")
    card = page.locator(".card", has=page.locator("textarea"))
    card.get_by_label("退回理由", exact=True).fill("请补充检查点位数量。")
    card.get_by_role("button", name="退回", exact=True).click()
    expect(page.get_by_text("已退回报送部门。")).to_be_visible()

    # The clerk sees the reason, edits and resubmits.
    login(page, base, "clerk")
    page.get_by_role("link", name="我的部门").click()
    expect(page.get_by_text("请补充检查点位数量。")).to_be_visible()
    page.get_by_role("link", name=re.compile("交通运输厅开展节前安全检查")).click()
    page.get_by_role("link", name="修改").click()
    page.get_by_label("正文", exact=True).fill(
        "先后检查了天府机场高速成都收费站、天府服务区等3个点位。"
    )
    page.get_by_role("button", name="报送").click()
    expect(page.locator("main .badge")).to_have_text("已报送")

    # The editor accepts it with an edit and sends the issue for sign-off.
    login(page, base, "editor")
    page.goto(f"{base}/issues/{issue.pk}/review/")
    page.get_by_label("正文", exact=True).fill("检查了成都收费站、天府服务区等3个重点点位。")
    page.get_by_role("button", name="采用（按上述修改）").click()
    expect(page.get_by_text("没有待审信息。")).to_be_visible()
    page.get_by_role("link", name="返回本期简报").click()
    page.get_by_role("button", name="送审签发").click()
    expect(page.get_by_text("已送签发人审签。")).to_be_visible()

    # The approver signs it off; the editor issues it.
    login(page, base, "approver")
    page.goto(f"{base}/issues/{issue.pk}/")
    page.get_by_role("button", name="签发", exact=True).click()
    expect(page.get_by_text("已签发。")).to_be_visible()
    login(page, base, "editor")
    page.goto(f"{base}/issues/{issue.pk}/")
    page.get_by_role("button", name="印发", exact=True).click()
    expect(page.get_by_text("已印发，本期简报已定稿。")).to_be_visible()
    issue.refresh_from_db()
    assert issue.status == Issue.Status.ISSUED
    assert issue.issue_date == timezone.localdate()

    # The clerk reads the bulletin, downloads the PDF and sees what the editor changed.
    login(page, base, "clerk")
    page.goto(f"{base}/issues/{issue.pk}/")
    expect(page.locator("article.bulletin")).to_contain_text(
        "检查了成都收费站、天府服务区等3个重点点位。"
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="下载PDF").click()
    assert download.value.suggested_filename == "窗口工作周报2024年第12期.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    item = Submission.objects.get()
    page.goto(f"{base}/issues/items/{item.pk}/")
    expect(page.locator("del").first).to_have_text("先后")
    expect(page.locator("del").nth(1)).to_have_text("天府机场高速")
    expect(page.locator("ins")).to_have_text("重点")
