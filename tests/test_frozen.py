"""Every way in × frozen things.

For an ISSUED issue and a FROZEN score month (tests/frozen_world.py, reached through the
real workflow services), every write path of the project is tried with data that would
succeed on a thing that is not frozen:

1. every URL pattern that accepts POST, as the superuser and as the role that owns the
   action, with each converter filled by the frozen objects' ids;
2. the Django admin: change, delete, add into the frozen issue or month, bulk delete, and
   moving a row that is not frozen into a frozen issue, section or round;
3. `import_bulletin --replace` of the same issue, and of a bulletin whose score table is
   the frozen month;
4. the month table upload;
5. every management command of the project's apps.

Each case takes a snapshot of the frozen rows (and the stored PDF's bytes) before and
after and requires them to be equal. The snapshot finds the rows by what makes them part
of the frozen things (the issue's sections, the month's entries, the rounds dated in the
month: InspectionRound.refusal holds those on record), so a row added to them counts. The world is built once for the module and
committed; each case runs in a transaction that is rolled back.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import shutil
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command, get_commands
from django.forms.models import modelform_factory
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone, translation

from bulletin import services
from departments.models import Department
from tests.attack_world import fill, import_draft, import_upload, project_routes, xlsx
from tests.frozen_world import (
    ENTRY_KEYS,
    FINDING_KEYS,
    FROZEN_MONTH,
    NOTICE_KEYS,
    NUMBER,
    SECTION_KEYS,
    SERIES_TITLE,
    SUBMISSION_KEYS,
    VISIT_KEYS,
    YEAR,
    build_frozen_world,
    differences,
    refreshed,
    snapshot,
)

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SEED = Path(settings.DEMO_SEEDS_DIR) / "2023-38.txt"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The frozen world, committed once for the module and wiped after it."""
    media = tmp_path_factory.mktemp("frozen-media")
    with override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHERS):
        with django_db_blocker.unblock():
            w = build_frozen_world()
        try:
            yield w
        finally:
            with django_db_blocker.unblock():
                call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def frozen(db, world):
    """The world inside the case's transaction."""
    return world


def assert_unchanged(w, before: dict) -> None:
    after = snapshot(w)
    if after != before:
        pytest.fail("the frozen things changed:\n" + differences(before, after), pytrace=False)


def login(w, persona: str) -> Client:
    client = Client(raise_request_exception=False)
    if persona != "anonymous":
        client.force_login(w.users[persona])
    return client


def _messages(response) -> list[tuple[int, str]]:
    return [(m.level, str(m)) for m in get_messages(response.wsgi_request)]


# --- 1. every URL that accepts POST -------------------------------------------------------

FUTURE = (timezone.localdate() + datetime.timedelta(days=30)).strftime("%Y-%m-%dT10:00")


def _formset(prefix: str, rows: list[dict], initial: int) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": "" if v is None else v for k, v in row.items()})
    return data


def upload_table() -> bytes:
    """A month table that would be recorded for a month still open (scoring/excel.py)."""
    return xlsx(
        [
            ["排名", "部门窗口", "基础分分值", "减分分值", "加分分值", "实得分值"],
            [1, "水利厅", 100, 0, 3, 103],
            [2, "交通运输厅", 100, -2, 1, 99],
        ]
    )


def issue_form(w, issue):
    return {
        "version": issue.version,
        "period_start": issue.period_start.isoformat(),
        "period_end": issue.period_end.isoformat(),
        "column_title": "政务服务工作",
        "recipient_group": issue.recipient_group_id or "",
        "report_to": issue.report_to,
        "send_to": issue.send_to,
        "distribute_to": issue.distribute_to,
        "print_count": issue.print_count or "",
    }


def section_form(w, section):
    fields = {
        "title": section.title + "（改）",
        "level": section.level,
        "kind": section.kind,
        "prose_style": section.prose_style,
        "version": section.version,
    }
    return {f"s{section.pk}-{k}": v for k, v in fields.items()}


def section_records(w, section):
    """The records form of the section's kind: figures, the inspection round, or none."""
    if section.kind == "statistics":
        rows = [
            {"id": s.pk, "label": s.label, "unit": s.unit, "value": s.value + 1}
            for s in section.issue.statistics.order_by("pk")
        ]
        rows.append({"label": "办结", "unit": "件", "value": 300})
        return {**_formset("form", rows, initial=len(rows) - 1), "version": section.version}
    if section.kind == "inspection":
        return {"round": ""}  # a new round for the issue's period
    return {"version": section.version}


def findings_form(w, round_):
    rows = [
        {"id": f.pk, "topic": f.topic, "finding": f.finding + "已整改。",
         "department": f.department_id, "proposed_points": f.proposed_points}
        for f in round_.items.order_by("position")
    ]  # fmt: skip
    rows.append({"topic": "纪律秩序", "finding": "交通运输厅窗口1人脱岗。",
                 "department": w.obj["department"].pk, "proposed_points": "-1"})  # fmt: skip
    return {**_formset("form", rows, initial=len(rows) - 1), "version": round_.version}


