"""The bulletin importer: the two real seeds, the variations a typist produces, malformed
files, saving whole-or-nothing, and the import_bulletin command.

Expected values are transcribed from the seed texts in demo/seeds/, not from the parser.
Variations are built by transforming the seed text here, so each test shows what it changes.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from bulletin.importer import (
    BulletinFormatError,
    ImportRefused,
    import_file,
    parse_bulletin,
)
from bulletin.models import Issue, Section, Series, Submission
from demo.data import DEPARTMENTS
from departments.models import Department
from scoring.models import InspectionItem, WindowScore

SEEDS = Path(__file__).resolve().parent.parent / "demo" / "seeds"
SEED_2022 = (SEEDS / "2022-39.txt").read_text(encoding="utf-8")
SEED_2023 = (SEEDS / "2023-38.txt").read_text(encoding="utf-8")
SEED_TEXTS = {"2022": SEED_2022, "2023": SEED_2023}

CENTRE = "四川省政府政务服务和公共资源交易服务中心"
AUGUST_2023 = datetime.date(2023, 8, 1)

K = Section.Kind
# (level, title, kind, number of items) as the seeds print them.
OUTLINE_2022 = [
    (1, "省级政务服务事项受理办理情况", K.STATISTICS, 0),
    (1, "窗口工作动态", K.ITEMS, 0),
    (2, "优化营商环境工作开展情况", K.ITEMS, 2),
    (2, "窗口服务效能提升工作情况", K.ITEMS, 3),
    (2, "厅（局）长进大厅", K.LEADER_VISITS, 0),
    (1, "大厅巡查情况", K.INSPECTION, 0),
]
OUTLINE_2023 = [
    (1, "综窗改革攻坚行动", K.FREE, 0),
    (2, "省本级综窗办件情况", K.STATISTICS, 0),
    (2, "事项授权及受理手册编制推进情况", K.FREE, 0),
    (2, "其它工作开展情况", K.FREE, 0),
    (1, "大厅工作动态", K.ITEMS, 3),
    (1, "厅（局）长进大厅", K.LEADER_VISITS, 0),
    (1, "政务资讯", K.NEWS, 0),
]
INSPECTION_TOPICS_2022 = [
    "按时到岗情况",
    "工作区域标准化执行情况",
    "着装情况",
    "工作牌佩戴情况",
    "纪律秩序",
    "大厅防控情况",
]

# The 2023 attachment as printed: (rank or None for a tie, department, 减分, 加分, 实得分);
# every 基础分 is 100.
TABLE_2023 = [
    (1, "交通运输厅", "0", "18", "118"),
    (2, "自然资源厅", "0", "17", "117"),
    (3, "省市场监管局", "0", "13.5", "113.5"),
    (4, "应急管理厅", "0", "13", "113"),
    (5, "省林草局", "0", "11", "111"),
    (6, "省发展改革委", "0", "10.5", "110.5"),
    (7, "生态环境厅", "0", "10", "110"),
    (None, "水利厅", "0", "10", "110"),
    (9, "公安厅", "0", "7.5", "107.5"),
    (10, "经济和信息化厅", "0", "7", "107"),
    (None, "文化和旅游厅", "0", "7", "107"),
    (None, "司法厅", "0", "7", "107"),
    (None, "民政厅", "0", "7", "107"),
    (14, "省卫生健康委", "0", "6.5", "106.5"),
    (None, "农业农村厅", "0", "6.5", "106.5"),
    (None, "省药监局", "0", "6.5", "106.5"),
    (17, "商务厅", "0", "6", "106"),
    (None, "省广电局", "0", "6", "106"),
    (19, "住房城乡建设厅", "0", "5", "105"),
    (20, "四川气象局", "0", "1.5", "101.5"),
    (None, "四川省税务局", "0", "1.5", "101.5"),
    (22, "省新闻出版局（省版权局、省电影局）", "0", "0.5", "100.5"),
    (None, "四川消防救援总队", "0", "0.5", "100.5"),
    (24, "省贸促会", "0", "0", "100"),
    (None, "科技厅", "0", "0", "100"),
    (26, "成都海关", "-2", "0.5", "98.5"),
    (27, "四川地震局", "-8", "0", "92"),
    (28, "教育厅", "-12", "2", "90"),
    (29, "四川测绘局", "-13", "0", "87"),
]


def _ranks_with_ties_filled(printed: list[int | None]) -> list[int]:
    filled: list[int] = []
    for rank in printed:
        filled.append(rank if rank is not None else filled[-1])
    return filled


SEED_RANKS_2023 = _ranks_with_ties_filled([row[0] for row in TABLE_2023])
TABLE_HEADER = "排名\t部门窗口\t基础分 分值\t减分分值\t加分分值\t实得分值"


# --- helpers ------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def english():
    """The messages are matched by their English msgids (the app speaks Chinese: see
    tests/test_importer_errors.py)."""
    with translation.override("en"):
        yield


def replace_once(text: str, old: str, new: str) -> str:
    """Replace exactly one occurrence, so a test can never pass on an unchanged seed."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the first line of `text` containing `needle`."""
    for no, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return no
    raise AssertionError(f"{needle!r} not in the text")


def _without_line_numbers(value):
    if isinstance(value, dict):
        return {k: _without_line_numbers(v) for k, v in value.items() if k != "line"}
    if isinstance(value, list):
        return [_without_line_numbers(v) for v in value]
    return value


def summary(text: str) -> dict:
    """Everything the parser read, without the line numbers (which blank lines shift)."""
    return _without_line_numbers(asdict(parse_bulletin(text)))


def outline(doc) -> list[tuple[int, str, str, int]]:
    return [(s.level, s.title, s.kind, len(s.items)) for s in doc.sections]


def seed_lines(text: str) -> list[str]:
    return text.split("\n")


