"""The window assessment: ledger entries, monthly totals, the month's life, objections."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.models import Department, User, default_hall
from lib.audit import log_transition
from lib.points import is_half_point
from lib.workflow import Conflict, WorkflowError, transition
from scoring.models import (
    BASE_SCORE,
    DEFAULT_CHECKLIST,
    InspectionItem,
    InspectionRound,
    Objection,
    ScoreEntry,
    ScoreMonth,
    ScoreNotice,
    WindowScore,
    format_score,
)


class ScoringError(WorkflowError):
    """A step of the assessment that cannot be taken; the message is for the user."""


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_open(*, month: datetime.date, hall: int | None = None) -> ScoreMonth:
    """The hall's assessment month (`hall`: its pk, the default hall if None), opened
    with the caps of the hall's month before it."""
    month = first_of_month(month)
    hall = hall or default_hall()
    months = ScoreMonth.objects.in_hall(hall)
    existing = months.filter(month=month).first()
    if existing:
        return existing
    previous = months.filter(month__lt=month).order_by("-month").first()
    return ScoreMonth.objects.create(
        hall_id=hall,
        month=month,
        total_cap=previous.total_cap if previous else None,
        bonus_cap=previous.bonus_cap if previous else None,
    )


def _check_points(points: Decimal) -> None:
    if points == 0:
        raise ScoringError(_("An entry adds or takes points: zero is not an entry."))
    if not is_half_point(points):
        raise ScoringError(_("Points go in steps of 0.5."))


def _lock_for_recording(month: ScoreMonth, by, step: str = "record") -> ScoreMonth:
    """The month row held for the rest of the transaction, refused unless `step` may be
    taken now: an entry or upload racing the freeze (or an edit racing the publication)
    waits for it and is then refused."""
    locked = ScoreMonth.objects.select_for_update().filter(pk=month.pk).first()
    if locked is None:
        raise ScoringError(_("This month has been deleted."))
    reason = locked.refusal(step, by)
    if reason is not None:
        if locked.is_frozen:
            reason = _("%(month)s is frozen: record a correction in a later month instead.") % {
                "month": locked.label
            }
        elif step == "amend" and locked.status == ScoreMonth.Status.PUBLISHED:
            reason = _(
                "%(month)s is published: its entries stay as the departments saw them. "
                "Record a further entry instead."
            ) % {"month": locked.label}
        raise ScoringError(reason)
    return locked


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
    source: str = ScoreEntry.Source.ENTRY,
) -> ScoreEntry:
    _check_points(points)
    if not reason.strip():
        raise ScoringError(_("Say why the points are added or taken."))
    corrected_month = ScoreMonth.objects.get(pk=corrects.month_id) if corrects else None
    if corrected_month and (
        not corrected_month.is_frozen
        or corrected_month.month >= month.month
        or corrected_month.hall_id != month.hall_id
    ):
        raise ScoringError(_("A correction refers to an entry of an earlier, frozen month."))
    if department.hall_id != month.hall_id:
        raise ScoringError(_("The department is not stationed in the month's hall."))
    if corrects is not None and corrects.department_id != department.pk:
        raise ScoringError(_("A correction is for the department of the entry it corrects."))
    with transaction.atomic():
        locked = _lock_for_recording(month, by)
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
            source=source,
        )
        month_recompute(month=locked)
    return entry


def entry_update(
    *,
    entry: ScoreEntry,
    by: User | None,
    department: Department,
    date: datetime.date,
    points: Decimal,
    reason: str,
    clause: str = "",
    evidence: str = "",
) -> ScoreEntry:
    """Change an entry while its month is open; the table follows at once."""
    _check_points(points)
    if department.hall_id != entry.month.hall_id:
        raise ScoringError(_("The department is not stationed in the month's hall."))
    if not reason.strip():
        raise ScoringError(_("Say why the points are added or taken."))
    with transaction.atomic():
        month = _lock_for_recording(entry.month, by, "amend")
        fields = {
            "department": department,
            "date": date,
            "points": points,
            "reason": reason.strip(),
            "clause": clause.strip(),
            "evidence": evidence.strip(),
        }
        ScoreEntry.objects.filter(pk=entry.pk).update(**fields)
        for name, value in fields.items():
            setattr(entry, name, value)
        month_recompute(month=month)
    return entry


def entry_delete(*, entry: ScoreEntry, by: User | None) -> None:
    """Delete an entry while its month is open; the table follows at once."""
    with transaction.atomic():
        month = _lock_for_recording(entry.month, by, "amend")
        entry.delete()
        month_recompute(month=month)


