"""A month's scores in and out of Excel (.xlsx, openpyxl), as the offices lay the table out.

Upload: the first sheet with a header row. The header row is found by its content (a
部门窗口 cell beside another column's label), so title and blank rows above it are
skipped; the rows right below it that hold neither a department nor a number continue it
(基础分 over 分值, a merged group label over its columns). Columns are known by their
Chinese labels in any order. Merged rank cells (ties) and any other vertically merged
cell count for every row they cover. A department is named by its name, its short name,
or the start of exactly one of them, with or without a trailing 窗口, among the
departments of the month's hall. Blank rows are skipped. The table ends at the first row
that begins with 合计, 备注 or another word of END_WORDS, or holds something but neither a
department nor a score: that row and those below it are not read, and a department below
it is an error. Every wrong cell is listed with its row, column label and address, and
nothing is saved unless all are right.

Download: the ranked table of a month, a department's year, a blank table of the month's
departments to fill in, and the month's ledger; laid out like the printed table (title
merged across, bordered cells, tie ranks merged, A4 with the header row on every page).
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.models import Department
from lib.points import validate_half_points
from lib.text import compact, widen_digits
from scoring.models import BASE_SCORE, ScoreEntry, ScoreMonth, WindowScore

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# An .xlsx is a zip: 2 MB of it can unpack to gigabytes, and a sheet can claim a
# million empty rows. A month's table has a row per department and a few columns.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# Merged cells need openpyxl's full reader, which keeps every cell of every sheet in
# memory (a few hundred bytes each; 5 MB of sheet XML took 125 MB and 1.5 s): the
# sheets' XML is held to what MAX_ROWS x MAX_COLUMNS styled cells need a few times over.
MAX_SHEET_BYTES = 2 * 1024 * 1024
MAX_ROWS, MAX_COLUMNS = 500, 30
MAX_MERGED = 2000
# How much of a cell an error message quotes.
QUOTE_CHARS = 40
XLSX_MAGIC = b"PK\x03\x04"

# kind -> the column's name as printed, and the labels it goes by. Checked in this order:
# 实得分 is a score before 部门窗口实得分 could be taken for a department.
COLUMNS = {
    "rank": ("排名", re.compile(r"排名|名次|序号")),
    "base": ("基础分", re.compile(r"基础")),
    "deduction": ("减分", re.compile(r"减分|扣分")),
    "bonus": ("加分", re.compile(r"加分")),
    "total": ("实得分", re.compile(r"实得|总分|得分|合计")),
    "department": ("部门窗口", re.compile(r"部门|单位|窗口")),
}
REQUIRED = ("department", "base", "deduction", "bonus", "total")
SCORES = ("base", "deduction", "bonus", "total")
# A column that explains the points rather than counting them (扣分原因, 加分事由).
NOT_A_SCORE = re.compile(r"原因|事由|说明|备注|依据|明细|项目|内容")
# The table ends at a row whose first cell begins with one of these (a total, a note,
# who made the table): offices put them under the last department.
END_WORDS = ("合计", "总计", "小计", "平均", "备注", "注", "说明", "制表", "填表", "审核")
BLANK = {"", "-", "—", "–", "－", "/"}
# A header takes at most this many rows (基础分 over 分值 takes two).
MAX_HEADER_ROWS = 3

HEADER = ["排名", "部门窗口", "基础分分值", "减分分值", "加分分值", "实得分值"]
YEAR_HEADER = ["月份", "排名", "基础分分值", "减分分值", "加分分值", "实得分值"]
LEDGER_HEADER = [
    "日期", "部门窗口", "类别", "分值", "事由", "依据条款", "佐证材料", "来源", "更正",
    "记录人", "记录时间",
]  # fmt: skip


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


class _Problem(ValueError):
    """What is wrong with one cell; the caller says where."""


def _quote(value) -> str:
    text = str(value)
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "…"


def _sizes(data: bytes) -> tuple[int, int] | None:
    """What the zip's members, and its worksheets, add up to once unpacked, or None if it
    is no zip. zipfile never returns more bytes than a member declares, so the sums bound
    the work."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    total = sum(member.file_size for member in members)
    sheets = sum(m.file_size for m in members if m.filename.startswith("xl/worksheets/"))
    return total, sheets


