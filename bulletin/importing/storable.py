"""What the database can hold, checked on the parsed bulletin so that an over-long title
or an out-of-range number is refused with its line, before anything is written (a
PostgreSQL varchar or integer column would refuse it mid-transaction, SQLite not at all).
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from bulletin.importing.model import BulletinFormatError, LineAccount, ParsedBulletin, Role
from bulletin.importing.source import CN, split_sentence
from bulletin.models import Issue, Section, Series, Submission
from departments.models import Department
from lib.limits import MAX_BODY, MAX_LINE
from scoring.models import InspectionItem, WindowScore

# PostgreSQL's integer, the column of every issue number and count.
MAX_INTEGER = 2_147_483_647
# The years a bulletin of this app can be from.
YEARS = (1949, 2100)

INSPECTION_LINE = re.compile(rf"^（[{CN}]{{1,3}}）(.+?)[。．.]\s*(.+)$")


def split_headline(text: str) -> tuple[str, str]:
    """An item's first sentence is its run-in headline when more text follows it."""
    headline, rest = split_sentence(text)
    return (headline, rest) if rest else ("", text)


def inspection_findings(paragraphs: list[str]) -> list[tuple[str, str]]:
    """(topic, finding) of each line "（一）按时到岗情况。总体情况良好。" of 大厅巡查."""
    return [m.groups() for p in paragraphs if (m := INSPECTION_LINE.match(p))]


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _score_limit() -> Decimal:
    """The largest magnitude a score column holds (max_digits 5, one decimal: 9999.5)."""
    field = WindowScore._meta.get_field("base")
    return Decimal(10) ** (field.max_digits - field.decimal_places) - Decimal("0.5")


class Check:
    def __init__(self, doc: ParsedBulletin, lines: list[LineAccount]):
        self.doc = doc
        self.lines = lines

    def line_of(self, role: Role, field: str = "") -> int | None:
        for account in self.lines:
            if account.role == role and (not field or account.field == field):
                return account.no
        return None

    def masthead_line(self, *fields: str) -> int | None:
        for name in fields:
            if (no := self.line_of(Role.MASTHEAD, name)) is not None:
                return no
        return None

    def length(self, line: int | None, what: str, text: str, limit: int) -> None:
        if len(text) > limit:
            raise BulletinFormatError(
                line,
                _("%(what)s has %(length)d characters; at most %(max)d can be stored: shorten it")
                % {"what": what, "length": len(text), "max": limit},
            )

    def number(self, line: int | None, what: str, value: int | None, low: int, high: int):
        if value is not None and not low <= value <= high:
            raise BulletinFormatError(
                line,
                _("%(what)s %(value)s is out of range (%(low)s to %(high)s)")
                % {"what": what, "value": value, "low": low, "high": high},
            )

    def run(self) -> None:
        doc = self.doc
        title = self.masthead_line("title")
        self.length(title, _("The series title"), doc.title, _max_length(Series, "title"))
        body = self.masthead_line("issuing_body", "body_and_date")
        limit = _max_length(Series, "issuing_body")
        self.length(body, _("The issuing body"), doc.issuing_body, limit)
        column = self.masthead_line("column")
        limit = _max_length(Issue, "column_title")
        self.length(column, _("The column title"), doc.column_title, limit)
        number = self.masthead_line("number")
        self.number(number, _("The year"), doc.year, *YEARS)
        self.number(number, _("The issue number"), doc.number, 1, MAX_INTEGER)
        self.number(number, _("The total number"), doc.total_number, 1, MAX_INTEGER)
        count = self.line_of(Role.PRINT_COUNT)
        self.number(count, _("The print count"), doc.print_count, 0, MAX_INTEGER)
        for label, value in (("报", doc.report_to), ("送", doc.send_to), ("发", doc.distribute_to)):
            line = self.line_of(Role.DISTRIBUTION, label)
            self.length(line, _("The %(label)s line") % {"label": label}, value, MAX_LINE)
        self.sections()
        self.attachments()

    def sections(self) -> None:
        title_limit = _max_length(Section, "title")
        headline_limit = _max_length(Submission, "headline")
        topic_limit = _max_length(InspectionItem, "topic")
        for section in self.doc.sections:
            self.length(section.line, _("The heading"), section.title, title_limit)
            for item in section.items:
                headline, body = split_headline(item.text)
                self.length(item.line, _("The item's first sentence"), headline, headline_limit)
                self.length(item.line, _("The item's text"), body, MAX_BODY)
            if section.kind == Section.Kind.INSPECTION:
                for topic, finding in inspection_findings(section.body):
                    self.length(section.line, _("An inspection topic"), topic, topic_limit)
                    self.length(section.line, _("An inspection finding"), finding, MAX_LINE)

    def attachments(self) -> None:
        title_limit = _max_length(Section, "title")
        name_limit = _max_length(Department, "name")
        score_limit = _score_limit()
        for attachment in self.doc.attachments:
            self.length(attachment.line, _("The attachment's title"), attachment.title, title_limit)
            for row in attachment.rows:
                self.length(row.line, _("The department's name"), row.department, name_limit)
                for value in (row.base, row.deduction, row.bonus, row.total):
                    if abs(value) > score_limit:
                        raise BulletinFormatError(
                            row.line,
                            _("the score %(value)s is out of range (at most %(max)s either way)")
                            % {"value": value, "max": score_limit},
                        )


def check_storable(doc: ParsedBulletin, lines: list[LineAccount]) -> None:
    Check(doc, lines).run()
