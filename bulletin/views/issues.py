import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from bulletin import generate, search, services
from bulletin.access import get_issue_for_user, get_section_for_user
from bulletin.forms import (
    BulkForm,
    CallForm,
    CommentForm,
    IssueCreateForm,
    IssueFilterForm,
    IssueForm,
    IssueReturnForm,
    ReturnForm,
)
from bulletin.models import (
    Issue,
    IssueTransition,
    Notice,
    PdfRender,
    Section,
    Series,
    Submission,
)
from bulletin.printing.docx import DOCX_TYPE, docx_filename
from bulletin.printing.rendering import bulletin_context, pdf_filename, render_document_html
from bulletin.services.issues import default_period
from departments.access import require_role
from departments.models import User

logger = logging.getLogger(__name__)


@login_required
def issue_list(request):
    visible = Issue.objects.visible_to(request.user)
    form = IssueFilterForm(request.GET, user=request.user)
    form.is_valid()  # a field with a bad value is ignored, the others still filter
    data = form.cleaned_data
    issues = visible.select_related("series")
    if data.get("q"):
        # The text match is the costly part (a scan for one or two characters): run it
        # once for the page's issues, not again for the paginator's count.
        # A hall's people search their hall's archive (User.hall_q), administrators all.
        hall = None if request.user.is_superuser else request.user.hall_scope
        found = search.search(issues, data["q"], hall=hall).values_list("pk", flat=True)
        issues = issues.filter(pk__in=list(found))
    if data.get("year"):
        issues = issues.filter(year=data["year"])
    if data.get("department"):
        issues = issues.with_items_from(data["department"])
    page = Paginator(issues, 20).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    passages = search.passages(shown, data["q"]) if data.get("q") else {}
    context = {
        "page": page,
        "results": [(issue, passages.get(issue.pk)) for issue in shown],
        "form": form,
        "filtered": any(data.get(name) for name in ("q", "year", "department")),
        "years": visible.order_by("-year").values_list("year", flat=True).distinct(),
    }
    return render(request, "bulletin/issue_list.html", context)


@login_required
def issue_detail(request, pk: int):
    return _issue_page(request, get_issue_for_user(request, pk))


def _issue_page(request, issue: Issue, status: int = 200, **forms):
    """The issue's page. A form of the workflow panel that failed (with `call_for`, the
    section of a call) is passed in `forms` and shown with its errors and text."""
    document = bulletin_context(issue)
    context = dict(document)
    context["transitions"] = IssueTransition.objects.filter(issue=issue).select_related("actor")
    context["comment_form"] = CommentForm()
    context["return_form"] = IssueReturnForm()
    context["call_form"] = CallForm()
    context["call_for"] = None
    # The last rendering that failed, so the editor sees why the PDF is missing.
    context["failed_render"] = issue.renders.filter(status=PdfRender.Status.FAILED).first()
    context["opened"] = issue.notices.filter(kind=Notice.Kind.ISSUED).select_related(
        "user__department"
    )
    context["pending"] = Submission.objects.filter(
        section__issue=issue,
        status__in=[Submission.Status.SUBMITTED, Submission.Status.RETURNED],
    ).count()
    context["may"] = may = issue.allowed(request.user)
    # The generated sections whose records changed since: the editor generates them again.
    context["stale_sections"] = (
        [
            section
            for section, _marker in document["body_sections"]
            if section.kind in generate.GENERATED_KINDS and section.records_changed_since_generated
        ]
        if may["edit"]
        else []
    )
    # Told while the text can still change: who sends it to review and who signs it off.
    checking = may["send_to_review"] or may["approve"]
    context["unprintable"] = services.issue_unprintable(issue, document) if checking else []
    context.update(forms)
    return render(request, "bulletin/issue_detail.html", context, status=status)


@login_required
def issue_create(request):
    require_role(request.user, User.Role.EDITOR)
    series = Series.objects.filter(request.user.hall_q("hall")).first()
    if request.method == "POST":
        form = IssueCreateForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            issue = services.issue_create(
                series=data["series"],
                by=request.user,
                period_start=data["period_start"],
                period_end=data["period_end"],
                column_title=data["column_title"],
            )
            messages.success(request, _("Issue %(label)s opened.") % {"label": issue.label})
            return redirect("bulletin:issue_detail", pk=issue.pk)
    else:
        initial = {"series": series}
        if series:
            initial["period_start"], initial["period_end"] = default_period(series)
        form = IssueCreateForm(initial=initial, user=request.user)
    return render(request, "bulletin/issue_form.html", {"form": form})