def with_table(rows: list[str], header: str = TABLE_HEADER) -> str:
    """The 2023 seed with its score table (header and rows) replaced."""
    lines = seed_lines(SEED_2023)
    start = next(i for i, line in enumerate(lines) if line.startswith("排名"))
    end = next(i for i, line in enumerate(lines) if "四川测绘局" in line)
    return "\n".join([*lines[:start], header, *rows, *lines[end + 1 :]])


def write(tmp_path: Path, text: str, name: str = "bulletin.txt", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def counts() -> dict[str, int]:
    return {
        "series": Series.objects.count(),
        "issues": Issue.objects.count(),
        "sections": Section.objects.count(),
        "submissions": Submission.objects.count(),
        "inspection": InspectionItem.objects.count(),
        "scores": WindowScore.objects.count(),
        "departments": Department.objects.count(),
    }


def saved_ranks(month=AUGUST_2023) -> list[tuple[str, int]]:
    return [
        (row.department.name, row.rank) for row in WindowScore.objects.for_month(month).ranked()
    ]


@pytest.fixture
def known_departments(db) -> dict[str, Department]:
    """The hall's 29 departments with their short names, as the demo loads them."""
    return {
        name: Department.objects.create(name=name, short_name=short, display_order=n * 10)
        for n, (name, short) in enumerate(DEPARTMENTS, start=1)
    }


# --- the seeds: masthead ------------------------------------------------------------


def test_2022_seed_masthead_has_numbers_period_dates_and_column_title():
    doc = parse_bulletin(SEED_2022)
    assert doc.title == "窗口工作周报"
    assert doc.issuing_body == CENTRE
    assert (doc.year, doc.number, doc.total_number) == (2022, 39, 414)
    assert doc.period_start == datetime.date(2022, 11, 14)
    assert doc.period_end == datetime.date(2022, 11, 18)
    assert doc.issue_date == datetime.date(2022, 12, 7)
    assert doc.column_title == "政务服务工作"


def test_2023_seed_masthead_takes_the_markdown_heading_as_title_and_has_no_column_title():
    doc = parse_bulletin(SEED_2023)
    assert doc.title == "窗口工作周报"
    assert doc.issuing_body == CENTRE
    assert (doc.year, doc.number, doc.total_number) == (2023, 38, 458)
    assert doc.period_start == datetime.date(2023, 9, 25)
    assert doc.period_end == datetime.date(2023, 9, 28)
    assert doc.issue_date == datetime.date(2023, 10, 17)
    assert doc.column_title == ""


# --- the seeds: outline and text ----------------------------------------------------


def test_2022_seed_outline_has_levels_titles_kinds_and_item_counts():
    doc = parse_bulletin(SEED_2022)
    assert outline(doc) == OUTLINE_2022
    paren = Section.ItemStyle.PAREN
    assert [s.item_style for s in doc.sections if s.items] == [paren, paren]
    assert doc.attachments == []


def test_2023_seed_outline_has_levels_titles_kinds_and_item_counts():
    doc = parse_bulletin(SEED_2023)
    assert outline(doc) == OUTLINE_2023
    items = next(s for s in doc.sections if s.items)
    assert items.item_style == Section.ItemStyle.ARABIC
    # The 附件： note and the 附件 page name the same attachment once.
    assert [a.title for a in doc.attachments] == [
        "2023年8月省政务服务大厅进驻部门（单位）窗口考核结果"
    ]


def test_prose_sections_keep_their_numbered_paragraphs_as_body_text():
    doc22 = parse_bulletin(SEED_2022)
    visits = doc22.sections[4]
    assert len(visits.body) == 2
    assert visits.body[0].startswith("（1）11月16日，应急厅二级巡视员雷治严")
    inspection = doc22.sections[5]
    assert len(inspection.body) == 7  # the lead paragraph and six inspection lines
    assert inspection.body[1] == "（一）按时到岗情况。总体情况良好。"

    doc23 = parse_bulletin(SEED_2023)
    news = doc23.sections[6]
    assert len(news.body) == 2
    assert news.body[1].startswith("2.9月27日，第十七届全国政务服务工作会议")
    stats = doc23.sections[1]
    assert stats.body == [
        "本周，共计咨询2039人次、受理514件、颁发2257件、流转8314件；今年以来，"
        "累计咨询56148人次、受理14748件、颁发130232件、流转231433件。"
    ]


def test_2022_seed_has_all_three_distribution_lines_and_prints_80_copies():
    doc = parse_bulletin(SEED_2022)
    assert doc.report_to == "中心领导。"
    assert doc.send_to == "各相关省级部门（单位），中心各处（室）、直属单位。"
    assert doc.distribute_to == "各部门窗口。"
    assert doc.print_count == 80


def test_2023_seed_has_no_report_line_and_prints_91_copies():
    doc = parse_bulletin(SEED_2023)
    assert doc.report_to == ""
    assert doc.send_to == "省中心领导、省级相关部门（单位）。"
    assert doc.distribute_to == "省级相关部门（单位）窗口，省中心各处（室）、直属单位。"
    assert doc.print_count == 91


def test_2023_score_table_has_29_rows_for_august_as_printed():
    doc = parse_bulletin(SEED_2023)
    (attachment,) = doc.attachments
    assert attachment.month == AUGUST_2023
    rows = [(r.rank, r.department, r.base, r.deduction, r.bonus, r.total) for r in attachment.rows]
    assert rows == [
        (rank, name, Decimal(100), Decimal(ded), Decimal(bonus), Decimal(total))
        for rank, name, ded, bonus, total in TABLE_2023
    ]
    # the row after the blank line inside the table is still read
    assert attachment.rows[21].line == line_of(SEED_2023, "省新闻出版局")


@pytest.mark.parametrize(
    ("seed", "section", "item", "joined", "cut"),
    [
        ("2022", 2, 1, "一次申请、一口受理、一次审查", "口受理、一次审查"),
        ("2022", 3, 2, "报送国家林草局。该报告自去年启动以来", "报告自去年启动以来"),
        ("2023", 4, 1, "政务服务工作的意见和建议，与屏山", "意见和建议"),
    ],
    ids=["2022-yi-kou-shou-li", "2022-bao-gao", "2023-yi-jian-he-jian-yi"],
)
def test_an_item_cut_by_a_page_break_is_joined_into_one(seed, section, item, joined, cut):
    doc = parse_bulletin(SEED_TEXTS[seed])
    items = doc.sections[section].items
    assert joined in items[item].text
    everything = [i.text for s in doc.sections for i in s.items] + [
        p for s in doc.sections for p in s.body
    ]
    assert not any(text.startswith(cut) for text in everything)


def test_a_prose_paragraph_cut_by_a_page_break_is_joined_into_one():
    news = parse_bulletin(SEED_2023).sections[6]
    assert len(news.body) == 2
    assert "体制机制不顺、精准下放推进机制不完善、未充分发挥政府和市场“两只手”作用" in news.body[0]
    assert news.body[0].endswith("要推动政务服务效能提升常态化。")


# --- saving the seeds ----------------------------------------------------------------


def test_importing_the_2022_seed_creates_an_issued_issue_with_its_sections(tmp_path, db):
    issue = import_file(write(tmp_path, SEED_2022))
    issue.refresh_from_db()
    assert issue.status == Issue.Status.ISSUED
    assert issue.series.title == "窗口工作周报"
    assert issue.series.issuing_body == CENTRE
    assert (issue.year, issue.number, issue.total_number) == (2022, 39, 414)
    assert (issue.period_start, issue.period_end) == (
        datetime.date(2022, 11, 14),
        datetime.date(2022, 11, 18),
    )
    assert issue.issue_date == datetime.date(2022, 12, 7)
    assert issue.column_title == "政务服务工作"
    assert issue.report_to == "中心领导。"
    assert issue.print_count == 80
    sections = list(issue.sections.order_by("position"))
    assert [(s.level, s.title, s.kind) for s in sections] == [o[:3] for o in OUTLINE_2022]
    assert [s.position for s in sections] == [1, 2, 3, 4, 5, 6]
    assert sections[0].body.startswith("据四川一体化政务服务平台数据统计")


def test_importing_the_2022_seed_saves_items_as_accepted_submissions(tmp_path, db):
    issue = import_file(write(tmp_path, SEED_2022))
    submissions = Submission.objects.filter(section__issue=issue)
    assert submissions.count() == 5
    assert set(submissions.values_list("status", flat=True)) == {Submission.Status.ACCEPTED}
    assert set(submissions.values_list("section__kind", flat=True)) == {Section.Kind.ITEMS}
    by_section = [
        list(s.submissions.order_by("position")) for s in issue.sections.filter(kind="items")
    ]
    assert [len(subs) for subs in by_section] == [0, 2, 3]
    first = by_section[1][0]
    assert first.headline == "生态环境厅探索入河排污口设置审核“四川模式”，跑出“四川速度”。"
    assert first.body.startswith("生态环境厅在全国率先完成入河排污口设置审核转隶承接")
    assert "一次申请、一口受理" in by_section[1][1].body
    assert [s.position for s in by_section[2]] == [1, 2, 3]


def test_imported_submissions_belong_to_the_department_named_in_their_first_sentence(
    tmp_path, known_departments
):
    issue = import_file(write(tmp_path, SEED_2022))
    departments = [
        s.department.name if s.department else None
        for s in Submission.objects.filter(section__issue=issue).order_by(
            "section__position", "position"
        )
    ]
    assert departments == ["生态环境厅", "水利厅", "省发展改革委", "水利厅", "省林草局"]


def test_importing_the_2022_seed_saves_the_six_inspection_lines(tmp_path, db):
    issue = import_file(write(tmp_path, SEED_2022))
    items = list(issue.inspection_round.items.order_by("position"))
    assert [i.topic for i in items] == INSPECTION_TOPICS_2022
    assert [i.position for i in items] == [1, 2, 3, 4, 5, 6]
    assert [i.finding for i in items[:5]] == ["总体情况良好。"] * 5
    assert items[5].finding.startswith("大厅人员管控到位，进出人员须出示“健康码”及48小时核酸检测")


def test_importing_the_2023_seed_saves_sections_and_the_attachment_last(
    tmp_path, known_departments
):
    issue = import_file(write(tmp_path, SEED_2023))
    assert issue.status == Issue.Status.ISSUED
    assert issue.report_to == ""
    assert issue.print_count == 91
    sections = list(issue.sections.order_by("position"))
    assert [(s.level, s.title, s.kind) for s in sections[:-1]] == [o[:3] for o in OUTLINE_2023]
    attachment = sections[-1]
    assert attachment.kind == Section.Kind.ATTACHMENT
    assert attachment.score_month == AUGUST_2023
    assert attachment.position == 8
    items = Submission.objects.filter(section__issue=issue).order_by("position")
    assert [i.department.name if i.department else None for i in items] == [
        None,  # 省中心 is not a department window
        "交通运输厅",
        "经济和信息化厅",
    ]
    assert set(items.values_list("status", flat=True)) == {Submission.Status.ACCEPTED}
    assert InspectionItem.objects.count() == 0


def test_importing_the_2023_seed_saves_29_window_scores_ranked_as_printed(tmp_path, db):
    import_file(write(tmp_path, SEED_2023))
    scores = WindowScore.objects.filter(month=AUGUST_2023)
    assert scores.count() == 29
    assert saved_ranks() == [
        (name, rank) for (_, name, *_), rank in zip(TABLE_2023, SEED_RANKS_2023, strict=True)
    ]
    by_name = {s.department.name: s for s in scores.select_related("department")}
    assert by_name["省市场监管局"].bonus == Decimal("13.5")
    assert by_name["省市场监管局"].total == Decimal("113.5")
    assert by_name["四川测绘局"].deduction == Decimal("-13")
    assert by_name["四川测绘局"].total == Decimal("87")
    assert by_name["成都海关"].deduction == Decimal("-2")
    assert [s.table_position for s in scores.order_by("table_position")] == list(range(1, 30))


def test_importing_scores_creates_unknown_departments(tmp_path, db):
    assert Department.objects.count() == 0
    import_file(write(tmp_path, SEED_2023))
    names = set(Department.objects.values_list("name", flat=True))
    assert names == {name for _, name, *_ in TABLE_2023}
    # the half-width brackets of the table became the official full-width ones
    assert "省新闻出版局（省版权局、省电影局）" in names


def test_importing_scores_reuses_existing_departments(tmp_path, known_departments):
    import_file(write(tmp_path, SEED_2023))
    assert Department.objects.count() == len(DEPARTMENTS)
    score = WindowScore.objects.get(department__name="省新闻出版局（省版权局、省电影局）")
    assert score.department == known_departments["省新闻出版局（省版权局、省电影局）"]
    assert WindowScore.objects.get(department=known_departments["交通运输厅"]).bonus == 18


def test_a_score_table_may_name_a_department_by_its_short_name(tmp_path, known_departments):
    text = replace_once(SEED_2023, "\t四川省税务局\t", "\t省税务局\t")
    import_file(write(tmp_path, text))
    assert Department.objects.count() == len(DEPARTMENTS)
    score = WindowScore.objects.get(department=known_departments["四川省税务局"])
    assert score.bonus == Decimal("1.5")


@pytest.mark.parametrize("seed", ["2022", "2023"])
def test_a_second_import_of_the_same_issue_is_refused_and_changes_nothing(tmp_path, db, seed):
    path = write(tmp_path, SEED_TEXTS[seed])
    first = import_file(path)
    before = counts()
    updated = Issue.objects.get().updated_at
    with pytest.raises(ImportRefused, match="already exists"):
        import_file(path)
    assert counts() == before
    assert Issue.objects.get().pk == first.pk
    assert Issue.objects.get().updated_at == updated


def test_an_issue_with_the_same_total_number_is_refused_too(tmp_path, db):
    import_file(write(tmp_path, SEED_2022))
    text = replace_once(SEED_2022, "2022年第39期", "2022年第40期")
    with pytest.raises(ImportRefused):
        import_file(write(tmp_path, text, "again.txt"))
    assert Issue.objects.count() == 1


def test_replace_refuses_an_issued_issue_and_a_frozen_month_and_changes_nothing(tmp_path, db):
    first = import_file(write(tmp_path, SEED_2023))
    before = counts()
    text = replace_once(SEED_2023, "（共印91份）", "（共印95份）")
    with pytest.raises(ImportRefused, match="is issued and cannot be replaced"):
        import_file(write(tmp_path, text, "corrected.txt"), replace=True)
    assert counts() == before
    assert Issue.objects.get() == first
    assert first.print_count == 91


def test_replace_refuses_a_frozen_month_even_under_another_issue(tmp_path, db):
    import_file(write(tmp_path, SEED_2023))
    other = replace_once(SEED_2023, "第 38 期（总第 458 期）", "第 39 期（总第 459 期）")
    other = replace_once(other, "四川测绘局\t100\t-13\t0\t87", "四川测绘局\t100\t-12\t0\t88")
    with pytest.raises(ImportRefused, match="2023年8月 are frozen"):
        import_file(write(tmp_path, other, "other.txt"), replace=True)
    assert WindowScore.objects.get(department__name="四川测绘局").deduction == Decimal("-13")
    assert Issue.objects.count() == 1


def test_replace_writes_over_an_issue_that_is_not_issued_yet(tmp_path, db):
    imported = import_file(write(tmp_path, SEED_2022))
    Issue.objects.filter(pk=imported.pk).update(status=Issue.Status.EDITING)  # not on paper yet
    corrected = replace_once(SEED_2022, "（共印 80 份）", "（共印 85 份）")
    second = import_file(write(tmp_path, corrected, "corrected.txt"), replace=True)
    assert second.pk != imported.pk
    assert list(Issue.objects.values_list("print_count", flat=True)) == [85]
    assert InspectionItem.objects.count() == 6  # the old issue's round went with it


def test_replace_true_on_a_new_issue_simply_imports_it(tmp_path, db):
    issue = import_file(write(tmp_path, SEED_2022), replace=True)
    assert Issue.objects.get() == issue


def test_a_failure_after_the_issue_was_created_leaves_nothing(tmp_path, department):
    # Scores for August 2023 exist already: the refusal comes while saving the attachment,
    # after the series, the issue and its sections were created in the same transaction.
    WindowScore.objects.create(department=department, month=AUGUST_2023, bonus=Decimal(1))
    before = counts()
    with pytest.raises(ImportRefused, match="window scores for 2023年8月 already exist"):
        import_file(write(tmp_path, SEED_2023))
    assert counts() == before
    assert Series.objects.count() == 0
    assert Issue.objects.count() == 0
    assert WindowScore.objects.get().bonus == 1


# --- variations -----------------------------------------------------------------------

# Digits and the ASCII punctuation a typist (or an input method) may write full-width;
# Markdown markers (#, |) are left alone as they are markup, not text.
TO_FULL_WIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789.,()%:;-"})
TO_HALF_WIDTH = str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":", "；": ";"})