def item_text(w, item):
    return {"headline": item.headline + "（改）", "body": item.body, "version": item.version}


def visit_form(w, visit):
    return {
        "date": visit.date.isoformat(), "leader_name": visit.leader_name,
        "leader_title": visit.leader_title, "activity": visit.activity + "接待办事群众。",
        "version": visit.version,
    }  # fmt: skip


@dataclass(frozen=True)
class Way:
    """How to reach a route: its converters' objects, who posts, and what."""

    who: tuple[str, ...]
    bodies: dict  # variant -> callable(w, target) -> POST data
    targets: tuple[str, ...] = ()  # world keys for <pk>; empty: a route without one
    extra: tuple[tuple[str, object], ...] = ()  # other converters, e.g. the year


def way(who, body=None, targets=(), **bodies) -> Way:
    if body is not None:
        bodies = {"": body}
    bodies = {k: (v if callable(v) else (lambda w, t, v=v: dict(v))) for k, v in bodies.items()}
    return Way(tuple(who), bodies, tuple(targets))


ISSUE = ("issue",)
EDITOR, APPROVER, SCORER = ("admin", "editor"), ("admin", "approver"), ("admin", "scorer")
# "clerk*" is the clerk of the target's own department.
CLERK = ("admin", "clerk*")

ROUTES: dict[str, Way] = {
    "/": way(("admin", "clerk"), {}),
    "login": way(("anonymous", "admin"), {"username": "clerk", "password": "pw"}),
    "logout": way(("admin", "clerk"), {}),
    # the issue
    "bulletin:issue_list": way(EDITOR, {}),
    "bulletin:issue_create": way(
        EDITOR,
        lambda w, t: {
            "series": w.obj["series"].pk,
            "period_start": "2023-09-25",
            "period_end": "2023-09-28",
            "column_title": "",
        },
    ),
    "bulletin:issue_detail": way(EDITOR, {}, ISSUE),
    # the web import: the preview saves nothing; importing the issued issue again, or a
    # bulletin whose score table is the frozen month, is refused (section 3)
    "bulletin:import_upload": way(EDITOR, lambda w, t: import_upload(_seed_text())),
    "bulletin:import_save": way(
        EDITOR,
        same_issue=lambda w, t: import_draft(_seed_text(ONE_WORD)),
        frozen_month=lambda w, t: import_draft(_seed_text(OTHER_NUMBER)),
    ),
    "bulletin:issue_pdf_retry": way(EDITOR, {}, ISSUE),
    "bulletin:review_queue": way(EDITOR, {}, ISSUE),
    "bulletin:issue_start_editing": way(EDITOR, {}, ISSUE),
    "bulletin:issue_send_to_review": way(EDITOR, {"comment": "请审。"}, ISSUE),
    "bulletin:issue_recall": way(EDITOR, {}, ISSUE),
    "bulletin:issue_approve": way(APPROVER, {"comment": "同意。"}, ISSUE),
    "bulletin:issue_return": way(APPROVER, {"comment": "请改。"}, ISSUE),
    "bulletin:issue_issue": way(EDITOR, {}, ISSUE),
    "bulletin:issue_edit": way(EDITOR, issue_form, ISSUE),
    "bulletin:board": way(EDITOR, {}, ISSUE),
    "bulletin:review_bulk": way(
        EDITOR,
        targets=ISSUE,
        accept=lambda w, t: {
            "items": [w.obj[k].pk for k in SUBMISSION_KEYS],
            "bulk": "accept",
            "confirmed": "1",
        },
        **{
            "return": lambda w, t: {
                "items": [w.obj[k].pk for k in SUBMISSION_KEYS],
                "bulk": "return",
                "reason": "请补充数字。",
                "confirmed": "1",
            }
        },
    ),
    "bulletin:assemble": way(EDITOR, {}, ISSUE),
    "bulletin:section_add": way(
        EDITOR,
        {
            "new-title": "新栏目",
            "new-level": "1",
            "new-kind": "free",
            "new-prose_style": "paragraphs",
        },
        ISSUE,
    ),
    "bulletin:attach_scores": way(EDITOR, lambda w, t: {"month": w.obj["month"].pk}, ISSUE),
    # its sections, one of every kind
    "bulletin:section_remind": way(EDITOR, {}, SECTION_KEYS),
    "bulletin:section_edit": way(EDITOR, section_form, SECTION_KEYS),
    "bulletin:section_delete": way(EDITOR, {}, SECTION_KEYS),
    "bulletin:section_move": way(EDITOR, targets=SECTION_KEYS, up={"to": "up"}, first={"to": "0"}),
    "bulletin:section_text": way(
        EDITOR, lambda w, t: {"body": "新的文字。", "version": t.version}, SECTION_KEYS
    ),
    "bulletin:section_generate": way(
        EDITOR, lambda w, t: {"overwrite": "1", "version": t.version}, SECTION_KEYS
    ),
    "bulletin:section_records": way(EDITOR, section_records, SECTION_KEYS),
    "bulletin:section_call": way(EDITOR, {"deadline": FUTURE}, SECTION_KEYS),
    "bulletin:submission_new": way(
        ("admin", "clerk", "other_clerk"),
        {"headline": "新的一条。", "body": "正文。", "action": "submit"},
        SECTION_KEYS,
    ),
    # its items
    "bulletin:my_department": way(("admin", "clerk"), {}),
    "bulletin:submission_detail": way(CLERK, {}, SUBMISSION_KEYS),
    "bulletin:submission_edit": way(
        ("admin", "clerk*", "editor"),
        lambda w, t: {**item_text(w, t), "action": "submit"},
        SUBMISSION_KEYS,
    ),
    "bulletin:submission_submit": way(CLERK, {}, SUBMISSION_KEYS),
    "bulletin:submission_withdraw": way(CLERK, {}, SUBMISSION_KEYS),
    "bulletin:submission_accept": way(EDITOR, item_text, SUBMISSION_KEYS),
    "bulletin:submission_return": way(EDITOR, {"reason": "请补充数字。"}, SUBMISSION_KEYS),
    "bulletin:submission_not_use": way(EDITOR, {}, SUBMISSION_KEYS),
    "bulletin:submission_move": way(
        EDITOR, targets=SUBMISSION_KEYS, up={"to": "up"}, first={"to": "0"}
    ),
    # its leader visits and notices
    "bulletin:visit_new": way(
        ("admin", "clerk"),
        {
            "date": "2023-09-26",
            "leader_name": "李四",
            "leader_title": "副厅长",
            "activity": "到窗口调研值守。",
        },
    ),
    "bulletin:visit_edit": way(CLERK, visit_form, VISIT_KEYS),
    "bulletin:notice_list": way(("admin", "clerk"), {}),
    "bulletin:notice_open": way(CLERK, {}, NOTICE_KEYS),
    "bulletin:notice_read": way(CLERK, {}, NOTICE_KEYS),
    "bulletin:notice_read_all": way(("admin", "clerk"), {}),
    "bulletin:notice_email": way(("admin", "clerk"), {"email_notices": "1"}),
    # the month
    "scoring:month_list": way(SCORER, {"month": "2023-08"}),
    "scoring:month_detail": way(SCORER, {}, ("month",)),
    "scoring:entry_add": way(
        SCORER,
        lambda w, t: {
            "department": w.obj["department"].pk,
            "date": "2023-08-15",
            "points": "-1",
            "reason": "脱岗。",
        },
        ("month",),
    ),
    "scoring:entry_delete": way(SCORER, {}, ENTRY_KEYS),
    "scoring:entry_edit": way(
        SCORER,
        lambda w, t: {
            "department": w.obj["department"].pk,
            "date": "2023-08-15",
            "points": "-1",
            "reason": "改过。",
        },
        ENTRY_KEYS,
    ),
    # a correction goes into a later month, never into the frozen one
    "scoring:entry_correct": way(
        SCORER,
        lambda w, t: {
            "month": w.obj["month"].pk,
            "date": "2023-08-15",
            "points": "1",
            "reason": "更正。",
        },
        ENTRY_KEYS,
    ),
    "scoring:month_caps": way(SCORER, {"total_cap": "120", "bonus_cap": "5"}, ("month",)),
    "scoring:month_delete": way(SCORER, {}, ("month",)),
    "scoring:month_publish": way(SCORER, {"deadline": FUTURE}, ("month",)),
    "scoring:month_freeze": way(SCORER, targets=("month",), asked={}, confirmed={"confirm": "1"}),
    "scoring:objection_file": way(
        ("admin", "other_clerk"),
        lambda w, t: {"text": "加分漏记。", "entry": w.obj["entry_b"].pk},
        ("month",),
    ),
    "scoring:objection_answer": way(
        SCORER,
        targets=("objection",),
        uphold={"upheld": "1", "answer": "改判。"},
        reject={"upheld": "0", "answer": "维持。"},
    ),
    "scoring:notice_open": way(CLERK, {}, ("score_notice",)),
    "scoring:notice_read": way(CLERK, {}, ("score_notice",)),
    "scoring:month_upload": way(
        SCORER, lambda w, t: {"file": SimpleUploadedFile("8月.xlsx", upload_table())}, ("month",)
    ),
    "scoring:month_xlsx": way(SCORER, {}, ("month",)),
    "scoring:inspection_list": way(
        SCORER, {"date": "2023-08-28", "inspector": "赵六", "topics": "着装情况\n纪律秩序"}
    ),
    "scoring:inspection_detail": way(SCORER, findings_form, ("round",)),
    "scoring:finding_decide": way(
        SCORER,
        targets=FINDING_KEYS,
        confirm={"decision": "confirm"},
        dismiss={"decision": "dismiss"},
    ),
}
ROUTES["scoring:department_year"] = Way(
    SCORER, {"": lambda w, t: {}}, ("department",), (("year", FROZEN_MONTH.year),)
)

