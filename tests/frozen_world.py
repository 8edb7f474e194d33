"""A world with an ISSUED issue and a FROZEN score month, both reached through the real
services (so their transition rows exist), and a snapshot of every row of those frozen
things plus the bytes of the issue's stored PDF and Word file.

The issue is 窗口工作周报 2023年第38期（总第458期）, the number of demo/seeds/2023-38.txt,
so an import of that file collides with it; the month is August 2023, the month whose
table that bulletin prints.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from bulletin import services
from bulletin.adoption import printing as adoption_printing
from bulletin.adoption import services as adoption
from bulletin.models import (
    AdoptionLine,
    AdoptionMonth,
    AdoptionMonthTransition,
    AdoptionRules,
    Instruction,
    Issue,
    IssueTransition,
    JointCredit,
    LeaderVisit,
    Notice,
    RecipientGroup,
    Section,
    SectionVersion,
    Series,
    Statistic,
    Submission,
    SubmissionTransition,
    SubmissionVersion,
)
from departments.models import Department
from scoring import services as scoring
from scoring.models import (
    FindingTransition,
    InspectionItem,
    InspectionRound,
    Objection,
    ObjectionTransition,
    ScoreEntry,
    ScoreMonth,
    ScoreMonthTransition,
    ScoreNotice,
    WindowScore,
)
from tests.attack_world import World
from tests.conftest import make_user
from tests.factories import make_series

SERIES_TITLE = "窗口工作周报"
YEAR, NUMBER, TOTAL = 2023, 38, 458
PERIOD = (datetime.date(2023, 9, 25), datetime.date(2023, 9, 28))
FROZEN_MONTH = datetime.date(2023, 8, 1)
MONTH_END = datetime.date(2023, 8, 31)

# The sections of the issue, one of every kind that can hold something.
SECTION_KEYS = (
    "free_section",
    "stats_section",
    "items_section",
    "visits_section",
    "inspection_section",
    "attachment_section",
    "report_section",
)
SUBMISSION_KEYS = ("accepted_a", "accepted_b", "draft", "not_used")
ENTRY_KEYS = ("entry_minus", "entry_bonus", "entry_b")
FINDING_KEYS = ("finding_proposed", "finding_good")
VISIT_KEYS = ("visit_a", "visit_b")
NOTICE_KEYS = ("notice_a", "notice_b")


def build_frozen_world() -> World:
    w = World()
    a = Department.objects.create(name="交通运输厅", display_order=10)
    b = Department.objects.create(name="水利厅", display_order=20)
    w.obj.update(department=a, other_department=b, hall=a.hall)
    w.users = {
        "clerk": make_user("clerk", "staff", a),
        "other_clerk": make_user("other_clerk", "staff", b),
        "editor": make_user("editor", "editor"),
        "approver": make_user("approver", "approver"),
        "scorer": make_user("scorer", "scorer"),
        "admin": make_user("admin", "editor", is_superuser=True, is_staff=True),
    }
    u = w.users
    now = timezone.now()
    reporting = _published_reporting(w)

    # --- the month: ledger, table, an inspection, publication, an objection, freeze -----
    month = scoring.month_open(month=FROZEN_MONTH)
    entry_minus = scoring.entry_add(
        month=month, department=a, date=datetime.date(2023, 8, 10), points=Decimal("-1"),
        reason="窗口人员迟到。", by=u["scorer"], clause="第三条",
    )  # fmt: skip
    entry_bonus = scoring.entry_add(
        month=month, department=a, date=datetime.date(2023, 8, 11), points=Decimal("2"),
        reason="群众来信表扬。", by=u["scorer"],
    )  # fmt: skip
    entry_b = scoring.entry_add(
        month=month, department=b, date=datetime.date(2023, 8, 12), points=Decimal("1.5"),
        reason="服务创新。", by=u["scorer"],
    )  # fmt: skip
    round_ = scoring.inspection_round_create(
        date=datetime.date(2023, 8, 25), inspector="王五", topics=["按时到岗情况", "着装情况"]
    )
    good, dress = list(round_.items.order_by("position"))
    dress.finding = "水利厅窗口1人未着工装。"
    dress.department = b
    dress.proposed_points = Decimal("-1")
    scoring.round_save_findings(round_=round_, by=u["scorer"], version=1, saved=[dress], deleted=[])
    scoring.month_publish(month=month, deadline=now + datetime.timedelta(days=5), by=u["scorer"])
    objection = scoring.objection_file(
        month=month, department=b, text="加分漏记一次。", by=u["other_clerk"], entry=entry_b
    )
    scoring.objection_answer(objection=objection, by=u["scorer"], upheld=False, answer="维持。")
    scoring.month_freeze(month=month, by=u["scorer"], before_deadline=True)

    # --- the issue, from creation to 印发 ----------------------------------------------
    group = RecipientGroup.objects.create(
        name="省级相关部门（单位）窗口",
        send_to="省中心领导、省级相关部门（单位）。",
        distribute_to="省级相关部门（单位）窗口，省中心各处（室）、直属单位。",
        print_count=91,
    )
    group.departments.set([a, b])
    series = make_series(
        SERIES_TITLE, opening_total_number=TOTAL, opening_year=YEAR, opening_year_number=NUMBER
    )
    editor = u["editor"]
    issue = services.issue_create(
        series=series, by=editor, period_start=PERIOD[0], period_end=PERIOD[1]
    )
    assert (issue.year, issue.number, issue.total_number) == (YEAR, NUMBER, TOTAL)
    services.issue_update(
        issue=issue, by=editor, version=issue.version, period_start=PERIOD[0],
        period_end=PERIOD[1], column_title="", recipient_group=group, report_to="",
        send_to="", distribute_to="", print_count=None,
    )  # fmt: skip

    def add(title, kind, level=1):
        return services.section_add(issue=issue, by=editor, title=title, level=level, kind=kind)

    free = add("综窗改革攻坚行动", Section.Kind.FREE)
    services.section_save_text(section=free, body="完成受理工作手册编制。", version=1, by=editor)
    services.section_save_text(
        section=free, body="完成省市场监管局15个办理项的受理工作手册编制。", version=2, by=editor
    )
    stats = add("省本级综窗办件情况", Section.Kind.STATISTICS, level=2)
    services.section_save_statistics(
        section=stats, by=editor, version=stats.version, deleted=[],
        saved=[Statistic(label="咨询", unit="人次", value=2039),
               Statistic(label="受理", unit="件", value=514)],
    )  # fmt: skip
    services.section_generate(section=stats, by=editor)
    items = add("大厅工作动态", Section.Kind.ITEMS)
    services.section_call(section=items, by=editor, deadline=now + datetime.timedelta(days=1))
    items.refresh_from_db()

    def item(department, author, headline, **kw):
        return services.submission_create(
            section=items, department=department, author=author, headline=headline,
            body="先后检查了天府机场高速成都收费站。", **kw,
        )  # fmt: skip

    accepted_a = item(a, u["clerk"], "交通运输厅开展安全检查。")
    services.submission_update(
        submission=accepted_a, by=u["clerk"], headline="交通运输厅开展节前安全检查。",
        body=accepted_a.body, version=accepted_a.version,
    )  # fmt: skip
    services.submission_submit(submission=accepted_a, by=u["clerk"])
    services.submission_accept(submission=accepted_a, by=editor)
    accepted_b = item(b, u["other_clerk"], "水利厅召开专题会议。", submit=True)
    services.submission_accept(
        submission=accepted_b, by=editor, headline="水利厅召开专题会议。",
        body="研究优化竣工验收工作。", version=accepted_b.version,
    )  # fmt: skip
    not_used = item(a, u["clerk"], "交通运输厅窗口值守。", submit=True)
    services.submission_not_use(submission=not_used, by=editor)
    draft = item(a, u["clerk"], "交通运输厅草稿。")

    visits = add("厅（局）长进大厅", Section.Kind.LEADER_VISITS)
    visit_a = services.visit_save(
        visit=None, department=a, version=None, date=PERIOD[0], leader_name="张三",
        leader_title="副厅长", activity="到省政务服务大厅窗口调研值守。",
    )  # fmt: skip
    visit_b = services.visit_save(
        visit=None, department=b, version=None, date=PERIOD[0] + datetime.timedelta(days=1),
        leader_name="王华", leader_title="党组成员、副厅长", activity="到窗口调研值守。",
    )  # fmt: skip
    services.section_generate(section=visits, by=editor)
    inspection = add("大厅巡查", Section.Kind.INSPECTION)
    services.issue_link_round(issue=issue, round_=round_, by=editor)
    services.section_generate(section=inspection, by=editor)
    attachment = services.section_attach_scores(issue=issue, by=editor, month=month)
    report_section = adoption.issue_attach_report(
        issue=issue, by=editor, month=reporting["reporting_month"]
    )

    services.issue_start_editing(issue=issue, by=editor)
    services.issue_send_to_review(issue=issue, by=editor, comment="请审核。")
    services.issue_approve(issue=issue, by=u["approver"])
    services.issue_issue(issue=issue, by=editor)
    issue.refresh_from_db()
    services.issue_pdf(issue=issue)  # stores it unless the task already did
    issue.refresh_from_db()
    assert issue.status == Issue.Status.ISSUED and issue.pdf_sha256
    assert issue.docx_sha256  # made when it was issued
    month.refresh_from_db()
    assert month.status == ScoreMonth.Status.FROZEN

    notices = {n.user_id: n for n in issue.notices.filter(kind=Notice.Kind.ISSUED)}
    opened = _open_things(w, series)
    # The read-only records of both, one of each kind (the admin tests reach them).
    records = {
        "statistic_0": issue.statistics.order_by("pk")[0],
        "statistic_1": issue.statistics.order_by("pk")[1],
        "section_version": SectionVersion.objects.get(section=free),
        "submission_version_a": SubmissionVersion.objects.get(submission=accepted_a),
        "submission_version_b": SubmissionVersion.objects.get(submission=accepted_b),
        "issue_transition": issue.transitions.order_by("pk").last(),
        "submission_transition": SubmissionTransition.objects.filter(submission=accepted_b).last(),
        "month_transition": month.transitions.order_by("pk").last(),
        "objection_transition": ObjectionTransition.objects.filter(objection=objection).last(),
        "finding_transition": FindingTransition.objects.get(finding=dress),
        "score_a": WindowScore.objects.get(month=FROZEN_MONTH, department=a),
        "score_b": WindowScore.objects.get(month=FROZEN_MONTH, department=b),
    }
    current = {
        key: type(obj).objects.get(pk=obj.pk)
        for key, obj in {
            "free_section": free, "stats_section": stats, "items_section": items,
            "visits_section": visits, "inspection_section": inspection,
            "attachment_section": attachment, "accepted_a": accepted_a,
            "accepted_b": accepted_b, "draft": draft, "not_used": not_used,
            "visit_a": visit_a, "visit_b": visit_b, "entry_minus": entry_minus,
            "entry_bonus": entry_bonus, "entry_b": entry_b, "objection": objection,
            "round": round_, "finding_proposed": dress, "finding_good": good,
            "report_section": report_section,
        }.items()
    }  # fmt: skip
    w.obj.update(
        series=series, issue=issue, month=month, group=group,
        clerk_user=u["clerk"], notice_a=notices[u["clerk"].pk],
        score_notice=ScoreNotice.objects.filter(user=u["clerk"]).first(),
        notice_b=notices[u["other_clerk"].pk], pdf_name=issue.pdf.name,
        pdf_sha256=issue.pdf_sha256, docx_name=issue.docx.name, **current, **records, **opened,
        **reporting,
    )  # fmt: skip
    return w


def _published_reporting(w: World) -> dict:
    """August 2023's 信息报送采用情况通报, published (frozen) with its PDF stored: a 专报
    issued on 18 August with an item of department A, joint with B, a 批示 on it, and
    a call nobody answered, whose proposed window deductions the scorer dismissed."""
    a, b = w.obj["department"], w.obj["other_department"]
    editor = w.users["editor"]
    rules = adoption.rules_save(
        hall=a.hall_id, by=editor, effective_from=datetime.date(2023, 1, 1),
        values={"item_points": Decimal(2), "lead_points": Decimal(3),
                "window_deduction": Decimal(2)},
    )  # fmt: skip
    special = make_series("政务信息专报", hall=a.hall, default_send_to="省级相关部门（单位）。")
    rules.special_series.set([special])
    issue = Issue.objects.create(
        series=special, year=2023, number=1, total_number=1, status=Issue.Status.ISSUED,
        issue_date=datetime.date(2023, 8, 18),
    )  # fmt: skip
    deadline = timezone.make_aware(datetime.datetime(2023, 8, 15, 17))
    called = Section.objects.create(
        issue=issue, position=1, title="专报信息", call_deadline=deadline
    )
    Section.objects.create(issue=issue, position=2, title="创新举措", call_deadline=deadline)
    item = Submission.objects.create(
        section=called, department=a, headline="交通运输厅推行“一件事”打包办。", body="正文。",
        sent_headline="交通运输厅推行“一件事”打包办。", sent_body="正文。",
        status=Submission.Status.ACCEPTED, position=1,
    )  # fmt: skip
    adoption.joint_set(submission=item, by=editor, departments=[b])
    instruction = adoption.instruction_record(
        submission=item, by=editor, level="provincial", leader="张三副省长",
        date=datetime.date(2023, 8, 21), text="此做法很好，请推广。",
    )  # fmt: skip
    month = adoption.month_open(hall=a.hall_id, month=FROZEN_MONTH)
    adoption.month_publish(month=month, by=editor)
    for proposal in month.proposals.all():
        adoption.proposal_dismiss(proposal=proposal, by=w.users["scorer"])
    month.refresh_from_db()
    adoption_printing.report_pdf(month=month)
    month.refresh_from_db()
    assert month.is_frozen and month.pdf_sha256
    return {
        "reporting_rules": rules,
        "reporting_month": month,
        "reporting_line": month.lines.get(department=a),
        "reporting_item": item,
        "reporting_joint": item.joint_credits.get(),
        "reporting_instruction": instruction,
        "reporting_proposal": month.proposals.get(department=a),
        "reporting_transition": month.transitions.get(),
        "reporting_pdf_name": month.pdf.name,
    }


def _open_things(w: World, series: Series) -> dict:
    """Rows that are not frozen, of the kinds the frozen things hold: the admin tests try
    to move them into the frozen issue, month and round."""
    u, editor = w.users, w.users["editor"]
    issue = services.issue_create(
        series=series, by=editor, period_start=datetime.date(2023, 10, 9),
        period_end=datetime.date(2023, 10, 13),
    )  # fmt: skip
    section = services.section_add(
        issue=issue, by=editor, title="工作要求", level=1, kind=Section.Kind.FREE
    )
    items = services.section_add(
        issue=issue, by=editor, title="大厅工作动态", level=1, kind=Section.Kind.ITEMS
    )
    services.section_call(
        section=items, by=editor, deadline=timezone.now() + datetime.timedelta(days=1)
    )
    items.refresh_from_db()
    item = services.submission_create(
        section=items, department=w.obj["department"], author=u["clerk"],
        headline="交通运输厅开展业务培训。", body="培训窗口人员。", submit=True,
    )  # fmt: skip
    stats = services.section_add(
        issue=issue, by=editor, title="办件情况", level=1, kind=Section.Kind.STATISTICS
    )
    services.section_save_statistics(
        section=stats, by=editor, version=stats.version, deleted=[],
        saved=[Statistic(label="办结", unit="件", value=300)],
    )  # fmt: skip
    visit = services.visit_save(
        visit=None, department=w.obj["department"], version=None,
        date=datetime.date(2023, 10, 10), leader_name="李四", leader_title="副厅长",
        activity="到窗口调研值守。",
    )  # fmt: skip
    round_ = scoring.inspection_round_create(
        date=datetime.date(2023, 10, 11), inspector="赵六", topics=["纪律秩序"]
    )
    return {
        "open_issue": issue,
        "open_section": section,
        "open_item": Submission.objects.get(pk=item.pk),
        "open_statistic": issue.statistics.get(),
        "open_visit": visit,
        "open_round": round_,
        "open_finding": round_.items.get(),
    }


def refreshed(w: World, key: str):
    """The world's object as it is in the database now."""
    obj = w.obj[key]
    return type(obj).objects.get(pk=obj.pk)