@pytest.mark.parametrize("seed", ["2022", "2023"])
def test_full_width_digits_and_punctuation_read_like_the_seed(seed):
    text = SEED_TEXTS[seed]
    variant = text.translate(TO_FULL_WIDTH)
    assert variant != text and not re.search(r"[0-9]", variant)
    assert summary(variant) == summary(text)


def test_full_width_decimal_scores_keep_their_halves():
    doc = parse_bulletin(SEED_2023.translate(TO_FULL_WIDTH))
    rows = {r.department: r for r in doc.attachments[0].rows}
    assert rows["省市场监管局"].bonus == Decimal("13.5")
    assert rows["四川测绘局"].deduction == Decimal("-13")
    assert "占比60.37%" in doc.sections[2].body[0]


@pytest.mark.parametrize("seed", ["2022", "2023"])
def test_half_width_parens_commas_and_colons_read_like_the_seed(seed):
    text = SEED_TEXTS[seed]
    variant = text.translate(TO_HALF_WIDTH)
    assert "（" not in variant and "，" not in variant
    assert summary(variant) == summary(text)


@pytest.mark.parametrize("seed", ["2022", "2023"])
@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda t: t.replace("\n", "\n\n\n"), id="extra-blank-lines"),
        pytest.param(lambda t: re.sub(r"\n[ \t]*\n+", "\n", t), id="no-blank-lines"),
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="windows-line-endings"),
        pytest.param(lambda t: t.replace("\n", " \n"), id="trailing-spaces"),
    ],
)
def test_line_layout_is_not_significant(seed, transform):
    text = SEED_TEXTS[seed]
    variant = transform(text)
    assert variant != text
    assert summary(variant) == summary(text)


