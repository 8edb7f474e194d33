"""A bulletin kept in Word imports into the same issue as its text version.

The Word file is built here the way an office lays one out: a red title paragraph, the
issuing body and date on one line split by a tab, headings in Word's heading styles
(some numbered by Word, so the marker is not in the text), body paragraphs in the
normal style, the score table as a Word table with a two-row header and a tie's rank
cells merged vertically, and the 版记 in a one-column table.
"""

import io

import docx
import pytest
from django.db import transaction
from docx.enum.text import WD_BREAK
from docx.shared import Pt, RGBColor

from bulletin.importer import BulletinFormatError, import_file
from bulletin.models import Issue
from scoring.models import WindowScore

TEXT = """# 政务服务工作简报

2024年第12期（总第312期）

绵阳市政务服务和公共资源交易服务中心

2024年4月12日

一、重点工作推进

（一）“高效办成一件事”。本周新增上线“开办餐馆一件事”，累计上线14个主题。

（二）窗口服务情况

本周，大厅共受理业务3120件，办结3098件，群众满意率99.8%。

二、窗口工作动态

1.市市场监管局窗口推行“证照联办”，企业开办时间压缩至0.5个工作日。

2.市人社局窗口开展社保业务“帮代办”服务，帮办代办46件。

3.市公安局窗口延长户籍业务办理时间，错时服务群众210人次。

附件：2024年3月绵阳市政务服务大厅窗口考核结果

附件

2024年3月绵阳市政务服务大厅窗口考核结果

排名\t部门窗口\t基础分\t减分\t加分\t实得分
1\t市市场监管局\t100\t0\t6\t106
2\t市人社局\t100\t0\t4\t104
2\t市公安局\t100\t-1\t5\t104
4\t市税务局\t100\t-2\t1\t99

报：市政府办公室。

送：市中心领导，各县（市、区）政务服务中心。

（共印30份）
"""

ROWS = [
    ("1", "市市场监管局", "100", "0", "6", "106"),
    ("2", "市人社局", "100", "0", "4", "104"),
    ("", "市公安局", "100", "-1", "5", "104"),  # the tie: its rank cell merged with the one above
    ("4", "市税务局", "100", "-2", "1", "99"),
]


