"""The Word export (bulletin/printing/docx.py), read back two ways.

LibreOffice converts the .docx to PDF headless and the same checker as the PDF's
(tests/tools/check_pdf.py, DESIGN.md section 8) reads it: this is what an office suite
makes of the file. python-docx reads the file itself back for what a PDF cannot show:
the page setup, the grid, the styles and their East Asian fonts, the table's header,
unsplittable rows and merged tie cells, the footers' PAGE fields and the 报尾's anchor.

The LibreOffice tests never skip: without soffice they fail and say how to install it
(script/bootstrap test does).
"""

import datetime
import hashlib
import io
import math
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pdfplumber
import pytest
from django.conf import settings
from django.contrib.messages import constants as message_levels
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Length, Mm
from lxml import etree

from bulletin import services
from bulletin.importer import import_file
from bulletin.models import Issue, Section
from bulletin.printing import docx as word
from departments.models import Department
from scoring.models import WindowScore
from tests.factories import make_issue, make_section, make_series, make_submission
from tests.tools import check_pdf, office

SEEDS = ["2022-39.txt", "2023-38.txt"]
MM = 72 / 25.4
# 26 characters: with the two-character indent, one full line of the 28-character grid.
LINE = "政务服务大厅窗口规范化标准化建设持续推进成效明显群众满意"[:26]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory):
    """soffice and a cache of the shipped faces for it; a clear failure without it."""
    try:
        office.soffice()
    except office.OfficeMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    return tmp_path_factory.mktemp("office")


