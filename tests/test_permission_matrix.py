"""The permission matrix: every URL pattern of the project, the admin included, for every
persona, with the status the access rules give.

Personas: anonymous, clerk (staff of department A), other_clerk (staff of department B),
editor, approver, scorer and admin (a superuser with is_staff, of no department).

EXPECTED holds one row per URL name and object variant (an issue collecting or issued,
an item of the clerk's department or of the other one, ...): the statuses a GET gets,
and for views that take a POST (the @require_POST actions and the forms) the statuses
a POST with a minimal valid body gets. The statuses were worked out from the rules
(docs in bulletin/access.py, scoring/access.py, departments/access.py and the
TRANSITIONS tables), not recorded from the code:

- login is required everywhere but /login/, /logout/, /health/ and /favicon.ico; anonymous visitors
  are sent to /login/?next=<the URL> ("L" below);
- outsiders get 404, who may see an object but not take the step gets 403; a step
  refused only by the object's state is a flash message and a redirect ("302"), or the
  page again with the text typed for it (a return's reason, the queue's edits: "409");
- a page that edits an object answers a GET with 403 once the object's state forbids
  the edit, but a form POSTed from a page opened before that is checked for the role
  only: the service refuses it under the row lock and the page comes back with the
  message and the typed text (200), or an action gets a flash and a redirect (302) --
  what was typed is never lost to a bare 403, and nothing changes;
- editors, approvers and superusers see every issue, everyone else only issued ones;
  a department's items are its own staff's, centre staff see every item but drafts;
- notices are their addressee's (each user marks their own read and sets their own
  e-mail switch), visits their department's; my_department, visit_new
  and submission_new are for department staff only (403 for everyone else);
- every signed-in user sees the months (a department only its own lines until one is
  published); inspections are the scorers' and editors' work.

"ok" is a POST that is allowed and does its work (the database changes); any other
answer to a POST must leave the database as it was.

The admin is walked from admin.site's registry: outsiders (anonymous visitors and
signed-in users without is_staff) are sent to the admin's login; the superuser sees
every changelist, history and change page, the add and delete pages as each model
admin allows them (lib/admin.py, bulletin/admin.py, scoring/admin.py).

One world is built per module and every test runs in a transaction rolled back after
it, so each test starts from the same objects.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from bulletin.adoption import services as adoption_services
from bulletin.models import (
    InspectionPoint,
    Issue,
    IssueTransition,
    LeaderVisit,
    PdfRender,
    RecipientGroup,
    SectionVersion,
    Statistic,
    StatisticOpening,
    Submission,
    SubmissionTransition,
    SubmissionVersion,
)
from departments.models import Department, Hall, LoginFailure
from scoring.models import (
    FindingTransition,
    InspectionItem,
    InspectionRound,
    Objection,
    ObjectionTransition,
    ScoreEntry,
    ScoreMonth,
    ScoreMonthTransition,
    WindowScore,
)
from tests.adoption_world import RULES as ADOPTION_RULES
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
from tests.conftest import make_user
from tests.factories import make_issue, make_section, make_series

PERSONAS = ("anonymous", "clerk", "other_clerk", "editor", "approver", "scorer", "admin")
OUTSIDERS = PERSONAS[:-1]  # no is_staff: the admin is not theirs
FUTURE = (datetime.date.today() + datetime.timedelta(days=30)).strftime("%Y-%m-%dT10:00")
MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- the world --------------------------------------------------------------------------


def _extend(w) -> None:
    """What build_world() lacks: an issued issue with a section and a printed item, a
    visit an issue in review reports, an entry of the frozen month, and one row of every
    model the admin shows."""
    o, u = w.obj, w.users
    a = o["department"]
    now = timezone.now()
    issued = make_issue(
        o["series"], year=2023, number=50, total=50, status=Issue.Status.ISSUED,
        issue_date=datetime.date(2023, 12, 29),
    )  # fmt: skip
    issued_section = make_section(
        issued, position=1, call_deadline=now - datetime.timedelta(days=30)
    )
    issued_item = Submission.objects.create(
        section=issued_section, department=a, author=u["clerk"], headline="已印发。",
        body="正文。", sent_headline="已印发。", sent_body="正文。",
        status=Submission.Status.ACCEPTED, submitted_at=now - datetime.timedelta(days=31),
    )  # fmt: skip
    # an issue being edited with nothing waiting (it may go to review), and a call of the
    # collecting issue nobody has answered yet (a reminder reaches both departments)
    editing = make_issue(o["series"], year=2023, number=49, total=49, status=Issue.Status.EDITING)
    quiet_section = make_section(
        o["issue"], position=5, title="创新举措", call_deadline=now + datetime.timedelta(days=1)
    )
    # a hall inspection of the frozen month: on record
    frozen_round = InspectionRound.objects.create(date=datetime.date(2024, 1, 15), inspector="王五")
    frozen_finding = InspectionItem.objects.create(
        round=frozen_round, topic="着装情况", finding="未着工装。", department=a,
        proposed_points=Decimal("-1"), proposal=InspectionItem.Proposal.PROPOSED,
    )  # fmt: skip
    reported_visit = LeaderVisit.objects.create(
        department=a, issue=o["in_review"], date=timezone.localdate(), leader_name="赵七",
        leader_title="厅长", activity="检查。",
    )  # fmt: skip
    o.update(_second_hall(now))
    o.update(
        hall=a.hall,
        issued=issued,
        frozen_round=frozen_round,
        frozen_finding=frozen_finding,
        issued_statistic=Statistic.objects.create(issue=issued, label="受理", value=9),
        editing=editing,
        quiet_section=quiet_section,
        issued_section=issued_section,
        issued_item=issued_item,
        reported_visit=reported_visit,
        clerk_user=u["clerk"],
        statistic=Statistic.objects.create(issue=o["issue"], label="咨询", unit="件", value=5),
        section_version=SectionVersion.objects.create(
            section=o["free"], number=1, body="旧文字。", saved_by=u["editor"]
        ),
        submission_version=SubmissionVersion.objects.create(
            submission=o["sent"],
            number=99,
            headline="旧标题。",
            body="旧正文。",
            saved_by=u["clerk"],
        ),
        issue_transition=IssueTransition.objects.create(
            issue=issued, actor=u["editor"], from_status="approved", to_status="issued"
        ),
        submission_transition=SubmissionTransition.objects.create(
            submission=issued_item,
            actor=u["editor"],
            from_status="submitted",
            to_status="accepted",
        ),
        recipient_group=RecipientGroup.objects.create(name="常规分发", print_count=30),
        statistic_opening=StatisticOpening.objects.create(
            series=o["series"], year=2024, label="受理", value=100
        ),
        inspection_point=InspectionPoint.objects.create(
            series=o["series"], position=1, topic="按时到岗情况"
        ),
        window_score=WindowScore.objects.create(
            department=a, month=o["frozen"].month, deduction=Decimal("-1")
        ),
        month_transition=ScoreMonthTransition.objects.create(
            month=o["frozen"], actor=u["scorer"], from_status="published", to_status="frozen"
        ),
        objection_transition=ObjectionTransition.objects.create(
            objection=o["objection"], actor=u["other_clerk"], from_status="", to_status="open"
        ),
        finding_transition=FindingTransition.objects.create(
            finding=o["finding"], actor=u["scorer"], from_status="", to_status="proposed"
        ),
        pdf_render=PdfRender.objects.create(
            issue=o["issue"], key="0" * 64, status="failed", reason="error"
        ),
        login_failure=LoginFailure.objects.create(
            username="clerk",
            address="203.0.113.66",
            time=timezone.now(),
            username_seq=1,
            address_seq=1,
        ),
    )
    add_adoption(w)
    o["future_rules"] = adoption_services.rules_save(
        hall=a.hall_id, by=None, effective_from=datetime.date(2025, 1, 1), values=ADOPTION_RULES
    )


def _second_hall(now) -> dict:
    """A city's hall beside the world's: its objects are 404 to the world's people (they
    are all of the world's hall), the superuser's as any."""
    city = Hall.objects.create(name="绵阳市政务服务大厅", short_name="绵阳市", display_order=2000)
    department = Department.objects.create(hall=city, name="绵阳市水利局", display_order=10)
    clerk = make_user("city_clerk", "staff", department)
    series = make_series(
        "窗口工作周报", hall=city, issuing_body="绵阳市政务服务和公共资源交易服务中心"
    )
    month = ScoreMonth.objects.create(hall=city, month=datetime.date(2024, 3, 1))
    published = ScoreMonth.objects.create(
        hall=city, month=datetime.date(2024, 2, 1), status=ScoreMonth.Status.PUBLISHED,
        objection_deadline=now + datetime.timedelta(days=5),
    )  # fmt: skip
    return {
        "city_department": department,
        "city_issue": make_issue(series, year=2024, number=3, total=3,
                                 status=Issue.Status.COLLECTING),
        "city_issued": make_issue(series, year=2024, number=2, total=2,
                                  status=Issue.Status.ISSUED),
        "city_month": month,
        "city_entry": ScoreEntry.objects.create(
            month=month, department=department, date=month.month, points=Decimal("-1"),
            reason="迟到。",
        ),
        "city_objection": Objection.objects.create(
            month=published, department=department, text="有误。", filed_by=clerk
        ),
        "city_round": InspectionRound.objects.create(
            hall=city, date=timezone.localdate(), inspector="李四"
        ),
    }  # fmt: skip


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """Built once; rolled back when the module is done."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=MD5),
        transaction.atomic(),
    ):
        w = build_world()
        _extend(w)
        yield w
        transaction.set_rollback(True)


