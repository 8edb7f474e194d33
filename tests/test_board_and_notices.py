import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletin import services
from bulletin.models import Issue, LeaderVisit, Notice, RecipientGroup, Section, Submission
from departments.models import Department
from tests.conftest import make_user
from tests.factories import make_issue, make_section, make_series

Status = Submission.Status


@pytest.fixture
def issue(db):
    return make_issue(make_series(), year=2024, number=7, total=7, status=Issue.Status.COLLECTING)


@pytest.fixture
def section(issue):
    return make_section(
        issue, title="大厅工作动态", kind=Section.Kind.ITEMS,
        call_deadline=timezone.now() - datetime.timedelta(hours=1),
    )  # fmt: skip


def item(section, department, status, submitted_at=None):
    return Submission.objects.create(
        section=section, department=department, headline="某。", status=status,
        submitted_at=submitted_at, return_reason="理由" if status == Status.RETURNED else "",
    )  # fmt: skip


def test_board_shows_each_departments_state_and_lateness(
    client, editor, section, department, other_department
):
    third = Department.objects.create(name="商务厅", display_order=30)
    item(section, department, Status.ACCEPTED, timezone.now() - datetime.timedelta(days=1))
    item(section, other_department, Status.SUBMITTED, timezone.now())  # after the deadline
    client.force_login(editor)
    page = client.get(reverse("bulletin:board", args=[section.issue_id])).content.decode()
    row = lambda name: page[page.index(name) : page.index("</tr>", page.index(name))]  # noqa: E731
    assert "board-accepted" in row("交通运输厅") and "badge" not in row("交通运输厅")
    assert "board-submitted" in row("水利厅") and "badge" in row("水利厅")
    assert "board-missing" in row(third.name)


def test_reminder_goes_to_the_staff_of_departments_that_sent_nothing(
    section, department, other_department, editor, mailoutbox, django_capture_on_commit_callbacks
):
    sent = make_user("sent", "staff", department, email="sent@example.gov.cn")
    waiting = make_user("waiting", "staff", other_department, email="waiting@example.gov.cn")
    item(section, department, Status.SUBMITTED, timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        count = services.issue_remind(section=section, by=editor)
    assert count == 1
    assert list(Notice.objects.values_list("user__username", flat=True)) == ["waiting"]
    assert [m.to for m in mailoutbox] == [[waiting.email]]
    assert "大厅工作动态" in mailoutbox[0].body
    assert not sent.notices.exists()


def test_bulk_accept_and_return_need_a_reason_to_return(
    client, editor, section, department, other_department
):
    a = item(section, department, Status.SUBMITTED, timezone.now())
    b = item(section, other_department, Status.SUBMITTED, timezone.now())
    client.force_login(editor)
    url = reverse("bulletin:review_bulk", args=[section.issue_id])
    client.post(
        url,
        {"items": [a.pk, b.pk], "bulk": "return", "canned": "0", "reason": "", "confirmed": "1"},
    )
    assert set(Submission.objects.values_list("status", flat=True)) == {Status.SUBMITTED}
    # without confirmation: a page asks first and nothing changes
    page = client.post(
        url, {"items": [a.pk], "bulk": "return", "canned": "0", "reason": "请补充数据。"}
    )
    assert page.status_code == 200 and 'name="confirmed"' in page.content.decode()
    assert set(Submission.objects.values_list("status", flat=True)) == {Status.SUBMITTED}
    client.post(
        url,
        {
            "items": [a.pk],
            "bulk": "return",
            "canned": "0",
            "reason": "请补充数据。",
            "confirmed": "1",
        },
    )
    client.post(url, {"items": [a.pk, b.pk], "bulk": "accept", "confirmed": "1"})
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.return_reason, b.status) == (
        Status.RETURNED,
        "请补充数据。",
        Status.ACCEPTED,
    )


def test_bulk_actions_touch_only_this_issues_items(client, editor, section, department):
    other_issue = make_issue(section.issue.series, year=2024, number=8, total=8)
    stranger = item(make_section(other_issue, title="动态"), department, Status.SUBMITTED)
    client.force_login(editor)
    client.post(
        reverse("bulletin:review_bulk", args=[section.issue_id]),
        {"items": [stranger.pk], "bulk": "accept"},
    )
    stranger.refresh_from_db()
    assert stranger.status == Status.SUBMITTED


def test_issuing_notifies_the_recipient_departments_and_shows_who_opened_it(
    client,
    issue,
    department,
    other_department,
    editor,
    approver,
    django_capture_on_commit_callbacks,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    reader = make_user("reader", "staff", department)
    make_user("outsider", "staff", other_department)
    group = RecipientGroup.objects.create(name="各部门窗口", send_to="各部门窗口。", print_count=80)
    group.departments.add(department)
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.APPROVED, recipient_group=group)
    issue.refresh_from_db()
    make_section(issue, title="本周概况", kind=Section.Kind.FREE, body="本周大厅运行平稳。")
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_issue(issue=issue, by=editor)
    (notice,) = Notice.objects.all()
    assert notice.user == reader and notice.kind == Notice.Kind.ISSUED
    client.force_login(reader)
    response = client.post(reverse("bulletin:notice_open", args=[notice.pk]))
    assert response["Location"] == reverse("bulletin:issue_pdf", args=[issue.pk])
    notice.refresh_from_db()
    assert notice.opened_at is not None
    client.force_login(editor)
    page = client.get(reverse("bulletin:issue_detail", args=[issue.pk])).content.decode()
    assert "reader" in page


