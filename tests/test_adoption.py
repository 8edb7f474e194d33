"""信息报送考核: counting, points, ranks, rule versions, publication and the window link.

The month (tests/adoption_world.build_october): 30 departments, four calls for items in
the issues issued in October 2023 (two weekly issues and a 专报), a leader-visits call,
an issue of September and one still collecting. The rules: 2 an item, 3 a lead item,
5 in the 专报, 批示 +10 (省领导) / +5 (厅级), 0.5 off a missed call, 2 off the window
score for each missed call. What each department did, and what it makes:

- 1: three items used, the leads of 创新举措 and of W2 (3 + 3) and one behind the centre's
  own lead in 大厅工作动态 (2); a 省领导 and two 厅级 批示 on it, the second 厅级 earning
  nothing (多次批示不重复加分): 8 + 10 + 5, less 0.5 for the 专报 it missed: 22.5;
- 2: one item used with the editor's edits (2), one more (2), the lead of the 专报 (5,
  the 专报's points over a lead's): 9 - 0.5 = 8.5;
- 18: nothing sent in October, but a 省领导 批示 in October on its September item:
  10 - 4 x 0.5 = 8;
- 16 and 17: a joint 专报 item (5 / 2 each) with a 厅级 批示 (5 / 2 each):
  2.5 + 2.5 - 1.5 = 3.5, tied 4th in display order;
- 3 (returned, sent back, used), 7 (sent after the deadline, used), 8 (sent on time,
  returned, sent back after the deadline: not late), 15: one item each: 2 - 1.5 = 0.5;
- 9 and 10: a joint item, 1 each: -0.5; 11, 12, 13: a joint item, 0.67 each: -0.83;
- 4 (returned, then not used), 5 (not used), 14 (not used): -1.5;
- 6 (sent, then withdrawn: not counted, the call missed) and 19-30 (nothing; 19's item
  waits in an issue not issued yet): four calls missed, -2, tied 18th.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from bulletin.adoption import figures, services
from bulletin.adoption.models import AdoptionMonth, AdoptionProposal, AdoptionRules, Instruction
from lib.workflow import WorkflowError
from scoring.models import ScoreEntry
from tests.adoption_world import OCTOBER, RULES, build_october

OCT, NOV = datetime.date(2023, 10, 1), datetime.date(2023, 11, 1)
LATER = datetime.date(2024, 1, 15)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """October built once for the module, in a transaction rolled back after it."""
    from django.db import transaction
    from django.test import override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield build_october()
        transaction.set_rollback(True)


@pytest.fixture
def story(world, db):
    return world


def _row(line: figures.Line) -> tuple:
    return (
        line.submitted, line.accepted, line.edited, line.returned, line.not_used, line.late,
        line.missed, line.instructions, figures.format_points(line.points), line.rank,
    )  # fmt: skip


def _order(story, lines) -> list[int]:
    numbers = {d.pk: n for n, d in enumerate(story.departments, start=1)}
    return [numbers[line.department.pk] for line in lines]


def test_every_count_point_and_rank_of_a_month_of_thirty_departments(story):
    counted = figures.count_month(hall=story.hall.pk, month=OCT)
    got = {n: _row(counted.line_for(story.d(n).pk)) for n in range(1, 31)}
    assert got == OCTOBER
    assert len(counted.lines) == 30
    # ranked by points, ties in the departments' display order
    assert _order(story, counted.lines) == [
        1, 2, 18, 16, 17, 3, 7, 8, 15, 9, 10, 11, 12, 13, 4, 5, 14, 6, *range(19, 31),
    ]  # fmt: skip
    assert [line.rank for line in counted.lines][:10] == [1, 2, 3, 4, 4, 6, 6, 6, 6, 10]


def test_rates_are_used_over_sent_to_one_decimal_place(story):
    counted = figures.count_month(hall=story.hall.pk, month=OCT)
    assert counted.line_for(story.d(1).pk).rate_label == "100.0%"
    assert counted.line_for(story.d(4).pk).rate_label == "0.0%"
    # nothing sent: no rate, not 0 %
    assert counted.line_for(story.d(18).pk).rate is None
    assert counted.line_for(story.d(18).pk).rate_label == "—"
    # 13 of 16 items: 81.25 % rounds half up
    assert counted.totals.rate == Decimal("81.3")


def test_totals_count_each_item_once_and_joint_items_once(story):
    t = figures.count_month(hall=story.hall.pk, month=OCT).totals
    assert (t.submitted, t.accepted, t.edited, t.returned, t.not_used, t.late) == (
        16, 13, 1, 3, 3, 1,
    )  # fmt: skip
    assert (t.missed, t.instructions, t.provincial, t.department_level) == (100, 5, 2, 3)
    # the department columns credit a joint item to each of its departments
    lines = figures.count_month(hall=story.hall.pk, month=OCT).lines
    assert sum(line.accepted for line in lines) == 13 + 1 + 2 + 1


def test_where_an_item_was_used_decides_its_points(story):
    counted = figures.count_month(hall=story.hall.pk, month=OCT)
    placed = {c.item.pk: (c.placement, c.points, c.share) for c in counted.credits}
    items = story.items
    assert placed[items["a1"].pk] == ("item", Decimal(2), Decimal(2))  # behind the centre's lead
    assert placed[items["b1"].pk] == ("lead", Decimal(3), Decimal(3))
    assert placed[items["d1"].pk] == ("special", Decimal(5), Decimal(5))  # a lead, but 专报
    assert placed[items["b2"].pk] == ("item", Decimal(2), Decimal("0.67"))
    assert placed[items["d2"].pk] == ("special", Decimal(5), Decimal("2.5"))
    # used elsewhere or not at all
    assert items["a4"].pk not in placed and items["e1"].pk not in placed


def test_items_count_in_the_month_their_issue_was_issued(story):
    september = figures.count_month(hall=story.hall.pk, month=datetime.date(2023, 9, 1))
    assert september.line_for(story.d(18).pk).accepted == 1
    assert september.line_for(story.d(18).pk).instructions == 0
    assert september.totals.submitted == 1
    november = figures.count_month(hall=story.hall.pk, month=NOV)
    # the November 批示 on the joint item of 11-13: 10 split three ways
    assert [november.line_for(story.d(n).pk).points for n in (11, 12, 13)] == [Decimal("3.33")] * 3
    assert november.totals.submitted == 0 and november.totals.instructions == 1


def test_a_repeated_instruction_of_a_level_earns_nothing_in_a_later_month(story):
    """多次批示不重复加分: a 厅级 批示 in November on an item that had one in October earns
    nothing; a first 省领导 批示 on another of its items does."""
    for key, level in (("a1", "department"), ("b1", "provincial")):
        services.instruction_record(
            submission=story.items[key], by=story.editor, level=level, leader="周九",
            date=datetime.date(2023, 11, 3), text="请各部门学习。", today=LATER,
        )  # fmt: skip
    november = figures.count_month(hall=story.hall.pk, month=NOV)
    line = november.line_for(story.d(1).pk)
    assert line.instructions == 2
    assert line.points == Decimal("10")  # no issue in November: no call to miss
    repeated = {i.submission_id: i.repeated for i in november.instructions}
    assert repeated[story.items["a1"].pk] and not repeated[story.items["b1"].pk]


def test_a_new_rule_version_from_november_leaves_october_as_it_was(story):
    before = [_row(line) for line in figures.count_month(hall=story.hall.pk, month=OCT).lines]
    services.rules_save(
        hall=story.hall.pk, by=story.editor, effective_from=NOV,
        values={**RULES, "item_points": Decimal(4), "lead_points": Decimal(1),
                "provincial_bonus": Decimal(20), "missed_penalty": Decimal(0)},
    )  # fmt: skip
    october = figures.count_month(hall=story.hall.pk, month=OCT)
    assert [_row(line) for line in october.lines] == before
    assert october.rules.effective_from == datetime.date(2023, 1, 1)
    november = figures.count_month(hall=story.hall.pk, month=NOV)
    assert november.rules.effective_from == NOV
    assert november.line_for(story.d(11).pk).points == Decimal("6.67")  # 20 / 3


def test_a_published_month_keeps_its_ranking_when_later_rules_change(story):
    month = services.month_open(hall=story.hall.pk, month=OCT)
    services.month_publish(month=month, by=story.editor, today=LATER)
    published = [_row(line) for line in figures.month_figures(month).lines]
    assert published == [
        _row(line) for line in figures.count_month(hall=story.hall.pk, month=OCT).lines
    ]
    services.rules_save(
        hall=story.hall.pk, by=story.editor, effective_from=NOV,
        values={**RULES, "item_points": Decimal(9)},
    )  # fmt: skip
    month.refresh_from_db()
    assert [_row(line) for line in figures.month_figures(month).lines] == published
    # a version that would reach back into October is refused, and nothing changes
    with pytest.raises(WorkflowError, match="2023年10月"):
        services.rules_save(
            hall=story.hall.pk, by=story.editor, effective_from=datetime.date(2023, 9, 1),
            values={**RULES, "item_points": Decimal(9)},
        )  # fmt: skip
    with pytest.raises(WorkflowError, match="2023年10月"):
        services.rules_save(
            hall=story.hall.pk, by=story.editor, effective_from=datetime.date(2023, 1, 1),
            values={**RULES, "item_points": Decimal(9)},
        )  # fmt: skip
    assert (
        AdoptionRules.objects.get(
            hall=story.hall, effective_from=datetime.date(2023, 1, 1)
        ).item_points
        == 2
    )
    assert [_row(line) for line in figures.month_figures(month).lines] == published


def test_publishing_stores_the_lines_summary_and_rules_and_freezes_the_month(story):
    month = services.month_open(hall=story.hall.pk, month=OCT)
    services.month_publish(month=month, by=story.editor, today=LATER)
    month.refresh_from_db()
    assert month.is_frozen and month.rules.effective_from == datetime.date(2023, 1, 1)
    assert month.lines.count() == 30
    counts = month.summary.splitlines()[1]
    assert counts.startswith("2023年10月，各部门（单位）窗口共报送信息16条，采用13条，采用率81.3%")
    assert "应报未报（缺报）100次。本月信息获领导批示5件次，其中省领导批示2件次" in counts
    assert "测试厅01（22.5分）、测试厅02（8.5分）、测试厅18（8分）" in month.summary
    assert month.send_to == "省级相关部门（单位）。" and month.print_count == 60
    assert month.transitions.get().to_status == "published"
    with pytest.raises(WorkflowError):
        services.month_publish(month=month, by=story.editor, today=LATER)


def test_nothing_counted_in_a_published_month_changes_afterwards(story):
    month = services.month_open(hall=story.hall.pk, month=OCT)
    services.month_publish(month=month, by=story.editor, today=LATER)
    with pytest.raises(services.AdoptionError, match="2023年10月"):
        services.instruction_record(
            submission=story.items["c1"], by=story.editor, level="provincial", leader="某副省长",
            date=datetime.date(2023, 10, 30), text="很好。", today=LATER,
        )  # fmt: skip
    with pytest.raises(services.AdoptionError, match="2023年10月"):
        services.joint_set(submission=story.items["c1"], by=story.editor, departments=[story.d(30)])
    october = Instruction.objects.filter(date__month=10).first()
    with pytest.raises(services.AdoptionError, match="2023年10月"):
        services.instruction_delete(instruction=october, by=story.editor)
    assert Instruction.objects.filter(pk=october.pk).exists()
    # a 批示 dated in November on an October item counts in November, which is open
    services.instruction_record(
        submission=story.items["c1"], by=story.editor, level="provincial", leader="某副省长",
        date=datetime.date(2023, 11, 30), text="很好。", today=LATER,
    )  # fmt: skip


def test_a_month_is_published_only_once_it_is_over_and_every_signed_off_issue_is_issued(story):
    month = services.month_open(hall=story.hall.pk, month=OCT)
    with pytest.raises(services.AdoptionError, match="2023年10月"):
        services.month_publish(month=month, by=story.editor, today=datetime.date(2023, 10, 31))
    w3 = story.issues["W3"]
    type(w3).objects.filter(pk=w3.pk).update(
        status="approved", issue_date=datetime.date(2023, 10, 31)
    )
    with pytest.raises(services.AdoptionError, match="2023年第4期"):
        services.month_publish(month=month, by=story.editor, today=LATER)
    month.refresh_from_db()
    assert not month.is_frozen and not month.lines.exists()


def test_instructions_are_refused_on_items_not_issued_and_dates_before_the_bulletin(story):
    with pytest.raises(services.AdoptionError):
        services.instruction_record(
            submission=story.items["f1"], by=story.editor, level="provincial", leader="某副省长",
            date=datetime.date(2023, 10, 30), text="很好。", today=LATER,
        )  # fmt: skip
    with pytest.raises(services.AdoptionError, match="2023年10月24日"):
        services.instruction_record(
            submission=story.items["c1"], by=story.editor, level="provincial", leader="某副省长",
            date=datetime.date(2023, 10, 23), text="很好。", today=LATER,
        )  # fmt: skip
    with pytest.raises(services.AdoptionError):
        services.instruction_record(
            submission=story.items["c1"], by=story.clerk(1), level="provincial", leader="某副省长",
            date=datetime.date(2023, 10, 30), text="很好。", today=LATER,
        )  # fmt: skip


def test_missed_calls_propose_window_deductions_the_scorer_confirms_or_dismisses(story):
    month = services.month_open(hall=story.hall.pk, month=OCT)
    services.month_publish(month=month, by=story.editor, today=LATER)
    proposals = {p.department_id: p for p in AdoptionProposal.objects.filter(month=month)}
    # every department missed a call; 2 points each (每少报一次扣2分)
    assert len(proposals) == 30
    assert proposals[story.d(1).pk].points == Decimal(-2)
    assert proposals[story.d(6).pk].points == Decimal(-8)
    assert proposals[story.d(6).pk].missed == 4
    assert "专报信息" in proposals[story.d(1).pk].evidence
    entry = services.proposal_confirm(proposal=proposals[story.d(6).pk], by=story.scorer)
    assert (entry.points, entry.department_id, entry.month.month) == (
        Decimal(-8),
        story.d(6).pk,
        OCT,
    )
    assert entry.month.hall_id == story.hall.pk
    assert ScoreEntry.objects.filter(month__month=OCT, department=story.d(6)).count() == 1
    services.proposal_dismiss(proposal=proposals[story.d(1).pk], by=story.scorer)
    assert not ScoreEntry.objects.filter(month__month=OCT, department=story.d(1)).exists()
    # decided once: a second click does nothing
    with pytest.raises(WorkflowError):
        services.proposal_confirm(proposal=proposals[story.d(1).pk], by=story.scorer)
    with pytest.raises(WorkflowError):
        services.proposal_dismiss(proposal=proposals[story.d(2).pk], by=story.editor)
    assert ScoreEntry.objects.filter(month__month=OCT).count() == 1


def test_no_window_deduction_is_proposed_when_the_rules_ask_for_none(story):
    services.rules_save(
        hall=story.hall.pk, by=story.editor, effective_from=NOV,
        values={**RULES, "window_deduction": None},
    )  # fmt: skip
    month = services.month_open(hall=story.hall.pk, month=NOV)
    services.month_publish(month=month, by=story.editor, today=LATER)
    assert not month.proposals.exists()


def test_a_quarter_adds_up_its_months(story):
    quarter = figures.period_figures(hall=story.hall.pk, year=2023, quarter=4)
    october = figures.count_month(hall=story.hall.pk, month=OCT)
    november = figures.count_month(hall=story.hall.pk, month=NOV)
    for n in (1, 11, 18, 30):
        line = quarter.line_for(story.d(n).pk)
        assert line.points == (
            october.line_for(story.d(n).pk).points + november.line_for(story.d(n).pk).points
        )
        assert line.submitted == october.line_for(story.d(n).pk).submitted
    assert quarter.totals.instructions == 6
    assert quarter.label == "2023年第四季度"
    # the third quarter holds September's item
    third = figures.period_figures(hall=story.hall.pk, year=2023, quarter=3)
    assert third.line_for(story.d(18).pk).accepted == 1
    assert third.lines[0].department == story.d(18)


def test_another_halls_items_count_in_that_hall_only(story):
    from departments.models import Department, Hall
    from tests.factories import make_issue, make_section, make_series, make_submission

    hall = Hall.objects.create(name="绵阳市政务服务大厅", short_name="绵阳市")
    city = Department.objects.create(hall=hall, name="绵阳市交通运输局", display_order=10)
    issue = make_issue(
        make_series("窗口工作周报", hall=hall), status="issued",
        issue_date=datetime.date(2023, 10, 12),
    )  # fmt: skip
    make_submission(make_section(issue), city, status="accepted")
    ours = figures.count_month(hall=story.hall.pk, month=OCT)
    theirs = figures.count_month(hall=hall.pk, month=OCT)
    assert ours.totals.submitted == 16
    assert city.pk not in {line.department.pk for line in ours.lines}
    assert [(line.department, line.accepted) for line in theirs.lines] == [(city, 1)]
    assert theirs.rules is None and theirs.lines[0].points == 0  # that hall set no rules


def test_months_are_a_halls_own(story):
    a = services.month_open(hall=story.hall.pk, month=OCT)
    assert services.month_open(hall=story.hall.pk, month=datetime.date(2023, 10, 17)) == a
    assert AdoptionMonth.objects.filter(hall=story.hall, month=OCT).count() == 1


# --- the 通报: PDF, .xlsx, the command, an issue's 附件 ---------------------------------


# 26 characters: with the two-character indent, one full line of the 28-character grid.
BODY_LINE = "政务服务大厅窗口规范化标准化建设持续推进成效明显群众满意"[:26]


def _publish_october(story) -> AdoptionMonth:
    month = services.month_open(hall=story.hall.pk, month=OCT)
    services.month_publish(month=month, by=story.editor, today=LATER)
    month.refresh_from_db()
    return month


def _check(path) -> list[str]:
    from tests.tools import check_pdf

    report = check_pdf.check(str(path), None, 0.97)
    return [f"{row['check']}: {row['value']}" for row in report.failed]


def _text(path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "".join((page.extract_text() or "").replace("\n", "") for page in pdf.pages)


def test_the_published_report_passes_the_print_layout_rules_and_is_frozen(
    story, tmp_path, settings
):
    import hashlib

    from bulletin.adoption import printing

    settings.MEDIA_ROOT = tmp_path / "media"
    month = _publish_october(story)
    pdf = printing.report_pdf(month=month)
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    assert _check(path) == []
    text = _text(path)
    assert "信息报送采用情况通报" in text and "2023年10月" in text
    assert "共报送信息16条，采用13条，采用率81.3%" in text
    for department in story.departments:
        assert department.name in text
    # stored once; every later download returns those bytes
    month.refresh_from_db()
    assert month.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert printing.report_pdf(month=month) == pdf


def test_the_report_prints_a_ties_rank_once(story):
    from bulletin.adoption import printing

    html = printing.report_html(_publish_october(story))
    # 13 departments share rank 18: the first row prints it, the 12 below carry it
    assert html.count('data-rank="18"') == 12
    assert html.count('data-tie="13"') == 1


def test_an_open_months_report_is_a_draft_through_the_same_pipeline(story, tmp_path, settings):
    from bulletin.adoption import printing

    settings.MEDIA_ROOT = tmp_path / "media"
    month = services.month_open(hall=story.hall.pk, month=OCT)
    html = printing.report_html(month)
    assert "print-mark-draft" in html
    path = tmp_path / "draft.pdf"
    path.write_bytes(printing.report_pdf(month=month))
    assert _check(path) == []
    month.refresh_from_db()
    assert month.pdf_sha256 == ""  # a draft is never stored


def test_the_report_attaches_to_an_issue_as_its_attachment(story, tmp_path, settings):
    from bulletin import services as bulletin
    from bulletin.models import Section
    from bulletin.printing import rendering

    settings.MEDIA_ROOT = tmp_path / "media"
    month = _publish_october(story)
    weekly = story.issues["W1"].series
    issue = bulletin.issue_create(
        series=weekly, by=story.editor, period_start=datetime.date(2023, 11, 6),
        period_end=datetime.date(2023, 11, 10),
    )  # fmt: skip
    free = issue.sections.filter(kind=Section.Kind.FREE).first() or bulletin.section_add(
        issue=issue, by=story.editor, title="工作要求", level=1, kind=Section.Kind.FREE
    )
    free.refresh_from_db()
    bulletin.section_save_text(
        section=free, by=story.editor, version=free.version,
        body="\n".join([BODY_LINE * 3 + "。"] * 5),
    )  # fmt: skip
    section = services.issue_attach_report(issue=issue, by=story.editor, month=month)
    assert section.kind == Section.Kind.ATTACHMENT and section.adoption_report == month
    with pytest.raises(WorkflowError, match="2023年10月"):
        services.issue_attach_report(issue=issue, by=story.editor, month=month)
    # only a published month is attached
    with pytest.raises(WorkflowError):
        services.issue_attach_report(
            issue=issue, by=story.editor, month=services.month_open(hall=story.hall.pk, month=NOV)
        )
    path = tmp_path / "issue.pdf"
    path.write_bytes(rendering.render_pdf(rendering.render_document_html(issue)))
    assert _check(path) == []
    text = _text(path)
    assert "附件：2023年10月信息报送采用情况通报" in text
    assert "共报送信息16条" in text and story.d(30).name in text

    # The issue's Word file prints the same ranking as a Word table, ties merged.
    import io

    import docx

    from bulletin.adoption.figures import rank_groups, stored_line
    from bulletin.printing.docx import issue_docx

    table = docx.Document(io.BytesIO(issue_docx(issue))).tables[-2]  # the last is the 报尾
    header, *rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert header[:4] == ["排名", "部门（单位）", "报送", "采用"]
    lines = [stored_line(line) for line in month.lines.select_related("department")]
    assert [row[1] for row in rows] == [line.department.name for line in lines]
    # python-docx repeats a merged cell's text down its rows: a tie's rank on each
    assert [row[0] for row in rows] == [str(line.rank) for line in lines]
    ties = [group for group in rank_groups(lines) if len(group) > 1]
    assert ties, "the month of this story has ties"
    merged = [tc.vMerge for tc in (tr.tc_lst[0] for tr in table._tbl.tr_lst[1:])]
    assert merged.count("continue") == sum(len(group) - 1 for group in ties)


def test_the_xlsx_holds_every_line_and_the_column_sums(story):
    import io

    from openpyxl import load_workbook

    from bulletin.adoption import excel

    month = _publish_october(story)
    counted = figures.month_figures(month)
    sheet = load_workbook(io.BytesIO(excel.table_workbook(counted, month.table_title))).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    lines, total = rows[:-1], rows[-1]
    assert [row[1] for row in lines] == [line.department.name for line in counted.lines]
    assert lines[0][2:] == (3, 3, 0, 0, 0, 0, 1, 3, "100.0%", 22.5)
    assert total[0] == "合计" and total[3] == sum(row[3] for row in lines) == 17
    # a tie's rank merged down its rows
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "A20:A32" in merged  # the 13 departments of rank 18


def test_the_command_prints_one_line_per_department_that_sent_items(story, tmp_path):
    import io

    from django.core.management import call_command
    from openpyxl import load_workbook

    out = io.StringIO()
    call_command("adoption_report", "--year", "2023", "--month", "10", stdout=out)
    printed = out.getvalue().splitlines()
    sending = [n for n, row in OCTOBER.items() if row[0]]
    table = [
        line
        for line in printed
        if line.split("\t")[1:2] and line.split("\t")[1].startswith("测试厅")
    ]
    assert len(table) == len(sending) == 16
    assert table[0].split("\t") == [
        "1",
        "测试厅01",
        "3",
        "3",
        "0",
        "0",
        "0",
        "0",
        "1",
        "3",
        "100.0%",
        "22.5",
    ]
    assert not any("测试厅18" in line or "测试厅06" in line for line in table)
    target = tmp_path / "10月.xlsx"
    call_command("adoption_report", "--year", "2023", "--month", "10", "-o", str(target),
                 stdout=io.StringIO())  # fmt: skip
    sheet = load_workbook(target).active
    assert sheet.max_row == 2 + 16 + 1
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("adoption_report", "--year", "2023", "--month", "13", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("adoption_report", "--year", "2023", "--month", "10", "-o",
                     str(tmp_path / "f.doc"), stdout=io.StringIO())  # fmt: skip


def test_the_month_page_costs_the_same_queries_whatever_the_month_holds(
    story, client, django_assert_max_num_queries
):
    from django.urls import reverse

    month = services.month_open(hall=story.hall.pk, month=OCT)
    client.force_login(story.editor)
    url = reverse("adoption:month", args=[month.pk])
    with django_assert_max_num_queries(25) as before:
        page = client.get(url)
    assert page.status_code == 200
    assert "测试厅30" in page.content.decode() and "张三副省长" in page.content.decode()
    services.joint_set(submission=story.items["c3"], by=story.editor, departments=[story.d(29)])
    for day in (27, 28, 29):
        services.instruction_record(
            submission=story.items["c3"], by=story.editor, level="department", leader="某厅长",
            date=datetime.date(2023, 10, day), text="好。", today=LATER,
        )  # fmt: skip
    with django_assert_max_num_queries(len(before)):
        client.get(url)


def test_the_assembly_page_offers_the_published_reports(story, client):
    from django.template.loader import render_to_string

    from bulletin.adoption.forms import AttachReportForm

    month = _publish_october(story)
    issue = story.issues["W3"]
    html = render_to_string(
        "bulletin/adoption/includes/attach_form.html",
        {"issue": issue, "adoption_attach_form": AttachReportForm(hall=story.hall.pk)},
    )
    assert f'action="/adoption/issues/{issue.pk}/attach/"' in html
    assert f'<option value="{month.pk}">2023年10月</option>' in html
    # the 组稿 view hands the include its form
    client.force_login(story.editor)
    from django.urls import reverse

    response = client.get(reverse("bulletin:assemble", args=[issue.pk]))
    assert response.status_code == 200
    assert list(response.context["adoption_attach_form"].fields["month"].queryset) == [month]
