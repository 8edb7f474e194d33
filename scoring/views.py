import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from departments.access import require_role
from departments.models import Hall, User
from lib.forms import RecordsVersionForm
from lib.text import parse_number
from scoring import charts, excel, services
from scoring.access import (
    get_department_for_user,
    get_entry_for_user,
    get_finding_for_user,
    get_month_for_user,
    get_notice_for_user,
    get_objection_for_user,
    get_round_for_user,
    require_inspector,
)
from scoring.forms import (
    AnswerForm,
    CapsForm,
    CorrectionForm,
    EntryForm,
    FindingFormSet,
    MonthForm,
    ObjectionForm,
    PublishForm,
    RoundForm,
    UploadForm,
)
from scoring.models import InspectionRound, Objection, ScoreEntry, ScoreMonth, WindowScore

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


@login_required
def month_list(request):
    form = MonthForm(request.POST or None)
    if request.method == "POST":
        require_role(request.user, User.Role.SCORER)
        if form.is_valid():
            month = services.month_open(
                month=form.cleaned_data["month"], hall=request.user.working_hall_id
            )
            return redirect("scoring:month_detail", pk=month.pk)
    notices = request.user.score_notices.select_related("month")[:20]
    return render(
        request,
        "scoring/month_list.html",
        {
            "months": ScoreMonth.objects.visible_to(request.user).select_related("hall"),
            # an administrator of a province sees every hall's months: say whose
            "several_halls": request.user.is_superuser and Hall.objects.count() > 1,
            "form": form,
            "notices": notices,
        },
    )


@login_required
def month_detail(request, pk: int):
    return _month_page(request, get_month_for_user(request, pk))


def _month_page(request, month: ScoreMonth, **forms):
    """The month's page. An inline form that failed to validate is passed in `forms`
    (with `objection_for` / `answer_for`, the line it belongs to) and shown with its
    errors and the text the user typed."""
    user = request.user
    lines = month.lines().table()
    every = month.sees_every_line(user)
    if not every:
        lines = [line for line in lines if line.department_id == user.department_id]
    entries = month.entries.visible_to(user).select_related(
        "department", "recorded_by", "corrects__month"
    )
    objections = month.objections.select_related("department", "filed_by", "answered_by", "entry")
    if user.is_department_staff:
        objections = objections.filter(department=user.department)
    context = {
        "month": month,
        "lines": lines,
        "every": every,
        "entries": entries,
        "objections": objections,
        "entry_form": EntryForm(month=month, initial={"date": month.month}),
        "publish_form": PublishForm(),
        "objection_form": ObjectionForm(),
        "objection_for": None,
        "answer_form": AnswerForm(),
        "answer_for": None,
        "upload_form": UploadForm(),
        "caps_form": CapsForm(initial={"total_cap": month.total_cap, "bonus_cap": month.bonus_cap}),
        # Before the deadline the server asks for confirmation; after it the browser does.
        "freeze_early": month.accepts_objections,
        "may": month.allowed(user),
        "transitions": month.transitions.select_related("actor"),
        "chart": charts.distribution([line.total_score for line in lines]) if every else None,
        **forms,
    }
    return render(request, "scoring/month_detail.html", context)


def _done(request, target: ScoreMonth, step, message: str, **kwargs):
    try:
        step(**kwargs)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, message)
    return redirect("scoring:month_detail", pk=target.pk)


@require_POST
@login_required
def entry_add(request, pk: int):
    month = get_month_for_user(request, pk, role_for="record")
    form = EntryForm(request.POST, month=month)
    if not form.is_valid():
        return _month_page(request, month, entry_form=form)
    return _done(
        request,
        month,
        services.entry_add,
        _("Entry recorded."),
        month=month,
        by=request.user,
        **form.cleaned_data,
    )


@require_POST
@login_required
def entry_delete(request, pk: int):
    entry = get_entry_for_user(request, pk)
    if not entry.month.has_role_for("amend", request.user):
        raise PermissionDenied
    return _done(
        request,
        entry.month,
        services.entry_delete,
        _("Entry deleted."),
        entry=entry,
        by=request.user,
    )


