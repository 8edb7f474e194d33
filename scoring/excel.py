"""A month's scores in and out of Excel (.xlsx, openpyxl).

Upload: the table as the bulletin prints it (排名 optional, 部门窗口, 基础分, 减分, 加分,
实得分), checked row by row; every wrong row is listed and nothing is saved unless all
are right. Download: the ranked table of a month, and one department's year.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from departments.models import Department
from lib.points import is_half_point
from lib.text import compact
from scoring.models import BASE_SCORE, WindowScore

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# An .xlsx is a zip: 2 MB of it can unpack to gigabytes, and a sheet can claim a
# million empty rows. A month's table has a row per department and a few columns.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS, MAX_COLUMNS = 500, 30
# How much of a cell an error message quotes.
QUOTE_CHARS = 40
XLSX_MAGIC = b"PK\x03\x04"
COLUMNS = [
    ("department", re.compile(r"部门|单位|窗口")),
    ("base", re.compile(r"基础")),
    ("deduction", re.compile(r"减分|扣分")),
    ("bonus", re.compile(r"加分")),
    ("total", re.compile(r"实得|总分|得分|合计")),
]
HEADER = ["排名", "部门窗口", "基础分分值", "减分分值", "加分分值", "实得分值"]


@dataclass
class Row:
    line: int
    department: Department
    deduction: Decimal
    bonus: Decimal


class UploadError(ValueError):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


def _quote(value) -> str:
    text = str(value)
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "…"


def _unpacked_size(data: bytes) -> int | None:
    """What the zip's members add up to once unpacked, or None if it is no zip.

    zipfile never returns more bytes than a member declares, so the sum bounds the work.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _number(value, line: int, what: str, errors: list[str]) -> Decimal | None:
    if value is None or str(value).strip() in {"", "-", "—"}:
        return Decimal(0)
    try:
        number = Decimal(str(value).strip().replace("−", "-").replace("－", "-"))
    except InvalidOperation:
        errors.append(
            _('Row %(line)d: %(what)s "%(value)s" is not a number.')
            % {"line": line, "what": what, "value": _quote(value)}
        )
        return None
    if not number.is_finite() or abs(number) > 1000:
        errors.append(
            _('Row %(line)d: %(what)s "%(value)s" is not a score.')
            % {"line": line, "what": what, "value": _quote(value)}
        )
        return None
    if not is_half_point(number):
        errors.append(
            _("Row %(line)d: %(what)s %(value)s is not in steps of 0.5.")
            % {"line": line, "what": what, "value": number}
        )
        return None
    return number


