"""The 《信息报送采用情况通报》 through the bulletin's print pipeline: the same stylesheet,
faces, renderer, render budget and cache (bulletin/printing/rendering.py). A published
month's PDF is rendered once and stored with its SHA-256, like an issued issue's: every
later download returns those bytes."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.html import strip_spaces_between_tags

from bulletin.adoption.figures import Figures, month_figures, rank_groups
from bulletin.adoption.models import AdoptionMonth
from bulletin.printing import rendering
from bulletin.templatetags.bulletin_tags import META_LINE_EMS

REPORT = "bulletin/adoption/print/report.html"
TITLE = "信息报送采用情况通报"


class StoredReportError(RuntimeError):
    """A published 通报's PDF no longer matches its SHA-256."""


def _ems(text: str) -> float:
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def report_context(month: AdoptionMonth, figures: Figures | None = None) -> dict:
    figures = figures or month_figures(month)
    report = month
    if month.is_frozen:
        paragraphs = [p for p in month.summary.splitlines() if p.strip()]
    else:
        paragraphs = figures.summary_paragraphs()
        report = draft(month)
    issuing_body = report.issuing_body
    return {
        "report": report,
        "figures": figures,
        "groups": rank_groups(figures.lines),
        "table_key": f"adoption-{month.pk}",
        "paragraphs": paragraphs,
        "issuing_body": issuing_body,
        "masthead_title": TITLE,
        "meta_small": _ems(issuing_body) + _ems(month.date_label) > META_LINE_EMS,
        "pdf_title": f"{TITLE} {month.label}",
    }


def draft(month: AdoptionMonth) -> AdoptionMonth:
    """An open month as its 通报 would be published now: the masthead and 报尾 of the
    series publication would take them from (an unsaved copy)."""
    from bulletin.adoption.services import masthead_series

    copy = AdoptionMonth(pk=month.pk, hall_id=month.hall_id, month=month.month, status=month.status)
    series = masthead_series(month)
    copy.issuing_body = series.issuing_body if series else month.hall.name
    if series is not None:
        copy.report_to = series.default_report_to
        copy.send_to = series.default_send_to
        copy.distribute_to = series.default_distribute_to
        copy.print_count = series.default_print_count
    return copy


def report_html(month: AdoptionMonth, figures: Figures | None = None) -> str:
    return strip_spaces_between_tags(render_to_string(REPORT, report_context(month, figures)))


def report_filename(month: AdoptionMonth) -> str:
    return f"{month.label}{TITLE}.pdf"


def read_stored(month: AdoptionMonth) -> bytes:
    try:
        with month.pdf.open("rb") as stored:
            data = stored.read()
    except (OSError, ValueError) as exc:
        raise StoredReportError(f"{month}: the stored PDF cannot be read ({exc})") from exc
    if hashlib.sha256(data).hexdigest() != month.pdf_sha256:
        raise StoredReportError(f"{month}: the stored PDF does not match its SHA-256")
    return data


def report_pdf(*, month: AdoptionMonth) -> bytes:
    """The 通报 as PDF within the render budget (budget.RenderFailed past it): a draft of
    an open month, marked 草稿, from the cache when unchanged; a published month's stored
    bytes, rendered and stored the first time."""
    if month.is_frozen and month.pdf_sha256:
        return read_stored(month)
    pdf, _cached = rendering.cached_pdf(report_html(month))
    if not month.is_frozen:
        return pdf
    digest = hashlib.sha256(pdf).hexdigest()
    name = default_storage.save(f"adoption/report-{month.pk}-{digest[:16]}.pdf", ContentFile(pdf))
    # Compare-and-set: two first downloads at once store one file between them.
    stored = AdoptionMonth.objects.filter(pk=month.pk, pdf_sha256="").update(
        pdf=name, pdf_sha256=digest
    )
    if not stored:
        default_storage.delete(name)
        month.refresh_from_db(fields=["pdf", "pdf_sha256"])
        return read_stored(month)
    month.pdf.name, month.pdf_sha256 = name, digest
    return pdf
