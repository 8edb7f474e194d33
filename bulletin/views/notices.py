"""A user's notices: the list, opening one, marking read, and the e-mail switch."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bulletin import services
from bulletin.access import get_notice_for_user


@login_required
def notice_list(request):
    notices = request.user.notices.all()[:100]
    return render(request, "bulletin/notices.html", {"notices": notices})


@require_POST
@login_required
def notice_open(request, pk: int):
    """Open a notice: an issued bulletin's PDF, an item's page, or the page it is about."""
    notice = get_notice_for_user(request, pk)
    services.notice_open(notice=notice)
    return redirect(notice.link())


@require_POST
@login_required
def notice_read(request, pk: int):
    services.notice_read(notice=get_notice_for_user(request, pk))
    return redirect("bulletin:notice_list")


@require_POST
@login_required
def notice_read_all(request):
    services.notice_read_all(user=request.user)
    return redirect("bulletin:notice_list")


@require_POST
@login_required
def notice_email(request):
    """The user's own switch: notices by e-mail as well, or in the app only."""
    on = request.POST.get("email_notices") == "1"
    request.user.set_email_notices(on)
    if on:
        messages.success(request, _("Notices are now also sent to you by e-mail."))
    else:
        messages.success(request, _("Notices are now shown here only, not e-mailed."))
    return redirect("bulletin:notice_list")
