import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletin import services
from bulletin.models import Issue, IssueTransition, Section, Submission, SubmissionTransition
from tests.factories import make_issue, make_section, make_series

Status = Submission.Status


@pytest.fixture
def issue(db):
    series = make_series(default_send_to="各部门窗口。", default_print_count=60)
    return make_issue(series, year=2024, number=10, total=470, status=Issue.Status.COLLECTING)


@pytest.fixture
def section(issue):
    return make_section(
        issue,
        title="大厅工作动态",
        kind=Section.Kind.ITEMS,
        call_deadline=timezone.now() + datetime.timedelta(days=2),
    )


@pytest.fixture
def draft(section, department, clerk):
    return services.submission_create(
        section=section,
        department=department,
        author=clerk,
        headline="交通运输厅开展节前安全检查。",
        body="先后检查了天府机场高速成都收费站。",
    )


def test_clerk_submits_editor_returns_clerk_resubmits_editor_accepts_with_an_edit(
    draft, clerk, editor
):
    services.submission_submit(submission=draft, by=clerk)
    services.submission_return(submission=draft, by=editor, reason="请补充检查点位数量。")
    assert draft.status == Status.RETURNED and draft.return_reason == "请补充检查点位数量。"
    services.submission_update(
        submission=draft,
        by=clerk,
        headline=draft.headline,
        body="先后检查了天府机场高速成都收费站等3个点位。",
        version=draft.version,
    )
    services.submission_submit(submission=draft, by=clerk)
    assert draft.return_reason == ""
    services.submission_accept(
        submission=draft,
        by=editor,
        headline=draft.headline,
        body="先后检查了成都收费站等3个点位。",
        version=draft.version,
    )
    assert draft.status == Status.ACCEPTED
    assert draft.sent_body == "先后检查了天府机场高速成都收费站等3个点位。"
    assert draft.body == "先后检查了成都收费站等3个点位。"
    steps = [(t.from_status, t.to_status, t.actor.username) for t in draft.transitions.all()]
    assert steps == [
        ("draft", "submitted", "clerk"),
        ("submitted", "returned", "editor"),
        ("returned", "submitted", "clerk"),
        ("submitted", "accepted", "editor"),
    ]
    assert [v.body for v in draft.versions.order_by("number")] == [
        "先后检查了天府机场高速成都收费站。",
        "先后检查了天府机场高速成都收费站等3个点位。",
    ]


SUBMISSION_STEPS = {
    # step: (statuses it starts from, status it leads to)
    "submit": ({Status.DRAFT, Status.RETURNED}, Status.SUBMITTED),
    "withdraw": ({Status.SUBMITTED}, Status.DRAFT),
    "accept": ({Status.SUBMITTED}, Status.ACCEPTED),
    "return": ({Status.SUBMITTED}, Status.RETURNED),
    "not_use": ({Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED}, Status.NOT_USED),
}


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("step", SUBMISSION_STEPS)
def test_every_submission_transition_is_legal_or_refused(draft, clerk, editor, status, step):
    Submission.objects.filter(pk=draft.pk).update(status=status, return_reason="原因")
    draft.refresh_from_db()
    calls = {
        "submit": lambda: services.submission_submit(submission=draft, by=clerk),
        "withdraw": lambda: services.submission_withdraw(submission=draft, by=clerk),
        "accept": lambda: services.submission_accept(submission=draft, by=editor),
        "return": lambda: services.submission_return(submission=draft, by=editor, reason="r"),
        "not_use": lambda: services.submission_not_use(submission=draft, by=editor),
    }
    sources, target = SUBMISSION_STEPS[step]
    if status in sources:
        calls[step]()
        draft.refresh_from_db()
        assert draft.status == target
        assert draft.transitions.get().to_status == target
    else:
        with pytest.raises(services.WorkflowError):
            calls[step]()
        draft.refresh_from_db()
        assert draft.status == status
        assert not SubmissionTransition.objects.filter(submission=draft).exists()


def test_return_needs_a_reason(draft, clerk, editor):
    services.submission_submit(submission=draft, by=clerk)
    with pytest.raises(services.WorkflowError):
        services.submission_return(submission=draft, by=editor, reason="   ")
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_a_double_click_accepts_once(draft, clerk, editor):
    services.submission_submit(submission=draft, by=clerk)
    stale = Submission.objects.get(pk=draft.pk)
    services.submission_accept(submission=draft, by=editor)
    with pytest.raises(services.Conflict):
        services.submission_accept(submission=stale, by=editor)
    assert draft.transitions.filter(to_status="accepted").count() == 1


