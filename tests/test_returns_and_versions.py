"""A refused return keeps what was typed; an item's versions say who saved what."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import pgettext

from bulletin import services
from bulletin.models import Issue, IssueTransition, Submission
from tests.conftest import make_user
from tests.factories import make_issue, make_section, make_series

Status = Submission.Status


@pytest.fixture
def issue(db):
    return make_issue(
        make_series(), year=2024, number=12, total=472, status=Issue.Status.COLLECTING
    )


@pytest.fixture
def section(issue):
    return make_section(
        issue, title="大厅工作动态", call_deadline=timezone.now() + datetime.timedelta(days=2)
    )


@pytest.fixture
def sent(section, department, clerk):
    item = services.submission_create(
        section=section,
        department=department,
        author=clerk,
        headline="交通运输厅优化窗口服务。",
        body="本周共受理业务1234件。",
        submit=True,
    )
    assert item.status == Status.SUBMITTED
    return item


@pytest.fixture
def other_editor(db):
    return make_user("editor2", "editor")


def post_return(client, item, reason: str, canned: str = "0"):
    url = reverse("bulletin:submission_return", args=[item.pk])
    return client.post(url, {"canned": canned, "reason": reason})


# --- the item's return --------------------------------------------------------------------


def test_an_item_return_refused_because_it_was_accepted_meanwhile_keeps_the_reason(
    client, editor, other_editor, sent
):
    services.submission_accept(submission=sent, by=other_editor)
    client.force_login(editor)
    response = post_return(client, sent, "请补充本周办结件数。")
    assert response.status_code == 409
    page = response.content.decode()
    assert "请补充本周办结件数。" in page
    assert escape(response.context["return_form"].non_field_errors()[0]) in page
    sent.refresh_from_db()
    assert (sent.status, sent.return_reason) == (Status.ACCEPTED, "")


def test_an_item_return_refused_because_another_editor_returned_it_keeps_both_reasons_apart(
    client, editor, other_editor, sent
):
    services.submission_return(submission=sent, by=other_editor, reason="标题请压缩。")
    client.force_login(editor)
    response = post_return(client, sent, "数字请核实。", canned="1")
    assert response.status_code == 409
    page = response.content.decode()
    kept = response.context["return_kept"]
    assert kept.endswith("数字请核实。") and len(kept) > len("数字请核实。")  # the canned one too
    assert escape(kept) in page
    sent.refresh_from_db()
    assert sent.return_reason == "标题请压缩。"
    assert sent.transitions.filter(to_status=Status.RETURNED).count() == 1


def test_an_item_return_without_a_reason_shows_its_form_again_with_the_message(
    client, editor, sent
):
    client.force_login(editor)
    response = post_return(client, sent, "   ")
    assert response.status_code == 200
    form = response.context["return_form"]
    assert response.context["return_for"] == sent.pk and form.non_field_errors()
    page = response.content.decode()
    assert escape(form.non_field_errors()[0]) in page
    # the form is the item's own, in the queue: nothing is shown above it to copy
    assert response.context["return_kept"] is None
    assert f'id="reason-{sent.pk}"' in page


def test_an_item_return_that_goes_through_still_redirects(client, editor, sent):
    client.force_login(editor)
    response = post_return(client, sent, "请补充图片。")
    assert response.status_code == 302
    sent.refresh_from_db()
    assert (sent.status, sent.return_reason) == (Status.RETURNED, "请补充图片。")


# --- the issue's return -------------------------------------------------------------------


@pytest.fixture
def in_review(issue, editor):
    services.issue_start_editing(issue=issue, by=editor)
    services.issue_send_to_review(issue=issue, by=editor)
    assert issue.status == Issue.Status.REVIEW
    return issue


def post_issue_return(client, issue, comment: str):
    return client.post(reverse("bulletin:issue_return", args=[issue.pk]), {"comment": comment})


def test_an_issue_return_refused_because_the_editor_recalled_it_keeps_the_comment(
    client, approver, editor, in_review
):
    services.issue_recall(issue=in_review, by=editor)
    client.force_login(approver)
    response = post_issue_return(client, in_review, "第二部分请压缩到两段。")
    assert response.status_code == 409
    page = response.content.decode()
    assert 'id="kept-comment"' in page and "第二部分请压缩到两段。" in page
    assert escape(response.context["return_form"].non_field_errors()[0]) in page
    in_review.refresh_from_db()
    assert in_review.status == Issue.Status.EDITING
    assert not IssueTransition.objects.filter(
        issue=in_review, to_status="editing", comment__contains="两段"
    )


def test_an_issue_return_refused_by_a_race_keeps_the_comment_in_its_own_form(
    client, approver, in_review, monkeypatch
):
    # the issue still reads as in review, but another approver's return commits first
    def returned_first(*, issue, by, comment):
        raise services.WorkflowError("另一位签发人刚刚退回了本期。")

    monkeypatch.setattr(services, "issue_return", returned_first)
    client.force_login(approver)
    response = post_issue_return(client, in_review, "请核对统计数字。")
    assert response.status_code == 409
    page = response.content.decode()
    assert "另一位签发人刚刚退回了本期。" in page
    assert 'id="return-comment"' in page and "请核对统计数字。" in page
    assert 'id="kept-comment"' not in page


def test_an_issue_return_without_a_comment_shows_the_form_with_the_message(
    client, approver, in_review
):
    client.force_login(approver)
    response = post_issue_return(client, in_review, "  ")
    assert response.status_code == 200
    form = response.context["return_form"]
    assert form.errors["comment"]
    assert escape(form.errors["comment"][0]) in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == Issue.Status.REVIEW


# --- the item's versions ------------------------------------------------------------------


def test_version_history_names_who_saved_each_text_and_ends_with_the_current_text(
    client, clerk, editor, section, department
):
    item = services.submission_create(
        section=section, department=department, author=clerk, headline="初稿标题。", body="第一稿。"
    )
    services.submission_update(
        submission=item, by=clerk, headline="初稿标题。", body="第二稿。", version=item.version
    )
    services.submission_submit(submission=item, by=clerk)
    services.submission_accept(
        submission=item, by=editor, headline="改后标题。", body="编辑改定稿。", version=item.version
    )
    client.force_login(clerk)
    response = client.get(reverse("bulletin:submission_detail", args=[item.pk]))
    history = response.context["history"]
    rows = [(v.number, v.text, v.saved_by, v.current) for v in history]
    assert rows == [
        (1, "初稿标题。第一稿。", clerk, False),
        (2, "初稿标题。第二稿。", clerk, False),
        (3, "改后标题。编辑改定稿。", editor, True),
    ]
    department_side = pgettext("who saved a text", "department")
    editor_side = pgettext("who saved a text", "editor")
    assert [v.side for v in history] == [department_side, department_side, editor_side]
    versions = list(item.versions.order_by("number"))
    assert history[0].saved_at == item.created_at
    assert [v.saved_at for v in history[1:]] == [row.saved_at for row in versions]
    # on the page, in that order, the current text last
    page = response.content.decode()
    positions = [page.index(text) for _, text, _, _ in rows[:2]]
    current = page.rindex("改后标题。编辑改定稿。")
    assert positions == sorted(positions) and current > positions[-1]
    assert page.count(f"（{department_side}）") == 2 and page.count(f"（{editor_side}）") == 1


def test_an_unchanged_item_lists_only_its_current_text_by_its_author(
    client, clerk, section, department
):
    item = services.submission_create(
        section=section, department=department, author=clerk, headline="", body="只有一稿。"
    )
    client.force_login(clerk)
    response = client.get(reverse("bulletin:submission_detail", args=[item.pk]))
    [only] = response.context["history"]
    assert (only.current, only.text, only.saved_by, only.number) == (True, "只有一稿。", clerk, 1)


def test_a_version_saved_by_a_removed_user_has_no_name_and_no_side(clerk, section, department):
    item = services.submission_create(
        section=section, department=department, author=None, headline="", body="无名稿。"
    )
    [only] = item.text_history([])
    assert only.saved_by is None and only.side == ""


def test_the_item_page_costs_the_same_queries_however_many_versions(
    client, clerk, section, department
):
    def item_with(saves: int) -> Submission:
        item = services.submission_create(
            section=section, department=department, author=clerk, headline="", body="稿0。"
        )
        for i in range(1, saves + 1):
            services.submission_update(
                submission=item, by=clerk, headline="", body=f"稿{i}。", version=item.version
            )
        return item

    def queries(item: Submission) -> int:
        url = reverse("bulletin:submission_detail", args=[item.pk])
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(clerk)
    few, many = item_with(1), item_with(8)
    queries(few)  # the session and the like, once
    assert queries(few) == queries(many)
