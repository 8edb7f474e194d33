"""What the print shows beyond the bulletin's layout: the 草稿 / 送审稿 mark on every page
of a PDF that is not the issued bulletin, long unbroken runs kept inside the type area,
text tidied on input without spoiling URLs, and the issue page's print button and print
styles. PDFs are real WeasyPrint renders read back with pdfplumber and check_pdf.py."""

import datetime
import re
from pathlib import Path

import pdfplumber
import pytest
from django.conf import settings
from django.urls import reverse
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

from bulletin.forms import IssueCreateForm, SubmissionForm
from bulletin.models import Issue, Section
from bulletin.printing import rendering
from lib.text import normalize_chinese, normalize_paragraphs
from tests.factories import make_issue, make_section, make_series
from tests.tools import check_pdf

MM = 72 / 25.4
TOP = 37 * MM
ROOT = Path(settings.BASE_DIR)
LINE = "政务服务大厅窗口规范化标准化建设持续推进成效明显群众满意"[:26]
# The stamp's frame, drawn along the middle of its stroke: the SVG's width in print.css
# (草稿 17.78 mm, 送审稿 25.56 mm) less a stroke's width.
MARK_WIDTH = {"draft": 17.29 * MM, "review": 25.07 * MM}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def issue_of(status: str, *, sections: int = 1, body: str = "") -> Issue:
    issue = make_issue(
        make_series(),
        year=2024,
        number=9,
        total=470,
        status=status,
        send_to="各相关省级部门（单位）。",
        distribute_to="各部门窗口。",
        print_count=40,
        issue_date=datetime.date(2024, 3, 8),
    )
    for n in range(1, sections + 1):
        make_section(
            issue,
            position=n,
            title=f"第{n}项工作",
            kind=Section.Kind.FREE,
            body=body or "\n".join([LINE * 3 + "。"] * 6),
        )
    return issue


def render(tmp_path: Path, issue: Issue) -> Path:
    path = tmp_path / f"{issue.status}.pdf"
    path.write_bytes(rendering.render_issue_pdf(issue))
    return path


def failures(report) -> list[str]:
    return [f"{row['check']}: {row['value']}" for row in report.failed]


def stamps(page) -> list[dict]:
    """The red frames drawn in the page's top margin: the mark's."""
    return [
        r
        for r in page.rects
        if r["bottom"] < TOP
        and r["stroke"]
        and not r["fill"]
        and check_pdf.is_red(r.get("stroking_color"))
    ]


def top_margin_graphics(page) -> list:
    return [g for g in (*page.rects, *page.curves, *page.lines) if g["bottom"] < TOP - 1]


# --- the mark ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "mark"),
    [
        (Issue.Status.COLLECTING, "draft"),
        (Issue.Status.EDITING, "draft"),
        (Issue.Status.REVIEW, "review"),
        (Issue.Status.APPROVED, "review"),
    ],
)
def test_every_page_of_a_pdf_not_issued_carries_its_mark_outside_the_type_area(
    db, tmp_path, status, mark
):
    issue = issue_of(status, sections=4)
    path = render(tmp_path, issue)
    # the mark is no text: every rule of the layout holds for the draft too
    assert failures(check_pdf.check(str(path), None, 0.97)) == []
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) >= 3
        for page in pdf.pages:
            found = stamps(page)
            assert len(found) == 1, f"page {page.page_number}: {found}"
            frame = found[0]
            assert abs(frame["width"] - MARK_WIDTH[mark]) < 1 * MM
            # on the outer side, as the page number: right on odd pages, left on even
            if page.page_number % 2:
                assert abs(frame["x1"] - (28 + 156) * MM) < 1 * MM
            else:
                assert abs(frame["x0"] - 26 * MM) < 1 * MM
            glyphs = [
                shape
                for shape in (*page.curves, *page.rects)
                if shape["fill"]
                and frame["x0"] < shape["x0"] < frame["x1"]
                and frame["top"] < shape["top"] < frame["bottom"]
            ]
            assert len(glyphs) >= len("草稿" if mark == "draft" else "送审稿")
            # no character of the bulletin is above the type area
            assert not [c for c in page.chars if c["text"].strip() and c["bottom"] < TOP]


def test_an_issued_pdf_has_no_mark(db, tmp_path):
    issue = issue_of(Issue.Status.ISSUED, sections=4)
    path = render(tmp_path, issue)
    assert failures(check_pdf.check(str(path), None, 0.97)) == []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            assert top_margin_graphics(page) == [], page.page_number
    assert 'id="print-mark"' not in rendering.render_document_html(issue)