def test_a_save_based_on_an_old_version_is_refused(draft, clerk, other_clerk):
    version = draft.version
    services.submission_update(
        submission=draft, by=clerk, headline="A。", body="第一人的修改。", version=version
    )
    stale = Submission.objects.get(pk=draft.pk)
    stale.version = version  # the second person started from the old text
    with pytest.raises(services.Conflict):
        services.submission_update(
            submission=stale, by=clerk, headline="B。", body="第二人的修改。", version=version
        )
    draft.refresh_from_db()
    assert draft.body == "第一人的修改。"


def test_nothing_is_submitted_to_an_issue_in_review(draft, clerk, editor, issue):
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.REVIEW)
    draft.refresh_from_db()
    with pytest.raises(services.WorkflowError):
        services.submission_submit(submission=draft, by=clerk)


def test_issue_cannot_go_to_review_while_an_item_waits(draft, clerk, editor, issue):
    services.submission_submit(submission=draft, by=clerk)
    with pytest.raises(services.WorkflowError, match="1"):
        services.issue_send_to_review(issue=issue, by=editor)
    services.submission_accept(submission=draft, by=editor)
    services.issue_send_to_review(issue=issue, by=editor)
    assert issue.status == Issue.Status.REVIEW


def test_issue_workflow_records_every_step_and_sign_off(issue, editor, approver):
    services.issue_start_editing(issue=issue, by=editor)
    services.issue_send_to_review(issue=issue, by=editor)
    services.issue_return(issue=issue, by=approver, comment="第二部分请压缩。")
    services.issue_send_to_review(issue=issue, by=editor)
    services.issue_approve(issue=issue, by=approver)
    assert issue.approved_by == approver
    assert issue.issue_date == timezone.localdate()
    steps = [(t.from_status, t.to_status) for t in IssueTransition.objects.filter(issue=issue)]
    assert steps == [
        ("collecting", "editing"),
        ("editing", "review"),
        ("review", "editing"),
        ("editing", "review"),
        ("review", "approved"),
    ]


ISSUE_STEPS = {
    "start_editing": ({Issue.Status.COLLECTING}, Issue.Status.EDITING),
    "send": ({Issue.Status.COLLECTING, Issue.Status.EDITING}, Issue.Status.REVIEW),
    "recall": ({Issue.Status.REVIEW}, Issue.Status.EDITING),
    "return": ({Issue.Status.REVIEW}, Issue.Status.EDITING),
    "approve": ({Issue.Status.REVIEW}, Issue.Status.APPROVED),
    "issue": ({Issue.Status.APPROVED}, Issue.Status.ISSUED),
}


@pytest.mark.parametrize("status", Issue.Status.values)
@pytest.mark.parametrize("step", ISSUE_STEPS)
def test_every_issue_transition_is_legal_or_refused(
    issue, editor, approver, status, step, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    Issue.objects.filter(pk=issue.pk).update(status=status)
    issue.refresh_from_db()
    calls = {
        "start_editing": lambda: services.issue_start_editing(issue=issue, by=editor),
        "send": lambda: services.issue_send_to_review(issue=issue, by=editor),
        "recall": lambda: services.issue_recall(issue=issue, by=editor),
        "return": lambda: services.issue_return(issue=issue, by=approver, comment="请修改。"),
        "approve": lambda: services.issue_approve(issue=issue, by=approver),
        "issue": lambda: services.issue_issue(issue=issue, by=editor),
    }
    sources, target = ISSUE_STEPS[step]
    if status in sources:
        calls[step]()
        issue.refresh_from_db()
        assert issue.status == target
        assert IssueTransition.objects.get(issue=issue).to_status == target
    else:
        with pytest.raises(services.WorkflowError):
            calls[step]()
        issue.refresh_from_db()
        assert issue.status == status
        assert not IssueTransition.objects.filter(issue=issue).exists()


def test_two_approvers_at_once_approve_once(issue, approver):
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.REVIEW)
    first, second = Issue.objects.get(pk=issue.pk), Issue.objects.get(pk=issue.pk)
    services.issue_approve(issue=first, by=approver)
    with pytest.raises(services.Conflict):
        services.issue_approve(issue=second, by=approver)
    assert IssueTransition.objects.filter(issue=issue, to_status="approved").count() == 1