@pytest.fixture
def w(shared_world, db, settings, tmp_path, monkeypatch):
    """The world, inside this test's transaction (rolled back after it)."""
    from bulletin.printing import rendering

    settings.MEDIA_ROOT = tmp_path  # an issued issue's PDF is stored on first download
    # The layout itself is not under test here: the renderer's output is stubbed, the cache,
    # the budget and the storage are real.
    monkeypatch.setattr(
        rendering._Renderer, "render_unlocked", lambda self, html: b"%PDF-1.7 matrix"
    )
    return shared_world


# --- the table --------------------------------------------------------------------------

Data = dict | Callable[[object], dict]


@dataclass(frozen=True)
class Row:
    name: str
    obj: str | None  # key in world.obj whose pk fills the URL; None: no converters
    get: str  # one status per persona, in PERSONAS order
    post: str | None = None  # the same for a POST of `data`; None: not posted
    data: Data | None = None

    @property
    def label(self) -> str:
        return f"{self.name}[{self.obj}]" if self.obj else self.name

    def url(self, w) -> str:
        route = ROUTES[self.name]
        values = {}
        for _, name in route.converters:
            values[name] = 2024 if name == "year" else w.obj[self.obj].pk
        return fill(route.route, values)

    def body(self, w) -> dict:
        if self.data is None:
            return {}
        return self.data(w) if callable(self.data) else dict(self.data)


ROUTES = {r.name: r for r in project_routes()}
ALL_405 = " ".join(["405"] * 7)


def action(name: str, obj: str, post: str, data: Data | None = None) -> Row:
    """A @require_POST view: a GET is 405 for everyone (the method is checked first)."""
    return Row(name, obj, ALL_405, post, data)


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


def _section_form(key: str) -> Data:
    def data(w) -> dict:
        section = w.obj[key]
        fields = {"title": "改名", "level": "1", "kind": "free", "prose_style": "paragraphs",
                  "version": section.version}  # fmt: skip
        return {f"s{section.pk}-{k}": v for k, v in fields.items()}

    return data


def _item_text(key: str) -> Data:
    return lambda w: {"headline": "改过。", "body": "正文。", "version": w.obj[key].version}


def _visit(key: str | None) -> Data:
    def data(w) -> dict:
        body = {"date": datetime.date.today().isoformat(), "leader_name": "王五",
                "leader_title": "厅长", "activity": "调研。"}  # fmt: skip
        if key:
            body["version"] = w.obj[key].version
        return body

    return data


def _entry(key: str) -> Data:
    return lambda w: {
        "department": w.obj["department"].pk,
        "date": (w.obj[key].month + datetime.timedelta(days=4)).isoformat(),
        "points": "-1",
        "reason": "脱岗。",
    }


def _entry_change(key: str) -> Data:
    return lambda w: {
        "department": w.obj["department"].pk,
        "date": (w.obj[key].month.month + datetime.timedelta(days=4)).isoformat(),
        "points": "-2",
        "reason": "改过。",
    }


def _correction(w) -> dict:
    """An entry of the open month (March 2024) correcting one of an earlier month."""
    return {"month": w.obj["month"].pk, "date": "2024-03-05", "points": "1", "reason": "更正。"}


def _upload(w) -> dict:
    table = xlsx(
        [["排名", "部门窗口", "基础分分值", "减分分值", "加分分值", "实得分值"],
         [1, "水利厅", 100, 0, 0, 100], [2, "交通运输厅", 100, -1, 0, 99]]
    )  # fmt: skip
    return {"file": SimpleUploadedFile("m.xlsx", table)}


def _bulk(key: str) -> Data:
    return lambda w: {"items": [w.obj[key].pk], "bulk": "accept", "confirmed": "1"}


def _findings(round_key: str, finding_key: str) -> Data:
    def data(w) -> dict:
        finding = w.obj[finding_key]
        body = _formset(
            "form",
            [{"id": finding.pk, "topic": "着装情况", "finding": "已整改。",
              "department": finding.department_id, "proposed_points": "-1"}],
            initial=1,
        )  # fmt: skip
        body["version"] = w.obj[round_key].version
        return body

    return data


ISSUE_DATA = lambda w: {  # noqa: E731
    "series": w.obj["series"].pk, "period_start": "2024-05-06", "period_end": "2024-05-10",
}  # fmt: skip
STATISTICS = lambda w: {  # noqa: E731
    **_formset("form", [{"label": "受理", "unit": "件", "value": "5"}]),
    "version": w.obj["stats_section"].version,
}
NEW_SECTION = {"new-title": "新栏目", "new-level": "1", "new-kind": "free",
               "new-prose_style": "paragraphs"}  # fmt: skip
