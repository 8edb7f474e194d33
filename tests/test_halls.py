"""Halls, the assessing bodies: a province and its cities side by side in one
installation. Each hall's departments, score months, inspection rounds and series are its
own; a bulletin's score table goes to its series' hall; a hall's people see their hall's
work only (another hall's objects are 404), administrators every hall's."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from bulletin.forms import AttachScoresForm, IssueCreateForm, IssueFilterForm, RoundLinkForm
from bulletin.importer import ImportRefused, import_file
from bulletin.models import Issue, Notice, Section, Series, Submission
from bulletin.printing.rendering import bulletin_context
from bulletin.services import notices
from departments.models import Department, Hall, User
from scoring import services as scoring
from scoring.forms import EntryForm
from scoring.models import (
    InspectionItem,
    InspectionRound,
    Objection,
    ScoreEntry,
    ScoreMonth,
    ScoreNotice,
    WindowScore,
)
from tests.conftest import make_user
from tests.factories import make_issue, make_section, make_series

PROVINCE_BODY = "四川省政府政务服务和公共资源交易服务中心"
CITY_BODY = "绵阳市政务服务和公共资源交易服务中心"


def bulletin(
    *,
    body: str,
    hall_name: str,
    number: int,
    issued: str,
    month: tuple[int, int],
    rows: list[tuple[str, str, str]],
    title: str = "窗口工作周报",
) -> str:
    """A bulletin with one item and the month's score table (department, 减分, 加分),
    ranked here from the totals as a printed table is."""
    year, mon = month
    totals = [Decimal(100) + Decimal(minus) + Decimal(plus) for _n, minus, plus in rows]
    order = sorted(range(len(rows)), key=lambda i: -totals[i])
    table, rank = [], 0
    for place, i in enumerate(order, start=1):
        tie = place > 1 and totals[i] == totals[order[place - 2]]
        rank = rank if tie else place
        name, minus, plus = rows[i]
        table.append(f"{'' if tie else rank}\t{name}\t100\t{minus}\t{plus}\t{totals[i]}")
    caption = f"{year}年{mon}月{hall_name}进驻部门（单位）窗口考核结果"
    rows_text = "\n".join(table)
    return f"""# {title}

{year}年第{number}期（总第{300 + number}期）

{body}

{issued}

一、大厅工作动态

1.窗口开展业务培训，参训人员{20 + number}人。

附件：{caption}

附件

{caption}

排名\t部门窗口\t基础分分值\t减分分值\t加分分值\t实得分值
{rows_text}

送：各部门（单位）。

