"""A score table's ties across page breaks, read back from real WeasyPrint PDFs."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from django.conf import settings

from bulletin.models import Issue, Section
from bulletin.printing import rendering, tables
from departments.models import Department
from scoring.models import WindowScore
from tests.factories import make_issue, make_section, make_series
from tests.tools import check_pdf

MONTH = datetime.date(2024, 5, 1)
# A body long enough that the 16 pt text outweighs the table's 14 pt, as in an issue.
LINE = "政务服务大厅窗口规范化标准化建设持续推进成效明显群众满意"[:26]
BODY = "\n".join([LINE * 3 + "。"] * 14)
ROW = re.compile(r"^(?:(\d+) )?(第\d+号窗口) ")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def score_issue(sizes: list[int]) -> tuple[Issue, list[list[str]]]:
    """An issue whose attachment is a table of ties of the given sizes, best first;
    returns it with the department names of each tie."""
    groups, n = [], 0
    for g, size in enumerate(sizes):
        names = []
        for _ in range(size):
            n += 1
            department = Department.objects.create(name=f"第{n:02d}号窗口", display_order=n)
            WindowScore.objects.create(
                department=department, month=MONTH, bonus=Decimal(len(sizes) - g) / 2
            )
            names.append(department.name)
        groups.append(names)
    issue = make_issue(
        make_series(),
        year=2024,
        number=20,
        total=480,
        status=Issue.Status.EDITING,
        send_to="各相关省级部门（单位）。",
        distribute_to="各部门窗口。",
        print_count=40,
        issue_date=datetime.date(2024, 6, 7),
    )
    make_section(issue, title="本周概况", kind=Section.Kind.FREE, body=BODY)
    Section.objects.create(
        issue=issue,
        position=2,
        title="2024年5月窗口考核结果",
        kind=Section.Kind.ATTACHMENT,
        score_month=MONTH,
    )
    return issue, groups


def table_pages(pdf: bytes, tmp_path: Path) -> list[list[tuple[str | None, str]]]:
    """Each page's table rows as (printed rank or None, department), top to bottom."""
    path = tmp_path / "ties.pdf"
    path.write_bytes(pdf)
    with pdfplumber.open(path) as document:
        pages = []
        for page in document.pages:
            rows = [ROW.match(line) for line in (page.extract_text() or "").splitlines()]
            rows = [(m[1], m[2]) for m in rows if m]
            if rows:
                pages.append(rows)
    return pages


def page_of(pages) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for number, rows in enumerate(pages):
        for _, name in rows:
            found.setdefault(name, set()).add(number)
    return found


def render_without_grouping(html: str) -> bytes:
    """The same document with the tie groups allowed to break, as the table printed
    before: the proof that the table of a test has a tie on a page break."""
    from weasyprint import CSS

    r = rendering.renderer()
    ungrouped = CSS(string=".score-table tbody { break-inside: auto; }")
    with r.lock:
        return (
            r.html_class(string=html, base_url=str(settings.BASE_DIR))
            .render(stylesheets=[*r.stylesheets, ungrouped], font_config=r.font_config)
            .write_pdf()
        )


def assert_layout_rules(pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "checked.pdf"
    path.write_bytes(pdf)
    report = check_pdf.check(str(path), None, 0.97)
    assert [f"{row['check']}: {row['value']}" for row in report.failed] == []


def test_a_tie_that_would_cross_a_page_break_moves_whole_to_the_next_page(db, tmp_path):
    # ties of three and four: wherever the first page ends, some tie straddles it
    issue, groups = score_issue([1, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4])
    html = rendering.render_document_html(issue)

    before = page_of(table_pages(render_without_grouping(html), tmp_path))
    assert any(len(set().union(*(before[name] for name in g))) > 1 for g in groups)

    pdf = rendering.render_pdf(html)
    pages = table_pages(pdf, tmp_path)
    assert len(pages) >= 2
    found = page_of(pages)
    assert sorted(found) == sorted(name for g in groups for name in g)
    for group in groups:
        assert len(set().union(*(found[name] for name in group))) == 1, group
    for rows in pages:
        assert rows[0][0] is not None, rows[0]
    # a tie's rank is still printed once, on its first row
    printed = [name for rows in pages for rank, name in rows if rank is not None]
    assert printed == [g[0] for g in groups]
    assert_layout_rules(pdf, tmp_path)


def test_a_tie_longer_than_a_page_prints_its_rank_again_where_it_goes_on(db, tmp_path):
    # a month nobody has scored yet: everyone on 100, all first; then two behind
    issue, groups = score_issue([40, 1, 1])
    pdf = rendering.render_issue_pdf(issue)
    pages = table_pages(pdf, tmp_path)
    assert len(pages) >= 2
    tie = set(groups[0])
    assert pages[1][0][1] in tie
    for rows in pages:
        assert rows[0][0] is not None, rows[0]
        # within the tie the rank is printed on the row that opens the page only
        opening = rows[0][1]
        ranked = [(rank, name) for rank, name in rows if rank is not None and name in tie]
        assert ranked == ([("1", opening)] if opening in tie else [])
    assert sum(len(rows) for rows in pages) == 42
    assert_layout_rules(pdf, tmp_path)


def test_the_continued_row_is_found_in_the_layout_of_the_pinned_weasyprint(db):
    # tables.py reads WeasyPrint's private page boxes; this fails when that changes.
    issue, _ = score_issue([40])
    html = rendering.render_document_html(issue)
    document = rendering.renderer().layout(html)
    keys = tables.continued_tie_rows(document)
    table_pages = [
        page
        for page in document.pages
        if any(getattr(box, "element_tag", "") == "table" for box in page._page_box.descendants())
    ]
    assert len(table_pages) >= 2
    assert len(keys) == len(table_pages) - 1
    marked = tables.mark_continued(html, keys)
    assert marked.count('class="tie continued"') == len(keys)
    assert tables.continued_tie_rows(rendering.renderer().layout(marked)) == []


def test_the_document_has_one_row_group_a_rank(db):
    issue, _ = score_issue([1, 3, 2])
    html = rendering.render_document_html(issue)
    table = html[html.index('<table class="score-table">') :]
    assert table.count("<tbody>") == 3
    assert table.count('class="tie"') == 3  # the rows below the first of each tie
