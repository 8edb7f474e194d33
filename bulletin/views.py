import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bulletin.access import get_issue_for_user
from bulletin.models import Issue
from bulletin.rendering import bulletin_context, pdf_filename
from bulletin.services import issue_pdf

logger = logging.getLogger(__name__)


@login_required
def issue_list(request):
    issues = Issue.objects.visible_to(request.user).select_related("series")
    year = request.GET.get("year", "")
    if year.isdigit():
        issues = issues.filter(year=int(year))
    page = Paginator(issues, 25).get_page(request.GET.get("page"))
    return render(request, "bulletin/issue_list.html", {"page": page, "year": year})


@login_required
def issue_detail(request, pk: int):
    issue = get_issue_for_user(request, pk)
    return render(request, "bulletin/issue_detail.html", bulletin_context(issue))


@require_GET
@login_required
def issue_pdf_download(request, pk: int):
    issue = get_issue_for_user(request, pk)
    try:
        pdf = issue_pdf(issue=issue)
    except Exception:
        # Rendering reads only: the issue is untouched, so the editor can fix the
        # content and try again; the details go to the log for the administrator.
        logger.exception("PDF of issue %s could not be produced", issue.pk)
        messages.error(
            request,
            _(
                "The PDF could not be produced. The issue is unchanged; please try again "
                "later or tell the administrator."
            ),
        )
        return redirect("bulletin:issue_detail", pk=issue.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=pdf_filename(issue)
    )
    response["Content-Length"] = str(len(pdf))
    return response