NEW_ROUND = {"date": "2024-03-05", "inspector": "赵六", "topics": "着装情况\n纪律秩序"}
FROZEN_MONTH = lambda w: {"month": w.obj["frozen"].pk}  # noqa: E731
ADOPTION_MONTH = lambda w: {"month": w.obj["adoption_published"].pk}  # noqa: E731
ADOPTION_RULES_FORM = {
    "effective_from": "2025-01", "item_points": "4", "lead_points": "3", "special_points": "5",
    "department_bonus": "5", "provincial_bonus": "10", "missed_penalty": "0", "note": "新办法",
}  # fmt: skip


def _instruction(day: str) -> dict:
    return {"level": "provincial", "leader": "张三副省长", "date": day, "text": "很好。"}


# Tokens: L = 302 to /login/?next=<url>; ok = allowed, 302 and the database changed;
# a number is that status (and, for a POST, the database unchanged).
#       persona:   anon clerk other editor approver scorer admin
# fmt: off
EXPECTED: list[Row] = [
    # --- public, and the root ---
    Row("/", None, "L 302 302 302 302 302 302"),  # login required: not in the public three
    Row("login", None, "200 200 200 200 200 200 200"),
    # Django's LogoutView takes a POST only (since Django 5.0): a GET changes nothing.
    Row("logout", None, ALL_405, "302 ok ok ok ok ok ok"),
    Row("health", None, "200 200 200 200 200 200 200", ALL_405),
    Row("favicon", None, "200 200 200 200 200 200 200", ALL_405),
    # --- issues ---
    Row("bulletin:issue_list", None, "L 200 200 200 200 200 200"),
    Row("bulletin:issue_create", None, "L 403 403 200 403 403 200",
        "L 403 403 ok 403 403 ok", ISSUE_DATA),
    # the import: an upload (or a preview read again) shows the preview and saves nothing;
    # the import saves the issue. Editors only.
    Row("bulletin:import_upload", None, "L 403 403 200 403 403 200",
        "L 403 403 200 403 403 200", lambda w: import_upload()),
    action("bulletin:import_save", None, "L 403 403 ok 403 403 ok", lambda w: import_draft()),
    Row("bulletin:issue_detail", "issue", "L 404 404 200 200 404 200"),
    Row("bulletin:issue_detail", "in_review", "L 404 404 200 200 404 200"),
    Row("bulletin:issue_detail", "approved", "L 404 404 200 200 404 200"),
    Row("bulletin:issue_detail", "issued", "L 200 200 200 200 200 200"),
    Row("bulletin:issue_pdf", "issue", "L 404 404 200 200 404 200", ALL_405),
    Row("bulletin:issue_pdf", "issued", "L 200 200 200 200 200 200", ALL_405),
    # The Word file: read access exactly as the PDF's.
    Row("bulletin:issue_docx", "issue", "L 404 404 200 200 404 200", ALL_405),
    Row("bulletin:issue_docx", "issued", "L 200 200 200 200 200 200", ALL_405),
    Row("bulletin:issue_pdf_retry", "issue", "L 405 405 405 405 405 405",
        "L 404 404 ok 403 404 ok"),
    # An issued issue whose PDF is not stored yet: the retry renders and stores it.
    Row("bulletin:issue_pdf_retry", "issued", "L 405 405 405 405 405 405",
        "L 403 403 ok 403 403 ok"),
    # editor pages: a clerk or scorer does not see an issue before it is issued
    Row("bulletin:review_queue", "issue", "L 404 404 200 403 404 200"),
    Row("bulletin:review_queue", "issued", "L 403 403 200 403 403 200"),
    Row("bulletin:board", "issue", "L 404 404 200 403 404 200"),
    Row("bulletin:board", "issued", "L 403 403 200 403 403 200"),
    Row("bulletin:issue_edit", "issue", "L 404 404 200 403 404 200",
        "L 404 404 ok 403 404 ok",
        lambda w: {"version": w.obj["issue"].version, "column_title": "政务服务工作"}),
    Row("bulletin:issue_edit", "issued", "L 403 403 403 403 403 403",
        "L 403 403 200 403 403 200",
        lambda w: {"version": w.obj["issued"].version, "column_title": "政务服务工作"}),
    # the workflow steps (role_for): the role decides 403, the state a flash and 302
    action("bulletin:issue_start_editing", "issue", "L 404 404 ok 403 404 ok"),
    action("bulletin:issue_start_editing", "issued", "L 403 403 302 403 403 302"),
    action("bulletin:issue_send_to_review", "editing", "L 404 404 ok 403 404 ok",
           {"comment": "请审。"}),
    action("bulletin:issue_send_to_review", "issued", "L 403 403 302 403 403 302",
           {"comment": "请审。"}),
    action("bulletin:issue_recall", "in_review", "L 404 404 ok 403 404 ok"),
    action("bulletin:issue_recall", "issued", "L 403 403 302 403 403 302"),
    action("bulletin:issue_approve", "in_review", "L 404 404 403 ok 404 ok",
           {"comment": "同意。"}),
    action("bulletin:issue_approve", "issued", "L 403 403 403 302 403 302",
           {"comment": "同意。"}),
    action("bulletin:issue_return", "in_review", "L 404 404 403 ok 404 ok",
           {"comment": "请改。"}),
    # refused by its state: the page comes back (409) with the comment the approver typed
    action("bulletin:issue_return", "issued", "L 403 403 403 409 403 409",
           {"comment": "请改。"}),
    action("bulletin:issue_issue", "approved", "L 404 404 ok 403 404 ok"),
    action("bulletin:issue_issue", "issued", "L 403 403 302 403 403 302"),
    action("bulletin:review_bulk", "issue", "L 404 404 ok 403 404 ok", _bulk("sent")),
    action("bulletin:review_bulk", "issued", "L 403 403 200 403 403 200", _bulk("issued_item")),
    action("bulletin:section_remind", "quiet_section", "L 404 404 ok 403 404 ok"),
    action("bulletin:section_remind", "issued_section", "L 403 403 302 403 403 302"),
    # --- notices and visits ---
    Row("bulletin:notice_list", None, "L 200 200 200 200 200 200"),
    action("bulletin:notice_open", "notice", "L ok 404 404 404 404 404"),
    action("bulletin:notice_open", "other_notice", "L 404 ok 404 404 404 404"),
    action("bulletin:notice_read", "notice", "L ok 404 404 404 404 404"),
    action("bulletin:notice_read", "other_notice", "L 404 ok 404 404 404 404"),
    # the world's submitted items told the editors (the superuser is one): nothing unread
    # for the approver and the scorer
    action("bulletin:notice_read_all", None, "L ok ok ok 302 302 ok"),
    # everyone's switch is on: the empty form turns it off
    action("bulletin:notice_email", None, "L ok ok ok ok ok ok"),
    Row("bulletin:visit_new", None, "L 200 200 403 403 403 403",
        "L ok ok 403 403 403 403", _visit(None)),
    Row("bulletin:visit_edit", "visit", "L 200 404 404 404 404 404",
        "L ok 404 404 404 404 404", _visit("visit")),
    Row("bulletin:visit_edit", "other_visit", "L 404 200 404 404 404 404",
        "L 404 ok 404 404 404 404", _visit("other_visit")),
    # reported by an issue in review: on paper, seen by its department, not changed
    Row("bulletin:visit_edit", "reported_visit", "L 403 404 404 404 404 404",
        "L 200 404 404 404 404 404", _visit("reported_visit")),
    # --- assembly: Issue.can("edit") ---
    Row("bulletin:assemble", "issue", "L 404 404 200 403 404 200"),
    Row("bulletin:assemble", "in_review", "L 404 404 403 403 404 403"),
    Row("bulletin:assemble", "issued", "L 403 403 403 403 403 403"),
    action("bulletin:section_add", "issue", "L 404 404 ok 403 404 ok", NEW_SECTION),
    action("bulletin:section_add", "issued", "L 403 403 200 403 403 200", NEW_SECTION),
    action("bulletin:attach_scores", "issue", "L 404 404 ok 403 404 ok", FROZEN_MONTH),
    action("bulletin:attach_scores", "issued", "L 403 403 200 403 403 200", FROZEN_MONTH),
    action("bulletin:section_edit", "free", "L 404 404 ok 403 404 ok", _section_form("free")),
    action("bulletin:section_edit", "issued_section", "L 403 403 200 403 403 200",
           _section_form("issued_section")),
    action("bulletin:section_delete", "free", "L 404 404 ok 403 404 ok"),
    action("bulletin:section_delete", "issued_section", "L 403 403 302 403 403 302"),
    action("bulletin:section_move", "free", "L 404 404 ok 403 404 ok", {"to": "up"}),
    action("bulletin:section_move", "issued_section", "L 403 403 302 403 403 302", {"to": "up"}),
    Row("bulletin:section_text", "free", "L 404 404 200 403 404 200",
        "L 404 404 ok 403 404 ok",
        lambda w: {"body": "新的文字。", "version": w.obj["free"].version}),
    Row("bulletin:section_text", "issued_section", "L 403 403 403 403 403 403",
        "L 403 403 200 403 403 200",
        lambda w: {"body": "新的文字。", "version": w.obj["issued_section"].version}),
    action("bulletin:section_generate", "visits_section", "L 404 404 ok 403 404 ok"),
    action("bulletin:section_generate", "issued_section", "L 403 403 302 403 403 302"),
    Row("bulletin:section_records", "stats_section", "L 404 404 200 403 404 200",
        "L 404 404 ok 403 404 ok", STATISTICS),
    Row("bulletin:section_records", "issued_section", "L 403 403 403 403 403 403",
        "L 403 403 302 403 403 302", STATISTICS),
    action("bulletin:section_call", "free", "L 404 404 ok 403 404 ok", {"deadline": FUTURE}),
    action("bulletin:section_call", "issued_section", "L 403 403 200 403 403 200",
           {"deadline": FUTURE}),
    # Submission.can("reorder"): an accepted item of an issue being edited, editors only
    action("bulletin:submission_move", "accepted", "L 403 404 ok 403 404 ok", {"to": "up"}),
    action("bulletin:submission_move", "issued_item", "L 403 404 302 403 404 302", {"to": "up"}),
    # --- the departments' items ---
    Row("bulletin:my_department", None, "L 200 200 403 403 403 403"),
    Row("bulletin:submission_new", "section", "L 200 200 403 403 403 403",
        "L ok ok 403 403 403 403", {"headline": "新的一条。", "body": "正文。"}),
    # the section of an issue in review: no open call, and the issue is not issued
    Row("bulletin:submission_new", "review_section", "L 404 404 403 403 403 403",
        "L 404 404 403 403 403 403", {"headline": "新的一条。", "body": "正文。"}),
    Row("bulletin:submission_detail", "own", "L 200 404 404 404 404 404"),
    Row("bulletin:submission_detail", "other", "L 404 200 404 404 404 404"),
    Row("bulletin:submission_detail", "sent", "L 200 404 200 200 404 200"),
    Row("bulletin:submission_detail", "other_sent", "L 404 200 200 200 404 200"),
    Row("bulletin:submission_detail", "issued_item", "L 200 404 200 200 404 200"),
    Row("bulletin:submission_edit", "own", "L 200 404 404 404 404 404",
        "L ok 404 404 404 404 404", _item_text("own")),
    Row("bulletin:submission_edit", "other", "L 404 200 404 404 404 404",
        "L 404 ok 404 404 404 404", _item_text("other")),
    # a submitted item: editors change its text in the review queue (a redirect there)
    Row("bulletin:submission_edit", "sent", "L 403 404 302 403 404 302",
        "L 200 404 302 403 404 302", _item_text("sent")),
    Row("bulletin:submission_edit", "accepted", "L 403 404 200 403 404 200",
        "L 200 404 ok 403 404 ok", _item_text("accepted")),
    Row("bulletin:submission_edit", "issued_item", "L 403 404 403 403 404 403",
        "L 200 404 200 403 404 200", _item_text("issued_item")),
    action("bulletin:submission_submit", "own", "L ok 404 404 404 404 404"),
    action("bulletin:submission_submit", "other", "L 404 ok 404 404 404 404"),
    action("bulletin:submission_submit", "sent", "L 302 404 403 403 404 403"),
    action("bulletin:submission_withdraw", "sent", "L ok 404 403 403 404 403"),
    action("bulletin:submission_withdraw", "own", "L 302 404 404 404 404 404"),
    action("bulletin:submission_accept", "sent", "L 403 404 ok 403 404 ok"),
    action("bulletin:submission_accept", "own", "L 403 404 404 404 404 404"),
    # refused by its state: the review queue comes back (409) so edits typed there stay
    action("bulletin:submission_accept", "issued_item", "L 403 404 409 403 404 409"),
    action("bulletin:submission_return", "sent", "L 403 404 ok 403 404 ok",
           {"reason": "请补充数字。"}),
    # refused by its state: the review queue comes back (409) with the reason typed
    action("bulletin:submission_return", "issued_item", "L 403 404 409 403 404 409",
           {"reason": "请补充数字。"}),
    action("bulletin:submission_not_use", "sent", "L 403 404 ok 403 404 ok"),
    action("bulletin:submission_not_use", "issued_item", "L 403 404 302 403 404 302"),
    # --- scoring ---
    Row("scoring:month_list", None, "L 200 200 200 200 200 200",
        "L 403 403 403 403 ok ok", {"month": "2024-05"}),
    Row("scoring:month_detail", "month", "L 200 200 200 200 200 200"),
    Row("scoring:month_detail", "published", "L 200 200 200 200 200 200"),
    Row("scoring:month_detail", "frozen", "L 200 200 200 200 200 200"),
    action("scoring:entry_add", "month", "L 403 403 403 403 ok ok", _entry("month")),
    action("scoring:entry_add", "frozen", "L 403 403 403 403 302 302", _entry("frozen")),
    action("scoring:entry_delete", "own_entry", "L 403 404 403 403 ok ok"),
    action("scoring:entry_delete", "other_entry", "L 404 403 403 403 ok ok"),
    action("scoring:entry_delete", "frozen_entry", "L 403 404 403 403 302 302"),
    # published: the entries stay as the departments saw them
    action("scoring:entry_delete", "published_entry", "L 403 404 403 403 302 302"),
    # ScoreMonth.can("amend"): an entry changes while its month is open
    Row("scoring:entry_edit", "own_entry", "L 403 404 403 403 200 200",
        "L 403 404 403 403 ok ok", _entry_change("own_entry")),
    Row("scoring:entry_edit", "other_entry", "L 404 403 403 403 200 200",
        "L 404 403 403 403 ok ok", _entry_change("other_entry")),
    Row("scoring:entry_edit", "published_entry", "L 403 404 403 403 403 403",
        "L 403 404 403 403 200 200", _entry_change("published_entry")),
    # ScoreMonth.can("correct"): from an entry of a frozen month, into a later one
    Row("scoring:entry_correct", "frozen_entry", "L 403 404 403 403 200 200",
        "L 403 404 403 403 ok ok", _correction),
    # an entry of the open month itself: nothing to correct, and no later month to choose
    Row("scoring:entry_correct", "own_entry", "L 403 404 403 403 403 403",
        "L 403 404 403 403 200 200", _correction),
    action("scoring:month_caps", "month", "L 403 403 403 403 ok ok",
           {"total_cap": "110", "bonus_cap": ""}),
    action("scoring:month_caps", "frozen", "L 403 403 403 403 302 302",
           {"total_cap": "110", "bonus_cap": ""}),
    # ScoreMonth.refuses("delete"): a month without entries only
    action("scoring:month_delete", "empty", "L 403 403 403 403 ok ok"),
    action("scoring:month_delete", "month", "L 403 403 403 403 302 302"),
    action("scoring:month_delete", "frozen", "L 403 403 403 403 302 302"),
    action("scoring:month_publish", "month", "L 403 403 403 403 ok ok", {"deadline": FUTURE}),
    action("scoring:month_publish", "frozen", "L 403 403 403 403 302 302", {"deadline": FUTURE}),
    # before the deadline: confirmed, or the page asking for it (disputed's deadline is
    # ahead too, and an objection waits there)
    action("scoring:month_freeze", "published", "L 403 403 403 403 ok ok", {"confirm": "1"}),
    action("scoring:month_freeze", "disputed", "L 403 403 403 403 200 200"),
    action("scoring:month_freeze", "month", "L 403 403 403 403 302 302"),
    # an objection names its entry: department A's entry, or none at all
    action("scoring:objection_file", "published", "L ok 404 403 403 403 403",
           lambda w: {"entry": w.obj["published_entry"].pk, "text": "加分漏记。"}),
    action("scoring:objection_file", "disputed", "L 302 302 403 403 403 403", {"text": "加分漏记。"}),
    action("scoring:objection_file", "month", "L 302 302 403 403 403 403", {"text": "加分漏记。"}),
    # department B's objection
    action("scoring:objection_answer", "objection", "L 404 403 403 403 ok ok",
           {"upheld": "0", "answer": "维持。"}),
    action("scoring:notice_open", "score_notice", "L ok 404 404 404 404 404"),
    action("scoring:notice_open", "other_score_notice", "L 404 ok 404 404 404 404"),
    action("scoring:notice_read", "score_notice", "L ok 404 404 404 404 404"),
    action("scoring:notice_read", "other_score_notice", "L 404 ok 404 404 404 404"),
    action("scoring:month_upload", "month", "L 403 403 403 403 ok ok", _upload),
    action("scoring:month_upload", "frozen", "L 403 403 403 403 302 302", _upload),
    Row("scoring:month_xlsx", "month", "L 403 403 200 200 200 200"),
    Row("scoring:month_xlsx", "published", "L 200 200 200 200 200 200"),
    # the table to fill in and the ledger go as the month page (a department gets its own
    # entries only); downloads, GET only
    Row("scoring:month_template", "month", "L 200 200 200 200 200 200"),
    Row("scoring:month_template", "frozen", "L 200 200 200 200 200 200"),
    Row("scoring:month_ledger_xlsx", "month", "L 200 200 200 200 200 200"),
    Row("scoring:month_ledger_xlsx", "frozen", "L 200 200 200 200 200 200"),
    Row("scoring:department_year", "department", "L 200 200 200 200 200 200"),
    Row("scoring:department_year", "other_department", "L 200 200 200 200 200 200"),
    Row("scoring:inspection_list", None, "L 403 403 200 403 200 200",
        "L 403 403 ok 403 ok ok", NEW_ROUND),
    Row("scoring:inspection_detail", "round", "L 403 403 200 403 200 200",
        "L 403 403 ok 403 ok ok", _findings("round", "finding")),
    # a round of a frozen month is shown, no longer changed
    Row("scoring:inspection_detail", "frozen_round", "L 403 403 200 403 200 200",
        "L 403 403 200 403 200 200", _findings("frozen_round", "frozen_finding")),
    action("scoring:finding_decide", "finding", "L 403 403 403 403 ok ok",
           {"decision": "dismiss"}),
    action("scoring:finding_decide", "frozen_finding", "L 403 403 403 403 302 302",
           {"decision": "dismiss"}),
    # --- another hall's objects (a city's): everyone above works in the world's hall, so
    # they are not there for them (404; inspections ask for the role first); the
    # superuser sees every hall
    Row("bulletin:issue_detail", "city_issue", "L 404 404 404 404 404 200"),
    Row("bulletin:issue_detail", "city_issued", "L 404 404 404 404 404 200"),
    Row("bulletin:assemble", "city_issue", "L 404 404 404 404 404 200"),
    Row("scoring:month_detail", "city_month", "L 404 404 404 404 404 200"),
    Row("scoring:entry_edit", "city_entry", "L 404 404 404 404 404 200"),
    action("scoring:objection_answer", "city_objection", "L 404 404 404 404 404 ok",
           {"upheld": "0", "answer": "维持。"}),
    Row("scoring:department_year", "city_department", "L 404 404 404 404 404 200"),
    Row("scoring:inspection_detail", "city_round", "L 403 403 404 403 404 200"),
    # --- 信息报送考核 (bulletin/adoption) ---
    # every signed-in user of the hall sees its months (a department its own line until
    # the 通报 is published); editors open them
    Row("adoption:index", None, "L 200 200 200 200 200 200",
        "L 403 403 ok 403 403 ok", {"month": "2024-05"}),
    Row("adoption:month", "adoption_open", "L 200 200 200 200 200 200", ALL_405),
    Row("adoption:month", "adoption_published", "L 200 200 200 200 200 200", ALL_405),
    Row("adoption:month", "city_adoption_month", "L 404 404 404 404 404 200", ALL_405),
    action("adoption:publish", "adoption_open", "L 403 403 ok 403 403 ok"),
    action("adoption:publish", "adoption_published", "L 403 403 302 403 403 302"),
    # the 通报 holds every department's figures: until it is published they do not exist
    # for anyone but editors and scorers
    Row("adoption:pdf", "adoption_open", "L 404 404 200 404 200 200", ALL_405),
    Row("adoption:pdf", "adoption_published", "L 200 200 200 200 200 200", ALL_405),
    Row("adoption:xlsx", "adoption_open", "L 404 404 200 404 200 200", ALL_405),
    Row("adoption:xlsx", "adoption_published", "L 200 200 200 200 200 200", ALL_405),
    Row("adoption:period", None, "L 200 200 200 200 200 200", ALL_405),
    Row("adoption:department", "department", "L 200 200 200 200 200 200", ALL_405),
    Row("adoption:department", "other_department", "L 200 200 200 200 200 200", ALL_405),
    Row("adoption:department", "city_department", "L 404 404 404 404 404 200", ALL_405),
    # an item as the bulletin shows it (a department its own, the centre's staff the sent
    # ones, a scorer the printed ones the figures link to); 批示 and joint departments are
    # the editors'
    Row("adoption:item", "adoption_item", "L 200 404 200 200 200 200", ALL_405),
    action("adoption:joint", "open_item", "L 403 404 ok 403 403 ok", {"departments": []}),
    # the item's month is published: refused in the form, nothing changes
    action("adoption:joint", "adoption_item", "L 403 404 200 403 403 200", {"departments": []}),
    action("adoption:instruction_add", "open_item", "L 403 404 ok 403 403 ok",
           _instruction("2023-12-23")),
    action("adoption:instruction_add", "adoption_item", "L 403 404 200 403 403 200",
           _instruction("2023-11-25")),
    action("adoption:instruction_delete", "instruction", "L 403 404 ok 403 404 ok"),
    action("adoption:instruction_delete", "published_instruction", "L 403 404 302 403 404 302"),
    # the window ledger's proposals: the scorers' to decide, not the departments' to see
    action("adoption:proposal_decide", "proposal", "L 404 404 403 403 ok ok",
           {"decision": "dismiss"}),
    Row("adoption:rules", None, "L 200 200 200 200 200 200",
        "L 403 403 ok 403 403 ok", ADOPTION_RULES_FORM),
    action("adoption:attach", "issue", "L 404 404 ok 403 404 ok", ADOPTION_MONTH),
    action("adoption:attach", "issued", "L 403 403 302 403 403 302", ADOPTION_MONTH),
]
# fmt: on


