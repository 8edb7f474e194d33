"""厅（局）长进大厅: departments record their leaders' visits to the hall."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from bulletin.forms import LeaderVisitForm
from bulletin.models import Issue, LeaderVisit
from departments.access import require_department_staff


@login_required
def visit_form(request, pk: int | None = None):
    require_department_staff(request.user)
    visit = None
    if pk is not None:
        visit = get_object_or_404(
            LeaderVisit.objects.select_related("issue"), pk=pk, department=request.user.department
        )
        if visit.issue and visit.issue.status not in Issue.TAKES_SUBMISSIONS:
            raise PermissionDenied  # already in an issue past review: it is on paper
    form = LeaderVisitForm(request.POST or None, instance=visit)
    if request.method == "POST" and form.is_valid():
        visit = form.save(commit=False)
        visit.department = request.user.department
        visit.save()
        messages.success(request, _("Visit saved; the editors use it for the next issue."))
        return redirect("bulletin:my_department")
    return render(request, "bulletin/visit_form.html", {"form": form, "visit": visit})