def month_delete(*, month: ScoreMonth, by: User | None) -> None:
    """A month opened by mistake: gone with its lines of 100, while it holds no entry."""
    with transaction.atomic():
        locked = ScoreMonth.objects.select_for_update().filter(pk=month.pk).first()
        if locked is None:
            return  # a double click: the first one deleted it
        locked.require("delete", by)
        locked.lines().delete()
        locked.delete()


def month_set_caps(
    *, month: ScoreMonth, by: User | None, total_cap: Decimal | None, bonus_cap: Decimal | None
) -> ScoreMonth:
    """Change the month's caps (None: no cap); its table follows at once."""
    if total_cap is not None and total_cap < BASE_SCORE:
        raise ScoringError(_("The highest total is at least the base score of 100."))
    if bonus_cap is not None and bonus_cap < 0:
        raise ScoringError(_("The highest bonus is zero or more."))
    for cap in (total_cap, bonus_cap):
        if cap is not None and not is_half_point(cap):
            raise ScoringError(_("Points go in steps of 0.5."))
    with transaction.atomic():
        locked = _lock_for_recording(month, by)
        ScoreMonth.objects.filter(pk=locked.pk).update(total_cap=total_cap, bonus_cap=bonus_cap)
        locked.total_cap, locked.bonus_cap = total_cap, bonus_cap
        month_recompute(month=locked)
    month.refresh_from_db()
    return month


def month_recompute(*, month: ScoreMonth, departments: list[int] | None = None) -> None:
    """WindowScore rows from the ledger: 100 + deductions + bonuses, within the caps.

    Every active department has a line (100 when nothing happened), or, for a table
    entered as it was printed, the departments it lists. A bonus beyond the bonus cap,
    or beyond what the total cap leaves, does not count.
    """
    if month.is_frozen:
        raise ScoringError(_("%(month)s is frozen.") % {"month": month.label})
    sums: dict[int, list[Decimal]] = {}
    for department_id, points in month.entries.values_list("department_id", "points"):
        minus_plus = sums.setdefault(department_id, [Decimal(0), Decimal(0)])
        minus_plus[0 if points < 0 else 1] += points
    existing = {s.department_id: s for s in month.lines()}
    if departments is None:
        departments = list(month.departments().active().values_list("pk", flat=True))
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
    *,
    month: ScoreMonth,
    rows: list[tuple[Department, Decimal, Decimal]],
    by,
    reason: str,
    source: str = ScoreEntry.Source.UPLOAD,
    keep_order: bool = False,
) -> tuple[list[WindowScore], int]:
    """A month entered as totals (as the paper table has it), kept as ledger entries.

    What an earlier table of the same month recorded is replaced, so the same file
    twice (or a double click) gives the same table; entries recorded one by one stay.
    Returns the month's score lines in the order of `rows` and how many entries of the
    earlier table were replaced. `keep_order` keeps the rows' order for ties, as a
    printed table has it.
    """
    day = month.month
    if any(department.hall_id != month.hall_id for department, _d, _b in rows):
        raise ScoringError(_("The department is not stationed in the month's hall."))
    with transaction.atomic():
        locked = _lock_for_recording(month, by)
        earlier = locked.entries.filter(source=source)
        replaced = earlier.count()
        if Objection.objects.filter(entry__in=earlier).exists():
            # An objection names its entry: the entry stays while the objection does.
            raise ScoringError(
                _(
                    "Departments have objected to entries of the table uploaded before: "
                    "it is not replaced. Record further entries instead."
                )
            )
        earlier.delete()
        entries = []
        for department, deduction, bonus in rows:
            for points in (deduction, bonus):
                if points:
                    _check_points(points)
                    entries.append(
                        ScoreEntry(
                            month=locked,
                            department=department,
                            date=day,
                            points=points,
                            reason=reason,
                            recorded_by=by,
                            source=source,
                        )
                    )
        ScoreEntry.objects.bulk_create(entries)
        month_recompute(month=locked, departments=[d.pk for d, _, _ in rows])
        lines = {s.department_id: s for s in locked.lines()}
        ordered = [lines[d.pk] for d, _, _ in rows]
        if keep_order:
            # A department the earlier table listed and this one does not keeps no place.
            locked.lines().exclude(pk__in=[line.pk for line in ordered]).update(table_position=None)
            for position, line in enumerate(ordered, start=1):
                line.table_position = position
            WindowScore.objects.bulk_update(ordered, ["table_position"])
    return ordered, replaced


