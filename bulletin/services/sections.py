"""Assembling an issue: its outline, the centre's own text, generated prose, order."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bulletin import generate
from bulletin.models import Issue, Section, SectionVersion, Submission
from bulletin.services.submissions import Conflict, WorkflowError
from scoring import services as scoring
from scoring.models import InspectionRound, ScoreMonth


def _editable(issue: Issue) -> None:
    if issue.status not in Issue.TAKES_SUBMISSIONS:
        raise WorkflowError(_("Nothing can be changed in an issue in review or later."))


def section_add(*, issue: Issue, title: str, level: int, kind: str) -> Section:
    _editable(issue)
    with transaction.atomic():
        last = issue.sections.exclude(kind=Section.Kind.ATTACHMENT).aggregate(m=Max("position"))
        position = (last["m"] or 0) + 1
        # Attachments stay at the end: make room before them.
        for section in issue.sections.filter(position__gte=position).order_by("-position"):
            Section.objects.filter(pk=section.pk).update(position=F("position") + 1)
        return Section.objects.create(
            issue=issue, position=position, title=title, level=level, kind=kind
        )


def section_attach_scores(*, issue: Issue, month: ScoreMonth) -> Section:
    """Print a frozen month's window scores as the issue's last 附件."""
    _editable(issue)
    if not month.is_frozen:
        raise WorkflowError(_("Only a frozen month can be printed in a bulletin."))
    position = (issue.sections.aggregate(m=Max("position"))["m"] or 0) + 1
    return Section.objects.create(
        issue=issue,
        position=position,
        level=1,
        title=f"{month.label}省政务服务大厅进驻部门（单位）窗口考核结果",
        kind=Section.Kind.ATTACHMENT,
        score_month=month.month,
    )


def issue_link_round(*, issue: Issue, round_: InspectionRound | None, by) -> InspectionRound:
    """The round the issue's 大厅巡查 section reports; None starts one for its period."""
    _editable(issue)
    with transaction.atomic():
        if round_ is None:
            round_ = scoring.inspection_round_create(
                date=issue.period_end or issue.period_start or timezone.localdate(),
                inspector=str(by),
            )
        Issue.objects.filter(pk=issue.pk).update(inspection_round=round_)
    issue.inspection_round = round_
    return round_


def section_update(
    *, section: Section, title: str, level: int, kind: str, prose_style: str
) -> Section:
    _editable(section.issue)
    section.title, section.level, section.kind = title, level, kind
    section.prose_style = prose_style
    section.save(update_fields=["title", "level", "kind", "prose_style"])
    return section


def section_delete(*, section: Section) -> None:
    _editable(section.issue)
    if section.submissions.exists():
        raise WorkflowError(
            _("This section holds department items: move or mark them not used first.")
        )
    section.delete()


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


def section_place(*, section: Section, index: int) -> None:
    """Put a section at `index` (0-based) among the body sections; attachments stay last."""
    _editable(section.issue)
    body = list(section.issue.sections.exclude(kind=Section.Kind.ATTACHMENT))
    attachments = list(section.issue.sections.filter(kind=Section.Kind.ATTACHMENT))
    _renumber(Section, [*_place(body, section, index), *attachments])


def section_move(*, section: Section, direction: int) -> None:
    body = list(section.issue.sections.exclude(kind=Section.Kind.ATTACHMENT))
    index = next(i for i, s in enumerate(body) if s.pk == section.pk)
    section_place(section=section, index=index + direction)


def _printed_items(submission: Submission) -> list[Submission]:
    """The items the bulletin prints, in order: the ones being ordered on the page."""
    return list(submission.section.submissions.accepted().order_by("position", "pk"))


def submission_place(*, submission: Submission, index: int) -> None:
    _editable(submission.section.issue)
    if submission.status != Submission.Status.ACCEPTED:
        raise WorkflowError(_("Only accepted items are put in order."))
    _renumber(Submission, _place(_printed_items(submission), submission, index))


def submission_move(*, submission: Submission, direction: int) -> None:
    items = _printed_items(submission)
    index = next((i for i, s in enumerate(items) if s.pk == submission.pk), None)
    if index is None:
        raise WorkflowError(_("Only accepted items are put in order."))
    submission_place(submission=submission, index=max(0, index + direction))


def _keep(section: Section, by) -> None:
    if section.body.strip():
        SectionVersion.objects.create(
            section=section, number=section.version, body=section.body, saved_by=by
        )


def section_save_text(*, section: Section, body: str, version: int, by=None) -> Section:
    """The editor's text for a section, refused when someone saved in between."""
    _editable(section.issue)
    if body == section.body:
        return section
    with transaction.atomic():
        changed = Section.objects.filter(pk=section.pk, version=version).update(
            body=body, version=F("version") + 1
        )
        if changed:
            _keep(section, by)
    if not changed:
        raise Conflict(
            _(
                "Someone else saved this section while you were editing it. Your text is "
                "still in the form: copy it, reload the page and apply it again."
            )
        )
    section.body, section.version = body, version + 1
    return section


def section_generate(
    *, section: Section, overwrite: bool = False, version: int | None = None, by=None
) -> generate.Generated:
    """Write the section's prose from its records; never over a hand edit unless asked."""
    _editable(section.issue)
    if section.kind not in generate.GENERATED_KINDS:
        raise WorkflowError(_("Only statistics, leader visits and inspection are generated."))
    if generate.is_hand_edited(section) and (
        not overwrite or (version is not None and version != section.version)
    ):
        # Asked again when the text changed after the confirmation page was shown.
        raise generate_needs_confirmation(section)
    generated = generate.generate_section(section)
    with transaction.atomic():
        if generated.text != section.body:
            _keep(section, by)
        Section.objects.filter(pk=section.pk).update(
            body=generated.text, generated_body=generated.text, version=F("version") + 1
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