def read_month(data: bytes) -> list[Row]:
    """Every row of an uploaded table, or UploadError listing every wrong row."""
    from openpyxl import load_workbook

    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError([_("The file is larger than 2 MB.")])
    if not data.startswith(XLSX_MAGIC):
        raise UploadError([_("This is not an .xlsx file (save it from Excel or WPS as .xlsx).")])
    unpacked = _unpacked_size(data)
    if unpacked is None:
        raise UploadError([_("The file cannot be read as an Excel workbook.")])
    if unpacked > MAX_UNPACKED_BYTES:
        raise UploadError([_("The workbook is too large once unpacked; upload only the table.")])
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        rows = [
            list(r)
            for r in sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True)
        ]
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise UploadError([_("The file cannot be read as an Excel workbook.")]) from None
    if len(rows) > MAX_ROWS:
        raise UploadError(
            [
                _("The sheet has more than %(count)d rows; upload only the table.")
                % {"count": MAX_ROWS}
            ]
        )
    header_at = next(
        (i for i, r in enumerate(rows) if any(c and "部门" in str(c) for c in r)), None
    )
    if header_at is None:
        raise UploadError([_("No header row with a 部门窗口 column was found.")])
    header = [compact(str(c or "")) for c in rows[header_at]]
    columns: dict[str, int] = {}
    for name, pattern in COLUMNS:
        for index, label in enumerate(header):
            if index not in columns.values() and pattern.search(label):
                columns[name] = index
                break
    missing = [name for name, _ in COLUMNS if name not in columns]
    if missing:
        raise UploadError(
            [_("The header lacks the columns: %(names)s.") % {"names": ", ".join(missing)}]
        )
    departments = {compact(d.name): d for d in Department.objects.all()}
    departments.update(
        {compact(d.short_name): d for d in Department.objects.exclude(short_name="")}
    )
    errors: list[str] = []
    result: list[Row] = []
    seen: set[int] = set()
    for offset, cells in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = cells + [None] * (max(columns.values()) + 1 - len(cells))
        if not any(c not in (None, "") for c in cells):
            continue  # a blank row
        name = compact(str(cells[columns["department"]] or ""))
        department = departments.get(name)
        if department is None:
            errors.append(
                _('Row %(line)d: unknown department "%(name)s".')
                % {"line": offset, "name": _quote(name)}
            )
            continue
        if department.pk in seen:
            errors.append(
                _("Row %(line)d: %(name)s appears twice.") % {"line": offset, "name": name}
            )
            continue
        seen.add(department.pk)
        base = _number(cells[columns["base"]], offset, "基础分", errors)
        deduction = _number(cells[columns["deduction"]], offset, "减分", errors)
        bonus = _number(cells[columns["bonus"]], offset, "加分", errors)
        total = _number(cells[columns["total"]], offset, "实得分", errors)
        if None in (base, deduction, bonus, total):
            continue
        deduction = -abs(deduction)  # some tables print deductions as positive amounts
        if base != BASE_SCORE:
            errors.append(
                _("Row %(line)d: the base score is %(base)s, not 100.")
                % {"line": offset, "base": base}
            )
        elif bonus < 0:
            errors.append(_("Row %(line)d: a bonus cannot be negative.") % {"line": offset})
        elif base + deduction + bonus != total:
            errors.append(
                _("Row %(line)d: %(base)s + (%(deduction)s) + %(bonus)s is not %(total)s.")
                % {
                    "line": offset,
                    "base": base,
                    "deduction": deduction,
                    "bonus": bonus,
                    "total": total,
                }
            )
        else:
            result.append(Row(offset, department, deduction, bonus))
    if errors:
        raise UploadError(errors)
    if not result:
        raise UploadError([_("The table has no rows.")])
    return result


# Characters Excel refuses in a sheet's name (openpyxl raises on them).
_SHEET_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")


def sheet_title(text: str) -> str:
    return _SHEET_FORBIDDEN.sub("_", text)[:31] or "Sheet"


def _workbook(title: str, header: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            # Text starting with "=" would be stored as a formula and run by Excel.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    sheet.column_dimensions["B"].width = 36
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Decimal):
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def month_workbook(month) -> bytes:
    """The ranked table as printed: a tie's rank on its first row only."""
    rows = []
    for line in WindowScore.objects.for_month(month.month).table():
        rows.append(
            [
                line.rank if line.rank_rowspan else None,
                line.department.name,
                _cell(line.base),
                _cell(line.deduction),
                _cell(line.bonus),
                _cell(line.total_score),
            ]
        )
    return _workbook(month.label, HEADER, rows)


def department_year_workbook(department: Department, lines: list[WindowScore], year: int) -> bytes:
    """The department's ranked lines of the year, as the page shows them."""
    lines = {line.month: line for line in lines}
    rows = [
        [
            f"{year}年{m.month}月",
            line.rank,
            _cell(line.base),
            _cell(line.deduction),
            _cell(line.bonus),
            _cell(line.total_score),
        ]
        for m, line in sorted(lines.items())
    ]
    return _workbook(
        f"{department.label}{year}",
        ["月份", "排名", "基础分分值", "减分分值", "加分分值", "实得分值"],
        rows,
    )