def office_docx(*, word_numbering: bool = True) -> bytes:
    document = docx.Document()
    title = document.add_paragraph()
    run = title.add_run("政务服务工作简报")
    run.font.color.rgb = RGBColor(0xFF, 0, 0)
    run.font.size = Pt(42)
    document.add_paragraph("2024年第12期（总第312期）")
    document.add_paragraph("绵阳市政务服务和公共资源交易服务中心\t2024年4月12日")

    def heading(marker: str, text: str, level: int) -> None:
        document.add_paragraph(text if word_numbering else marker + text, style=f"Heading {level}")

    heading("一、", "重点工作推进", 1)
    first = document.add_paragraph(style="Heading 2")
    first.add_run(
        "（一）“高效办成一件事”。" if not word_numbering else "“高效办成一件事”。"
    ).bold = True
    first.add_run("本周新增上线“开办餐馆一件事”，累计上线14个主题。")
    heading("（二）", "窗口服务情况", 2)
    document.add_paragraph("本周，大厅共受理业务3120件，办结3098件，群众满意率99.8%。")
    heading("二、", "窗口工作动态", 1)
    document.add_paragraph("1.市市场监管局窗口推行“证照联办”，企业开办时间压缩至0.5个工作日。")
    document.add_paragraph("2.市人社局窗口开展社保业务“帮代办”服务，帮办代办46件。")
    document.add_paragraph("3.市公安局窗口延长户籍业务办理时间，错时服务群众210人次。")
    document.add_paragraph("附件：2024年3月绵阳市政务服务大厅窗口考核结果")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("附件")
    document.add_paragraph("2024年3月绵阳市政务服务大厅窗口考核结果")

    table = document.add_table(rows=2 + len(ROWS), cols=6)
    for column, (above, below) in enumerate(
        [
            ("排名", ""),
            ("部门窗口", ""),
            ("基础分", "分值"),
            ("减分", "分值"),
            ("加分", "分值"),
            ("实得分", "分值"),
        ]
    ):
        table.cell(0, column).text = above
        table.cell(1, column).text = below
    table.cell(0, 0).merge(table.cell(1, 0))
    table.cell(0, 1).merge(table.cell(1, 1))
    for r, row in enumerate(ROWS, start=2):
        for column, value in enumerate(row):
            if value:
                table.cell(r, column).text = value
    table.cell(3, 0).merge(table.cell(4, 0))  # 市人社局 and 市公安局 share rank 2

    footer = document.add_table(rows=3, cols=1)
    footer.cell(0, 0).text = "报：市政府办公室。"
    footer.cell(1, 0).text = "送：市中心领导，各县（市、区）政务服务中心。"
    footer.cell(2, 0).text = "（共印30份）"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def imported(path) -> dict:
    """What an import made, then rolled back, so both versions can come in."""
    with transaction.atomic():
        issue = import_file(path)
        issue = Issue.objects.select_related("series").get(pk=issue.pk)
        result = {
            "issue": (
                issue.series.title,
                issue.series.issuing_body,
                issue.year,
                issue.number,
                issue.total_number,
                issue.issue_date,
                issue.report_to,
                issue.send_to,
                issue.distribute_to,
                issue.print_count,
            ),
            "sections": [
                (s.position, s.level, s.title, s.kind, s.body, s.score_month)
                for s in issue.sections.all()
            ],
            "items": [
                (item.section.title, item.headline, item.body)
                for item in issue.sections.get(kind="items").submissions.order_by("position")
            ],
            "scores": [
                (row.rank, row.department.name, row.base, row.deduction, row.bonus, row.total)
                for row in WindowScore.objects.filter(month__year=2024).table()
            ],
        }
        transaction.set_rollback(True)
    return result


@pytest.mark.parametrize("word_numbering", [True, False], ids=["numbered-by-word", "typed-markers"])
def test_a_word_bulletin_imports_into_the_same_issue_sections_and_ranks_as_its_text(
    db, tmp_path, word_numbering
):
    text = tmp_path / "2024-12.txt"
    text.write_text(TEXT, encoding="utf-8")
    word = tmp_path / "2024-12.docx"
    word.write_bytes(office_docx(word_numbering=word_numbering))

    from_text, from_word = imported(text), imported(word)

    assert from_word == from_text
    # and the text version is what it says, so the comparison is not of two empties
    assert from_text["issue"][0] == "政务服务工作简报"
    assert [s[2] for s in from_text["sections"]][:3] == [
        "重点工作推进",
        "“高效办成一件事”。",
        "窗口服务情况",
    ]
    assert len(from_text["items"]) == 3
    assert [(rank, name) for rank, name, *_ in from_text["scores"]] == [
        (1, "市市场监管局"),
        (2, "市人社局"),
        (2, "市公安局"),
        (4, "市税务局"),
    ]


def test_a_damaged_word_file_is_refused_with_its_reason(db, tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(office_docx()[:2000])
    with pytest.raises(BulletinFormatError, match=r"损坏|damaged"):
        import_file(path)
    assert not Issue.objects.exists()


def test_the_word_file_jianbao_exports_imports_back_into_the_same_issue(db, tmp_path):
    """Word out, Word in: the .docx of an issue (masthead, headings, items, the score
    table with its tie, the 报尾) reads back as the issue it was made from."""
    from bulletin.printing.docx import issue_docx

    text = tmp_path / "2024-12.txt"
    text.write_text(TEXT, encoding="utf-8")
    word = tmp_path / "exported.docx"
    with transaction.atomic():
        word.write_bytes(issue_docx(import_file(text)))
        transaction.set_rollback(True)

    assert imported(word) == imported(text)