# 信息报送考核: the published month of tests/frozen_world._published_reporting.
REPORT_RULES = {
    "item_points": "9", "lead_points": "3", "special_points": "5", "department_bonus": "5",
    "provincial_bonus": "10", "missed_penalty": "0",
}  # fmt: skip
ROUTES.update(
    {
        "adoption:index": way(EDITOR, {"month": "2023-08"}),
        "adoption:publish": way(EDITOR, {}, ("reporting_month",)),
        "adoption:joint": way(
            EDITOR,
            targets=("reporting_item",),
            none={"departments": []},
            other=lambda w, t: {"departments": [w.obj["other_department"].pk]},
        ),
        "adoption:instruction_add": way(
            EDITOR,
            {"level": "department", "leader": "李四厅长", "date": "2023-08-25", "text": "很好。"},
            ("reporting_item",),
        ),
        "adoption:instruction_delete": way(EDITOR, {}, ("reporting_instruction",)),
        "adoption:proposal_decide": way(
            SCORER,
            targets=("reporting_proposal",),
            confirm={"decision": "confirm"},
            dismiss={"decision": "dismiss"},
        ),
        # a version from the published month, and one over the version it counted with
        "adoption:rules": way(
            EDITOR,
            into={**REPORT_RULES, "effective_from": "2023-08"},
            over={**REPORT_RULES, "effective_from": "2023-01"},
        ),
        "adoption:attach": way(EDITOR, lambda w, t: {"month": w.obj["reporting_month"].pk}, ISSUE),
    }
)

