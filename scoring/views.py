import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from departments.access import require_role
from departments.models import Department
from lib.text import parse_number
from scoring import charts, excel, services
from scoring.access import get_month_for_user, require_scorer, sees_every_line
from scoring.forms import (
    AnswerForm,
    EntryForm,
    FindingFormSet,
    MonthForm,
    ObjectionForm,
    PublishForm,
    RoundForm,
    UploadForm,
)
from scoring.models import (
    InspectionItem,
    InspectionRound,
    Objection,
    ScoreEntry,
    ScoreMonth,
    WindowScore,
)

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
        require_scorer(request.user)
        if form.is_valid():
            month = services.month_open(month=form.cleaned_data["month"])
            return redirect("scoring:month_detail", pk=month.pk)
    return render(
        request, "scoring/month_list.html", {"months": ScoreMonth.objects.all(), "form": form}
    )


@login_required
def month_detail(request, pk: int):
    return _month_page(request, get_month_for_user(request, pk))


def _month_page(request, month: ScoreMonth, **forms):
    """The month's page. An inline form that failed to validate is passed in `forms`
    (with `objection_for` / `answer_for`, the line it belongs to) and shown with its
    errors and the text the user typed."""
    user = request.user
    lines = WindowScore.objects.for_month(month.month).table()
    every = sees_every_line(user, month)
    if not every:
        lines = [line for line in lines if line.department_id == user.department_id]
    entries = month.entries.select_related("department", "recorded_by", "corrects__month")
    objections = month.objections.select_related("department", "filed_by", "answered_by", "entry")
    if user.is_department_staff:
        entries = entries.filter(department=user.department)
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
        "chart": charts.distribution([line.total_score for line in lines]) if every else None,
        **forms,
    }
    return render(request, "scoring/month_detail.html", context)


def _done(request, target: ScoreMonth, step, message: str, **kwargs):
    try:
        step(**kwargs)
    except services.ScoringError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, message)
    return redirect("scoring:month_detail", pk=target.pk)


@require_POST
@login_required
def entry_add(request, pk: int):
    require_scorer(request.user)
    month = get_month_for_user(request, pk)
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
    require_scorer(request.user)
    entry = get_object_or_404(ScoreEntry.objects.select_related("month"), pk=pk)
    return _done(request, entry.month, services.entry_delete, _("Entry deleted."), entry=entry)


@require_POST
@login_required
def month_publish(request, pk: int):
    require_scorer(request.user)
    month = get_month_for_user(request, pk)
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
    require_scorer(request.user)
    month = get_month_for_user(request, pk)
    return _done(
        request,
        month,
        services.month_freeze,
        _("Frozen: the month will not change."),
        month=month,
        by=request.user,
    )


@require_POST
@login_required
def objection_file(request, pk: int):
    user = request.user
    month = get_month_for_user(request, pk)
    require_role(user, "staff")
    entry = None
    entry_id = request.POST.get("entry", "")
    if entry_id:
        # another department's line is not even there for this user; nor is "abc"
        entry = get_object_or_404(
            ScoreEntry, pk=parse_number(entry_id) or 0, department=user.department
        )
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        return _month_page(
            request, month, objection_form=form, objection_for=entry.pk if entry else None
        )
    return _done(request, month, services.objection_file, _("Objection filed."), month=month,
                 department=user.department, entry=entry, text=form.cleaned_data["text"], by=user)  # fmt: skip