def test_the_mark_changes_the_pdf_cache_key(db):
    issue = issue_of(Issue.Status.APPROVED)
    review = rendering.content_key(rendering.render_document_html(issue))
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.ISSUED)
    issue.refresh_from_db()
    assert rendering.content_key(rendering.render_document_html(issue)) != review


def mark_svg(word: str) -> str:
    """The mark as templates/bulletin/print/mark_*.svg holds it: the outlines of the
    shipped 黑体's glyphs, in font units (an em of 1000), framed."""
    font = TTFont(ROOT / "static" / "fonts" / "jianbao-heiti.woff2")
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    pad, gap, frame, stroke = 220, 120, 70, 24
    pen = SVGPathPen(glyphs, ntos=lambda v: f"{v:g}")
    x = pad
    for ch in word:
        # the em box's top (880 above the baseline) on the padding; SVG's y runs down
        glyphs[cmap[ord(ch)]].draw(TransformPen(pen, (1, 0, 0, -1, x, pad + 880)))
        x += 1000 + gap
    w, h = x - gap + pad, 1000 + 2 * pad
    half = frame / 2
    return (
        f'<svg class="print-mark-word" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
        f'role="img" aria-label="{word}"><title>{word}</title>'
        f'<rect x="{half:g}" y="{half:g}" width="{w - frame:g}" height="{h - frame:g}" '
        f'fill="none" stroke="#e60000" stroke-width="{frame}"/>'
        f'<path fill="#e60000" stroke="#e60000" stroke-width="{stroke}" d="{pen.getCommands()}"/>'
        "</svg>"
    )


@pytest.mark.parametrize(("name", "word"), [("draft", "草稿"), ("review", "送审稿")])
def test_the_marks_are_the_outlines_of_their_words(name, word):
    # The PDF holds the mark as paths, so no text extraction can say what it reads:
    # this says it, and writing the file again is `path.write_text(mark_svg(word))`.
    path = ROOT / "templates" / "bulletin" / "print" / f"mark_{name}.svg"
    assert path.read_text("utf-8").strip() == mark_svg(word)


# --- long runs ----------------------------------------------------------------------------

# A realistic address of 300 characters, a certificate number and a 3000-character run
# with no break opportunity at all.
URL = (
    "https://zwfw.sc.gov.cn/portal/service/guide/detail?itemCode=510000-00123456-XK-001"
    "&deptCode=11510000MB1504&version=2023.10.09&lang=zh_CN&from=wechat&channel=01"
    "&redirect=https%3A%2F%2Fwww.sczwfw.gov.cn%2Fjiq%2Ffront%2Fitem%2Fqx_bszn%3FitemCode"
    "%3D510000000000%26areaCode%3D510000000000&token=8f14e45fceea167a5a36dedd4bea2543"
)[:300]
CERTIFICATE = "ZJ2023SC000123456789012345678901"
RUN = ("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" * 90)[:3000]


def test_long_urls_and_unbroken_runs_print_whole_inside_the_type_area(db, tmp_path):
    assert len(URL) == 300
    paragraphs = [
        LINE * 3 + "。",
        f"详见{URL}，证书编号{CERTIFICATE}。",
        RUN,
        LINE * 3 + "。",
        LINE * 3 + "。",
    ]
    issue = issue_of(Issue.Status.EDITING, body="\n".join(paragraphs))
    path = render(tmp_path, issue)
    expect = tmp_path / "expect.txt"
    expect.write_text("\n".join(paragraphs[1:3]), "utf-8")
    report = check_pdf.check(str(path), str(expect), 1.0)
    assert failures(report) == []
    with pdfplumber.open(path) as pdf:
        # the type area's text, page after page (without the page numbers below it)
        text = "".join(
            check_pdf.text_of(
                sorted(
                    (c for c in page.chars if c["top"] < check_pdf.BOTTOM),
                    key=lambda c: (round(c["bottom"]), c["x0"]),
                )
            )
            for page in pdf.pages
        )
    assert URL in text
    assert CERTIFICATE in text
    assert RUN in text


def test_the_print_stylesheet_breaks_long_runs():
    css = (ROOT / "static" / "bulletin" / "print.css").read_text("utf-8")
    bulletin = re.search(r"\n\.bulletin \{([^}]*)\}", css).group(1)
    assert "overflow-wrap: anywhere" in bulletin


