"""Import a bulletin: the file read (bulletin/importing/, a pure reader: text in, the
parsed bulletin and the account of every line out) and written by `save_bulletin` in a
single transaction, so a file is imported whole or not at all.

Every refusal is a message for the person importing (gettext, Chinese in the app): a
`BulletinFormatError` names the line (FILE:LINE: on the command line), including what the
database would refuse (an over-long field, a number out of range); an `ImportRefused`
is a well-formed file that cannot be imported as it stands (the issue exists, a month is
frozen).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bulletin.importing import (
    BulletinFormatError,
    ParsedAttachment,
    ParsedBulletin,
    ParsedSection,
    Reading,
    inspection_findings,
    parse_bulletin,
    read_bulletin,
    read_source,
    split_headline,
)
from bulletin.importing.files import check_size
from bulletin.importing.source import split_sentence
from bulletin.models import Issue, Section, Series, Submission
from bulletin.services import next_issue_numbers
from departments.models import Department, Hall, User
from lib.audit import log_transition
from lib.text import compact
from scoring.models import (
    InspectionItem,
    InspectionRound,
    ScoreEntry,
    ScoreMonth,
    WindowScore,
)
from scoring.services import month_freeze_printed, month_open, month_record_totals

__all__ = [
    "BulletinFormatError",
    "ImportRefused",
    "ParsedBulletin",
    "import_file",
    "parse_bulletin",
    "read_file",
    "save_bulletin",
]


# --- saving -------------------------------------------------------------------------


class ImportRefused(ValueError):
    """The file is well formed but cannot be imported as it stands; `replaceable`: it
    can, replacing what it clashes with (import_bulletin --replace)."""

    def __init__(self, message: str, *, replaceable: bool = False):
        super().__init__(message)
        self.replaceable = replaceable


class _Where:
    line: int | None = None  # the source line of the row being written


@contextlib.contextmanager
def _database_errors():
    """A refusal of the database (DataError, IntegrityError …; OverflowError is SQLite's
    for a number past 64 bits) as a format error at the line being written."""
    where = _Where()
    try:
        yield where
    except (DatabaseError, OverflowError) as exc:
        raise BulletinFormatError(
            where.line,
            _("the database cannot store this line: %(error)s")
            % {
                "error": str(exc).strip().splitlines()[0]
                if str(exc).strip()
                else type(exc).__name__
            },
        ) from exc


def _match_department(text: str, departments: list[Department]) -> Department | None:
    """The department whose name appears first in an item's first sentence."""
    first, _rest = split_sentence(text)
    best: tuple[int, int, Department] | None = None
    for department in departments:
        for name in {department.name, department.short_name} - {""}:
            at = first.find(name)
            if at >= 0 and (best is None or (at, -len(name)) < (best[0], best[1])):
                best = (at, -len(name), department)
    return best[2] if best else None


def _department(name: str, cache: dict[str, Department], hall: Hall) -> Department:
    """The hall's department of a score table's row, added to the hall if it is new."""
    key = compact(name)
    if key not in cache:
        in_hall = Department.objects.in_hall(hall)
        cache[key] = Department.objects.create(
            hall=hall, name=name, display_order=in_hall.next_display_order()
        )
    return cache[key]


