from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bulletin import services
from bulletin.access import get_submission_for_user
from bulletin.forms import ReturnForm, SubmissionForm, WordFileForm
from bulletin.models import Issue, Section, Submission
from bulletin.views.issues import render_queue
from departments.access import require_department_staff
from lib.diff import char_diff, has_changes


@login_required
def my_department(request):
    """我的部门: the open calls and the department's own items."""
    require_department_staff(request.user)
    department = request.user.department
    calls = (
        Section.objects.filter(call_deadline__isnull=False, issue__status=Issue.Status.COLLECTING)
        .filter(issue__series__hall_id=department.hall_id)
        .select_related("issue__series")
        .order_by("call_deadline")
    )
    items = (
        Submission.objects.for_department(department)
        .select_related("section__issue__series")
        .order_by("-updated_at")
    )
    visits = department.leader_visits.select_related("issue").order_by("-date")[:20]
    return render(
        request,
        "bulletin/my_department.html",
        {"department": department, "calls": calls, "items": items, "visits": visits},
    )


def visit_for_call_url(section: Section) -> str:
    """The visit form answering a leader-visits call."""
    return f"{reverse('bulletin:visit_new')}?section={section.pk}"


@login_required
def submission_new(request, pk: int):
    require_department_staff(request.user)
    section = get_object_or_404(
        Section.objects.select_related("issue__series").filter(
            call_deadline__isnull=False,
            issue__status=Issue.Status.COLLECTING,
            issue__series__hall_id=request.user.hall_scope,  # another hall's call: 404
        ),
        pk=pk,
    )
    if section.takes_visits:  # a 厅（局）长进大厅 call is answered with a visit
        return redirect(visit_for_call_url(section))
    form, word_form = SubmissionForm(request.POST or None), WordFileForm()
    if request.method == "POST" and request.POST.get("action") == "read_word":
        form, word_form = _read_word(request, {})
    elif request.method == "POST" and form.is_valid():
        try:
            item = services.submission_create(
                section=section,
                department=request.user.department,
                author=request.user,
                headline=form.cleaned_data["headline"],
                body=form.cleaned_data["body"],
                submit=request.POST.get("action") == "submit",
            )
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _saved_message(item))
            return redirect("bulletin:submission_detail", pk=item.pk)
    return render(
        request,
        "bulletin/submission_form.html",
        {"form": form, "word_form": word_form, "section": section},
    )


def _read_word(request, initial: dict) -> tuple[SubmissionForm, WordFileForm]:
    """读入Word文件: the item form filled from the uploaded file, to check before saving.
    A file that cannot be read gets its message at the file field; the typed text stays."""
    typed = {
        **initial,
        "headline": request.POST.get("headline", ""),
        "body": request.POST.get("body", ""),
    }
    if "version" in request.POST:
        typed["version"] = request.POST["version"]  # the version the user started from
    word_form = WordFileForm(request.POST, request.FILES)
    if word_form.is_valid():
        typed, left_out = word_form.fill(typed)
        messages.info(request, _("The Word file was read in: check the text, then save it."))
        if left_out:
            messages.warning(
                request, _("Left out, an item holds text only: %(what)s.") % {"what": left_out}
            )
        word_form = WordFileForm()
    return SubmissionForm(initial=typed), word_form


@login_required
def submission_edit(request, pk: int):
    """The department edits its draft or returned item; the editor revises the text of
    an accepted item (the department sees the change in the diff)."""
    item = get_submission_for_user(request, pk)
    user = request.user
    if user.is_department_staff:
        step, save = "edit", services.submission_update
    elif item.status == Submission.Status.SUBMITTED and item.can("accept", user):
        # Editors change a submitted item's text while accepting it, in the review queue.
        return redirect("bulletin:review_queue", pk=item.section.issue_id)
    else:
        step, save = "revise", services.submission_revise
    # A form posted from a page opened earlier is refused by the service, text kept.
    allowed = item.has_role_for(step, user) if request.method == "POST" else item.can(step, user)
    if not allowed:
        raise PermissionDenied
    # Not bound to the instance: the form must not overwrite the object it compares with.
    initial = {"headline": item.headline, "body": item.body, "version": item.version}
    form, word_form = SubmissionForm(request.POST or None, initial=initial), WordFileForm()
    if request.method == "POST" and request.POST.get("action") == "read_word":
        form, word_form = _read_word(request, initial)
    elif request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["version"] is None:
                raise services.Conflict(_("The page is out of date: reload it and edit again."))
            save(
                submission=item,
                by=user,
                headline=form.cleaned_data["headline"],
                body=form.cleaned_data["body"],
                version=form.cleaned_data["version"],
            )
            if user.is_department_staff and request.POST.get("action") == "submit":
                services.submission_submit(submission=item, by=user)
        except services.WorkflowError as exc:
            # The form keeps what the user typed.
            form.add_error(None, str(exc))
        else:
            messages.success(request, _saved_message(item))
            return redirect("bulletin:submission_detail", pk=item.pk)
    return render(
        request,
        "bulletin/submission_form.html",
        {"form": form, "word_form": word_form, "section": item.section, "item": item},
    )