@login_required
def issue_edit(request, pk: int):
    """Masthead and distribution data: period, column, recipient group, 报/送/发, copies."""
    issue = get_issue_for_user(request, pk, step="edit")
    form = IssueForm(request.POST or None, instance=issue)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.issue_update(issue=issue, by=request.user, version=version, **data)
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Issue saved."))
            return redirect("bulletin:issue_detail", pk=issue.pk)
    return render(request, "bulletin/issue_edit.html", {"issue": issue, "form": form})


@require_GET
@login_required
@xframe_options_sameorigin  # the issue page shows the PDF in an <object>
def issue_pdf_download(request, pk: int):
    """The PDF, or the 正在生成 page while the worker renders it: a request never holds
    a web thread for a render (they run in the worker, within their budget)."""
    issue = get_issue_for_user(request, pk)
    try:
        # The document is built once: its content key names the cache file and the job.
        stored = issue.is_frozen and issue.pdf_sha256
        html = None if stored else render_document_html(issue)
        pdf = services.ready_pdf(issue=issue, html=html)
        job = None
        if pdf is None:
            job = services.request_render(issue=issue, html=html)
            pdf = _wait_for_pdf(issue, job, html)
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
    if pdf is None:
        # 202 while it is being made; the page asks again by itself until it is ready.
        return render(
            request,
            "bulletin/pdf_pending.html",
            {"issue": issue, "job": job, "inline": request.GET.get("inline") == "1"},
            status=200 if job.failed else 202,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    # ?inline=1 shows it in the page (the approver's preview); otherwise a download.
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=request.GET.get("inline") != "1", filename=pdf_filename(issue)
    )
    response["Content-Length"] = str(len(pdf))
    return response


@require_GET
@login_required
def issue_docx_download(request, pk: int):
    """The issue as a Word file: an issued one's stored bytes, any other built now."""
    issue = get_issue_for_user(request, pk)
    try:
        data = services.docx_file(issue=issue)
    except Exception:
        # Building reads only: the issue is untouched; the details go to the log.
        logger.exception("Word file of issue %s could not be produced", issue.pk)
        messages.error(
            request,
            _(
                "The Word file could not be produced. The issue is unchanged; please try "
                "again later or tell the administrator."
            ),
        )
        return redirect("bulletin:issue_detail", pk=issue.pk)
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=docx_filename(issue)
    )
    response["Content-Length"] = str(len(data))
    return response


def _wait_for_pdf(issue: Issue, job: PdfRender, html: str | None) -> bytes | None:
    """The PDF if the worker makes it within PDF_WAIT_SECONDS (a short issue does)."""
    deadline = time.monotonic() + settings.PDF_WAIT_SECONDS
    while job.status != PdfRender.Status.DONE:
        if job.failed or time.monotonic() >= deadline:
            return None
        time.sleep(0.2)
        job.refresh_from_db(fields=["status", "reason"])
    issue.refresh_from_db(fields=["pdf", "pdf_sha256"])  # stored by the worker meanwhile
    return services.ready_pdf(issue=issue, html=html)


@login_required
@require_POST
def issue_pdf_retry(request, pk: int):
    """The editor asks again for a rendering that failed (after an outage, say)."""
    issue = get_issue_for_user(request, pk)
    require_role(request.user, User.Role.EDITOR)
    if not (issue.is_frozen and issue.pdf_sha256):  # a stored PDF needs no rendering
        services.request_render(issue=issue, retry=True)
        messages.info(request, _("The PDF is being generated again."))
    return redirect("bulletin:issue_pdf", pk=issue.pk)


@login_required
def review_queue(request, pk: int):
    issue = get_issue_for_user(request, pk)  # an outsider learns nothing: 404
    require_role(request.user, User.Role.EDITOR)
    return render_queue(request, issue)