def _rows(queryset) -> list[dict]:
    return list(queryset.order_by("pk").values())


def snapshot(w: World) -> dict[str, object]:
    """Every row of the frozen things, found by what makes them part of the frozen issue
    or month (so a row added to them shows too), and the stored PDF's bytes."""
    issue_id = w.obj["issue"].pk
    items = Submission.objects.filter(section__issue_id=issue_id)
    month_q = Q(month__month=FROZEN_MONTH)
    rounds = InspectionRound.objects.filter(
        Q(date__range=(FROZEN_MONTH, MONTH_END)) | Q(pk=w.obj["round"].pk)
    )
    findings = InspectionItem.objects.filter(round__in=rounds)
    path = Path(settings.MEDIA_ROOT) / w.obj["pdf_name"]
    data = path.read_bytes() if path.is_file() else None
    docx = Path(settings.MEDIA_ROOT) / w.obj["docx_name"]
    return {
        "issue": _rows(Issue.objects.filter(pk=issue_id)),
        # The masthead of the issued bulletin prints these two, and its 附件 the tables
        # of the series' hall.
        "series": list(
            Series.objects.filter(pk=w.obj["series"].pk).values("title", "issuing_body", "hall")
        ),
        "sections": _rows(Section.objects.filter(issue_id=issue_id)),
        "section_versions": _rows(SectionVersion.objects.filter(section__issue_id=issue_id)),
        "submissions": _rows(items),
        "submission_versions": _rows(SubmissionVersion.objects.filter(submission__in=items)),
        "submission_transitions": _rows(SubmissionTransition.objects.filter(submission__in=items)),
        "statistics": _rows(Statistic.objects.filter(issue_id=issue_id)),
        "visits": _rows(LeaderVisit.objects.filter(issue_id=issue_id)),
        "issue_transitions": _rows(IssueTransition.objects.filter(issue_id=issue_id)),
        "month": _rows(ScoreMonth.objects.filter(month=FROZEN_MONTH)),
        "month_transitions": _rows(ScoreMonthTransition.objects.filter(month_q)),
        "entries": _rows(ScoreEntry.objects.filter(month_q)),
        "window_scores": _rows(WindowScore.objects.filter(month=FROZEN_MONTH)),
        "objections": _rows(Objection.objects.filter(month_q)),
        "objection_transitions": _rows(
            ObjectionTransition.objects.filter(objection__month__month=FROZEN_MONTH)
        ),
        "rounds": _rows(rounds),
        "findings": _rows(findings),
        "finding_transitions": _rows(FindingTransition.objects.filter(finding__in=findings)),
        "pdf_sha256": hashlib.sha256(data).hexdigest() if data is not None else None,
        "pdf_bytes": data,
        "docx_bytes": docx.read_bytes() if docx.is_file() else None,
        **_reporting_snapshot(w),
    }


