import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from bulletin import services as bulletin_services
from bulletin.models import Issue, Section
from scoring import services
from scoring.models import (
    DEFAULT_CHECKLIST,
    InspectionItem,
    InspectionRound,
    ScoreEntry,
    WindowScore,
)
from tests.factories import make_issue, make_section, make_series

DAY = datetime.date(2023, 9, 26)


@pytest.fixture
def issue(db):
    return make_issue(make_series(), year=2023, number=38, total=458, status=Issue.Status.EDITING)


@pytest.fixture
def round_(issue, editor):
    round_ = services.inspection_round_create(date=DAY, inspector="平台服务处 李明")
    bulletin_services.issue_link_round(issue=issue, round_=round_, by=editor)
    return round_


def test_the_first_round_starts_from_the_standard_checklist_all_good(round_):
    lines = [(i.topic, i.finding) for i in round_.items.order_by("position")]
    assert [t for t, _ in lines] == DEFAULT_CHECKLIST
    assert {f for _, f in lines} == {"总体情况良好。"}


def test_a_new_round_checks_the_topics_of_the_latest_round(db):
    services.inspection_round_create(date=DAY, inspector="甲", topics=["着装情况", "消防通道"])
    later = services.inspection_round_create(date=DAY + datetime.timedelta(days=7), inspector="乙")
    assert later.topics == ["着装情况", "消防通道"]


def test_the_scorer_starts_a_round_with_the_topics_typed(client, scorer):
    client.force_login(scorer)
    page = client.get(reverse("scoring:inspection_list"))
    assert DEFAULT_CHECKLIST[0] in page.content.decode()  # offered, editable
    response = client.post(
        reverse("scoring:inspection_list"),
        {"date": "2023-09-26", "inspector": "李明", "topics": "着装情况\n\n纪律秩序。\n"},
    )
    round_ = InspectionRound.objects.get()
    assert response.status_code == 302
    assert round_.topics == ["着装情况", "纪律秩序"]


def test_an_editor_starts_a_round_for_the_issue_from_its_inspection_section(client, editor, issue):
    section = make_section(issue, title="大厅巡查情况", kind=Section.Kind.INSPECTION)
    client.force_login(editor)
    url = reverse("bulletin:section_records", args=[section.pk])
    assert client.post(url, {"round": ""}).status_code == 302
    issue.refresh_from_db()
    assert issue.inspection_round.topics == DEFAULT_CHECKLIST
    assert "按时到岗情况" in client.get(url).content.decode()


def test_a_finding_that_names_a_department_proposes_a_deduction_the_scorer_confirms(
    client, scorer, round_, department
):
    item = round_.items.get(topic="着装情况")
    client.force_login(scorer)
    url = reverse("scoring:inspection_detail", args=[round_.pk])
    items = list(round_.items.order_by("position"))
    form = {
        "form-TOTAL_FORMS": len(items) + 1,
        "form-INITIAL_FORMS": len(items),
        "version": round_.version,
    }
    for n, line in enumerate(items):
        form.update(
            {
                f"form-{n}-id": line.pk,
                f"form-{n}-topic": line.topic,
                f"form-{n}-finding": line.finding,
            }
        )
        if line == item:
            form.update({f"form-{n}-finding": "交通运输厅窗口1人未着工装。", f"form-{n}-department": department.pk,
                         f"form-{n}-proposed_points": "-1"})  # fmt: skip
    client.post(url, form)
    item.refresh_from_db()
    assert item.proposal == InspectionItem.Proposal.PROPOSED
    assert not ScoreEntry.objects.exists()  # a proposal is not yet a deduction
    client.post(reverse("scoring:finding_decide", args=[item.pk]), {"decision": "confirm"})
    entry = ScoreEntry.objects.get()
    assert (entry.department, entry.points, entry.month.month) == (
        department,
        Decimal(-1),
        datetime.date(2023, 9, 1),
    )
    assert "未着工装" in entry.reason
    assert (
        WindowScore.objects.get(department=department, month=datetime.date(2023, 9, 1)).total == 99
    )
    # a second click changes nothing
    client.post(reverse("scoring:finding_decide", args=[item.pk]), {"decision": "confirm"})
    assert ScoreEntry.objects.count() == 1


def test_a_dismissed_proposal_records_nothing(round_, department, scorer):
    item = round_.items.first()
    InspectionItem.objects.filter(pk=item.pk).update(
        department=department,
        proposed_points=Decimal(-2),
        proposal=InspectionItem.Proposal.PROPOSED,
    )
    item.refresh_from_db()
    services.finding_dismiss(item=item, by=scorer)
    item.refresh_from_db()
    assert item.proposal == InspectionItem.Proposal.DISMISSED
    assert list(item.transitions.values_list("from_status", "to_status", "actor")) == [
        ("proposed", "dismissed", scorer.pk)
    ]
    with pytest.raises(services.WorkflowError):
        services.finding_confirm(item=item, by=scorer)
    assert not ScoreEntry.objects.exists()


def test_a_deduction_must_name_a_department_and_be_negative(client, scorer, round_):
    client.force_login(scorer)
    item = round_.items.first()
    items = list(round_.items.order_by("position"))
    form = {
        "form-TOTAL_FORMS": len(items),
        "form-INITIAL_FORMS": len(items),
        "version": round_.version,
    }
    for n, line in enumerate(items):
        form.update(
            {
                f"form-{n}-id": line.pk,
                f"form-{n}-topic": line.topic,
                f"form-{n}-finding": line.finding,
            }
        )
    form["form-0-proposed_points"] = "2"
    response = client.post(reverse("scoring:inspection_detail", args=[round_.pk]), form)
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.proposed_points is None


def test_the_bulletins_inspection_section_is_generated_from_the_round(
    round_, issue, department, editor
):
    InspectionItem.objects.filter(round=round_, topic="纪律秩序").update(
        finding="个别窗口人员离岗未挂牌，已当场提醒。"
    )
    section = make_section(issue, title="大厅巡查情况", kind=Section.Kind.INSPECTION)
    bulletin_services.section_generate(by=editor, section=section)
    assert section.paragraphs[0] == "（一）按时到岗情况。总体情况良好。"
    assert "（五）纪律秩序。个别窗口人员离岗未挂牌，已当场提醒。" in section.paragraphs
    assert len(section.paragraphs) == 6


def test_only_scorers_and_editors_run_inspections(client, clerk, approver, db):
    for user in (clerk, approver):
        client.force_login(user)
        assert client.get(reverse("scoring:inspection_list")).status_code == 403
