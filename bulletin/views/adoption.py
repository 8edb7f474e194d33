"""信息报送考核: the month's figures and ranking, quarters and years, a department's
months, an item's 批示 and joint departments, the rules, the window-ledger proposals,
and the 通报 as PDF, .xlsx and an issue's 附件."""

from __future__ import annotations

import datetime
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from bulletin.access import get_issue_for_user
from bulletin.adoption import charts, excel, printing, services
from bulletin.adoption import figures as counting
from bulletin.adoption.access import (
    get_adoption_month_for_user,
    get_department_for_user,
    get_instruction_for_user,
    get_item_for_user,
    get_proposal_for_user,
    require_editor,
    working_hall,
)
from bulletin.adoption.forms import (
    AttachReportForm,
    DecisionForm,
    InstructionForm,
    JointForm,
    MonthForm,
    PeriodForm,
    RulesForm,
)
from bulletin.adoption.models import AdoptionMonth, AdoptionRules
from bulletin.models import Issue
from departments.models import User
from lib.workflow import WorkflowError

logger = logging.getLogger(__name__)
Role = User.Role
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, content_type: str, filename: str, *, inline: bool = False):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=not inline, filename=filename
    )
    response["Content-Length"] = str(len(data))
    return response


def _visible(lines: list, user, every: bool) -> list:
    if every:
        return lines
    return [line for line in lines if line.department.pk == user.department_id]


@login_required
def index(request):
    """The hall's months; an editor opens one to count it."""
    form = MonthForm(request.POST or None)
    if request.method == "POST":
        require_editor(request)
        if form.is_valid():
            month = services.month_open(
                hall=working_hall(request), month=form.cleaned_data["month"]
            )
            return redirect("adoption:month", pk=month.pk)
    months = AdoptionMonth.objects.visible_to(request.user).select_related("hall")
    today = timezone.localdate()
    years = sorted({m.month.year for m in months} | {today.year}, reverse=True)
    return render(
        request,
        "bulletin/adoption/index.html",
        {
            "months": months,
            "form": form,
            "years": years,
            "quarters": counting.QUARTER_NAMES,
            "may_open": request.user.is_editor,
        },
    )


@require_safe
@login_required
def month_detail(request, pk: int):
    return _month_page(request, get_adoption_month_for_user(request, pk))


def _month_page(request, month: AdoptionMonth):
    user = request.user
    figures = counting.month_figures(month)
    every = month.sees_every_line(user)
    lines = _visible(figures.lines, user, every)
    own = {user.department_id} if not every else None
    credits = [c for c in figures.credits if own is None or any(d.pk in own for d in c.departments)]
    instructions = [
        i for i in figures.instructions
        if own is None or any(d.pk in own for d in counting.credited(i.submission))
    ]  # fmt: skip
    centre = user.has_role(Role.EDITOR, Role.SCORER)
    context = {
        "month": month,
        "figures": figures,
        "lines": lines,
        "every": every,
        "paragraphs": (
            [p for p in month.summary.splitlines() if p.strip()]
            if month.is_frozen
            else figures.summary_paragraphs()
        )
        if every
        else [],
        "credits": credits,
        "instructions": instructions,
        "misses": figures.misses if centre else [],
        "proposals": month.proposals.select_related("department", "entry__month") if centre else [],
        "may": month.allowed(user),
        "may_decide": user.has_role(Role.SCORER),
        "chart": charts.ranking(lines) if every and lines else None,
        "transitions": month.transitions.select_related("actor"),
    }
    return render(request, "bulletin/adoption/month.html", context)


@require_POST
@login_required
def month_publish(request, pk: int):
    month = get_adoption_month_for_user(request, pk, role_for="publish")
    try:
        services.month_publish(month=month, by=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The 通报 of %(month)s is published: its figures will not change.")
            % {"month": month.label},
        )
    return redirect("adoption:month", pk=month.pk)


