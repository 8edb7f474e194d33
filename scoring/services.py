"""The window assessment: ledger entries, monthly totals, the month's life, objections."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.models import Department
from lib.audit import log_transition
from scoring.models import (
    BASE_SCORE,
    DEFAULT_CHECKLIST,
    InspectionItem,
    InspectionRound,
    Objection,
    ScoreEntry,
    ScoreMonth,
    WindowScore,
)


class ScoringError(Exception):
    """A step that cannot be taken; the message is for the user."""


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_open(*, month: datetime.date) -> ScoreMonth:
    """The assessment month, opened with the caps of the month before it."""
    month = first_of_month(month)
    existing = ScoreMonth.objects.filter(month=month).first()
    if existing:
        return existing
    previous = ScoreMonth.objects.filter(month__lt=month).order_by("-month").first()
    return ScoreMonth.objects.create(
        month=month,
        total_cap=previous.total_cap if previous else None,
        bonus_cap=previous.bonus_cap if previous else None,
    )


def _check_points(points: Decimal) -> None:
    if points == 0:
        raise ScoringError(_("An entry adds or takes points: zero is not an entry."))
    if (points * 2) != (points * 2).to_integral_value():
        raise ScoringError(_("Points go in steps of 0.5."))


def _writable(month: ScoreMonth) -> None:
    if month.is_frozen:
        raise ScoringError(
            _("%(month)s is frozen: record a correction in a later month instead.")
            % {"month": month.label}
        )


def entry_add(
    *,
    month: ScoreMonth,
    department: Department,
    date: datetime.date,
    points: Decimal,
    reason: str,
    by,
    clause: str = "",
    evidence: str = "",
    corrects: ScoreEntry | None = None,
) -> ScoreEntry:
    _writable(month)
    _check_points(points)
    if not reason.strip():
        raise ScoringError(_("Say why the points are added or taken."))
    corrected_month = ScoreMonth.objects.get(pk=corrects.month_id) if corrects else None
    if corrected_month and (not corrected_month.is_frozen or corrected_month.month >= month.month):
        raise ScoringError(_("A correction refers to an entry of an earlier, frozen month."))
    with transaction.atomic():
        locked = ScoreMonth.objects.select_for_update().get(pk=month.pk)
        _writable(locked)
        entry = ScoreEntry.objects.create(
            month=locked,
            department=department,
            date=date,
            points=points,
            reason=reason.strip(),
            clause=clause.strip(),
            evidence=evidence.strip(),
            corrects=corrects,
            recorded_by=by,
        )
        month_recompute(month=locked)
    return entry


def entry_delete(*, entry: ScoreEntry) -> None:
    with transaction.atomic():
        month = ScoreMonth.objects.select_for_update().get(pk=entry.month_id)
        _writable(month)
        entry.delete()
        month_recompute(month=month)


def month_recompute(*, month: ScoreMonth, departments: list[int] | None = None) -> None:
    """WindowScore rows from the ledger: 100 + deductions + bonuses, within the caps.

    Every active department has a line (100 when nothing happened), or, for a table
    entered as it was printed, the departments it lists. A bonus beyond the bonus cap,
    or beyond what the total cap leaves, does not count.
    """
    sums: dict[int, list[Decimal]] = {}
    for department_id, points in month.entries.values_list("department_id", "points"):
        minus_plus = sums.setdefault(department_id, [Decimal(0), Decimal(0)])
        minus_plus[0 if points < 0 else 1] += points
    existing = {s.department_id: s for s in WindowScore.objects.filter(month=month.month)}
    if departments is None:
        departments = list(Department.objects.active().values_list("pk", flat=True))
    department_ids = set(sums) | set(existing) | set(departments)
    new_lines, changed = [], []
    for department_id in department_ids:
        deduction, bonus = sums.get(department_id, [Decimal(0), Decimal(0)])
        if month.bonus_cap is not None:
            bonus = min(bonus, month.bonus_cap)
        if month.total_cap is not None:
            bonus = max(Decimal(0), min(bonus, month.total_cap - BASE_SCORE - deduction))
        line = existing.get(department_id)
        if line is None:
            new_lines.append(
                WindowScore(
                    department_id=department_id,
                    month=month.month,
                    base=BASE_SCORE,
                    deduction=deduction,
                    bonus=bonus,
                )
            )
        elif (line.base, line.deduction, line.bonus) != (BASE_SCORE, deduction, bonus):
            line.base, line.deduction, line.bonus = BASE_SCORE, deduction, bonus
            changed.append(line)
    # A few statements for the whole month, not one per department.
    WindowScore.objects.bulk_create(new_lines)
    WindowScore.objects.bulk_update(changed, ["base", "deduction", "bonus"])


def month_record_totals(
    *, month: ScoreMonth, rows: list[tuple[Department, Decimal, Decimal]], by, reason: str
) -> list[WindowScore]:
    """A month entered as totals (as the paper table has it), kept as ledger entries.

    Returns the month's score lines in the order of `rows`.
    """
    _writable(month)
    day = month.month
    with transaction.atomic():
        for department, deduction, bonus in rows:
            for points in (deduction, bonus):
                if points:
                    _check_points(points)
                    ScoreEntry.objects.create(
                        month=month,
                        department=department,
                        date=day,
                        points=points,
                        reason=reason,
                        recorded_by=by,
                    )
        month_recompute(month=month, departments=[d.pk for d, _, _ in rows])
    lines = {s.department_id: s for s in WindowScore.objects.filter(month=month.month)}
    return [lines[d.pk] for d, _, _ in rows]


def month_publish(*, month: ScoreMonth, deadline: datetime.datetime, by=None) -> ScoreMonth:
    if month.status != ScoreMonth.Status.OPEN:
        raise ScoringError(_("Only an open month can be published."))
    if deadline <= timezone.now():
        raise ScoringError(_("The objection deadline must be in the future."))
    with transaction.atomic():
        changed = ScoreMonth.objects.filter(pk=month.pk, status=ScoreMonth.Status.OPEN).update(
            status=ScoreMonth.Status.PUBLISHED,
            objection_deadline=deadline,
            published_at=timezone.now(),
        )
        if not changed:
            raise ScoringError(_("Someone else has just changed this month. Reload the page."))
        log_transition(actor=by, obj=month, old=month.status, new=ScoreMonth.Status.PUBLISHED)
    month.refresh_from_db()
    return month


def month_freeze(*, month: ScoreMonth, by=None) -> ScoreMonth:
    if month.status != ScoreMonth.Status.PUBLISHED:
        raise ScoringError(_("Only a published month can be frozen."))
    waiting = month.objections.filter(status=Objection.Status.OPEN).count()
    if waiting:
        raise ScoringError(
            _("%(count)d objection(s) still wait for an answer.") % {"count": waiting}
        )
    with transaction.atomic():
        changed = ScoreMonth.objects.filter(pk=month.pk, status=ScoreMonth.Status.PUBLISHED).update(
            status=ScoreMonth.Status.FROZEN, frozen_at=timezone.now()
        )
        if not changed:
            raise ScoringError(_("Someone else has just changed this month. Reload the page."))
        log_transition(actor=by, obj=month, old=month.status, new=ScoreMonth.Status.FROZEN)
    month.refresh_from_db()
    return month


def objection_file(
    *, month: ScoreMonth, department: Department, text: str, by, entry: ScoreEntry | None = None
) -> Objection:
    if not month.accepts_objections:
        raise ScoringError(_("Objections to %(month)s are closed.") % {"month": month.label})
    if entry is not None and (entry.month_id != month.pk or entry.department_id != department.pk):
        raise ScoringError(_("A department objects to its own lines only."))
    if not text.strip():
        raise ScoringError(_("Write what is wrong."))
    return Objection.objects.create(
        month=month, department=department, entry=entry, text=text.strip(), filed_by=by
    )


def objection_answer(*, objection: Objection, by, upheld: bool, answer: str) -> Objection:
    if not answer.strip():
        raise ScoringError(_("Write the answer."))
    if objection.month.is_frozen:
        raise ScoringError(_("The month is frozen."))
    changed = Objection.objects.filter(pk=objection.pk, status=Objection.Status.OPEN).update(
        status=Objection.Status.UPHELD if upheld else Objection.Status.REJECTED,
        answer=answer.strip(),
        answered_by=by,
        answered_at=timezone.now(),
    )
    if not changed:
        raise ScoringError(_("This objection has already been answered."))
    objection.refresh_from_db()
    return objection


# --- hall inspections ------------------------------------------------------------------

GOOD = "总体情况良好。"


def checklist_default() -> list[str]:
    """The topics a new round checks: those of the latest round, else the standard list."""
    latest = InspectionRound.objects.order_by("-date", "-pk").first()
    topics = latest.topics if latest else []
    return topics or list(DEFAULT_CHECKLIST)


def inspection_round_create(
    *, date: datetime.date, inspector: str, topics: list[str] | None = None
) -> InspectionRound:
    """A round with one line per topic, each 'overall good' until told otherwise."""
    if topics is None:
        topics = checklist_default()
    with transaction.atomic():
        round_ = InspectionRound.objects.create(date=date, inspector=inspector)
        InspectionItem.objects.bulk_create(
            InspectionItem(round=round_, position=n, topic=topic, finding=GOOD)
            for n, topic in enumerate(topics, start=1)
        )
    return round_


def finding_confirm(*, item: InspectionItem, by) -> ScoreEntry:
    """The scorer turns an inspection finding into a deduction of the round's month."""
    if item.proposal != InspectionItem.Proposal.PROPOSED or not item.department_id:
        raise ScoringError(_("This finding proposes no deduction."))
    month = month_open(month=item.round.date)
    with transaction.atomic():
        changed = InspectionItem.objects.filter(
            pk=item.pk, proposal=InspectionItem.Proposal.PROPOSED
        ).update(proposal=InspectionItem.Proposal.CONFIRMED)
        if not changed:
            raise ScoringError(_("This finding has already been decided."))
        entry = entry_add(
            month=month,
            department=item.department,
            date=item.round.date,
            points=item.proposed_points,
            reason=f"大厅巡查：{item.topic}。{item.finding}",
            clause=_("hall inspection"),
            evidence=f"{item.round.inspector} {item.round.date:%Y-%m-%d}",
            by=by,
        )
    return entry


def finding_dismiss(*, item: InspectionItem) -> None:
    changed = InspectionItem.objects.filter(
        pk=item.pk, proposal=InspectionItem.Proposal.PROPOSED
    ).update(proposal=InspectionItem.Proposal.DISMISSED)
    if not changed:
        raise ScoringError(_("This finding has already been decided."))
