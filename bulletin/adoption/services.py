"""The steps of the information-reporting assessment: typed, keyword-only services.

A month is open while it is counted and frozen once published: publishing stores its
lines, summary and the rules it was counted with in one transaction with the month row
locked; every 批示 or joint item that would change an open month's figures locks the
same row and is refused once the month is published. Management commands and the
admin go through these functions as the views do.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bulletin.adoption import figures as counting
from bulletin.adoption import printing
from bulletin.adoption.models import (
    AdoptionMonth,
    AdoptionProposal,
    AdoptionRules,
    Instruction,
    JointCredit,
    month_end,
    month_label,
)
from bulletin.models import Issue, Section, Series, Submission
from bulletin.services.editing import editing
from departments.models import Department, User
from lib.audit import log_transition
from lib.workflow import WorkflowError, transition
from scoring import services as scoring
from scoring.models import ScoreEntry

Role = User.Role
RULE_FIELDS = (
    "item_points",
    "lead_points",
    "special_points",
    "department_bonus",
    "provincial_bonus",
    "missed_penalty",
    "window_deduction",
    "note",
)


class AdoptionError(WorkflowError):
    """A step of the assessment that cannot be taken; the message is for the user."""


def _require_role(by: User | None, *roles: str) -> None:
    if by is not None and not (by.is_authenticated and by.has_role(*roles)):
        raise AdoptionError(_("Your role does not allow this."))


def month_open(*, hall: int, month: datetime.date) -> AdoptionMonth:
    """The hall's reporting month, made when first asked for."""
    month = month.replace(day=1)
    found, _created = AdoptionMonth.objects.get_or_create(hall_id=hall, month=month)
    return found


def _locked(month: AdoptionMonth) -> AdoptionMonth:
    return AdoptionMonth.objects.select_for_update().get(pk=month.pk)


def _lock_open(*, hall: int, day: datetime.date, by: User | None) -> AdoptionMonth:
    """The month of `day`, locked for the rest of the transaction, refused once its
    通报 is published: a 批示 or joint item racing the publication waits, then is told."""
    locked = _locked(month_open(hall=hall, month=day))
    if locked.is_frozen:
        raise AdoptionError(
            _("The 通报 of %(month)s is published: its figures no longer change.")
            % {"month": locked.label}
        )
    locked.require("record", by)
    return locked


# --- rules -----------------------------------------------------------------------------


def rules_save(
    *,
    hall: int,
    by: User | None,
    effective_from: datetime.date,
    values: dict,
    special_series: list[Series] = (),
) -> AdoptionRules:
    """A version of the hall's rules from a month on; the version of that month is
    replaced. Refused when a published month would be counted differently."""
    _require_role(by, Role.EDITOR)
    effective_from = effective_from.replace(day=1)
    if any(series.hall_id != hall for series in special_series):
        raise AdoptionError(_("A special series must be one of the hall's series."))
    with transaction.atomic():
        # The hall's months held: a publication waits for the new rules, or they for it.
        list(AdoptionMonth.objects.select_for_update().filter(hall_id=hall))
        rules = AdoptionRules.objects.filter(hall_id=hall, effective_from=effective_from).first()
        rules = rules or AdoptionRules(hall_id=hall, effective_from=effective_from)
        reason = rules.refusal()
        if reason is not None:
            raise AdoptionError(reason)
        for name in RULE_FIELDS:
            if name in values:
                setattr(rules, name, values[name])
        try:
            rules.full_clean(exclude=["special_series"])
        except ValidationError as exc:
            raise AdoptionError(" ".join(exc.messages)) from None
        rules.save()
        rules.special_series.set(special_series)
    return rules


# --- publication ---------------------------------------------------------------------------


def masthead_series(month: AdoptionMonth) -> Series | None:
    """The series whose masthead and 报尾 the 通报 takes: the one that issued most in the
    month, else the hall's first."""
    issued = (
        Issue.objects.issued()
        .in_hall(month.hall_id)
        .filter(issue_date__range=(month.month, month.last_day))
    )
    counts: dict[int, int] = {}
    for series_id in issued.values_list("series_id", flat=True):
        counts[series_id] = counts.get(series_id, 0) + 1
    if counts:
        best = max(counts, key=lambda pk: (counts[pk], -pk))
        return Series.objects.get(pk=best)
    return Series.objects.filter(hall_id=month.hall_id).order_by("pk").first()