def save_bulletin(doc: ParsedBulletin, *, replace: bool = False, by: User | None = None) -> Issue:
    """Create the issue with everything in it, or nothing at all.

    The series is the one of that title in the hall of the masthead's issuing body
    (Hall.objects.for_issuing_body: the hall whose short name begins it, else the
    default hall), created there if new; its departments, score months and inspection
    round are that hall's. An editor (`by`) imports into their own hall only.

    A row the database refuses (a value too long or out of range that the reader's
    checks let through, a constraint) is a BulletinFormatError naming the line it came
    from; the transaction is rolled back first, so nothing is saved."""
    with _database_errors() as where, transaction.atomic():
        where.line = doc.line
        hall = Hall.objects.for_issuing_body(doc.issuing_body)
        if by is not None and not by.sees_hall(hall.pk):
            raise ImportRefused(
                _(
                    "%(body)s issues for %(hall)s: a bulletin of another hall is not yours to import."
                )
                % {"body": doc.issuing_body or doc.title, "hall": hall.name}
            )
        series, created = Series.objects.select_for_update().get_or_create(
            hall=hall,
            title=doc.title,
            # A new series prints （总第N期） if its first bulletin does.
            defaults={
                "issuing_body": doc.issuing_body,
                "total_numbering": doc.total_number is not None,
            },
        )
        if not series.issuing_body and doc.issuing_body:
            series.issuing_body = doc.issuing_body
            series.save(update_fields=["issuing_body"])
        if not series.issuing_body:
            raise ImportRefused(
                _("%(label)s: no issuing body in the masthead") % {"label": doc.label}
            )
        same = Q(year=doc.year, number=doc.number)
        if doc.total_number is not None:
            same |= Q(total_number=doc.total_number)
        clashes = Issue.objects.filter(series=series).filter(same)
        total_number = doc.total_number
        if clashes.exists():
            if not replace:
                raise ImportRefused(
                    _("%(label)s already exists.") % {"label": doc.label}, replaceable=True
                )
            for clash in clashes:
                if not clash.can("replace", None):
                    raise ImportRefused(
                        _(
                            "%(label)s is issued and cannot be replaced: an issued bulletin "
                            "never changes (print a correction in a new issue)"
                        )
                        % {"label": clash.label}
                    )
            if total_number is None:
                total_number = clashes.values_list("total_number", flat=True).first()
            rounds = list(InspectionRound.objects.filter(pk__in=clashes.values("inspection_round")))
            clashes.delete()
            # The round an imported issue printed came with it and goes with it, unless
            # another issue reports it too or its month is frozen (then it is on record).
            for round_ in rounds:
                reported = Issue.objects.filter(inspection_round=round_).exists()
                if not reported and round_.refusal(None) is None:
                    round_.delete()
        if total_number is None:
            # A masthead without （总第N期）: the series' next total number (printed only
            # if the series prints them).
            total_number = next_issue_numbers(series=series, year=doc.year)[1]
        issue = Issue.objects.create(
            series=series,
            year=doc.year,
            number=doc.number,
            total_number=total_number,
            period_start=doc.period_start,
            period_end=doc.period_end,
            issue_date=doc.issue_date,
            column_title=doc.column_title,
            report_to=doc.report_to,
            send_to=doc.send_to,
            distribute_to=doc.distribute_to,
            print_count=doc.print_count,
            status=Issue.Status.ISSUED,
        )
        issue.transitions.create(actor=None, from_status="", to_status=issue.status)
        log_transition(actor=None, obj=issue, old="", new=issue.status, comment="imported")
        departments = list(Department.objects.in_hall(hall))
        # A score table may print a department's short name; a full name wins over it.
        by_name = {compact(d.short_name): d for d in departments if d.short_name}
        by_name.update({compact(d.name): d for d in departments})
        position = 0
        inspection: list[InspectionItem] = []
        for parsed in doc.sections:
            position += 1
            where.line = parsed.line
            section = Section.objects.create(
                issue=issue,
                position=position,
                level=parsed.level,
                title=parsed.title,
                kind=parsed.kind,
                body="\n".join(parsed.body),
                item_style=parsed.item_style,
            )
            Submission.objects.bulk_create(
                Submission(
                    section=section,
                    position=n,
                    department=_match_department(item.text, departments),
                    **dict(zip(("headline", "body"), _split_headline(item.text), strict=True)),
                    status=Submission.Status.ACCEPTED,
                )
                for n, item in enumerate(parsed.items, start=1)
            )
            if parsed.kind == Section.Kind.INSPECTION:
                inspection.extend(_inspection_items(parsed, departments))
        if inspection:
            # The printed findings are the record of that week's round.
            day = issue.period_end or issue.issue_date or timezone.localdate()
            issue.inspection_round = InspectionRound.objects.create(
                hall=hall, date=day, inspector=""
            )
            issue.save(update_fields=["inspection_round"])
            for n, item in enumerate(inspection, start=1):
                item.position, item.round = n, issue.inspection_round
            InspectionItem.objects.bulk_create(inspection)
        for parsed in doc.attachments:
            position += 1
            where.line = parsed.line
            Section.objects.create(
                issue=issue,
                position=position,
                level=1,
                title=parsed.title,
                kind=Section.Kind.ATTACHMENT,
                body="\n".join(parsed.body),
                score_month=parsed.month,
            )
            if parsed.rows:
                _save_scores(parsed, by_name, replace=replace, hall=hall)
        latest = series.issues.order_by("-total_number").first()
        if created or not series.default_outline or latest == issue:
            # The newest issue of a series is the template for the next one.
            series.default_outline = [
                {"title": s.title, "level": s.level, "kind": s.kind}
                for s in doc.sections
                if s.title and s.level <= 2
            ]
            series.default_print_count = doc.print_count or series.default_print_count
            series.default_report_to = doc.report_to
            series.default_send_to = doc.send_to
            series.default_distribute_to = doc.distribute_to
            series.save()
    return issue


