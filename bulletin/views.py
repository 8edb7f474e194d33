from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import render

from bulletin.access import get_issue_for_user
from bulletin.models import Issue, Section, Submission, number_sections
from scoring.models import WindowScore


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
    sections = issue.sections.prefetch_related(
        Prefetch(
            "submissions",
            queryset=Submission.objects.accepted().order_by("position", "pk"),
            to_attr="accepted_items",
        )
    )
    numbered = number_sections(sections)
    attachments = [s for s, _ in numbered if s.kind == Section.Kind.ATTACHMENT]
    months = {s.score_month for s in attachments if s.score_month}
    scores = WindowScore.objects.filter(month__in=months).table() if months else []
    for section in attachments:
        section.score_rows = [row for row in scores if row.month == section.score_month]
    return render(
        request,
        "bulletin/issue_detail.html",
        {
            "issue": issue,
            "body_sections": [(s, m) for s, m in numbered if s.kind != Section.Kind.ATTACHMENT],
            "attachments": attachments,
        },
    )