def _load(data: bytes):
    from openpyxl import load_workbook

    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError([_("The file is larger than 2 MB.")])
    if not data.startswith(XLSX_MAGIC):
        raise UploadError([_("This is not an .xlsx file (save it from Excel or WPS as .xlsx).")])
    sizes = _sizes(data)
    if sizes is None:
        raise UploadError([_("The file cannot be read as an Excel workbook.")])
    if sizes[0] > MAX_UNPACKED_BYTES or sizes[1] > MAX_SHEET_BYTES:
        raise UploadError([_("The workbook is too large once unpacked; upload only the table.")])
    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise UploadError([_("The file cannot be read as an Excel workbook.")]) from None


class _Grid:
    """The first MAX_ROWS x MAX_COLUMNS values of a sheet and where its merged cells
    start: `origin[(row, column)]` is the top-left cell of the merge covering it."""

    def __init__(self, sheet):
        if sheet.max_row > MAX_ROWS:
            raise UploadError(
                [
                    _("The sheet has more than %(count)d rows; upload only the table.")
                    % {"count": MAX_ROWS}
                ]
            )
        ranges = list(sheet.merged_cells.ranges)
        if len(ranges) > MAX_MERGED:
            raise UploadError([_("The file cannot be read as an Excel workbook.")])
        self.values = [
            list(row)
            for row in sheet.iter_rows(
                min_row=1, max_row=sheet.max_row, max_col=MAX_COLUMNS, values_only=True
            )
        ]
        self.origin: dict[tuple[int, int], tuple[int, int]] = {}
        self.wide: set[tuple[int, int]] = set()  # merges across more than one column
        for merged in ranges:
            top, left = merged.min_row - 1, merged.min_col - 1
            if top >= MAX_ROWS or left >= MAX_COLUMNS:
                continue
            if merged.max_col > merged.min_col:
                self.wide.add((top, left))
            for row in range(top, min(merged.max_row, len(self.values))):
                for column in range(left, min(merged.max_col, MAX_COLUMNS)):
                    if (row, column) != (top, left):
                        self.origin[(row, column)] = (top, left)

    def raw(self, row: int, column: int):
        return self.values[row][column]

    def text(self, row: int, column: int) -> str:
        value = self.values[row][column]
        return "" if value is None else compact(str(value))

    def down(self, row: int, column: int, since: int):
        """The value as the row shows it: a vertically merged cell (a tie's rank) holds its
        top cell's value on every row it covers, from row `since` on."""
        top, left = self.origin.get((row, column), (row, column))
        if left != column or top < since:
            return None
        return self.values[top][column]

    def blank(self, row: int) -> bool:
        return all(_blank(value) for value in self.values[row])


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in BLANK)