@require_safe
@login_required
def month_pdf(request, pk: int):
    """The 通报: a published month's stored PDF, or the draft of an open one."""
    month = get_adoption_month_for_user(request, pk, every_line=True)
    try:
        pdf = printing.report_pdf(month=month)
    except Exception:
        # Rendering reads only: nothing changed; the details go to the log.
        logger.exception("PDF of reporting month %s could not be produced", month.pk)
        messages.error(
            request,
            _("The PDF could not be produced; please try again later or tell the administrator."),
        )
        return redirect("adoption:month", pk=month.pk)
    return _download(
        pdf,
        "application/pdf",
        printing.report_filename(month),
        inline=request.GET.get("inline") == "1",
    )


@require_safe
@login_required
def month_xlsx(request, pk: int):
    month = get_adoption_month_for_user(request, pk, every_line=True)
    figures = counting.month_figures(month)
    return _download(
        excel.table_workbook(figures, month.table_title),
        XLSX,
        f"{month.label}信息报送采用情况.xlsx",
    )


@require_safe
@login_required
def period(request):
    """A quarter or a year of the hall: its months added up and ranked."""
    today = timezone.localdate()
    form = PeriodForm(request.GET or {"year": today.year})
    if not form.is_valid():
        return render(request, "bulletin/adoption/period.html", {"form": form}, status=400)
    year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    figures = counting.period_figures(hall=working_hall(request), year=year, quarter=quarter)
    user = request.user
    every = figures.stored or user.has_role(Role.EDITOR, Role.SCORER)
    if request.GET.get("format") == "xlsx":
        if not every:
            raise Http404
        return _download(
            excel.table_workbook(figures, f"{figures.label}各部门（单位）信息报送采用情况"),
            XLSX,
            f"{figures.label}信息报送采用情况.xlsx",
        )
    lines = _visible(figures.lines, user, every)
    return render(
        request,
        "bulletin/adoption/period.html",
        {"form": form, "figures": figures, "lines": lines, "every": every,
         "year": year, "quarter": quarter},
    )  # fmt: skip


@require_safe
@login_required
def department_year(request, pk: int, year: int):
    """A department's points month by month, with its rank in each."""
    if not 2000 <= year <= 2100:
        raise Http404
    department = get_department_for_user(request, pk)
    user = request.user
    hall = department.hall_id
    rows = AdoptionMonth.objects.in_hall(hall).filter(month__year=year)
    stored = {m.month: m for m in rows}
    today = timezone.localdate()
    last = 12 if year < today.year else (today.month if year == today.year else 0)
    everything = user.has_role(Role.EDITOR, Role.SCORER) or user.department_id == department.pk
    shown = []
    for number in range(1, last + 1):
        day = datetime.date(year, number, 1)
        row = stored.get(day)
        if row is not None and (everything or row.is_frozen):
            shown.append(row)
        elif row is None and everything:
            shown.append(day)
    months = counting.department_months(
        hall=hall, department=department, year=year, months_shown=shown
    )
    chart = charts.months([(f"{day.month}月", line.points, line.rank) for day, line, _n in months])
    return render(
        request,
        "bulletin/adoption/department_year.html",
        {"department": department, "year": year, "months": months, "chart": chart},
    )


# --- an item: 批示 and joint departments ------------------------------------------------


@require_safe
@login_required
def item_detail(request, pk: int):
    return _item_page(request, get_item_for_user(request, pk))


def _item_page(request, item, *, joint_form=None, instruction_form=None, status=200):
    issue = item.section.issue
    departments = counting.credited(item)
    month = None
    if issue.status == Issue.Status.ISSUED and issue.issue_date:
        month = AdoptionMonth.objects.filter(
            hall_id=issue.series.hall_id, month=issue.issue_date.replace(day=1)
        ).first()
    editor = request.user.has_role(Role.EDITOR)
    context = {
        "item": item,
        "issue": issue,
        "departments": departments,
        "month": month,
        "instructions": item.instructions.select_related("recorded_by"),
        "editor": editor,
        "joint_open": editor and (month is None or not month.is_frozen),
        "issued": issue.status == Issue.Status.ISSUED and item.status == item.Status.ACCEPTED,
        "joint_form": joint_form
        or JointForm(item=item, initial={"departments": [d.pk for d in departments[1:]]}),
        "instruction_form": instruction_form
        or InstructionForm(initial={"date": timezone.localdate()}),
    }
    return render(request, "bulletin/adoption/item.html", context, status=status)


