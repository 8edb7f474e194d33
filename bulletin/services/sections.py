"""Assembling an issue: its outline, the centre's own text, records, generated prose,
order, calls and attachments. Every write happens inside `editing()`: the issue row
locked and Issue.can("edit", by) checked for the issue as it is at that moment."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bulletin import generate
from bulletin.models import (
    Issue,
    Section,
    SectionVersion,
    Statistic,
    StatisticOpening,
    Submission,
)
from bulletin.services.editing import editing
from lib.workflow import Conflict, WorkflowError
from scoring import services as scoring
from scoring.models import InspectionRound, ScoreMonth


def _stale(what: str) -> Conflict:
    return Conflict(
        _(
            "Someone else saved %(what)s while you were editing it. What you typed is "
            "still in the form: copy it, reload the page and apply it again."
        )
        % {"what": what}
    )


def _bump(section: Section, version: int, **fields) -> None:
    """Write `fields` if the section is still at `version`; refuse a stale form."""
    changed = Section.objects.filter(pk=section.pk, version=version).update(
        version=F("version") + 1, **fields
    )
    if not changed:
        raise _stale(_("this section"))
    for name, value in fields.items():
        setattr(section, name, value)
    section.version = version + 1


def section_add(*, issue: Issue, by, title: str, level: int, kind: str) -> Section:
    with editing(issue, by):
        last = issue.sections.exclude(kind=Section.Kind.ATTACHMENT).aggregate(m=Max("position"))
        position = (last["m"] or 0) + 1
        # Attachments stay at the end: make room before them.
        for section in issue.sections.filter(position__gte=position).order_by("-position"):
            Section.objects.filter(pk=section.pk).update(position=F("position") + 1)
        return Section.objects.create(
            issue=issue, position=position, title=title, level=level, kind=kind
        )


def section_update(
    *,
    section: Section,
    by,
    version: int,
    title: str,
    level: int,
    kind: str,
    prose_style: str,
    item_style: str | None = None,
) -> Section:
    fields = {"title": title, "level": level, "kind": kind, "prose_style": prose_style}
    if item_style is not None:
        fields["item_style"] = item_style
    with editing(section.issue, by):
        _bump(section, version, **fields)
    return section


def section_delete(*, section: Section, by) -> None:
    with editing(section.issue, by):
        if section.submissions.exists():
            raise WorkflowError(
                _("This section holds department items: move or mark them not used first.")
            )
        section.delete()


def section_call(*, section: Section, by, deadline: datetime.datetime) -> Section:
    """Call for department items to this section until `deadline`."""
    with editing(section.issue, by) as issue:
        if issue.status != Issue.Status.COLLECTING:
            raise WorkflowError(_("The collection is closed: no new calls for items."))
        Section.objects.filter(pk=section.pk).update(call_deadline=deadline)
    section.call_deadline = deadline
    return section


def section_attach_scores(*, issue: Issue, by, month: ScoreMonth) -> Section:
    """Print a frozen month's window scores as the issue's last 附件: a month of the
    hall of the issue's series."""
    month.require("attach", by)
    if month.hall_id != issue.series.hall_id:
        raise WorkflowError(_("That month is another hall's assessment."))
    with editing(issue, by) as locked:
        # Once per issue: a double click or a second editor does not print it twice.
        attached = locked.sections.filter(kind=Section.Kind.ATTACHMENT, score_month=month.month)
        if attached.exists():
            raise WorkflowError(
                _("%(month)s is already attached to this issue.") % {"month": month.label}
            )
        position = (issue.sections.aggregate(m=Max("position"))["m"] or 0) + 1
        return Section.objects.create(
            issue=issue,
            position=position,
            level=1,
            title=month.table_title,
            kind=Section.Kind.ATTACHMENT,
            score_month=month.month,
        )