def _decimal(value) -> Decimal | None:
    """What a cell says as a number (13.5, "－2", "13.5分"), or None if it is no number."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None
    text = re.sub(r"\s+", "", widen_digits(str(value)))
    try:
        return Decimal(text.removesuffix("分").removeprefix("+"))
    except InvalidOperation:
        return None


def _number(value) -> Decimal | None:
    """A points cell: None when blank, else a finite Decimal in steps of 0.5."""
    if _blank(value):
        return None
    number = _decimal(value)
    if number is None:
        raise _Problem(_('"%(value)s" is not a number.') % {"value": _quote(value)})
    if not number.is_finite() or abs(number) > 1000:
        raise _Problem(_('"%(value)s" is not a score.') % {"value": _quote(value)})
    try:
        validate_half_points(number)
    except ValidationError:
        raise _Problem(_("%(value)s is not in steps of 0.5.") % {"value": _quote(value)}) from None
    return number


class _Departments:
    """Departments (of one hall, when given) by the names a printed table uses for them."""

    def __init__(self, hall: int | None = None):
        departments = Department.objects.all() if hall is None else Department.objects.in_hall(hall)
        self.departments = list(departments)
        self.names = {compact(d.name): d for d in self.departments}
        self.short: dict[str, list[Department]] = {}
        for department in self.departments:
            if department.short_name:
                self.short.setdefault(compact(department.short_name), []).append(department)

    def match(self, key: str) -> tuple[Department | None, list[Department]]:
        """The department `key` names, or None and the departments it could be."""
        keys = [key]
        if key.endswith("窗口") and len(key) > 2:
            keys.append(key.removesuffix("窗口"))
        for candidate in keys:
            if candidate in self.names:
                return self.names[candidate], []
            found = self.short.get(candidate, [])
            if len(found) == 1:
                return found[0], []
            if found:
                return None, found
        for candidate in keys:
            if len(candidate) < 2:
                continue
            found = [
                d
                for d in self.departments
                if compact(d.name).startswith(candidate)
                or (d.short_name and compact(d.short_name).startswith(candidate))
            ]
            if len(found) == 1:
                return found[0], []
            if found:
                return None, found
        return None, []


def _kind(label: str) -> str | None:
    for kind, (_name, pattern) in COLUMNS.items():
        if kind != "department" and NOT_A_SCORE.search(label):
            continue
        if pattern.search(label):
            return kind
    return None


@dataclass
class _Header:
    rows: list[int]  # 0-based
    columns: dict[str, int]
    labels: dict[int, str]

    @property
    def rows_label(self) -> str:
        first, last = self.rows[0] + 1, self.rows[-1] + 1
        return str(first) if first == last else f"{first}—{last}"


def _header_row(grid: _Grid) -> tuple[int, int] | None:
    """The first row with a 部门窗口 cell and another cell naming a column, and the
    column of its 部门窗口 cell."""
    for row in range(len(grid.values)):
        kinds = {
            column: _kind(grid.text(row, column))
            for column in range(MAX_COLUMNS)
            if (row, column) not in grid.origin and grid.text(row, column)
        }
        named = [column for column, kind in kinds.items() if kind == "department"]
        if named and any(kind not in (None, "department") for kind in kinds.values()):
            return row, named[0]
    return None


def _header(grid: _Grid, first: int, department_column: int) -> _Header:
    rows = [first]
    for row in range(first + 1, min(first + MAX_HEADER_ROWS, len(grid.values))):
        cells = grid.values[row]
        if grid.blank(row) or any(_decimal(v) is not None for v in cells if not _blank(v)):
            break
        top = grid.origin.get((row, department_column), (row, department_column))[0]
        if top == row and not _blank(cells[department_column]):
            break  # a department: the first row of the table
        rows.append(row)
    labels: dict[int, str] = {}
    strong: dict[str, list[int]] = {}
    weak: dict[str, list[int]] = {}
    for column in range(MAX_COLUMNS):
        parts: list[tuple[str, bool]] = []
        seen = set()
        for row in rows:
            origin = grid.origin.get((row, column), (row, column))
            if origin in seen or origin[0] < first:
                continue
            seen.add(origin)
            text = grid.text(*origin)
            if text:
                parts.append((text, origin in grid.wide))
        # A label merged across several columns (得分情况 over 基础分, 减分 …) names a
        # group; the column's own label is what the user reads as its name.
        own = "".join(text for text, wide in parts if not wide)
        label = own or "".join(text for text, _wide in parts)
        if not label:
            continue
        labels[column] = label
        kind = _kind(label)
        if kind is not None:
            strong.setdefault(kind, []).append(column)
        else:
            kind = _kind("".join(text for text, _wide in parts))
            if kind is not None:
                weak.setdefault(kind, []).append(column)
    columns: dict[str, int] = {}
    for kind in COLUMNS:
        taken = set(columns.values())
        candidates = [c for c in strong.get(kind, []) if c not in taken]
        if not candidates:
            # 减分 over 次数 and 分值: the column with the points
            candidates = sorted(
                (c for c in weak.get(kind, []) if c not in taken),
                key=lambda c: ("分" not in labels[c], c),
            )
        if candidates:
            columns[kind] = candidates[0]
    return _Header(rows, columns, labels)


def _find_table(book) -> tuple[_Grid, _Header]:
    for sheet in book.worksheets:
        grid = _Grid(sheet)
        found = _header_row(grid)
        if found is not None:
            return grid, _header(grid, *found)
    raise UploadError(
        [
            _(
                "No header row was found: the table needs a 部门窗口 column and the columns "
                "基础分, 减分, 加分 and 实得分."
            )
        ]
    )


def read_month(data: bytes, *, hall: int | None = None) -> list[Row]:
    """Every row of an uploaded table, or UploadError listing every wrong cell; the
    departments are looked up in `hall` (a month's table names its hall's)."""
    from openpyxl.utils import get_column_letter

    grid, header = _find_table(_load(data))
    missing = [COLUMNS[kind][0] for kind in REQUIRED if kind not in header.columns]
    if missing:
        raise UploadError(
            [
                _("The header (row %(rows)s) lacks the columns: %(names)s.")
                % {"rows": header.rows_label, "names": "、".join(missing)}
            ]
        )
    columns = header.columns
    departments = _Departments(hall)
    errors: list[str] = []
    result: list[Row] = []
    seen: dict[int, int] = {}
    start = header.rows[-1] + 1
    ended_at: int | None = None

    def problem(row: int, kind: str, text: str) -> None:
        column = columns[kind]
        errors.append(
            _('Row %(line)d, column "%(column)s" (%(cell)s): %(problem)s')
            % {
                "line": row + 1,
                "column": header.labels.get(column, COLUMNS[kind][0]),
                "cell": f"{get_column_letter(column + 1)}{row + 1}",
                "problem": text,
            }
        )

    for row in range(start, len(grid.values)):
        if grid.blank(row):
            continue
        name = grid.down(row, columns["department"], start)
        key = "" if _blank(name) else compact(str(name))
        department, could_be = departments.match(key) if key else (None, [])
        if ended_at is not None:
            if department is not None:
                problem(
                    row,
                    "department",
                    _(
                        "the table ended in row %(end)d (a total or notes row): a department "
                        "below it is not read."
                    )
                    % {"end": ended_at + 1},
                )
            continue
        cells = {kind: grid.down(row, columns[kind], start) for kind in SCORES}
        first_text = next((grid.text(row, c) for c in range(MAX_COLUMNS) if grid.text(row, c)), "")
        if (
            department is None
            and not could_be
            and (
                first_text.startswith(END_WORDS)
                or (not key and all(_blank(v) for v in cells.values()))
            )
        ):
            ended_at = row
            continue
        if department is None:
            if could_be:
                text = _('"%(name)s" could be %(candidates)s: write the full name.') % {
                    "name": _quote(key),
                    "candidates": "、".join(d.name for d in could_be[:5]),
                }
            elif key:
                text = _('there is no department window named "%(name)s".') % {"name": _quote(key)}
            else:
                text = _("no department is given.")
            problem(row, "department", text)
            continue
        if department.pk in seen:
            problem(
                row,
                "department",
                _("%(name)s already appears in row %(first)d.")
                % {"name": department.name, "first": seen[department.pk] + 1},
            )
            continue
        seen[department.pk] = row
        numbers: dict[str, Decimal | None] = {}
        for kind, value in cells.items():
            try:
                numbers[kind] = _number(value)
            except _Problem as exc:
                problem(row, kind, str(exc))
        if len(numbers) < len(cells):
            continue
        # An empty 基础分 is the base of 100, empty 减分 and 加分 are none, an empty 实得分
        # is worked out (a template's formula that no spreadsheet has calculated yet).
        base = BASE_SCORE if numbers["base"] is None else numbers["base"]
        # some tables print deductions as positive amounts
        deduction = -abs(numbers["deduction"] or Decimal(0))
        bonus = numbers["bonus"] or Decimal(0)
        total = numbers["total"]
        if base != BASE_SCORE:
            problem(row, "base", _("the base score is %(base)s, not 100.") % {"base": base})
        elif bonus < 0:
            problem(row, "bonus", _("a bonus cannot be negative."))
        elif total is not None and base + deduction + bonus != total:
            problem(
                row,
                "total",
                _("%(base)s + (%(deduction)s) + %(bonus)s makes %(sum)s, not %(total)s.")
                % {
                    "base": _score(base),
                    "deduction": _score(deduction),
                    "bonus": _score(bonus),
                    "sum": _score(base + deduction + bonus),
                    "total": _score(total),
                },
            )
        else:
            result.append(Row(row + 1, department, deduction, bonus))
    if errors:
        raise UploadError(errors)
    if not result:
        raise UploadError([_("The table has no rows.")])
    return result


# --- downloads ---------------------------------------------------------------------------

# Characters Excel refuses in a sheet's name (openpyxl raises on them).
_SHEET_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
# The printed table's faces (DESIGN.md section 4): title 小标宋, header 黑体, body 仿宋.
TITLE_FONT, HEADER_FONT, BODY_FONT = "方正小标宋简体", "黑体", "仿宋"


def sheet_title(text: str) -> str:
    return _SHEET_FORBIDDEN.sub("_", text)[:31] or "Sheet"


def _score(value: Decimal) -> str:
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def _cell(value: Decimal):
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass
class _Layout:
    """One sheet laid out like the printed table."""

    name: str
    title: str
    header: list[str]
    rows: list[list]
    widths: list[float]
    ties: list[tuple[int, int]] | None = None  # (index of the first row, rows) per tie
    left: tuple[int, ...] = (1,)  # 0-based columns aligned left (names, reasons)
    landscape: bool = False
    formats: dict[int, str] | None = None  # column -> number format


def _workbook(layout: _Layout, *, formulas: dict[str, str] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(layout.name)
    width = len(layout.header)
    last = get_column_letter(width)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    sheet.append([layout.title])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(name=TITLE_FONT, size=18)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 48

    sheet.append(layout.header)
    for cell in sheet[2]:
        cell.font = Font(name=HEADER_FONT, size=12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    sheet.row_dimensions[2].height = 30

    body = Font(name=BODY_FONT, size=12)
    for values in layout.rows:
        sheet.append(values)
        for index, cell in enumerate(sheet[sheet.max_row]):
            # Text starting with "=" would be stored as a formula and run by Excel.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
            cell.font = body
            cell.border = border
            cell.alignment = Alignment(
                horizontal="left" if index in layout.left else "center",
                vertical="center",
                wrap_text=True,
            )
            if layout.formats and index in layout.formats:
                cell.number_format = layout.formats[index]
    for address, formula in (formulas or {}).items():
        sheet[address] = formula
    for first, span in layout.ties or []:
        # A tie's rank printed once, its cell covering the tied rows.
        sheet.merge_cells(
            start_row=first + 3, start_column=1, end_row=first + 2 + span, end_column=1
        )
    for index, column_width in enumerate(layout.widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column_width

    sheet.freeze_panes = "A3"
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = (
        sheet.ORIENTATION_LANDSCAPE if layout.landscape else sheet.ORIENTATION_PORTRAIT
    )
    setup.fitToWidth, setup.fitToHeight = 1, 0  # one page wide, as many long as it takes
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "2:2"  # the header on every printed page
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def month_workbook(month: ScoreMonth) -> bytes:
    """The ranked table as printed: a tie's rank once, merged over its rows."""
    rows, ties = [], []
    for index, line in enumerate(month.lines().table()):
        if line.rank_rowspan > 1:
            ties.append((index, line.rank_rowspan))
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
    layout = _Layout(
        name=f"{month.label}考核结果",
        title=month.table_title,
        header=HEADER,
        rows=rows,
        widths=[8, 34, 12, 12, 12, 12],
        ties=ties,
    )
    return _workbook(layout)


