"""Races: twenty people saving one form at once, uploads racing each other and a freeze.

Every test drives the real views over HTTP, one django.test.Client per thread. Each
thread logs in and opens the page (reads the form as the browser would, hidden version
and all) before a barrier, so all of them start from the same version: the stale-form
situation. Then they post together. Nothing may be lost silently: every request either
saved (302) or got its form back with a message and its typed text (200), no 500; the
database holds exactly the text of one save that got a 302, and the version counter
moved once per successful save.

They need real row locks, so they run on PostgreSQL only.
"""

from __future__ import annotations

import datetime
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from bulletin import services
from bulletin.models import (
    Issue,
    IssueTransition,
    LeaderVisit,
    Section,
    SectionVersion,
    Statistic,
    Submission,
    SubmissionVersion,
)
from departments.models import Department
from scoring import excel
from scoring import services as scoring
from scoring.models import (
    FindingTransition,
    InspectionItem,
    ScoreMonth,
    WindowScore,
)
from tests.attack_world import xlsx
from tests.conftest import make_user
from tests.factories import make_issue, make_round, make_section, make_series

WORKERS = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency need PostgreSQL; CI runs this on it")


def zh(message: str, **params) -> str:
    """`message` as the Chinese page shows it."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
        return text % params if params else text


def stale_section() -> str:
    what = zh("this section")
    return zh(
        "Someone else saved %(what)s while you were editing it. What you typed is "
        "still in the form: copy it, reload the page and apply it again.",
        what=what,
    )


STALE_ISSUE = (
    "Someone else saved this issue while you were editing it. Your changes are "
    "still in the form: note them, reload the page and apply them again."
)
STALE_ITEM = (
    "Someone else saved this item while you were editing it. Your text is still "
    "in the form: copy it, reload the page and apply it again."
)
STALE_VISIT = (
    "Someone else saved this visit while you were editing it. What you typed is "
    "still in the form: copy it, reload the page and apply it again."
)
STALE_FINDINGS = (
    "Someone else saved these findings while you were editing them. What you "
    "typed is still in the form: copy it, reload the page and apply it again."
)
IN_REVIEW = "Nothing can be changed in an issue in review or later."
DUPLICATE_MEASURE = "Each measure may appear only once."


# --- reading a form off the page, as the browser would post it --------------------------


class _Forms(HTMLParser):
    """Every <form> of a page with the name/value pairs a browser would post for it
    (checked boxes only, the selected option, a textarea's text; no buttons)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str | None, str, dict[str, str]]] = []
        self._fields: dict[str, str] | None = None
        self._textarea: list | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._fields = {}
            self.forms.append((a.get("action"), (a.get("method") or "get").lower(), self._fields))
        elif self._fields is None:
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            name = a.get("name")
            if not name or kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self._fields[name] = a.get("value") or "on"
                return
            self._fields[name] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]
        elif tag == "select":
            self._select = {"name": a.get("name"), "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._textarea = None
            if name and self._fields is not None:
                # The browser drops the newline right after <textarea>.
                self._fields[name] = text[1:] if text.startswith("\n") else text
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            value = select["chosen"] if select["chosen"] is not None else select["first"]
            if select["name"] and value is not None and self._fields is not None:
                self._fields[select["name"]] = value
        elif tag == "form":
            self._fields = None


def form_posting_to(html: str, action: str, page: str) -> dict[str, str] | None:
    """The fields of the page's POST form whose action is `action` (an empty action is
    the page's own URL), or None when the page has no such form."""
    parser = _Forms()
    parser.feed(html)
    for form_action, method, fields in parser.forms:
        if method == "post" and (form_action or page) == action:
            return dict(fields)
    return None


# --- running the workers together -------------------------------------------------------


@dataclass
class Worker:
    prepare: Callable[[], object]  # before the barrier: log in, open the page
    act: Callable[[object], object]  # after it, all at once: post


@dataclass
class Race:
    results: list
    errors: list[str] = field(default_factory=list)  # exceptions in the workers
    crashes: list[str] = field(default_factory=list)  # exceptions in the views (500)


def race(workers: list[Worker]) -> Race:
    barrier = threading.Barrier(len(workers))
    outcome = Race(results=[None] * len(workers))

    def crashed(sender, request=None, **kwargs):
        path = request.path if request is not None else "?"
        outcome.crashes.append(f"{path}: {sys.exc_info()[1]!r}")

    def run(i: int, worker: Worker) -> None:
        try:
            state = worker.prepare()
            barrier.wait(timeout=60)
            outcome.results[i] = worker.act(state)
        except BaseException as exc:  # collected and asserted by the test
            barrier.abort()
            outcome.errors.append(f"worker {i}: {exc!r}")
        finally:
            connections.close_all()

    got_request_exception.connect(crashed, weak=False, dispatch_uid="test_races")
    try:
        threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        got_request_exception.disconnect(dispatch_uid="test_races")
    return outcome


# Workers that arrive one after another (a step racing them comes in the middle) are
# this many seconds apart.
ARRIVALS = 0.01


def after_a_while(seconds: float) -> Callable[[], None]:
    return lambda: time.sleep(seconds)


def logged_in(user) -> Client:
    # A 500 comes back as a response (and is counted), not as an exception in the thread.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


# --- posting an edit form ---------------------------------------------------------------


@dataclass
class Outcome:
    worker: int
    status: int
    typed: dict[str, str]
    refused: bool = False  # 200 and the refusal message on the page
    kept: bool = False  # 200 and the typed values back in the form

    def __str__(self) -> str:
        notes = []
        if self.status == 200:
            notes.append("refused" if self.refused else "NO MESSAGE")
            if not self.kept:
                notes.append("TEXT LOST")
        return " ".join([f"#{self.worker}:{self.status}", *notes])


def form_worker(
    i: int,
    user,
    *,
    page: str,
    action: str,
    typed: dict[str, str],
    refusals: list[str],
    extra: dict[str, str] | None = None,
    before_post: Callable[[], None] | None = None,
) -> Worker:
    """A user who opens `page`, changes the `typed` fields of its form posting to
    `action` and saves; the outcome says whether it saved or was refused with the typed
    text kept."""

    def prepare():
        client = logged_in(user)
        response = client.get(page)
        assert response.status_code == 200, (page, response.status_code)
        data = form_posting_to(response.content.decode(), action, page)
        assert data is not None, f"no form posting to {action} on {page}"
        assert any(name.endswith("version") for name in data), f"no hidden version: {data}"
        missing = set(typed) - set(data)
        assert not missing, f"the form has no fields {missing}"
        return client, data

    def act(state):
        client, data = state
        if before_post is not None:
            before_post()
        response = client.post(action, {**data, **(extra or {}), **typed})
        outcome = Outcome(i, response.status_code, typed)
        if response.status_code == 200:
            html = response.content.decode()
            outcome.refused = any(escape(message) in html for message in refusals)
            shown = form_posting_to(html, action, action) or {}
            outcome.kept = all(shown.get(name) == value for name, value in typed.items())
        return outcome

    return Worker(prepare, act)


def summary(result: Race) -> str:
    outcomes = [o for o in result.results if isinstance(o, Outcome)]
    statuses = Counter(o.status for o in outcomes)
    return (
        f"statuses {dict(sorted(statuses.items()))}; "
        f"outcomes {' '.join(str(o) for o in outcomes)}; "
        f"worker errors {result.errors}; view exceptions {result.crashes[:5]}"
    )


def assert_one_save_won(result: Race, final: dict[str, str], advanced: int) -> None:
    """Exactly one of the same-version saves got through and its text is what is stored;
    the others were refused with a message, their typed text still in the form."""
    report = summary(result)
    assert result.errors == [], report
    assert result.crashes == [], report
    outcomes = result.results
    assert all(o is not None for o in outcomes), report
    assert {o.status for o in outcomes} <= {200, 302}, report
    refused = [o for o in outcomes if o.status == 200]
    assert all(o.refused and o.kept for o in refused), report
    saved = [o for o in outcomes if o.status == 302]
    assert len(saved) == 1, report
    assert final == saved[0].typed, report
    assert advanced == len(saved), report


# --- the world ---------------------------------------------------------------------------


@pytest.fixture
def issue(db):
    """An issue still collecting items (the editors can edit it too)."""
    today = timezone.localdate()
    return make_issue(
        make_series(), year=2024, number=5, total=5, status=Issue.Status.COLLECTING,
        period_start=today - datetime.timedelta(days=4), period_end=today,
    )  # fmt: skip


# --- the edit forms ----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_masthead_saves_from_one_version_keep_exactly_one(editor, issue):
    require_postgresql()
    url = reverse("bulletin:issue_edit", args=[issue.pk])
    start = issue.version
    workers = [
        form_worker(
            i,
            editor,
            page=url,
            action=url,
            refusals=[zh(STALE_ISSUE)],
            typed={
                "column_title": f"第{i:02d}号栏目",
                "send_to": f"送第{i:02d}号单位。",
                "print_count": str(100 + i),
            },
        )
        for i in range(WORKERS)
    ]
    result = race(workers)
    issue.refresh_from_db()
    final = {
        "column_title": issue.column_title,
        "send_to": issue.send_to,
        "print_count": str(issue.print_count),
    }
    assert_one_save_won(result, final, issue.version - start)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_section_outline_saves_from_one_version_keep_exactly_one(editor, issue):
    require_postgresql()
    section = make_section(issue, title="工作要求", kind=Section.Kind.FREE)
    page = reverse("bulletin:assemble", args=[issue.pk])
    action = reverse("bulletin:section_edit", args=[section.pk])
    title = f"s{section.pk}-title"
    workers = [
        form_worker(
            i,
            editor,
            page=page,
            action=action,
            refusals=[stale_section()],
            typed={title: f"第{i:02d}号栏目标题"},
        )
        for i in range(WORKERS)
    ]
    result = race(workers)
    section.refresh_from_db()
    assert_one_save_won(result, {title: section.title}, section.version - 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_section_text_saves_from_one_version_keep_exactly_one(editor, issue):
    require_postgresql()
    section = make_section(issue, title="工作要求", kind=Section.Kind.FREE, body="原来的文字。")
    url = reverse("bulletin:section_text", args=[section.pk])
    workers = [
        form_worker(
            i,
            editor,
            page=url,
            action=url,
            refusals=[stale_section()],
            typed={"body": f"第{i:02d}号编辑写的文字。"},
        )
        for i in range(WORKERS)
    ]
    result = race(workers)
    section.refresh_from_db()
    assert_one_save_won(result, {"body": section.body}, section.version - 1)
    # The text it replaced is kept once, as the earlier version.
    assert list(SectionVersion.objects.filter(section=section).values_list("body", flat=True)) == [
        "原来的文字。"
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_statistics_saves_from_one_version_keep_exactly_one(editor, issue):
    require_postgresql()
    section = make_section(issue, title="办件情况", kind=Section.Kind.STATISTICS)
    figure = Statistic.objects.create(issue=issue, label="受理", unit="件", value=100)
    url = reverse("bulletin:section_records", args=[section.pk])
    workers = [
        form_worker(
            i,
            editor,
            page=url,
            action=url,
            refusals=[stale_section()],
            typed={"form-0-value": str(200 + i)},
        )
        for i in range(WORKERS)
    ]
    result = race(workers)
    section.refresh_from_db()
    figure.refresh_from_db()
    assert Statistic.objects.filter(issue=issue).count() == 1
    assert_one_save_won(result, {"form-0-value": str(figure.value)}, section.version - 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_editors_adding_the_same_measure_at_once_give_one_row(editor, issue):
    require_postgresql()
    section = make_section(issue, title="办件情况", kind=Section.Kind.STATISTICS)
    url = reverse("bulletin:section_records", args=[section.pk])
    workers = [
        form_worker(
            i,
            editor,
            page=url,
            action=url,
            refusals=[stale_section(), zh(DUPLICATE_MEASURE)],
            typed={"form-0-label": "受理", "form-0-unit": "件", "form-0-value": str(300 + i)},
        )
        for i in range(WORKERS)
    ]
    result = race(workers)
    section.refresh_from_db()
    rows = list(Statistic.objects.filter(issue=issue))
    assert len(rows) == 1, summary(result)
    final = {"form-0-label": rows[0].label, "form-0-unit": rows[0].unit}
    final["form-0-value"] = str(rows[0].value)
    assert_one_save_won(result, final, section.version - 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_inspection_findings_saves_from_one_version_keep_exactly_one(scorer, department):
    require_postgresql()
    round_ = make_round(
        findings=[("着装情况", "总体情况良好。"), ("纪律秩序", "总体情况良好。")],
        date=timezone.localdate(),
        inspector="王五",
    )
    url = reverse("scoring:inspection_detail", args=[round_.pk])
    workers = [
        form_worker(
            i,
            scorer,
            page=url,
            action=url,
            refusals=[zh(STALE_FINDINGS)],
            typed={
                "form-0-finding": f"第{i:02d}号窗口未着工装。",
                # ... and a deduction proposed for the second finding.
                "form-1-department": str(department.pk),
                "form-1-proposed_points": f"-{(i + 1) / 2:.1f}",
            },
        )
        for i in range(WORKERS)
    ]
    result = race(workers)
    round_.refresh_from_db()
    first, second = InspectionItem.objects.filter(round=round_).order_by("position")
    final = {
        "form-0-finding": first.finding,
        "form-1-department": str(second.department_id),
        "form-1-proposed_points": str(second.proposed_points),
    }
    assert_one_save_won(result, final, round_.version - 1)
    # The deduction is proposed to the scorer once, not once per save.
    assert second.proposal == InspectionItem.Proposal.PROPOSED
    assert FindingTransition.objects.filter(finding=second).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_saves_of_a_department_draft_keep_exactly_one(clerk, department, issue):
    require_postgresql()
    section = make_section(issue, call_deadline=timezone.now() + datetime.timedelta(days=1))
    item = services.submission_create(
        section=section, department=department, author=clerk, headline="草稿。", body="正文。"
    )
    url = reverse("bulletin:submission_edit", args=[item.pk])
    workers = [
        form_worker(
            i,
            clerk,
            page=url,
            action=url,
            refusals=[zh(STALE_ITEM)],
            extra={"action": "draft"},
            typed={"headline": f"第{i:02d}号标题。", "body": f"第{i:02d}号正文。"},
        )
        for i in range(WORKERS)
    ]
    result = race(workers)
    item.refresh_from_db()
    assert item.status == Submission.Status.DRAFT
    final = {"headline": item.headline, "body": item.body}
    assert_one_save_won(result, final, item.version - 1)
    assert SubmissionVersion.objects.filter(submission=item).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_editor_revisions_of_an_accepted_item_keep_exactly_one(
    clerk, editor, department, issue
):
    require_postgresql()
    section = make_section(issue, call_deadline=timezone.now() + datetime.timedelta(days=1))
    item = services.submission_create(
        section=section, department=department, author=clerk, headline="已报送。", body="正文。",
        submit=True,
    )  # fmt: skip
    item = services.submission_accept(submission=item, by=editor)
    start = item.version
    url = reverse("bulletin:submission_edit", args=[item.pk])
    workers = [
        form_worker(
            i,
            editor,
            page=url,
            action=url,
            refusals=[zh(STALE_ITEM)],
            typed={"headline": f"第{i:02d}号编辑改的标题。", "body": f"第{i:02d}号编辑改的正文。"},
        )
        for i in range(WORKERS)
    ]
    result = race(workers)
    item.refresh_from_db()
    assert item.status == Submission.Status.ACCEPTED
    final = {"headline": item.headline, "body": item.body}
    assert_one_save_won(result, final, item.version - start)
    assert SubmissionVersion.objects.filter(submission=item).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_saves_of_a_leader_visit_keep_exactly_one(clerk, department):
    require_postgresql()
    visit = LeaderVisit.objects.create(
        department=department, date=timezone.localdate() - datetime.timedelta(days=1),
        leader_name="张三", leader_title="副厅长", activity="调研。",
    )  # fmt: skip
    url = reverse("bulletin:visit_edit", args=[visit.pk])
    workers = [
        form_worker(
            i,
            clerk,
            page=url,
            action=url,
            refusals=[zh(STALE_VISIT)],
            typed={"leader_title": f"第{i:02d}号副厅长", "activity": f"第{i:02d}次到大厅值守。"},
        )
        for i in range(WORKERS)
    ]
    result = race(workers)
    visit.refresh_from_db()
    final = {"leader_title": visit.leader_title, "activity": visit.activity}
    assert_one_save_won(result, final, visit.version - 1)


# --- saves in flight when the issue goes to review ---------------------------------------


def _saves_racing_review(editor, issue) -> tuple[Race, list[Section], Outcome | int]:
    """20 text saves, each on its own section from its own fresh version, and a second
    editor sending the issue to review. The first ten arrive one after another while the
    review comes in among them: some land before it, some are in flight (waiting for the
    issue's lock) when it is taken. The other ten are clicked just after the review went
    through, from the pages opened before it."""
    sections = [
        make_section(issue, position=n, title=f"第{n:02d}栏", body=f"第{n:02d}栏原来的文字。")
        for n in range(1, WORKERS + 1)
    ]
    reviewed = threading.Event()

    def arrival(n: int) -> Callable[[], None]:
        if n <= WORKERS // 2:
            return after_a_while(n * ARRIVALS)

        def after_review():
            reviewed.wait(timeout=30)
            time.sleep((n - WORKERS // 2) * ARRIVALS / 4)

        return after_review

    workers = [
        form_worker(
            n,
            editor,
            page=url,
            action=url,
            refusals=[zh(IN_REVIEW)],
            before_post=arrival(n),
            typed={"body": f"第{n:02d}栏新写的文字。"},
        )
        for n, url in (
            (s.position, reverse("bulletin:section_text", args=[s.pk])) for s in sections
        )
    ]
    reviewer = make_user("editor2", "editor")

    def open_issue():
        client = logged_in(reviewer)
        assert client.get(reverse("bulletin:issue_detail", args=[issue.pk])).status_code == 200
        return client

    def send_to_review(client):
        after_a_while(WORKERS // 4 * ARRIVALS)()
        url = reverse("bulletin:issue_send_to_review", args=[issue.pk])
        try:
            return client.post(url, {"comment": ""}).status_code
        finally:
            reviewed.set()

    result = race([*workers, Worker(open_issue, send_to_review)])
    return result, sections, result.results[-1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_saves_in_flight_when_the_issue_goes_to_review_land_before_it_or_not_at_all(editor, issue):
    require_postgresql()
    result, sections, review_status = _saves_racing_review(editor, issue)
    report = summary(result)
    assert result.errors == [], report
    assert result.crashes == [], report
    assert review_status == 302, report
    issue.refresh_from_db()
    assert issue.status == Issue.Status.REVIEW, report
    sent = IssueTransition.objects.get(issue=issue, to_status=Issue.Status.REVIEW)
    outcomes = result.results[:-1]
    assert 500 not in {o.status for o in outcomes}, report
    for section, outcome in zip(sections, outcomes, strict=True):
        section.refresh_from_db()
        if outcome.status == 302:
            assert (section.body, section.version) == (outcome.typed["body"], 2), report
        else:
            original = f"第{section.position:02d}栏原来的文字。"
            assert (section.body, section.version) == (original, 1), report
    # Every replaced text was kept by a save that held the issue before the review did.
    kept = SectionVersion.objects.filter(section__issue=issue)
    assert kept.count() == sum(o.status == 302 for o in outcomes), report
    assert all(v.saved_at <= sent.at for v in kept), report


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_saves_refused_because_the_issue_went_to_review_keep_the_typed_text(editor, issue):
    require_postgresql()
    result, _sections, _review = _saves_racing_review(editor, issue)
    report = summary(result)
    assert result.errors == [], report
    outcomes = result.results[:-1]
    assert {o.status for o in outcomes} <= {200, 302}, report
    assert all(o.refused and o.kept for o in outcomes if o.status == 200), report


# --- the month table upload ---------------------------------------------------------------

DEPARTMENTS = [
    "交通运输厅",
    "水利厅",
    "自然资源厅",
    "教育厅",
    "民政厅",
    "财政厅",
    "商务厅",
    "卫生健康委",
]


@pytest.fixture
def departments(db) -> list[Department]:
    return [
        Department.objects.create(name=name, display_order=10 * n)
        for n, name in enumerate(DEPARTMENTS, start=1)
    ]


def points(variant: int) -> list[tuple[Decimal, Decimal]]:
    """(deduction, bonus) of each department in table number `variant`."""
    return [
        (-Decimal("0.5") * ((variant + n) % 4), Decimal("0.5") * ((3 * variant + n) % 5))
        for n in range(len(DEPARTMENTS))
    ]


def table_file(variant: int) -> bytes:
    rows = [list(excel.HEADER)]
    for n, (name, (deduction, bonus)) in enumerate(
        zip(DEPARTMENTS, points(variant), strict=True), 1
    ):
        rows.append([n, name, 100, float(deduction), float(bonus), float(100 + deduction + bonus)])
    return xlsx(rows)


def expected_table(variant: int) -> list[tuple]:
    return sorted(
        (name, Decimal(100), deduction, bonus)
        for name, (deduction, bonus) in zip(DEPARTMENTS, points(variant), strict=True)
    )


def entries_of(variant: int) -> int:
    return sum(bool(d) + bool(b) for d, b in points(variant))


def month_table(month: ScoreMonth) -> list[tuple]:
    return sorted(
        (line.department.name, line.base, line.deduction, line.bonus)
        for line in WindowScore.objects.filter(month=month.month).select_related("department")
    )


@dataclass
class Upload:
    worker: int
    statuses: list[int]  # the redirect chain, then the page
    landed: bool  # the page says the rows were recorded
    refused: bool  # the page says the month is frozen

    def __str__(self) -> str:
        said = "landed" if self.landed and not self.refused else "refused" if self.refused else "?"
        return f"#{self.worker}:{'/'.join(map(str, self.statuses))} {said}"


def upload(client: Client, month: ScoreMonth, data: bytes, name: str, worker: int = 0) -> Upload:
    response = client.post(
        reverse("scoring:month_upload", args=[month.pk]),
        {"file": SimpleUploadedFile(name, data, content_type=XLSX)},
        follow=True,
    )
    html = response.content.decode()
    recorded = zh("%(count)d rows recorded.", count=len(DEPARTMENTS))
    frozen = zh(
        "%(month)s is frozen: record a correction in a later month instead.", month=month.label
    )
    return Upload(
        worker,
        [status for _url, status in response.redirect_chain] + [response.status_code],
        escape(recorded) in html,
        escape(frozen) in html,
    )


def upload_worker(i, user, month, data: bytes, name: str, delay: float = 0) -> Worker:
    def prepare():
        client = logged_in(user)
        page = reverse("scoring:month_detail", args=[month.pk])
        response = client.get(page)
        assert response.status_code == 200
        action = reverse("scoring:month_upload", args=[month.pk])
        assert form_posting_to(response.content.decode(), action, page) is not None
        return client

    def act(client):
        after_a_while(delay)()
        return upload(client, month, data, name, i)

    return Worker(prepare, act)


def upload_summary(result: Race) -> str:
    return (
        f"uploads {' '.join(str(u) for u in result.results if isinstance(u, Upload))}; "
        f"worker errors {result.errors}; view exceptions {result.crashes[:5]}"
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_file_uploaded_twice_gives_the_same_table_as_once(scorer, departments):
    require_postgresql()
    once = scoring.month_open(month=datetime.date(2024, 2, 1))
    twice = scoring.month_open(month=datetime.date(2024, 3, 1))
    client = logged_in(scorer)
    data = table_file(1)
    assert upload(client, once, data, "table.xlsx").landed
    assert upload(client, twice, data, "table.xlsx").landed
    assert month_table(twice) == month_table(once) == expected_table(1)
    assert upload(client, twice, data, "table.xlsx").landed
    assert month_table(twice) == month_table(once)
    assert twice.entries.count() == once.entries.count() == entries_of(1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_uploads_of_one_file_give_the_table_of_one_upload(scorer, departments):
    require_postgresql()
    once = scoring.month_open(month=datetime.date(2024, 2, 1))
    clicked = scoring.month_open(month=datetime.date(2024, 3, 1))
    data = table_file(1)
    assert upload(logged_in(scorer), once, data, "table.xlsx").landed
    result = race([upload_worker(i, scorer, clicked, data, "table.xlsx") for i in range(WORKERS)])
    report = upload_summary(result)
    assert result.errors == [], report
    assert result.crashes == [], report
    assert all(u.statuses == [302, 200] and u.landed for u in result.results), report
    assert month_table(clicked) == month_table(once) == expected_table(1), report
    assert clicked.entries.count() == once.entries.count() == entries_of(1), report


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_uploads_racing_a_freeze_land_before_it_or_are_refused(scorer, departments):
    require_postgresql()
    month = scoring.month_open(month=datetime.date(2024, 3, 1))
    client = logged_in(scorer)
    assert upload(client, month, table_file(99), "table99.xlsx").landed
    month = scoring.month_publish(
        month=month, deadline=timezone.now() + datetime.timedelta(days=5), by=scorer
    )
    workers = [
        upload_worker(i, scorer, month, table_file(i), f"table{i:02d}.xlsx", delay=i * ARRIVALS)
        for i in range(WORKERS)
    ]
    other_scorer = make_user("scorer2", "scorer")

    def open_month():
        freezer = logged_in(other_scorer)
        assert freezer.get(reverse("scoring:month_detail", args=[month.pk])).status_code == 200
        return freezer

    def freeze(freezer):
        after_a_while(WORKERS / 2 * ARRIVALS)()
        # Before the deadline: confirmed, as the confirmation page posts it.
        url = reverse("scoring:month_freeze", args=[month.pk])
        return freezer.post(url, {"confirm": "1"}).status_code

    result = race([*workers, Worker(open_month, freeze)])
    report = upload_summary(result)
    assert result.errors == [], report
    assert result.crashes == [], report
    assert result.results[-1] == 302, report
    month.refresh_from_db()
    assert month.status == ScoreMonth.Status.FROZEN, report
    uploads = result.results[:-1]
    assert all(u.statuses == [302, 200] for u in uploads), report
    # Each upload either landed or was told the month is frozen, never both or neither.
    assert all(u.landed != u.refused for u in uploads), report
    # Nothing recorded after the freeze.
    late = month.entries.filter(created_at__gt=month.frozen_at)
    assert not late.exists(), (report, list(late.values("reason", "created_at")))
    # The table is that of the last upload before the freeze, whose entries alone remain.
    reasons = set(month.entries.values_list("reason", flat=True))
    assert len(reasons) == 1, (report, reasons)
    reason = reasons.pop()
    landed = [u.worker for u in uploads if f"table{u.worker:02d}.xlsx" in reason]
    # On a loaded machine the freeze may come before any of the twenty: then the table
    # is the one uploaded before publishing, and every upload was refused.
    last = landed[0] if landed else 99
    assert len(landed) <= 1 and (landed or not any(u.landed for u in uploads)), report
    if landed:
        assert uploads[last].landed, report
    frozen_table = month_table(month)
    assert frozen_table == expected_table(last), report
    assert month.entries.count() == entries_of(last), report
    # And so it stays: an upload after the freeze is refused and changes nothing.
    assert upload(client, month, table_file(1), "late.xlsx").refused
    assert month_table(month) == frozen_table
    assert not month.entries.filter(created_at__gt=month.frozen_at).exists()