def issue_link_round(*, issue: Issue, round_: InspectionRound | None, by) -> InspectionRound:
    """The round the issue's 大厅巡查 section reports; None starts one for its period.
    A round of another hall is not the issue's to report."""
    hall = issue.series.hall_id
    if round_ is not None and round_.hall_id != hall:
        raise WorkflowError(_("That round inspected another hall."))
    with editing(issue, by):
        if round_ is None:
            # The series' checklist when it keeps one; else the latest round's topics.
            round_ = scoring.inspection_round_create(
                date=issue.period_end or issue.period_start or timezone.localdate(),
                inspector=str(by),
                hall=hall,
                topics=issue.series.checklist() or None,
            )
        Issue.objects.filter(pk=issue.pk).update(inspection_round=round_)
    issue.inspection_round = round_
    return round_


def _renumber(model, ordered: list) -> None:
    """Write positions 1…n in the given order without breaking unique positions."""
    with transaction.atomic():
        offset = len(ordered) + 1000
        for n, obj in enumerate(ordered, start=1):
            model.objects.filter(pk=obj.pk).update(position=offset + n)
        for n, obj in enumerate(ordered, start=1):
            model.objects.filter(pk=obj.pk).update(position=n)


def _place(rows: list, moving, index: int) -> list:
    rows = [row for row in rows if row.pk != moving.pk]
    index = max(0, min(index, len(rows)))
    return [*rows[:index], moving, *rows[index:]]


def _groups(section: Section) -> tuple[list[Section], list[Section]]:
    """The body sections and the attachments, which always come after them."""
    sections = list(section.issue.sections.all())
    body = [s for s in sections if s.kind != Section.Kind.ATTACHMENT]
    return body, [s for s in sections if s.kind == Section.Kind.ATTACHMENT]


def section_place(*, section: Section, by, index: int) -> None:
    """Put a section at `index` (0-based) among its group: body sections or attachments."""
    with editing(section.issue, by):
        body, attachments = _groups(section)
        if section.kind == Section.Kind.ATTACHMENT:
            attachments = _place(attachments, section, index)
        else:
            body = _place(body, section, index)
        _renumber(Section, [*body, *attachments])


def section_move(*, section: Section, by, direction: int) -> None:
    body, attachments = _groups(section)
    group = attachments if section.kind == Section.Kind.ATTACHMENT else body
    index = next(i for i, s in enumerate(group) if s.pk == section.pk)
    section_place(section=section, by=by, index=max(0, index + direction))


def _printed_items(submission: Submission) -> list[Submission]:
    """The items the bulletin prints, in order: the ones being ordered on the page."""
    return list(submission.section.submissions.accepted().order_by("position", "pk"))


def submission_place(*, submission: Submission, by, index: int) -> None:
    with editing(submission.section.issue, by):
        submission.require("reorder", by)
        _renumber(Submission, _place(_printed_items(submission), submission, index))


def submission_move(*, submission: Submission, by, direction: int) -> None:
    submission.require("reorder", by)
    items = _printed_items(submission)
    index = next(i for i, s in enumerate(items) if s.pk == submission.pk)
    submission_place(submission=submission, by=by, index=max(0, index + direction))


def _keep(section: Section, by) -> None:
    if section.body.strip():
        SectionVersion.objects.create(
            section=section, number=section.version, body=section.body, saved_by=by
        )


def section_save_text(*, section: Section, body: str, version: int, by) -> Section:
    """The editor's text for a section, refused when someone saved in between."""
    with editing(section.issue, by):
        if body == section.body:
            return section  # nothing typed is lost by not saving it twice
        old = Section(pk=section.pk, body=section.body, version=version)
        _bump(section, version, body=body)
        _keep(old, by)
    return section


# An opening balance the page did not show (a new row, a renamed measure).
NOT_SHOWN = object()


@dataclass
class OpeningChange:
    """The editor's opening balance (期初累计) of a measure for the issue's year: `value`
    None removes it; `seen` is what the page showed, or NOT_SHOWN."""

    label: str
    value: int | None
    seen: object = NOT_SHOWN


class ImplausibleFigures(WorkflowError):
    """Figures that look mistyped: saved only once the editor confirms these doubts."""

    def __init__(self, doubts: list[str]):
        self.doubts = doubts
        self.token = doubts_token(doubts)
        super().__init__(_("Check these figures, then confirm to save them as they are."))


