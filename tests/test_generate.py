import datetime

import pytest

from bulletin import services
from bulletin.generate import (
    inspection_prose,
    leader_visits_prose,
    statistics_prose,
    visits_for,
    year_to_date,
)
from bulletin.models import (
    Issue,
    LeaderVisit,
    Section,
    Statistic,
    StatisticOpening,
    Submission,
)
from departments.models import Department
from tests.factories import make_issue, make_round, make_section, make_series

# The 2023 seed, 一、（一）: this week's figures and the year to date.
SEED_2023_STATISTICS = (
    "本周，共计咨询2039人次、受理514件、颁发2257件、流转8314件；"
    "今年以来，累计咨询56148人次、受理14748件、颁发130232件、流转231433件。"
)
SEED_2023_VISITS = (
    "本周，省广电局党组成员、一级巡视员黎万恒，水利厅党组成员、副厅长王华，"
    "公安厅二级巡视员罗毅，生态环境厅二级巡视员茆爽，分别到省政务服务大厅窗口调研值守。"
)
WEEK = [("咨询", "人次", 2039), ("受理", "件", 514), ("颁发", "件", 2257), ("流转", "件", 8314)]
YEAR = {"咨询": 56148, "受理": 14748, "颁发": 130232, "流转": 231433}


@pytest.fixture
def series(db):
    return make_series()


def figures(issue, rows):
    for n, (label, unit, value) in enumerate(rows):
        Statistic.objects.create(issue=issue, position=n, label=label, unit=unit, value=value)


def test_statistics_reproduce_the_2023_seed_from_figures_and_an_opening_balance(series):
    issue = make_issue(series, year=2023, number=38, total=458)
    figures(issue, WEEK)
    for label, _unit, value in WEEK:
        StatisticOpening.objects.create(
            series=series, year=2023, label=label, value=YEAR[label] - value
        )
    generated = statistics_prose(issue)
    assert generated.text == SEED_2023_STATISTICS
    assert generated.warnings == []


def test_year_to_date_adds_the_years_earlier_issues_only(series):
    last_year = make_issue(series, year=2022, number=52, total=400)
    first = make_issue(series, year=2023, number=1, total=401)
    second = make_issue(series, year=2023, number=2, total=402)
    later = make_issue(series, year=2023, number=3, total=403)
    figures(last_year, [("受理", "件", 999)])
    figures(first, [("受理", "件", 10)])
    figures(second, [("受理", "件", 20)])
    figures(later, [("受理", "件", 40)])
    StatisticOpening.objects.create(series=series, year=2023, label="受理", value=100)
    assert year_to_date(second) == {"受理": 130}


def test_warns_when_completed_exceed_accepted(series):
    issue = make_issue(series, year=2023, number=1, total=1)
    figures(issue, [("受理", "件", 50), ("办结", "件", 60)])
    warnings = statistics_prose(issue).warnings
    assert any("办结" in w and "受理" in w for w in warnings)


def test_warns_when_a_year_to_date_figure_goes_below_what_the_last_issue_printed(series):
    first = make_issue(series, year=2023, number=1, total=1)
    second = make_issue(series, year=2023, number=2, total=2)
    make_section(
        first, kind=Section.Kind.STATISTICS, body="本周，共计受理50件；今年以来，累计受理150件。"
    )
    figures(first, [("受理", "件", 50)])
    figures(second, [("受理", "件", 5)])
    opening = StatisticOpening.objects.create(series=series, year=2023, label="受理", value=100)
    assert statistics_prose(second).warnings == []  # 155 after 150
    opening.value = 80  # corrected after the first issue was printed
    opening.save()
    (warning,) = statistics_prose(second).warnings
    assert "受理" in warning and "150" in warning and "135" in warning


def visits(department_names_and_people):
    result = []
    for order, (name, short, title, person, day) in enumerate(department_names_and_people):
        department, _ = Department.objects.get_or_create(
            name=name, defaults={"short_name": short, "display_order": order}
        )
        result.append(
            LeaderVisit.objects.create(
                department=department,
                date=datetime.date(2023, 9, day),
                leader_name=person,
                leader_title=title,
            )
        )
    return result


def test_leader_visits_as_one_sentence_reproduce_the_2023_seed(db):
    rows = visits(
        [
            ("省广电局", "", "党组成员、一级巡视员", "黎万恒", 25),
            ("水利厅", "", "党组成员、副厅长", "王华", 25),
            ("公安厅", "", "二级巡视员", "罗毅", 26),
            ("生态环境厅", "", "二级巡视员", "茆爽", 27),
        ]
    )
    assert leader_visits_prose(rows, Section.ProseStyle.ROLLUP).text == SEED_2023_VISITS


def test_leader_visits_as_numbered_paragraphs_in_the_2022_style(db):
    (visit,) = visits([("应急管理厅", "应急厅", "二级巡视员", "雷治严", 16)])
    visit.activity = "到应急厅驻省政务服务大厅窗口调研值守。"
    paragraphs = leader_visits_prose([visit], Section.ProseStyle.PARAGRAPHS).paragraphs
    assert paragraphs == [
        "（1）9月16日，应急厅二级巡视员雷治严到应急厅驻省政务服务大厅窗口调研值守。"
    ]


def test_inspection_lines_run_in_as_in_the_2022_seed(series):
    issue = make_issue(series, year=2022, number=39, total=414)
    round_ = make_round(issue, [("按时到岗情况", "总体情况良好。"), ("着装情况", "总体情况良好。")])
    lines = inspection_prose(list(round_.items.all())).paragraphs
    assert lines == ["（一）按时到岗情况。总体情况良好。", "（二）着装情况。总体情况良好。"]