def to_pdf(libreoffice, tmp_path: Path, data: bytes, name: str = "issue.docx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return office.docx_to_pdf(path, tmp_path / "pdf", cache=libreoffice).pdf


def body(lines: int) -> str:
    """Paragraphs of three full lines each, about `lines` lines of text."""
    return "\n".join([LINE * 3 + "。"] * max(1, lines // 3))


def failures(report) -> list[str]:
    return [f"{row['check']}: {row['value']}" for row in report.failed]


def read(data: bytes):
    return Document(io.BytesIO(data))


def attr(element, name: str) -> str | None:
    return element.get(qn(f"w:{name}"))


def child(element, path: str):
    """The first descendant at an XPath made of w: names ("w:pPr/w:ind")."""
    found = etree.XPath(path, namespaces={"w": W[1:-1]})(element)
    return found[0] if found else None


def style_element(doc, style_id: str):
    return next(s.element for s in doc.styles if s.style_id == style_id)


def issue_with(status=Issue.Status.ISSUED, **extra) -> Issue:
    """A small bulletin of our own (not a seed)."""
    extra.setdefault("send_to", "各相关省级部门（单位）。")
    extra.setdefault("distribute_to", "各部门窗口。")
    extra.setdefault("print_count", 40)
    extra.setdefault("issue_date", datetime.date(2024, 3, 8))
    extra.setdefault("period_start", datetime.date(2024, 3, 4))
    extra.setdefault("period_end", datetime.date(2024, 3, 8))
    return make_issue(make_series(), year=2024, number=9, total=470, status=status, **extra)


def tied_month(month: datetime.date) -> list[str]:
    """Seven departments: one first, three tied second, one fifth, two tied sixth."""
    points = ["9", "7.5", "7.5", "7.5", "3", "-1", "-1"]
    names = [f"测试第{i}部门窗口" for i in range(1, 8)]
    for order, (name, value) in enumerate(zip(names, points, strict=True)):
        department = Department.objects.create(name=name, display_order=order)
        value = Decimal(value)
        WindowScore.objects.create(
            department=department, month=month, bonus=max(value, 0), deduction=min(value, 0)
        )
    return names


def attach(issue: Issue, month: datetime.date, position: int = 2) -> Section:
    return Section.objects.create(
        issue=issue,
        position=position,
        title=f"{month.year}年{month.month}月窗口考核结果",
        kind=Section.Kind.ATTACHMENT,
        score_month=month,
    )


# --- 1. both seeds, from their pages, through LibreOffice ------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_issue_downloads_as_docx_that_libreoffice_prints_by_every_layout_rule(
    client, editor, libreoffice, tmp_path, seed
):
    issue = import_file(settings.DEMO_SEEDS_DIR / seed)
    client.force_login(editor)
    page = client.get(reverse("bulletin:issue_detail", args=[issue.pk])).content.decode()
    link = re.search(r'id="download-docx" href="([^"]+)"', page)
    assert link and link.group(1) == reverse("bulletin:issue_docx", args=[issue.pk])

    response = client.get(link.group(1))
    assert response.status_code == 200
    assert response["Content-Type"] == word.DOCX_TYPE
    filename = f"{issue.series.title}{issue.number_label}.docx"
    assert response["Content-Disposition"] == ("attachment; filename*=utf-8''" + quote(filename))
    pdf = to_pdf(libreoffice, tmp_path, response.content, filename)
    report = check_pdf.check(str(pdf), str(settings.DEMO_SEEDS_DIR / seed), 0.97)
    assert failures(report) == []
    present = next(r for r in report.rows if r["check"].startswith("expected text"))
    assert float(present["value"].split("%")[0]) >= 97
    title = next(r for r in report.rows if r["check"] == "PDF title set")
    assert title["value"] == f"{issue.series.title} {issue.number_label}"


@pytest.mark.parametrize(("body_lines", "pages"), [(10, 1), (14, 2)])
def test_distribution_block_moves_to_a_new_page_in_libreoffice_when_it_does_not_fit(
    db, libreoffice, tmp_path, body_lines, pages
):
    issue = issue_with(report_to="中心领导。")
    # page 1: 6 lines of masthead, 1 heading, then the body lines; the 报尾 needs 4
    make_section(
        issue, title="本周概况", kind=Section.Kind.FREE, body="\n".join([LINE] * body_lines)
    )
    pdf = to_pdf(libreoffice, tmp_path, word.issue_docx(issue))
    assert failures(check_pdf.check(str(pdf), None, 0.97)) == []
    with pdfplumber.open(pdf) as document:
        assert len(document.pages) == pages
        assert "共印40份" in document.pages[-1].extract_text()


def test_an_attachment_longer_than_a_page_keeps_every_rule_in_libreoffice(
    db, libreoffice, tmp_path
):
    month = datetime.date(2024, 2, 1)
    names = tied_month(month)
    for i in range(8, 45):
        department = Department.objects.create(name=f"测试第{i}部门窗口", display_order=i)
        WindowScore.objects.create(department=department, month=month, bonus=Decimal(i % 5))
        names.append(department.name)
    issue = issue_with()
    # body text enough for 正文 to be the body's size, as in a real issue
    make_section(issue, title="本周概况", kind=Section.Kind.FREE, body=body(40))
    attach(issue, month)
    pdf = to_pdf(libreoffice, tmp_path, word.issue_docx(issue))
    assert failures(check_pdf.check(str(pdf), None, 0.97)) == []
    with pdfplumber.open(pdf) as document:
        texts = [page.extract_text() or "" for page in document.pages]
    table_pages = [t for t in texts if "测试第" in t]
    assert len(table_pages) >= 2
    assert all("排名" in t and "部门窗口" in t for t in table_pages)  # the header repeats
    for name in names:  # no row is split over two pages, none is lost
        assert sum(name in t for t in texts) == 1, name


def test_user_text_keeps_markup_ampersands_and_a_long_url_inside_the_type_area(
    db, libreoffice, tmp_path
):
    url = "https://zwfw.sc.gov.cn/" + "a1b2c3d4e5" * 28  # 303 characters
    issue = issue_with(column_title="<b>专栏</b>")
    make_section(
        issue,
        title="<script>x</script>",
        kind=Section.Kind.FREE,
        body=f"a < b & c\x01d\x08e\x1f。\n详见{url}。\n{body(9)}",
    )
    data = word.issue_docx(issue)

    texts = [p.text for p in read(data).paragraphs]
    assert "<b>专栏</b>" in texts
    assert any(t.endswith("<script>x</script>") for t in texts)
    assert "a < b & cde。" in texts  # the controls XML cannot hold are left out, nothing else
    assert f"详见{url}。" in texts  # the URL whole, in one run
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in xml and "a &lt; b &amp; cde" in xml

    pdf = to_pdf(libreoffice, tmp_path, data)
    assert failures(check_pdf.check(str(pdf), None, 0.97)) == []
    with pdfplumber.open(pdf) as document:
        text = "".join((page.extract_text() or "") for page in document.pages)
    assert url in re.sub(r"\s+", "", text)


# --- 2. python-docx read-back ------------------------------------------------------------


def test_page_is_a4_with_mirrored_official_margins_and_footer_seven_mm_below(db):
    doc = read(word.issue_docx(issue_with()))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm, 1) for m in margins] == [37.0, 35.0, 28.0, 26.0]
    assert doc.settings.element.find(qn("w:mirrorMargins")) is not None
    assert doc.settings.odd_and_even_pages_header_footer  # w:evenAndOddHeaders
    # The type area is 156 x 225 mm on every page.
    width = section.page_width - section.left_margin - section.right_margin
    height = section.page_height - section.top_margin - section.bottom_margin
    assert abs(width - Mm(156)) < Mm(0.1) and abs(height - Mm(225)) < Mm(0.1)