# Patterns that answer every POST with 405 (require_GET / require_safe).
GET_ONLY = {
    "bulletin:issue_pdf", "bulletin:issue_docx", "health", "favicon", "scoring:month_template",
    "scoring:month_ledger_xlsx",
    "adoption:month", "adoption:pdf", "adoption:xlsx", "adoption:period", "adoption:department",
    "adoption:item",
}  # fmt: skip


def _persona(w, persona: str, target) -> str:
    if persona != "clerk*":
        return persona
    department = getattr(target, "department_id", None)
    return "other_clerk" if department == w.obj["other_department"].pk else "clerk"


def _route_cases():
    for name, spec in ROUTES.items():
        for target in spec.targets or (None,):
            for variant in spec.bodies:
                for persona in spec.who:
                    label = "|".join(p for p in (name, target, variant, persona) if p)
                    yield pytest.param(name, target, variant, persona, id=label)


def _url(w, name: str, target: str | None) -> str:
    route = next(r for r in project_routes() if r.name == name)
    values = dict(ROUTES[name].extra)
    if target is not None:
        values["pk"] = w.obj[target].pk
    return fill(route.route, values)


@pytest.mark.parametrize(("name", "target", "variant", "persona"), list(_route_cases()))
def test_post_route_leaves_frozen_things_unchanged(frozen, name, target, variant, persona):
    w = frozen
    obj = refreshed(w, target) if target else None
    persona = _persona(w, persona, obj)
    client = login(w, persona)
    data = ROUTES[name].bodies[variant](w, obj)
    before = snapshot(w)
    response = client.post(_url(w, name, target), data)
    assert_unchanged(w, before)
    assert response.status_code < 500, f"{name} as {persona}: {response.status_code}"
    if target is not None:
        # Nothing claims to have been done to a frozen thing either.
        done = [text for level, text in _messages(response) if level == message_levels.SUCCESS]
        assert not done, done


def test_every_route_that_accepts_post_is_in_the_table(frozen):
    """A new URL that takes POST must get a case above (or be shown to refuse POST)."""
    client = login(frozen, "admin")
    accepts_post = set()
    for route in project_routes():
        values = {name: 2023 if name == "year" else 999999 for _, name in route.converters}
        if client.post(fill(route.route, values)).status_code != 405:
            accepts_post.add(route.name)
    assert accepts_post == set(ROUTES)
    assert accepts_post | GET_ONLY == {r.name for r in project_routes()}


# --- 2. the Django admin ------------------------------------------------------------------

