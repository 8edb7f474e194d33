"""A small world for the attack tests: two departments, every role, one object of each
kind in the state its actions need, and helpers to walk the project's URLconf.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from bulletin import services
from bulletin.models import (
    Issue,
    LeaderVisit,
    Notice,
    Section,
)
from departments.models import Department
from scoring.models import (
    InspectionItem,
    InspectionRound,
    Objection,
    ScoreEntry,
    ScoreMonth,
    ScoreNotice,
)
from tests.conftest import make_user
from tests.factories import make_issue, make_section, make_series

# The admin is Django's own, CSRF-protected by Django and out of reach of everyone but
# superusers (test_attacks_auth checks that); its patterns are left out of the walk.
EXCLUDED_PREFIXES = ("admin/",)


@dataclass
class Route:
    route: str  # the whole pattern, e.g. "issues/<int:pk>/approve/"
    name: str  # "bulletin:issue_approve", or the route for an unnamed pattern

    @property
    def converters(self) -> list[str]:
        import re

        return re.findall(r"<(?:(\w+):)?(\w+)>", self.route)


def project_routes() -> list[Route]:
    """Every URL pattern of the project outside the admin, with its full route."""
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(EXCLUDED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                walk(pattern.url_patterns, route, f"{namespace}{ns}:" if ns else namespace)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}{pattern.name}" if pattern.name else route or "/"
                found.append(Route(route, name))

    walk(get_resolver().url_patterns, "", "")
    return found


# A bulletin of a series of its own, for the import pages (bulletin/views/imports.py).
IMPORT_TEXT = (
    "矩阵测试简报\n2024年第1期\n某市政务服务中心\n2024年5月6日\n一、工作概况\n本周运行平稳。\n"
)


def import_upload(text: str = IMPORT_TEXT) -> dict:
    """The upload's POST: the file, read into the preview (nothing saved)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("bulletin.txt", text.encode("utf-8"))}


def import_draft(text: str = IMPORT_TEXT) -> dict:
    """The preview's POST: the text as the preview signed it."""
    from bulletin.forms import ImportDraftForm
    from bulletin.importing import Source

    return {"draft": ImportDraftForm.sign(Source("bulletin.txt", text, False))}


def fill(route: str, values: dict[str, object]) -> str:
    """The route with its <converter:name> parts replaced: /issues/7/approve/."""
    import re

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


def db_state() -> dict[str, list[dict]]:
    """Every row of every project table (and the sessions): equal means nothing changed."""
    models = [
        *apps.get_app_config("bulletin").get_models(),
        *apps.get_app_config("departments").get_models(),
        *apps.get_app_config("scoring").get_models(),
        Session,
    ]
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in models}


def xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class World:
    users: dict = field(default_factory=dict)
    obj: dict = field(default_factory=dict)


