"""厅（局）长进大厅: departments record their leaders' visits to the hall."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bulletin import services
from bulletin.access import get_visit_for_user
from bulletin.forms import LeaderVisitForm
from departments.access import require_department_staff


@login_required
def visit_form(request, pk: int | None = None):
    if pk is None:
        require_department_staff(request.user)
        visit = None
    else:  # another department's visit, or anyone's for a non-clerk: 404
        visit = get_visit_for_user(request, pk, for_change=True)
    form = LeaderVisitForm(request.POST or None, instance=visit)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.visit_save(visit=visit, department=request.user.department, **data)
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))  # what was typed stays in the form
        else:
            messages.success(request, _("Visit saved; the editors use it for the next issue."))
            return redirect("bulletin:my_department")
    return render(request, "bulletin/visit_form.html", {"form": form, "visit": visit})