# The frozen objects of every registered model of the project's apps, with a field to
# change. `None` for the models the frozen rows refer to (REFERENCED): deleting one of
# those would reach into the frozen rows (PROTECT, SET_NULL); changing one would not (a
# department's name or a group's lines are not copied into any frozen row). The series'
# title and issuing body are frozen (the issued masthead prints them), its defaults for
# the next issue are not: its change form shows those two read-only.
ADMIN_OBJECTS: dict[str, tuple[tuple[str, ...], tuple[str, str] | None]] = {
    # The hall of the frozen series, month and departments (its name is not copied into
    # a frozen row: the printed table's title is the section's own).
    "departments.hall": (("hall",), None),
    "departments.department": (("department",), None),
    "departments.user": (("clerk_user",), None),
    "bulletin.recipientgroup": (("group",), None),
    "bulletin.series": (("series",), ("title", "窗口工作月报")),
    "bulletin.issue": (ISSUE, ("column_title", "政务服务工作")),
    "bulletin.section": (SECTION_KEYS, ("title", "改名")),
    "bulletin.submission": (SUBMISSION_KEYS, ("headline", "改过。")),
    "bulletin.leadervisit": (VISIT_KEYS, ("activity", "改过。")),
    "bulletin.statistic": (("statistic_0", "statistic_1"), ("value", "999")),
    "bulletin.sectionversion": (("section_version",), ("body", "改过。")),
    "bulletin.submissionversion": (
        ("submission_version_a", "submission_version_b"),
        ("body", "改过。"),
    ),
    "bulletin.submissiontransition": (("submission_transition",), ("comment", "改过。")),
    "bulletin.issuetransition": (("issue_transition",), ("comment", "改过。")),
    "scoring.scoremonth": (("month",), ("total_cap", "120")),
    "scoring.scoreentry": (ENTRY_KEYS, ("reason", "改过。")),
    "scoring.windowscore": (("score_a", "score_b"), ("bonus", "9")),
    "scoring.objection": (("objection",), ("answer", "改判。")),
    "scoring.inspectionround": (("round",), ("inspector", "赵六")),
    "scoring.inspectionitem": (FINDING_KEYS, ("finding", "已整改。")),
    "scoring.scoremonthtransition": (("month_transition",), ("comment", "改过。")),
    "scoring.objectiontransition": (("objection_transition",), ("comment", "改过。")),
    "scoring.findingtransition": (("finding_transition",), ("comment", "改过。")),
    # the published month of information reporting, what it counted and was counted with
    "bulletin.adoptionrules": (("reporting_rules",), ("item_points", "9")),
    "bulletin.adoptionmonth": (("reporting_month",), ("summary", "改过。")),
    "bulletin.adoptionline": (("reporting_line",), ("points", "99")),
    "bulletin.instruction": (("reporting_instruction",), ("text", "改过。")),
    "bulletin.jointcredit": (("reporting_joint",), ("department", "1")),
    "bulletin.adoptionmonthtransition": (("reporting_transition",), ("comment", "改过。")),
}
# Registered models with no frozen rows: a notice records who was told and who opened the
# PDF (it changes when they do), a notice of the assessment who was told and who read it;
# opening balances belong to a series' years, not an issue, and so does its inspection
# checklist (a round copies its points when it starts). A PdfRender row records how a
# rendering went, not what the issue says.
NOT_FROZEN = {
    "bulletin.inspectionpoint",
    "bulletin.notice",
    "scoring.scorenotice",
    "bulletin.statisticopening",
    "departments.loginfailure",
    "bulletin.pdfrender",
    # a published month's proposed window deductions are decided afterwards (scoring's
    # ledger, frozen or not, holds what was confirmed)
    "bulletin.adoptionproposal",
    "bulletin.proposaltransition",
}
REFERENCED = {label for label, (_, change) in ADMIN_OBJECTS.items() if change is None}


def _admin_add_data(w) -> dict[str, dict]:
    """For models with an add form: a row that would land inside the frozen issue/month."""
    a, issue, month = w.obj["department"].pk, w.obj["issue"].pk, w.obj["month"].pk
    return {
        "bulletin.section": {"issue": issue, "position": 99, "level": 1, "title": "新栏目",
                             "kind": "free", "item_style": "arabic", "prose_style": "paragraphs",
                             "body": "新的文字。"},
        "bulletin.statistic": {"issue": issue, "position": 9, "label": "办结", "unit": "件",
                               "value": 300},
        "bulletin.leadervisit": {"department": a, "issue": issue, "date": "2023-09-27",
                                 "leader_name": "李四", "leader_title": "副厅长",
                                 "activity": "调研。", "version": 1},
        "scoring.scoreentry": {"month": month, "department": a, "date": "2023-08-20",
                               "points": "-1", "reason": "脱岗。"},
        "scoring.inspectionround": {"date": "2023-08-28", "inspector": "赵六"},
        "bulletin.adoptionrules": {"hall": w.obj["hall"].pk, "effective_from": "2023-08-01",
                                   **REPORT_RULES},
        "scoring.inspectionitem": {"round": w.obj["round"].pk, "position": 9,
                                   "topic": "纪律秩序", "finding": "交通运输厅窗口1人脱岗。",
                                   "department": a, "proposed_points": "-1"},
    }  # fmt: skip


