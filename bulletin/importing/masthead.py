"""The masthead (报头), in any order its lines come in: the series title (a Markdown `#`
heading or the first plain line), the issue line, the issuing body, the 印发日期 (the body
and the date may share a line), an optional column title and the period."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from bulletin.importing.model import BulletinFormatError, ParsedBulletin, Role
from bulletin.importing.patterns import (
    ATTACHMENT_NOTE,
    ATTACHMENT_PAGE,
    BODY_AND_DATE,
    CLASSIFICATION,
    DATE_LINE,
    DISTRIBUTION,
    EDITOR_NOTE,
    ISSUE_LINE,
    PERIOD_LINE,
)
from bulletin.importing.source import SourceLine, marker
from bulletin.importing.tables import Record, make_date
from lib.text import compact

# A column title (专栏, such as 政务服务工作) is a few words; a longer plain line after a
# complete masthead is the first line of the body (an article's title).
COLUMN_MAX = 12


class MastheadReader:
    def __init__(self, lines: list[SourceLine], doc: ParsedBulletin, record: Record, stops):
        self.lines = lines
        self.doc = doc
        self.record = record
        self.stops = stops  # line numbers the editor gave a body role: the masthead ends there

    def _ends_here(self, line: SourceLine) -> bool:
        text = line.text
        if line.no in self.stops:
            return True
        if line.dropped == "rule" and self.doc.number is not None:
            return True  # the red rule under the masthead
        if line.dropped:
            return False
        return bool(
            marker(text)
            or any(ch in text for ch in "。！？")
            or DISTRIBUTION.match(text)
            or ATTACHMENT_NOTE.match(text)
            or ATTACHMENT_PAGE.match(compact(text))
            or EDITOR_NOTE.match(text)
            or len(compact(text)) > 40
        )

    def read(self) -> int:
        """Read the masthead; the index of the first line of the body."""
        doc = self.doc
        plain: list[tuple[SourceLine, str]] = []  # (line, its name); title, body, column
        heading_title = False
        period: tuple[int, re.Match] | None = None
        i = 0
        while i < len(self.lines) and not self._ends_here(self.lines[i]):
            line = self.lines[i]
            text = compact(line.text)
            if line.dropped:
                self.record(line, Role.DROPPED, reason=line.dropped)
            elif m := ISSUE_LINE.match(text):
                if doc.number is not None:
                    raise BulletinFormatError(line.no, _("a second issue-number line"))
                doc.year = int(m.group(1)) if m.group(1) else None
                doc.number = int(m.group(2))
                doc.total_number = int(m.group(3)) if m.group(3) else None
                doc.line = line.no
                self.record(line, Role.MASTHEAD, field="number")
            elif m := DATE_LINE.match(text):
                self._issue_date(line, m)
                self.record(line, Role.MASTHEAD, field="issue_date")
            elif m := PERIOD_LINE.match(text):
                if period is not None:
                    raise BulletinFormatError(line.no, _("a second period line in the masthead"))
                period = (line.no, m)  # read once the year is known, wherever it comes
                self.record(line, Role.MASTHEAD, field="period")
            elif CLASSIFICATION.match(text):
                self.record(line, Role.MASTHEAD, field="mark")
            elif line.heading and not heading_title:
                doc.title, heading_title = text, True
                self.record(line, Role.MASTHEAD, field="title")
            elif (m := BODY_AND_DATE.match(text)) and len(plain) < (1 if heading_title else 2):
                # The issuing body's place is free: the body and the date share this line.
                self._issue_date(line, DATE_LINE.match(text[m.start(2) :]))
                plain.append((line, m.group(1)))
            else:
                capacity = 2 if heading_title else 3
                column_slot = len(plain) == capacity - 1
                if len(plain) >= capacity or (column_slot and len(text) > COLUMN_MAX):
                    if doc.number is not None:
                        break  # the masthead is complete: the body starts here
                    raise BulletinFormatError(
                        line.no, _("unexpected line in the masthead: %(text)s") % {"text": text}
                    )
                plain.append((line, text))
            i += 1
        self._names(plain, heading_title)
        self._numbers(period)
        return i

    def _issue_date(self, line: SourceLine, m: re.Match) -> None:
        if self.doc.issue_date is not None:
            raise BulletinFormatError(line.no, _("a second issue date in the masthead"))
        self.doc.issue_date = make_date(line.no, *map(int, m.groups()))

    def _names(self, plain: list[tuple[SourceLine, str]], heading_title: bool) -> None:
        """The plain lines in their order: the series title (unless a heading gave it),
        the issuing body, the column title."""
        doc = self.doc
        names = plain
        if not heading_title:
            if not plain:
                raise BulletinFormatError(
                    self._first(), _("no series title (such as 窗口工作周报) at the top")
                )
            (line, doc.title), names = plain[0], plain[1:]
            self.record(line, Role.MASTHEAD, field="title")
        for (line, text), attr in zip(names, ("issuing_body", "column_title"), strict=False):
            setattr(doc, attr, text)
            field = {"issuing_body": "issuing_body", "column_title": "column"}[attr]
            if text != compact(line.text):
                field = "body_and_date"  # the date was read off the same line
            self.record(line, Role.MASTHEAD, field=field)

    def _first(self) -> int:
        return next((line.no for line in self.lines if not line.dropped), 1)

    def _numbers(self, period) -> None:
        doc = self.doc
        first = self._first()
        if doc.number is None:
            raise BulletinFormatError(
                first, _("no issue-number line such as 2023年第38期（总第458期） in the masthead")
            )
        if doc.year is None:
            # "第5期" alone: the year is the issue date's.
            if doc.issue_date is None:
                raise BulletinFormatError(
                    first, _("the issue-number line names no year and there is no issue date")
                )
            doc.year = doc.issue_date.year
        if period is not None:
            self._period(*period)

    def _period(self, no: int, m: re.Match) -> None:
        doc = self.doc
        y1, m1, d1, y2, m2, d2 = m.groups()
        # The period lies in the issue's year unless it says otherwise; a period that
        # crosses New Year starts in the year before.
        end_year = int(y2) if y2 else (int(y1) if y1 else doc.year)
        start_year = (
            int(y1) if y1 else end_year - (1 if (int(m1), int(d1)) > (int(m2), int(d2)) else 0)
        )
        doc.period_start = make_date(no, start_year, int(m1), int(d1))
        doc.period_end = make_date(no, end_year, int(m2), int(d2))
        if doc.period_end < doc.period_start:
            raise BulletinFormatError(no, _("the period ends before it starts"))
