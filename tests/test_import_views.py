"""The web import for editors: upload, the preview of every line next to the outline,
corrections read again, the import in one transaction; only editors, POST only for the
import, nothing saved before it or on any error."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from bulletin.forms import ImportDraftForm
from bulletin.importing import Role, Source
from bulletin.models import Issue, Section, Series, Submission
from lib.limits import MAX_IMPORT_BYTES
from tests.test_word_bulletins import TEXT as WORD_TEXT
from tests.test_word_bulletins import office_docx

UPLOAD = reverse("bulletin:import_upload")
SAVE = reverse("bulletin:import_save")
TEXT = """窗口工作周报

2024年第5期

某市政务服务中心

2024年3月8日

一、重点工作

窗口服务情况

本周受理事项100件，办结98件。

二、窗口工作动态

1.市税务局窗口推行网上办税。本周办理120件。

发：各部门窗口。

（共印10份）
"""
HEADING_LINE = 11  # 窗口服务情况: read as an article title, corrected to a heading


@pytest.fixture(autouse=True)
def english(client):
    """Pages and messages in English, matched by their msgids (the app speaks Chinese)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def upload(client, data: bytes | str = TEXT, name: str = "bulletin.txt"):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)})


def draft(text: str = TEXT, name: str = "bulletin.txt") -> str:
    return ImportDraftForm.sign(Source(name, text, False))


def nothing_saved() -> bool:
    return not (Series.objects.exists() or Issue.objects.exists() or Section.objects.exists())


@pytest.fixture
def as_editor(client, editor):
    client.force_login(editor)
    return client


def test_an_editor_uploads_a_file_and_sees_every_line_with_its_role_and_the_outline(as_editor):
    response = upload(as_editor)
    assert response.status_code == 200
    reading = response.context["reading"]
    assert [line.no for line in reading.lines] == list(range(1, len(TEXT.splitlines()) + 1))
    html = response.content.decode()
    for line in reading.lines:
        assert f'id="line-{line.no}"' in html
    assert reading.lines[HEADING_LINE - 1].role == Role.TITLE
    # the outline beside the lines
    assert "一、重点工作" in html and "二、窗口工作动态" in html
    assert 'name="role-11"' in html and 'name="role-2"' not in html  # no select for blanks
    assert nothing_saved()


def test_a_word_file_is_previewed_through_the_word_reader(as_editor):
    response = upload(as_editor, office_docx(), "2024-12.docx")
    assert response.status_code == 200
    reading = response.context["reading"]
    assert reading.error is None
    assert reading.bulletin.title == "政务服务工作简报"
    word_titles = [s.title for s in reading.bulletin.sections]
    assert word_titles[:3] == ["重点工作推进", "“高效办成一件事”。", "窗口服务情况"]
    assert "市市场监管局" in WORD_TEXT  # the same bulletin as the text version
    assert nothing_saved()


def test_a_correction_is_read_again_and_kept_in_its_select(as_editor):
    response = as_editor.post(UPLOAD, {"draft": draft(), f"role-{HEADING_LINE}": "heading2"})
    assert response.status_code == 200
    doc = response.context["reading"].bulletin
    assert [(s.level, s.title) for s in doc.sections][:2] == [(1, "重点工作"), (2, "窗口服务情况")]
    html = response.content.decode()
    assert re.search(r'<option value="heading2" selected>', html)
    assert nothing_saved()


def test_import_saves_the_corrected_structure_and_goes_to_the_issue(as_editor):
    response = as_editor.post(SAVE, {"draft": draft(), f"role-{HEADING_LINE}": "heading2"})
    issue = Issue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("bulletin:issue_detail", args=[issue.pk])
    assert [(s.level, s.title) for s in issue.sections.order_by("position")] == [
        (1, "重点工作"),
        (2, "窗口服务情况"),
        (1, "窗口工作动态"),
    ]
    assert Submission.objects.get().headline == "市税务局窗口推行网上办税。"
    assert issue.status == Issue.Status.ISSUED and issue.label == "2024年第5期"
    page = as_editor.get(response["Location"]).content.decode()
    assert "（一）窗口服务情况" in page