def test_a_file_with_windows_line_endings_imports(tmp_path, db):
    path = tmp_path / "crlf.txt"
    path.write_bytes(SEED_2023.replace("\n", "\r\n").encode("utf-8"))
    issue = import_file(path)
    assert issue.send_to == "省中心领导、省级相关部门（单位）。"
    assert WindowScore.objects.count() == 29


@pytest.mark.parametrize(
    ("seed", "dropped", "expected"),
    [
        ("2022", "报", ("", "各相关省级部门（单位），中心各处（室）、直属单位。", "各部门窗口。")),
        ("2022", "送", ("中心领导。", "", "各部门窗口。")),
        ("2023", "送", ("", "", "省级相关部门（单位）窗口，省中心各处（室）、直属单位。")),
        ("2022", "报送发", ("", "", "")),
        ("2023", "报送发", ("", "", "")),
    ],
    ids=["2022-no-bao", "2022-no-song", "2023-no-song", "2022-none", "2023-none"],
)
def test_distribution_lines_may_be_missing(seed, dropped, expected):
    text = SEED_TEXTS[seed]
    variant = re.sub(rf"^[{dropped}]：.*$", "", text, flags=re.MULTILINE)
    assert variant != text
    doc = parse_bulletin(variant)
    assert (doc.report_to, doc.send_to, doc.distribute_to) == expected
    assert doc.print_count == {"2022": 80, "2023": 91}[seed]
    assert summary(variant)["sections"] == summary(text)["sections"]