def _tokens(spec: str) -> dict[str, str]:
    tokens = spec.split()
    assert len(tokens) == len(PERSONAS), spec
    return dict(zip(PERSONAS, tokens, strict=True))


GET_CASES = [
    pytest.param(row, persona, token, id=f"{row.label}-{persona}")
    for row in EXPECTED
    for persona, token in _tokens(row.get).items()
]
POST_CASES = [
    pytest.param(row, persona, token, id=f"{row.label}-{persona}")
    for row in EXPECTED
    if row.post is not None
    for persona, token in _tokens(row.post).items()
]


def _next_of(location: str) -> tuple[str, str]:
    parts = urlsplit(location)
    return parts.path, parse_qs(parts.query).get("next", [""])[0]


def _problem(
    response, token: str, url: str, login: str = "/login/", logs_out: bool = False
) -> str | None:
    """What is wrong with the answer for `token`, or None."""
    got = response.status_code
    location = response.get("Location", "")
    if token in ("L", "AL"):
        if (got, _next_of(location)) != (302, (login, url)):
            return f"expected 302 to {login}?next={url}, got {got} {location}"
        return None
    expected = 302 if token == "ok" else int(token)
    if got != expected:
        return f"expected {expected}, got {got} {location}".rstrip()
    if got == 302 and not logs_out and _next_of(location)[0].endswith("/login/"):
        return f"a signed-in user was sent to log in: {location}"  # never again
    return None


