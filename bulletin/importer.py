"""Read a bulletin written as plain text or Markdown in the style of the seeds.

The parser is pure (text in, `ParsedBulletin` out, `BulletinFormatError` with a line
number on anything it cannot place); `save_bulletin` writes one parsed bulletin in a
single transaction, so a file is imported whole or not at all.

What it understands, in any order the masthead comes in:
- masthead: the series title (a Markdown `#` heading or the first plain line), the line
  "2023年第38期（总第458期）", the issuing body, the 印发日期 "2023年10月17日", an optional
  column title (政务服务工作) and the period "（9月25日—9月28日）";
- headings 一、 and （一） (a heading that is a whole sentence runs into its paragraph),
  items 1. / 1、 and (1) / （1）; a paragraph cut by a page break is joined again;
- 附件：… notes, an 附件 page with its title and a score table (tab-separated, Markdown
  pipes or columns split by two spaces; a tied row has an empty rank cell);
- 报：/送：/发： lines (any may be missing) and （共印N份）.
Digits and punctuation may be full-width or half-width; blank lines are not significant.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from bulletin.models import Issue, Section, Series, Submission
from bulletin.services import next_issue_numbers
from departments.models import Department
from lib.audit import log_transition
from lib.limits import MAX_BODY, MAX_IMPORT_BYTES, MAX_ISSUE_CHARS
from lib.numbering import parse_chinese_numeral
from lib.points import is_half_point
from lib.text import compact, normalize_chinese, widen_digits
from scoring.models import (
    InspectionItem,
    InspectionRound,
    ScoreEntry,
    ScoreMonth,
    WindowScore,
    competition_ranks,
)
from scoring.services import month_freeze_printed, month_open, month_record_totals


class BulletinFormatError(ValueError):
    def __init__(self, line: int | None, message: str):
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}" if line else message)


# --- patterns -----------------------------------------------------------------------

CN = "一二三四五六七八九十"
ISSUE_LINE = re.compile(r"^(?:(\d{4})年)?第(\d+)期(?:[（(]总第(\d+)期[）)])?$")
DATE_LINE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_DAY = r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日"
PERIOD_LINE = re.compile(rf"^[（(]{_DAY}\s*(?:[—–\-~～至到]+)\s*{_DAY}[）)]$")
LEVEL1 = re.compile(rf"^([{CN}]{{1,3}})、\s*(.*)$")
LEVEL2 = re.compile(rf"^[（(]([{CN}]{{1,3}})[）)]\s*(.*)$")
LEVEL3 = re.compile(r"^(\d{1,2})[.．、]\s*(.*)$")
LEVEL4 = re.compile(r"^[（(](\d{1,2})[）)]\s*(.*)$")
DISTRIBUTION = re.compile(r"^(报|送|发)\s*[：:]\s*(.*)$")
PRINT_COUNT = re.compile(r"^[（(]?\s*共印\s*(\d+)\s*份\s*[）)]?$")
ATTACHMENT_NOTE = re.compile(r"^附\s*件\s*[：:]\s*(.+)$")
ATTACHMENT_PAGE = re.compile(r"^附\s*件\s*(\d*)$")
NOTE_NUMBER = re.compile(r"^(\d{1,2})[.．、]\s*")
MONTH_IN_TITLE = re.compile(r"(\d{4})年(\d{1,2})月")
RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,}|={3,})$")
MD_HEADING = re.compile(r"^(#{1,6})\s*(.*)$")
SENTENCE_END = "。！？!?"
# A paragraph that ends in one of these is complete; anything else was cut by a page break.
TERMINAL = set("。！？!?；;…：:")
CLOSERS = set("”’」』）)】")

KIND_KEYWORDS = [
    (Section.Kind.LEADER_VISITS, re.compile(r"长进大厅|领导进大厅|局长进|厅长进")),
    (Section.Kind.INSPECTION, re.compile(r"巡查|督查|检查情况")),
    (Section.Kind.STATISTICS, re.compile(r"办件|受理办理|统计|数据")),
    (Section.Kind.NEWS, re.compile(r"资讯|新闻|要闻")),
    (Section.Kind.ITEMS, re.compile(r"动态|报送|信息")),
]
# Sections whose numbered paragraphs are prose generated from records, kept as written.
PROSE_KINDS = {
    Section.Kind.LEADER_VISITS,
    Section.Kind.INSPECTION,
    Section.Kind.STATISTICS,
    Section.Kind.NEWS,
}

SCORE_COLUMNS = [
    ("rank", re.compile(r"排名|名次|序号")),
    ("department", re.compile(r"部门|单位|窗口")),
    ("base", re.compile(r"基础")),
    ("deduction", re.compile(r"减分|扣分")),
    ("bonus", re.compile(r"加分")),
    ("total", re.compile(r"实得|总分|得分|合计")),
]


# --- parsed form --------------------------------------------------------------------


@dataclass
class ParsedItem:
    line: int
    marker_level: int
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
    title: str = ""
    issuing_body: str = ""
    year: int | None = None
    number: int | None = None
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
        return f"{self.title} {self.year}年第{self.number}期"


@dataclass
class Line:
    no: int
    raw: str  # digits widened, trailing newline removed; tabs kept for tables
    text: str  # stripped of Markdown decoration
    heading: bool  # was a Markdown heading


# --- helpers ------------------------------------------------------------------------


def _date(line: int, year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise BulletinFormatError(line, f"{year}年{month}月{day}日 is not a real date") from None


def _is_complete(paragraph: str) -> bool:
    end = paragraph.rstrip()
    while end and end[-1] in CLOSERS:
        end = end[:-1]
        if end and end[-1] in TERMINAL:
            return True
        if not end or end[-1] not in CLOSERS:
            return False
    return bool(end) and end[-1] in TERMINAL


def _split_sentence(text: str) -> tuple[str, str]:
    """("按时到岗情况。", "总体情况良好。") from "按时到岗情况。 总体情况良好。"."""
    for i, ch in enumerate(text):
        if ch in SENTENCE_END:
            j = i + 1
            while j < len(text) and text[j] in CLOSERS:
                j += 1
            return text[:j], text[j:].strip()
    return text, ""


def _kind_for(title: str, parent_kind: str | None) -> str:
    for kind, pattern in KIND_KEYWORDS:
        if pattern.search(title):
            return kind
    if parent_kind in (Section.Kind.ITEMS, *PROSE_KINDS):
        return parent_kind
    return Section.Kind.FREE


def _number(text: str, line: int, what: str) -> Decimal:
    cleaned = text.strip().replace(" ", "").replace("−", "-").replace("－", "-")
    if cleaned in {"", "-", "—", "/"}:
        return Decimal(0)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise BulletinFormatError(line, f"{what} {text.strip()!r} is not a number") from None
    if not is_half_point(value):
        raise BulletinFormatError(line, f"{what} {text.strip()} is not in steps of 0.5")
    return value


def _marker(text: str) -> tuple[int, int, str] | None:
    """(level, number, rest) for a numbered line, or None."""
    for level, pattern in ((1, LEVEL1), (2, LEVEL2)):
        m = pattern.match(text)
        if m:
            try:
                return level, parse_chinese_numeral(m.group(1)), m.group(2).strip()
            except ValueError:
                return None
    m = LEVEL4.match(text)
    if m:
        return 4, int(m.group(1)), m.group(2).strip()
    m = LEVEL3.match(text)
    if m and m.group(2) and not re.match(r"^\d*\s*[%％]", m.group(2)):
        return 3, int(m.group(1)), m.group(2).strip()
    return None


# --- the parser ---------------------------------------------------------------------


class Parser:
    def __init__(self, text: str):
        self.lines = self._prepare(text)
        self.doc = ParsedBulletin()

    @staticmethod
    def _prepare(text: str) -> list[Line]:
        lines = []
        for no, raw in enumerate(text.splitlines(), start=1):
            raw = widen_digits(raw).rstrip()
            stripped = raw.strip()
            heading = False
            m = MD_HEADING.match(stripped)
            if m:
                heading, stripped = True, m.group(2).strip()
            stripped = re.sub(r"^>\s*", "", stripped)
            stripped = re.sub(
                r"\*\*(.+?)\*\*|__(.+?)__", lambda g: g.group(1) or g.group(2), stripped
            )
            if not stripped or RULE.match(stripped):
                continue
            lines.append(Line(no, raw, stripped, heading))
        return lines

    def parse(self) -> ParsedBulletin:
        if not self.lines:
            raise BulletinFormatError(None, "the file is empty")
        i = self._masthead()
        self._body(i)
        self._check()
        return self.doc

    # masthead ----------------------------------------------------------------------

    def _is_masthead_end(self, line: Line) -> bool:
        text = line.text
        return bool(
            _marker(text)
            or any(ch in text for ch in "。！？")
            or DISTRIBUTION.match(text)
            or ATTACHMENT_NOTE.match(text)
            or ATTACHMENT_PAGE.match(text)
            or len(compact(text)) > 40
        )

    def _masthead(self) -> int:
        doc = self.doc
        plain: list[Line] = []
        period: tuple[int, re.Match] | None = None
        i = 0
        while i < len(self.lines) and not self._is_masthead_end(self.lines[i]):
            line = self.lines[i]
            text = compact(line.text)
            if m := ISSUE_LINE.match(text):
                if doc.number is not None:
                    raise BulletinFormatError(line.no, "a second issue-number line")
                doc.year = int(m.group(1)) if m.group(1) else None
                doc.number = int(m.group(2))
                doc.total_number = int(m.group(3)) if m.group(3) else None
            elif m := DATE_LINE.match(text):
                if doc.issue_date is not None:
                    raise BulletinFormatError(line.no, "a second issue date in the masthead")
                doc.issue_date = _date(line.no, *map(int, m.groups()))
            elif m := PERIOD_LINE.match(text):
                if period is not None:
                    raise BulletinFormatError(line.no, "a second period line in the masthead")
                period = (line.no, m)  # read once the year is known, wherever it comes
            elif line.heading and not doc.title:
                doc.title = text
            else:
                plain.append(line)
            i += 1
        if doc.title:
            names = plain
        else:
            if not plain:
                raise BulletinFormatError(1, "no series title (such as 窗口工作周报) at the top")
            doc.title, names = compact(plain[0].text), plain[1:]
        if len(names) > 2:
            raise BulletinFormatError(
                names[2].no, f"unexpected line in the masthead: {names[2].text!r}"
            )
        if names:
            doc.issuing_body = compact(names[0].text)
        if len(names) > 1:
            doc.column_title = compact(names[1].text)
        first = self.lines[0].no
        if doc.number is None:
            raise BulletinFormatError(
                first, "no issue-number line such as 2023年第38期（总第458期） in the masthead"
            )
        if doc.year is None:
            # "第5期" alone: the year is the issue date's.
            if doc.issue_date is None:
                raise BulletinFormatError(
                    first, "the issue-number line names no year and there is no issue date"
                )
            doc.year = doc.issue_date.year
        if period is not None:
            self._period(*period)
        if doc.period_start and doc.period_end is None:
            raise BulletinFormatError(first, "the period has no end")
        return i

    def _period(self, no: int, m: re.Match) -> None:
        doc = self.doc
        if doc.period_start is not None:
            raise BulletinFormatError(no, "a second period line in the masthead")
        y1, m1, d1, y2, m2, d2 = m.groups()
        # The period lies in the issue's year unless it says otherwise; a period that
        # crosses New Year starts in the year before.
        year = doc.year or (doc.issue_date.year if doc.issue_date else None)
        end_year = int(y2) if y2 else (int(y1) if y1 else year)
        if end_year is None:
            raise BulletinFormatError(no, "the period needs a year (put the issue line first)")
        start_year = (
            int(y1) if y1 else end_year - (1 if (int(m1), int(d1)) > (int(m2), int(d2)) else 0)
        )
        doc.period_start = _date(no, start_year, int(m1), int(d1))
        doc.period_end = _date(no, end_year, int(m2), int(d2))
        if doc.period_end < doc.period_start:
            raise BulletinFormatError(no, "the period ends before it starts")

    # body ----------------------------------------------------------------------------

    def _body(self, i: int) -> None:
        doc = self.doc
        section: ParsedSection | None = None
        top_kind: str | None = None
        counters = {1: 0, 2: 0, 3: 0, 4: 0}
        last_paragraph: tuple[list, int] | None = None  # (container, index) to join onto
        footer_started = False
        last_distribution: str | None = None
        notes: list[tuple[int, str]] = []

        def new_section(line: Line, level: int, title: str, rest: str, parent_kind):
            nonlocal section
            kind = _kind_for(title, parent_kind)
            section = ParsedSection(line.no, level, title, kind)
            doc.sections.append(section)
            if rest:
                section.body.append(rest)
            return section

        lines = self.lines
        while i < len(lines):
            line = lines[i]
            text = line.text
            i += 1

            if m := PRINT_COUNT.match(compact(text)):
                doc.print_count = int(m.group(1))
                footer_started, last_paragraph = True, None
                continue
            if m := DISTRIBUTION.match(text):
                attr = {"报": "report_to", "送": "send_to", "发": "distribute_to"}[m.group(1)]
                if getattr(doc, attr):
                    raise BulletinFormatError(line.no, f"a second {m.group(1)}： line")
                setattr(doc, attr, normalize_chinese(m.group(2)))
                footer_started, last_distribution, last_paragraph = True, attr, None
                continue
            if m := ATTACHMENT_NOTE.match(text):
                notes.append((line.no, m.group(1)))
                last_paragraph = None
                continue
            if ATTACHMENT_PAGE.match(compact(text)):
                i = self._attachment(i, line)
                last_paragraph = None
                continue
            if footer_started:
                previous = getattr(doc, last_distribution) if last_distribution else ""
                if last_distribution and previous and not _is_complete(previous):
                    setattr(doc, last_distribution, previous + normalize_chinese(text))
                    continue
                raise BulletinFormatError(
                    line.no, f"text after the distribution lines (报/送/发): {text[:30]!r}"
                )
            if notes and (m := NOTE_NUMBER.match(text)) and len(notes) == int(m.group(1)) - 1:
                # "附件：1. …" followed by "2. …" lines
                notes.append((line.no, text))
                continue

            marker = _marker(text)
            if marker and marker[0] == 3 and not (marker[1] == 1 or marker[1] == counters[3] + 1):
                marker = None  # "2.5倍…" at the start of a paragraph, not an item
            # Join a paragraph cut by a page break before looking at the line again.
            if last_paragraph and not marker and not line.heading:
                container, index = last_paragraph
                container[index] = self._join(container[index], text)
                continue
            last_paragraph = None

            if marker is None:
                paragraph = normalize_chinese(text)
                if section is None:
                    section = new_section(line, 1, "", "", None)
                section.body.append(paragraph)
                last_paragraph = self._joinable(section.body)
                continue

            level, n, rest = marker
            rest = normalize_chinese(rest)
            if not rest:
                raise BulletinFormatError(line.no, f"a heading marker with no text: {text!r}")
            is_heading = not any(ch in rest for ch in SENTENCE_END)
            if level <= 2 and (level == 1 or top_kind not in PROSE_KINDS or is_heading):
                expected = counters[level] + 1
                if n != expected:
                    raise BulletinFormatError(
                        line.no, f"section numbered {n} where {expected} was expected: {text!r}"
                    )
                counters[level] = n
                for deeper in range(level + 1, 5):
                    counters[deeper] = 0
                title, body = (rest, "") if is_heading else _split_sentence(rest)
                parent = top_kind if level > 1 else None
                new_section(line, level, title, body, parent)
                if level == 1:
                    top_kind = section.kind
                if body:
                    last_paragraph = self._joinable(section.body)
                continue

            if section is None:
                section = new_section(line, 1, "", "", None)
            counters[level] = n
            if section.kind == Section.Kind.ITEMS and level >= 3:
                if not section.items:
                    section.item_style = (
                        Section.ItemStyle.ARABIC if level == 3 else Section.ItemStyle.PAREN
                    )
                    expected = 1
                else:
                    expected = len(section.items) + 1
                if n != expected:
                    raise BulletinFormatError(
                        line.no, f"item numbered {n} where {expected} was expected: {text!r}"
                    )
                section.items.append(ParsedItem(line.no, level, rest))
                last_paragraph = (section.items, len(section.items) - 1)
                continue
            marker_text = {2: f"（{text_numeral(text)}）", 3: f"{n}.", 4: f"（{n}）"}[level]
            section.body.append(marker_text + rest)
            last_paragraph = self._joinable(section.body)

        self._place_notes(notes)

    @staticmethod
    def _joinable(container: list) -> tuple[list, int] | None:
        return None if _is_complete(container[-1]) else (container, len(container) - 1)

    @staticmethod
    def _join(previous, text: str):
        addition = normalize_chinese(text)
        if isinstance(previous, ParsedItem):
            previous.text = normalize_chinese(previous.text + addition)
            return previous
        return normalize_chinese(previous + addition)

    def _place_notes(self, notes: list[tuple[int, str]]) -> None:
        """附件说明 lines name attachments; one without a page of its own is still listed."""
        known = {compact(a.title) for a in self.doc.attachments}
        for no, note in notes:
            title = normalize_chinese(NOTE_NUMBER.sub("", note, count=1))
            if compact(title) not in known:
                self.doc.attachments.append(ParsedAttachment(no, title))
                known.add(compact(title))

    # attachment page ------------------------------------------------------------------

    def _attachment(self, i: int, start: Line) -> int:
        lines = self.lines
        if i >= len(lines):
            raise BulletinFormatError(start.no, "an 附件 page without a title")
        title_line = lines[i]
        attachment = ParsedAttachment(title_line.no, normalize_chinese(title_line.text))
        i += 1
        header: list[str] | None = None
        columns: dict[str, int] | None = None
        while i < len(lines):
            line = lines[i]
            compacted = compact(line.text)
            if (
                DISTRIBUTION.match(line.text)
                or PRINT_COUNT.match(compacted)
                or ATTACHMENT_PAGE.match(compacted)
            ):
                break
            cells = self._cells(line)
            i += 1
            if cells == [] and columns:
                continue  # the Markdown separator row under the header
            if cells is None:
                if attachment.rows:
                    raise BulletinFormatError(
                        line.no, f"a table row without columns: {line.text!r}"
                    )
                attachment.body.append(normalize_chinese(line.text))
                continue
            if columns is None:
                columns, header = self._columns(cells, line.no)
                if header is not None:
                    continue
            attachment.rows.append(self._score_row(cells, columns, line.no))
        if attachment.rows:
            m = MONTH_IN_TITLE.search(attachment.title)
            if not m:
                raise BulletinFormatError(
                    title_line.no, "the score table's title names no month (such as 2023年8月)"
                )
            attachment.month = _date(title_line.no, int(m.group(1)), int(m.group(2)), 1)
            self._check_ranks(attachment.rows)
        known = [a for a in self.doc.attachments if compact(a.title) == compact(attachment.title)]
        if known:
            raise BulletinFormatError(title_line.no, "the same attachment appears twice")
        self.doc.attachments.append(attachment)
        return i

    @staticmethod
    def _cells(line: Line) -> list[str] | None:
        raw = line.raw.strip(" ")
        if raw.startswith("|"):
            if re.match(r"^\|?[\s:\-|]+\|?$", raw):
                return []  # Markdown separator row
            return [c.strip() for c in raw.strip("|").split("|")]
        if "\t" in raw:
            return [c.strip() for c in raw.split("\t")]
        parts = re.split(r"\s{2,}|\u3000+", raw.strip())
        return parts if len(parts) >= 4 else None

    @staticmethod
    def _columns(cells: list[str], no: int) -> tuple[dict[str, int], list[str] | None]:
        if not cells:
            return {}, None
        looks_like_header = not any(re.fullmatch(r"-?\d+(\.\d+)?", c.strip()) for c in cells[2:])
        if not looks_like_header:
            return dict(zip([name for name, _ in SCORE_COLUMNS], range(6), strict=True)), None
        columns: dict[str, int] = {}
        for index, cell in enumerate(cells):
            label = compact(cell)
            for name, pattern in SCORE_COLUMNS:
                if name not in columns and pattern.search(label):
                    # "部门窗口" is the department column even though 窗口 also matches
                    columns[name] = index
                    break
        missing = [name for name, _ in SCORE_COLUMNS if name not in columns and name != "rank"]
        if missing:
            raise BulletinFormatError(
                no, f"the score table header lacks columns: {', '.join(missing)}"
            )
        return columns, cells

    def _score_row(self, cells: list[str], columns: dict[str, int], no: int) -> ParsedScoreRow:
        if not columns:
            raise BulletinFormatError(no, "a score table row before its header")
        width = max(columns.values()) + 1
        if len(cells) == width - 1 and "rank" in columns and columns["rank"] == 0:
            cells = ["", *cells]  # a tied row printed without its rank cell
        if len(cells) != width:
            raise BulletinFormatError(no, f"expected {width} columns, found {len(cells)}")
        rank_text = cells[columns["rank"]].strip() if "rank" in columns else ""
        if rank_text and not rank_text.isdigit():
            raise BulletinFormatError(no, f"rank {rank_text!r} is not a whole number")
        name = normalize_chinese(cells[columns["department"]])
        if not name:
            raise BulletinFormatError(no, "a score row without a department")
        deduction = _number(cells[columns["deduction"]], no, "deduction")
        row = ParsedScoreRow(
            line=no,
            rank=int(rank_text) if rank_text else None,
            department=name,
            base=_number(cells[columns["base"]], no, "base score"),
            # Some tables print deductions as positive amounts.
            deduction=-abs(deduction),
            bonus=_number(cells[columns["bonus"]], no, "bonus"),
            total=_number(cells[columns["total"]], no, "total"),
        )
        if row.bonus < 0:
            raise BulletinFormatError(no, f"bonus {row.bonus} is negative")
        if row.base + row.deduction + row.bonus != row.total:
            raise BulletinFormatError(
                no,
                f"{name}: {row.base} + ({row.deduction}) + {row.bonus} is "
                f"{row.base + row.deduction + row.bonus}, not {row.total}",
            )
        return row

    @staticmethod
    def _check_ranks(rows: list[ParsedScoreRow]) -> None:
        seen: set[str] = set()
        for row in rows:
            if compact(row.department) in seen:
                raise BulletinFormatError(row.line, f"{row.department} appears twice in the table")
            seen.add(compact(row.department))
        ranks = competition_ranks([row.total for row in rows])
        previous = None
        for row, rank in zip(rows, ranks, strict=True):
            if previous is not None and row.total > previous.total:
                raise BulletinFormatError(row.line, "the table is not sorted by total")
            if row.rank is not None and row.rank != rank:
                raise BulletinFormatError(
                    row.line, f"{row.department} is ranked {row.rank}, its total ranks {rank}"
                )
            if row.rank is None and previous is not None and previous.total != row.total:
                raise BulletinFormatError(row.line, f"{row.department} has no rank and is no tie")
            if row.rank is None and previous is None:
                raise BulletinFormatError(row.line, "the first row has no rank")
            previous = row

    def _check(self) -> None:
        if not self.doc.sections and not self.doc.attachments:
            raise BulletinFormatError(self.lines[-1].no, "the bulletin has no sections")


def text_numeral(text: str) -> str:
    m = LEVEL2.match(text)
    return m.group(1) if m else ""


def parse_bulletin(text: str) -> ParsedBulletin:
    return Parser(text).parse()


# --- saving -------------------------------------------------------------------------


class ImportRefused(ValueError):
    """The file is well formed but cannot be imported as it stands."""


def _match_department(text: str, departments: list[Department]) -> Department | None:
    """The department whose name appears first in an item's first sentence."""
    first, _ = _split_sentence(text)
    best: tuple[int, int, Department] | None = None
    for department in departments:
        for name in {department.name, department.short_name} - {""}:
            at = first.find(name)
            if at >= 0 and (best is None or (at, -len(name)) < (best[0], best[1])):
                best = (at, -len(name), department)
    return best[2] if best else None