def test_document_grid_holds_22_lines_of_28_characters(db):
    doc = read(word.issue_docx(issue_with()))
    section = doc.sections[0]
    grid = child(section._sectPr, "w:docGrid")
    assert attr(grid, "type") == "linesAndChars"
    pitch = int(attr(grid, "linePitch"))
    assert pitch == 579
    height = Length(section.page_height - section.top_margin - section.bottom_margin).twips
    assert height // pitch == 22

    normal = style_element(doc, "Normal")
    size = int(attr(child(normal, "w:rPr/w:sz"), "val")) / 2
    condensed = int(attr(child(normal, "w:rPr/w:spacing"), "val")) / 20
    char_space = int(attr(grid, "charSpace")) / 4096
    advance = size + condensed + char_space  # pt per character, as Word and LibreOffice add it
    width = Length(section.page_width - section.left_margin - section.right_margin).pt
    assert size == 16
    assert math.floor(width / advance) == 28
    # 正文 keeps exactly the grid's pitch where a program does not honour the grid
    line = child(normal, "w:pPr/w:spacing")
    assert (attr(line, "line"), attr(line, "lineRule")) == ("579", "exact")


def test_body_and_heading_styles_name_their_east_asian_and_latin_faces(db):
    data = word.issue_docx(issue_with())
    doc = read(data)
    normal = style_element(doc, "Normal")
    fonts = child(normal, "w:rPr/w:rFonts")
    assert attr(fonts, "eastAsia") == "仿宋_GB2312"
    assert (attr(fonts, "ascii"), attr(fonts, "hAnsi")) == ("Times New Roman", "Times New Roman")
    assert attr(child(normal, "w:pPr/w:ind"), "firstLineChars") == "200"  # 首行缩进 2 字符
    assert attr(child(normal, "w:pPr/w:jc"), "val") == "both"  # 两端对齐
    faces = {1: "黑体", 2: "楷体_GB2312", 3: "仿宋_GB2312", 4: "仿宋_GB2312"}
    for level, face in faces.items():
        for style_id in (f"Heading{level}", f"Heading{level}Char"):
            style = style_element(doc, style_id)
            assert attr(child(style, "w:rPr/w:rFonts"), "eastAsia") == face, style_id
            assert attr(child(style, "w:rPr/w:rFonts"), "ascii") == "Times New Roman"
            assert attr(child(style, "w:rPr/w:sz"), "val") == "32", style_id
            assert attr(child(style, "w:rPr/w:b"), "val") == "0", style_id
        heading = style_element(doc, f"Heading{level}")
        assert attr(child(heading, "w:pPr/w:outlineLvl"), "val") == str(level - 1)
    # The font table names a fallback for an office PC without the official face.
    font_table = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode()
    assert 'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in font_table


def test_sections_print_as_heading_paragraphs_and_run_in_headings_as_styled_runs(db, department):
    issue = issue_with()
    make_section(issue, position=1, title="窗口工作动态", kind=Section.Kind.ITEMS)
    sub = make_section(issue, position=2, title="优化营商环境", level=2, item_style="paren")
    make_submission(sub, department, headline="交通运输厅推行容缺受理。", status="accepted")
    make_section(
        issue,
        position=3,
        title="大厅巡查情况",
        kind=Section.Kind.INSPECTION,
        body="（一）按时到岗情况。总体情况良好。\n（二）着装情况。1人未着工装。",
    )
    make_section(issue, position=4, title="本周概况。", level=2, body="受理件数平稳。")
    doc = read(word.issue_docx(issue))
    paragraphs = doc.paragraphs
    by_text = {p.text: p for p in paragraphs}
    assert by_text["一、窗口工作动态"].style.style_id == "Heading1"
    assert by_text["（一）优化营商环境"].style.style_id == "Heading2"
    item = by_text["（1）交通运输厅推行容缺受理。先后检查了天府机场高速成都收费站。"]
    assert item.style.style_id == "Normal"
    run_in = by_text["（一）按时到岗情况。总体情况良好。"]
    assert run_in.style.style_id == "Normal"
    assert [(r.text, r.style.style_id) for r in run_in.runs] == [
        ("（一）按时到岗情况。", "Heading2Char"),
        ("总体情况良好。", "DefaultParagraphFont"),
    ]
    # a section title ending in 。 runs into its first paragraph
    titled = by_text["（一）本周概况。受理件数平稳。"]
    assert titled.runs[0].text == "（一）本周概况。"
    assert titled.runs[0].style.style_id == "Heading2Char"


