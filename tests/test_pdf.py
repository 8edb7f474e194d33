"""The printed bulletin, read back from real WeasyPrint PDFs.

Layout rules are checked with check_pdf.py (a copy of ../shared/tools/check_pdf.py, the
reference checker of DESIGN.md section 4) and with pdfplumber for the cases it does
not cover.
"""

import datetime
import hashlib
import re
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path
from urllib.parse import quote

import pdfplumber
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from fontTools.ttLib import TTFont
from pdfminer.pdftypes import resolve1

from bulletin.importer import import_file
from bulletin.models import Issue, PdfRender, Section
from bulletin.printing import rendering
from bulletin.services import issue_pdf
from departments.models import Department
from scoring.models import WindowScore
from tests.factories import make_issue, make_section, make_series
from tests.tools import check_pdf

MM = 72 / 25.4
BOTTOM = (37 + 225) * MM
SEEDS = {"2022-39.txt": (2022, 39), "2023-38.txt": (2023, 38)}
# 26 characters: with the two-character indent, one full line of the 28-character grid.
LINE = "政务服务大厅窗口规范化标准化建设持续推进成效明显群众满意"[:26]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def write(tmp_path: Path, pdf: bytes, name: str = "out.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def failures(report) -> list[str]:
    return [f"{row['check']}: {row['value']}" for row in report.failed]


def page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def body(lines: int = 8) -> str:
    """Paragraphs of three full lines each, about `lines` lines of text."""
    return "\n".join([LINE * 3 + "。"] * max(1, lines // 3))


def ledger_issue(**extra) -> Issue:
    """A small issued bulletin of one free-text section."""
    extra.setdefault("status", Issue.Status.EDITING)
    extra.setdefault("send_to", "各相关省级部门（单位）。")
    extra.setdefault("distribute_to", "各部门窗口。")
    extra.setdefault("print_count", 40)
    extra.setdefault("issue_date", datetime.date(2024, 3, 8))
    return make_issue(make_series(), year=2024, number=9, total=470, **extra)


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_issue_passes_every_layout_rule_with_its_text_in_order(db, tmp_path, seed):
    issue = import_file(settings.DEMO_SEEDS_DIR / seed)
    path = write(tmp_path, issue_pdf(issue=issue))
    report = check_pdf.check(str(path), str(settings.DEMO_SEEDS_DIR / seed), 0.97)
    assert failures(report) == []
    present = next(r for r in report.rows if r["check"].startswith("expected text"))
    assert float(present["value"].split("%")[0]) >= 97


def test_pdf_metadata_title_and_language(db, tmp_path):
    issue = import_file(settings.DEMO_SEEDS_DIR / "2023-38.txt")
    path = write(tmp_path, issue_pdf(issue=issue))
    with pdfplumber.open(path) as pdf:
        assert pdf.metadata["Title"] == "窗口工作周报 2023年第38期"
        assert pdf.doc.catalog["Lang"].decode() == "zh-CN"
        fonts = {c["fontname"].split("+", 1)[-1] for c in pdf.pages[0].chars}
    assert all(check_pdf.CJK_FACE.search(name) for name in fonts), fonts


def test_every_embedded_face_keeps_its_outlines(db, tmp_path):
    # A subset whose CFF private dictionaries do not match its glyphs loses its whole
    # CFF table in WeasyPrint's HarfBuzz subsetting: the text extracts but prints blank.
    issue = import_file(settings.DEMO_SEEDS_DIR / "2023-38.txt")
    path = write(tmp_path, issue_pdf(issue=issue))
    outlines = {}
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for ref in resolve1(resolve1(page.page_obj.resources)["Font"]).values():
                font = resolve1(ref)
                descendant = resolve1(resolve1(font["DescendantFonts"])[0])
                descriptor = resolve1(descendant["FontDescriptor"])
                for key, table in (("FontFile3", "CFF "), ("FontFile2", "glyf")):
                    if key in descriptor:
                        data = resolve1(descriptor[key]).get_data()
                        outlines[str(font["BaseFont"])] = table in TTFont(BytesIO(data))
    assert len(outlines) >= 4
    assert all(outlines.values()), outlines


def test_pdf_streams_are_compressed_at_the_renderers_level():
    import pydyf

    rendering.renderer()
    data = pydyf.Stream([b"0 0 m 10 10 l S"] * 50, compress=True).data
    # zlib's header says which level wrote the stream: 78 9C is the default level 6,
    # 78 DA the 9 pydyf asks for.
    assert data.split(b"stream\n", 1)[1][:2] == b"\x78\x9c"


def test_the_renderer_uses_its_user_agent_stylesheet(monkeypatch):
    from weasyprint.html import UA

    html_class = rendering.renderer().html_class
    asked = []
    ua_stylesheets = html_class._ua_stylesheets
    monkeypatch.setattr(
        html_class,
        "_ua_stylesheets",
        lambda self, forms=False: asked.append(forms) or ua_stylesheets(self, forms),
    )
    rendering.render_pdf("<p>测试</p>")
    assert asked  # WeasyPrint still takes its user-agent sheets from this hook
    # and the rules the print copy leaves out or narrows are still WeasyPrint's
    dropped = [line for line in UA.splitlines() if line.startswith(("::footnote-", "::note-"))]
    assert len(dropped) == 5
    assert sum(line.startswith("::marker {") for line in UA.splitlines()) == 1


def test_score_table_prints_a_tie_rank_once_and_repeats_its_header(db, tmp_path):
    issue = import_file(settings.DEMO_SEEDS_DIR / "2023-38.txt")
    path = write(tmp_path, issue_pdf(issue=issue))
    texts = page_texts(path)
    table_pages = [t for t in texts if "部门窗口" in t]
    assert len(table_pages) >= 2
    assert all("排名" in t and "实得分" in t for t in table_pages)
    # the row of 水利厅 (tied 7th with 生态环境厅) has no rank of its own
    row = next(
        line for t in table_pages for line in t.splitlines() if re.search(r"水利厅\s+100", line)
    )
    assert row.split()[0] == "水利厅"


@pytest.mark.parametrize(("body_lines", "pages"), [(10, 1), (14, 2)])
def test_distribution_block_moves_to_a_new_page_when_it_does_not_fit(
    db, tmp_path, body_lines, pages
):
    issue = ledger_issue(report_to="中心领导。")
    # page 1: 6 lines of masthead, 1 heading, then the body lines; the 报尾 needs 4
    make_section(
        issue, title="本周概况", kind=Section.Kind.FREE, body="\n".join([LINE] * body_lines)
    )
    path = write(tmp_path, rendering.render_issue_pdf(issue))
    report = check_pdf.check(str(path), None, 0.97)
    assert failures(report) == []
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == pages
        last_text = pdf.pages[-1].extract_text()
    assert "共印40份" in last_text


def test_distribution_without_a_report_line_omits_it(db, tmp_path):
    issue = ledger_issue(report_to="")
    make_section(issue, title="本周概况", kind=Section.Kind.FREE, body=body(12))
    path = write(tmp_path, rendering.render_issue_pdf(issue))
    report = check_pdf.check(str(path), None, 0.97)
    assert failures(report) == []
    labels = next(r for r in report.rows if r["check"].startswith("报尾 lines"))["value"]
    assert labels == ["送：", "发："]


def test_a_long_send_line_wraps_aligned_after_its_colon(db, tmp_path):
    long_line = "，".join(f"省级第{i}部门（单位）" for i in range(1, 12)) + "。"
    issue = ledger_issue(send_to=long_line)
    make_section(issue, title="本周概况", kind=Section.Kind.FREE, body=body(12))
    path = write(tmp_path, rendering.render_issue_pdf(issue))
    assert failures(check_pdf.check(str(path), None, 0.97)) == []
    with pdfplumber.open(path) as pdf:
        chars = [c for c in pdf.pages[-1].chars if c["text"].strip() and abs(c["size"] - 14) < 0.5]
    rows = check_pdf.lines_of(chars)
    start = next(i for i, row in enumerate(rows) if check_pdf.text_of(row).startswith("送："))
    first, second = rows[start], rows[start + 1]
    assert not check_pdf.text_of(second).startswith(("发：", "（共印"))
    text_x = first[2]["x0"]  # the first character after "送："
    assert abs(second[0]["x0"] - text_x) < 1.0


def test_an_attachment_table_longer_than_a_page_repeats_its_header_and_never_splits_a_row(
    db, tmp_path
):
    month = datetime.date(2024, 2, 1)
    names = [f"测试第{i:02d}部门窗口" for i in range(1, 61)]
    for i, name in enumerate(names):
        department = Department.objects.create(name=name, display_order=i)
        WindowScore.objects.create(department=department, month=month, bonus=Decimal(i % 7) / 2)
    issue = ledger_issue()
    make_section(issue, title="本周概况", kind=Section.Kind.FREE, body=body(60))
    Section.objects.create(
        issue=issue,
        position=2,
        title="2024年2月窗口考核结果",
        kind=Section.Kind.ATTACHMENT,
        score_month=month,
    )
    path = write(tmp_path, rendering.render_issue_pdf(issue))
    report = check_pdf.check(str(path), None, 0.97)
    assert failures(report) == []
    texts = page_texts(path)
    table_pages = [t for t in texts if "测试第" in t]
    assert len(table_pages) >= 2
    assert all("排名" in t and "部门窗口" in t for t in table_pages)
    for name in names:
        assert sum(name in t for t in texts) == 1, name


def test_a_twenty_page_issue_keeps_every_rule(db, tmp_path):
    issue = ledger_issue(report_to="中心领导。")
    for n in range(1, 19):
        make_section(
            issue,
            position=n,
            title=f"第{n}项工作",
            kind=Section.Kind.FREE,
            body="\n".join([LINE * 3 + "。"] * 8),
        )
    path = write(tmp_path, rendering.render_issue_pdf(issue))
    report = check_pdf.check(str(path), None, 0.97)
    assert failures(report) == []
    assert report.rows[0]["value"] >= 20


def test_user_text_is_printed_as_text(db, tmp_path):
    issue = ledger_issue(column_title="<b>专栏</b>")
    make_section(issue, title="<script>x</script>", kind=Section.Kind.FREE, body="a < b & c")
    text = "".join(page_texts(write(tmp_path, rendering.render_issue_pdf(issue))))
    assert "<b>专栏</b>" in text
    assert "<script>x</script>" in text


def test_an_unchanged_issue_is_rendered_once(db, tmp_path):
    issue = ledger_issue()
    section = make_section(issue, title="本周概况", kind=Section.Kind.FREE, body=LINE)
    first, cached = rendering.cached_pdf(rendering.render_document_html(issue))
    again, cached_again = rendering.cached_pdf(rendering.render_document_html(issue))
    assert (cached, cached_again) == (False, True)
    assert again == first
    section.body = LINE + "。补充一句。"
    section.save(update_fields=["body"])
    _, cached_after_edit = rendering.cached_pdf(rendering.render_document_html(issue))
    assert cached_after_edit is False


def test_an_issued_pdf_is_stored_with_its_digest_and_never_changes(db, tmp_path):
    issue = ledger_issue(status=Issue.Status.ISSUED)
    section = make_section(issue, title="本周概况", kind=Section.Kind.FREE, body=LINE)
    first = issue_pdf(issue=issue)
    issue.refresh_from_db()
    assert issue.pdf_sha256 == hashlib.sha256(first).hexdigest()
    # even if someone changes the content behind the workflow's back
    section.body = "改过的内容。"
    section.save(update_fields=["body"])
    assert issue_pdf(issue=Issue.objects.get(pk=issue.pk)) == first


def test_verify_pdfs_reports_a_stored_pdf_that_was_altered(db, tmp_path):
    issue = ledger_issue(status=Issue.Status.ISSUED)
    make_section(issue, title="本周概况", kind=Section.Kind.FREE, body=LINE)
    issue_pdf(issue=issue)
    out = StringIO()
    call_command("verify_pdfs", stdout=out)
    assert "1 stored file(s) verified" in out.getvalue()
    issue.refresh_from_db()
    stored = Path(issue.pdf.path)
    stored.write_bytes(stored.read_bytes() + b"%tampered")
    with pytest.raises(CommandError):
        call_command("verify_pdfs", stdout=StringIO(), stderr=StringIO())


def test_render_issue_command_writes_the_pdf(db, tmp_path):
    import_file(settings.DEMO_SEEDS_DIR / "2023-38.txt")
    out = tmp_path / "窗口工作周报2023年第38期.pdf"
    call_command("render_issue", "窗口工作周报", "2023", "38", "-o", str(out), stdout=StringIO())
    assert out.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="no issue"):
        call_command("render_issue", "窗口工作周报", "2023", "99", "-o", str(out))


def test_download_is_named_after_the_issue_in_rfc5987_form(client, editor, db):
    issue = import_file(settings.DEMO_SEEDS_DIR / "2023-38.txt")
    client.force_login(editor)
    response = client.get(reverse("bulletin:issue_pdf", args=[issue.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=utf-8''" + quote("窗口工作周报2023年第38期.pdf") in disposition
    assert response.content.startswith(b"%PDF")


def test_issue_page_links_to_the_pdf(client, editor, db):
    issue = import_file(settings.DEMO_SEEDS_DIR / "2022-39.txt")
    client.force_login(editor)
    page = client.get(reverse("bulletin:issue_detail", args=[issue.pk])).content.decode()
    assert reverse("bulletin:issue_pdf", args=[issue.pk]) in page


def test_pdf_download_needs_access_to_the_issue(client, clerk, db):
    issue = ledger_issue(status=Issue.Status.EDITING)
    client.force_login(clerk)
    assert client.get(reverse("bulletin:issue_pdf", args=[issue.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("bulletin:issue_pdf", args=[issue.pk]))
    assert response.status_code == 302


def test_a_render_failure_keeps_the_issue_and_says_so(client, editor, db, monkeypatch):
    import weasyprint

    issue = ledger_issue(status=Issue.Status.ISSUED)
    make_section(issue, title="本周概况", kind=Section.Kind.FREE, body=LINE)

    def broken(*args, **kwargs):
        raise RuntimeError("pango exploded")

    # Break the third-party renderer, not our code: the failure path is ours.
    monkeypatch.setattr(weasyprint.HTML, "render", broken)
    client.force_login(editor)
    response = client.get(reverse("bulletin:issue_pdf", args=[issue.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert str(PdfRender(reason=PdfRender.Reason.ERROR).explanation()) in page
    assert reverse("bulletin:issue_pdf_retry", args=[issue.pk]) in page
    # The issue page says so too, until a render succeeds.
    detail = client.get(reverse("bulletin:issue_detail", args=[issue.pk])).content.decode()
    assert str(PdfRender(reason=PdfRender.Reason.ERROR).explanation()) in detail
    issue.refresh_from_db()
    assert issue.status == Issue.Status.ISSUED
    assert issue.pdf_sha256 == ""
    assert not (Path(settings.MEDIA_ROOT) / "issued").exists() or not any(
        (Path(settings.MEDIA_ROOT) / "issued").iterdir()
    )


def test_the_vendored_checker_is_the_shared_one():
    shared = settings.BASE_DIR.parent / "shared" / "tools" / "check_pdf.py"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    assert Path(check_pdf.__file__).read_bytes() == shared.read_bytes()


def test_lines_with_digits_are_justified_to_the_right_edge(db, tmp_path):
    paragraph = "据平台数据统计，2022年1月1日至2022年11月18日，省本级行政许可事项受理719419件，" * 4
    issue = ledger_issue()
    make_section(issue, title="受理办理情况", kind=Section.Kind.STATISTICS, body=paragraph + "。")
    path = write(tmp_path, rendering.render_issue_pdf(issue))
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        chars = [c for c in page.chars if c["text"].strip() and abs(c["size"] - 16) < 0.5]
    right = (28 + 156) * MM
    rows = [row for row in check_pdf.lines_of(chars) if "件" in check_pdf.text_of(row)]
    assert len(rows) >= 4
    for row in rows[:-1]:  # every line of the paragraph but its last
        assert right - row[-1]["x1"] < 2, check_pdf.text_of(row)


def test_approver_previews_the_pdf_inline_while_the_issue_is_in_review(client, approver, db):
    issue = ledger_issue(status=Issue.Status.REVIEW)
    make_section(issue, title="本周概况", kind=Section.Kind.FREE, body=body(6))
    client.force_login(approver)
    page = client.get(reverse("bulletin:issue_detail", args=[issue.pk])).content.decode()
    preview = reverse("bulletin:issue_pdf", args=[issue.pk]) + "?inline=1"
    assert f'data="{preview}"' in page
    response = client.get(preview)
    assert response["Content-Disposition"].startswith("inline")
    assert response.content.startswith(b"%PDF")