def _entry_page_month(request, entry, step: str) -> ScoreMonth:
    """The entry's month, if the user may take `step` on it: a GET needs the month in
    the state for it, a POST only the role (the service refuses it under the row lock,
    and the page comes back with what was typed)."""
    month = entry.month
    allowed = (
        month.has_role_for(step, request.user)
        if request.method == "POST"
        else month.can(step, request.user)
    )
    if not allowed:
        raise PermissionDenied
    return month


@login_required
def entry_edit(request, pk: int):
    """Change an entry while its month is open (not yet seen by the departments)."""
    entry = get_entry_for_user(request, pk)
    month = _entry_page_month(request, entry, "amend")
    initial = {
        name: getattr(entry, name)
        for name in ("department", "date", "points", "reason", "clause", "evidence")
    }
    form = EntryForm(request.POST or None, month=month, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_update(entry=entry, by=request.user, **form.cleaned_data)
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))  # what was typed stays in the form
        else:
            messages.success(request, _("Entry changed."))
            return redirect("scoring:month_detail", pk=month.pk)
    return render(
        request,
        "scoring/entry_form.html",
        {"form": form, "entry": entry, "month": month, "correcting": False},
    )


@login_required
def entry_correct(request, pk: int):
    """Correct an entry of a frozen month by an entry of a later month, chosen from the
    entry it corrects: the same department, the later month picked here."""
    original = get_entry_for_user(request, pk)
    month = _entry_page_month(request, original, "correct")
    form = CorrectionForm(request.POST or None, original=original)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.entry_add(
                month=data["month"],
                department=original.department,
                corrects=original,
                by=request.user,
                date=data["date"],
                points=data["points"],
                reason=data["reason"],
                clause=data["clause"],
                evidence=data["evidence"],
            )
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Correction recorded."))
            return redirect("scoring:month_detail", pk=data["month"].pk)
    return render(
        request,
        "scoring/entry_form.html",
        {"form": form, "entry": original, "month": month, "correcting": True},
    )


@require_POST
@login_required
def month_caps(request, pk: int):
    """The month's caps, applied to its table at once."""
    month = get_month_for_user(request, pk, role_for="record")
    form = CapsForm(request.POST)
    if not form.is_valid():
        return _month_page(request, month, caps_form=form)
    return _done(
        request,
        month,
        services.month_set_caps,
        _("Caps saved: the table follows them."),
        month=month,
        by=request.user,
        **form.cleaned_data,
    )


@require_POST
@login_required
def month_delete(request, pk: int):
    month = get_month_for_user(request, pk, role_for="delete")
    try:
        services.month_delete(month=month, by=request.user)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("scoring:month_detail", pk=month.pk)
    messages.success(request, _("%(month)s deleted.") % {"month": month.label})
    return redirect("scoring:month_list")


@require_POST
@login_required
def month_publish(request, pk: int):
    month = get_month_for_user(request, pk, role_for="publish")
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _month_page(request, month, publish_form=form)
    return _done(
        request,
        month,
        services.month_publish,
        _("Published: departments can object until the deadline."),
        month=month,
        deadline=form.cleaned_data["deadline"],
        by=request.user,
    )


@require_POST
@login_required
def month_freeze(request, pk: int):
    """Freeze the month; before the objection deadline, only once the scorer has seen
    how many departments could still object and confirmed."""
    month = get_month_for_user(request, pk, role_for="freeze")
    confirmed = request.POST.get("confirm") == "1"
    if month.accepts_objections and not confirmed:
        return render(
            request,
            "scoring/month_freeze_confirm.html",
            {
                "month": month,
                "departments": month.departments_that_may_object(),
                "waiting": month.objections.filter(status=Objection.Status.OPEN).count(),
            },
        )
    return _done(
        request,
        month,
        services.month_freeze,
        _("Frozen: the month will not change."),
        month=month,
        by=request.user,
        before_deadline=confirmed,
    )