def _assert_answer(response, token: str, url: str, **options) -> None:
    problem = _problem(response, token, url, **options)
    assert problem is None, problem


@pytest.mark.parametrize(("row", "persona", "token"), GET_CASES)
def test_a_get_answers_each_persona_as_the_rules_say(w, row, persona, token):
    client = client_for(w, persona, raise_request_exception=False)
    url = row.url(w)
    _assert_answer(client.get(url), token, url, logs_out=row.name == "logout")


@pytest.mark.parametrize(("row", "persona", "token"), POST_CASES)
def test_a_post_answers_each_persona_as_the_rules_say_and_a_refused_one_changes_nothing(
    w, row, persona, token
):
    client = client_for(w, persona, raise_request_exception=False)
    url = row.url(w)
    before = db_state()
    response = client.post(url, row.body(w))
    problem = _problem(response, token, url, logs_out=row.name == "logout")
    changed = db_state() != before
    # both at once, so that a wrong answer also tells whether data changed
    assert (problem, changed) == (None, token == "ok"), "changed data" if changed else "unchanged"


# --- the table against the URLconf ------------------------------------------------------


def test_the_table_has_a_row_for_every_url_name_of_the_urlconf():
    assert {row.name for row in EXPECTED} == set(ROUTES)


def _restricted_to(view) -> set[str] | None:
    """The methods require_http_methods (require_POST, ...) limits a view to, if any."""
    for cell in getattr(view, "__closure__", None) or ():
        value = cell.cell_contents
        if isinstance(value, list) and value and all(isinstance(m, str) for m in value):
            return set(value)
    view_class = getattr(view, "view_class", None)
    if view_class is not None and "get" not in view_class.http_method_names:
        return {m.upper() for m in view_class.http_method_names} - {"OPTIONS"}
    return None


