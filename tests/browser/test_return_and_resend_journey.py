"""The approver returns an issue and the editor resends it; a returned item is given up."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from bulletin import services
from bulletin.models import Issue, Section, Submission
from tests.browser.conftest import login
from tests.conftest import make_user
from tests.factories import make_issue, make_section, make_series, make_submission


def answer_confirmations(page) -> list[str]:
    """Accept every data-confirm question (static/js/confirm.js); the questions asked."""
    questions: list[str] = []

    def accept(dialog) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return questions


def status_badge(page):
    """The state next to the page's heading (an issue's or an item's)."""
    return page.locator("h1 ~ .badge")


def test_approver_returns_editor_removes_and_edits_an_item_and_resends_approver_signs_off(
    live_server, page, department, other_department, transactional_db
):
    base = live_server.url
    clerk = make_user("clerk", "staff", department)
    other_clerk = make_user("other_clerk", "staff", other_department)
    editor = make_user("editor", "editor")
    approver = make_user("approver", "approver")
    issue = make_issue(
        make_series(default_send_to="各部门窗口。"),
        year=2024,
        number=13,
        total=473,
        status=Issue.Status.COLLECTING,
        send_to="各部门窗口。",
        print_count=50,
        period_start=datetime.date(2024, 3, 25),
        period_end=datetime.date(2024, 3, 29),
    )
    section = make_section(
        issue,
        title="大厅工作动态",
        kind=Section.Kind.ITEMS,
        call_deadline=timezone.now() + datetime.timedelta(days=1),
    )
    kept = make_submission(
        section,
        department,
        author=clerk,
        position=1,
        headline="交通运输厅开展节前安全检查。",
        body="先后检查了天府机场高速成都收费站、天府服务区。",
    )
    removed = make_submission(
        section,
        other_department,
        author=other_clerk,
        position=2,
        headline="水利厅推进取水许可电子证照应用。",
        body="累计发放取水许可电子证照120余张。",
    )
    for item, author in ((kept, clerk), (removed, other_clerk)):
        services.submission_submit(submission=item, by=author)
        services.submission_accept(submission=item, by=editor)
    services.issue_send_to_review(issue=issue, by=editor)
    questions = answer_confirmations(page)

    # The approver returns the issue with a comment.
    login(page, base, "approver")
    page.goto(f"{base}/issues/{issue.pk}/")
    expect(status_badge(page)).to_have_text("待签发")
    expect(page.locator("article.bulletin")).to_contain_text("水利厅推进取水许可电子证照应用。")
    returning = page.locator('form[action$="/return/"]')
    returning.locator('textarea[name="comment"]').fill("请删去第二条，第一条补充数据。")
    returning.get_by_role("button", name="退回编辑").click()
    expect(page.get_by_text("已退回编辑。")).to_be_visible()
    expect(status_badge(page)).to_have_text("编辑中")
    expect(page.locator(".timeline")).to_contain_text("请删去第二条，第一条补充数据。")

    # The editor takes the second item out and adds the figures to the first.
    login(page, base, "editor")
    page.goto(f"{base}/issues/{issue.pk}/")
    expect(page.locator(".timeline")).to_contain_text("请删去第二条，第一条补充数据。")
    page.get_by_role("link", name="组稿", exact=True).click()
    expect(page).to_have_url(f"{base}/issues/{issue.pk}/assemble/")
    items = page.locator("li.list-group-item")
    expect(items).to_have_count(2)
    items.filter(has_text="水利厅").get_by_role("button", name="移除").click()
    expect(page.get_by_text("已标记为不采用。")).to_be_visible()
    assert questions[-1] == "确定将此信息从本期中撤下（不采用）吗？"
    expect(items).to_have_count(1)
    expect(items).to_contain_text("交通运输厅")
    items.filter(has_text="交通运输厅").get_by_role("link", name="修改", exact=True).click()
    expect(page).to_have_url(f"{base}/issues/items/{kept.pk}/edit/")
    body = page.get_by_label("正文", exact=True)
    expect(body).to_have_value("先后检查了天府机场高速成都收费站、天府服务区。")
    body.fill("检查了天府机场高速成都收费站、天府服务区等3个点位。")
    # The editor's form saves the text; it neither drafts nor submits.
    expect(page.get_by_role("button", name="保存草稿")).to_have_count(0)
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("已保存：简报将印发修改后的文字。")).to_be_visible()

    page.goto(f"{base}/issues/{issue.pk}/")
    page.get_by_role("button", name="送审签发").click()
    expect(page.get_by_text("已送签发人审签。")).to_be_visible()
    assert questions[-1] == "确定将本期简报送签发人审签吗？"
    expect(status_badge(page)).to_have_text("待签发")
    bulletin = page.locator("article.bulletin")
    expect(bulletin).to_contain_text(
        "交通运输厅开展节前安全检查。检查了天府机场高速成都收费站、天府服务区等3个点位。"
    )
    expect(bulletin).not_to_contain_text("水利厅推进取水许可电子证照应用")
    expect(bulletin).not_to_contain_text("120余张")

    # The departments see what became of their items.
    login(page, base, "clerk")
    page.goto(f"{base}/issues/items/{kept.pk}/")
    expect(status_badge(page)).to_have_text("已采用")
    expect(page.get_by_role("heading", name="编辑修改之处")).to_be_visible()
    expect(page.locator(".diff del")).to_have_text("先后")
    expect(page.locator(".diff ins")).to_have_text("等3个点位")
    login(page, base, "other_clerk")
    page.goto(f"{base}/issues/items/{removed.pk}/")
    expect(status_badge(page)).to_have_text("未采用")

    # The approver sees the PDF as it will be printed and signs the issue off.
    login(page, base, "approver")
    page.goto(f"{base}/issues/{issue.pk}/")
    preview = page.locator('object[type="application/pdf"]')
    expect(preview).to_have_attribute("data", f"/issues/{issue.pk}/pdf/?inline=1")
    pdf = page.request.get(f"{base}/issues/{issue.pk}/pdf/?inline=1")
    assert pdf.ok
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    page.get_by_role("button", name="签发", exact=True).click()
    expect(page.get_by_text("已签发。")).to_be_visible()
    assert questions[-1] == "确定签发本期简报吗？印发日期将为今天。"
    expect(status_badge(page)).to_have_text("已签发")

    issue.refresh_from_db()
    assert issue.status == Issue.Status.APPROVED
    assert issue.approved_by == approver
    assert issue.issue_date == timezone.localdate()
    assert [(t.from_status, t.to_status, t.actor, t.comment) for t in issue.transitions.all()] == [
        ("collecting", "review", editor, ""),
        ("review", "editing", approver, "请删去第二条，第一条补充数据。"),
        ("editing", "review", editor, ""),
        ("review", "approved", approver, ""),
    ]
    kept.refresh_from_db()
    removed.refresh_from_db()
    assert kept.status == Submission.Status.ACCEPTED
    assert kept.body == "检查了天府机场高速成都收费站、天府服务区等3个点位。"
    assert removed.status == Submission.Status.NOT_USED
    assert removed.transitions.last().actor == editor


