"""The printable PDF of an issue, and the frozen PDF of an issued one."""

import hashlib
import html
from collections.abc import Iterator

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.html import strip_tags

from bulletin.models import Issue
from bulletin.printing import fonts, rendering


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
    """The printable PDF of an issue.

    An issue being worked on is rendered from its current content, through the cache
    (an unchanged issue is never rendered twice). An issued issue is rendered once;
    its bytes are stored with their SHA-256 and every later download returns exactly
    those bytes, whatever happens to the templates or fonts afterwards.
    """
    if issue.is_frozen and issue.pdf_sha256:
        return read_stored_pdf(issue)
    pdf, _from_cache = rendering.cached_pdf(rendering.render_document_html(issue))
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
