"""A month's (or period's) reporting table as .xlsx (openpyxl), laid out like the printed
one: the title merged across, bordered cells, a tie's rank merged, A4 landscape with the
header row on every page, and a 合计 row of the columns' sums under the lines."""

from __future__ import annotations

import io
from decimal import Decimal

from bulletin.adoption.figures import COUNTS, Figures, Line, rank_groups, rate_of

HEADER = [
    "排名", "部门（单位）", "报送", "采用", "修改采用", "退回", "不采用", "逾期", "缺报",
    "批示", "采用率", "得分",
]  # fmt: skip
WIDTHS = [7, 30, 7, 7, 9, 7, 8, 7, 7, 7, 9, 9]


def _number(value: Decimal) -> int | float:
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def table_workbook(figures: Figures, title: str, lines: list[Line] | None = None) -> bytes:
    """`lines` (default: every line of the figures) in their ranked order."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    lines = figures.lines if lines is None else lines
    book = Workbook()
    sheet = book.active
    sheet.title = figures.label[:31]
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.cell(1, 1).font = Font(size=16, bold=True)
    sheet.cell(1, 1).alignment = centre
    sheet.append(HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    row = 3
    for group in rank_groups(lines):
        first = row
        for line in group:
            sheet.append(
                [
                    line.rank if row == first else None,
                    line.department.name,
                    *(getattr(line, name) for name in COUNTS),
                    line.rate_label,
                    _number(line.points),
                ]
            )
            row += 1
        if row - first > 1:
            sheet.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
    sums = {name: sum(getattr(line, name) for line in lines) for name in COUNTS}
    rate = rate_of(sums["accepted"], sums["submitted"])
    sheet.append(
        [
            "合计",
            None,
            *(sums[name] for name in COUNTS),
            "—" if rate is None else f"{rate}%",
            _number(sum((line.points for line in lines), Decimal(0))),
        ]
    )
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    for cells in sheet.iter_rows(min_row=2, max_row=row, max_col=len(HEADER)):
        for cell in cells:
            cell.border = border
            cell.alignment = centre
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.print_title_rows = "2:2"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