（共印20份）
"""


@pytest.fixture
def province(db):
    """The default hall (the migrations create it; a test after a flush, this)."""
    return Hall.objects.default()


@pytest.fixture
def city(province):
    return Hall.objects.create(name="绵阳市政务服务大厅", short_name="绵阳市", display_order=2000)


def import_text(tmp_path, name: str, text: str) -> Issue:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_file(path)


def lines_of(month: ScoreMonth) -> set[str]:
    return set(month.lines().values_list("department__name", flat=True))


# --- importing ------------------------------------------------------------------------


def test_a_city_and_a_provincial_bulletin_of_the_same_month_import_side_by_side(
    tmp_path, province, city
):
    """The city's table goes first: it neither adds departments to the province nor
    freezes the province's month, and the province's table of that month still imports."""
    earlier = import_text(
        tmp_path, "p10.txt",
        bulletin(body=PROVINCE_BODY, hall_name=province.name, number=10, issued="2024年3月8日",
                 month=(2024, 2), rows=[("交通运输厅", "0", "2"), ("水利厅", "-1", "0")]),
    )  # fmt: skip
    city_issue = import_text(
        tmp_path, "c7.txt",
        bulletin(body=CITY_BODY, hall_name=city.name, number=7, issued="2024年4月10日",
                 month=(2024, 3), rows=[("绵阳市水利局", "0", "1.5"), ("市场监管局", "-0.5", "0"),
                                        ("绵阳市公安局", "0", "0")]),
    )  # fmt: skip
    province_issue = import_text(
        tmp_path, "p12.txt",
        bulletin(body=PROVINCE_BODY, hall_name=province.name, number=12, issued="2024年4月12日",
                 month=(2024, 3), rows=[("交通运输厅", "0", "3"), ("市场监管局", "0", "1"),
                                        ("水利厅", "0", "0"), ("公安厅", "-1", "0")]),
    )  # fmt: skip

    # Both series are called 窗口工作周报, each in the hall of its issuing body.
    assert city_issue.series.hall == city and province_issue.series.hall == province
    assert earlier.series == province_issue.series != city_issue.series
    march = datetime.date(2024, 3, 1)
    city_month = ScoreMonth.objects.get(hall=city, month=march)
    province_month = ScoreMonth.objects.get(hall=province, month=march)
    assert city_month.is_frozen and province_month.is_frozen
    assert lines_of(city_month) == {"绵阳市水利局", "市场监管局", "绵阳市公安局"}
    assert lines_of(province_month) == {"交通运输厅", "市场监管局", "水利厅", "公安厅"}
    # A 市场监管局 in each hall: two departments of one name, one per hall.
    assert Department.objects.filter(name="市场监管局").count() == 2
    assert set(Department.objects.in_hall(city).values_list("name", flat=True)) == {
        "绵阳市水利局", "市场监管局", "绵阳市公安局"
    }  # fmt: skip
    assert not Department.objects.in_hall(province).filter(name__startswith="绵阳市").exists()
    # The province's February kept its two rows.
    february = ScoreMonth.objects.get(hall=province, month=datetime.date(2024, 2, 1))
    assert lines_of(february) == {"交通运输厅", "水利厅"}
    # Each issue prints its own hall's table.
    for issue, names in (
        (city_issue, lines_of(city_month)),
        (province_issue, lines_of(province_month)),
    ):
        (attachment,) = bulletin_context(issue)["attachments"]
        assert {row.department.name for row in attachment.score_rows} == names


def test_ranks_are_counted_within_each_halls_table(tmp_path, province, city):
    import_text(
        tmp_path, "c.txt",
        bulletin(body=CITY_BODY, hall_name=city.name, number=3, issued="2024年4月10日",
                 month=(2024, 3), rows=[("绵阳市水利局", "0", "9"), ("绵阳市公安局", "0", "0")]),
    )  # fmt: skip
    import_text(
        tmp_path, "p.txt",
        bulletin(body=PROVINCE_BODY, hall_name=province.name, number=4, issued="2024年4月12日",
                 month=(2024, 3), rows=[("交通运输厅", "0", "3"), ("水利厅", "0", "1")]),
    )  # fmt: skip
    both = WindowScore.objects.filter(month=datetime.date(2024, 3, 1)).ranked()
    ranks = {line.department.name: line.rank for line in both}
    # 绵阳市水利局 (109) tops its hall; 交通运输厅 (103) tops the province's, not second.
    assert ranks == {"绵阳市水利局": 1, "绵阳市公安局": 2, "交通运输厅": 1, "水利厅": 2}


def test_a_second_table_of_a_halls_frozen_month_is_refused_and_saves_nothing(
    tmp_path, province, city
):
    text = bulletin(body=CITY_BODY, hall_name=city.name, number=5, issued="2024年4月3日",
                    month=(2024, 3), rows=[("绵阳市水利局", "0", "1")])  # fmt: skip
    import_text(tmp_path, "c5.txt", text)
    again = bulletin(body=CITY_BODY, hall_name=city.name, number=6, issued="2024年4月10日",
                     month=(2024, 3), rows=[("绵阳市税务局", "0", "1")])  # fmt: skip
    issues = Issue.objects.count()
    with pytest.raises(ImportRefused):
        import_text(tmp_path, "c6.txt", again)
    assert Issue.objects.count() == issues
    assert not Department.objects.filter(name="绵阳市税务局").exists()


def test_an_editor_imports_the_bulletins_of_their_own_hall_only(client, province, city):
    from bulletin.forms import ImportDraftForm
    from bulletin.importing import Source

    editor = make_user("city-editor", User.Role.EDITOR, hall=city)
    client.force_login(editor)
    provincial = bulletin(body=PROVINCE_BODY, hall_name=province.name, number=9,
                          issued="2024年4月12日", month=(2024, 3), rows=[("水利厅", "0", "1")])  # fmt: skip
    own = bulletin(body=CITY_BODY, hall_name=city.name, number=9, issued="2024年4月10日",
                   month=(2024, 3), rows=[("绵阳市水利局", "0", "1")])  # fmt: skip
    url = reverse("bulletin:import_save")
    for text in (provincial, own):
        draft = ImportDraftForm.sign(Source(name="b.txt", text=text, whole_paragraphs=False))
        client.post(url, {"draft": draft})
    assert list(Issue.objects.values_list("series__hall", flat=True)) == [city.pk]
    assert not ScoreMonth.objects.filter(hall=province).exists()
    assert not Department.objects.in_hall(province).exists()


def test_the_hall_of_an_issuing_body_is_the_one_whose_short_name_begins_it(province, city):
    deyang = Hall.objects.create(name="德阳市政务服务大厅", short_name="德阳市")
    county = Hall.objects.create(name="绵阳市安州区政务服务大厅", short_name="绵阳市安州区")
    assert Hall.objects.for_issuing_body(CITY_BODY) == city
    assert Hall.objects.for_issuing_body("德阳市 政务服务中心") == deyang  # spaces ignored
    # the longest short name that begins it wins
    assert Hall.objects.for_issuing_body("绵阳市安州区政务服务中心") == county
    # no hall's short name begins it, or no body at all: the default hall
    assert Hall.objects.for_issuing_body(PROVINCE_BODY) == province
    assert Hall.objects.for_issuing_body("") == province
    assert Hall.objects.for_issuing_body("四川省绵阳市政务服务中心") == province


def test_rows_made_without_a_hall_belong_to_the_default_hall(province, city):
    assert Hall.objects.default() == province
    assert province.display_order < city.display_order
    assert Department.objects.create(name="测试厅").hall == province
    assert make_series("另一份简报").hall == province
    assert scoring.month_open(month=datetime.date(2024, 5, 9)).hall == province
    assert scoring.month_open(month=datetime.date(2024, 5, 9), hall=city.pk).hall == city


def test_names_are_unique_within_a_hall_only(province, city):
    Department.objects.create(hall=province, name="市场监管局")
    Department.objects.create(hall=city, name="市场监管局")
    make_series("窗口工作周报", hall=province)
    make_series("窗口工作周报", hall=city)
    ScoreMonth.objects.create(hall=city, month=datetime.date(2024, 1, 1))
    ScoreMonth.objects.create(hall=province, month=datetime.date(2024, 1, 1))
    for build in (
        lambda: Department.objects.create(hall=city, name="市场监管局"),
        lambda: make_series("窗口工作周报", hall=city),
        lambda: ScoreMonth.objects.create(hall=city, month=datetime.date(2024, 1, 1)),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            build()


def test_centre_staff_work_for_a_hall_and_clerks_for_their_departments(province, city):
    """Editors, approvers and scorers have a hall (the default one if none is given),
    department staff their department's; only administrators may have none."""
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="nohall", role=User.Role.SCORER)
    assert User.objects.create(username="root", role=User.Role.EDITOR, is_superuser=True).pk
    # a form that leaves the hall out (the admin's, with one hall): the default hall
    editor = User(username="ed", role=User.Role.EDITOR, password="x")
    editor.full_clean()
    assert editor.hall == province
    bureau = Department.objects.create(hall=city, name="绵阳市水利局")
    clerk = User(username="cl", role=User.Role.STAFF, department=bureau, hall=province)
    clerk.clean()
    assert clerk.hall == city  # a department's staff are of its hall
    assert clerk.hall_scope == city.pk