def test_returned_item_blocks_review_until_the_editor_marks_it_not_used(
    live_server, page, department, transactional_db
):
    base = live_server.url
    clerk = make_user("clerk", "staff", department)
    editor = make_user("editor", "editor")
    issue = make_issue(
        make_series(),
        year=2024,
        number=14,
        total=474,
        status=Issue.Status.COLLECTING,
        period_start=datetime.date(2024, 4, 1),
        period_end=datetime.date(2024, 4, 5),
    )
    section = make_section(
        issue,
        title="大厅工作动态",
        kind=Section.Kind.ITEMS,
        call_deadline=timezone.now() + datetime.timedelta(days=1),
    )
    item = make_submission(section, department, author=clerk, position=1)
    services.submission_submit(submission=item, by=clerk)
    questions = answer_confirmations(page)

    # The editor returns the item from the review queue.
    login(page, base, "editor")
    page.goto(f"{base}/issues/{issue.pk}/review/")
    card = page.locator(".card", has=page.locator('form[action$="/return/"]'))
    card.get_by_label("退回理由", exact=True).fill("请补充检查点位数量。")
    card.get_by_role("button", name="退回", exact=True).click()
    expect(page.get_by_text("已退回报送部门。")).to_be_visible()

    # Sending the issue to review is refused while the item has not come back.
    page.get_by_role("link", name="返回本期简报").click()
    expect(status_badge(page)).to_have_text("报送中")
    page.get_by_role("button", name="送审签发").click()
    expect(
        page.get_by_text(
            "还有1条退回的信息未重新报送：请等待部门报送，或在待审信息中标记为不采用，然后再送审。"
        )
    ).to_be_visible()
    assert questions[-1] == "确定将本期简报送签发人审签吗？"
    expect(status_badge(page)).to_have_text("报送中")
    issue.refresh_from_db()
    assert issue.status == Issue.Status.COLLECTING

    # The editor stops waiting for it: 不采用 in the review queue.
    page.get_by_role("link", name=re.compile(r"^待审信息")).click()
    expect(page).to_have_url(f"{base}/issues/{issue.pk}/review/")
    card = page.locator(".card", has=page.locator('form[action$="/not-used/"]'))
    expect(card).to_contain_text("请补充检查点位数量。")
    expect(card.locator(".badge")).to_have_text("已退回")
    expect(card).to_contain_text("已退回部门：该信息重新报送或标记为不采用后，本期方可送审。")
    card.locator('form[action$="/not-used/"] button').click()
    expect(page.get_by_text("已标记为不采用。")).to_be_visible()
    assert questions[-1] == "确定不采用该信息吗？"
    expect(page.get_by_text("没有待审信息。")).to_be_visible()

    # Now the issue goes to review.
    page.get_by_role("link", name="返回本期简报").click()
    page.get_by_role("button", name="送审签发").click()
    expect(page.get_by_text("已送签发人审签。")).to_be_visible()
    expect(status_badge(page)).to_have_text("待签发")

    item.refresh_from_db()
    assert item.status == Submission.Status.NOT_USED
    last = item.transitions.last()
    assert (last.from_status, last.to_status, last.actor) == ("returned", "not_used", editor)
    assert [(t.from_status, t.to_status) for t in item.transitions.all()] == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "not_used"),
    ]
    issue.refresh_from_db()
    assert issue.status == Issue.Status.REVIEW
    last = issue.transitions.last()
    assert (last.from_status, last.to_status, last.actor) == ("collecting", "review", editor)