def test_masthead_is_a_red_title_the_issue_line_and_one_line_of_body_and_date_over_a_red_rule(
    db,
):
    issue = issue_with()
    doc = read(word.issue_docx(issue))
    title, number, period, meta = doc.paragraphs[:4]
    assert title.text == issue.series.title
    title_style = style_element(doc, "MastheadTitle")
    assert attr(child(title_style, "w:rPr/w:color"), "val") == "FF0000"
    assert attr(child(title_style, "w:rPr/w:sz"), "val") == "84"  # 42 pt
    assert attr(child(title_style, "w:rPr/w:rFonts"), "eastAsia") == "方正小标宋简体"
    assert attr(child(title_style, "w:pPr/w:jc"), "val") == "center"
    assert number.text == "2024年第9期（总第470期）"
    assert period.text == "（3月4日—3月8日）"
    assert meta.text == f"{issue.series.issuing_body}\t2024年3月8日"
    meta_style = style_element(doc, "MastheadMeta")
    tab = child(meta_style, "w:pPr/w:tabs/w:tab")
    section = doc.sections[0]
    width = Length(section.page_width - section.left_margin - section.right_margin)
    assert attr(tab, "val") == "right" and abs(int(attr(tab, "pos")) - width.twips) <= 1
    rule = child(meta_style, "w:pPr/w:pBdr/w:bottom")
    assert (attr(rule, "color"), attr(rule, "sz")) == ("FF0000", "12")  # 1.5 pt


def test_score_table_repeats_its_header_never_splits_a_row_and_merges_a_tie_rank(db):
    month = datetime.date(2024, 2, 1)
    names = tied_month(month)
    issue = issue_with()
    make_section(issue, title="本周概况", kind=Section.Kind.FREE, body=LINE)
    attach(issue, month)
    doc = read(word.issue_docx(issue))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "排名")
    rows = table.rows
    assert [c.text for c in rows[0].cells] == list(word.Writer.HEADINGS)
    assert [row.cells[1].text for row in rows[1:]] == names
    assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in rows[1:])
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows)

    def rank_cell(row):
        tc = row._tr.tc_lst[0]
        merge = tc.tcPr.find(qn("w:vMerge"))
        state = None if merge is None else (attr(merge, "val") or "continue")
        return "".join(t.text for t in tc.iter(qn("w:t"))), state

    assert [rank_cell(row) for row in rows[1:]] == [
        ("1", None),
        ("2", "restart"),
        ("", "continue"),
        ("", "continue"),
        ("5", None),
        ("6", "restart"),
        ("", "continue"),
    ]
    # 实得分 = 基础分 + 减分 + 加分, halves as printed
    assert [c.text for c in rows[2].cells[2:]] == ["100", "0", "7.5", "107.5"]
    # a tie's rows stay together: every row above the last of a tie keeps with the next
    keeps = [row.cells[1].paragraphs[0].paragraph_format.keep_with_next for row in rows[1:]]
    assert keeps == [None, True, True, None, None, True, None]
    # the attachment opens a page with 附件 in 黑体
    label = next(p for p in doc.paragraphs if p.text == "附件")
    assert label.paragraph_format.page_break_before
    assert attr(child(style_element(doc, "AttachmentLabel"), "w:rPr/w:rFonts"), "eastAsia") == (
        "黑体"
    )
    note = next(p for p in doc.paragraphs if p.text.startswith("附件："))
    assert note.text == "附件：2024年2月窗口考核结果"