def test_a_distribution_line_wrapped_onto_the_next_line_is_joined():
    text = replace_once(
        SEED_2022,
        "送：各相关省级部门（单位），中心各处（室）、直属单位。",
        "送：各相关省级部门（单位），中心各处\n（室）、直属单位。",
    )
    doc = parse_bulletin(text)
    assert doc.send_to == "各相关省级部门（单位），中心各处（室）、直属单位。"
    assert doc.distribute_to == "各部门窗口。"


def test_other_section_titles_and_a_fifth_section(tmp_path, db):
    text = replace_once(SEED_2023, "## 二、大厅工作动态", "## 二、部门信息报送")
    text = replace_once(text, "### 四、政务资讯", "### 四、要闻速递")
    text = replace_once(
        text,
        "附件：2023年8月",
        "五、下周工作安排\n\n做好国庆节后窗口服务保障工作。\n\n附件：2023年8月",
    )
    doc = parse_bulletin(text)
    assert outline(doc) == [
        *OUTLINE_2023[:4],
        (1, "部门信息报送", K.ITEMS, 3),
        OUTLINE_2023[5],
        (1, "要闻速递", K.NEWS, 0),
        (1, "下周工作安排", K.FREE, 0),
    ]
    assert doc.sections[-1].body == ["做好国庆节后窗口服务保障工作。"]
    issue = import_file(write(tmp_path, text))
    assert [s.title for s in issue.sections.order_by("position")][-2:] == [
        "下周工作安排",
        "2023年8月省政务服务大厅进驻部门（单位）窗口考核结果",
    ]
    assert issue.sections.count() == 9


def test_fewer_sections_numbered_from_one():
    lines = seed_lines(SEED_2022)
    start = line_of(SEED_2022, "一、省级政务服务事项受理办理情况") - 1
    end = line_of(SEED_2022, "二、窗口工作动态") - 1
    text = "\n".join(lines[:start] + lines[end:])
    text = replace_once(text, "二、窗口工作动态", "一、窗口工作动态")
    text = replace_once(text, "三、大厅巡查情况", "二、大厅巡查情况")
    doc = parse_bulletin(text)
    assert outline(doc) == OUTLINE_2022[1:]


def test_unknown_departments_in_the_score_table_are_created_after_the_known_ones(
    tmp_path, known_departments
):
    text = replace_once(SEED_2023, "29\t四川测绘局\t", "29\t省大数据中心\t")
    text = replace_once(text, "\t科技厅\t", "\t省国资委\t")
    import_file(write(tmp_path, text))
    created = Department.objects.exclude(pk__in=[d.pk for d in known_departments.values()])
    assert sorted(created.values_list("name", flat=True)) == sorted(["省大数据中心", "省国资委"])
    last_known = max(d.display_order for d in known_departments.values())
    assert all(d.display_order > last_known for d in created)
    assert WindowScore.objects.get(department__name="省大数据中心").deduction == -13
    assert not WindowScore.objects.filter(department=known_departments["四川测绘局"]).exists()