def month_publish(
    *, month: AdoptionMonth, by: User | None, today: datetime.date | None = None
) -> AdoptionMonth:
    """Publish the month's 通报: its figures as counted now are stored and frozen; the
    missed calls propose window-ledger deductions when the rules ask for them."""
    today = today or timezone.localdate()
    month.require("publish", by)
    if today <= month.last_day:
        raise AdoptionError(
            _("%(month)s is not over yet: its 通报 is published from %(day)s on.")
            % {"month": month.label, "day": (month.last_day + datetime.timedelta(days=1))}
        )
    waiting = (
        Issue.objects.in_hall(month.hall_id)
        .filter(issue_date__range=(month.month, month.last_day))
        .exclude(status=Issue.Status.ISSUED)
    )
    if waiting.exists():
        raise AdoptionError(
            _(
                "%(issue)s is signed off in %(month)s but not issued yet: issue it first, "
                "its items count in this month."
            )
            % {"issue": waiting.select_related("series").first(), "month": month.label}
        )
    with transaction.atomic():
        locked = _locked(month)
        locked.require("publish", by)
        figures = counting.count_month(hall=locked.hall_id, month=locked.month)
        if figures.rules is None:
            raise AdoptionError(
                _("No rules are in force for %(month)s: set the hall's rules first.")
                % {"month": locked.label}
            )
        masthead = printing.draft(locked)
        transition(
            locked,
            "publish",
            by=by,
            rules=figures.rules,
            summary="\n".join(figures.summary_paragraphs()),
            totals=figures.totals.as_dict(),
            published_at=timezone.now(),
            issuing_body=masthead.issuing_body,
            report_to=masthead.report_to,
            send_to=masthead.send_to,
            distribute_to=masthead.distribute_to,
            print_count=masthead.print_count,
        )
        counting.store_lines(locked, figures)
        _propose_deductions(locked, figures, by)
    month.refresh_from_db()
    return month


def _propose_deductions(month: AdoptionMonth, figures: counting.Figures, by) -> None:
    """每少报一次扣N分: one proposal per department that missed calls."""
    per_call = figures.rules.window_deduction
    if not per_call:
        return
    by_department: dict[int, list[counting.Miss]] = {}
    for miss in figures.misses:
        by_department.setdefault(miss.department.pk, []).append(miss)
    for misses in by_department.values():
        department = misses[0].department
        proposal = AdoptionProposal.objects.create(
            month=month,
            department=department,
            missed=len(misses),
            points=-(per_call * len(misses)),
            reason=(
                f"信息报送考核：{month.label}缺报信息{len(misses)}次"
                f"（每少报一次扣{counting.format_points(per_call)}分）。"
            ),
            evidence="；".join(miss.label for miss in misses),
        )
        proposal.transitions.create(actor=by, from_status="", to_status=proposal.status)
        log_transition(actor=by, obj=proposal, old="", new=proposal.status)


# --- 批示 and joint items ----------------------------------------------------------------------


def _issued_department_item(submission: Submission) -> Issue:
    """The item's issue as it is now; refused unless the item is printed in it."""
    submission = Submission.objects.select_related("section__issue__series").get(pk=submission.pk)
    issue = submission.section.issue
    if issue.status != Issue.Status.ISSUED or submission.status != Submission.Status.ACCEPTED:
        raise AdoptionError(_("Only an item printed in an issued bulletin earns a 批示 bonus."))
    if not submission.department_id:
        raise AdoptionError(_("This is the centre's own text: it counts for no department."))
    return issue


def instruction_record(
    *,
    submission: Submission,
    by: User | None,
    level: str,
    leader: str,
    date: datetime.date,
    text: str,
    today: datetime.date | None = None,
) -> Instruction:
    """A leader's 批示 on an issued item; its bonus counts in the month of `date`."""
    _require_role(by, Role.EDITOR)
    issue = _issued_department_item(submission)
    if level not in Instruction.Level.values:
        raise AdoptionError(_("Choose the leader's level."))
    if not leader.strip() or not text.strip():
        raise AdoptionError(_("Name the leader and write what the 批示 says."))
    today = today or timezone.localdate()
    if issue.issue_date and date < issue.issue_date:
        raise AdoptionError(
            _("The 批示 cannot be older than the bulletin (印发日期 %(day)s).")
            % {"day": issue.issue_date_label}
        )
    if date > today:
        raise AdoptionError(_("The 批示 cannot be dated in the future."))
    with transaction.atomic():
        _lock_open(hall=issue.series.hall_id, day=date, by=by)
        return Instruction.objects.create(
            submission=submission,
            level=level,
            leader=leader.strip(),
            date=date,
            text=text.strip(),
            recorded_by=by,
        )