def test_post_only_views_are_the_rows_whose_get_is_405_and_are_posted():
    """A view limited to POST (@require_POST, or Django's LogoutView) has 405 for every
    GET and a POST row; no other view answers a GET with 405."""
    for row in EXPECTED:
        url = fill(ROUTES[row.name].route, {"pk": 1, "year": 2024})
        post_only = _restricted_to(resolve(url).func) == {"POST"}
        assert post_only == (row.get == ALL_405), row.label
        if post_only:
            assert row.post is not None, row.label


def test_every_route_with_ids_is_exercised_with_real_objects_of_the_world(w):
    with_ids = {name for name, route in ROUTES.items() if route.converters}
    exercised = set()
    for row in EXPECTED:
        route = ROUTES[row.name]
        if not route.converters:
            assert row.obj is None, row.label
            continue
        assert row.obj in w.obj, row.label
        obj = w.obj[row.obj]
        assert type(obj).objects.filter(pk=obj.pk).exists(), row.label
        url = row.url(w)
        match = resolve(url)
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        assert name == row.name, (row.label, url)
        assert match.kwargs["pk"] == obj.pk, (row.label, url)
        exercised.add(row.name)
    assert exercised == with_ids


# --- the admin --------------------------------------------------------------------------

OUR_APPS = ("departments", "bulletin", "scoring")
TRANSITIONS = {
    "bulletin.AdoptionMonthTransition",
    "bulletin.ProposalTransition",
    "bulletin.SubmissionTransition",
    "bulletin.IssueTransition",
    "scoring.ScoreMonthTransition",
    "scoring.ObjectionTransition",
    "scoring.FindingTransition",
}
VERSIONS = {"bulletin.SubmissionVersion", "bulletin.SectionVersion"}
# "no add for Issue, Submission, ScoreMonth, Objection, WindowScore, transitions, versions"
NO_ADD = {
    "bulletin.Issue",
    "bulletin.Submission",
    "scoring.ScoreMonth",
    "scoring.Objection",
    "scoring.WindowScore",
    "scoring.ScoreNotice",
    "departments.LoginFailure",
    "bulletin.PdfRender",
    "bulletin.AdoptionMonth",
    "bulletin.AdoptionLine",
    "bulletin.Instruction",
    "bulletin.JointCredit",
    "bulletin.AdoptionProposal",
    *TRANSITIONS,
    *VERSIONS,
}
# model: [(object in world.obj, whether the superuser may change it, may delete it)]. The
# change page of every object is 200 (of a read-only one, a view page), so is its history.
ADMIN_OBJECTS: dict[str, list[tuple[str, bool, bool]]] = {
    # a hall that departments, series and months belong to: its delete page lists them
    # (they are protected) and deletes nothing
    "departments.Hall": [("hall", True, True)],
    "departments.Department": [("department", True, True)],
    "departments.User": [("clerk_user", True, True)],
    # written by the login throttle only; deleting one ends a wait early
    "departments.LoginFailure": [("login_failure", False, True)],
    # a series with issues is kept (every issue's masthead names it), still edited
    "bulletin.Series": [("series", True, False)],
    # an issue in review, approved or issued is read-only, and so is what belongs to it
    "bulletin.Issue": [("issue", True, True), ("in_review", False, False),
                       ("approved", False, False), ("issued", False, False)],
    "bulletin.Section": [("free", True, True), ("review_section", False, False),
                         ("issued_section", False, False)],
    "bulletin.Submission": [("sent", True, True), ("issued_item", False, False)],
    "bulletin.LeaderVisit": [("visit", True, True), ("reported_visit", False, False)],
    "bulletin.Statistic": [("statistic", True, True), ("issued_statistic", False, False)],
    "bulletin.SubmissionVersion": [("submission_version", False, False)],
    "bulletin.SubmissionTransition": [("submission_transition", False, False)],
    "bulletin.IssueTransition": [("issue_transition", False, False)],
    "bulletin.SectionVersion": [("section_version", False, False)],
    # how a rendering went, written by the print pipeline only
    "bulletin.PdfRender": [("pdf_render", False, False)],
    "bulletin.RecipientGroup": [("recipient_group", True, True)],
    "bulletin.Notice": [("notice", True, True)],
    "bulletin.StatisticOpening": [("statistic_opening", True, True)],
    # a series' inspection checklist: the series' to change, not any issue's
    "bulletin.InspectionPoint": [("inspection_point", True, True)],
    "scoring.WindowScore": [("window_score", False, False)],
    # months are kept (entries and printed tables refer to them), but for an empty one
    # opened by mistake; a frozen one is shown
    "scoring.ScoreMonth": [("month", True, False), ("frozen", False, False),
                           ("empty", True, True)],
    # the ledger is added to and deleted from through its services, never edited; an
    # entry goes while its month is open
    "scoring.ScoreEntry": [("own_entry", False, True), ("published_entry", False, False),
                           ("frozen_entry", False, False)],
    "scoring.ScoreNotice": [("score_notice", False, False)],
    "scoring.Objection": [("objection", False, False)],
    # a round of a frozen month, and its findings, are on record
    "scoring.InspectionRound": [("round", True, True), ("frozen_round", False, False)],
    "scoring.InspectionItem": [("finding", True, True), ("frozen_finding", False, False)],
    "scoring.ScoreMonthTransition": [("month_transition", False, False)],
    "scoring.ObjectionTransition": [("objection_transition", False, False)],
    "scoring.FindingTransition": [("finding_transition", False, False)],
    # 信息报送考核: a rule version a published month was counted with, that month, its
    # lines and the 批示 and joint items it counted are on record; an open month goes,
    # and the 批示 and joint items of one change or go
    "bulletin.AdoptionRules": [("adoption_rules", False, False), ("future_rules", True, True)],
    "bulletin.AdoptionMonth": [("adoption_open", False, True),
                               ("adoption_published", False, False)],
    "bulletin.AdoptionLine": [("adoption_line", False, False)],
    "bulletin.Instruction": [("instruction", True, True), ("published_instruction", False, False)],
    "bulletin.JointCredit": [("open_joint", False, True), ("joint", False, False)],
    # decided on the month's page
    "bulletin.AdoptionProposal": [("proposal", False, False)],
    "bulletin.AdoptionMonthTransition": [("adoption_transition", False, False)],
    "bulletin.ProposalTransition": [("proposal_transition", False, False)],
}  # fmt: skip
MODEL_VIEWS = ("changelist", "add", "change", "delete", "history")