@pytest.mark.parametrize(
    ("rows", "printed", "expected"),
    [
        pytest.param(
            [
                "1\t甲厅\t100\t0\t10\t110",
                "\t乙厅\t100\t0\t10\t110",
                "\t丙厅\t100\t0\t10\t110",
                "4\t丁厅\t100\t-5\t0\t95",
            ],
            [1, None, None, 4],
            [1, 1, 1, 4],
            id="three-way-tie-at-the-top",
        ),
        pytest.param(
            [
                "1\t甲厅\t100\t0\t10\t110",
                "2\t乙厅\t100\t-1\t0.5\t99.5",
                "\t丙厅\t100\t-0.5\t0\t99.5",
            ],
            [1, 2, None],
            [1, 2, 2],
            id="tie-at-the-end",
        ),
        pytest.param(
            [
                "1\t甲厅\t100\t0\t0\t100",
                "\t乙厅\t100\t0\t0\t100",
                "\t丙厅\t100\t0\t0\t100",
            ],
            [1, None, None],
            [1, 1, 1],
            id="all-tied",
        ),
        pytest.param(
            [
                "1\t甲厅\t100\t0\t3\t103",
                "\t乙厅\t100\t0\t3\t103",
                "3\t丙厅\t100\t0\t2\t102",
                "\t丁厅\t100\t0\t2\t102",
                "5\t戊厅\t100\t-1\t0\t99",
            ],
            [1, None, 3, None, 5],
            [1, 1, 3, 3, 5],
            id="two-ties-in-a-row",
        ),
    ],
)
def test_tied_rows_with_an_empty_rank_cell_share_the_rank_above(
    tmp_path, db, rows, printed, expected
):
    text = with_table(rows)
    doc = parse_bulletin(text)
    assert [r.rank for r in doc.attachments[0].rows] == printed
    import_file(write(tmp_path, text))
    names = [row.split("\t")[1] for row in rows]
    assert saved_ranks() == list(zip(names, expected, strict=True))


def test_tied_row_without_rank_cell_shares_the_rank_above(tmp_path, db):
    text = with_table(
        [
            "1\t甲厅\t100\t0\t10\t110",
            "乙厅\t100\t0\t10\t110",  # no rank cell at all
            "3\t丙厅\t100\t-1\t0\t99",
        ]
    )
    doc = parse_bulletin(text)
    assert [(r.rank, r.department) for r in doc.attachments[0].rows] == [
        (1, "甲厅"),
        (None, "乙厅"),
        (3, "丙厅"),
    ]
    import_file(write(tmp_path, text))
    assert saved_ranks() == [("甲厅", 1), ("乙厅", 1), ("丙厅", 3)]


def test_deductions_printed_as_positive_amounts_are_saved_negative(tmp_path, db):
    text = with_table(["1\t甲厅\t100\t0\t1\t101", "2\t乙厅\t100\t3\t0\t97"])
    import_file(write(tmp_path, text))
    assert WindowScore.objects.get(department__name="乙厅").deduction == Decimal(-3)


def _as_pipe_table(text: str) -> str:
    lines = seed_lines(text)
    out = []
    for line in lines:
        if "\t" in line:
            out.append("| " + " | ".join(line.split("\t")) + " |")
            if line.startswith("排名"):
                out.append("|---|---|---:|---:|---:|---:|")
        else:
            out.append(line)
    return "\n".join(out)


def test_a_markdown_pipe_table_reads_like_the_tab_separated_one():
    variant = _as_pipe_table(SEED_2023)
    assert "\t" not in variant and "|---|" in variant
    assert summary(variant) == summary(SEED_2023)


def test_a_markdown_pipe_table_with_ties_imports(tmp_path, db):
    text = with_table(
        [
            "|---|---|---|---|---|---|",
            "| 1 | 甲厅 | 100 | 0 | 5 | 105 |",
            "|  | 乙厅 | 100 | 0 | 5 | 105 |",
            "| 3 | 丙厅 | 100 | -1.5 | 0 | 98.5 |",
        ],
        header="| 排名 | 部门窗口 | 基础分 | 减分 | 加分 | 实得分 |",
    )
    import_file(write(tmp_path, text))
    assert saved_ranks() == [("甲厅", 1), ("乙厅", 1), ("丙厅", 3)]
    assert WindowScore.objects.get(department__name="丙厅").total == Decimal("98.5")


MASTHEAD_2022 = {
    "title": "窗口工作周报",
    "number": "2022年第39期（总第414期）",
    "body": CENTRE,
    "date": "2022年12月7日",
    "column": "政务服务工作",
    "period": "（11月14日—11月18日）",
}
MASTHEAD_2023 = {
    "title": "# 窗口工作周报",
    "number": "2023 年第 38 期（总第 458 期）",
    "body": CENTRE,
    "date": "2023 年 10 月 17 日",
    "period": "（9 月 25 日—9 月 28 日）",
}