def template_workbook(month: ScoreMonth) -> bytes:
    """The month's table to fill in: its departments in display order, 基础分 100 and a
    formula for 实得分; what is filled in uploads as it is."""
    departments = month.table_departments()
    rows = [[None, d.name, _cell(BASE_SCORE), None, None, None] for d in departments]
    formulas = {f"F{n}": f"=SUM(C{n}:E{n})" for n in range(3, 3 + len(rows))}
    layout = _Layout(
        name=f"{month.label}考核表",
        title=month.table_title,
        header=HEADER,
        rows=rows,
        widths=[8, 34, 12, 12, 12, 12],
    )
    return _workbook(layout, formulas=formulas)


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
    layout = _Layout(
        name=f"{department.label}{year}年",
        title=f"{department.name}{year}年窗口考核得分",
        header=YEAR_HEADER,
        rows=rows,
        widths=[14, 8, 12, 12, 12, 12],
        left=(),
    )
    return _workbook(layout)


def _local(moment: datetime.datetime) -> datetime.datetime:
    # Excel has no time zones: the time as the office's clock showed it.
    return timezone.localtime(moment).replace(tzinfo=None)


def ledger_workbook(
    month: ScoreMonth, entries: list[ScoreEntry], department: Department | None = None
) -> bytes:
    """Every entry of the month's ledger the user sees, in the page's order."""
    rows = [
        [
            entry.date,
            entry.department.name,
            "减分" if entry.points < 0 else "加分",
            _cell(entry.points),
            entry.reason,
            entry.clause,
            entry.evidence,
            str(entry.get_source_display()),
            f"更正{entry.corrects.month.label}记录" if entry.corrects_id else "",
            str(entry.recorded_by) if entry.recorded_by_id else "",
            _local(entry.created_at),
        ]
        for entry in entries
    ]
    scope = department.name if department else ""
    layout = _Layout(
        name=f"{month.label}考核记录",
        title=f"{month.label}{scope}窗口考核记录",
        header=LEDGER_HEADER,
        rows=rows,
        widths=[12, 24, 8, 8, 40, 16, 30, 16, 18, 12, 18],
        left=(1, 4, 5, 6),
        landscape=True,
        formats={0: "yyyy-mm-dd", 10: "yyyy-mm-dd hh:mm"},
    )
    return _workbook(layout)