# --- who sees what ----------------------------------------------------------------------


class Side:
    """One hall's objects: a series with an issue collecting items and an issued one, a
    department with its clerk, an open month with an entry, a published month with an
    objection, a frozen month, a round with a proposed finding, and its people."""

    def __init__(self, hall: Hall, tag: str):
        self.hall = hall
        self.department = Department.objects.create(hall=hall, name=f"{tag}水利局")
        self.clerk = make_user(f"{tag}-clerk", User.Role.STAFF, self.department)
        self.editor = make_user(f"{tag}-editor", User.Role.EDITOR, hall=hall)
        self.scorer = make_user(f"{tag}-scorer", User.Role.SCORER, hall=hall)
        self.series = make_series(f"{tag}窗口工作周报", hall=hall)
        today = timezone.localdate()
        self.issue = make_issue(
            self.series, year=2024, number=2, total=2, status=Issue.Status.COLLECTING,
            period_start=today - datetime.timedelta(days=4), period_end=today,
        )  # fmt: skip
        self.section = make_section(
            self.issue, call_deadline=timezone.now() + datetime.timedelta(days=1)
        )
        self.issued = make_issue(self.series, year=2024, number=1, total=1,
                                 status=Issue.Status.ISSUED)  # fmt: skip
        self.item = Submission.objects.create(
            section=self.section, department=self.department, author=self.clerk,
            headline="已报送。", body="正文。", status=Submission.Status.SUBMITTED,
        )  # fmt: skip
        self.month = ScoreMonth.objects.create(hall=hall, month=datetime.date(2024, 3, 1))
        self.entry = ScoreEntry.objects.create(
            month=self.month, department=self.department, date=datetime.date(2024, 3, 4),
            points=Decimal("-1"), reason="迟到。",
        )  # fmt: skip
        self.published = ScoreMonth.objects.create(
            hall=hall, month=datetime.date(2024, 2, 1), status=ScoreMonth.Status.PUBLISHED,
            objection_deadline=timezone.now() + datetime.timedelta(days=3),
        )  # fmt: skip
        self.objection = Objection.objects.create(
            month=self.published, department=self.department, text="有误。", filed_by=self.clerk
        )
        self.frozen = ScoreMonth.objects.create(
            hall=hall, month=datetime.date(2024, 1, 1), status=ScoreMonth.Status.FROZEN
        )
        self.round = InspectionRound.objects.create(hall=hall, date=today, inspector="王五")
        self.finding = InspectionItem.objects.create(
            round=self.round, topic="着装情况", finding="未着工装。", department=self.department,
            proposed_points=Decimal("-1"), proposal=InspectionItem.Proposal.PROPOSED,
        )  # fmt: skip