@require_POST
@login_required
def item_joint(request, pk: int):
    item = get_item_for_user(request, pk)
    require_editor(request)
    form = JointForm(request.POST, item=item)
    if form.is_valid():
        try:
            services.joint_set(
                submission=item, by=request.user, departments=list(form.cleaned_data["departments"])
            )
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Joint departments saved."))
            return redirect("adoption:item", pk=item.pk)
    return _item_page(request, item, joint_form=form)


@require_POST
@login_required
def instruction_add(request, pk: int):
    item = get_item_for_user(request, pk)
    require_editor(request)
    form = InstructionForm(request.POST)
    if form.is_valid():
        try:
            services.instruction_record(submission=item, by=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, str(exc))  # what was typed stays in the form
        else:
            messages.success(request, _("批示 recorded."))
            return redirect("adoption:item", pk=item.pk)
    return _item_page(request, item, instruction_form=form)


@require_POST
@login_required
def instruction_delete(request, pk: int):
    instruction = get_instruction_for_user(request, pk)
    try:
        services.instruction_delete(instruction=instruction, by=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("批示 removed."))
    return redirect("adoption:item", pk=instruction.submission_id)


# --- the window link ---------------------------------------------------------------------


@require_POST
@login_required
def proposal_decide(request, pk: int):
    proposal = get_proposal_for_user(request, pk, role_for="confirm")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Confirm or dismiss the deduction."))
    else:
        try:
            if form.cleaned_data["decision"] == "confirm":
                services.proposal_confirm(proposal=proposal, by=request.user)
                done = _("Deduction recorded in the window assessment.")
            else:
                services.proposal_dismiss(proposal=proposal, by=request.user)
                done = _("Deduction dismissed.")
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
    return redirect("adoption:month", pk=proposal.month_id)


# --- the rules ---------------------------------------------------------------------------


@login_required
def rules(request):
    """The hall's rule versions; an editor adds one from a month on."""
    hall = working_hall(request)
    versions = list(AdoptionRules.objects.in_hall(hall).prefetch_related("special_series"))
    initial = {}
    if versions:
        latest = versions[0]
        initial = {name: getattr(latest, name) for name in services.RULE_FIELDS}
        initial["special_series"] = list(latest.special_series.all())
    today = timezone.localdate()
    initial["effective_from"] = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    form = RulesForm(request.POST or None, hall=hall, initial=initial)
    if request.method == "POST":
        require_editor(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.rules_save(
                    hall=hall,
                    by=request.user,
                    effective_from=data["effective_from"],
                    values={name: data[name] for name in services.RULE_FIELDS},
                    special_series=list(data["special_series"]),
                )
            except WorkflowError as exc:
                form.add_error(None, str(exc))  # what was typed stays in the form
            else:
                messages.success(request, _("Rules saved."))
                return redirect("adoption:rules")
    return render(
        request,
        "bulletin/adoption/rules.html",
        {"versions": versions, "form": form, "may_edit": request.user.is_editor},
    )


# --- the 通报 as an issue's 附件 -----------------------------------------------------------------


@require_POST
@login_required
def attach(request, pk: int):
    """Print a published month's 通报 as the issue's 附件 (from its 组稿 page)."""
    issue = get_issue_for_user(request, pk, step="edit")
    form = AttachReportForm(request.POST, hall=issue.series.hall_id)
    if not form.is_valid():
        messages.error(
            request, " ".join(form.errors.get("month", [_("Choose a published month.")]))
        )
    else:
        try:
            services.issue_attach_report(
                issue=issue, by=request.user, month=form.cleaned_data["month"]
            )
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Attached to %(issue)s.") % {"issue": issue})
    return redirect("bulletin:assemble", pk=issue.pk)