def _department(name: str, cache: dict[str, Department]) -> Department:
    key = compact(name)
    if key not in cache:
        cache[key] = Department.objects.create(
            name=name, display_order=Department.objects.next_display_order()
        )
    return cache[key]


def save_bulletin(doc: ParsedBulletin, *, replace: bool = False) -> Issue:
    """Create the issue with everything in it, or nothing at all."""
    with transaction.atomic():
        series, created = Series.objects.select_for_update().get_or_create(
            title=doc.title, defaults={"issuing_body": doc.issuing_body}
        )
        if not series.issuing_body and doc.issuing_body:
            series.issuing_body = doc.issuing_body
            series.save(update_fields=["issuing_body"])
        if not series.issuing_body:
            raise ImportRefused(f"{doc.label}: no issuing body in the masthead")
        same = Q(year=doc.year, number=doc.number)
        if doc.total_number is not None:
            same |= Q(total_number=doc.total_number)
        clashes = Issue.objects.filter(series=series).filter(same)
        total_number = doc.total_number
        if clashes.exists():
            if not replace:
                raise ImportRefused(f"{doc.label} already exists; use --replace to import it again")
            for clash in clashes:
                if not clash.can("replace", None):
                    raise ImportRefused(
                        f"{clash.label} is issued and cannot be replaced: an issued bulletin "
                        "never changes (print a correction in a new issue)"
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
            # A masthead without （总第N期）: the series' next total number.
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
        departments = list(Department.objects.all())
        # A score table may print a department's short name; a full name wins over it.
        by_name = {compact(d.short_name): d for d in departments if d.short_name}
        by_name.update({compact(d.name): d for d in departments})
        position = 0
        inspection: list[InspectionItem] = []
        for parsed in doc.sections:
            position += 1
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
            issue.inspection_round = InspectionRound.objects.create(date=day, inspector="")
            issue.save(update_fields=["inspection_round"])
            for n, item in enumerate(inspection, start=1):
                item.position, item.round = n, issue.inspection_round
            InspectionItem.objects.bulk_create(inspection)
        for parsed in doc.attachments:
            position += 1
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
                _save_scores(parsed, by_name, replace=replace)
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
    headline, rest = _split_sentence(text)
    return (headline, rest) if rest else ("", text)


INSPECTION_LINE = re.compile(rf"^（[{CN}]{{1,3}}）(.+?)[。．.]\s*(.+)$")


def _inspection_items(parsed: ParsedSection, departments) -> list[InspectionItem]:
    items = []
    for paragraph in parsed.body:
        m = INSPECTION_LINE.match(paragraph)
        if m:
            items.append(
                InspectionItem(
                    topic=m.group(1),
                    finding=m.group(2),
                    department=_match_department(m.group(2), departments),
                )
            )
    return items


def _save_scores(parsed: ParsedAttachment, by_name: dict, *, replace: bool) -> None:
    """The printed table becomes the month's ledger: its totals recorded as entries.

    The month comes from an issued bulletin, so it is frozen once recorded; the rows
    keep their printed order for ties. A frozen month is never written again.
    """
    label = f"{parsed.month.year}年{parsed.month.month}月"
    month = ScoreMonth.objects.filter(month=parsed.month).first()
    if month is not None and month.is_frozen:
        raise ImportRefused(
            f"window scores for {label} are frozen and cannot be replaced; "
            "record a correction in a later month instead"
        )
    taken = WindowScore.objects.filter(month=parsed.month).exists()
    if (taken or (month is not None and month.entries.exists())) and not replace:
        raise ImportRefused(
            f"window scores for {label} already exist; use --replace to import them again"
        )
    month = month or month_open(month=parsed.month)
    rows = [(_department(row.department, by_name), row.deduction, row.bonus) for row in parsed.rows]
    month_record_totals(
        month=month,
        rows=rows,
        by=None,
        reason="月度考核结果（按印发的考核表录入）",
        source=ScoreEntry.Source.IMPORT,
        keep_order=True,
    )
    month_freeze_printed(month=month)


def import_file(path: Path | str, *, replace: bool = False) -> Issue:
    path = Path(path)
    if path.is_file() and path.stat().st_size > MAX_IMPORT_BYTES:
        raise BulletinFormatError(
            None,
            f"the file has {path.stat().st_size} bytes; a bulletin has at most "
            f"{MAX_IMPORT_BYTES} (it could not be printed within the render budget)",
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = path.read_text(encoding="gb18030")
        except UnicodeDecodeError:
            raise BulletinFormatError(None, "the file is neither UTF-8 nor GB18030 text") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > MAX_BODY:
            raise BulletinFormatError(
                number,
                f"a paragraph of {len(line)} characters; at most {MAX_BODY} can be printed "
                "within the render budget: split it",
            )
    doc = parse_bulletin(text)
    if len(text) > MAX_ISSUE_CHARS:
        raise BulletinFormatError(
            None, f"{len(text)} characters of text; an issue has at most {MAX_ISSUE_CHARS}"
        )
    try:
        return save_bulletin(doc, replace=replace)
    except IntegrityError as exc:
        raise ImportRefused(f"{doc.label}: the database refused it ({exc})") from exc