def build_world() -> World:
    w = World()
    a = Department.objects.create(name="交通运输厅", display_order=10)
    b = Department.objects.create(name="水利厅", display_order=20)
    w.obj.update(department=a, other_department=b)
    w.users = {
        "clerk": make_user("clerk", "staff", a),
        "other_clerk": make_user("other_clerk", "staff", b),
        "editor": make_user("editor", "editor"),
        "approver": make_user("approver", "approver"),
        "scorer": make_user("scorer", "scorer"),
        "admin": make_user("admin", "editor", is_superuser=True, is_staff=True),
    }
    u = w.users
    series = make_series()
    today = timezone.localdate()
    issue = make_issue(
        series, year=2024, number=3, total=3, status=Issue.Status.COLLECTING,
        period_start=today - datetime.timedelta(days=6), period_end=today,
    )  # fmt: skip
    in_review = make_issue(series, year=2024, number=2, total=2, status=Issue.Status.REVIEW)
    approved = make_issue(series, year=2024, number=1, total=1, status=Issue.Status.APPROVED)
    deadline = timezone.now() + datetime.timedelta(days=1)
    section = make_section(issue, position=1, call_deadline=deadline)
    free = make_section(issue, position=2, title="工作要求", kind=Section.Kind.FREE)
    visits_section = make_section(
        issue, position=3, title="厅（局）长进大厅", kind=Section.Kind.LEADER_VISITS
    )
    stats_section = make_section(issue, position=4, title="办件情况", kind=Section.Kind.STATISTICS)
    review_section = make_section(in_review, position=1, call_deadline=deadline)

    def item(department, author, headline, **kw):
        return services.submission_create(
            section=section, department=department, author=author, headline=headline,
            body="正文。", **kw,
        )  # fmt: skip

    own = item(a, u["clerk"], "本部门草稿。")
    other = item(b, u["other_clerk"], "他部门草稿。")
    sent = item(a, u["clerk"], "本部门已报送。", submit=True)
    other_sent = item(b, u["other_clerk"], "他部门已报送。", submit=True)
    accepted = []
    for n in range(2):
        done = item(a, u["clerk"], f"已采用{n}。", submit=True)
        accepted.append(services.submission_accept(submission=done, by=u["editor"]))
    visit = LeaderVisit.objects.create(
        department=a, date=today, leader_name="张三", leader_title="副厅长", activity="调研。"
    )
    other_visit = LeaderVisit.objects.create(
        department=b, date=today, leader_name="李四", leader_title="副厅长", activity="值守。"
    )
    notice = Notice.objects.create(
        user=u["clerk"], kind=Notice.Kind.REMINDER, issue=issue, message="请报送。"
    )
    other_notice = Notice.objects.create(
        user=u["other_clerk"], kind=Notice.Kind.REMINDER, issue=issue, message="请报送。"
    )
    month = ScoreMonth.objects.create(month=datetime.date(2024, 3, 1))
    later = timezone.now() + datetime.timedelta(days=5)
    published = ScoreMonth.objects.create(
        month=datetime.date(2024, 2, 1), status=ScoreMonth.Status.PUBLISHED,
        objection_deadline=later,
    )  # fmt: skip
    disputed = ScoreMonth.objects.create(
        month=datetime.date(2023, 12, 1), status=ScoreMonth.Status.PUBLISHED,
        objection_deadline=later,
    )  # fmt: skip
    frozen = ScoreMonth.objects.create(
        month=datetime.date(2024, 1, 1), status=ScoreMonth.Status.FROZEN
    )
    empty = ScoreMonth.objects.create(month=datetime.date(2023, 11, 1))  # opened by mistake

    def entry(m, department, points="-1"):
        return ScoreEntry.objects.create(
            month=m, department=department, date=m.month, points=Decimal(points),
            reason="迟到。", recorded_by=u["scorer"],
        )  # fmt: skip

    own_entry, other_entry = entry(month, a), entry(month, b)
    published_entry, other_published_entry = entry(published, a), entry(published, b)
    frozen_entry = entry(frozen, a)

    def score_notice(user):
        return ScoreNotice.objects.create(
            user=user, kind=ScoreNotice.Kind.PUBLISHED, month=published, message="已公示。"
        )

    score_notice_a, score_notice_b = score_notice(u["clerk"]), score_notice(u["other_clerk"])
    objection = Objection.objects.create(
        month=disputed, department=b, text="有误。", filed_by=u["other_clerk"]
    )
    round_ = InspectionRound.objects.create(date=today, inspector="王五")
    Issue.objects.filter(pk=issue.pk).update(inspection_round=round_)
    finding = InspectionItem.objects.create(
        round=round_, topic="着装情况", finding="未着工装。", department=b,
        proposed_points=Decimal("-1"), proposal=InspectionItem.Proposal.PROPOSED,
    )  # fmt: skip
    w.obj.update(
        series=series, issue=issue, in_review=in_review, approved=approved, section=section,
        free=free, visits_section=visits_section, stats_section=stats_section,
        review_section=review_section, own=own, other=other, sent=sent, other_sent=other_sent,
        accepted=accepted[1], visit=visit, other_visit=other_visit, notice=notice,
        other_notice=other_notice, month=month, published=published, disputed=disputed,
        frozen=frozen, own_entry=own_entry, other_entry=other_entry,
        published_entry=published_entry, other_published_entry=other_published_entry,
        frozen_entry=frozen_entry, empty=empty, score_notice=score_notice_a,
        other_score_notice=score_notice_b, objection=objection, round=round_, finding=finding,
    )  # fmt: skip
    return w


def client_for(world: World, role: str, **options) -> Client:
    """A test client logged in as the world's `role` ("anonymous": nobody)."""
    client = Client(**options)
    if role != "anonymous":
        client.force_login(world.users[role])
    return client