def test_a_user_cannot_open_someone_elses_notice(client, issue, department, other_department):
    mine = make_user("mine", "staff", department)
    theirs = make_user("theirs", "staff", other_department)
    notice = Notice.objects.create(
        user=theirs, kind=Notice.Kind.REMINDER, issue=issue, message="请报送。"
    )
    client.force_login(mine)
    assert client.post(reverse("bulletin:notice_open", args=[notice.pk])).status_code == 404


def test_recipient_group_fills_the_distribution_unless_overridden(client, editor, issue):
    group = RecipientGroup.objects.create(
        name="标准",
        report_to="中心领导。",
        send_to="各相关省级部门（单位）。",
        distribute_to="各部门窗口。",
        print_count=80,
    )
    client.force_login(editor)
    url = reverse("bulletin:issue_edit", args=[issue.pk])
    form = {"version": issue.version, "recipient_group": group.pk, "report_to": "", "send_to": "",
            "distribute_to": "本期特别发送。", "print_count": "", "column_title": "", "period_start": "", "period_end": ""}  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 302
    issue.refresh_from_db()
    assert (issue.report_to, issue.send_to, issue.print_count) == (
        "中心领导。",
        "各相关省级部门（单位）。",
        80,
    )
    assert issue.distribute_to == "本期特别发送。"  # typed in the same form: kept
    # an edit from the old version is refused and the form keeps the typed text
    form["distribute_to"] = "迟到的修改。"
    response = client.post(url, form)
    assert response.status_code == 200
    assert "迟到的修改。" in response.content.decode()


def test_clerk_records_a_leader_visit_for_their_own_department(client, clerk, department):
    client.force_login(clerk)
    url = reverse("bulletin:visit_new")
    future = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    response = client.post(
        url, {"date": future, "leader_name": "王华", "leader_title": "副厅长", "activity": "调研。"}
    )
    assert response.status_code == 200 and not LeaderVisit.objects.exists()
    client.post(
        url,
        {
            "date": "2024-03-05",
            "leader_name": "王 华",
            "leader_title": "党组成员,副厅长",
            "activity": "到窗口调研值守。",
        },
    )
    visit = LeaderVisit.objects.get()
    assert (visit.department, visit.leader_name, visit.leader_title) == (
        department,
        "王华",
        "党组成员，副厅长",
    )


def test_clerk_cannot_edit_another_departments_visit(client, clerk, other_department):
    visit = LeaderVisit.objects.create(
        department=other_department,
        date=datetime.date(2024, 3, 5),
        leader_name="甲",
        leader_title="乙",
    )
    client.force_login(clerk)
    assert client.get(reverse("bulletin:visit_edit", args=[visit.pk])).status_code == 404


# --- the completeness board -------------------------------------------------------------


def _row(page: str, name: str) -> str:
    start = page.index(f">{name}<")
    return page[start : page.index("</tr>", start)]


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_board_counts_every_status_in_a_cell_and_shows_the_returned_items(
    client, editor, section, department
):
    now = timezone.now() - datetime.timedelta(days=1)
    for status in [Status.ACCEPTED, Status.ACCEPTED, Status.NOT_USED, Status.NOT_USED]:
        item(section, department, status, now)
    returned = item(section, department, Status.RETURNED, now)
    item(section, department, Status.DRAFT)
    client.force_login(editor)
    response = client.get(reverse("bulletin:board", args=[section.issue_id]))
    cell = dict(response.context["rows"])[department][0]
    assert cell.counts == {"accepted": 2, "not_used": 2, "returned": 1, "draft": 1}
    row = _text(_row(response.content.decode(), department.name))
    label = lambda status: str(Status(status).label)  # noqa: E731
    assert (
        f"{label('accepted')} 2 · {label('not_used')} 2 · {label('returned')} 1 · "
        f"{label('draft')} 1"
    ) in row
    # the returned item is listed with its reason and a link to it
    assert response.context["returned"] == [returned]
    assert reverse("bulletin:submission_detail", args=[returned.pk]) in response.content.decode()


def test_a_department_with_drafts_only_is_missing_and_reminded(
    section, department, editor, django_capture_on_commit_callbacks
):
    clerk = make_user("drafter", "staff", department)
    item(section, department, Status.DRAFT)
    assert services.departments_missing(section) == [department]
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_remind(section=section, by=editor)
    assert clerk.notices.get().kind == Notice.Kind.REMINDER


