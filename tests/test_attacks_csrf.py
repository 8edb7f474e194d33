"""CSRF: every URL of the project that accepts POST refuses it without a token.

The table below lists each such URL with a user allowed to act and data that would
succeed; the refusal is then due to the missing token alone, which the control request
(same user, same data, a client that sends the token) proves. A meta test walks the
URLconf and fails when a pattern that accepts POST is missing from the table.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.adoption_world import add_adoption
from tests.attack_world import (
    build_world,
    client_for,
    db_state,
    fill,
    import_draft,
    import_upload,
    project_routes,
    xlsx,
)

FUTURE = (datetime.date.today() + datetime.timedelta(days=30)).strftime("%Y-%m-%dT10:00")


def _formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def _upload(w) -> dict:
    table = xlsx(
        [["排名", "部门窗口", "基础分分值", "减分分值", "加分分值", "实得分值"],
         [1, "水利厅", 100, 0, 0, 100], [2, "交通运输厅", 100, -1, 0, 99]]
    )  # fmt: skip
    return {"file": SimpleUploadedFile("m.xlsx", table)}


# name: (role, URL arguments, POST data, whether a successful POST changes the database)
# Read-only pages that ignore a POST are listed too: the middleware refuses them all.
TABLE = {
    "/": ("clerk", {}, {}, False),
    "login": ("anonymous", {}, {"username": "clerk", "password": "pw"}, True),
    "logout": ("clerk", {}, {}, True),
    "bulletin:issue_list": ("editor", {}, {}, False),
    "bulletin:issue_create": (
        "editor", {},
        lambda w: {"series": w.obj["series"].pk, "period_start": "2024-05-06",
                   "period_end": "2024-05-10"},
        True,
    ),
    "bulletin:issue_detail": ("editor", {"pk": "issue"}, {}, False),
    # the upload shows the preview (nothing saved); the import saves the issue
    "bulletin:import_upload": ("editor", {}, lambda w: import_upload(), False),
    "bulletin:import_save": ("editor", {}, lambda w: import_draft(), True),
    "bulletin:review_queue": ("editor", {"pk": "issue"}, {}, False),
    "bulletin:issue_start_editing": ("editor", {"pk": "issue"}, {}, True),
    # the world's issue holds a submitted item: the control is refused with a message
    "bulletin:issue_send_to_review": ("editor", {"pk": "issue"}, {"comment": "请审。"}, False),
    "bulletin:issue_recall": ("editor", {"pk": "in_review"}, {}, True),
    "bulletin:issue_approve": ("approver", {"pk": "in_review"}, {}, True),
    "bulletin:issue_return": ("approver", {"pk": "in_review"}, {"comment": "请改。"}, True),
    "bulletin:issue_issue": ("editor", {"pk": "approved"}, {}, True),
    "bulletin:issue_edit": (
        "editor", {"pk": "issue"}, {"version": "1", "column_title": "政务服务工作"}, True,
    ),
    "bulletin:board": ("editor", {"pk": "issue"}, {}, False),
    "bulletin:review_bulk": (
        "editor", {"pk": "issue"},
        lambda w: {"items": [w.obj["sent"].pk], "bulk": "accept", "confirmed": "1"},
        True,
    ),
    # both departments have sent items to the section: nobody to remind
    "bulletin:section_remind": ("editor", {"pk": "section"}, {}, False),
    "bulletin:notice_list": ("clerk", {}, {}, False),
    "bulletin:notice_open": ("clerk", {"pk": "notice"}, {}, True),
    "bulletin:notice_read": ("clerk", {"pk": "notice"}, {}, True),
    "bulletin:notice_read_all": ("clerk", {}, {}, True),
    # the switch is on: the empty form turns it off
    "bulletin:notice_email": ("clerk", {}, {}, True),
    "bulletin:visit_new": (
        "clerk", {},
        lambda w: {"date": datetime.date.today().isoformat(), "leader_name": "王五",
                   "leader_title": "厅长", "activity": "调研。"},
        True,
    ),
    "bulletin:visit_edit": (
        "clerk", {"pk": "visit"},
        lambda w: {"date": datetime.date.today().isoformat(), "leader_name": "张三",
                   "leader_title": "厅长", "activity": "值守。", "version": w.obj["visit"].version},
        True,
    ),
    "bulletin:assemble": ("editor", {"pk": "issue"}, {}, False),
    "bulletin:section_add": (
        "editor", {"pk": "issue"},
        {"new-title": "新栏目", "new-level": "1", "new-kind": "free", "new-prose_style": "paragraphs"},
        True,
    ),
    "bulletin:section_edit": (
        "editor", {"pk": "free"},
        lambda w: {f"s{w.obj['free'].pk}-{k}": v for k, v in
                   {"title": "改名", "level": "1", "kind": "free",
                    "prose_style": "paragraphs", "version": w.obj["free"].version}.items()},
        True,
    ),
    "bulletin:section_delete": ("editor", {"pk": "free"}, {}, True),
    "bulletin:section_move": ("editor", {"pk": "free"}, {"to": "up"}, True),
    "bulletin:section_text": ("editor", {"pk": "free"}, {"body": "新的文字。", "version": "1"}, True),
    "bulletin:section_generate": ("editor", {"pk": "visits_section"}, {}, True),
    "bulletin:section_records": (
        "editor", {"pk": "stats_section"},
        lambda w: {**_formset("form", [{"label": "受理", "unit": "件", "value": "5"}]),
                   "version": w.obj["stats_section"].version},
        True,
    ),
    "bulletin:submission_move": ("editor", {"pk": "accepted"}, {"to": "up"}, True),
    "bulletin:section_call": ("editor", {"pk": "free"}, {"deadline": FUTURE}, True),
    "bulletin:submission_new": (
        "clerk", {"pk": "section"}, {"headline": "新的一条。", "body": "正文。"}, True,
    ),
    "bulletin:my_department": ("clerk", {}, {}, False),
    "bulletin:submission_detail": ("clerk", {"pk": "own"}, {}, False),
    "bulletin:submission_edit": (
        "clerk", {"pk": "own"}, {"headline": "改过。", "body": "正文。", "version": "1"}, True,
    ),
    "bulletin:submission_submit": ("clerk", {"pk": "own"}, {}, True),
    "bulletin:submission_withdraw": ("clerk", {"pk": "sent"}, {}, True),
    "bulletin:submission_accept": ("editor", {"pk": "sent"}, {}, True),
    "bulletin:submission_return": ("editor", {"pk": "sent"}, {"reason": "请补充数字。"}, True),
    "bulletin:submission_not_use": ("editor", {"pk": "sent"}, {}, True),
    "scoring:month_list": ("scorer", {}, {"month": "2024-05"}, True),
    "scoring:month_detail": ("scorer", {"pk": "month"}, {}, False),
    "scoring:entry_add": (
        "scorer", {"pk": "month"},
        lambda w: {"department": w.obj["department"].pk, "date": "2024-03-05", "points": "-1",
                   "reason": "脱岗。"},
        True,
    ),
    "scoring:entry_delete": ("scorer", {"pk": "own_entry"}, {}, True),
    "scoring:entry_edit": (
        "scorer", {"pk": "own_entry"},
        lambda w: {"department": w.obj["department"].pk, "date": "2024-03-05", "points": "-2",
                   "reason": "改过。"},
        True,
    ),
    "scoring:entry_correct": (
        "scorer", {"pk": "frozen_entry"},
        lambda w: {"month": w.obj["month"].pk, "date": "2024-03-05", "points": "1",
                   "reason": "更正。"},
        True,
    ),
    "scoring:month_caps": ("scorer", {"pk": "month"}, {"total_cap": "110"}, True),
    "scoring:month_delete": ("scorer", {"pk": "empty"}, {}, True),
    "scoring:notice_open": ("clerk", {"pk": "score_notice"}, {}, True),
    "scoring:notice_read": ("clerk", {"pk": "score_notice"}, {}, True),
    "scoring:month_publish": ("scorer", {"pk": "month"}, {"deadline": FUTURE}, True),
    "scoring:month_freeze": ("scorer", {"pk": "published"}, {"confirm": "1"}, True),
    "scoring:objection_file": (
        "clerk", {"pk": "published"},
        lambda w: {"entry": w.obj["published_entry"].pk, "text": "加分漏记。"}, True,
    ),
    "scoring:objection_answer": (
        "scorer", {"pk": "objection"}, {"upheld": "0", "answer": "维持。"}, True,
    ),
    "scoring:month_upload": ("scorer", {"pk": "month"}, _upload, True),
    "scoring:month_xlsx": ("scorer", {"pk": "month"}, {}, False),
    "bulletin:attach_scores": ("editor", {"pk": "issue"}, lambda w: {"month": w.obj["frozen"].pk}, True),
    "scoring:department_year": ("scorer", {"pk": "department", "year": 2024}, {}, False),
    "scoring:inspection_list": (
        "scorer", {}, {"date": "2024-03-05", "inspector": "赵六", "topics": "着装情况"}, True,
    ),
    "scoring:inspection_detail": (
        "scorer", {"pk": "round"},
        lambda w: {**_formset("form", [{"id": w.obj["finding"].pk, "topic": "着装情况",
                                        "finding": "已整改。"}], initial=1),
                   "version": w.obj["round"].version},
        True,
    ),
    "scoring:finding_decide": ("scorer", {"pk": "finding"}, {"decision": "dismiss"}, True),
    "bulletin:issue_pdf_retry": ("editor", {"pk": "issue"}, {}, True),
    # 信息报送考核 (the objects of tests/adoption_world.add_adoption)
    "adoption:index": ("editor", {}, {"month": "2024-05"}, True),
    "adoption:publish": ("editor", {"pk": "adoption_open"}, {}, True),
    "adoption:joint": ("editor", {"pk": "open_item"}, {"departments": []}, True),
    "adoption:instruction_add": (
        "editor", {"pk": "open_item"},
        {"level": "provincial", "leader": "张三副省长", "date": "2023-12-23", "text": "很好。"}, True,
    ),
    "adoption:instruction_delete": ("editor", {"pk": "instruction"}, {}, True),
    "adoption:proposal_decide": ("scorer", {"pk": "proposal"}, {"decision": "dismiss"}, True),
    "adoption:rules": (
        "editor", {},
        {"effective_from": "2025-01", "item_points": "4", "lead_points": "3",
         "special_points": "5", "department_bonus": "5", "provincial_bonus": "10",
         "missed_penalty": "0"},
        True,
    ),
    "adoption:attach": (
        "editor", {"pk": "issue"}, lambda w: {"month": w.obj["adoption_published"].pk}, True,
    ),
}  # fmt: skip

# Patterns that answer a POST with 405 whatever the data: nothing to protect.
GET_ONLY = {
    "bulletin:issue_pdf", "bulletin:issue_docx", "health", "favicon", "scoring:month_template",
    "scoring:month_ledger_xlsx",
    "adoption:month", "adoption:pdf", "adoption:xlsx", "adoption:period", "adoption:department",
    "adoption:item",
}  # fmt: skip


def _request(w, name: str):
    role, args, data, changes = TABLE[name]
    route = next(r for r in project_routes() if r.name == name)
    values = {k: (v if isinstance(v, int) else w.obj[v].pk) for k, v in args.items()}
    data = data(w) if callable(data) else dict(data)
    return role, fill(route.route, values), data, changes


@pytest.mark.parametrize("name", sorted(TABLE))
def test_post_without_csrf_token_is_refused_and_changes_nothing(db, settings, tmp_path, name):
    settings.MEDIA_ROOT = tmp_path
    w = build_world()
    if name.startswith("adoption:"):
        add_adoption(w)
    role, url, data, changes = _request(w, name)
    attacker = client_for(w, role, enforce_csrf_checks=True)
    before = db_state()
    response = attacker.post(url, data)
    assert response.status_code == 403
    assert db_state() == before

    # Control: the same user and data with a token are not refused. The control's own
    # login writes a session, so the state is taken again once it is signed in.
    data = _request(w, name)[2]  # an uploaded file is read once
    control = client_for(w, role, enforce_csrf_checks=False)
    before = db_state()
    response = control.post(url, data)
    assert response.status_code not in (403, 404, 405, 500), response.status_code
    if changes:
        assert db_state() != before, f"{name}: the control POST changed nothing"


def test_a_token_from_the_form_lets_the_same_post_through(db):
    """The enforcing client is not simply refusing everything."""
    w = build_world()
    client = client_for(w, "clerk", enforce_csrf_checks=True)
    client.get(fill("issues/sections/<int:pk>/submit/", {"pk": w.obj["section"].pk}))
    token = client.cookies["csrftoken"].value
    url = fill("issues/items/<int:pk>/submit/", {"pk": w.obj["own"].pk})
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    w.obj["own"].refresh_from_db()
    assert w.obj["own"].status == "submitted"


def test_every_pattern_that_accepts_post_is_in_the_csrf_table(db):
    """A new view that takes POST must be added to TABLE (or shown to refuse POST)."""
    w = build_world()
    admin = client_for(w, "admin", enforce_csrf_checks=False)
    untested = []
    for route in project_routes():
        values = {name: 2024 if name == "year" else 999999 for _, name in route.converters}
        status = admin.post(fill(route.route, values)).status_code
        if status == 405:
            assert route.name in GET_ONLY or route.name not in TABLE, route.name
            continue
        if route.name not in TABLE:
            untested.append(route.name)
    assert untested == []
    assert set(TABLE) | GET_ONLY == {r.name for r in project_routes()}


@pytest.mark.parametrize("name", sorted(GET_ONLY))
def test_get_only_patterns_refuse_post(db, name):
    w = build_world()
    route = next(r for r in project_routes() if r.name == name)
    url = fill(route.route, {"pk": w.obj["issue"].pk, "year": 2024})
    assert client_for(w, "editor", enforce_csrf_checks=False).post(url).status_code == 405
