"""A department's item read in from a Word file: every paragraph kept, what was left out
named, a bad file refused at the file field with the typed text still in the form."""

import datetime
import io
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from bulletin import services
from bulletin.models import Issue, Section, Submission
from lib.docx_reader import MAX_IMPORT_BYTES, OLE_MAGIC, read_docx
from tests.factories import make_issue, make_section, make_series

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PARAGRAPHS = [
    "近日，我厅窗口联合税务部门开展“高效办成一件事”专项服务，梳理事项清单12项。",
    "一是压缩办理时限，平均办结时间由5个工作日缩短至2个工作日。",
    "二是推行帮办代办，为企业群众提供全程指导服务，累计帮办128件。",
    "下一步，窗口将持续优化服务流程。",
]


@pytest.fixture
def section(db):
    issue = make_issue(make_series(), year=2024, number=3, total=3, status=Issue.Status.COLLECTING)
    return make_section(
        issue,
        title="大厅工作动态",
        kind=Section.Kind.ITEMS,
        call_deadline=timezone.now() + datetime.timedelta(days=2),
    )


def word(
    paragraphs, *, bold: str = "", table: bool = False, picture: bool = False, box: str = ""
) -> bytes:
    document = docx.Document()
    first = document.add_paragraph()
    if bold:
        first.add_run(bold).bold = True
    first.add_run(paragraphs[0])
    for text in paragraphs[1:]:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=2, cols=2)
        grid.cell(0, 0).text = "事项"
        grid.cell(1, 0).text = "12项"
    if picture:
        image = io.BytesIO()
        Image.new("RGB", (8, 8), "red").save(image, "PNG")
        image.seek(0)
        document.add_picture(image)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "信息.docx"):
    return SimpleUploadedFile(name, data, content_type=DOCX)


def read_in(client, url, data: bytes, **typed):
    return client.post(url, {"action": "read_word", "word_file": upload(data), **typed})