def _registered(apps=None) -> list[str]:
    labels = sorted(model._meta.label for model in admin.site._registry)
    if apps is None:
        return labels
    return [label for label in labels if label.split(".")[0] in apps]


def _info(label: str) -> tuple[str, str]:
    app, model = label.split(".")
    return app, model.lower()


@dataclass(frozen=True)
class AdminCase:
    label: str
    view: str  # changelist, add, change, delete, history, or redirect (<pk>/ → change)
    obj: str | None
    superuser: int  # the superuser's status (outsiders: 302 to the admin login)

    def url(self, w) -> str:
        app, model = _info(self.label)
        if self.view in ("changelist", "add"):
            return reverse(f"admin:{app}_{model}_{self.view}")
        pk = w.obj[self.obj].pk if self.obj else 1
        if self.view == "redirect":
            return reverse(f"admin:{app}_{model}_changelist") + f"{pk}/"
        return reverse(f"admin:{app}_{model}_{self.view}", args=[pk])


def _admin_cases() -> list[AdminCase]:
    cases = []
    for label in _registered(OUR_APPS):
        objects = ADMIN_OBJECTS.get(label, [])
        cases.append(AdminCase(label, "changelist", None, 200))
        cases.append(AdminCase(label, "add", None, 403 if label in NO_ADD else 200))
        for key, _changeable, deletable in objects:
            cases.append(AdminCase(label, "change", key, 200))
            cases.append(AdminCase(label, "history", key, 200))
            cases.append(AdminCase(label, "delete", key, 200 if deletable else 403))
        if objects:
            cases.append(AdminCase(label, "redirect", objects[0][0], 302))
    return cases


ADMIN_CASES = _admin_cases()


def _case_id(case: AdminCase, persona: str) -> str:
    obj = f"[{case.obj}]" if case.obj else ""
    return f"admin:{case.label}:{case.view}{obj}-{persona}"


@pytest.mark.parametrize(
    ("case", "persona"),
    [pytest.param(c, p, id=_case_id(c, p)) for c in ADMIN_CASES for p in PERSONAS],
)
def test_the_admin_answers_each_persona_as_the_model_admin_rules_say(w, case, persona):
    client = client_for(w, persona, raise_request_exception=False)
    url = case.url(w)
    response = client.get(url)
    if persona in OUTSIDERS:
        _assert_answer(response, "L", url, login="/admin/login/")
    else:
        assert response.status_code == case.superuser
        if case.view == "redirect":
            app, model = _info(case.label)
            change = reverse(f"admin:{app}_{model}_change", args=[w.obj[case.obj].pk])
            assert response["Location"] == change


# Every admin page of the other apps' models (auth, tasks): outsiders never reach them.
OTHER_MODEL_CASES = [
    AdminCase(label, view, None, 0)
    for label in _registered()
    if label.split(".")[0] not in OUR_APPS
    for view in (*MODEL_VIEWS, "redirect")
]


