"""Very large, malformed and mistyped input: a clear message in the form, the user's
valid text kept, nothing saved, and never a server error.
"""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.html import escape

from scoring import excel
from tests.attack_world import build_world, client_for, db_state, fill, project_routes, xlsx

MB = "政" * (1024 * 1024 // 3)  # a megabyte of UTF-8
LONG_TITLE = "标" * 10_000
KEEP = "保留这段文字"  # valid text next to the bad field, expected back in the form


@pytest.fixture
def world(db):
    return build_world()


def _url(w, name: str, key: str | None = None) -> str:
    route = next(r for r in project_routes() if r.name == name)
    return fill(route.route, {"pk": w.obj[key].pk} if key else {})


def _visit(**over) -> dict:
    data = {"date": "2024-03-01", "leader_name": "张三", "leader_title": KEEP, "activity": "调研。"}
    return {**data, **over}


def _issue(**over) -> dict:
    return {"version": "1", "column_title": KEEP, **over}


def _stats(**row) -> dict:
    row = {"label": "受理", "unit": "件", "value": "5", **row}
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000"}  # fmt: skip
    return {**data, **{f"form-0-{k}": v for k, v in row.items()}}


def _findings(**row) -> dict:
    row = {"topic": KEEP, "finding": "良好。", **row}
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000"}  # fmt: skip
    return {**data, **{f"form-0-{k}": v for k, v in row.items()}}


# (page, role, object, POST data, the text that must come back in the form)
CASES = {
    "submission body of 1 MB": (
        "bulletin:submission_new", "clerk", "section", {"headline": KEEP, "body": MB}, KEEP),
    "submission headline of 10,000 characters": (
        "bulletin:submission_new", "clerk", "section", {"headline": LONG_TITLE, "body": KEEP}, KEEP),
    "submission body with NUL": (
        "bulletin:submission_new", "clerk", "section", {"headline": KEEP, "body": "a\x00b"}, KEEP),
    "submission without any text": (
        "bulletin:submission_new", "clerk", "section", {"headline": "", "body": "  "}, None),
    "edited submission of 1 MB": (
        "bulletin:submission_edit", "clerk", "own", {"headline": KEEP, "body": MB, "version": "1"},
        KEEP),
    "edited submission with a version that is not a number": (
        "bulletin:submission_edit", "clerk", "own",
        {"headline": KEEP, "body": "正文。", "version": "abc"}, KEEP),
    "visit activity of 1 MB": ("bulletin:visit_new", "clerk", None, _visit(activity=MB), KEEP),
    "visit on 2023-02-30": ("bulletin:visit_new", "clerk", None, _visit(date="2023-02-30"), KEEP),
    "visit date in letters": ("bulletin:visit_new", "clerk", None, _visit(date="yesterday"), KEEP),
    "visit leader name of 10,000 characters": (
        "bulletin:visit_new", "clerk", None, _visit(leader_name=LONG_TITLE), KEEP),
    "visit with NUL in the name": (
        "bulletin:visit_new", "clerk", None, _visit(leader_name="张\x00三"), KEEP),
    "visit without a date": ("bulletin:visit_new", "clerk", None, _visit(date=""), KEEP),
    "print count of 10**30": (
        "bulletin:issue_edit", "editor", "issue", _issue(print_count=str(10**30)), KEEP),
    "negative print count": (
        "bulletin:issue_edit", "editor", "issue", _issue(print_count="-5"), KEEP),
    "print count in letters": (
        "bulletin:issue_edit", "editor", "issue", _issue(print_count="四十"), KEEP),
    "报 line of 1 MB": ("bulletin:issue_edit", "editor", "issue", _issue(report_to=MB), KEEP),
    "送 line with NUL": ("bulletin:issue_edit", "editor", "issue", _issue(send_to="a\x00"), KEEP),
    "period end on 2023-02-30": (
        "bulletin:issue_edit", "editor", "issue", _issue(period_end="2023-02-30"), KEEP),
    "issue version missing": (
        "bulletin:issue_edit", "editor", "issue", {"column_title": KEEP}, KEEP),
    "recipient group that does not exist": (
        "bulletin:issue_edit", "editor", "issue", _issue(recipient_group="999999"), KEEP),
    "new issue with a period in letters": (
        "bulletin:issue_create", "editor", None,
        {"series": "1", "period_start": "soon", "period_end": "2024-02-30", "column_title": KEEP},
        KEEP),
    "new issue of a series that is not a number": (
        "bulletin:issue_create", "editor", None,
        {"series": "x", "period_start": "2024-03-01", "period_end": "2024-03-05",
         "column_title": KEEP}, KEEP),
    "section text of 1 MB": (
        "bulletin:section_text", "editor", "free", {"body": MB, "version": "1"}, None),
    "section text with a version of 10**30": (
        "bulletin:section_text", "editor", "free", {"body": KEEP, "version": str(10**30)}, KEEP),
    "statistic of 10**30": (
        "bulletin:section_records", "editor", "stats_section", _stats(value=str(10**30)), None),
    "negative statistic": (
        "bulletin:section_records", "editor", "stats_section", _stats(value="-1"), None),
    "statistic label of 10,000 characters": (
        "bulletin:section_records", "editor", "stats_section", _stats(label=LONG_TITLE), None),
    "statistics formset without its management form": (
        "bulletin:section_records", "editor", "stats_section", {"form-0-label": "受理"}, None),
    "statistics formset claiming 10**30 forms": (
        "bulletin:section_records", "editor", "stats_section",
        {**_stats(), "form-TOTAL_FORMS": str(10**30)}, None),
    "inspection finding of 1 MB": (
        "scoring:inspection_detail", "scorer", "round", _findings(finding=MB), KEEP),
    "inspection deduction of 10**30": (
        "scoring:inspection_detail", "scorer", "round",
        _findings(proposed_points=str(10**30)), KEEP),
    "inspection deduction in letters": (
        "scoring:inspection_detail", "scorer", "round", _findings(proposed_points="minus one"),
        KEEP),
    "inspection round on 2023-02-30": (
        "scoring:inspection_list", "scorer", None, {"date": "2023-02-30", "inspector": KEEP},
        KEEP),
    "inspector of 10,000 characters": (
        "scoring:inspection_list", "scorer", None,
        {"date": "2024-03-01", "inspector": LONG_TITLE}, None),
    "month in letters": ("scoring:month_list", "scorer", None, {"month": "March"}, None),
    "month 2023-13": ("scoring:month_list", "scorer", None, {"month": "2023-13"}, None),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gets_a_form_error_and_keeps_the_text(world, case):
    name, role, key, data, kept = CASES[case]
    client = client_for(world, role, raise_request_exception=False)
    before = db_state()
    response = client.post(_url(world, name, key), data)
    assert response.status_code == 200, response.status_code
    form = response.context.get("formset") or response.context.get("form")
    assert form is not None and not form.is_valid()
    errors = form.errors if hasattr(form, "cleaned_data") else form.total_error_count()
    assert errors
    if kept:
        assert KEEP in response.content.decode()
    assert db_state() == before


def test_extra_and_duplicate_fields_are_ignored(world):
    """Unknown fields do not reach the model; of a repeated field the last one counts."""
    client = client_for(world, "clerk", raise_request_exception=False)
    data = {"headline": ["第一。", "第二。"], "body": "正文。", "status": "accepted",
            "department": world.obj["other_department"].pk, "version": "1"}  # fmt: skip
    response = client.post(_url(world, "bulletin:submission_edit", "own"), data)
    assert response.status_code == 302
    own = world.obj["own"]
    own.refresh_from_db()
    assert (own.headline, own.status, own.department_id) == (
        "第二。",
        "draft",
        world.obj["department"].pk,
    )


def test_invalid_utf8_in_a_post_body_is_a_form_error_not_a_500(world):
    client = client_for(world, "clerk", raise_request_exception=False)
    body = b"headline=%FF%FE%FD&body=\xff\xfe\xc3\x28"
    before = db_state()
    response = client.generic(
        "POST", _url(world, "bulletin:submission_new", "section"), body,
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    assert response.status_code in (200, 302, 400)
    if response.status_code == 302:  # decoded with replacement characters: plain text
        assert "\ufffd" in world.obj["section"].submissions.latest("pk").headline
    else:
        assert db_state() == before


def too_large_message() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(
            "The submission is too large (the limit is %(limit)s) and was not saved. "
            "Please shorten the text and try again."
        ) % {"limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}


def test_a_body_past_the_upload_limit_is_a_400(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    client = client_for(world, "clerk", raise_request_exception=False)
    response = client.post(
        _url(world, "bulletin:submission_new", "section"), {"headline": "x", "body": MB * 2}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert escape(too_large_message()) in page
    assert "1.0\xa0MB" in page  # the limit as set


@pytest.mark.parametrize(
    ("name", "key", "field"),
    [("bulletin:visit_new", None, "activity"), ("bulletin:submission_new", "section", "body")],
)
def test_a_6_mb_post_says_in_the_sites_layout_what_the_limit_is_and_saves_nothing(
    world, name, key, field
):
    # As a browser posts a form (url-encoded), through the CSRF check, which reads it first.
    client = client_for(world, "clerk", enforce_csrf_checks=True, raise_request_exception=False)
    url = _url(world, name, key)
    client.get(url)
    before = db_state()
    body = urlencode({"csrfmiddlewaretoken": client.cookies["csrftoken"].value, field: MB * 6})
    response = client.generic("POST", url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    page = response.content.decode()
    assert '<html lang="zh-CN">' in page
    assert escape(too_large_message()) in page
    assert "2.5\xa0MB" in page  # Django's default DATA_UPLOAD_MAX_MEMORY_SIZE
    assert page.count("<h1") == 1
    assert world.users["clerk"].username in page  # the navigation of the signed-in user
    assert db_state() == before


def test_a_post_with_too_many_fields_says_the_limit(world, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client = client_for(world, "clerk", raise_request_exception=False)
    data = {f"x{i}": "1" for i in range(20)}
    response = client.post(_url(world, "bulletin:submission_new", "section"), data)
    assert response.status_code == 400
    with translation.override(settings.LANGUAGE_CODE):
        message = translation.gettext(
            "The submission has too many fields (the limit is %(limit)d) and was not saved. "
            "Please select fewer items and try again."
        ) % {"limit": 10}
    assert escape(message) in response.content.decode()


# --- inline forms: the page they sit on again, the error and the text in the form ------

TYPED = "请保留“这段文字”<第1条> & 完"  # what the user typed, expected back escaped


def _entry(w, **over) -> dict:
    data = {"department": w.obj["department"].pk, "date": "2024-03-05", "points": "-1",
            "reason": TYPED}  # fmt: skip
    return {**data, **over}


def _section(prefix: str, **over) -> dict:
    data = {"title": TYPED, "level": "1", "kind": "free", "prose_style": "paragraphs", **over}
    return {f"{prefix}-{key}": value for key, value in data.items()}


# (view, role, object, POST data, the form in the page's context, the field with the
# error, the texts that must come back in the form)
INLINE = {
    "score entry of 10**30 points": (
        "scoring:entry_add", "scorer", "month", lambda w: _entry(w, points=str(10**30)),
        "entry_form", "points", [TYPED]),
    "score entry of NaN points": (
        "scoring:entry_add", "scorer", "month", lambda w: _entry(w, points="NaN"),
        "entry_form", "points", [TYPED]),
    "score entry of 0.3 points": (
        "scoring:entry_add", "scorer", "month", lambda w: _entry(w, points="0.3"),
        "entry_form", "points", [TYPED]),
    "score entry on 2024-02-30": (
        "scoring:entry_add", "scorer", "month", lambda w: _entry(w, date="2024-02-30"),
        "entry_form", "date", [TYPED, "2024-02-30"]),
    "score entry reason of 1 MB": (
        "scoring:entry_add", "scorer", "month", lambda w: _entry(w, reason=MB, evidence=TYPED),
        "entry_form", "reason", [MB, TYPED]),
    "score entry without a reason": (
        "scoring:entry_add", "scorer", "month", lambda w: _entry(w, reason="", clause=TYPED),
        "entry_form", "reason", [TYPED]),
    "score entry for a department that is not a number": (
        "scoring:entry_add", "scorer", "month", lambda w: _entry(w, department="abc"),
        "entry_form", "department", [TYPED]),
    "objection to a line of 1 MB": (
        "scoring:objection_file", "clerk", "published",
        lambda w: {"entry": w.obj["published_entry"].pk, "text": MB + TYPED},
        "objection_form", "text", [MB + TYPED]),
    "objection with NUL": (
        "scoring:objection_file", "clerk", "published",
        lambda w: {"entry": w.obj["published_entry"].pk, "text": TYPED + "\x00"},
        "objection_form", "text", [TYPED]),
    "answer of 1 MB": (
        "scoring:objection_answer", "scorer", "objection",
        lambda w: {"upheld": "1", "answer": MB + TYPED}, "answer_form", "answer", [MB + TYPED]),
    "answer with a decision of 10**30": (
        "scoring:objection_answer", "scorer", "objection",
        lambda w: {"upheld": str(10**30), "answer": TYPED}, "answer_form", "upheld", [TYPED]),
    "publishing with a deadline on 2024-02-30": (
        "scoring:month_publish", "scorer", "month", lambda w: {"deadline": "2024-02-30T10:00"},
        "publish_form", "deadline", ["2024-02-30T10:00"]),
    "publishing with a deadline in the past": (
        "scoring:month_publish", "scorer", "month", lambda w: {"deadline": "2020-01-01T10:00"},
        "publish_form", "deadline", ["2020-01-01T10:00"]),
    "attach a month that is not a number": (
        "bulletin:attach_scores", "editor", "issue", lambda w: {"month": "abc"},
        "attach_form", "month", []),
    "return reason of 1 MB": (
        "bulletin:submission_return", "editor", "sent", lambda w: {"reason": MB + TYPED},
        "return_form", "reason", [MB + TYPED]),
    "return with a canned reason of 10**30": (
        "bulletin:submission_return", "editor", "sent",
        lambda w: {"canned": str(10**30), "reason": TYPED}, "return_form", "canned", [TYPED]),
    "return without a reason": (
        "bulletin:submission_return", "editor", "sent", lambda w: {"canned": "0", "reason": " "},
        "return_form", "__all__", []),
    "bulk return reason of 1 MB": (
        "bulletin:review_bulk", "editor", "issue",
        lambda w: {"items": [w.obj["sent"].pk], "bulk": "return", "reason": MB + TYPED,
                   "confirmed": "1"},
        "bulk_form", "reason", [MB + TYPED]),
    "bulk return without a reason": (
        "bulletin:review_bulk", "editor", "issue",
        lambda w: {"items": [w.obj["sent"].pk], "bulk": "return", "reason": ""},
        "bulk_form", "__all__", []),
    "bulk return with no item ticked": (
        "bulletin:review_bulk", "editor", "issue",
        lambda w: {"bulk": "return", "reason": TYPED}, "bulk_form", "__all__", [TYPED]),
    "bulk decision that does not exist": (
        "bulletin:review_bulk", "editor", "issue",
        lambda w: {"items": [w.obj["sent"].pk], "bulk": "delete", "reason": TYPED},
        "bulk_form", "bulk", [TYPED]),
    "section title of 10,000 characters": (
        "bulletin:section_add", "editor", "issue", lambda w: _section("new", title=LONG_TITLE),
        "new_form", "title", [LONG_TITLE]),
    "section level of 10**30": (
        "bulletin:section_add", "editor", "issue", lambda w: _section("new", level=str(10**30)),
        "new_form", "level", [TYPED]),
    "new section without a kind": (
        "bulletin:section_add", "editor", "issue", lambda w: _section("new", kind=""),
        "new_form", "kind", [TYPED]),
    "section kind that does not exist": (
        "bulletin:section_edit", "editor", "free",
        lambda w: _section(f"s{w.obj['free'].pk}", kind="<script>"), "edited", "kind", [TYPED]),
    "section level of 9": (
        "bulletin:section_edit", "editor", "free",
        lambda w: _section(f"s{w.obj['free'].pk}", level="9"), "edited", "level", [TYPED]),
    "call deadline on 2024-02-30": (
        "bulletin:section_call", "editor", "free", lambda w: {"deadline": "2024-02-30T10:00"},
        "call_form", "deadline", ["2024-02-30T10:00"]),
    "issue return comment of 1 MB": (
        "bulletin:issue_return", "approver", "in_review", lambda w: {"comment": MB + TYPED},
        "return_form", "comment", [MB + TYPED]),
    "issue return comment of 2001 characters": (
        "bulletin:issue_return", "approver", "in_review",
        lambda w: {"comment": "改" * (2001 - len(TYPED)) + TYPED},
        "return_form", "comment", ["改" * (2001 - len(TYPED)) + TYPED]),
    "issue return without a comment": (
        "bulletin:issue_return", "approver", "in_review", lambda w: {"comment": "  "},
        "return_form", "comment", []),
    "sign-off comment of 1 MB": (
        "bulletin:issue_approve", "approver", "in_review", lambda w: {"comment": MB},
        "comment_form", "comment", []),
    "comment of 1 MB for sending to review": (
        "bulletin:issue_send_to_review", "editor", "issue", lambda w: {"comment": MB},
        "comment_form", "comment", []),
}  # fmt: skip


def _form(response, name: str):
    if name == "edited":  # the selected section's form on the assembly page
        form = response.context["form"]
        assert form.is_bound
        return form
    return response.context[name]


@pytest.mark.parametrize("case", sorted(INLINE))
def test_bad_input_to_an_inline_form_shows_the_page_again_with_the_text(world, case):
    name, role, key, data, form_name, field, kept = INLINE[case]
    client = client_for(world, role, raise_request_exception=False)
    before = db_state()
    response = client.post(_url(world, name, key), data(world))
    assert response.status_code == 200
    page = response.content.decode()
    form = _form(response, form_name)
    assert form.is_bound and field in form.errors
    with translation.override(settings.LANGUAGE_CODE):
        errors = [escape(error) for error in form.errors[field]]
    assert errors and all(error in page for error in errors), errors
    for text in kept:
        assert escape(text) in page
    assert db_state() == before


def test_a_long_issue_return_comment_is_told_so_not_asked_for(world):
    """The approver's comment of 2001 characters: the limit, not "say what to change"."""
    client = client_for(world, "approver", raise_request_exception=False)
    url = _url(world, "bulletin:issue_return", "in_review")
    page = client.post(url, {"comment": "改" * 2001}).content.decode()
    assert "2000" in page
    with translation.override(settings.LANGUAGE_CODE):
        assert str(translation.gettext("Say what the editor should change.")) not in page


def test_a_failed_return_keeps_the_chosen_common_reason(world):
    client = client_for(world, "editor", raise_request_exception=False)
    sent = world.obj["sent"]
    response = client.post(
        _url(world, "bulletin:submission_return", "sent"), {"canned": "2", "reason": "政" * 3000}
    )
    assert response.status_code == 200
    assert re.search(
        rf'id="canned-{sent.pk}" name="canned">.*?<option value="2" selected>',
        response.content.decode(),
        re.S,
    )


def test_a_failed_bulk_return_keeps_the_items_ticked(world):
    client = client_for(world, "editor", raise_request_exception=False)
    sent = world.obj["sent"]
    response = client.post(
        _url(world, "bulletin:review_bulk", "issue"),
        {"items": [sent.pk], "bulk": "return", "reason": ""},
    )
    assert response.status_code == 200
    assert (
        f'value="{sent.pk}" form="bulk" id="pick-{sent.pk}" checked>' in response.content.decode()
    )


def test_valid_inline_forms_still_redirect(world):
    """POST, redirect, GET: only a form with errors answers with the page itself."""
    o = world.obj
    posts = [
        ("scorer", "scoring:entry_add", "month", _entry(world)),
        ("clerk", "scoring:objection_file", "published",
         {"entry": o["published_entry"].pk, "text": TYPED}),
        ("scorer", "scoring:objection_answer", "objection", {"upheld": "0", "answer": TYPED}),
        ("editor", "bulletin:section_add", "issue", _section("new")),
        ("editor", "bulletin:section_edit", "free", _section(f"s{o['free'].pk}", version=o["free"].version)),
        ("editor", "bulletin:section_call", "free", {"deadline": "2099-01-01T10:00"}),
        ("editor", "bulletin:submission_return", "sent", {"reason": TYPED}),
        ("approver", "bulletin:issue_return", "in_review", {"comment": TYPED}),
    ]  # fmt: skip
    for role, name, key, data in posts:
        response = client_for(world, role, raise_request_exception=False).post(
            _url(world, name, key), data
        )
        assert response.status_code == 302, name


# --- Excel uploads -----------------------------------------------------------------------


def _upload(w, data: bytes, name: str = "table.xlsx"):
    client = client_for(w, "scorer", raise_request_exception=False)
    before = db_state()
    response = client.post(
        _url(w, "scoring:month_upload", "month"), {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 302
    assert db_state() == before
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_file_that_is_not_xlsx_is_refused(world):
    messages = _upload(world, b"%PDF-1.4 not a workbook")
    assert any(".xlsx" in m for m in messages)


def test_a_zip_that_is_not_a_workbook_is_refused(world):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    messages = _upload(world, out.getvalue())
    assert any("Excel" in m for m in messages)


def test_a_damaged_zip_is_refused(world):
    assert _upload(world, excel.XLSX_MAGIC + b"\x00" * 200)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(world):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (excel.MAX_UNPACKED_BYTES + 1))
    assert len(out.getvalue()) < excel.MAX_UPLOAD_BYTES
    with pytest.raises(excel.UploadError, match="解压后过大"):
        excel.read_month(out.getvalue())
    assert _upload(world, out.getvalue())


def test_an_oversized_file_is_refused(world):
    assert _upload(world, excel.XLSX_MAGIC + b"\0" * (excel.MAX_UPLOAD_BYTES + 1))


def test_a_sheet_claiming_a_million_rows_is_refused_without_reading_them(world):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["部门窗口", "基础分", "减分", "加分", "实得分"])
    book.active.cell(row=1_048_576, column=16_384, value="x")
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(excel.UploadError, match="超过500行"):
        excel.read_month(out.getvalue())


def test_formulas_and_huge_cells_get_short_clear_errors(world):
    table = xlsx([
        ["部门窗口", "基础分", "减分", "加分", "实得分"],
        ["=HYPERLINK(\"http://evil.example\",\"水利厅\")", 100, 0, 0, 100],
        ["交通运输厅" + "长" * 100_000, 100, 0, 0, 100],
        ["水利厅", 100, "=1/0", 0, "1e999999"],
    ])  # fmt: skip
    with pytest.raises(excel.UploadError) as raised:
        excel.read_month(table)
    assert len(raised.value.errors) == 3
    assert all(len(error) < 200 for error in raised.value.errors)
    assert _upload(world, table)


def test_exported_text_that_looks_like_a_formula_stays_text(world):
    from openpyxl import load_workbook

    from scoring import services

    world.obj["department"].name = '=HYPERLINK("http://evil.example","点我")'
    world.obj["department"].save()
    services.month_recompute(month=world.obj["month"])
    data = excel.month_workbook(world.obj["month"])
    sheet = load_workbook(io.BytesIO(data)).active
    names = {row[1].value: row[1].data_type for row in sheet.iter_rows(min_row=2)}
    assert names[world.obj["department"].name] == "s"


def test_a_formset_claiming_thousands_of_forms_builds_only_a_hundred(world):
    client = client_for(world, "scorer", raise_request_exception=False)
    data = {**_findings(), "form-TOTAL_FORMS": "100000"}
    response = client.post(_url(world, "scoring:inspection_detail", "round"), data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) == 100
    assert formset.non_form_errors()


# --- limits the browser enforces: maxlength on every text field ---------------------------


def project_forms() -> list[tuple[str, type, int]]:
    """(name, form class, how many of it one post may carry) for every form of the apps,
    the forms of their formsets included."""
    import importlib
    from pathlib import Path

    from django import forms
    from django.forms.formsets import BaseFormSet

    root = Path(settings.BASE_DIR)
    modules = ["lib.forms", "departments.forms", "scoring.forms"]
    modules += [f"bulletin.{path.stem}" for path in sorted((root / "bulletin").glob("forms*.py"))]
    modules += ["bulletin.adoption.forms"]
    found = []
    for module_name in modules:
        for attr, obj in vars(importlib.import_module(module_name)).items():
            if not isinstance(obj, type):
                continue
            if issubclass(obj, forms.BaseForm) and obj.__module__ == module_name:
                found.append((f"{module_name}.{attr}", obj, 1))
            elif issubclass(obj, BaseFormSet) and hasattr(obj, "form"):
                found.append((f"{module_name}.{attr}.form", obj.form, obj.absolute_max))
    return found


def text_fields(form_class: type):
    """The bound fields a person types text into (no hidden fields, no passwords: Django
    gives a password no length and it is not text the user could lose)."""
    from django import forms

    form = form_class()
    for name, field in form.fields.items():
        typed = isinstance(field, forms.CharField) and not field.widget.is_hidden
        if typed and not isinstance(field.widget, forms.PasswordInput):
            yield form[name]


def test_the_form_walk_finds_the_forms_of_every_app():
    names = {name for name, _form, _copies in project_forms()}
    for expected in (
        "bulletin.forms.SubmissionForm",
        "bulletin.forms.SectionTextForm",
        "bulletin.forms.StatisticFormSet.form",
        "scoring.forms.FindingFormSet.form",
        "scoring.forms.ObjectionForm",
        "departments.forms.LoginForm",
    ):
        assert expected in names


@pytest.mark.django_db
def test_every_text_field_of_the_apps_forms_renders_a_maxlength():
    # The browser stops the typing at the limit, so a text is never lost to a refused post.
    missing = [
        f"{name}.{field.name}"
        for name, form_class, _copies in project_forms()
        for field in text_fields(form_class)
        if not re.search(r'\smaxlength="\d+"', str(field))
    ]
    assert missing == []


def test_every_hand_written_text_input_in_the_templates_has_a_maxlength():
    from pathlib import Path

    tag = re.compile(r"<(?:input|textarea)\b[^>]*>", re.S)
    missing = []
    for path in sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html")):
        for found in tag.findall(path.read_text(encoding="utf-8")):
            kind = re.search(r'\stype="([^"]+)"', found)
            typed = found.startswith("<textarea") or not kind or kind[1] in {"text", "search"}
            if typed and "maxlength=" not in found:
                missing.append(f"{path.name}: {found[:80]}")
    assert missing == []


@pytest.mark.django_db
def test_a_form_filled_to_every_maxlength_posts_well_under_the_upload_limit():
    # Url-encoded, as a browser posts a form, a Chinese character is 3 bytes of UTF-8
    # written %XX each: 9 bytes.
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    for name, form_class, copies in project_forms():
        fields = list(text_fields(form_class))
        most = sum(field.field.max_length for field in fields) * 9 * copies
        assert most < limit, name
        for field in fields:
            assert field.field.max_length * 9 <= limit / 10, f"{name}.{field.name}"


def test_every_textarea_of_the_apps_forms_counts_line_breaks_as_the_browser_does():
    from django import forms

    from lib.forms import Textarea

    plain = [
        f"{name}.{field.name}"
        for name, form_class, _copies in project_forms()
        for field in text_fields(form_class)
        if isinstance(field.field.widget, forms.Textarea)
        and not isinstance(field.field.widget, Textarea)
    ]
    assert plain == []


def test_a_body_the_browser_let_through_at_the_limit_is_accepted():
    from bulletin.forms import SubmissionForm
    from lib.limits import MAX_BODY

    # 50 paragraphs: the browser counts each line break as one character, posts it as two.
    body = "\r\n".join(["政" * 99] * 50)
    assert len(body.replace("\r\n", "\n")) <= MAX_BODY < len(body)
    form = SubmissionForm({"headline": "", "body": body})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["body"] == body.replace("\r\n", "\n")