def _notify(users, *, kind: str, month: ScoreMonth, message: str, objection=None) -> int:
    notices = ScoreNotice.objects.bulk_create(
        ScoreNotice(user=user, kind=kind, month=month, objection=objection, message=message)
        for user in users
    )
    return len(notices)


def _deadline_label(deadline: datetime.datetime) -> str:
    return timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")


def month_publish(*, month: ScoreMonth, deadline: datetime.datetime, by: User | None) -> ScoreMonth:
    """Show the month to the departments for objections; their clerks are told."""
    if deadline <= timezone.now():
        raise ScoringError(_("The objection deadline must be in the future."))
    with transaction.atomic():
        transition(
            month, "publish", by=by, objection_deadline=deadline, published_at=timezone.now()
        )
        clerks = User.objects.filter(
            role=User.Role.STAFF,
            is_active=True,
            department__is_active=True,
            department__hall=month.hall_id,
        )
        message = _(
            "The window assessment of %(month)s is published: check your lines and object "
            "to an entry by %(deadline)s."
        ) % {"month": month.label, "deadline": _deadline_label(deadline)}
        _notify(clerks, kind=ScoreNotice.Kind.PUBLISHED, month=month, message=message)
    return month


def month_freeze(
    *, month: ScoreMonth, by: User | None, before_deadline: bool = False
) -> ScoreMonth:
    """Freeze the month once every objection is answered. Before the objection deadline
    only when `before_deadline` says the scorer confirmed it (the departments that could
    still object lose the chance)."""
    with transaction.atomic():
        # Locked: an objection or entry racing the freeze waits, then sees it frozen.
        locked = ScoreMonth.objects.select_for_update().get(pk=month.pk)
        waiting = month.objections.filter(status=Objection.Status.OPEN).count()
        if waiting:
            raise ScoringError(
                _("%(count)d objection(s) still wait for an answer.") % {"count": waiting}
            )
        if locked.accepts_objections and not before_deadline:
            raise ScoringError(
                _(
                    "Departments may object to %(month)s until %(deadline)s: confirm that "
                    "it is frozen before the deadline."
                )
                % {"month": locked.label, "deadline": _deadline_label(locked.objection_deadline)}
            )
        transition(month, "freeze", by=by, frozen_at=timezone.now())
    return month


def month_freeze_printed(*, month: ScoreMonth) -> ScoreMonth:
    """A table imported from an issued bulletin: final as printed (the system's step)."""
    transition(month, "freeze_printed", by=None, frozen_at=timezone.now())
    return month


def objection_file(
    *,
    month: ScoreMonth,
    department: Department,
    entry: ScoreEntry | None,
    text: str,
    by: User | None,
) -> Objection:
    """A department objects to one of its entries of a published month; the scorers
    are told. An objection always names its entry."""
    month.require("object", by)
    if by is not None and by.department_id != department.pk:
        raise ScoringError(_("A department objects to its own lines only."))
    if entry is None:
        raise ScoringError(_("Name the entry you object to."))
    if entry.month_id != month.pk or entry.department_id != department.pk:
        raise ScoringError(_("A department objects to its own lines only."))
    if not text.strip():
        raise ScoringError(_("Write what is wrong."))
    with transaction.atomic():
        objection = Objection.objects.create(
            month=month, department=department, entry=entry, text=text.strip(), filed_by=by
        )
        objection.transitions.create(actor=by, from_status="", to_status=objection.status)
        log_transition(actor=by, obj=objection, old="", new=objection.status)
        message = _("%(department)s objects to its entry of %(month)s (%(entry)s): %(text)s") % {
            "department": department.label,
            "month": month.label,
            "entry": f"{format_score(entry.points)} {entry.reason[:40]}",
            "text": objection.text[:200],
        }
        # the month's hall's scorers (an administrator of no hall is every hall's)
        scorers = User.objects.filter(role=User.Role.SCORER, is_active=True).filter(
            Q(hall=month.hall_id) | Q(is_superuser=True, hall__isnull=True)
        )
        _notify(
            scorers,
            kind=ScoreNotice.Kind.OBJECTION,
            month=month,
            objection=objection,
            message=message,
        )
    return objection