@require_POST
@login_required
def objection_file(request, pk: int):
    user = request.user
    month = get_month_for_user(request, pk, role_for="object")
    entry = None
    entry_id = request.POST.get("entry", "")
    if entry_id:
        # another department's line is not even there for this user; nor is "abc"
        entry = get_entry_for_user(request, parse_number(entry_id) or 0)
    form = ObjectionForm(request.POST)
    if entry is not None and not form.is_valid():
        return _month_page(request, month, objection_form=form, objection_for=entry.pk)
    # Without an entry the service refuses it: an objection names its entry.
    text = form.cleaned_data["text"] if form.is_valid() else ""
    return _done(request, month, services.objection_file, _("Objection filed."), month=month,
                 department=user.department, entry=entry, text=text, by=user)  # fmt: skip


@require_POST
@login_required
def objection_answer(request, pk: int):
    objection = get_objection_for_user(request, pk)
    if not objection.has_role_for("uphold", request.user):
        raise PermissionDenied
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _month_page(request, objection.month, answer_form=form, answer_for=objection.pk)
    return _done(request, objection.month, services.objection_answer, _("Answered."), objection=objection,
                 by=request.user, upheld=form.cleaned_data["upheld"], answer=form.cleaned_data["answer"])  # fmt: skip


@require_POST
@login_required
def month_upload(request, pk: int):
    """A whole month's table from Excel: every row checked, nothing saved if one is wrong."""
    month = get_month_for_user(request, pk, role_for="record")
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an .xlsx file."))
        return redirect("scoring:month_detail", pk=month.pk)
    upload = form.cleaned_data["file"]
    if upload.size > excel.MAX_UPLOAD_BYTES:
        messages.error(request, _("The file is larger than 2 MB."))
        return redirect("scoring:month_detail", pk=month.pk)
    try:
        rows = excel.read_month(upload.read(), hall=month.hall_id)
        # Ties keep the sheet's order, as they do for a printed table.
        _lines, replaced = services.month_record_totals(
            month=month, rows=[(r.department, r.deduction, r.bonus) for r in rows], by=request.user,
            reason=_("Monthly totals uploaded from %(name)s") % {"name": upload.name[:100]},
            keep_order=True,
        )  # fmt: skip
    except excel.UploadError as exc:
        for error in exc.errors[:50]:
            messages.error(request, error)
        messages.error(request, _("Nothing was saved."))
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(count)d rows recorded.") % {"count": len(rows)})
        if replaced:
            messages.info(
                request,
                _(
                    "The table replaces the %(count)d entries the previous upload of this "
                    "month recorded; entries recorded one by one stay."
                )
                % {"count": replaced},
            )
    return redirect("scoring:month_detail", pk=month.pk)


@login_required
def month_xlsx(request, pk: int):
    month = get_month_for_user(request, pk)
    if not month.sees_every_line(request.user):
        raise PermissionDenied
    return _xlsx(excel.month_workbook(month), f"{month.label}窗口考核结果.xlsx")


@require_safe
@login_required
def month_template(request, pk: int):
    """The month's table to fill in and upload: its departments, nobody's scores."""
    month = get_month_for_user(request, pk)
    return _xlsx(excel.template_workbook(month), f"{month.label}窗口考核填报表.xlsx")


@require_safe
@login_required
def month_ledger_xlsx(request, pk: int):
    """The month's ledger entries as the month page lists them for the user."""
    month = get_month_for_user(request, pk)
    user = request.user
    entries = (
        ScoreEntry.objects.for_month(month)
        .visible_to(user)
        .select_related("department", "recorded_by", "corrects__month")
    )
    department = user.department if user.is_department_staff else None
    return _xlsx(
        excel.ledger_workbook(month, list(entries), department),
        f"{month.label}窗口考核记录.xlsx",
    )


