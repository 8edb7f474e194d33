"""The editor's assembly page: outline, order, the centre's text, records, generated prose."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bulletin import generate, services
from bulletin.access import get_issue_for_user, get_section_for_user, get_submission_for_user
from bulletin.forms import (
    AttachScoresForm,
    RoundLinkForm,
    SectionForm,
    SectionTextForm,
    StatisticFormSet,
)
from bulletin.models import Issue, Section, Submission, number_sections
from lib.diff import char_diff
from lib.forms import RecordsVersionForm
from lib.text import parse_number


def _back(section: Section):
    return redirect(f"/issues/{section.issue_id}/assemble/#section-{section.pk}")


@login_required
def assemble(request, pk: int):
    return _assemble_page(request, get_issue_for_user(request, pk, step="edit"))


def _assemble_page(
    request, issue: Issue, *, edited: SectionForm | None = None, new_form=None, attach_form=None
):
    """The assembly page. A section form that failed (`edited`, or `new_form` for a new
    section) is shown in its place with its errors and the text the user typed."""
    sections = issue.sections.prefetch_related(
        Prefetch(
            "submissions",
            queryset=Submission.objects.accepted()
            .select_related("department")
            .order_by("position", "pk"),
            to_attr="accepted_items",
        )
    )
    rows = [
        (
            section,
            marker,
            edited
            if edited is not None and edited.instance.pk == section.pk
            else SectionForm(instance=section, prefix=f"s{section.pk}"),
        )
        for section, marker in number_sections(sections)
        if section.kind != Section.Kind.ATTACHMENT
    ]
    return render(
        request,
        "bulletin/assemble.html",
        {
            "issue": issue,
            "rows": rows,
            "new_form": new_form or SectionForm(prefix="new"),
            "attach_form": attach_form or AttachScoresForm(),
            "attachments": [s for s in sections if s.kind == Section.Kind.ATTACHMENT],
            "generated_kinds": generate.GENERATED_KINDS,
        },
    )


@require_POST
@login_required
def section_add(request, pk: int):
    issue = get_issue_for_user(request, pk, step="edit")
    form = SectionForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            services.section_add(
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
            return redirect("bulletin:assemble", pk=issue.pk)
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
    versions = section.versions.select_related("saved_by")
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
    """The figures of a statistics section, or the inspection round of an inspection one."""
    section = get_section_for_user(request, pk, step="edit")
    if section.kind == Section.Kind.INSPECTION:
        return _section_round(request, section)
    if section.kind != Section.Kind.STATISTICS:
        return _back(section)
    queryset = section.issue.statistics.all()
    formset = StatisticFormSet(request.POST or None, queryset=queryset)
    version = RecordsVersionForm(request.POST or None, initial={"version": section.version})
    if request.method == "POST" and formset.is_valid() and version.is_valid():
        saved = formset.save(commit=False)
        try:
            services.section_save_statistics(
                section=section,
                by=request.user,
                version=version.cleaned_data["version"],
                saved=saved,
                deleted=formset.deleted_objects,
            )
        except services.WorkflowError as exc:
            version.add_error(None, str(exc))  # the typed figures stay in the form
        else:
            messages.success(request, _("Records saved. Generate the text to use them."))
            return _back(section)
    return render(
        request,
        "bulletin/section_records.html",
        {"section": section, "formset": formset, "version_form": version},
    )


def _section_round(request, section: Section):
    issue = section.issue
    form = RoundLinkForm(request.POST or None, initial={"round": issue.inspection_round_id})
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
    form = AttachScoresForm(request.POST)
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
