"""厅（局）长进大厅: departments record their leaders' visits to the hall."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bulletin import services
from bulletin.access import get_visit_for_user
from bulletin.forms import LeaderVisitForm
from bulletin.models import Issue, LeaderVisit, Section
from departments.access import require_department_staff
from lib.text import parse_number


def _call(request) -> Section | None:
    """The leader-visits call the form answers (?section=), if it is one that stands."""
    pk = parse_number(request.GET.get("section"))
    if pk is None:
        return None
    return (
        Section.objects.filter(
            kind=Section.Kind.LEADER_VISITS,
            call_deadline__isnull=False,
            issue__status=Issue.Status.COLLECTING,
            issue__series__hall_id=request.user.hall_scope,
        )
        .select_related("issue__series")
        .filter(pk=pk)
        .first()
    )


@login_required
def visit_form(request, pk: int | None = None):
    """A visit: answering a leader-visits call (the call's "Record a visit"), on its own
    (when no issue is open), or the department's changes to one not yet on paper."""
    if pk is None:
        require_department_staff(request.user)
        visit, call = None, _call(request)
    else:  # another department's visit, or anyone's for a non-clerk: 404
        visit = get_visit_for_user(request, pk, for_change=True)
        call = None
    form = LeaderVisitForm(request.POST or None, instance=visit)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            saved = services.visit_save(
                visit=visit,
                department=request.user.department,
                series=call.issue.series if call else None,
                **data,
            )
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))  # what was typed stays in the form
        else:
            messages.success(request, _saved_message(saved))
            return redirect("bulletin:my_department")
    return render(request, "bulletin/visit_form.html", {"form": form, "visit": visit, "call": call})


def _saved_message(visit: LeaderVisit) -> str:
    if visit.issue is None:
        return _("Visit saved; the next issue to open reports it.")
    return _("Visit saved; %(issue)s reports it.") % {"issue": visit.issue.number_label}