def _split_headline(text: str) -> tuple[str, str]:
    """An item's first sentence is its run-in headline when more text follows it."""
    return split_headline(text)


def _inspection_items(parsed: ParsedSection, departments) -> list[InspectionItem]:
    return [
        InspectionItem(
            topic=topic, finding=finding, department=_match_department(finding, departments)
        )
        for topic, finding in inspection_findings(parsed.body)
    ]


def _save_scores(parsed: ParsedAttachment, by_name: dict, *, replace: bool, hall: Hall) -> None:
    """The printed table becomes the month's ledger: its totals recorded as entries.

    The month is the hall's (that of the bulletin's series), its departments are the
    hall's (a new name is added to that hall only). The month comes from an issued
    bulletin, so it is frozen once recorded; the rows keep their printed order for ties.
    A frozen month is never written again.
    """
    label = f"{parsed.month.year}年{parsed.month.month}月"
    month = ScoreMonth.objects.filter(hall=hall, month=parsed.month).first()
    if month is not None and month.is_frozen:
        raise ImportRefused(
            _(
                "window scores for %(month)s are frozen and cannot be replaced; "
                "record a correction in a later month instead"
            )
            % {"month": label}
        )
    taken = WindowScore.objects.filter(month=parsed.month).in_hall(hall.pk).exists()
    if (taken or (month is not None and month.entries.exists())) and not replace:
        raise ImportRefused(
            _("window scores for %(month)s already exist.") % {"month": label},
            replaceable=True,
        )
    month = month or month_open(month=parsed.month, hall=hall.pk)
    rows = [
        (_department(row.department, by_name, hall), row.deduction, row.bonus)
        for row in parsed.rows
    ]
    month_record_totals(
        month=month,
        rows=rows,
        by=None,
        reason="月度考核结果（按印发的考核表录入）",
        source=ScoreEntry.Source.IMPORT,
        keep_order=True,
    )
    month_freeze_printed(month=month)


def read_file(path: Path | str) -> Reading:
    """A file read and parsed: the account of its lines, and the bulletin or the error at
    its line. An unreadable file (too large, not text nor .docx) is a BulletinFormatError."""
    path = Path(path)
    if path.is_file():
        check_size(path.stat().st_size)
    source = read_source(path.read_bytes(), path.name)
    return read_bulletin(source.text, whole_paragraphs=source.whole_paragraphs)


def import_file(path: Path | str, *, replace: bool = False) -> Issue:
    """Read, parse and save one file (import_bulletin); nothing is saved on any error."""
    reading = read_file(path)
    if reading.error is not None:
        raise reading.error
    return save_bulletin(reading.bulletin, replace=replace)
