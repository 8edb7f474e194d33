"""What the reader makes of a bulletin: the parsed issue, and for every source line what
it became (the account an editor checks in the import preview)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bulletin.models import Section
from lib.numbering import chinese_numeral


class BulletinFormatError(ValueError):
    """A line the reader cannot place, with its number (None: the file as a whole)."""

    def __init__(self, line: int | None, message: str):
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}" if line else message)


# --- the parsed issue ---------------------------------------------------------------


@dataclass
class ParsedItem:
    line: int
    marker_level: int
    # One paragraph per line: a sub-item （1） or a paragraph after the item is a line.
    text: str


@dataclass
class ParsedSection:
    line: int
    level: int
    title: str
    kind: str
    body: list[str] = field(default_factory=list)
    items: list[ParsedItem] = field(default_factory=list)
    item_style: str = Section.ItemStyle.ARABIC

    @property
    def kind_label(self) -> str:
        return str(Section.Kind(self.kind).label)


@dataclass
class ParsedScoreRow:
    line: int
    rank: int | None
    department: str
    base: Decimal
    deduction: Decimal
    bonus: Decimal
    total: Decimal


@dataclass
class ParsedAttachment:
    line: int
    title: str
    body: list[str] = field(default_factory=list)
    rows: list[ParsedScoreRow] = field(default_factory=list)
    month: datetime.date | None = None


@dataclass
class ParsedBulletin:
    line: int | None = None  # of the issue-number line
    title: str = ""
    issuing_body: str = ""
    year: int | None = None
    number: int | None = None
    # None: the masthead prints no （总第N期）; numbering in total is optional per series.
    total_number: int | None = None
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    issue_date: datetime.date | None = None
    column_title: str = ""
    report_to: str = ""
    send_to: str = ""
    distribute_to: str = ""
    print_count: int | None = None
    sections: list[ParsedSection] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)

    @property
    def label(self) -> str:
        total = f"（总第{self.total_number}期）" if self.total_number else ""
        return f"{self.title} {self.year}年第{self.number}期{total}"

    def numbered_sections(self) -> list[tuple[ParsedSection, str]]:
        """Each section with the marker it will print (一、 （一） 1. （1）; none untitled)."""
        counters = [0, 0, 0, 0]
        numbered = []
        for section in self.sections:
            if not section.title:
                numbered.append((section, ""))
                continue
            counters[section.level - 1] += 1
            for deeper in range(section.level, 4):
                counters[deeper] = 0
            n = counters[section.level - 1]
            cn = chinese_numeral(n) if n < 100 else str(n)
            marker = {1: f"{cn}、", 2: f"（{cn}）", 3: f"{n}.", 4: f"（{n}）"}[section.level]
            numbered.append((section, marker))
        return numbered


# --- the account of every line ------------------------------------------------------


class Role(models.TextChoices):
    """What a source line became."""

    MASTHEAD = "masthead", gettext_lazy("masthead")
    HEADING = "heading", gettext_lazy("heading")
    ITEM = "item", gettext_lazy("item")
    BODY = "body", gettext_lazy("body text")
    TITLE = "title", gettext_lazy("article title")
    NOTE = "note", gettext_lazy("editor's note")
    ATTACHMENT_NOTE = "attachment_note", gettext_lazy("attachment note")
    ATTACHMENT = "attachment", gettext_lazy("attachment page")
    TABLE_HEADER = "table_header", gettext_lazy("table header")
    TABLE_ROW = "table_row", gettext_lazy("table row")
    DISTRIBUTION = "distribution", gettext_lazy("distribution line")
    PRINT_COUNT = "print_count", gettext_lazy("print count")
    IMPRINT = "imprint", gettext_lazy("imprint line")
    DROPPED = "dropped", gettext_lazy("dropped")
    # Only in a reading that stopped at an error: the lines after it.
    UNREAD = "unread", gettext_lazy("not read")


MASTHEAD_FIELDS = {
    "title": gettext_lazy("series title"),
    "number": gettext_lazy("issue number"),
    "issuing_body": gettext_lazy("issuing body"),
    "issue_date": gettext_lazy("issue date"),
    "body_and_date": gettext_lazy("issuing body and issue date"),
    "column": gettext_lazy("column title"),
    "period": gettext_lazy("period"),
    "mark": gettext_lazy("classification mark"),
}

DROP_REASONS = {
    "blank": gettext_lazy("blank"),
    "rule": gettext_lazy("rule"),
    "page_number": gettext_lazy("page number"),
    "separator": gettext_lazy("table separator"),
    "editor": gettext_lazy("by the editor"),
}


class Override(models.TextChoices):
    """A role the editor gives a line in the preview, in place of the reader's guess."""

    HEADING_1 = "heading1", gettext_lazy("heading, level 1 (一、)")
    HEADING_2 = "heading2", gettext_lazy("heading, level 2 (（一）)")
    HEADING_3 = "heading3", gettext_lazy("heading, level 3 (1.)")
    HEADING_4 = "heading4", gettext_lazy("heading, level 4 ((1))")
    ITEM = "item", gettext_lazy("item")
    BODY = "body", gettext_lazy("body text")
    TITLE = "title", gettext_lazy("article title")
    JOIN = "join", gettext_lazy("continues the paragraph above")
    DROP = "drop", gettext_lazy("drop")

    @property
    def heading_level(self) -> int | None:
        return int(self.value[-1]) if self.value.startswith("heading") else None


@dataclass
class LineAccount:
    no: int
    text: str  # the line as written
    role: Role
    level: int | None = None  # of a heading
    field: str = ""  # a masthead field, a distribution label (报 送 发), an attachment part
    reason: str = ""  # why a dropped line is not part of the bulletin (DROP_REASONS)
    joined_to: int | None = None  # the line whose paragraph this one continues
    section: int | None = None  # index in ParsedBulletin.sections
    overridden: bool = False  # the editor chose the role

    def describe(self) -> str:
        """The role in words, as the preview and `import_bulletin --verbose` show it."""
        role = self.role
        if role == Role.MASTHEAD:
            text = _("masthead: %(field)s") % {"field": MASTHEAD_FIELDS[self.field]}
        elif role == Role.HEADING:
            text = _("heading, level %(level)d") % {"level": self.level}
        elif role == Role.DISTRIBUTION:
            text = _("distribution line %(label)s") % {"label": self.field}
        elif role == Role.DROPPED:
            text = _("dropped: %(reason)s") % {"reason": DROP_REASONS[self.reason]}
        else:
            text = str(role.label)
        if self.joined_to:
            text = _("%(role)s, continuing line %(line)d") % {"role": text, "line": self.joined_to}
        return text