def render_queue(request, issue: Issue, *, kept: dict | None = None, status: int = 200, **forms):
    """The submitted and returned items of an issue; `kept` puts back text the editor
    typed, and a return form that failed (`return_form` with `return_for`, the item, or
    `bulk_form` with the `picked` items) is shown with its errors and text."""
    sections = issue.sections.exclude(kind=Section.Kind.ATTACHMENT).prefetch_related(
        Prefetch(
            "submissions",
            queryset=Submission.objects.filter(
                status__in=[Submission.Status.SUBMITTED, Submission.Status.RETURNED]
            )
            .select_related("department")
            .order_by("-status", "submitted_at", "pk"),
            to_attr="waiting",
        )
    )
    waiting = [section for section in sections if section.waiting]
    with_return_form = set()
    for section in waiting:
        for item in section.waiting:
            if kept and item.pk in kept:
                item.headline, item.body = kept[item.pk]["headline"], kept[item.pk]["body"]
            if not item.return_reason:
                with_return_form.add(item.pk)
    return_form = forms.get("return_form")
    if return_form is not None and forms.get("return_for") not in with_return_form:
        # The item has left the queue or was returned meanwhile: its form is not on the
        # page, so what the editor typed is shown above the queue to copy.
        data = getattr(return_form, "cleaned_data", {})
        forms["return_kept"] = data.get("full_reason") or return_form["reason"].value() or ""
    context = {
        "issue": issue,
        "may_edit": issue.can("edit", request.user),
        "sections": waiting,
        "canned_choices": ReturnForm.base_fields["canned"].choices,
        "return_form": ReturnForm(),
        "return_for": None,
        "return_kept": None,
        "bulk_form": BulkForm(),
        "picked": [],
        **forms,
    }
    return render(request, "bulletin/review_queue.html", context, status=status)


def _issue_step(
    request,
    pk: int,
    name: str,
    step,
    done: str,
    *,
    form_class=None,
    form_name="",
    keep_refused=False,
):
    """One step of the workflow panel. With `keep_refused`, a refusal (the issue moved
    on meanwhile) shows the page again with the form's text and why, not a redirect."""
    issue = get_issue_for_user(request, pk, role_for=name)
    kwargs = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            return _issue_page(request, issue, **{form_name: form})
        kwargs["comment"] = form.cleaned_data["comment"]
    try:
        step(issue=issue, by=request.user, **kwargs)
    except services.WorkflowError as exc:
        if keep_refused and form_class is not None:
            form.add_error(None, str(exc))
            issue.refresh_from_db()
            return _issue_page(request, issue, status=409, **{form_name: form})
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
        if name in ("send_to_review", "approve"):
            _warn_unprintable(request, issue)
    return redirect("bulletin:issue_detail", pk=issue.pk)


def _warn_unprintable(request, issue: Issue) -> None:
    characters = services.issue_unprintable(issue)
    if characters:
        messages.warning(
            request,
            _(
                "No font on this server has these characters; they would print as boxes: "
                "%(characters)s"
            )
            % {"characters": "、".join(characters)},
        )


@require_POST
@login_required
def issue_start_editing(request, pk: int):
    return _issue_step(
        request,
        pk,
        "close_collection",
        services.issue_start_editing,
        _("Collection closed: editing."),
    )


@require_POST
@login_required
def issue_send_to_review(request, pk: int):
    return _issue_step(
        request,
        pk,
        "send_to_review",
        services.issue_send_to_review,
        _("Sent to the approver for sign-off."),
        form_class=CommentForm,
        form_name="comment_form",
    )


@require_POST
@login_required
def issue_recall(request, pk: int):
    return _issue_step(
        request,
        pk,
        "recall",
        services.issue_recall,
        _("Taken back from review: the issue can be edited again."),
    )


@require_POST
@login_required
def issue_approve(request, pk: int):
    return _issue_step(
        request,
        pk,
        "approve",
        services.issue_approve,
        _("Approved."),
        form_class=CommentForm,
        form_name="comment_form",
    )


@require_POST
@login_required
def issue_return(request, pk: int):
    return _issue_step(
        request,
        pk,
        "return",
        services.issue_return,
        _("Returned to the editor."),
        form_class=IssueReturnForm,
        form_name="return_form",
        keep_refused=True,
    )


@require_POST
@login_required
def issue_issue(request, pk: int):
    return _issue_step(
        request, pk, "issue", services.issue_issue, _("Issued: the bulletin is final.")
    )


@require_POST
@login_required
def section_call(request, pk: int):
    section = get_section_for_user(request, pk, step="edit")
    form = CallForm(request.POST)
    if form.is_valid():
        try:
            services.section_call(
                section=section, by=request.user, deadline=form.cleaned_data["deadline"]
            )
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Departments can now send items to %(title)s.") % {"title": section.title},
            )
            return redirect("bulletin:issue_detail", pk=section.issue_id)
    return _issue_page(request, section.issue, call_form=form, call_for=section.pk)