@pytest.mark.parametrize(
    ("case", "persona"),
    [pytest.param(c, p, id=_case_id(c, p)) for c in OTHER_MODEL_CASES for p in OUTSIDERS],
)
def test_the_admin_of_the_other_apps_models_sends_outsiders_to_its_login(w, case, persona):
    client = client_for(w, persona, raise_request_exception=False)
    url = case.url(w)
    _assert_answer(client.get(url), "L", url, login="/admin/login/")


@pytest.mark.parametrize(
    "label", [label for label in _registered() if label.split(".")[0] not in OUR_APPS]
)
def test_the_superuser_sees_the_changelists_of_the_other_apps_models(w, label):
    app, model = _info(label)
    client = client_for(w, "admin", raise_request_exception=False)
    assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200


# The admin site's own pages. "AL": 302 to /admin/login/?next=<url>.
#      anon clerk other editor approver scorer admin
ADMIN_SITE: dict[str, tuple[Callable[[object], str], str]] = {
    "admin:index": (lambda w: reverse("admin:index"), "AL AL AL AL AL AL 200"),
    # the login page: shown to anyone not staff (who is told so), staff go to the index
    "admin:login": (lambda w: reverse("admin:login"), "200 200 200 200 200 200 302"),
    # a logout is a POST; a GET sends outsiders to the index (and so to the login)
    "admin:logout": (lambda w: reverse("admin:logout"), "302 302 302 302 302 302 405"),
    "admin:password_change": (
        lambda w: reverse("admin:password_change"), "AL AL AL AL AL AL 200"
    ),
    "admin:password_change_done": (
        lambda w: reverse("admin:password_change_done"), "AL AL AL AL AL AL 200"
    ),
    "admin:jsi18n": (lambda w: reverse("admin:jsi18n"), "AL AL AL AL AL AL 200"),
    # without app_label/model_name/field_name the autocomplete refuses (PermissionDenied)
    "admin:autocomplete": (lambda w: reverse("admin:autocomplete"), "AL AL AL AL AL AL 403"),
    # "view on site" of a department: it has no page on the site
    "admin:view_on_site": (
        lambda w: reverse(
            "admin:view_on_site",
            args=[ContentType.objects.get_for_model(w.obj["department"]).pk, w.obj["department"].pk],
        ),
        "AL AL AL AL AL AL 404",
    ),
    "admin:auth_user_password_change": (
        lambda w: reverse("admin:auth_user_password_change", args=[w.users["clerk"].pk]),
        "AL AL AL AL AL AL 200",
    ),
    # the catch-all at the end of the admin's patterns
    "admin:<catch-all>": (lambda w: "/admin/no-such-page/", "AL AL AL AL AL AL 404"),
}  # fmt: skip
for _app in sorted({label.split(".")[0] for label in _registered()}):
    ADMIN_SITE[f"admin:app_list[{_app}]"] = (
        lambda w, app=_app: reverse("admin:app_list", args=[app]),
        "AL AL AL AL AL AL 200",
    )


@pytest.mark.parametrize(
    ("name", "persona", "token"),
    [
        pytest.param(name, persona, token, id=f"{name}-{persona}")
        for name, (_url, spec) in ADMIN_SITE.items()
        for persona, token in _tokens(spec).items()
    ],
)
def test_the_admin_sites_own_pages_answer_each_persona(w, name, persona, token):
    url = ADMIN_SITE[name][0](w)
    client = client_for(w, persona, raise_request_exception=False)
    response = client.get(url)
    if token == "AL":
        _assert_answer(response, "L", url, login="/admin/login/")
    else:
        assert response.status_code == int(token)


# Refused admin POSTs: outsiders posting anything, the superuser posting an add of a model
# without add, a change of a read-only object or a delete of one that is kept.
def _refused_admin_posts() -> list:
    rights = {(label, key): (change, delete) for label, objects in ADMIN_OBJECTS.items()
              for key, change, delete in objects}  # fmt: skip
    params = []
    for case in ADMIN_CASES:
        if case.view not in ("add", "change", "delete"):
            continue
        if case.view == "add":
            superuser_refused = case.label in NO_ADD
        else:
            change, delete = rights[(case.label, case.obj)]
            superuser_refused = not (change if case.view == "change" else delete)
        for persona in PERSONAS:
            if persona in OUTSIDERS or superuser_refused:
                params.append(pytest.param(case, persona, id=_case_id(case, persona)))
    return params


@pytest.mark.parametrize(("case", "persona"), _refused_admin_posts())
def test_a_refused_admin_post_changes_nothing(w, case, persona):
    client = client_for(w, persona, raise_request_exception=False)
    url = case.url(w)
    before = db_state()
    response = client.post(url, {"post": "yes", "title": "篡改", "name": "篡改"})
    token = "AL" if persona in OUTSIDERS else "403"
    problem = _problem(response, token, url, login="/admin/login/")
    changed = db_state() != before
    assert (problem, changed) == (None, False), "changed data" if changed else "unchanged"


KEPT = [
    pytest.param(label, key, id=f"admin:{label}:changelist[{key}]-admin")
    for label, objects in ADMIN_OBJECTS.items()
    for key, _change, delete in objects
    if not delete
]


@pytest.mark.parametrize(("label", "key"), KEPT)
def test_the_admins_bulk_delete_does_not_delete_what_is_kept(w, label, key):
    """No action of a changelist goes around the delete rules: "delete selected" is not
    offered for an object the delete page refuses, and posting it deletes nothing."""
    app, model = _info(label)
    client = client_for(w, "admin", raise_request_exception=False)
    url = reverse(f"admin:{app}_{model}_changelist")
    before = db_state()
    response = client.post(url, {"action": "delete_selected", "post": "yes", "index": "0",
                                 "_selected_action": [w.obj[key].pk]})  # fmt: skip
    assert response.status_code in (200, 302)
    assert db_state() == before


def test_the_admin_walk_covers_every_registered_model_of_the_project():
    ours = set(_registered(OUR_APPS))
    assert set(ADMIN_OBJECTS) == ours
    assert {case.label for case in ADMIN_CASES} == ours
    assert ours >= NO_ADD
    for label in ours:
        views = {case.view for case in ADMIN_CASES if case.label == label}
        assert views == {*MODEL_VIEWS, "redirect"}, label
    others = {case.label for case in OTHER_MODEL_CASES}
    assert ours | others == set(_registered())


def _admin_patterns() -> list[tuple[str, str | None]]:
    """(route, name) of every pattern under admin/."""
    found = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                found.append((route, pattern.name))

    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "admin":
            walk(pattern.url_patterns, str(pattern.pattern))
    return found


def test_every_admin_url_pattern_is_in_the_walk():
    covered = {name.split("[")[0].removeprefix("admin:") for name in ADMIN_SITE}
    for label in _registered():
        app, model = _info(label)
        covered |= {f"{app}_{model}_{view}" for view in MODEL_VIEWS}
    patterns = _admin_patterns()
    named = {name for _route, name in patterns if name}
    assert named <= covered, sorted(named - covered)
    # unnamed: each model's <pk>/ (the "redirect" view of the walk) and the catch-all
    unnamed = [route for route, name in patterns if not name]
    assert len(unnamed) == len(_registered()) + 1, unnamed
    assert sum(route.endswith("<path:object_id>/") for route in unnamed) == len(_registered())
