"""The editor's overview of who has sent what, reminders, and decisions in bulk."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from bulletin import services
from bulletin.access import get_issue_for_user, get_section_for_user
from bulletin.forms import BulkForm
from bulletin.models import Submission
from bulletin.views.issues import render_queue
from departments.access import require_role
from departments.models import User
from lib.text import parse_number


@login_required
def board(request, pk: int):
    """Departments × sections that call for items: what each has done, and when it was
    last reminded (a fixed number of queries whatever the number of departments)."""
    issue = get_issue_for_user(request, pk)  # an outsider learns nothing: 404
    require_role(request.user, User.Role.EDITOR)
    completeness = services.issue_completeness(issue=issue)
    return render(
        request,
        "bulletin/board.html",
        {
            "issue": issue,
            "sections": completeness.sections,
            "rows": completeness.rows,
            "returned": completeness.returned,
        },
    )


@require_POST
@login_required
def section_remind(request, pk: int):
    section = get_section_for_user(request, pk, step="edit")
    if not section.call_deadline:
        messages.error(request, _("This section does not call for items."))
        return redirect("bulletin:board", pk=section.issue_id)
    recent = request.POST.get("recent")  # asked on the confirmation page: again, or skip
    try:
        count = services.issue_remind(
            section=section, by=request.user, again=recent == "again", skip_recent=recent == "skip"
        )
    except services.RecentlyReminded as exc:
        return render(
            request,
            "bulletin/remind_confirm.html",
            {"section": section, "message": str(exc), "recent": exc.recent, "others": exc.others},
        )
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("bulletin:board", pk=section.issue_id)
    messages.success(
        request,
        ngettext("%(count)d department reminded.", "%(count)d departments reminded.", count)
        % {"count": count},
    )
    return redirect("bulletin:board", pk=section.issue_id)


@require_POST
@login_required
def review_bulk(request, pk: int):
    """Accept or return several items at once (the page asks for confirmation)."""
    issue = get_issue_for_user(request, pk, step="edit")
    ids = [i for i in map(parse_number, request.POST.getlist("items")) if i is not None]
    items = list(
        Submission.objects.filter(
            pk__in=ids, section__issue=issue, status=Submission.Status.SUBMITTED
        ).select_related("section__issue")
    )
    form = BulkForm(request.POST)
    valid = form.is_valid()
    if not items:
        form.add_error(None, _("Select the items first."))
    if not (valid and items):
        # The queue again, with the reason and the ticked items as they were.
        return render_queue(request, issue, bulk_form=form, picked=[item.pk for item in items])
    action, reason = form.cleaned_data["bulk"], form.cleaned_data["full_reason"]
    if request.POST.get("confirmed") != "1":
        # Asked on a page of its own, so it works without JavaScript too.
        return render(
            request,
            "bulletin/review_bulk_confirm.html",
            {"issue": issue, "items": items, "action": action, "reason": reason},
        )
    done = 0
    for item in items:
        try:
            if action == "accept":
                services.submission_accept(submission=item, by=request.user)
            elif action == "return":
                services.submission_return(submission=item, by=request.user, reason=reason)
        except services.WorkflowError as exc:
            messages.error(request, f"{item}: {exc}")
        else:
            done += 1
    messages.success(
        request, _("%(done)d of %(total)d items done.") % {"done": done, "total": len(items)}
    )
    return redirect("bulletin:review_queue", pk=issue.pk)