ADD_MODELS = (
    "bulletin.adoptionrules",
    "bulletin.section",
    "bulletin.statistic",
    "bulletin.leadervisit",
    "scoring.scoreentry",
    "scoring.inspectionround",
    "scoring.inspectionitem",
)


# Rows that are not frozen, moved into a frozen container through their change form:
# model -> (the row's world key, the field, the frozen container's value, other fields).
MOVE_IN = {
    "bulletin.section": ("open_section", "issue", "issue", {"position": "99"}),
    "bulletin.statistic": ("open_statistic", "issue", "issue", {}),
    "bulletin.leadervisit": ("open_visit", "issue", "issue", {}),
    "bulletin.submission": ("open_item", "section", "items_section", {}),
    "scoring.inspectionitem": ("open_finding", "round", "round", {}),
    "scoring.inspectionround": ("open_round", "date", FROZEN_MONTH.replace(day=28), {}),
}


def _admin_cases():
    for label, (keys, change) in ADMIN_OBJECTS.items():
        for key in keys:
            actions = ("change", "delete", "bulk_delete") if change else ("delete", "bulk_delete")
            for action in actions:
                yield pytest.param(label, key, action, id=f"{label}|{key}|{action}")
    for label in ADD_MODELS:
        yield pytest.param(label, None, "add", id=f"{label}|add")
    for label, (key, *_) in MOVE_IN.items():
        yield pytest.param(label, key, "move_in", id=f"{label}|{key}|move_in")


def _value(field: forms.Field, value):
    value = field.prepare_value(value)
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return [str(getattr(v, "pk", v)) for v in value]
    return str(getattr(value, "pk", value))


def form_data(form: forms.BaseForm) -> dict:
    """The POST data of an unbound form as a browser would send it, from its initial values."""
    data = {}
    for name, field in form.fields.items():
        key, value = form.add_prefix(name), form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[key] = "on"
        elif isinstance(field, forms.SplitDateTimeField):
            local = timezone.localtime(value) if value else None
            data[f"{key}_0"] = local.date().isoformat() if local else ""
            data[f"{key}_1"] = local.strftime("%H:%M:%S") if local else ""
        elif isinstance(field, forms.FileField):
            continue
        else:
            data[key] = _value(field, value)
    return data


def _editable_names(model) -> list[str]:
    return [
        f.name
        for f in model._meta.get_fields()
        if getattr(f, "editable", False)
        and not f.auto_created
        and f.concrete
        and not isinstance(f, type(model._meta.pk))
        and f.get_internal_type() != "FileField"
    ]


def admin_post_data(response, model, obj) -> dict:
    """The change (or add) page's form and inline formsets as initially filled in."""
    form = response.context["adminform"].form
    data = form_data(form)
    if obj is not None and not form.fields:
        # A view-only page has no form fields: post what an editable form would hold.
        data = form_data(modelform_factory(model, fields=_editable_names(model))(instance=obj))
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_data(formset.management_form))
        for inline_form in formset.forms:
            data.update(form_data(inline_form))
    return data


def _admin_url(model, view: str, obj=None) -> str:
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    return {"changelist": base, "add": base + "add/"}.get(view) or f"{base}{obj.pk}/{view}/"


@pytest.mark.parametrize(("label", "key", "action"), list(_admin_cases()))
def test_admin_leaves_frozen_things_unchanged(frozen, label, key, action):
    w = frozen
    model = next(m for m in admin.site._registry if m._meta.label_lower == label)
    model_admin = admin.site._registry[model]
    client = login(w, "admin")
    obj = model.objects.get(pk=w.obj[key].pk) if key else None
    if action in ("change", "move_in"):
        page = client.get(_admin_url(model, "change", obj))
        assert page.status_code == 200
        data = admin_post_data(page, model, obj)
        if action == "change":
            name, new = ADMIN_OBJECTS[label][1]
            data[name] = new
        else:
            _, name, container, others = MOVE_IN[label]
            container = w.obj[container].pk if isinstance(container, str) else container
            data.update({name: str(container), **others})
        url = _admin_url(model, "change", obj)
    elif action == "delete":
        data, url = {"post": "yes"}, _admin_url(model, "delete", obj)
    elif action == "bulk_delete":
        data = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [obj.pk], "post": "yes"}
        url = _admin_url(model, "changelist")
    else:
        page = client.get(_admin_url(model, "add"))
        data = admin_post_data(page, model, None) if page.status_code == 200 else {}
        data.update({k: str(v) for k, v in _admin_add_data(w)[label].items()})
        url = _admin_url(model, "add")
    before = snapshot(w)
    response = client.post(url, data)
    assert_unchanged(w, before)
    assert response.status_code in (200, 302, 403), response.status_code
    if label in REFERENCED or label == "bulletin.series":
        return  # refused or not, what counts is that no frozen row changed
    if action in ("change", "delete"):
        assert response.status_code == 403, response.status_code
    elif action in ("add", "move_in"):
        refused = response.status_code == 403 or response.context["adminform"].form.errors
        assert refused, response.status_code
    else:
        request = RequestFactory().get("/")
        request.user = w.users["admin"]
        assert "delete_selected" not in model_admin.get_actions(request)


