"""厅（局）长进大厅 has one entry point: a leader-visits call opens the visit form, one rule
decides which issue reports a visit, and the editor corrects the visits of the section."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletin import services
from bulletin.generate import visits_for
from bulletin.models import Issue, LeaderVisit, Section, Submission
from tests.conftest import make_user
from tests.factories import make_issue, make_section, make_series


def march(day: int) -> datetime.date:
    return datetime.date(2024, 3, day)


def _week(series, number, start: datetime.date, status=Issue.Status.COLLECTING, visits=True):
    """An issue of `series` covering start…start+4, with a leader-visits call if `visits`."""
    issue = make_issue(
        series, year=start.year, number=number, total=number, status=status,
        period_start=start, period_end=start + datetime.timedelta(days=4),
    )  # fmt: skip
    if visits:
        make_section(
            issue, position=1, title="厅（局）长进大厅", kind=Section.Kind.LEADER_VISITS,
            call_deadline=timezone.now() + datetime.timedelta(days=1), prose_style="rollup",
        )  # fmt: skip
    return issue


def _section(issue) -> Section:
    return issue.sections.get(kind=Section.Kind.LEADER_VISITS)


def _register(department, date, name="王华", title="党组成员、副厅长", series=None):
    return services.visit_save(
        visit=None, department=department, version=None, series=series, date=date,
        leader_name=name, leader_title=title, activity="到省政务服务大厅窗口调研值守。",
    )  # fmt: skip


@pytest.fixture
def series(db):
    return make_series()


# --- the call opens the visit form ----------------------------------------------------------


def test_a_leader_visits_call_is_answered_from_my_department_with_the_visit_form(
    client, clerk, series
):
    issue = _week(series, 10, march(4))
    items = make_section(
        issue, position=2, title="大厅工作动态",
        call_deadline=timezone.now() + datetime.timedelta(days=1),
    )  # fmt: skip
    visits = _section(issue)
    client.force_login(clerk)
    page = client.get(reverse("bulletin:my_department")).content.decode()
    visit_form = f"{reverse('bulletin:visit_new')}?section={visits.pk}"
    assert visit_form in page
    assert reverse("bulletin:submission_new", args=[visits.pk]) not in page
    assert reverse("bulletin:submission_new", args=[items.pk]) in page
    response = client.get(visit_form)
    assert response.status_code == 200
    assert response.context["call"] == visits
    assert "visit_form.html" in [t.name.split("/")[-1] for t in response.templates]


def test_the_item_form_of_a_leader_visits_call_redirects_to_the_visit_form(client, clerk, series):
    visits = _section(_week(series, 10, march(4)))
    client.force_login(clerk)
    url = reverse("bulletin:submission_new", args=[visits.pk])
    expected = f"{reverse('bulletin:visit_new')}?section={visits.pk}"
    assert client.get(url)["Location"] == expected
    response = client.post(
        url, {"headline": "厅长到窗口调研。", "body": "调研。", "action": "submit"}
    )
    assert response["Location"] == expected
    assert not Submission.objects.exists()


def test_the_item_service_refuses_an_item_for_a_leader_visits_section(clerk, department, series):
    visits = _section(_week(series, 10, march(4)))
    with pytest.raises(services.WorkflowError):
        services.submission_create(
            section=visits, department=department, author=clerk, headline="厅长调研。", body=""
        )
    assert not Submission.objects.exists()


def test_a_visit_registered_through_the_call_is_reported_by_the_issue_and_answers_it(
    client, clerk, editor, department, other_department, series
):
    issue = _week(series, 10, march(4))
    visits = _section(issue)
    make_user("waiting", "staff", other_department)
    client.force_login(clerk)
    response = client.post(
        f"{reverse('bulletin:visit_new')}?section={visits.pk}",
        {"date": march(6).isoformat(), "leader_name": "王 华", "leader_title": "副厅长",
         "activity": "到窗口调研值守。"},
    )  # fmt: skip
    assert response.status_code == 302
    visit = LeaderVisit.objects.get()
    assert (visit.issue, visit.department, visit.leader_name) == (issue, department, "王华")
    # the 报送情况 board counts it as the department's answer to the call
    assert services.departments_missing(visits) == [other_department]
    client.force_login(editor)
    board = client.get(reverse("bulletin:board", args=[issue.pk]))
    cell = dict(board.context["rows"])[department][0]
    assert (cell.visits, cell.status) == (1, "visits")
    services.section_generate(section=visits, by=editor)
    assert visits.body == "本周，交通运输厅副厅长王华，分别到省政务服务大厅窗口调研值守。"


# --- which issue reports a visit ----------------------------------------------------------


def test_a_visit_inside_an_open_issues_period_belongs_to_that_issue(department, series):
    earlier = _week(series, 10, march(4), status=Issue.Status.EDITING)
    later = _week(series, 11, march(11))
    assert _register(department, march(5)).issue == earlier
    assert _register(department, march(8)).issue == earlier  # its last day
    assert _register(department, march(12)).issue == later


def test_a_visit_between_two_periods_goes_to_the_next_open_issue(department, series):
    _week(series, 10, march(4))  # 4–8 March
    later = _week(series, 11, march(18))  # 18–22 March
    assert _register(department, march(12)).issue == later


def test_a_visit_registered_after_its_weeks_issue_was_signed_off_goes_to_the_next_issue(
    editor, department, series
):
    signed = _week(series, 10, march(4), status=Issue.Status.APPROVED)
    in_review = _week(series, 11, march(11), status=Issue.Status.REVIEW)
    following = _week(series, 12, march(18))
    late = _register(department, march(6), name="罗毅", title="二级巡视员")
    also_late = _register(department, march(13), name="茆爽", title="二级巡视员")
    assert late.issue == following and also_late.issue == following
    assert not signed.leader_visits.exists() and not in_review.leader_visits.exists()
    # the next issue's generator uses it
    section = _section(following)
    services.section_generate(section=section, by=editor)
    assert "罗毅" in section.body and "茆爽" in section.body


def test_a_visit_registered_while_no_issue_is_open_is_picked_up_when_the_next_opens(
    client, editor, department, series
):
    _week(series, 10, march(4), status=Issue.Status.ISSUED)
    series.default_outline = [
        {"title": "厅（局）长进大厅", "level": 1, "kind": "leader_visits"}
    ]  # the outline of the first issue created here
    series.save()
    waiting = _register(department, march(7), name="黎万恒")
    after = _register(department, march(20), name="王华")  # after the new issue's period
    assert waiting.issue is None and after.issue is None
    client.force_login(editor)
    client.post(
        reverse("bulletin:issue_create"),
        {"series": series.pk, "period_start": march(11).isoformat(),
         "period_end": march(15).isoformat()},
    )  # fmt: skip
    opened = Issue.objects.get(period_start=march(11))
    waiting.refresh_from_db()
    after.refresh_from_db()
    assert waiting.issue == opened
    assert after.issue is None  # a later week's issue reports it
    assert list(visits_for(opened)) == [waiting]


def test_an_issue_without_a_leader_visits_section_does_not_take_visits(department, series):
    _week(series, 10, march(4), visits=False)
    with_visits = _week(series, 11, march(11))
    assert _register(department, march(5)).issue == with_visits


def test_a_visit_answering_a_call_stays_in_the_calls_series(department, series):
    other_series = make_series("信息专报")
    other = _week(other_series, 1, march(4))
    ours = _week(series, 10, march(4))
    assert _register(department, march(5), series=series).issue == ours
    assert _register(department, march(5), series=other_series).issue == other


def test_a_department_moving_its_visit_to_another_week_moves_it_to_that_weeks_issue(
    client, clerk, department, series
):
    first = _week(series, 10, march(4))
    second = _week(series, 11, march(11))
    visit = _register(department, march(5))
    assert visit.issue == first
    client.force_login(clerk)
    response = client.post(
        reverse("bulletin:visit_edit", args=[visit.pk]),
        {"date": march(12).isoformat(), "leader_name": visit.leader_name,
         "leader_title": visit.leader_title, "activity": visit.activity,
         "version": visit.version},
    )  # fmt: skip
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.issue, visit.date, visit.version) == (second, march(12), 2)


def test_my_department_offers_to_edit_a_visit_until_its_issue_leaves_editing(
    client, clerk, department, series
):
    issue = _week(series, 10, march(4))
    visit = _register(department, march(5))
    edit = reverse("bulletin:visit_edit", args=[visit.pk])
    client.force_login(clerk)
    assert edit in client.get(reverse("bulletin:my_department")).content.decode()
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.REVIEW)
    page = client.get(reverse("bulletin:my_department")).content.decode()
    assert edit not in page and issue.number_label in page


# --- the editor corrects the visits of the section ------------------------------------------


def _visits_form(visits, **changes) -> dict:
    """The records page's form for `visits`; changes[n] replaces fields of row n."""
    data = {
        "form-TOTAL_FORMS": str(len(visits)), "form-INITIAL_FORMS": str(len(visits)),
        "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "40",
    }  # fmt: skip
    for n, visit in enumerate(visits):
        row = {
            "id": visit.pk, "version": visit.version, "date": visit.date.isoformat(),
            "leader_name": visit.leader_name, "leader_title": visit.leader_title,
            "activity": visit.activity, **changes.get(f"row{n}", {}),
        }  # fmt: skip
        data.update({f"form-{n}-{k}": v for k, v in row.items()})
    return data