@pytest.fixture
def visits_section(issue):
    Issue.objects.filter(pk=issue.pk).update(
        period_start=datetime.date(2024, 3, 4), period_end=datetime.date(2024, 3, 8)
    )
    issue.refresh_from_db()
    return make_section(
        issue, position=2, title="厅（局）长进大厅", kind=Section.Kind.LEADER_VISITS,
        call_deadline=timezone.now() + datetime.timedelta(days=1),
    )  # fmt: skip


def test_leader_visits_registered_answer_a_leader_visits_call(
    client, editor, visits_section, department, other_department
):
    visited = make_user("visited", "staff", department)
    waiting = make_user("waiting", "staff", other_department)
    for day in (5, 6):
        LeaderVisit.objects.create(
            department=department, date=datetime.date(2024, 3, day), leader_name="王华",
            leader_title="副厅长",
        )  # fmt: skip
    # a visit outside the issue's period answers nothing
    LeaderVisit.objects.create(
        department=other_department, date=datetime.date(2024, 2, 1), leader_name="李四",
        leader_title="厅长",
    )  # fmt: skip
    client.force_login(editor)
    response = client.get(reverse("bulletin:board", args=[visits_section.issue_id]))
    cells = dict(response.context["rows"])
    assert (cells[department][0].visits, cells[department][0].status) == (2, "visits")
    assert cells[other_department][0].status == "missing"
    assert "board-visits" in _row(response.content.decode(), department.name)
    assert services.departments_missing(visits_section) == [other_department]
    assert services.issue_remind(section=visits_section, by=editor) == 1
    assert not visited.notices.exists() and waiting.notices.count() == 1


def test_board_shows_when_each_department_was_last_reminded(
    client, editor, section, department, other_department
):
    make_user("a", "staff", department)
    make_user("b", "staff", other_department)
    item(section, other_department, Status.SUBMITTED, timezone.now())
    services.issue_remind(section=section, by=editor)
    client.force_login(editor)
    page = client.get(reverse("bulletin:board", args=[section.issue_id])).content.decode()
    assert "board-reminded" in _row(page, department.name)
    assert "board-reminded" not in _row(page, other_department.name)


def test_a_second_reminder_within_the_hour_needs_confirmation(
    client, editor, section, department, other_department
):
    a = make_user("a", "staff", department)
    b = make_user("b", "staff", other_department)
    services.issue_remind(section=section, by=editor)
    with pytest.raises(services.RecentlyReminded) as asked:
        services.issue_remind(section=section, by=editor)
    assert [d for d, _at in asked.value.recent] == [department, other_department]
    assert Notice.objects.count() == 2  # nothing sent while asking

    # the page asks, and sends only once confirmed
    client.force_login(editor)
    url = reverse("bulletin:section_remind", args=[section.pk])
    page = client.post(url)
    assert page.status_code == 200 and 'name="recent" value="again"' in page.content.decode()
    assert Notice.objects.count() == 2
    assert client.post(url, {"recent": "again"}).status_code == 302
    assert (a.notices.count(), b.notices.count()) == (2, 2)


def test_a_confirmed_reminder_can_skip_the_departments_reminded_within_the_hour(
    section, department, other_department, editor
):
    a = make_user("a", "staff", department)
    b = make_user("b", "staff", other_department)
    services.issue_remind(section=section, by=editor)
    # department A's reminder went out an hour and a minute ago: not recent any more
    a.notices.update(created_at=timezone.now() - datetime.timedelta(minutes=61))
    with pytest.raises(services.RecentlyReminded) as asked:
        services.issue_remind(section=section, by=editor)
    assert ([d for d, _at in asked.value.recent], asked.value.others) == ([other_department], 1)
    assert services.issue_remind(section=section, by=editor, skip_recent=True) == 1
    assert (a.notices.count(), b.notices.count()) == (2, 1)


def test_reminding_after_an_hour_asks_nothing(section, department, editor):
    clerk = make_user("a", "staff", department)
    services.issue_remind(section=section, by=editor)
    clerk.notices.update(created_at=timezone.now() - datetime.timedelta(minutes=61))
    assert services.issue_remind(section=section, by=editor) == 1
    assert clerk.notices.count() == 2


def test_board_costs_the_same_queries_for_thirty_departments(
    client, editor, section, visits_section, department, django_assert_max_num_queries
):
    client.force_login(editor)
    url = reverse("bulletin:board", args=[section.issue_id])
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for n in range(30):
        other = Department.objects.create(name=f"部门{n}", display_order=100 + n)
        make_user(f"clerk{n}", "staff", other)
        for status in (Status.ACCEPTED, Status.RETURNED, Status.DRAFT):
            item(section, other, status, timezone.now())
        LeaderVisit.objects.create(
            department=other, date=datetime.date(2024, 3, 5), leader_name="王华",
            leader_title="副厅长",
        )  # fmt: skip
    services.issue_remind(section=visits_section, by=editor)
    with django_assert_max_num_queries(len(small)) as big:
        response = client.get(url)
    assert len(dict(response.context["rows"])) == 31
    assert len(big) == len(small)