@pytest.mark.parametrize(
    ("seed", "order"),
    [
        # Without a Markdown heading the plain lines keep their order: the series title,
        # the issuing body, the column title; the dated lines may go anywhere.
        ("2022", ["date", "title", "period", "number", "body", "column"]),
        ("2022", ["period", "title", "body", "date", "column", "number"]),
        ("2022", ["title", "body", "column", "period", "date", "number"]),
        ("2023", ["body", "date", "title", "period", "number"]),
        ("2023", ["period", "number", "title", "body", "date"]),
    ],
)
def test_masthead_lines_in_another_order(seed, order):
    text = SEED_TEXTS[seed]
    masthead = {"2022": MASTHEAD_2022, "2023": MASTHEAD_2023}[seed]
    lines = seed_lines(text)
    body_starts = line_of(text, "---" if seed == "2023" else "一、") - 1
    # the table above is the seed's masthead, line for line
    assert sorted(line for line in lines[:body_starts] if line.strip()) == sorted(masthead.values())
    variant = "\n\n".join(masthead[key] for key in order) + "\n\n"
    variant += "\n".join(lines[body_starts:])
    assert variant != text
    assert summary(variant) == summary(text)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_a_file_in_another_encoding_imports_like_the_utf8_seed(tmp_path, db, encoding):
    path = write(tmp_path, SEED_2023, encoding=encoding)
    assert path.read_bytes() != SEED_2023.encode("utf-8")
    issue = import_file(path)
    assert issue.series.title == "窗口工作周报"
    assert issue.series.issuing_body == CENTRE
    assert [s.title for s in issue.sections.order_by("position")][:7] == [
        o[1] for o in OUTLINE_2023
    ]
    assert saved_ranks()[:3] == [("交通运输厅", 1), ("自然资源厅", 2), ("省市场监管局", 3)]
    assert Department.objects.filter(name="省新闻出版局（省版权局、省电影局）").exists()


def test_a_gb18030_file_with_the_2022_seed_keeps_its_chinese_text(tmp_path, db):
    issue = import_file(write(tmp_path, SEED_2022, encoding="gb18030"))
    assert issue.column_title == "政务服务工作"
    topics = list(issue.inspection_round.items.order_by("position").values_list("topic", flat=True))
    assert topics == INSPECTION_TOPICS_2022


# --- malformed input ------------------------------------------------------------------


def _malformed(seed: str, old: str, new: str, needle: str):
    text = replace_once(SEED_TEXTS[seed], old, new)
    return text, line_of(text, needle)


MALFORMED = {
    "no-issue-number-line": (
        # the masthead has no issue line: the error points at the masthead's first line
        "2022",
        "2022年第39期（总第414期）\n",
        "",
        "窗口工作周报",
        "no issue-number line",
    ),
    "sections-out-of-sequence": (
        "2022",
        "二、窗口工作动态",
        "三、窗口工作动态",
        "三、窗口工作动态",
        "section numbered 3 where 2 was expected",
    ),
    "sub-sections-out-of-sequence": (
        "2023",
        "### （二）事项授权",
        "### （三）事项授权",
        "（三）事项授权",
        "section numbered 3 where 2 was expected",
    ),
    "items-out-of-sequence": (
        "2022",
        "（3）近日，省林草局",
        "（4）近日，省林草局",
        "（4）近日",
        "item numbered 4 where 3 was expected",
    ),
    "score-total-does-not-add-up": (
        "2023",
        "省市场监管局\t100\t0\t13.5\t113.5",
        "省市场监管局\t100\t0\t13.5\t114",
        "省市场监管局\t",
        "not 114",
    ),
    "printed-rank-disagrees-with-totals": (
        "2023",
        "9\t公安厅",
        "8\t公安厅",
        "公安厅\t",
        "ranked 8, its total ranks 9",
    ),
    "tie-whose-total-differs-from-the-row-above": (
        "2023",
        "\t水利厅\t100\t0\t10\t110",
        "\t水利厅\t100\t0\t9.5\t109.5",
        "水利厅\t",
        "no rank and is no tie",
    ),
    "table-not-sorted-by-total": (
        "2023",
        "27\t四川地震局\t100\t-8\t0\t92\n28\t教育厅\t100\t-12\t2\t90",
        "28\t教育厅\t100\t-12\t2\t90\n27\t四川地震局\t100\t-8\t0\t92",
        "四川地震局",
        "not sorted by total",
    ),
    "non-numeric-score-cell": (
        "2023",
        "5\t省林草局\t100\t0\t11\t111",
        "5\t省林草局\t100\t0\t十一\t111",
        "省林草局\t",
        "not a number",
    ),
    "score-not-in-half-steps": (
        "2023",
        "4\t应急管理厅\t100\t0\t13\t113",
        "4\t应急管理厅\t100\t0\t13.25\t113.25",
        "应急管理厅\t",
        "steps of 0.5",
    ),
    "impossible-issue-date": (
        "2022",
        "2022年12月7日",
        "2022年2月30日",
        "2022年2月30日",
        "not a real date",
    ),
    "impossible-period-end": (
        "2022",
        "（11月14日—11月18日）",
        "（11月14日—11月31日）",
        "11月31日",
        "not a real date",
    ),
    "text-after-the-print-count": (
        "2022",
        "（共印 80 份）",
        "（共印 80 份）\n\n以上情况特此通报。",
        "以上情况特此通报",
        "text after the distribution lines",
    ),
    "text-between-distribution-lines": (
        "2023",
        "发：省级相关部门",
        "本周无其他事项。\n\n发：省级相关部门",
        "本周无其他事项",
        "text after the distribution lines",
    ),
    "a-second-send-line": (
        "2022",
        "发：各部门窗口。",
        "送：各市（州）政务服务中心。\n\n发：各部门窗口。",
        "送：各市",
        "a second 送",
    ),
    "department-twice-in-the-table": (
        "2023",
        "\t科技厅\t",
        "\t省贸促会 \t",
        "省贸促会 \t",
        "appears twice",
    ),
}


@pytest.mark.parametrize(
    ("seed", "old", "new", "needle", "message"),
    list(MALFORMED.values()),
    ids=list(MALFORMED),
)
def test_malformed_file_is_refused_with_its_line_number_and_nothing_is_saved(
    tmp_path, db, seed, old, new, needle, message
):
    # Something is in the database already, so "nothing changed" is not "still empty".
    import_file(write(tmp_path, SEED_2022 if seed == "2023" else SEED_2023, "other.txt"))
    text = replace_once(SEED_TEXTS[seed], old, new)
    expected_line = line_of(text, needle)
    before = counts()
    with pytest.raises(BulletinFormatError) as exc:
        import_file(write(tmp_path, text))
    assert exc.value.line == expected_line
    assert message in exc.value.message
    assert str(exc.value).startswith(f"line {expected_line}: ")
    assert counts() == before