def objection_answer(
    *, objection: Objection, by: User | None, upheld: bool, answer: str
) -> Objection:
    """The scorer's decision and answer (both always given); the department is told."""
    if not answer.strip():
        raise ScoringError(_("Write the answer."))
    with transaction.atomic():
        transition(
            objection,
            "uphold" if upheld else "reject",
            by=by,
            comment=answer.strip(),
            answer=answer.strip(),
            answered_by=by,
            answered_at=timezone.now(),
        )
        message = _("Your objection to %(month)s: %(decision)s. %(answer)s") % {
            "month": objection.month.label,
            "decision": objection.get_status_display(),
            "answer": objection.answer[:200],
        }
        clerks = User.objects.filter(
            role=User.Role.STAFF, is_active=True, department=objection.department_id
        )
        _notify(
            clerks,
            kind=ScoreNotice.Kind.ANSWER,
            month=objection.month,
            objection=objection,
            message=message,
        )
    return objection


def notice_open(*, notice: ScoreNotice) -> None:
    ScoreNotice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())


def notice_read(*, notice: ScoreNotice) -> None:
    """Mark one notice of the assessment read without opening its month."""
    ScoreNotice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())


def notice_read_all(*, user: User) -> int:
    return user.score_notices.unread().update(read_at=timezone.now())


# --- hall inspections ------------------------------------------------------------------

GOOD = "总体情况良好。"


def checklist_default(*, hall: int | None = None) -> list[str]:
    """The topics a new round checks: those of the hall's latest round (the default
    hall's if None), else the standard list."""
    hall = hall or default_hall()
    latest = InspectionRound.objects.filter(hall_id=hall).order_by("-date", "-pk").first()
    topics = latest.topics if latest else []
    return topics or list(DEFAULT_CHECKLIST)


def inspection_round_create(
    *, date: datetime.date, inspector: str, hall: int | None = None, topics: list[str] | None = None
) -> InspectionRound:
    """A round of the hall (`hall`: its pk, the default hall if None) with one line
    per topic, each 'overall good' until told otherwise."""
    hall = hall or default_hall()
    if topics is None:
        topics = checklist_default(hall=hall)
    with transaction.atomic():
        month = (
            ScoreMonth.objects.select_for_update()
            .filter(hall_id=hall, month=first_of_month(date))
            .first()
        )
        if month is not None and month.is_frozen:
            raise ScoringError(
                _("%(month)s is frozen: its inspections no longer change.") % {"month": month.label}
            )
        round_ = InspectionRound.objects.create(hall_id=hall, date=date, inspector=inspector)
        InspectionItem.objects.bulk_create(
            InspectionItem(round=round_, position=n, topic=topic, finding=GOOD)
            for n, topic in enumerate(topics, start=1)
        )
    return round_


def round_save_findings(
    *,
    round_: InspectionRound,
    by,
    version: int,
    saved: list[InspectionItem],
    deleted: list[InspectionItem],
) -> None:
    """The findings of a round as edited in its form, if nobody saved in between.

    A finding that names a department and points is proposed to the scorer; a decided
    finding is on record and neither changes nor goes.
    """
    with transaction.atomic():
        locked = InspectionRound.objects.select_for_update().get(pk=round_.pk)
        reason = locked.refusal(by)
        if reason is not None:
            raise ScoringError(reason)
        changed = InspectionRound.objects.filter(pk=locked.pk, version=version).update(
            version=F("version") + 1
        )
        if not changed:
            raise Conflict(
                _(
                    "Someone else saved these findings while you were editing them. What you "
                    "typed is still in the form: copy it, reload the page and apply it again."
                )
            )
        for item in deleted:
            item.require("edit", by)
            item.delete()
        for item in saved:
            if item.pk:
                InspectionItem.objects.get(pk=item.pk).require("edit", by)
            item.round = locked
            item.save()
            if item.proposed_points is not None and item.proposal == InspectionItem.Proposal.NONE:
                finding_propose(item=item, by=by)


def finding_propose(*, item: InspectionItem, by) -> None:
    """A saved finding that names a department and points goes to the scorer."""
    transition(item, "propose", by=by)


def finding_confirm(*, item: InspectionItem, by) -> ScoreEntry:
    """The scorer turns an inspection finding into a deduction of the round's month."""
    if not item.department_id or item.proposed_points is None:
        raise ScoringError(_("This finding proposes no deduction."))
    month = month_open(month=item.round.date, hall=item.round.hall_id)
    with transaction.atomic():
        transition(item, "confirm", by=by)
        entry = entry_add(
            month=month,
            department=item.department,
            date=item.round.date,
            points=item.proposed_points,
            reason=f"大厅巡查：{item.topic}。{item.finding}",
            clause=_("hall inspection"),
            evidence=f"{item.round.inspector} {item.round.date:%Y-%m-%d}",
            by=by,
            source=ScoreEntry.Source.INSPECTION,
        )
    return entry


def finding_dismiss(*, item: InspectionItem, by) -> None:
    transition(item, "dismiss", by=by)