def test_the_editor_sees_the_sections_visits_and_corrects_one(
    client, editor, department, other_department, series
):
    issue = _week(series, 10, march(4))
    section = _section(issue)
    first = _register(department, march(5), name="王华", title="副厅长")
    second = _register(other_department, march(6), name="李四", title="厅长")
    _register(department, march(20), name="不在本期")  # no issue reports it yet
    url = reverse("bulletin:section_records", args=[section.pk])
    client.force_login(editor)
    page = client.get(url)
    assert page.status_code == 200
    assert [f.instance for f in page.context["formset"].forms] == [first, second]
    assert "不在本期" not in page.content.decode()
    response = client.post(
        url, _visits_form([first, second], row0={"leader_title": "党组成员、副厅长"})
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.leader_title, first.version) == ("党组成员、副厅长", 2)
    assert second.version == 1  # unchanged rows are not written
    services.section_generate(section=section, by=editor)
    assert section.body == (
        "本周，交通运输厅党组成员、副厅长王华，水利厅厅长李四，分别到省政务服务大厅窗口调研值守。"
    )


def test_the_editor_removes_a_visit(client, editor, department, series):
    section = _section(_week(series, 10, march(4)))
    kept, removed = _register(department, march(5)), _register(department, march(6), name="李四")
    client.force_login(editor)
    data = _visits_form([kept, removed], row1={"DELETE": "on"})
    response = client.post(reverse("bulletin:section_records", args=[section.pk]), data)
    assert response.status_code == 302
    assert list(LeaderVisit.objects.all()) == [kept]