def _reporting_snapshot(w: World) -> dict[str, object]:
    """The published month of information reporting: the month, its lines and record,
    the rule versions in force up to it, the 批示 dated in it and the joint departments
    of the items it counted, and its stored PDF."""
    in_month = Q(month__month=FROZEN_MONTH)
    issued = Q(submission__section__issue__status=Issue.Status.ISSUED) & Q(
        submission__section__issue__issue_date__range=(FROZEN_MONTH, MONTH_END)
    )
    rules = AdoptionRules.objects.filter(effective_from__lte=FROZEN_MONTH)
    report = Path(settings.MEDIA_ROOT) / w.obj["reporting_pdf_name"]
    return {
        "reporting_month": _rows(AdoptionMonth.objects.filter(month=FROZEN_MONTH)),
        "reporting_lines": _rows(AdoptionLine.objects.filter(in_month)),
        "reporting_transitions": _rows(AdoptionMonthTransition.objects.filter(in_month)),
        "reporting_rules": _rows(rules),
        "reporting_special_series": sorted(
            rules.values_list("pk", "special_series", "special_series__title")
        ),
        "instructions": _rows(Instruction.objects.filter(date__range=(FROZEN_MONTH, MONTH_END))),
        "joint_credits": _rows(JointCredit.objects.filter(issued)),
        "reporting_pdf": report.read_bytes() if report.is_file() else None,
    }


def differences(before: dict, after: dict) -> str:
    """A short account of what changed between two snapshots (the PDF by digest only)."""
    lines = []
    for key in before:
        old, new = before[key], after.get(key)
        if old == new:
            continue
        if key in ("pdf_bytes", "docx_bytes"):
            lines.append(f"{key}: {len(old or b'')} -> {len(new or b'')} bytes")
            continue
        if isinstance(old, list):
            old_by_pk = {row.get("id", i): row for i, row in enumerate(old)}
            new_by_pk = {row.get("id", i): row for i, row in enumerate(new)}
            for pk in sorted(set(old_by_pk) | set(new_by_pk), key=str):
                was, now = old_by_pk.get(pk), new_by_pk.get(pk)
                if was == now:
                    continue
                if was is None:
                    lines.append(f"{key}: added {now}")
                elif now is None:
                    lines.append(f"{key}: deleted {was}")
                else:
                    changed = {f: (was[f], now[f]) for f in was if was[f] != now.get(f)}
                    lines.append(f"{key} #{pk}: {changed}")
        else:
            lines.append(f"{key}: {old!r} -> {new!r}")
    return "\n".join(lines)