@pytest.fixture
def issue(series):
    return make_issue(
        series,
        year=2023,
        number=38,
        total=458,
        status=Issue.Status.EDITING,
        period_start=datetime.date(2023, 9, 25),
        period_end=datetime.date(2023, 9, 28),
    )


def test_generating_a_section_links_its_visits_and_keeps_the_generated_text(issue, editor):
    section = make_section(
        issue, title="厅（局）长进大厅", kind=Section.Kind.LEADER_VISITS, prose_style="rollup"
    )
    visits([("水利厅", "", "党组成员、副厅长", "王华", 26)])
    outside = visits([("公安厅", "", "二级巡视员", "罗毅", 29)])[0]  # after the period
    services.section_generate(by=editor, section=section)
    assert section.body == "本周，水利厅党组成员、副厅长王华，分别到省政务服务大厅窗口调研值守。"
    assert section.generated_body == section.body
    assert list(visits_for(issue)) == list(LeaderVisit.objects.filter(issue=issue))
    outside.refresh_from_db()
    assert outside.issue is None


def test_regenerating_over_a_hand_edit_asks_first(issue, editor):
    section = make_section(issue, title="大厅巡查情况", kind=Section.Kind.INSPECTION)
    make_round(issue, [("按时到岗情况", "总体情况良好。")])
    services.section_generate(by=editor, section=section)
    services.section_save_text(
        by=editor,
        section=section,
        body="本周大厅巡查情况如下：\n" + section.body + "另有补充。",
        version=section.version,
    )
    with pytest.raises(services.NeedsConfirmation):
        services.section_generate(by=editor, section=section)
    assert section.body.endswith("另有补充。")
    services.section_generate(by=editor, section=section, overwrite=True)
    # the editor's introduction survives regeneration; the generated lines are new
    assert section.body == "本周大厅巡查情况如下：\n（一）按时到岗情况。总体情况良好。"


def test_a_section_save_from_an_old_version_is_refused(issue, editor):
    section = make_section(issue, title="政务资讯", kind=Section.Kind.NEWS)
    version = section.version
    services.section_save_text(by=editor, section=section, body="第一稿。", version=version)
    with pytest.raises(services.Conflict):
        services.section_save_text(by=editor, section=section, body="第二稿。", version=version)
    section.refresh_from_db()
    assert section.body == "第一稿。"


def test_outline_changes_keep_attachments_last_and_order_sections(issue, editor):
    first = make_section(issue, position=1, title="一", kind=Section.Kind.FREE)
    attachment = make_section(issue, position=2, title="附件", kind=Section.Kind.ATTACHMENT)
    added = services.section_add(
        by=editor, issue=issue, title="二", level=1, kind=Section.Kind.NEWS
    )
    assert [s.title for s in issue.sections.all()] == ["一", "二", "附件"]
    services.section_move(by=editor, section=added, direction=-1)
    assert [s.title for s in issue.sections.all()] == ["二", "一", "附件"]
    services.section_move(
        by=editor, section=first, direction=+1
    )  # already last before the attachment
    assert [s.title for s in issue.sections.all()] == ["二", "一", "附件"]
    attachment.refresh_from_db()
    assert attachment.position == 3


def test_a_section_with_items_cannot_be_deleted(issue, department, editor):
    section = make_section(issue, title="大厅工作动态")
    Submission.objects.create(section=section, department=department, headline="某。")
    with pytest.raises(services.WorkflowError):
        services.section_delete(by=editor, section=section)
    assert Section.objects.filter(pk=section.pk).exists()


def test_items_are_reordered_within_their_section(issue, department, editor):
    section = make_section(issue, title="大厅工作动态")
    a = Submission.objects.create(
        section=section, department=department, headline="甲。", status="accepted"
    )
    draft = Submission.objects.create(section=section, department=department, headline="草稿。")
    b = Submission.objects.create(
        section=section, department=department, headline="乙。", status="accepted"
    )
    printed = lambda: [s.headline for s in section.submissions.accepted().order_by("position")]  # noqa: E731
    services.submission_move(
        by=editor, submission=b, direction=-1
    )  # the draft in between does not count
    assert printed() == ["乙。", "甲。"]
    services.submission_move(by=editor, submission=a, direction=+1)  # already last
    assert printed() == ["乙。", "甲。"]
    with pytest.raises(services.WorkflowError):
        services.submission_move(by=editor, submission=draft, direction=-1)


def test_nothing_is_assembled_in_an_approved_issue(issue, editor):
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.APPROVED)
    issue.refresh_from_db()
    with pytest.raises(services.WorkflowError):
        services.section_add(
            by=editor, issue=issue, title="新栏目", level=1, kind=Section.Kind.FREE
        )


def test_a_visit_without_its_own_words_is_said_to_be_in_the_hall_of_the_issue(db, department):
    visit = LeaderVisit(
        department=department,
        date=datetime.date(2024, 4, 9),
        leader_name="李四",
        leader_title="副市长",
        activity="",
    )
    one = leader_visits_prose([visit], Section.ProseStyle.PARAGRAPHS, hall="绵阳市政务服务大厅")
    assert one.paragraphs[0].endswith("到绵阳市政务服务大厅窗口调研值守。")
    rollup = leader_visits_prose([visit], Section.ProseStyle.ROLLUP, hall="绵阳市政务服务大厅")
    assert rollup.paragraphs[0].endswith("分别到绵阳市政务服务大厅窗口调研值守。")