@login_required
def submission_detail(request, pk: int):
    item = get_submission_for_user(request, pk)
    changed = item.status == Submission.Status.ACCEPTED and has_changes(item.sent_text, item.text)
    return render(
        request,
        "bulletin/submission_detail.html",
        {
            "item": item,
            "diff": char_diff(item.sent_text, item.text) if changed else None,
            "transitions": item.transitions.select_related("actor"),
            "history": item.text_history(item.versions.select_related("saved_by")),
            "return_form": ReturnForm(),
            "may": item.allowed(request.user),
        },
    )


def _step(request, pk: int, name: str, step, done: str, **kwargs):
    item = get_submission_for_user(request, pk, role_for=name)
    try:
        step(submission=item, by=request.user, **kwargs)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return item


def _saved_message(item: Submission) -> str:
    if item.status == Submission.Status.SUBMITTED:
        return _("Submitted to the editors.")
    if item.status == Submission.Status.ACCEPTED:
        return _("Saved: the bulletin prints the changed text.")
    return _("Saved as a draft. It reaches the editors when you submit it.")


@require_POST
@login_required
def submission_submit(request, pk: int):
    item = _step(request, pk, "submit", services.submission_submit, _("Submitted."))
    return redirect("bulletin:submission_detail", pk=item.pk)


@require_POST
@login_required
def submission_withdraw(request, pk: int):
    item = _step(
        request, pk, "withdraw", services.submission_withdraw, _("Withdrawn: it is a draft again.")
    )
    return redirect("bulletin:submission_detail", pk=item.pk)


@require_POST
@login_required
def submission_accept(request, pk: int):
    item = get_submission_for_user(request, pk, role_for="accept")
    edits = {}
    if "headline" in request.POST or "body" in request.POST:
        form = SubmissionForm(request.POST)
        if not form.is_valid() or form.cleaned_data["version"] is None:
            errors = " ".join(m for ms in form.errors.values() for m in ms)
            return _queue_again(request, item, errors or _("The page is out of date."))
        edits = {key: form.cleaned_data[key] for key in ("headline", "body", "version")}
    try:
        services.submission_accept(submission=item, by=request.user, **edits)
    except services.WorkflowError as exc:
        return _queue_again(request, item, str(exc))
    messages.success(request, _("Accepted."))
    return redirect("bulletin:review_queue", pk=item.section.issue_id)


def _queue_again(request, item: Submission, error: str):
    """The queue once more, the editor's text still in the item's form."""
    messages.error(request, error)
    kept = {"headline": request.POST.get("headline", ""), "body": request.POST.get("body", "")}
    return render_queue(request, item.section.issue, kept={item.pk: kept}, status=409)


@require_POST
@login_required
def submission_return(request, pk: int):
    item = get_submission_for_user(request, pk, role_for="return")
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.submission_return(
                submission=item, by=request.user, reason=form.cleaned_data["full_reason"]
            )
        except services.WorkflowError as exc:
            # Refused (the item moved on meanwhile): the queue again with the reason
            # the editor typed and why, not a redirect that loses it.
            form.add_error(None, str(exc))
            return render_queue(
                request, item.section.issue, return_form=form, return_for=item.pk, status=409
            )
        messages.success(request, _("Returned to the department."))
        return redirect("bulletin:review_queue", pk=item.section.issue_id)
    return render_queue(request, item.section.issue, return_form=form, return_for=item.pk)


@require_POST
@login_required
def submission_not_use(request, pk: int):
    item = get_submission_for_user(request, pk, role_for="not_use")
    was_accepted = item.status == Submission.Status.ACCEPTED
    _step(request, pk, "not_use", services.submission_not_use, _("Marked as not used."))
    if was_accepted:  # taken out of the issue on the assembly page
        return redirect("bulletin:assemble", pk=item.section.issue_id)
    return redirect("bulletin:review_queue", pk=item.section.issue_id)