def test_an_error_names_its_line_the_import_is_disabled_and_forcing_it_saves_nothing(as_editor):
    bad = TEXT.replace("二、窗口工作动态", "三、窗口工作动态")
    response = upload(as_editor, bad)
    line = next(n for n, text in enumerate(bad.splitlines(), 1) if text.startswith("三、"))
    html = response.content.decode()
    assert f"Line {line}: section numbered 3 where 2 was expected" in html
    assert re.search(rf'<tr id="line-{line}"[^>]*class="table-danger"', html)
    assert re.search(r'<button[^>]*id="import-button"[^>]*disabled', html)
    response = as_editor.post(SAVE, {"draft": draft(bad)})
    assert response.status_code == 200
    assert f"Line {line}:" in response.content.decode()
    assert nothing_saved()


def test_an_issue_that_exists_is_refused_in_the_preview_and_nothing_changes(as_editor):
    as_editor.post(SAVE, {"draft": draft()})
    issue = Issue.objects.get()
    response = as_editor.post(SAVE, {"draft": draft()})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert list(Issue.objects.all()) == [issue]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        pytest.param(TEXT.encode(), "bulletin.pdf", "Choose a .txt, .md or .docx file", id="pdf"),
        pytest.param(b"x" * (MAX_IMPORT_BYTES + 1), "big.txt", "at most 1.0 MB", id="too-large"),
        pytest.param(b"\xff\xfe\x00\x81\x30\xff" * 10, "a.txt", "GB18030", id="not-text"),
        pytest.param(b"PK\x03\x04" + b"\0" * 20, "a.docx", "damaged", id="broken-docx"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_at_the_file_field(as_editor, data, name, message):
    response = upload(as_editor, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "reading" not in response.context
    assert nothing_saved()


@pytest.mark.parametrize("value", ["", "not-signed", draft()[:-3] + "xyz"])
def test_a_draft_that_was_changed_is_refused_with_a_message(as_editor, value):
    for url in (UPLOAD, SAVE):
        response = as_editor.post(url, {"draft": value}, follow=True)
        assert response.redirect_chain[-1][0] == UPLOAD
        assert "upload the file again" in response.content.decode()
    assert nothing_saved()


def test_an_unknown_role_in_the_post_is_ignored(as_editor):
    response = as_editor.post(UPLOAD, {"draft": draft(), "role-9": "section", "role-x": "body"})
    assert response.status_code == 200
    assert response.context["corrected"] == 0


def test_a_file_too_long_to_correct_line_by_line_is_previewed_without_selects(as_editor):
    paragraphs = "\n".join(f"第{n}段文字。" for n in range(950))
    text = TEXT.replace("本周受理事项100件，办结98件。", paragraphs)
    response = upload(as_editor, text)
    assert response.status_code == 200
    assert response.context["selectable"] is False
    assert "<select" not in response.content.decode()


@pytest.mark.parametrize("persona", ["clerk", "approver", "scorer"])
def test_only_editors_import(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(UPLOAD).status_code == 403
    assert upload(client).status_code == 403
    assert client.post(SAVE, {"draft": draft()}).status_code == 403
    assert nothing_saved()


def test_the_import_needs_a_login_and_a_post(client, editor):
    assert client.get(UPLOAD).status_code == 302
    assert client.post(SAVE, {"draft": draft()}).status_code == 302
    client.force_login(editor)
    assert client.get(SAVE).status_code == 405
    assert nothing_saved()


def test_the_issue_list_links_to_the_import_for_editors_only(client, editor, clerk):
    client.force_login(editor)
    assert UPLOAD in client.get(reverse("bulletin:issue_list")).content.decode()
    client.force_login(clerk)
    assert UPLOAD not in client.get(reverse("bulletin:issue_list")).content.decode()