def test_new_issue_takes_the_series_outline(db, editor):
    series = make_series(
        default_outline=[
            {"title": "综窗改革攻坚行动", "level": 1, "kind": "free"},
            {"title": "大厅工作动态", "level": 1, "kind": "items"},
            {"title": "厅（局）长进大厅", "level": 1, "kind": "leader_visits"},
        ]
    )
    issue = services.issue_create(series=series, period_start=datetime.date(2024, 3, 4))
    assert [(s.position, s.title, s.kind) for s in issue.sections.all()] == [
        (1, "综窗改革攻坚行动", "free"),
        (2, "大厅工作动态", "items"),
        (3, "厅（局）长进大厅", "leader_visits"),
    ]


def test_next_issue_copies_the_last_ones_outline_styles_and_recipients(db, editor):
    series = make_series(
        default_outline=[{"title": "大厅工作动态", "level": 1, "kind": "items"}],
        default_report_to="省政府办公厅",
    )
    last = services.issue_create(series=series, period_start=datetime.date(2024, 3, 4))
    last.sections.all().delete()
    for position, (title, level, kind, style) in enumerate(
        [
            ("厅（局）长进大厅", 1, "leader_visits", "rollup"),
            ("大厅巡查", 1, "inspection", "paragraphs"),
            ("窗口数据", 2, "statistics", "paragraphs"),
            ("3月窗口考核得分", 1, "attachment", "paragraphs"),
        ],
        start=1,
    ):
        last.sections.create(
            position=position,
            title=title,
            level=level,
            kind=kind,
            prose_style=style,
            item_style="paren",
            body="上周的文字。",
        )
    Issue.objects.filter(pk=last.pk).update(
        report_to="市政府办公室", send_to="各县区政务服务中心", print_count=35
    )

    new = services.issue_create(series=series, period_start=datetime.date(2024, 3, 11))

    # The outline (generated sections and their styles) without last week's text or
    # its attached score month; the recipients as last set, not the series' defaults.
    assert [
        (s.position, s.title, s.level, s.kind, s.prose_style, s.item_style, s.body)
        for s in new.sections.all()
    ] == [
        (1, "厅（局）长进大厅", 1, "leader_visits", "rollup", "paren", ""),
        (2, "大厅巡查", 1, "inspection", "paragraphs", "paren", ""),
        (3, "窗口数据", 2, "statistics", "paragraphs", "paren", ""),
    ]
    assert (new.report_to, new.send_to, new.print_count) == (
        "市政府办公室",
        "各县区政务服务中心",
        35,
    )


def test_next_issue_after_one_without_sections_takes_the_series_outline(db, editor):
    series = make_series(default_outline=[{"title": "大厅工作动态", "level": 1, "kind": "items"}])
    last = services.issue_create(series=series, period_start=datetime.date(2024, 3, 4))
    last.sections.all().delete()
    new = services.issue_create(series=series, period_start=datetime.date(2024, 3, 11))
    assert [s.title for s in new.sections.all()] == ["大厅工作动态"]


# --- through the pages ---------------------------------------------------------------


def test_clerk_writes_and_submits_an_item_through_the_form(client, clerk, section):
    client.force_login(clerk)
    page = client.get(reverse("bulletin:my_department")).content.decode()
    assert section.title in page
    response = client.post(
        reverse("bulletin:submission_new", args=[section.pk]),
        {
            "headline": "交通运输厅开展节前安全检查.",
            "body": "先后检查了天府机场高速、宜宾客运站等点位,摸清底数 。",
            "action": "submit",
        },
    )
    item = Submission.objects.get()
    assert response.status_code == 302
    assert item.status == Status.SUBMITTED
    # pasted text is tidied: half-width punctuation in Chinese, stray spaces
    assert item.body == "先后检查了天府机场高速、宜宾客运站等点位，摸清底数。"