@pytest.fixture
def sides(province, city):
    return Side(province, "省"), Side(city, "绵阳市")


def _pages(other: Side) -> dict[str, tuple[str, str]]:
    """Another hall's pages, each with the method that reaches it."""
    return {
        "issue": ("get", reverse("bulletin:issue_detail", args=[other.issue.pk])),
        "issued issue": ("get", reverse("bulletin:issue_detail", args=[other.issued.pk])),
        "assembly": ("get", reverse("bulletin:assemble", args=[other.issue.pk])),
        "section text": ("get", reverse("bulletin:section_text", args=[other.section.pk])),
        "item": ("get", reverse("bulletin:submission_detail", args=[other.item.pk])),
        "call": ("get", reverse("bulletin:submission_new", args=[other.section.pk])),
        "month": ("get", reverse("scoring:month_detail", args=[other.month.pk])),
        "month table": ("get", reverse("scoring:month_xlsx", args=[other.published.pk])),
        "entry": ("get", reverse("scoring:entry_edit", args=[other.entry.pk])),
        "department year": (
            "get", reverse("scoring:department_year", args=[other.department.pk, 2024])
        ),
        "answer": ("post", reverse("scoring:objection_answer", args=[other.objection.pk])),
        "round": ("get", reverse("scoring:inspection_detail", args=[other.round.pk])),
        "finding": ("post", reverse("scoring:finding_decide", args=[other.finding.pk])),
        "attach": ("post", reverse("bulletin:attach_scores", args=[other.issue.pk])),
    }  # fmt: skip


PAGES_OF_EACH_ROLE = {
    "editor": ["issue", "issued issue", "assembly", "section text", "item", "month",
               "month table", "entry", "department year", "round", "attach"],
    "scorer": ["issued issue", "month", "month table", "entry", "department year", "answer",
               "round", "finding"],
    "clerk": ["issued issue", "call", "month table", "department year"],
}  # fmt: skip


@pytest.mark.parametrize("role", sorted(PAGES_OF_EACH_ROLE))
@pytest.mark.parametrize("mine", [0, 1], ids=["province", "city"])
def test_another_halls_objects_are_404_for_a_halls_people(client, sides, role, mine):
    own, other = sides[mine], sides[1 - mine]
    client.force_login(getattr(own, role))
    pages = _pages(other)
    for name in PAGES_OF_EACH_ROLE[role]:
        method, url = pages[name]
        assert getattr(client, method)(url).status_code == 404, (role, name)
    # the same pages of their own hall exist for them: not a blanket 404
    for name in PAGES_OF_EACH_ROLE[role]:
        method, url = _pages(own)[name]
        if method == "get":
            assert client.get(url).status_code != 404, (role, name)


def test_nothing_of_another_hall_changed_through_its_404s(client, sides):
    own, other = sides
    client.force_login(own.scorer)
    client.post(reverse("scoring:objection_answer", args=[other.objection.pk]),
                {"upheld": "1", "answer": "同意。"})  # fmt: skip
    client.post(reverse("scoring:finding_decide", args=[other.finding.pk]), {"decision": "confirm"})
    client.post(reverse("scoring:entry_delete", args=[other.entry.pk]))
    other.objection.refresh_from_db()
    other.finding.refresh_from_db()
    assert other.objection.status == Objection.Status.OPEN
    assert other.finding.proposal == InspectionItem.Proposal.PROPOSED
    assert ScoreEntry.objects.filter(pk=other.entry.pk).exists()