@pytest.mark.parametrize("text", ["", "\n\n", " \n\t\n　\n"], ids=["empty", "newlines", "spaces"])
def test_an_empty_file_is_a_format_error_and_saves_nothing(tmp_path, db, text):
    before = counts()
    with pytest.raises(BulletinFormatError, match="empty") as exc:
        import_file(write(tmp_path, text))
    assert exc.value.line is None
    assert counts() == before


def test_a_file_with_only_a_masthead_has_no_sections():
    masthead = SEED_2022.split("一、省级政务服务事项受理办理情况")[0]
    with pytest.raises(BulletinFormatError, match="no sections") as exc:
        parse_bulletin(masthead)
    assert exc.value.line == line_of(masthead, "11月14日")


def test_a_file_that_is_not_text_is_a_format_error(tmp_path, db):
    path = tmp_path / "binary.txt"
    path.write_bytes(b"\xff\xfe\x00\x81\x30\xff" * 10)
    with pytest.raises(BulletinFormatError, match="neither UTF-8 nor GB18030"):
        import_file(path)
    assert Issue.objects.count() == 0


# --- the management command -----------------------------------------------------------


def run_command(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_bulletin", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_command_imports_a_file(tmp_path, db):
    path = write(tmp_path, SEED_2023)
    out, err = run_command(str(path))
    issue = Issue.objects.get()
    assert (issue.year, issue.number) == (2023, 38)
    assert WindowScore.objects.count() == 29
    assert str(path) in out and "imported" in out
    assert err == ""


def test_import_command_reports_file_and_line_of_a_format_error(tmp_path, db):
    text = replace_once(SEED_2022, "二、窗口工作动态", "三、窗口工作动态")
    path = write(tmp_path, text)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 of 1"):
        call_command("import_bulletin", str(path), stdout=io.StringIO(), stderr=err)
    line = line_of(text, "三、窗口工作动态")
    assert err.getvalue().startswith(f"{path}:{line}: section numbered 3 where 2 was expected")
    assert Issue.objects.count() == 0


def test_import_command_imports_the_good_files_and_reports_the_bad_one(tmp_path, db):
    good = write(tmp_path, SEED_2022, "good.txt")
    bad_text = replace_once(SEED_2023, "2023 年 10 月 17 日", "2023 年 2 月 30 日")
    bad = write(tmp_path, bad_text, "bad.txt")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 of 2"):
        call_command("import_bulletin", str(good), str(bad), stdout=io.StringIO(), stderr=err)
    assert f"{bad}:{line_of(bad_text, '2 月 30 日')}: " in err.getvalue()
    assert list(Issue.objects.values_list("year", flat=True)) == [2022]
    assert WindowScore.objects.count() == 0


def test_import_command_refuses_an_existing_issue_without_replace(tmp_path, db):
    path = write(tmp_path, SEED_2022)
    run_command(str(path))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_bulletin", str(path), stdout=io.StringIO(), stderr=err)
    assert "already exists" in err.getvalue() and "--replace" in err.getvalue()
    assert Issue.objects.count() == 1


def test_import_command_refuses_to_replace_an_issued_issue(tmp_path, db):
    run_command(str(write(tmp_path, SEED_2022)))
    corrected = replace_once(SEED_2022, "（共印 80 份）", "（共印 85 份）")
    with pytest.raises(CommandError):
        run_command("--replace", str(write(tmp_path, corrected, "corrected.txt")))
    assert list(Issue.objects.values_list("print_count", flat=True)) == [80]
    assert InspectionItem.objects.count() == 6


OTHER_BULLETIN = """\
# 政务服务专报

第 5 期

成都市政务服务管理和网络理政办公室

2024 年 3 月 8 日

(2月26日-3月1日)

一、本周概况

本周全市共受理事项 12,345 件,办结 12,000 件。

二、重点工作

(一)营商环境

1、市市场监管局推行"一照多址"改革。改革后,企业办理时间缩短一半。

2、市税务局开展春季办税辅导,服务纳税人1000余户。

(二)其他工作。本周完成窗口人员培训两次。

三、领导调研

3月1日,市委常委王某到大厅调研。

报:市委办公厅、市政府办公厅。

发:各区(市)县政务服务中心。

(共印 30 份)
"""


def test_a_bulletin_of_another_series_and_style_imports(tmp_path, db):
    path = tmp_path / "other.md"
    path.write_text(OTHER_BULLETIN, encoding="utf-8")
    issue = import_file(path)
    assert issue.series.title == "政务服务专报"
    assert issue.series.issuing_body == "成都市政务服务管理和网络理政办公室"
    # "第5期" without a year takes the issue date's year; without （总第N期） the
    # issue takes the series' next total number.
    assert (issue.year, issue.number, issue.total_number) == (2024, 5, 1)
    assert issue.period_start == datetime.date(2024, 2, 26)
    assert issue.period_end == datetime.date(2024, 3, 1)
    assert issue.send_to == ""
    assert issue.distribute_to == "各区（市）县政务服务中心。"
    assert issue.print_count == 30
    outline = [(s.level, s.title) for s in issue.sections.order_by("position")]
    assert outline == [
        (1, "本周概况"),
        (1, "重点工作"),
        (2, "营商环境"),
        (2, "其他工作。"),
        (1, "领导调研"),
    ]
    business = issue.sections.get(title="营商环境")
    assert business.paragraphs == [
        "1.市市场监管局推行“一照多址”改革。改革后，企业办理时间缩短一半。",
        "2.市税务局开展春季办税辅导，服务纳税人1000余户。",
    ]
    assert issue.sections.get(title="本周概况").paragraphs == [
        "本周全市共受理事项12,345件，办结12,000件。"
    ]
