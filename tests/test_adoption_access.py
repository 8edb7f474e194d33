"""Who sees what of the information-reporting assessment: editors and scorers every
department's figures, a department its own, everyone once the month's 通报 is
published; the window-ledger proposals are the scorers' to decide; another hall's
months and another department's unpublished figures do not exist (404)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from bulletin.adoption import services as adoption
from bulletin.adoption.models import AdoptionProposal, Instruction
from bulletin.models import Issue, Section, Submission
from departments.models import Department, Hall, User
from scoring.models import ScoreEntry
from tests.conftest import make_user
from tests.factories import make_issue, make_section, make_series

OCT = datetime.date(2023, 10, 1)
RULES = {"item_points": Decimal(2), "lead_points": Decimal(3), "window_deduction": Decimal(2)}


@pytest.fixture
def w(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    hall = Hall.objects.default()
    a = Department.objects.create(name="交通运输厅", display_order=10)
    b = Department.objects.create(name="水利厅", display_order=20)
    c = Department.objects.create(name="省林草局", display_order=30)  # sends nothing
    users = {
        "clerk": make_user("clerk", User.Role.STAFF, a),
        "other_clerk": make_user("other_clerk", User.Role.STAFF, b),
        "editor": make_user("editor", User.Role.EDITOR),
        "approver": make_user("approver", User.Role.APPROVER),
        "scorer": make_user("scorer", User.Role.SCORER),
    }
    city = Hall.objects.create(name="绵阳市政务服务大厅", short_name="绵阳市")
    users["city_editor"] = make_user("city_editor", User.Role.EDITOR, hall=city)
    series = make_series(default_send_to="省级相关部门。", default_print_count=30)
    issue = make_issue(series, number=40, total=40, status=Issue.Status.ISSUED,
                       issue_date=datetime.date(2023, 10, 17))  # fmt: skip
    section = make_section(
        issue, call_deadline=datetime.datetime(2023, 10, 13, tzinfo=datetime.UTC)
    )
    item_a = Submission.objects.create(
        section=section, department=a, headline="交通运输厅开展安全检查。", body="正文。",
        status=Submission.Status.ACCEPTED, position=1,
    )  # fmt: skip
    item_b = Submission.objects.create(
        section=section, department=b, headline="水利厅召开专题会议。", body="正文。",
        status=Submission.Status.ACCEPTED, position=2,
    )  # fmt: skip
    adoption.rules_save(
        hall=hall.pk, by=None, effective_from=datetime.date(2023, 1, 1), values=RULES
    )
    month = adoption.month_open(hall=hall.pk, month=OCT)
    editing = make_issue(series, number=41, total=41, status=Issue.Status.EDITING)
    make_section(editing, title="工作要求", kind=Section.Kind.FREE)
    return {
        "hall": hall, "a": a, "b": b, "c": c, "users": users, "month": month,
        "item_a": item_a, "item_b": item_b, "issue": issue, "editing": editing,
    }  # fmt: skip


def publish(w):
    adoption.month_publish(month=w["month"], by=None, today=datetime.date(2024, 1, 10))
    w["month"].refresh_from_db()


URLS = {
    "pdf": lambda w: reverse("adoption:pdf", args=[w["month"].pk]),
    "xlsx": lambda w: reverse("adoption:xlsx", args=[w["month"].pk]),
}


@pytest.mark.parametrize("what", URLS)
@pytest.mark.parametrize(
    ("persona", "before", "after"),
    [
        ("editor", 200, 200),
        ("scorer", 200, 200),
        # another department's figures do not exist for them until the 通报 is published
        ("clerk", 404, 200),
        ("other_clerk", 404, 200),
        ("approver", 404, 200),
        ("city_editor", 404, 404),  # another hall's month
    ],
)
def test_the_report_is_the_centres_until_published_then_everyones(
    client, w, what, persona, before, after
):
    client.force_login(w["users"][persona])
    c = client
    assert c.get(URLS[what](w)).status_code == before
    publish(w)
    assert c.get(URLS[what](w)).status_code == after


def test_anonymous_visitors_are_sent_to_log_in(client, w):
    for url in (reverse("adoption:index"), reverse("adoption:month", args=[w["month"].pk]),
                URLS["pdf"](w)):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_department_sees_its_own_line_until_the_month_is_published(client, w):
    client.force_login(w["users"]["clerk"])
    url = reverse("adoption:month", args=[w["month"].pk])
    page = client.get(url).content.decode()
    assert "交通运输厅" in page and "水利厅" not in page and "省林草局" not in page
    publish(w)
    page = client.get(url).content.decode()
    assert "交通运输厅" in page and "水利厅" in page and "省林草局" in page


@pytest.mark.parametrize("persona", ["editor", "scorer"])
def test_editors_and_scorers_see_every_department_of_an_open_month(client, w, persona):
    client.force_login(w["users"][persona])
    page = client.get(reverse("adoption:month", args=[w["month"].pk])).content.decode()
    assert "交通运输厅" in page and "水利厅" in page and "省林草局" in page
    assert "共报送信息2条，采用2条，采用率100.0%" in page


def test_the_approver_sees_no_figures_of_an_open_month(client, w):
    client.force_login(w["users"]["approver"])
    page = client.get(reverse("adoption:month", args=[w["month"].pk])).content.decode()
    assert "交通运输厅" not in page and "水利厅" not in page


def test_another_halls_month_does_not_exist(client, w):
    client.force_login(w["users"]["city_editor"])
    assert client.get(reverse("adoption:month", args=[w["month"].pk])).status_code == 404
    publish(w)
    assert client.get(reverse("adoption:month", args=[w["month"].pk])).status_code == 404
    assert client.get(reverse("adoption:department", args=[w["a"].pk, 2023])).status_code == 404


def test_a_quarter_shows_a_department_its_own_line_until_every_month_is_published(client, w):
    client.force_login(w["users"]["clerk"])
    page = client.get(reverse("adoption:period"), {"year": 2023, "quarter": 4}).content.decode()
    assert "交通运输厅" in page and "水利厅" not in page
    assert client.get(reverse("adoption:period"),
                      {"year": 2023, "quarter": 4, "format": "xlsx"}).status_code == 404  # fmt: skip
    client.force_login(w["users"]["scorer"])
    page = client.get(reverse("adoption:period"), {"year": 2023, "quarter": 4}).content.decode()
    assert "水利厅" in page
    assert client.get(reverse("adoption:period"), {"year": "二〇二三"}).status_code == 400


def test_another_departments_months_show_once_published(client, w):
    client.force_login(w["users"]["clerk"])
    url = reverse("adoption:department", args=[w["b"].pk, 2023])
    assert "10月" not in client.get(url).content.decode()
    own = client.get(reverse("adoption:department", args=[w["a"].pk, 2023])).content.decode()
    assert "10月" in own
    publish(w)
    assert "10月" in client.get(url).content.decode()


def test_the_scorer_decides_the_proposed_deductions_others_cannot(client, w):
    publish(w)
    # 省林草局 answered no call: 每少报一次扣2分
    proposal = AdoptionProposal.objects.get(month=w["month"], department=w["c"])
    assert proposal.points == Decimal(-2)
    url = reverse("adoption:proposal_decide", args=[proposal.pk])
    for persona, status in (("clerk", 404), ("other_clerk", 404), ("editor", 403),
                            ("approver", 403), ("city_editor", 404)):  # fmt: skip
        c = client.__class__()
        c.force_login(w["users"][persona])
        assert c.post(url, {"decision": "confirm"}).status_code == status, persona
    assert not ScoreEntry.objects.exists()
    client.force_login(w["users"]["scorer"])
    assert client.post(url, {"decision": "confirm"}).status_code == 302
    entry = ScoreEntry.objects.get()
    assert (entry.department, entry.points) == (w["c"], Decimal(-2))
    assert entry.month.month == OCT
    # only the centre sees them on the month page
    page = client.get(reverse("adoption:month", args=[w["month"].pk])).content.decode()
    assert proposal.reason in page
    clerk = client.__class__()
    clerk.force_login(w["users"]["clerk"])
    page = clerk.get(reverse("adoption:month", args=[w["month"].pk])).content.decode()
    assert proposal.reason not in page


def test_a_decision_without_a_choice_changes_nothing(client, w):
    publish(w)
    proposal = AdoptionProposal.objects.get(month=w["month"], department=w["c"])
    client.force_login(w["users"]["scorer"])
    assert client.post(reverse("adoption:proposal_decide", args=[proposal.pk]),
                       {"decision": "maybe"}).status_code == 302  # fmt: skip
    proposal.refresh_from_db()
    assert proposal.status == "proposed" and not ScoreEntry.objects.exists()


def test_items_and_their_instructions_follow_the_items_rules(client, w):
    own, other = w["item_a"], w["item_b"]
    client.force_login(w["users"]["clerk"])
    assert client.get(reverse("adoption:item", args=[own.pk])).status_code == 200
    assert client.get(reverse("adoption:item", args=[other.pk])).status_code == 404
    data = {"level": "provincial", "leader": "张三副省长", "date": "2023-10-20", "text": "很好。"}
    assert client.post(reverse("adoption:instruction_add", args=[own.pk]), data).status_code == 403
    assert (
        client.post(reverse("adoption:instruction_add", args=[other.pk]), data).status_code == 404
    )
    assert not Instruction.objects.exists()
    # A scorer opens the printed items the month's figures link to, and changes nothing.
    client.force_login(w["users"]["scorer"])
    assert client.get(reverse("adoption:item", args=[own.pk])).status_code == 200
    assert client.post(reverse("adoption:instruction_add", args=[own.pk]), data).status_code == 403
    client.force_login(w["users"]["editor"])
    assert client.post(reverse("adoption:instruction_add", args=[own.pk]), data).status_code == 302
    instruction = Instruction.objects.get()
    clerk = client.__class__()
    clerk.force_login(w["users"]["clerk"])
    delete = reverse("adoption:instruction_delete", args=[instruction.pk])
    assert clerk.post(delete).status_code == 403
    other_clerk = client.__class__()
    other_clerk.force_login(w["users"]["other_clerk"])
    assert other_clerk.post(delete).status_code == 404
    assert client.post(delete).status_code == 302
    assert not Instruction.objects.exists()


def test_a_bad_instruction_is_explained_and_what_was_typed_stays(client, w):
    client.force_login(w["users"]["editor"])
    url = reverse("adoption:instruction_add", args=[w["item_a"].pk])
    typed = {
        "level": "provincial",
        "leader": "张三副省长",
        "date": "2023-10-01",
        "text": "请推广这个做法。",
    }
    response = client.post(url, typed)
    assert response.status_code == 200
    page = response.content.decode()
    assert "2023年10月17日" in page  # older than the bulletin: its 印发日期 is named
    assert "请推广这个做法。" in page and "张三副省长" in page
    response = client.post(url, {**typed, "date": "2023-13-45"})
    assert response.status_code == 200 and "请推广这个做法。" in response.content.decode()
    assert not Instruction.objects.exists()


def test_joint_departments_are_set_by_editors_while_the_month_is_open(client, w):
    url = reverse("adoption:joint", args=[w["item_a"].pk])
    client.force_login(w["users"]["clerk"])
    assert client.post(url, {"departments": [w["b"].pk]}).status_code == 403
    client.force_login(w["users"]["editor"])
    assert client.post(url, {"departments": [w["b"].pk]}).status_code == 302
    assert list(w["item_a"].joint_credits.values_list("department", flat=True)) == [w["b"].pk]
    publish(w)
    response = client.post(url, {"departments": []})
    assert response.status_code == 200  # refused in the form: the month is published
    assert w["item_a"].joint_credits.count() == 1


def test_only_editors_open_months_and_set_rules(client, w):
    for persona in ("clerk", "scorer", "approver"):
        client.force_login(w["users"][persona])
        assert client.post(reverse("adoption:index"), {"month": "2023-11"}).status_code == 403
        assert (
            client.post(reverse("adoption:rules"), {"effective_from": "2024-02"}).status_code == 403
        )
        assert client.get(reverse("adoption:rules")).status_code == 200
    client.force_login(w["users"]["editor"])
    assert client.post(reverse("adoption:index"), {"month": "2023-11"}).status_code == 302
    response = client.post(reverse("adoption:index"), {"month": "十一月"})
    assert response.status_code == 200


def test_a_rules_version_reaching_into_a_published_month_is_refused_in_the_form(client, w):
    publish(w)
    client.force_login(w["users"]["editor"])
    data = {"effective_from": "2023-10", "item_points": "4", "lead_points": "3",
            "special_points": "5", "department_bonus": "5", "provincial_bonus": "10",
            "missed_penalty": "0", "note": "新办法"}  # fmt: skip
    response = client.post(reverse("adoption:rules"), data)
    assert response.status_code == 200 and "2023年10月" in response.content.decode()
    assert "新办法" in response.content.decode()
    assert (
        client.post(reverse("adoption:rules"), {**data, "effective_from": "2024-02"}).status_code
        == 302
    )


def test_the_report_is_attached_from_the_assembly_page_by_editors(client, w):
    url = reverse("adoption:attach", args=[w["editing"].pk])
    client.force_login(w["users"]["editor"])
    # an open month is not offered
    assert client.post(url, {"month": w["month"].pk}).status_code == 302
    assert not w["editing"].sections.filter(adoption_report__isnull=False).exists()
    publish(w)
    clerk = client.__class__()
    clerk.force_login(w["users"]["clerk"])
    assert clerk.post(url, {"month": w["month"].pk}).status_code == 404
    assert client.post(url, {"month": w["month"].pk}).status_code == 302
    assert w["editing"].sections.filter(adoption_report=w["month"]).count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("item_points", "-2"), ("item_points", "0.3"), ("window_deduction", "0"),
     ("lead_points", "99999999"), ("effective_from", "二〇二四年")],
)  # fmt: skip
def test_bad_rule_numbers_are_refused_in_the_form_and_what_was_typed_stays(client, w, field, value):
    client.force_login(w["users"]["editor"])
    data = {"effective_from": "2024-02", "item_points": "4", "lead_points": "3",
            "special_points": "5", "department_bonus": "5", "provincial_bonus": "10",
            "missed_penalty": "0", "window_deduction": "2", "note": "新办法第三条"}  # fmt: skip
    response = client.post(reverse("adoption:rules"), {**data, field: value})
    assert response.status_code == 200
    page = response.content.decode()
    assert "新办法第三条" in page and "invalid-feedback" in page
    from bulletin.adoption.models import AdoptionRules

    assert not AdoptionRules.objects.filter(effective_from=datetime.date(2024, 2, 1)).exists()


def test_the_rules_service_refuses_what_the_database_would(w):
    with pytest.raises(adoption.AdoptionError):
        adoption.rules_save(
            hall=w["hall"].pk, by=None, effective_from=datetime.date(2024, 2, 1),
            values={"item_points": Decimal(-1)},
        )  # fmt: skip


def test_a_deduction_into_a_frozen_window_month_is_refused_and_stays_proposed(client, w):
    from scoring.models import ScoreMonth

    publish(w)
    ScoreMonth.objects.create(hall=w["hall"], month=OCT, status=ScoreMonth.Status.FROZEN)
    proposal = AdoptionProposal.objects.get(month=w["month"], department=w["c"])
    client.force_login(w["users"]["scorer"])
    response = client.post(
        reverse("adoption:proposal_decide", args=[proposal.pk]),
        {"decision": "confirm"},
        follow=True,
    )
    assert response.status_code == 200
    assert "2023年10月" in response.content.decode()  # the message names the frozen month
    proposal.refresh_from_db()
    assert proposal.status == "proposed" and proposal.entry is None
    assert not ScoreEntry.objects.exists()