@login_required
def department_year(request, pk: int, year: int):
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise Http404  # a year a date cannot hold has no scores either
    department = get_department_for_user(request, pk)
    user = request.user
    months = ScoreMonth.objects.filter(hall_id=department.hall_id, month__year=year)
    if user.is_department_staff and user.department_id != department.pk:
        months = months.exclude(status=ScoreMonth.Status.OPEN)
    visible = set(months.values_list("month", flat=True))
    lines = [
        line
        for line in WindowScore.objects.filter(month__in=visible)
        .in_hall(department.hall_id)
        .ranked()
        if line.department_id == department.pk
    ]
    if request.GET.get("format") == "xlsx":
        return _xlsx(
            excel.department_year_workbook(department, lines, year),
            f"{department.label}{year}年窗口考核.xlsx",
        )
    chart = charts.line([(f"{line.month.month}月", line.total_score) for line in lines])
    return render(
        request,
        "scoring/department_year.html",
        {"department": department, "year": year, "lines": lines, "chart": chart},
    )


@require_POST
@login_required
def notice_open(request, pk: int):
    """Open a notice of the assessment: marked read, then the month it is about."""
    notice = get_notice_for_user(request, pk)
    services.notice_open(notice=notice)
    return redirect("scoring:month_detail", pk=notice.month_id)


@require_POST
@login_required
def notice_read(request, pk: int):
    """Mark a notice of the assessment read, back to the list it was read on (`next`,
    the user's notices page or the assessment's)."""
    services.notice_read(notice=get_notice_for_user(request, pk))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("scoring:month_list")


# --- hall inspections ------------------------------------------------------------------


@login_required
def inspection_list(request):
    require_inspector(request)
    hall = request.user.working_hall_id
    topics = services.checklist_default(hall=hall)
    initial = {"date": timezone.localdate(), "topics": "\n".join(topics)}
    form = RoundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.inspection_round_create(hall=hall, **form.cleaned_data)
        except services.WorkflowError as exc:
            form.add_error("date", str(exc))
        else:
            return redirect("scoring:inspection_detail", pk=round_.pk)
    rounds = InspectionRound.objects.visible_to(request.user)[:50]
    return render(request, "scoring/inspection_list.html", {"rounds": rounds, "form": form})


@login_required
def inspection_detail(request, pk: int):
    # A frozen month's round is shown read only; a form posted meanwhile is refused by
    # round_save_findings with what was typed kept.
    round_ = get_round_for_user(request, pk)
    formset = FindingFormSet(
        request.POST or None,
        queryset=round_.items.select_related("department"),
        form_kwargs={"hall": round_.hall_id},
    )
    version = RecordsVersionForm(request.POST or None, initial={"version": round_.version})
    if request.method == "POST" and formset.is_valid() and version.is_valid():
        saved = formset.save(commit=False)
        try:
            services.round_save_findings(
                round_=round_,
                by=request.user,
                version=version.cleaned_data["version"],
                saved=saved,
                deleted=formset.deleted_objects,
            )
        except services.WorkflowError as exc:
            version.add_error(None, str(exc))  # what was typed stays in the form
        else:
            messages.success(request, _("Findings saved."))
            return redirect("scoring:inspection_detail", pk=round_.pk)
    return render(
        request,
        "scoring/inspection_detail.html",
        {
            "round": round_,
            "formset": formset,
            "version_form": version,
            "editable": round_.refusal(request.user) is None,
            "proposed": _proposed(round_, request.user),
        },
    )


def _proposed(round_: InspectionRound, user) -> list:
    """The findings the user may confirm or dismiss now, in one query."""
    items = list(round_.items.select_related("department"))
    for item in items:
        item.round = round_  # the round (and its month) asked once, not once per item
    return [item for item in items if item.can("confirm", user)]


@require_POST
@login_required
def finding_decide(request, pk: int):
    confirm = request.POST.get("decision") == "confirm"
    item = get_finding_for_user(request, pk, role_for="confirm" if confirm else "dismiss")
    try:
        if confirm:
            services.finding_confirm(item=item, by=request.user)
            messages.success(request, _("Deduction recorded."))
        else:
            services.finding_dismiss(item=item, by=request.user)
            messages.success(request, _("Proposal dismissed."))
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("scoring:inspection_detail", pk=item.round_id)