def test_every_registered_model_of_the_project_is_covered(frozen):
    registered = {
        m._meta.label_lower
        for m in admin.site._registry
        if m._meta.app_label in {"departments", "bulletin", "scoring"}
    }
    assert registered == set(ADMIN_OBJECTS) | NOT_FROZEN
    addable = set()
    request = RequestFactory().get("/")
    request.user = frozen.users["admin"]
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if (
            label in ADMIN_OBJECTS
            and ADMIN_OBJECTS[label][1]
            and model_admin.has_add_permission(request)
        ):
            addable.add(label)
    # A new series holds no issue: its add form reaches nothing frozen.
    assert addable == {*ADD_MODELS, "bulletin.series"}


# --- 3. importing a bulletin over the frozen things ---------------------------------------

SEED_NUMBER_LINE = f"{YEAR} 年第 {NUMBER} 期（总第 458 期）"


def _seed_text(*replacements: tuple[str, str]) -> str:
    text = SEED.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def _bulletin(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    text = SEED.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "bulletin.txt"
    path.write_text(text, encoding="utf-8")
    return path


ONE_WORD = ("综窗改革攻坚行动", "综窗改革攻坚战")
OTHER_NUMBER = (SEED_NUMBER_LINE, f"{YEAR} 年第 45 期（总第 465 期）")
IMPORTS = {
    # the same issue (year, number, series) with one word changed
    "same-issue-replace": ((ONE_WORD,), True, "is issued and cannot be replaced"),
    "same-issue": ((ONE_WORD,), False, "already exists"),
    # another issue whose score table is the frozen month
    "frozen-month-other-number-replace": ((OTHER_NUMBER,), True, "are frozen"),
    "frozen-month-other-number": ((OTHER_NUMBER,), False, "are frozen"),
}


@pytest.mark.parametrize("case", list(IMPORTS))
def test_import_over_frozen_things_is_refused(frozen, tmp_path, case):
    replacements, replace, reason = IMPORTS[case]
    path = _bulletin(tmp_path, *replacements)
    before = snapshot(frozen)
    stderr = io.StringIO()
    args = ["import_bulletin", *(["--replace"] if replace else []), str(path)]
    # The command speaks the UI's language; its English msgids are matched here.
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="not imported; nothing of them was saved"),
    ):
        call_command(*args, stdout=io.StringIO(), stderr=stderr)
    assert reason in stderr.getvalue(), stderr.getvalue()
    assert_unchanged(frozen, before)


@pytest.mark.parametrize(
    ("replacement", "reason"),
    [(ONE_WORD, "already exists"), (OTHER_NUMBER, "are frozen")],
    ids=["same-issue", "frozen-month-other-number"],
)
def test_web_import_over_frozen_things_is_refused_with_its_reason(frozen, replacement, reason):
    """The editors' import (bulletin/views/imports.py) has no way to replace an issue: the
    issued one is refused, so is a table of the frozen month; the preview says why."""
    client = login(frozen, "editor")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    before = snapshot(frozen)
    response = client.post("/issues/import/save/", import_draft(_seed_text(replacement)))
    assert_unchanged(frozen, before)
    assert response.status_code == 200
    assert reason in response.content.decode()


def test_import_replacing_an_open_issue_keeps_the_frozen_round(frozen, tmp_path):
    """An issue still being edited may report the frozen month's round (the records page
    links any round); replacing that issue by an import must not take the round with it."""
    w = frozen
    services.issue_link_round(
        issue=refreshed(w, "open_issue"), round_=refreshed(w, "round"), by=w.users["editor"]
    )
    path = _bulletin(
        tmp_path,
        (SEED_NUMBER_LINE, f"{YEAR} 年第 39 期（总第 459 期）"),
        ("2023年8月", "2023年7月"),  # a table of a month that is not frozen
    )
    before = snapshot(w)
    # Refusing the import is one way to keep the round.
    with contextlib.suppress(CommandError):
        call_command("import_bulletin", "--replace", str(path), stdout=io.StringIO())
    assert_unchanged(w, before)


