"""The editor's assembly page: outline, order, the centre's text, records, generated prose."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bulletin import generate, services
from bulletin.access import get_issue_for_user, get_section_for_user, get_submission_for_user
from bulletin.adoption.forms import AttachReportForm
from bulletin.forms import (
    AttachScoresForm,
    RoundLinkForm,
    SectionForm,
    SectionTextForm,
    StatisticFormSet,
    VisitFormSet,
)
from bulletin.models import Issue, Section, Submission
from bulletin.printing.rendering import bulletin_context
from lib.diff import char_diff
from lib.forms import RecordsVersionForm
from lib.text import parse_number


def _back(section: Section):
    return redirect(f"{reverse('bulletin:assemble', args=[section.issue_id])}?section={section.pk}")


@login_required
def assemble(request, pk: int):
    return _assemble_page(request, get_issue_for_user(request, pk, step="edit"))


def _assemble_page(
    request, issue: Issue, *, edited: SectionForm | None = None, new_form=None, attach_form=None
):
    """组稿 on one screen: the outline, the selected section's fields, text and items,
    and the bulletin as it prints. A section form that failed (`edited`, or `new_form`
    for a new section) is shown with its errors and the text the user typed."""
    document = bulletin_context(issue)
    outline = document["body_sections"]
    wanted = edited.instance.pk if edited is not None else parse_number(request.GET.get("section"))
    selected, marker = next(
        ((s, m) for s, m in outline if s.pk == wanted), outline[0] if outline else (None, "")
    )
    context = {
        **document,
        "outline": outline,
        "selected": selected,
        "marker": marker,
        "new_form": new_form or SectionForm(prefix="new"),
        "attach_form": attach_form or AttachScoresForm(hall=issue.series.hall_id),
        # bulletin/adoption/includes/attach_form.html: a published 通报 as a 附件
        "adoption_attach_form": AttachReportForm(hall=issue.series.hall_id),
        "generated_kinds": generate.GENERATED_KINDS,
        "shown_for": SHOWN_FOR,
    }
    if selected is not None:
        context["form"] = edited or SectionForm(instance=selected, prefix=f"s{selected.pk}")
        context["text_form"] = SectionTextForm(
            initial={"body": selected.body, "version": selected.version}
        )
        # The preview's items have no department; the list in the middle names it.
        context["items"] = (
            Submission.objects.accepted()
            .filter(section=selected)
            .select_related("department")
            .order_by("position", "pk")
        )
    return render(request, "bulletin/assemble.html", context)


# The section kinds a field changes anything for; elsewhere it is hidden.
SHOWN_FOR = {
    "prose_style": " ".join([Section.Kind.LEADER_VISITS]),
    "item_style": " ".join([Section.Kind.ITEMS, Section.Kind.NEWS]),
}


@require_POST
@login_required
def section_add(request, pk: int):
    issue = get_issue_for_user(request, pk, step="edit")
    form = SectionForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            added = services.section_add(
                issue=issue,
                by=request.user,
                title=form.cleaned_data["title"],
                level=form.cleaned_data["level"],
                kind=form.cleaned_data["kind"],
            )
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))  # the typed title stays in the form
        else:
            messages.success(request, _("Section added."))
            return _back(added)
    return _assemble_page(request, issue, new_form=form)


@require_POST
@login_required
def section_edit(request, pk: int):
    section = get_section_for_user(request, pk, step="edit")
    form = SectionForm(request.POST, instance=Section.objects.get(pk=section.pk), prefix=f"s{pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.section_update(
                section=section,
                by=request.user,
                version=data["version"],
                title=data["title"],
                level=data["level"],
                kind=data["kind"],
                prose_style=data["prose_style"],
                item_style=data["item_style"],
            )
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))  # the typed title stays in the form
        else:
            messages.success(request, _("Section saved."))
            return _back(section)
    return _assemble_page(request, section.issue, edited=form)


@require_POST
@login_required
def section_delete(request, pk: int):
    section = get_section_for_user(request, pk, step="edit")
    try:
        services.section_delete(section=section, by=request.user)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
        return _back(section)
    messages.success(request, _("Section deleted."))
    return redirect("bulletin:assemble", pk=section.issue_id)


@require_POST
@login_required
def section_move(request, pk: int):
    section = get_section_for_user(request, pk, step="edit")
    target = request.POST.get("to", "")
    index = parse_number(target)
    try:
        if index is not None:  # dropped at a place (drag and drop)
            services.section_place(section=section, by=request.user, index=index)
        else:
            direction = -1 if target == "up" else 1
            services.section_move(section=section, by=request.user, direction=direction)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return _back(section)


@require_POST
@login_required
def submission_move(request, pk: int):
    item = get_submission_for_user(request, pk, step="reorder")
    target = request.POST.get("to", "")
    index = parse_number(target)
    try:
        if index is not None:
            services.submission_place(submission=item, by=request.user, index=index)
        else:
            direction = -1 if target == "up" else 1
            services.submission_move(submission=item, by=request.user, direction=direction)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return _back(item.section)


@login_required
def section_text(request, pk: int):
    section = get_section_for_user(request, pk, step="edit")
    form = SectionTextForm(
        request.POST or None, initial={"body": section.body, "version": section.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.section_save_text(
                section=section,
                by=request.user,
                body=form.cleaned_data["body"],
                version=form.cleaned_data["version"],
            )
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))  # the typed text stays in the form
        else:
            messages.success(request, _("Text saved."))
            return _back(section)
    versions = list(section.versions.select_related("saved_by"))
    return render(
        request,
        "bulletin/section_text.html",
        {"section": section, "form": form, "versions": versions},
    )


@require_POST
@login_required
def section_generate(request, pk: int):
    section = get_section_for_user(request, pk, step="edit")
    try:
        generated = services.section_generate(
            section=section,
            by=request.user,
            overwrite=request.POST.get("overwrite") == "1",
            version=parse_number(request.POST.get("version")),
        )
    except services.NeedsConfirmation as exc:
        return render(
            request,
            "bulletin/section_regenerate.html",
            {
                "section": section,
                "message": str(exc),
                "diff": char_diff(section.generated_body, section.body),
            },
        )
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
        return _back(section)
    for warning in generated.warnings:
        messages.warning(request, warning)
    messages.success(request, _("Text generated from the records; it can still be edited."))
    return _back(section)


@login_required
def section_records(request, pk: int):
    """The records a generated section's text comes from: the figures (and the year's
    opening balances) of a statistics section, the visits of a leader-visits one, the
    inspection round of an inspection one."""
    section = get_section_for_user(request, pk, step="edit")
    if section.kind == Section.Kind.INSPECTION:
        return _section_round(request, section)
    if section.kind == Section.Kind.LEADER_VISITS:
        return _section_visits(request, section)
    if section.kind != Section.Kind.STATISTICS:
        return _back(section)
    issue = section.issue
    openings = dict(issue.series.openings.filter(year=issue.year).values_list("label", "value"))
    formset = StatisticFormSet(
        request.POST or None, queryset=issue.statistics.all(), openings=openings
    )
    version = RecordsVersionForm(request.POST or None, initial={"version": section.version})
    doubts = None
    if request.method == "POST" and formset.is_valid() and version.is_valid():
        saved = formset.save(commit=False)
        try:
            services.section_save_statistics(
                section=section,
                by=request.user,
                version=version.cleaned_data["version"],
                saved=saved,
                deleted=formset.deleted_objects,
                openings=formset.opening_changes(),
                confirmed=request.POST.get("confirmed", ""),
            )
        except services.ImplausibleFigures as exc:
            doubts = exc  # asked on the same page, the typed figures kept
        except services.WorkflowError as exc:
            version.add_error(None, str(exc))  # the typed figures stay in the form
        else:
            messages.success(request, _("Records saved. Generate the text to use them."))
            return _back(section)
    return render(
        request,
        "bulletin/section_records.html",
        {"section": section, "formset": formset, "version_form": version, "doubts": doubts},
    )


def _section_visits(request, section: Section):
    """The visits the section reports, corrected or removed by the editor."""
    visits = generate.visits_for(section.issue)
    formset = VisitFormSet(request.POST or None, queryset=visits)
    error = None
    if request.method == "POST" and formset.is_valid():
        try:
            services.section_save_visits(
                section=section, by=request.user, changes=formset.changes()
            )
        except services.WorkflowError as exc:
            error = str(exc)  # what was typed stays in the form
        else:
            messages.success(request, _("Visits saved. Generate the text to use them."))
            return redirect("bulletin:section_records", pk=section.pk)
    return render(
        request,
        "bulletin/section_visits.html",
        {"section": section, "formset": formset, "error": error},
    )


def _section_round(request, section: Section):
    issue = section.issue
    form = RoundLinkForm(
        request.POST or None,
        initial={"round": issue.inspection_round_id},
        hall=issue.series.hall_id,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.issue_link_round(
                issue=issue, round_=form.cleaned_data["round"], by=request.user
            )
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Round chosen. Record the findings, then generate the text.")
            )
            return redirect("bulletin:section_records", pk=section.pk)
    round_ = issue.inspection_round
    items = list(round_.items.select_related("department")) if round_ else []
    return render(
        request,
        "bulletin/section_round.html",
        {"section": section, "form": form, "round": round_, "items": items},
    )


@require_POST
@login_required
def attach_scores(request, pk: int):
    """Print a frozen month's window scores as the issue's 附件."""
    issue = get_issue_for_user(request, pk, step="edit")
    form = AttachScoresForm(request.POST, hall=issue.series.hall_id)
    if form.is_valid():
        try:
            services.section_attach_scores(
                issue=issue, by=request.user, month=form.cleaned_data["month"]
            )
        except services.WorkflowError as exc:
            form.add_error("month", str(exc))
        else:
            messages.success(request, _("Attached to %(issue)s.") % {"issue": issue})
            return redirect("bulletin:assemble", pk=issue.pk)
    return _assemble_page(request, issue, attach_form=form)
