"""The printable PDF of an issue, and the frozen PDF of an issued one."""

import hashlib
import html
import logging
from collections.abc import Iterator

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F
from django.utils.html import strip_tags

from bulletin.models import Issue, PdfRender
from bulletin.printing import budget, fonts, rendering

logger = logging.getLogger(__name__)


class StoredPdfError(RuntimeError):
    """An issued PDF is missing from storage or no longer matches its SHA-256."""


def read_stored_pdf(issue: Issue) -> bytes:
    try:
        with issue.pdf.open("rb") as stored:
            data = stored.read()
    except (OSError, ValueError) as exc:
        raise StoredPdfError(f"{issue}: the stored PDF cannot be read ({exc})") from exc
    if hashlib.sha256(data).hexdigest() != issue.pdf_sha256:
        raise StoredPdfError(f"{issue}: the stored PDF does not match its SHA-256")
    return data


def verify_stored_pdfs() -> Iterator[tuple[Issue, StoredPdfError | None]]:
    """Every stored issued PDF checked against its SHA-256: (issue, None) or the error."""
    issues = Issue.objects.exclude(pdf_sha256="").select_related("series").order_by("pk")
    for issue in issues.iterator():
        try:
            read_stored_pdf(issue)
        except StoredPdfError as exc:
            yield issue, exc
        else:
            yield issue, None


def issue_unprintable(issue: Issue, context: dict | None = None) -> list[str]:
    """The characters of the printed issue that no shipped or installed face has: they
    would print as boxes. Asked before sign-off, while the text can still change."""
    text = html.unescape(strip_tags(rendering.render_document_html(issue, context)))
    return fonts.unprintable(text)


def issue_pdf(*, issue: Issue) -> bytes:
    """The printable PDF of an issue, rendered here if it is not ready (within the render
    budget: budget.RenderFailed past it). The worker and the commands call this; a web
    request asks for ready_pdf() and request_render() instead.

    An issue being worked on is rendered from its current content, through the cache
    (an unchanged issue is never rendered twice). An issued issue is rendered once;
    its bytes are stored with their SHA-256 and every later download returns exactly
    those bytes, whatever happens to the templates or fonts afterwards.
    """
    if issue.is_frozen and issue.pdf_sha256:
        return read_stored_pdf(issue)
    pdf, _from_cache = rendering.cached_pdf(rendering.render_document_html(issue))
    return _keep_if_issued(issue, pdf)


def ready_pdf(*, issue: Issue, html: str | None = None) -> bytes | None:
    """The PDF if it is stored or cached, else None; never renders. `html` is the
    issue's rendered document when the caller has it already."""
    if issue.is_frozen and issue.pdf_sha256:
        return read_stored_pdf(issue)
    pdf = rendering.cached_only(html or rendering.render_document_html(issue))
    return None if pdf is None else _keep_if_issued(issue, pdf)


def _keep_if_issued(issue: Issue, pdf: bytes) -> bytes:
    if not issue.is_frozen:
        return pdf
    digest = hashlib.sha256(pdf).hexdigest()
    name = default_storage.save(f"issued/issue-{issue.pk}-{digest[:16]}.pdf", ContentFile(pdf))
    # Compare-and-set: two first downloads at once store one file between them.
    stored = Issue.objects.filter(pk=issue.pk, pdf_sha256="").update(pdf=name, pdf_sha256=digest)
    if not stored:
        default_storage.delete(name)
        issue.refresh_from_db(fields=["pdf", "pdf_sha256"])
        return read_stored_pdf(issue)
    issue.pdf.name, issue.pdf_sha256 = name, digest
    return pdf


def _job(issue: Issue, html: str | None = None) -> tuple[PdfRender, bool]:
    key = rendering.content_key(html or rendering.render_document_html(issue))
    return PdfRender.objects.get_or_create(key=key, defaults={"issue": issue})


def request_render(*, issue: Issue, html: str | None = None, retry: bool = False) -> PdfRender:
    """The rendering of the issue's current content, queued for the worker unless it is
    queued, running, done, or failed already (`retry` queues a failed one again)."""
    from bulletin.tasks import render_issue_pdf

    job, queue = _job(issue, html)
    if retry and job.failed:
        queue = bool(
            PdfRender.objects.filter(pk=job.pk, status=PdfRender.Status.FAILED).update(
                status=PdfRender.Status.QUEUED, reason=PdfRender.Reason.NONE, attempts=0
            )
        )
    if queue:
        render_issue_pdf.enqueue(issue.pk)
        job.refresh_from_db()
    return job


def render_now(*, issue: Issue) -> int:
    """Render the issue's current content as the worker does, recording the outcome on
    its PdfRender row; return the PDF's size, or 0 when it failed within the budget."""
    if issue.is_frozen and issue.pdf_sha256:
        return issue.pdf.size
    job, _ = _job(issue)
    jobs = PdfRender.objects.filter(pk=job.pk)
    jobs.update(status=PdfRender.Status.RUNNING, attempts=F("attempts") + 1)
    try:
        size = len(issue_pdf(issue=issue))
    except budget.RenderFailed as exc:
        jobs.update(status=PdfRender.Status.FAILED, reason=exc.reason)
        logger.warning("PDF of issue %s stopped: %s", issue.pk, exc)
        return 0
    except Exception:
        jobs.update(status=PdfRender.Status.FAILED, reason=PdfRender.Reason.ERROR)
        raise
    jobs.update(status=PdfRender.Status.DONE, reason=PdfRender.Reason.NONE)
    # Earlier content's rows are of no use to anyone any more.
    issue.renders.exclude(pk=job.pk).exclude(status=PdfRender.Status.RUNNING).delete()
    return size