# --- the text normaliser ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (
            "详见https://www.gov.cn/zhengce/index.html。",
            "详见https://www.gov.cn/zhengce/index.html。",
        ),
        ("网址:https://a.gov.cn/x,请查看", "网址：https://a.gov.cn/x，请查看"),
        (
            "登录 https://zwfw.sc.gov.cn/guide?itemCode=51-001&dept=2,3;v=1 办理",
            "登录https://zwfw.sc.gov.cn/guide?itemCode=51-001&dept=2,3;v=1办理",
        ),
        ("联系邮箱:wang.li@sczwfw.gov.cn,电话", "联系邮箱：wang.li@sczwfw.gov.cn，电话"),
        ("系统升级到v2.3.1:已上线", "系统升级到v2.3.1：已上线"),
        ("证书编号ZJ-2023:0012,有效期三年", "证书编号ZJ-2023:0012，有效期三年"),
        ("15:38开会,地点:三楼", "15:38开会，地点：三楼"),
        ("是否支持PDF?", "是否支持PDF？"),
        ("提交(PDF/OFD)格式", "提交（PDF/OFD）格式"),
    ],
)
def test_latin_runs_keep_their_ascii_punctuation(typed, kept):
    assert normalize_chinese(typed) == kept


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("各部门(单位),中心各处(室)、直属单位;", "各部门（单位），中心各处（室）、直属单位；"),
        ("(1)11月16日,应急厅调研:效果好!", "（1）11月16日，应急厅调研：效果好！"),
        ('开展"一网通办"工作', "开展“一网通办”工作"),
        ("受理12,345件,办结率97.2%。", "受理12,345件，办结率97.2%。"),
        ("政务 服务　大厅", "政务服务大厅"),
    ],
)
def test_chinese_punctuation_is_still_widened_between_hanzi(typed, kept):
    assert normalize_chinese(typed) == kept


@pytest.mark.parametrize(
    # embeddings and overrides, isolates, the LTR and RTL marks, the Arabic letter mark
    "control",
    list("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"),
)
def test_bidirectional_controls_are_removed(control):
    assert normalize_chinese(f"评审{control}通过") == "评审通过"
    assert normalize_paragraphs(f"评审{control}通过\n第二段{control}。") == "评审通过\n第二段。"


def test_a_submission_and_a_column_title_lose_their_bidi_controls(db):
    form = SubmissionForm({"headline": "\u202e评审通过。", "body": "评审\u202e通过\u202c。"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["headline"] == "评审通过。"
    assert form.cleaned_data["body"] == "评审通过。"
    series = make_series()
    form = IssueCreateForm(
        {
            "series": series.pk,
            "period_start": "2024-03-04",
            "period_end": "2024-03-08",
            "column_title": "\u202e政务服务工作",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["column_title"] == "政务服务工作"


# --- the issue page -----------------------------------------------------------------------


def test_the_issue_page_prints_through_the_pdf_in_a_new_tab(client, editor, db):
    issue = issue_of(Issue.Status.EDITING)
    client.force_login(editor)
    page = client.get(reverse("bulletin:issue_detail", args=[issue.pk])).content.decode()
    button = re.search(r'<a [^>]*id="print-pdf"[^>]*>([^<]*)</a>', page)
    assert button, "no print button"
    tag = button.group()
    assert f'href="{reverse("bulletin:issue_pdf", args=[issue.pk])}?inline=1"' in tag
    assert 'target="_blank"' in tag and 'rel="noopener"' in tag
    assert '<article class="bulletin" id="bulletin"' in page
    assert 'id="print-mark"' in page  # the preview shows the mark too
    response = client.get(reverse("bulletin:issue_pdf", args=[issue.pk]) + "?inline=1")
    assert response["Content-Disposition"].startswith("inline")


def test_an_issued_issue_page_shows_no_mark(client, editor, db):
    issue = issue_of(Issue.Status.ISSUED)
    client.force_login(editor)
    page = client.get(reverse("bulletin:issue_detail", args=[issue.pk])).content.decode()
    assert 'id="print-mark"' not in page
    assert 'id="print-pdf"' in page


def print_rules(css: str) -> str:
    start = css.index("@media print {")
    depth, i = 0, start
    while True:
        depth += {"{": 1, "}": -1}.get(css[i], 0)
        if css[i] == "}" and depth == 0:
            return css[start:i]
        i += 1


def test_printing_the_issue_page_prints_the_bulletin_only_with_the_distribution_in_flow():
    rules = print_rules((ROOT / "static" / "css" / "app.css").read_text("utf-8"))
    hidden = re.search(r"([^{}]*)\{\s*display: none !important;", rules).group(1)
    assert ".navbar" in hidden and ".d-print-none" in hidden
    assert ":not(#bulletin)" in hidden
    assert re.search(r"\.bulletin \.distribution \{[^}]*position: static", rules)
    assert re.search(r"\.bulletin \.distribution-space \{[^}]*display: none", rules)