def test_footers_print_page_fields_at_the_outer_side_of_odd_and_even_pages(db):
    doc = read(word.issue_docx(issue_with()))
    section = doc.sections[0]
    for footer, side, indent in (
        (section.footer, "right", "right"),
        (section.even_page_footer, "left", "left"),
    ):
        assert not footer.is_linked_to_previous
        (paragraph,) = footer.paragraphs
        p = paragraph._p
        assert [attr(f, "fldCharType") for f in p.iter(qn("w:fldChar"))] == [
            "begin",
            "separate",
            "end",
        ]
        assert [t.text.strip() for t in p.iter(qn("w:instrText"))] == ["PAGE"]
        assert paragraph.text == "— 1 —"  # "— " field " —", the field showing 1
        assert attr(child(p, "w:pPr/w:jc"), "val") == side
        assert attr(child(p, "w:pPr/w:ind"), indent) == "280"  # one 四号 character in
        assert paragraph.style.style_id == "PageNumber"
    number_style = style_element(doc, "PageNumber")
    assert attr(child(number_style, "w:rPr/w:rFonts"), "eastAsia") == "宋体"
    assert attr(child(number_style, "w:rPr/w:sz"), "val") == "28"  # 四号


def test_distribution_is_a_table_floating_at_the_bottom_margin_with_its_rules(db):
    long_line = "，".join(f"省级第{i}部门（单位）" for i in range(1, 12)) + "。"
    issue = issue_with(report_to="", send_to=long_line)
    make_section(issue, title="本周概况", kind=Section.Kind.FREE, body=LINE)
    doc = read(word.issue_docx(issue))
    table = doc.tables[-1]
    tbl_pr = table._tbl.tblPr
    position = tbl_pr.find(qn("w:tblpPr"))
    assert (attr(position, "vertAnchor"), attr(position, "tblpYSpec")) == ("margin", "bottom")
    borders = tbl_pr.find(qn("w:tblBorders"))
    sizes = {side: attr(child(borders, f"w:{side}"), "sz") for side in ("top", "bottom", "insideH")}
    assert sizes == {"top": "8", "bottom": "8", "insideH": "6"}  # 0.35 mm, 0.35 mm, 0.25 mm
    assert attr(child(borders, "w:left"), "val") == "nil"
    texts = [row.cells[0].text for row in table.rows]
    assert texts == [f"送：{long_line}", "发：各部门窗口。", "（共印40份）"]  # no 报 line
    send = table.rows[0].cells[0].paragraphs[0]
    assert send.style.style_id == "Distribution"
    ind = child(style_element(doc, "Distribution"), "w:pPr/w:ind")
    # wrapped lines aligned after "送：": a hanging indent of the label's two characters
    assert attr(ind, "left") == attr(ind, "hanging") == "560"
    count = table.rows[-1].cells[0].paragraphs[0]
    assert attr(child(count._p, "w:pPr/w:jc"), "val") == "right"
    # it fits under the text: no page break before it
    before = table._tbl.getprevious()
    assert child(before, "w:pPr/w:pageBreakBefore") is None


def test_distribution_that_would_not_fit_under_the_text_starts_a_new_page(db):
    issue = issue_with(report_to="中心领导。")
    make_section(issue, title="本周概况", kind=Section.Kind.FREE, body="\n".join([LINE] * 14))
    doc = read(word.issue_docx(issue))
    before = doc.tables[-1]._tbl.getprevious()
    assert before.tag == qn("w:p") and "".join(before.itertext()) == ""
    assert child(before, "w:pPr/w:pageBreakBefore") is not None


@pytest.mark.parametrize(
    ("status", "mark"),
    [
        (Issue.Status.EDITING, "草稿"),
        (Issue.Status.REVIEW, "送审稿"),
        (Issue.Status.ISSUED, None),
    ],
)
def test_a_draft_carries_its_mark_in_the_header_and_the_issued_file_none(db, status, mark):
    doc = read(word.issue_docx(issue_with(status=status)))
    section = doc.sections[0]
    if mark is None:
        assert section.header.is_linked_to_previous  # no header at all
        assert section.even_page_header.is_linked_to_previous
    else:
        assert [p.text for p in section.header.paragraphs] == [mark]
        assert [p.text for p in section.even_page_header.paragraphs] == [mark]
        assert section.header.paragraphs[0].alignment == 2  # right, the outer side
        assert section.even_page_header.paragraphs[0].alignment == 0  # left


