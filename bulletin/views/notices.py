from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bulletin import services
from bulletin.access import get_notice_for_user
from bulletin.models import Notice


@login_required
def notice_list(request):
    notices = request.user.notices.select_related("issue__series")[:100]
    return render(request, "bulletin/notices.html", {"notices": notices})


@require_POST
@login_required
def notice_open(request, pk: int):
    """Open a notice: an issued bulletin's PDF, or the page a reminder is about."""
    notice = get_notice_for_user(request, pk)
    services.notice_open(notice=notice)
    if notice.kind == Notice.Kind.ISSUED:
        return redirect("bulletin:issue_pdf", pk=notice.issue_id)
    if request.user.is_department_staff:
        return redirect("bulletin:my_department")
    return redirect("bulletin:issue_detail", pk=notice.issue_id)