def test_a_halls_lists_show_its_own_issues_months_and_rounds(client, sides, admin_user):
    province, city = sides
    client.force_login(city.editor)
    issues = client.get(reverse("bulletin:issue_list")).content.decode()
    assert reverse("bulletin:issue_detail", args=[city.issue.pk]) in issues
    assert reverse("bulletin:issue_detail", args=[province.issue.pk]) not in issues
    assert reverse("bulletin:issue_detail", args=[province.issued.pk]) not in issues
    client.force_login(city.scorer)
    months = client.get(reverse("scoring:month_list")).content.decode()
    assert reverse("scoring:month_detail", args=[city.month.pk]) in months
    assert reverse("scoring:month_detail", args=[province.month.pk]) not in months
    rounds = client.get(reverse("scoring:inspection_list")).content.decode()
    assert reverse("scoring:inspection_detail", args=[city.round.pk]) in rounds
    assert reverse("scoring:inspection_detail", args=[province.round.pk]) not in rounds
    client.force_login(city.clerk)
    calls = client.get(reverse("bulletin:my_department")).content.decode()
    assert reverse("bulletin:submission_new", args=[city.section.pk]) in calls
    assert reverse("bulletin:submission_new", args=[province.section.pk]) not in calls
    # an administrator of no hall sees both halls
    client.force_login(admin_user)
    assert admin_user.hall is None
    issues = client.get(reverse("bulletin:issue_list")).content.decode()
    for side in sides:
        assert reverse("bulletin:issue_detail", args=[side.issue.pk]) in issues
        assert client.get(reverse("scoring:month_detail", args=[side.month.pk])).status_code == 200


def test_a_search_finds_the_words_in_the_users_hall_only(client, sides, admin_user):
    province, city = sides
    for side in sides:
        Submission.objects.filter(pk=side.item.pk).update(
            status=Submission.Status.ACCEPTED, body="推行不动产登记“一窗受理”。"
        )
        Issue.objects.filter(pk=side.issue.pk).update(status=Issue.Status.ISSUED)
    url = reverse("bulletin:issue_list")
    for user, found in ((city.clerk, [city]), (province.editor, [province]), (admin_user, sides)):
        client.force_login(user)
        for words in ("不动产登记", "登记", "一窗受理 不动产"):
            page = client.get(url, {"q": words}).content.decode()
            for side in sides:
                shown = reverse("bulletin:issue_detail", args=[side.issue.pk]) in page
                assert shown == (side in found), (user, words, side.hall)


def test_the_querysets_of_what_a_user_sees_stop_at_the_hall(sides):
    province, city = sides
    for own, other in ((province, city), (city, province)):
        for user in (own.editor, own.scorer, own.clerk):
            assert not Issue.objects.visible_to(user).filter(series__hall=other.hall).exists()
            assert not ScoreMonth.objects.visible_to(user).filter(hall=other.hall).exists()
            assert not Department.objects.visible_to(user).filter(hall=other.hall).exists()
            assert not Submission.objects.visible_to(user).filter(pk=other.item.pk).exists()
            assert not ScoreEntry.objects.visible_to(user).filter(pk=other.entry.pk).exists()
            assert not Objection.objects.visible_to(user).filter(pk=other.objection.pk).exists()
            assert not InspectionRound.objects.visible_to(user).filter(hall=other.hall).exists()
        assert Issue.objects.visible_to(own.editor).filter(pk=own.issue.pk).exists()
        assert ScoreMonth.objects.visible_to(own.clerk).filter(pk=own.month.pk).exists()


def test_form_choices_are_the_users_hall(sides):
    province, city = sides
    create = IssueCreateForm(user=city.editor)
    assert list(create.fields["series"].queryset) == [city.series]
    search = IssueFilterForm(user=city.clerk)
    assert list(search.fields["department"].queryset) == [city.department]
    attach = AttachScoresForm(hall=city.hall.pk)
    assert list(attach.fields["month"].queryset) == [city.frozen]
    rounds = RoundLinkForm(hall=province.hall.pk)
    assert list(rounds.fields["round"].queryset) == [province.round]
    entry = EntryForm(month=city.month)
    assert list(entry.fields["department"].queryset) == [city.department]
    # a department of another hall posted anyway is not a choice
    posted = EntryForm(
        {"department": province.department.pk, "date": "2024-03-05", "points": "-1",
         "reason": "脱岗。"},
        month=city.month,
    )  # fmt: skip
    assert not posted.is_valid() and "department" in posted.errors