# --- 4. the month table upload ------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin", "scorer"])
def test_month_upload_to_the_frozen_month_is_refused(frozen, persona):
    w = frozen
    client = login(w, persona)
    url = fill("scoring/<int:pk>/upload/", {"pk": w.obj["month"].pk})
    before = snapshot(w)
    response = client.post(url, {"file": SimpleUploadedFile("8月.xlsx", upload_table())})
    assert_unchanged(w, before)
    assert response.status_code == 302
    messages = _messages(response)
    assert [level for level, _ in messages] == [message_levels.ERROR], messages
    assert "2023年8月" in messages[0][1], messages


# --- 5. management commands ---------------------------------------------------------------

PROJECT_APPS = {"bulletin", "scoring", "departments", "demo", "ops"}
# import_bulletin has its own cases above; restore its own test below.
COMMANDS = {
    "render_issue",
    "verify_pdfs",
    "build_fonts",
    "load_demo",
    "load_demo --if-empty",
    "generate_archive --years 1",
    "generate_archive --years 4",
    "backup",
    # every temporary file of the media counts as stale: the PDFs and the cache stay
    "cleanup_tmp --older-than-minutes 0",
    # the task worker once over what is queued (a render of the issued issue among it)
    "worker --batch --no-startup-delay --no-reload",
    # the published month's table printed, and written as .xlsx and as its stored PDF
    "adoption_report --year 2023 --month 8",
    "adoption_report --year 2023 --month 8 -o",
}


def test_every_project_command_is_covered():
    project = {name for name, app in get_commands().items() if app in PROJECT_APPS}
    covered = {case.split()[0] for case in COMMANDS} | {"import_bulletin", "restore"}
    assert project == covered


@pytest.mark.parametrize("case", sorted(COMMANDS))
def test_command_leaves_frozen_things_unchanged(frozen, tmp_path, case):
    w = frozen
    out, err = io.StringIO(), io.StringIO()
    before = snapshot(w)
    if case == "render_issue":
        output = tmp_path / "issue.pdf"
        call_command(
            "render_issue", SERIES_TITLE, str(YEAR), str(NUMBER), "-o", str(output), stdout=out
        )
        assert output.read_bytes() == before["pdf_bytes"]
    elif case == "verify_pdfs":
        call_command("verify_pdfs", stdout=out, stderr=err)
        assert "2 stored file(s) verified" in out.getvalue()  # the PDF and the Word file
    elif case == "build_fonts":
        # A full build rewrites the committed faces from Debian's font packages (about
        # 80 s): its check of the shipped files runs here.
        call_command("build_fonts", "--check", stdout=out)
    elif case == "generate_archive --years 4":
        # The years reach back to the frozen issue's: refused without --replace.
        with pytest.raises(CommandError, match="already holds"):
            call_command("generate_archive", "--years", "4", stdout=out)
    elif case.startswith("worker"):
        from ops.management.commands import worker

        # The worker closes a connection that is inside a transaction, as Django does
        # between requests; this test's world lives in one (rolled back afterwards).
        with (
            override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}),
            mock.patch.object(worker, "close_old_connections", lambda: None),
        ):
            call_command(*case.split(), stdout=out, stderr=err)
        assert "print pipeline ready" in out.getvalue()
    elif case.startswith("adoption_report") and case.endswith("-o"):
        report = tmp_path / "report.pdf"
        call_command(*case.split(), str(report), stdout=out)
        assert report.read_bytes() == before["reporting_pdf"]
        call_command(*case.split(), str(tmp_path / "report.xlsx"), stdout=out)
    elif case == "backup":
        archive = tmp_path / "backup.tar.gz"
        call_command("backup", "-o", str(archive), stdout=out)
        assert archive.is_file()
    else:
        call_command(*case.split(), stdout=out, stderr=err)
    assert_unchanged(w, before)


def test_restore_of_a_backup_brings_the_frozen_things_back_identical(
    world, django_db_blocker, tmp_path
):
    """restore replaces the database and the media files: run against a backup of this
    very database (outside a test transaction: a restore needs committed data and a
    connection it can replace), the frozen things come back byte for byte."""
    with django_db_blocker.unblock():
        before = snapshot(world)
        archive = tmp_path / "backup.tar.gz"
        call_command("backup", "-o", str(archive), stdout=io.StringIO())
        # A row written after the backup: gone after the restore, which shows it ran.
        marker = Department.objects.create(name="备份之后新增的部门")
        out = io.StringIO()
        call_command("restore", str(archive), "--force", stdout=out, stderr=io.StringIO())
        assert "2 issued file(s) (PDF and Word) verified" in out.getvalue()
        assert_unchanged(world, before)
        assert not Department.objects.filter(pk=marker.pk).exists()
        stored = Path(settings.MEDIA_ROOT) / world.obj["pdf_name"]
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == world.obj["pdf_sha256"]
        # the media files it replaced were moved aside, not lost
        aside = list(Path(settings.MEDIA_ROOT).glob(".before-restore-*"))
        assert aside
        for path in aside:
            shutil.rmtree(path)