def doubts_token(doubts: list[str]) -> str:
    """What a confirmation answers: other doubts (the figures changed again) ask again."""
    return hashlib.sha256("\n".join(doubts).encode()).hexdigest()[:32]


def section_save_statistics(
    *,
    section: Section,
    by,
    version: int,
    saved: list[Statistic],
    deleted: list[Statistic],
    openings: list[OpeningChange] = (),
    confirmed: str = "",
) -> None:
    """The figures of the issue and the year's opening balances, as edited in the
    statistics section's records form. Rows keep the order they were entered in, new
    ones after them. Figures that look mistyped (generate.statistics_doubts) are
    refused with ImplausibleFigures unless `confirmed` answers exactly those doubts."""
    with editing(section.issue, by) as issue:
        _bump(section, version)
        before = generate.last_year_to_date(issue)
        try:
            with transaction.atomic():
                Statistic.objects.filter(
                    pk__in=[s.pk for s in deleted if s.pk], issue=issue
                ).delete()
                last = issue.statistics.aggregate(m=Max("position"))["m"] or 0
                for record in saved:
                    if record.pk is None:
                        last += 1
                        record.position = last
                    record.issue = issue
                    record.save()
        except IntegrityError:
            raise WorkflowError(_("Each measure may appear only once.")) from None
        for change in openings:
            _save_opening(issue, change)
        doubts = generate.statistics_doubts(issue, before=before)
        if doubts and confirmed != doubts_token(doubts):
            raise ImplausibleFigures(doubts)  # rolls all of it back


def _save_opening(issue: Issue, change: OpeningChange) -> None:
    """Set one opening balance if it is still what the page showed."""
    rows = StatisticOpening.objects.filter(
        series_id=issue.series_id, year=issue.year, label=change.label
    )
    current = rows.select_for_update().first()
    stored = current.value if current else None
    if change.seen is not NOT_SHOWN and stored != change.seen:
        raise _opening_changed(change.label, stored)
    if change.value == stored:
        return
    if change.value is None:
        rows.delete()
    elif current is not None:
        rows.update(value=change.value)
    else:
        try:
            with transaction.atomic():
                StatisticOpening.objects.create(
                    series_id=issue.series_id, year=issue.year, label=change.label,
                    value=change.value,
                )  # fmt: skip
        except IntegrityError:  # another editor set it first
            now = rows.values_list("value", flat=True).first()
            raise _opening_changed(change.label, now) from None


def _opening_changed(label: str, now: int | None) -> Conflict:
    return Conflict(
        _(
            "The opening balance of %(label)s was changed meanwhile (now %(value)s): "
            "check it and save again."
        )
        % {"label": label, "value": "—" if now is None else now}
    )


def section_generate(
    *, section: Section, by, overwrite: bool = False, version: int | None = None
) -> generate.Generated:
    """Write the section's prose from its records; never over a hand edit unless asked."""
    with editing(section.issue, by):
        if section.kind not in generate.GENERATED_KINDS:
            raise WorkflowError(_("Only statistics, leader visits and inspection are generated."))
        if generate.is_hand_edited(section) and (
            not overwrite or (version is not None and version != section.version)
        ):
            # Asked again when the text changed after the confirmation page was shown.
            raise generate_needs_confirmation(section)
        generated = generate.generate_section(section)
        if generated.text != section.body:
            _keep(section, by)
        Section.objects.filter(pk=section.pk).update(
            body=generated.text,
            generated_body=generated.text,
            generated_from=generate.records_digest(section),
            version=F("version") + 1,
        )
        if section.kind == Section.Kind.LEADER_VISITS:
            generate.visits_for(section.issue).filter(issue__isnull=True).update(
                issue=section.issue
            )
    section.refresh_from_db()
    return generated


class NeedsConfirmation(WorkflowError):
    """The text was changed by hand since it was generated."""


def generate_needs_confirmation(section: Section) -> NeedsConfirmation:
    return NeedsConfirmation(
        _(
            "The text of %(title)s was changed by hand since it was generated. "
            "Regenerating replaces those changes."
        )
        % {"title": section.title}
    )