def test_the_services_refuse_to_mix_halls(sides, province):
    prov, city = sides
    with pytest.raises(scoring.ScoringError):
        scoring.entry_add(
            month=city.month, department=prov.department, date=datetime.date(2024, 3, 5),
            points=Decimal("-1"), reason="脱岗。", by=city.scorer,
        )  # fmt: skip
    with pytest.raises(scoring.ScoringError):
        scoring.month_record_totals(
            month=city.month, rows=[(prov.department, Decimal("-1"), Decimal(0))],
            by=city.scorer, reason="上传。",
        )  # fmt: skip
    from bulletin import services

    with pytest.raises(services.WorkflowError):
        services.section_attach_scores(issue=city.issue, by=city.editor, month=prov.frozen)
    with pytest.raises(services.WorkflowError):
        services.issue_link_round(issue=city.issue, round_=prov.round, by=city.editor)
    assert not city.issue.sections.filter(kind=Section.Kind.ATTACHMENT).exists()


def test_a_new_round_and_a_confirmed_finding_stay_in_the_hall(client, sides):
    province, city = sides
    client.force_login(city.scorer)
    client.post(reverse("scoring:inspection_list"),
                {"date": "2024-04-02", "inspector": "李四", "topics": "着装情况"})  # fmt: skip
    assert InspectionRound.objects.get(inspector="李四").hall == city.hall
    entry = scoring.finding_confirm(item=city.finding, by=city.scorer)
    assert entry.month.hall == city.hall
    assert not ScoreMonth.objects.filter(hall=province.hall, month=entry.month.month).exists()


def test_notices_reach_the_people_of_the_hall_only(sides):
    _province, city = sides
    scoring.month_publish(
        month=city.month, deadline=timezone.now() + datetime.timedelta(days=2), by=city.scorer
    )
    told = set(ScoreNotice.objects.filter(month=city.month).values_list("user", flat=True))
    assert told == {city.clerk.pk}
    notices.notify_submitted(submission=city.item, by=city.clerk)
    told = set(Notice.objects.filter(submission=city.item).values_list("user", flat=True))
    assert told == {city.editor.pk}
    board = notices.issue_completeness(issue=city.issue)
    assert [department for department, _cells in board.rows] == [city.department]


# --- the archive of a province -----------------------------------------------------------


def test_generate_archive_builds_a_province_of_halls_each_with_its_own(db):
    out = StringIO()
    call_command("generate_archive", "--years", "2", "--halls", "3", stdout=out)
    halls = list(Hall.objects.all())
    assert len(halls) == 3
    assert [h.name for h in halls[1:]] == ["成都市政务服务大厅", "自贡市政务服务大厅"]
    for hall in halls:
        (series,) = Series.objects.filter(hall=hall)
        assert Hall.objects.for_issuing_body(series.issuing_body) == hall
        assert series.issues.count() >= 40
        departments = set(Department.objects.in_hall(hall).values_list("pk", flat=True))
        items = Submission.objects.filter(section__issue__series=series).exclude(department=None)
        assert set(items.values_list("department", flat=True)) <= departments
        editor = User.objects.get(hall=hall, role=User.Role.EDITOR)
        clerk = User.objects.get(role=User.Role.STAFF, department__hall=hall)
        for user in (editor, clerk):
            assert set(Issue.objects.visible_to(user)) == set(series.issues.all())
    # the city bureaus carry their city's name
    assert Department.objects.in_hall(halls[2]).filter(name="自贡市水利局").exists()
    assert "3 halls: " in out.getvalue()


def test_the_admin_names_the_hall_only_where_there_are_several(client, admin_user, province):
    client.force_login(admin_user)
    add = reverse("admin:departments_department_add")
    assert 'name="hall"' not in client.get(add).content.decode()
    client.post(add, {"name": "新进驻部门", "display_order": "30", "is_active": "on"})
    assert Department.objects.get(name="新进驻部门").hall == province
    city = Hall.objects.create(name="绵阳市政务服务大厅", short_name="绵阳市")
    assert 'name="hall"' in client.get(add).content.decode()
    client.post(add, {"hall": city.pk, "name": "绵阳市水利局", "display_order": "10"})
    assert Department.objects.get(name="绵阳市水利局").hall == city
    editor = reverse("admin:departments_user_add")
    assert 'name="hall"' in client.get(editor).content.decode()