def test_core_properties_carry_the_title_of_the_pdf_and_the_language(db):
    issue = issue_with()
    props = read(word.issue_docx(issue)).core_properties
    assert props.title == "窗口工作周报 2024年第9期"
    assert props.language == "zh-CN"
    assert props.author == issue.series.issuing_body
    assert props.comments == ""  # not python-docx's own


# --- 4. the issued file: stored once, served unchanged -----------------------------------


def test_issuing_stores_the_docx_once_with_its_digest_and_downloads_serve_those_bytes(
    client, editor, db, monkeypatch, django_capture_on_commit_callbacks
):
    issue = issue_with(status=Issue.Status.APPROVED)
    section = make_section(issue, title="本周概况", kind=Section.Kind.FREE, body=LINE)
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_issue(issue=issue, by=editor)
    issue.refresh_from_db()
    assert issue.docx_sha256
    stored = Path(issue.docx.path).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == issue.docx_sha256
    assert read(stored).paragraphs[0].text == issue.series.title

    # Edits through the workflow are refused ...
    with pytest.raises(services.WorkflowError):
        services.section_save_text(
            section=section, body="改过的内容。", version=section.version, by=editor
        )
    # ... and neither data changed behind its back nor a new layout reaches the file.
    Section.objects.filter(pk=section.pk).update(body="改过的内容。")
    monkeypatch.setattr(word.Writer, "masthead", lambda self, issue: self.paragraph(text="新版"))
    assert word.issue_docx(Issue.objects.get(pk=issue.pk)) != stored  # it would differ

    client.force_login(editor)
    for _ in range(2):
        response = client.get(reverse("bulletin:issue_docx", args=[issue.pk]))
        assert response.status_code == 200
        assert response.content == stored
    assert len(list(Path(issue.docx.path).parent.glob("*.docx"))) == 1
    issue.refresh_from_db()
    assert hashlib.sha256(Path(issue.docx.path).read_bytes()).hexdigest() == issue.docx_sha256


def test_an_imported_issued_bulletin_stores_its_docx_at_the_first_download(client, editor, db):
    issue = import_file(settings.DEMO_SEEDS_DIR / "2022-39.txt")
    assert issue.is_frozen and not issue.docx_sha256
    client.force_login(editor)
    first = client.get(reverse("bulletin:issue_docx", args=[issue.pk])).content
    issue.refresh_from_db()
    assert issue.docx_sha256 == hashlib.sha256(first).hexdigest()
    assert client.get(reverse("bulletin:issue_docx", args=[issue.pk])).content == first


def test_a_stored_docx_that_was_altered_is_refused_with_a_message(client, editor, db):
    issue = issue_with()
    make_section(issue, title="本周概况", kind=Section.Kind.FREE, body=LINE)
    services.issue_store_docx(issue=issue)
    issue.refresh_from_db()
    Path(issue.docx.path).write_bytes(Path(issue.docx.path).read_bytes() + b"tampered")
    client.force_login(editor)
    response = client.get(reverse("bulletin:issue_docx", args=[issue.pk]), follow=True)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")  # the issue page, not the file
    assert response.redirect_chain[-1][0] == reverse("bulletin:issue_detail", args=[issue.pk])
    assert [m.level for m in response.context["messages"]] == [message_levels.ERROR]


def test_an_open_issue_is_built_from_its_current_content_at_each_download(client, editor, db):
    issue = issue_with(status=Issue.Status.EDITING)
    section = make_section(issue, title="本周概况", kind=Section.Kind.FREE, body="第一稿。")
    client.force_login(editor)
    url = reverse("bulletin:issue_docx", args=[issue.pk])
    first = read(client.get(url).content)
    Section.objects.filter(pk=section.pk).update(body="第二稿。")
    second = read(client.get(url).content)
    assert "第一稿。" in [p.text for p in first.paragraphs]
    assert "第二稿。" in [p.text for p in second.paragraphs]
    issue.refresh_from_db()
    assert issue.docx_sha256 == ""  # nothing is stored for an issue that can change


def test_docx_download_needs_the_same_access_as_the_pdf(client, clerk, db):
    issue = issue_with(status=Issue.Status.EDITING)
    url = reverse("bulletin:issue_docx", args=[issue.pk])
    client.force_login(clerk)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 405
    client.logout()
    assert client.get(url).status_code == 302