def instruction_delete(*, instruction: Instruction, by: User | None) -> None:
    """A 批示 recorded by mistake, while its month is open."""
    _require_role(by, Role.EDITOR)
    hall = instruction.submission.section.issue.series.hall_id
    with transaction.atomic():
        _lock_open(hall=hall, day=instruction.date, by=by)
        Instruction.objects.filter(pk=instruction.pk).delete()


def joint_set(
    *, submission: Submission, by: User | None, departments: list[Department]
) -> list[Department]:
    """The further departments of a joint item (合报), replacing those set before.

    Until the item's issue is issued the month it counts in is not known; after that,
    only while that month is open."""
    _require_role(by, Role.EDITOR)
    if not submission.department_id:
        raise AdoptionError(_("This is the centre's own text: it counts for no department."))
    issue = Issue.objects.select_related("series").get(pk=submission.section.issue_id)
    hall = issue.series.hall_id
    if any(d.hall_id != hall for d in departments):
        raise AdoptionError(_("A joint department must be stationed in the hall."))
    others = [d for d in departments if d.pk != submission.department_id]
    with transaction.atomic():
        locked = Issue.objects.select_for_update().get(pk=issue.pk)
        if locked.status == Issue.Status.ISSUED and locked.issue_date:
            _lock_open(hall=hall, day=locked.issue_date, by=by)
        JointCredit.objects.filter(submission=submission).exclude(department__in=others).delete()
        have = set(submission.joint_credits.values_list("department_id", flat=True))
        JointCredit.objects.bulk_create(
            JointCredit(submission=submission, department=d) for d in others if d.pk not in have
        )
    return others


# --- the window link ---------------------------------------------------------------------


def proposal_confirm(*, proposal: AdoptionProposal, by: User | None) -> ScoreEntry:
    """The scorer turns a missed-call proposal into a deduction of the month's window
    assessment (scoring's own services record it)."""
    month = proposal.month
    score_month = scoring.month_open(month=month.month, hall=month.hall_id)
    with transaction.atomic():
        transition(proposal, "confirm", by=by)
        entry = scoring.entry_add(
            month=score_month,
            department=proposal.department,
            date=month.last_day,
            points=Decimal(proposal.points),
            reason=proposal.reason,
            clause=_("information reporting: missed calls"),
            evidence=proposal.evidence,
            by=by,
        )
        AdoptionProposal.objects.filter(pk=proposal.pk).update(entry=entry)
    proposal.entry = entry
    return entry


def proposal_dismiss(*, proposal: AdoptionProposal, by: User | None, comment: str = "") -> None:
    transition(proposal, "dismiss", by=by, comment=comment)


# --- the 通报 as an issue's 附件 -----------------------------------------------------------------


def issue_attach_report(*, issue: Issue, by: User | None, month: AdoptionMonth) -> Section:
    """Print a published month's 通报 (its summary and ranking table) as the issue's
    last 附件."""
    month.require("attach", by)
    if month.hall_id != issue.series.hall_id:
        raise AdoptionError(_("The 通报 is another hall's."))
    with editing(issue, by) as locked:
        if locked.sections.filter(adoption_report=month).exists():
            raise AdoptionError(
                _("The 通报 of %(month)s is already attached to this issue.")
                % {"month": month.label}
            )
        position = (locked.sections.aggregate(m=Max("position"))["m"] or 0) + 1
        return Section.objects.create(
            issue=locked,
            position=position,
            level=1,
            title=month.report_title,
            kind=Section.Kind.ATTACHMENT,
            body=month.summary,
            adoption_report=month,
        )


__all__ = [
    "AdoptionError",
    "instruction_delete",
    "instruction_record",
    "issue_attach_report",
    "joint_set",
    "month_end",
    "month_label",
    "month_open",
    "month_publish",
    "proposal_confirm",
    "proposal_dismiss",
    "rules_save",
]