@require_POST
@login_required
def objection_answer(request, pk: int):
    require_scorer(request.user)
    objection = get_object_or_404(Objection.objects.select_related("month"), pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _month_page(request, objection.month, answer_form=form, answer_for=objection.pk)
    return _done(request, objection.month, services.objection_answer, _("Answered."), objection=objection,
                 by=request.user, upheld=form.cleaned_data["upheld"], answer=form.cleaned_data["answer"])  # fmt: skip


@require_POST
@login_required
def month_upload(request, pk: int):
    """A whole month's table from Excel: every row checked, nothing saved if one is wrong."""
    require_scorer(request.user)
    month = get_month_for_user(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an .xlsx file."))
        return redirect("scoring:month_detail", pk=month.pk)
    upload = form.cleaned_data["file"]
    if upload.size > excel.MAX_UPLOAD_BYTES:
        messages.error(request, _("The file is larger than 2 MB."))
        return redirect("scoring:month_detail", pk=month.pk)
    try:
        rows = excel.read_month(upload.read())
        services.month_record_totals(
            month=month, rows=[(r.department, r.deduction, r.bonus) for r in rows], by=request.user,
            reason=_("Monthly totals uploaded from %(name)s") % {"name": upload.name[:100]},
        )  # fmt: skip
    except excel.UploadError as exc:
        for error in exc.errors[:50]:
            messages.error(request, error)
        messages.error(request, _("Nothing was saved."))
    except services.ScoringError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(count)d rows recorded.") % {"count": len(rows)})
    return redirect("scoring:month_detail", pk=month.pk)


@login_required
def month_xlsx(request, pk: int):
    month = get_month_for_user(request, pk)
    if not sees_every_line(request.user, month):
        require_scorer(request.user)
    return _xlsx(excel.month_workbook(month), f"{month.label}窗口考核结果.xlsx")


@login_required
def department_year(request, pk: int, year: int):
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise Http404  # a year a date cannot hold has no scores either
    department = get_object_or_404(Department, pk=pk)
    user = request.user
    months = ScoreMonth.objects.filter(month__year=year)
    if user.is_department_staff and user.department_id != department.pk:
        months = months.exclude(status=ScoreMonth.Status.OPEN)
    visible = set(months.values_list("month", flat=True))
    lines = [
        line
        for line in WindowScore.objects.filter(month__in=visible).ranked()
        if line.department_id == department.pk
    ]
    if request.GET.get("format") == "xlsx":
        return _xlsx(
            excel.department_year_workbook(department, year),
            f"{department.label}{year}年窗口考核.xlsx",
        )
    chart = charts.line([(f"{line.month.month}月", line.total_score) for line in lines])
    return render(
        request,
        "scoring/department_year.html",
        {"department": department, "year": year, "lines": lines, "chart": chart},
    )


# --- hall inspections ------------------------------------------------------------------


def _require_inspector(user) -> None:
    if not (user.is_scorer or user.is_editor):
        raise PermissionDenied


@login_required
def inspection_list(request):
    _require_inspector(request.user)
    initial = {"date": timezone.localdate(), "topics": "\n".join(services.checklist_default())}
    form = RoundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        round_ = services.inspection_round_create(**form.cleaned_data)
        return redirect("scoring:inspection_detail", pk=round_.pk)
    rounds = InspectionRound.objects.all()[:50]
    return render(request, "scoring/inspection_list.html", {"rounds": rounds, "form": form})


@login_required
def inspection_detail(request, pk: int):
    _require_inspector(request.user)
    round_ = get_object_or_404(InspectionRound, pk=pk)
    formset = FindingFormSet(
        request.POST or None, queryset=round_.items.select_related("department")
    )
    if request.method == "POST" and formset.is_valid():
        items = formset.save(commit=False)
        for item in formset.deleted_objects:
            item.delete()
        for item in items:
            item.round = round_
            if item.proposed_points is not None and item.proposal in ("", None):
                item.proposal = InspectionItem.Proposal.PROPOSED
            item.save()
        messages.success(request, _("Findings saved."))
        return redirect("scoring:inspection_detail", pk=round_.pk)
    return render(request, "scoring/inspection_detail.html", {"round": round_, "formset": formset})


@require_POST
@login_required
def finding_decide(request, pk: int):
    require_scorer(request.user)
    item = get_object_or_404(InspectionItem.objects.select_related("round", "department"), pk=pk)
    try:
        if request.POST.get("decision") == "confirm":
            services.finding_confirm(item=item, by=request.user)
            messages.success(request, _("Deduction recorded."))
        else:
            services.finding_dismiss(item=item)
            messages.success(request, _("Proposal dismissed."))
    except services.ScoringError as exc:
        messages.error(request, str(exc))
    return redirect("scoring:inspection_detail", pk=item.round_id)
