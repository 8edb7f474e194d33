"""An attachment page: "附件", its title, text, and the month's score table.

A table row is tab-separated, Markdown pipes, or columns split by two spaces; a tied row
has an empty rank cell or none at all.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from bulletin.importing.model import (
    BulletinFormatError,
    ParsedAttachment,
    ParsedScoreRow,
    Role,
)
from bulletin.importing.patterns import ATTACHMENT_PAGE, DISTRIBUTION, IMPRINT, PRINT_COUNT
from bulletin.importing.source import SourceLine, prose
from lib.points import is_half_point
from lib.text import compact
from scoring.models import competition_ranks

MONTH_IN_TITLE = re.compile(r"(\d{4})年(\d{1,2})月")
SCORE_COLUMNS = [
    ("rank", re.compile(r"排名|名次|序号")),
    ("department", re.compile(r"部门|单位|窗口")),
    ("base", re.compile(r"基础")),
    ("deduction", re.compile(r"减分|扣分")),
    ("bonus", re.compile(r"加分")),
    ("total", re.compile(r"实得|总分|得分|合计")),
]
COLUMN_NAMES = {
    "rank": "排名",
    "department": "部门窗口",
    "base": "基础分",
    "deduction": "减分",
    "bonus": "加分",
    "total": "实得分",
}


def make_date(line: int, year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise BulletinFormatError(
            line, _("%(year)s年%(month)s月%(day)s日 is not a real date") % {
                "year": year, "month": month, "day": day,
            },
        ) from None  # fmt: skip


Record = Callable[..., None]


class AttachmentReader:
    """Reads the lines of one attachment page, from the line after "附件"."""

    def __init__(self, lines: list[SourceLine], record: Record, *, stops: set[int]):
        self.lines = lines
        self.record = record
        self.stops = stops  # lines the editor gave a role: the page ends before them

    def read(self, i: int, start: SourceLine) -> tuple[int, ParsedAttachment]:
        lines = self.lines
        self.record(start, Role.ATTACHMENT, field="page")
        while i < len(lines) and lines[i].dropped:
            self.record(lines[i], Role.DROPPED, reason=lines[i].dropped)
            i += 1
        if i >= len(lines):
            raise BulletinFormatError(start.no, _("an 附件 page without a title"))
        title_line = lines[i]
        self.record(title_line, Role.ATTACHMENT, field="title")
        attachment = ParsedAttachment(title_line.no, prose(title_line.text))
        i += 1
        columns: dict[str, int] | None = None
        while i < len(lines):
            line = lines[i]
            if line.dropped:
                self.record(line, Role.DROPPED, reason=line.dropped)
                i += 1
                continue
            compacted = compact(line.text)
            if (
                line.no in self.stops
                or DISTRIBUTION.match(line.text)
                or PRINT_COUNT.match(compacted)
                or ATTACHMENT_PAGE.match(compacted)
                or IMPRINT.match(line.text)
            ):
                break
            cells = _cells(line)
            i += 1
            if cells == [] and columns:
                self.record(line, Role.DROPPED, reason="separator")
                continue  # the Markdown separator row under the header
            if cells is None:
                if attachment.rows:
                    raise BulletinFormatError(
                        line.no, _("a table row without columns: %(text)s") % {"text": line.text}
                    )
                attachment.body.append(prose(line.text))
                self.record(line, Role.ATTACHMENT, field="text")
                continue
            if columns is None:
                columns, is_header = _columns(cells, line.no)
                if is_header:
                    self.record(line, Role.TABLE_HEADER)
                    continue
            attachment.rows.append(_score_row(cells, columns, line.no))
            self.record(line, Role.TABLE_ROW)
        if attachment.rows:
            m = MONTH_IN_TITLE.search(attachment.title)
            if not m:
                raise BulletinFormatError(
                    title_line.no, _("the score table's title names no month (such as 2023年8月)")
                )
            attachment.month = make_date(title_line.no, int(m.group(1)), int(m.group(2)), 1)
            _check_ranks(attachment.rows)
        return i, attachment


def _cells(line: SourceLine) -> list[str] | None:
    raw = line.raw.strip(" ")
    if raw.startswith("|"):
        if re.match(r"^\|?[\s:\-|]+\|?$", raw):
            return []  # Markdown separator row
        return [c.strip() for c in raw.strip("|").split("|")]
    if "\t" in raw:
        return [c.strip() for c in raw.split("\t")]
    parts = re.split(r"\s{2,}|\u3000+", raw.strip())
    return parts if len(parts) >= 4 else None


def _columns(cells: list[str], no: int) -> tuple[dict[str, int], bool]:
    if not cells:
        return {}, False
    looks_like_header = not any(re.fullmatch(r"-?\d+(\.\d+)?", c.strip()) for c in cells[2:])
    if not looks_like_header:
        return dict(zip([name for name, _ in SCORE_COLUMNS], range(6), strict=True)), False
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        label = compact(cell)
        for name, pattern in SCORE_COLUMNS:
            if name not in columns and pattern.search(label):
                # "部门窗口" is the department column even though 窗口 also matches
                columns[name] = index
                break
    missing = [COLUMN_NAMES[name] for name, _ in SCORE_COLUMNS if name not in columns]
    missing = [name for name in missing if name != COLUMN_NAMES["rank"]]
    if missing:
        raise BulletinFormatError(
            no, _("the score table header lacks columns: %(names)s") % {"names": "、".join(missing)}
        )
    return columns, True


def _number(text: str, line: int, what: str) -> Decimal:
    cleaned = text.strip().replace(" ", "").replace("−", "-").replace("－", "-")
    if cleaned in {"", "-", "—", "/"}:
        return Decimal(0)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise BulletinFormatError(
            line, _("%(what)s “%(value)s” is not a number") % {"what": what, "value": text.strip()}
        ) from None
    if not value.is_finite():
        raise BulletinFormatError(
            line, _("%(what)s “%(value)s” is not a number") % {"what": what, "value": text.strip()}
        )
    if not is_half_point(value):
        raise BulletinFormatError(
            line,
            _("%(what)s %(value)s is not in steps of 0.5") % {"what": what, "value": text.strip()},
        )
    return value


def _score_row(cells: list[str], columns: dict[str, int], no: int) -> ParsedScoreRow:
    if not columns:
        raise BulletinFormatError(no, _("a score table row before its header"))
    width = max(columns.values()) + 1
    if len(cells) == width - 1 and "rank" in columns and columns["rank"] == 0:
        cells = ["", *cells]  # a tied row printed without its rank cell
    if len(cells) != width:
        raise BulletinFormatError(
            no, _("expected %(width)d columns, found %(found)d") % {
                "width": width, "found": len(cells),
            },
        )  # fmt: skip
    rank_text = cells[columns["rank"]].strip() if "rank" in columns else ""
    if rank_text and not (rank_text.isascii() and rank_text.isdigit()):
        raise BulletinFormatError(
            no, _("rank “%(rank)s” is not a whole number") % {"rank": rank_text}
        )
    name = prose(cells[columns["department"]])
    if not name:
        raise BulletinFormatError(no, _("a score row without a department"))
    deduction = _number(cells[columns["deduction"]], no, _("deduction"))
    row = ParsedScoreRow(
        line=no,
        rank=int(rank_text) if rank_text else None,
        department=name,
        base=_number(cells[columns["base"]], no, _("base score")),
        # Some tables print deductions as positive amounts.
        deduction=-abs(deduction),
        bonus=_number(cells[columns["bonus"]], no, _("bonus")),
        total=_number(cells[columns["total"]], no, _("total")),
    )
    if row.bonus < 0:
        raise BulletinFormatError(no, _("bonus %(bonus)s is negative") % {"bonus": row.bonus})
    if row.base + row.deduction + row.bonus != row.total:
        raise BulletinFormatError(
            no,
            _("%(name)s: %(base)s + (%(deduction)s) + %(bonus)s is %(sum)s, not %(total)s") % {
                "name": name, "base": row.base, "deduction": row.deduction,
                "bonus": row.bonus, "sum": row.base + row.deduction + row.bonus,
                "total": row.total,
            },
        )  # fmt: skip
    return row


def _check_ranks(rows: list[ParsedScoreRow]) -> None:
    seen: set[str] = set()
    for row in rows:
        if compact(row.department) in seen:
            raise BulletinFormatError(
                row.line, _("%(name)s appears twice in the table") % {"name": row.department}
            )
        seen.add(compact(row.department))
    ranks = competition_ranks([row.total for row in rows])
    previous = None
    for row, rank in zip(rows, ranks, strict=True):
        if previous is not None and row.total > previous.total:
            raise BulletinFormatError(row.line, _("the table is not sorted by total"))
        if row.rank is not None and row.rank != rank:
            raise BulletinFormatError(
                row.line, _("%(name)s is ranked %(printed)d, its total ranks %(rank)d") % {
                    "name": row.department, "printed": row.rank, "rank": rank,
                },
            )  # fmt: skip
        if row.rank is None and previous is not None and previous.total != row.total:
            raise BulletinFormatError(
                row.line, _("%(name)s has no rank and is no tie") % {"name": row.department}
            )
        if row.rank is None and previous is None:
            raise BulletinFormatError(row.line, _("the first row has no rank"))
        previous = row
