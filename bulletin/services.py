"""Workflow steps that span models. Each is a typed, keyword-only function."""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max

from bulletin import rendering
from bulletin.models import Issue, Series


def next_issue_numbers(*, series: Series, year: int) -> tuple[int, int]:
    """The (yearly number, total number) the next issue of `series` in `year` gets.

    The yearly number restarts at 1 each 1 January; the total number never restarts.
    A series that moved in from paper continues from its opening numbers.
    """
    numbers = series.issues.aggregate(total=Max("total_number"))
    total = (numbers["total"] or series.opening_total_number - 1) + 1
    in_year = series.issues.filter(year=year).aggregate(n=Max("number"))["n"]
    if in_year is None:
        in_year = series.opening_year_number - 1 if year == series.opening_year else 0
    return in_year + 1, total


def issue_create(
    *,
    series: Series,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    year: int | None = None,
    column_title: str = "",
) -> Issue:
    """Open the next issue of a series, numbered automatically.

    Two editors creating issues at once must not get the same number: the series row
    is locked (SELECT … FOR UPDATE on PostgreSQL) so creations of one series queue up,
    and the unique constraints catch anything that slips past.
    """
    if year is None:
        year = (period_end or period_start or datetime.date.today()).year
    with transaction.atomic():
        locked = Series.objects.select_for_update().get(pk=series.pk)
        number, total = next_issue_numbers(series=locked, year=year)
        return Issue.objects.create(
            series=locked,
            year=year,
            number=number,
            total_number=total,
            period_start=period_start,
            period_end=period_end,
            column_title=column_title,
            report_to=locked.default_report_to,
            send_to=locked.default_send_to,
            distribute_to=locked.default_distribute_to,
            print_count=locked.default_print_count,
        )


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