def test_form_errors_keep_the_typed_text(client, clerk, section):
    client.force_login(clerk)
    long_body = "很长的内容。" * 1000
    response = client.post(
        reverse("bulletin:submission_new", args=[section.pk]),
        {"headline": "标题。", "body": long_body, "action": "draft"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "很长的内容。很长的内容。" in page
    assert not Submission.objects.exists()


def test_an_empty_item_is_refused_in_the_form(client, clerk, section):
    client.force_login(clerk)
    response = client.post(
        reverse("bulletin:submission_new", args=[section.pk]),
        {"headline": "  ", "body": "\x00\x07 ", "action": "submit"},
    )
    assert response.status_code == 200
    assert not Submission.objects.exists()


def test_a_stale_edit_in_the_form_is_refused_and_the_text_kept(client, clerk, draft):
    client.force_login(clerk)
    url = reverse("bulletin:submission_edit", args=[draft.pk])
    old_version = draft.version
    client.post(
        url,
        {"headline": "甲。", "body": "先保存的内容。", "version": old_version, "action": "draft"},
    )
    response = client.post(
        url,
        {"headline": "乙。", "body": "后保存的内容。", "version": old_version, "action": "draft"},
    )
    assert response.status_code == 200
    assert "后保存的内容。" in response.content.decode()
    draft.refresh_from_db()
    assert draft.body == "先保存的内容。"


def test_clerk_sees_the_editors_changes_as_a_character_diff(client, clerk, editor, draft):
    services.submission_submit(submission=draft, by=clerk)
    services.submission_accept(
        submission=draft, by=editor, headline=draft.headline, body="检查了成都收费站等点位。"
    )
    client.force_login(clerk)
    page = client.get(reverse("bulletin:submission_detail", args=[draft.pk])).content.decode()
    assert '<del class="bg-danger-subtle">天府机场高速</del>' in page
    assert '<ins class="bg-success-subtle">等点位</ins>' in page


def test_user_text_is_escaped_on_the_item_page(client, clerk, section):
    item = services.submission_create(
        section=section,
        department=clerk.department,
        author=clerk,
        headline="<script>alert(1)</script>",
        body="<img src=x onerror=alert(1)>",
    )
    client.force_login(clerk)
    page = client.get(reverse("bulletin:submission_detail", args=[item.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page


def test_editor_returns_with_a_canned_reason_and_accepts_through_the_queue(
    client, editor, clerk, draft, issue
):
    services.submission_submit(submission=draft, by=clerk)
    client.force_login(editor)
    queue = client.get(reverse("bulletin:review_queue", args=[issue.pk])).content.decode()
    assert draft.headline in queue
    client.post(
        reverse("bulletin:submission_return", args=[draft.pk]),
        {"canned": "1", "reason": ""},
    )
    draft.refresh_from_db()
    assert draft.status == Status.RETURNED
    assert draft.return_reason


def test_return_without_reason_through_the_queue_changes_nothing(client, editor, clerk, draft):
    services.submission_submit(submission=draft, by=clerk)
    client.force_login(editor)
    response = client.post(
        reverse("bulletin:submission_return", args=[draft.pk]), {"canned": "0", "reason": ""}
    )
    assert response.status_code == 200  # the queue again, the reason asked for in the form
    assert "请填写退回理由。" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_editor_opens_an_issue_with_the_next_numbers(client, editor, issue):
    client.force_login(editor)
    form = client.get(reverse("bulletin:issue_create")).content.decode()
    assert "period_start" in form
    response = client.post(
        reverse("bulletin:issue_create"),
        {"series": issue.series.pk, "period_start": "2024-03-11", "period_end": "2024-03-15"},
    )
    created = Issue.objects.exclude(pk=issue.pk).get()
    assert response.status_code == 302
    assert (created.number, created.total_number) == (11, 471)


def test_issue_form_refuses_a_period_ending_before_it_starts(client, editor, issue):
    client.force_login(editor)
    response = client.post(
        reverse("bulletin:issue_create"),
        {"series": issue.series.pk, "period_start": "2024-03-15", "period_end": "2024-03-11"},
    )
    assert response.status_code == 200
    assert Issue.objects.count() == 1


def test_a_new_issue_defaults_to_the_working_week_after_the_last_period(db):
    series = make_series()
    make_issue(
        series, year=2023, number=38, total=458,
        period_start=datetime.date(2023, 9, 25), period_end=datetime.date(2023, 9, 28),
    )  # fmt: skip
    assert services.default_period(series) == (
        datetime.date(2023, 10, 2),
        datetime.date(2023, 10, 6),
    )