def test_a_bold_first_sentence_becomes_the_headline_and_every_paragraph_the_body(
    client, clerk, section
):
    client.force_login(clerk)
    url = reverse("bulletin:submission_new", args=[section.pk])
    response = read_in(client, url, word(PARAGRAPHS, bold="交通运输厅推行“一件事”集成服务。"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["headline"] == "交通运输厅推行“一件事”集成服务。"
    assert form.initial["body"].split("\n") == PARAGRAPHS
    assert not Submission.objects.exists()  # read in for checking, nothing saved yet

    # Saved as shown: every paragraph of the file is in the item.
    client.post(
        url, {"headline": form.initial["headline"], "body": form.initial["body"], "action": "draft"}
    )
    item = Submission.objects.get()
    assert item.body.split("\n") == PARAGRAPHS


def test_without_bold_the_first_sentence_is_the_headline(client, clerk, section):
    client.force_login(clerk)
    url = reverse("bulletin:submission_new", args=[section.pk])
    form = read_in(client, url, word(PARAGRAPHS)).context["form"]
    assert (
        form.initial["headline"]
        == "近日，我厅窗口联合税务部门开展“高效办成一件事”专项服务，梳理事项清单12项。"
    )
    assert form.initial["body"].split("\n") == PARAGRAPHS[1:]


def test_a_title_line_without_a_full_stop_is_the_headline(client, clerk, section):
    client.force_login(clerk)
    url = reverse("bulletin:submission_new", args=[section.pk])
    form = read_in(client, url, word(["水利厅窗口开展取水许可专项服务", *PARAGRAPHS])).context[
        "form"
    ]
    assert form.initial["headline"] == "水利厅窗口开展取水许可专项服务"
    assert form.initial["body"].split("\n") == PARAGRAPHS


def test_tables_and_pictures_are_left_out_and_named(client, clerk, section):
    client.force_login(clerk)
    url = reverse("bulletin:submission_new", args=[section.pk])
    response = read_in(client, url, word(PARAGRAPHS, table=True, picture=True))
    page = response.content.decode()
    assert "已略去" in page and "1个表格" in page and "1张图片" in page
    assert "12项</" not in page  # the table's text did not slip into the body
    assert response.context["form"].initial["body"].endswith(PARAGRAPHS[-1])


def test_text_typed_before_reading_the_file_is_kept_before_it(client, clerk, section):
    client.force_login(clerk)
    url = reverse("bulletin:submission_new", args=[section.pk])
    response = read_in(
        client, url, word(PARAGRAPHS), headline="已写好的标题。", body="已写好的第一段。"
    )
    form = response.context["form"]
    assert form.initial["headline"] == "已写好的标题。"
    body = form.initial["body"].split("\n")
    assert body[0] == "已写好的第一段。"
    assert "".join(body[1:]) == "".join(PARAGRAPHS)


def test_reading_into_a_draft_keeps_the_version_it_was_opened_at(client, clerk, section):
    item = services.submission_create(
        section=section, department=clerk.department, author=clerk, headline="旧标题。", body=""
    )
    client.force_login(clerk)
    url = reverse("bulletin:submission_edit", args=[item.pk])
    response = read_in(client, url, word(PARAGRAPHS), headline="旧标题。", body="", version="1")
    form = response.context["form"]
    assert form.initial["version"] == "1"
    assert form.initial["body"].split("\n")[-1] == PARAGRAPHS[-1]
    item.refresh_from_db()
    assert item.body == ""  # nothing saved by reading


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe not a document at all", "不是Word文档"),
        (OLE_MAGIC + b"\0" * 600, "已加密"),
        (_zip({"hello.txt": b"hi"}), "不是Word文档"),
        (b"PK\x03\x04" + b"\0" * 40, "不是Word文档"),
        (b"x" * (MAX_IMPORT_BYTES + 1), "最多"),
        (word([" "]), "没有文字"),
        (word(["\u200b\u202e"]), "没有文字"),
    ],
    ids=[
        "garbage",
        "encrypted",
        "zip-without-document",
        "truncated-zip",
        "oversized",
        "empty",
        "only-invisible-characters",
    ],
)
def test_a_bad_file_is_refused_at_the_file_field_and_the_typed_text_stays(
    client, clerk, section, data, message
):
    client.force_login(clerk)
    url = reverse("bulletin:submission_new", args=[section.pk])
    response = read_in(
        client, url, data, headline="我写的标题。", body="我写的正文，一个字也不能丢。"
    )
    assert response.status_code == 200
    errors = response.context["word_form"].errors["word_file"]
    assert any(message in error for error in errors), errors
    page = response.content.decode()
    assert "我写的标题。" in page and "我写的正文，一个字也不能丢。" in page
    assert not Submission.objects.exists()


def test_no_file_chosen_says_so(client, clerk, section):
    client.force_login(clerk)
    url = reverse("bulletin:submission_new", args=[section.pk])
    response = client.post(url, {"action": "read_word", "headline": "标题。"})
    assert "请先选择" in " ".join(response.context["word_form"].errors["word_file"])


def test_a_zip_that_unpacks_to_far_more_than_a_document_is_refused():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (45 * MAX_IMPORT_BYTES))
    assert len(bomb.getvalue()) < MAX_IMPORT_BYTES
    with pytest.raises(ValueError, match="解压"):
        read_docx(bomb.getvalue())


def test_the_reader_keeps_tabs_and_vertically_merged_cells_as_blank_continuations():
    document = docx.Document()
    document.add_paragraph("四川省政务服务中心\t2024年4月12日")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text, table.cell(0, 1).text, table.cell(0, 2).text = "排名", "部门", "得分"
    table.cell(1, 0).text, table.cell(1, 1).text, table.cell(1, 2).text = "1", "水利厅", "100"
    table.cell(1, 0).merge(table.cell(2, 0))
    table.cell(2, 1).text, table.cell(2, 2).text = "商务厅", "100"
    out = io.BytesIO()
    document.save(out)
    read = read_docx(out.getvalue())
    assert read.paragraphs[0].text == "四川省政务服务中心\t2024年4月12日"
    assert read.tables[0].rows == [
        ["排名", "部门", "得分"],
        ["1", "水利厅", "100"],
        ["", "商务厅", "100"],
    ]