def test_a_correction_over_the_departments_newer_save_is_refused_and_the_text_kept(
    client, editor, department, series
):
    section = _section(_week(series, 10, march(4)))
    visit = _register(department, march(5))
    shown = _visits_form([visit], row0={"leader_title": "编辑改的职务"})
    services.visit_save(
        visit=visit, department=department, version=visit.version, date=visit.date,
        leader_name="王华", leader_title="部门改的职务", activity=visit.activity,
    )  # fmt: skip
    client.force_login(editor)
    response = client.post(reverse("bulletin:section_records", args=[section.pk]), shown)
    assert response.status_code == 200
    assert response.context["error"]
    assert "编辑改的职务" in response.content.decode()
    visit.refresh_from_db()
    assert visit.leader_title == "部门改的职务"


def test_a_correction_moving_a_visit_to_a_later_week_hands_it_to_that_weeks_issue(
    client, editor, department, series
):
    section = _section(_week(series, 10, march(4)))
    later = _week(series, 11, march(11))
    visit = _register(department, march(5))
    client.force_login(editor)
    data = _visits_form([visit], row0={"date": march(13).isoformat()})
    assert (
        client.post(reverse("bulletin:section_records", args=[section.pk]), data).status_code == 302
    )
    visit.refresh_from_db()
    assert visit.issue == later


@pytest.mark.parametrize("status", [Issue.Status.REVIEW, Issue.Status.APPROVED])
def test_visits_are_not_corrected_once_the_issue_is_past_editing(
    client, editor, department, series, status
):
    issue = _week(series, 10, march(4))
    section = _section(issue)
    visit = _register(department, march(5))
    url = reverse("bulletin:section_records", args=[section.pk])
    client.force_login(editor)
    data = _visits_form([visit], row0={"leader_title": "迟到的修改"})
    Issue.objects.filter(pk=issue.pk).update(status=status)
    assert client.get(url).status_code == 403
    # a page opened before it went to review: refused with the typed text kept
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["error"] and "迟到的修改" in response.content.decode()
    visit.refresh_from_db()
    assert (visit.leader_title, visit.version) == ("党组成员、副厅长", 1)
    with pytest.raises(services.WorkflowError):
        services.section_save_visits(
            section=section, by=editor,
            changes=[services.VisitChange(visit, visit.version, None)],
        )  # fmt: skip
    assert LeaderVisit.objects.filter(pk=visit.pk).exists()


def test_a_visit_of_another_issue_is_not_corrected_from_this_sections_page(
    client, editor, department, series
):
    section = _section(_week(series, 10, march(4)))
    elsewhere = _register(department, march(12))  # no issue reports it
    own = _register(department, march(5))
    client.force_login(editor)
    data = _visits_form([own], row0={"leader_title": "改"})
    data["form-0-id"] = elsewhere.pk
    response = client.post(reverse("bulletin:section_records", args=[section.pk]), data)
    assert response.status_code == 200
    elsewhere.refresh_from_db()
    own.refresh_from_db()
    assert elsewhere.leader_title == own.leader_title == "党组成员、副厅长"


def test_the_visits_text_is_marked_stale_after_a_visit_changes_until_generated_again(
    client, editor, department, series
):
    issue = _week(series, 10, march(4))
    section = _section(issue)
    visit = _register(department, march(5))
    services.section_generate(section=section, by=editor)
    assert not section.records_changed_since_generated
    services.visit_save(
        visit=visit, department=department, version=visit.version, date=visit.date,
        leader_name="王华", leader_title="副厅长", activity=visit.activity,
    )  # fmt: skip
    section.refresh_from_db()
    assert section.records_changed_since_generated
    client.force_login(editor)
    page = client.get(reverse("bulletin:section_records", args=[section.pk])).content.decode()
    assert "records-changed" in page
    services.section_generate(section=section, by=editor, overwrite=True)
    section.refresh_from_db()
    assert not section.records_changed_since_generated
