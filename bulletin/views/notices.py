"""A user's notices, the bulletin's and the assessment's: the list, opening one, marking
read, and the e-mail switch."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bulletin import services
from bulletin.access import get_notice_for_user
from bulletin.models import Notice
from scoring.models import ScoreNotice


@dataclass(frozen=True)
class InboxEntry:
    """A notice on the notices page, of the bulletin or of the assessment (scoring's
    ScoreNotice): what it says and where its buttons post, each app marking its own."""

    notice: Notice | ScoreNotice
    tone: str
    read_url: str
    open_url: str
    open_label: str

    @property
    def sort_key(self) -> tuple:
        return self.notice.created_at, self.notice.pk


def _inbox(user, limit: int) -> list[InboxEntry]:
    """The user's newest notices of both kinds, newest first, in two queries."""
    entries = [
        InboxEntry(
            notice=notice,
            tone=notice.tone,
            read_url=reverse("bulletin:notice_read", args=[notice.pk]),
            open_url=reverse("bulletin:notice_open", args=[notice.pk]),
            open_label=_("Open the PDF") if notice.kind == Notice.Kind.ISSUED else _("Open"),
        )
        for notice in user.notices.all()[:limit]
    ]
    entries += [
        InboxEntry(
            notice=notice,
            tone="secondary",
            read_url=reverse("scoring:notice_read", args=[notice.pk]),
            open_url=reverse("scoring:notice_open", args=[notice.pk]),
            open_label=_("Open"),
        )
        for notice in user.score_notices.all()[:limit]
    ]
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    return entries[:limit]


@login_required
def notice_list(request):
    return render(request, "bulletin/notices.html", {"entries": _inbox(request.user, 100)})


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
