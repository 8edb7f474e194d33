"""Score sheets as the offices lay them out: uploads of the printed layout, the exports
laid out like the printed table, the template to fill in and the ledger export.

The workbooks are built here with openpyxl, cell by cell, the way Excel or WPS saves
what an office typed: a title merged across the table, headers of one or two rows,
merged tie ranks, short names, a total row and notes under the table."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.messages import constants as levels
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from departments.models import Department, Hall
from scoring import excel, services
from scoring.models import ScoreEntry, ScoreMonth, WindowScore

OCTOBER = datetime.date(2023, 10, 1)
NOVEMBER = datetime.date(2023, 11, 1)

# (name, short name) in display order
HALL = [
    ("四川省交通运输厅", "交通运输厅"),
    ("省市场监督管理局", "省市场监管局"),
    ("水利厅", ""),
    ("自然资源厅", ""),
    ("省林业和草原局", "省林草局"),
    ("自然保护地管理局", ""),
]
# (department, deduction, bonus) as the plain sheet gives them; 水利厅 and 自然资源厅 tie
TABLE = [
    ("四川省交通运输厅", Decimal(0), Decimal(18)),
    ("省市场监督管理局", Decimal(-1), Decimal("13.5")),
    ("水利厅", Decimal(0), Decimal(10)),
    ("自然资源厅", Decimal("-0.5"), Decimal("10.5")),
    ("省林业和草原局", Decimal(-2), Decimal(0)),
]


@pytest.fixture
def hall(db):
    return {
        name: Department.objects.create(name=name, short_name=short, display_order=10 * n)
        for n, (name, short) in enumerate(HALL, start=1)
    }


def workbook(rows, merges=(), sheets=()) -> bytes:
    """A workbook whose first sheet holds `rows` (after any sheets named in `sheets`)."""
    book = Workbook()
    for title, sheet_rows in sheets:
        sheet = book.create_sheet(title, 0)
        for row in sheet_rows:
            sheet.append(list(row))
    sheet = book.worksheets[-1] if sheets else book.active
    for row in rows:
        sheet.append(list(row))
    for cells in merges:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def parsed(data: bytes) -> list[tuple[str, Decimal, Decimal]]:
    return [(r.department.name, r.deduction, r.bonus) for r in excel.read_month(data)]


def errors_of(data: bytes) -> list[str]:
    with pytest.raises(excel.UploadError) as raised:
        excel.read_month(data)
    return raised.value.errors


def errors_of_hall(data: bytes, hall: int) -> list[str]:
    with pytest.raises(excel.UploadError) as raised:
        excel.read_month(data, hall=hall)
    return raised.value.errors


def plain() -> bytes:
    rows = [excel.HEADER]
    ranks = [1, 2, 3, 3, 5]
    for rank, (name, deduction, bonus) in zip(ranks, TABLE, strict=True):
        rows.append(
            [rank, name, 100, float(deduction), float(bonus), float(100 + deduction + bonus)]
        )
    return workbook(rows)


def printed() -> bytes:
    """Title, a blank row, 基础分 over 分值 with 排名 and 部门窗口 merged over both header
    rows, short names and names with 窗口, a positive deduction, a tie merged, a total
    row and a note."""
    return workbook(
        [
            ["2023年10月窗口工作考核得分表"],
            [],
            ["排名", "部门窗口", "基础分", "减分", "加分", "实得分"],
            [None, None, "分值", "分值", "分值", "分值"],
            [1, "交通运输厅", 100, 0, 18, 118],
            [2, "省市场监管局", 100, 1, "13.5", 112.5],
            [3, "水利厅窗口", 100, None, 10, 110],
            [None, "自然资源", "100", "－0.5", "10.5分", 110],
            [5, "省林草局", 100, -2, 0, 98],
            ["合计", None, 500, -3.5, 52, 548.5],
            ["注：本表由大厅考核办汇总，排名并列者按部门顺序排列。"],
        ],
        merges=["A1:F1", "A3:A4", "B3:B4", "A7:A8", "A10:B10", "A11:F11"],
    )


def grouped() -> bytes:
    """A group label merged over the score columns, the columns in another order."""
    rows = [
        ["窗口考核得分表（2023年10月）"],
        ["部门窗口", "考核得分", None, None, None, "名次"],
        [None, "实得分", "加分", "减分", "基础分", None],
    ]
    for rank, (name, deduction, bonus) in zip([1, 2, 3, 3, 5], TABLE, strict=True):
        rows.append(
            [name, float(100 + deduction + bonus), float(bonus), float(deduction), 100, rank]
        )
    return workbook(rows, merges=["A1:F1", "B2:E2", "A2:A3", "F2:F3", "F6:F7"])


def line_breaks() -> bytes:
    """One header row whose cells break their label over two lines or with a slash."""
    rows = [["排名", "部门\n窗口", "基础分\n分值", "减分 / 分值", "加分/分值", "实得\n分值"]]
    for name, deduction, bonus in TABLE:
        rows.append(
            [None, name, 100, float(deduction), float(bonus), float(100 + deduction + bonus)]
        )
    return workbook(rows)


def after_a_notes_sheet() -> bytes:
    """The table on the second sheet, after a sheet of instructions."""
    rows = [["2023年10月考核结果"], excel.HEADER]
    for name, deduction, bonus in TABLE:
        rows.append(
            [None, name, 100, float(deduction), float(bonus), float(100 + deduction + bonus)]
        )
    return workbook(rows, sheets=[("填表说明", [["请按部门顺序填写。"], ["减分填负数。"]])])


# --- reading the layouts -----------------------------------------------------------------


def test_the_plain_sheet_gives_the_table(hall):
    assert parsed(plain()) == TABLE


@pytest.mark.parametrize("layout", [printed, grouped, line_breaks, after_a_notes_sheet])
def test_a_printed_layout_gives_the_same_table_as_the_plain_sheet(hall, layout):
    assert parsed(layout()) == parsed(plain())


def test_rows_are_numbered_as_excel_shows_them(hall):
    assert [r.line for r in excel.read_month(printed())] == [5, 6, 7, 8, 9]


def test_a_cell_merged_over_tied_rows_counts_for_each_of_them(hall):
    """实得分 merged over a tie: the second row is checked against it too."""
    data = workbook(
        [
            excel.HEADER,
            [1, "水利厅", 100, 0, 10, 110],
            [None, "自然资源厅", 100, -1, 10, None],  # 109 under a merged 110
        ],
        merges=["A2:A3", "F2:F3"],
    )
    (error,) = errors_of(data)
    assert "F3" in error and "109" in error and "110" in error
    fixed = workbook(
        [excel.HEADER, [1, "水利厅", 100, 0, 10, 110], [None, "自然资源厅", 100, -1, 11, None]],
        merges=["A2:A3", "F2:F3"],
    )
    assert parsed(fixed) == [
        ("水利厅", Decimal(0), Decimal(10)),
        ("自然资源厅", Decimal(-1), Decimal(11)),
    ]


@pytest.mark.parametrize(
    ("printed_name", "department"),
    [
        ("四川省交通运输厅", "四川省交通运输厅"),  # the name
        ("交通运输厅", "四川省交通运输厅"),  # the short name
        ("交通运输厅窗口", "四川省交通运输厅"),  # the short name and 窗口
        ("省市场监督", "省市场监督管理局"),  # the start of exactly one name
        ("省林草", "省林业和草原局"),  # the start of exactly one short name
        ("水利厅 ", "水利厅"),  # spaces as typed
        ("自然资源", "自然资源厅"),
    ],
)
def test_a_department_is_found_by_name_short_name_or_unique_start(hall, printed_name, department):
    data = workbook([excel.HEADER, [1, printed_name, 100, 0, 0, 100]])
    assert parsed(data) == [(department, Decimal(0), Decimal(0))]


def test_only_the_departments_of_the_months_hall_are_matched(hall):
    mianyang = Hall.objects.create(name="绵阳市政务服务大厅", short_name="绵阳市")
    Department.objects.create(hall=mianyang, name="水利厅", display_order=1)  # the city's
    Department.objects.create(hall=mianyang, name="绵阳市交通运输局", short_name="市交通局")
    province = Hall.objects.default().pk
    rows = [excel.HEADER, [1, "水利厅", 100, 0, 1, 101]]
    (row,) = excel.read_month(workbook(rows), hall=province)
    assert (row.department, row.bonus) == (hall["水利厅"], Decimal(1))
    (error,) = errors_of_hall(workbook([*rows, [2, "市交通局", 100, 0, 0, 100]]), province)
    assert "B3" in error and "市交通局" in error
    (error,) = errors_of_hall(workbook([excel.HEADER, [1, "自然", 100, 0, 0, 100]]), mianyang.pk)
    assert "自然资源厅" not in error  # the province's departments are not the city's


def test_a_name_that_fits_several_departments_is_refused_naming_them(hall):
    (error,) = errors_of(workbook([excel.HEADER, [1, "自然", 100, 0, 0, 100]]))
    assert "B2" in error and "部门窗口" in error
    assert "自然资源厅" in error and "自然保护地管理局" in error


def test_a_short_name_two_departments_share_is_refused(hall):
    Department.objects.filter(name__in=["水利厅", "自然资源厅"]).update(short_name="资源")
    (error,) = errors_of(workbook([excel.HEADER, [1, "资源", 100, 0, 0, 100]]))
    assert "水利厅" in error and "自然资源厅" in error


def test_a_single_character_is_not_taken_for_the_start_of_a_name(hall):
    (error,) = errors_of(workbook([excel.HEADER, [1, "水", 100, 0, 0, 100]]))
    assert "B2" in error and "水" in error


def test_every_wrong_cell_is_listed_with_its_row_column_and_address(hall):
    data = workbook(
        [
            ["2023年10月窗口考核结果"],
            excel.HEADER,
            [1, "四川省交通运输厅", 100, "x", 0, 100],
            [2, "水利厅", 100, 0, 13.3, 113.3],
            [3, "自然资源厅", 90, 0, 0, 90],
            [4, "省林草局", 100, 0, -1, 99],
            [5, "省市场监管局", 100, -1, 2, 100],
            [6, "省市场监督管理局", 100, 0, 0, 100],
            [7, "不存在的厅", 100, 0, 0, 100],
            [8, "自然", 100, 0, 0, 100],
            [9, None, 100, 0, 0, 100],
            [10, "自然保护地管理局", "1e9", 0, 0, 100],
        ],
        merges=["A1:F1"],
    )
    errors = errors_of(data)
    expected = [
        ("D3", "减分分值", "x"),
        ("E4", "加分分值", "13.3"),
        ("F4", "实得分值", "113.3"),
        ("C5", "基础分分值", "90"),
        ("E6", "加分分值", ""),  # a bonus cannot be negative
        ("F7", "实得分值", "101"),  # 100 - 1 + 2 is not 100
        ("B8", "部门窗口", "7"),  # already in row 7
        ("B9", "部门窗口", "不存在的厅"),
        ("B10", "部门窗口", "自然资源厅"),
        ("B11", "部门窗口", ""),  # no department
        ("C12", "基础分分值", "1e9"),
    ]
    assert len(errors) == len(expected), errors
    for error, (cell, column, detail) in zip(errors, expected, strict=True):
        row = int(cell[1:])
        assert f"{row}" in error.split(column)[0], error  # the row before the column
        assert column in error and cell in error and detail in error, error


def test_rows_below_a_total_row_are_not_read_and_a_department_there_is_an_error(hall):
    rows = [
        excel.HEADER,
        [1, "水利厅", 100, 0, 1, 101],
        [],
        [2, "自然资源厅", 100, 0, 0, 100],
        ["合计", None, 200, 0, 1, 201],
        ["制表：考核办", None, None, None, "审核：王五"],
    ]
    assert parsed(workbook(rows)) == [
        ("水利厅", Decimal(0), Decimal(1)),
        ("自然资源厅", Decimal(0), Decimal(0)),
    ]
    (error,) = errors_of(workbook([*rows, [3, "省林草局", 100, 0, 0, 100]]))
    assert "B7" in error and "5" in error  # the table ended in row 5


def test_a_row_with_neither_department_nor_score_ends_the_table(hall):
    rows = [
        excel.HEADER,
        [1, "水利厅", 100, 0, 1, 101],
        ["以上得分经考核领导小组审定。"],
        ["2023年11月2日"],
    ]
    assert parsed(workbook(rows, merges=["A3:F3"])) == [("水利厅", Decimal(0), Decimal(1))]


def test_a_blank_score_is_none_and_a_blank_total_is_worked_out(hall):
    data = workbook([excel.HEADER, [None, "水利厅", None, -2, None, None]])
    assert parsed(data) == [("水利厅", Decimal(-2), Decimal(0))]


def test_a_header_without_some_columns_names_them_and_its_row(hall):
    data = workbook([["2023年10月窗口考核结果"], ["排名", "部门窗口", "减分", "加分"]])
    (error,) = errors_of(data)
    assert "基础分、实得分" in error and "2" in error
    assert "base" not in error and "total" not in error


def test_a_sheet_without_a_header_is_refused(hall):
    (error,) = errors_of(workbook([["2023年10月窗口考核结果"], ["水利厅", 100, 0, 0, 100]]))
    assert "部门窗口" in error


def test_a_header_without_rows_is_an_empty_table(hall):
    (error,) = errors_of(workbook([["考核结果"], excel.HEADER, ["合计", None, 0, 0, 0, 0]]))
    assert error == translation.gettext("The table has no rows.")


def test_a_sheet_too_large_for_the_full_reader_is_refused_before_it_is_read(hall):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" * (excel.MAX_SHEET_BYTES + 1))
    assert excel.MAX_SHEET_BYTES < excel.MAX_UNPACKED_BYTES
    (error,) = errors_of(out.getvalue())
    assert error == translation.gettext(
        "The workbook is too large once unpacked; upload only the table."
    )


def test_upload_messages_are_in_chinese(hall):
    """Needs the zh_Hans catalogue with this module's messages."""
    data = workbook(
        [
            ["2023年10月窗口考核结果"],
            ["排名", "部门窗口", "基础分", "减分", "加分", "实得分"],
            [None, None, "分值", "分值", "分值", "分值"],
            [1, "水利厅", 100, "x", 0, 100],
            [2, "不存在的厅", 100, 0, 0, 100],
        ],
        merges=["A1:F1", "A2:A3", "B2:B3"],
    )
    with translation.override("zh-hans"):
        errors = errors_of(data)
        missing = errors_of(workbook([["排名", "部门窗口", "减分", "加分"]]))
    assert errors == [
        "第4行“减分分值”列（D4）：“x”不是数字。",
        "第5行“部门窗口”列（B5）：没有名为“不存在的厅”的部门窗口。",
    ]
    assert missing == ["表头（第1行）缺少列：基础分、实得分。"]


# --- the upload page ---------------------------------------------------------------------


def upload(client, month, data: bytes, name="10月.xlsx"):
    response = client.post(
        reverse("scoring:month_upload", args=[month.pk]), {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 302
    return [(m.level, str(m)) for m in get_messages(response.wsgi_request)]


def test_the_printed_layout_uploads_into_the_month(client, scorer, hall):
    month = services.month_open(month=OCTOBER)
    client.force_login(scorer)
    messages = upload(client, month, printed())
    assert not [text for level, text in messages if level == levels.ERROR]
    lines = {s.department.name: s.total for s in WindowScore.objects.filter(month=OCTOBER)}
    assert lines == {name: 100 + deduction + bonus for name, deduction, bonus in TABLE}


def test_a_sheet_with_one_wrong_cell_saves_nothing(client, scorer, hall):
    month = services.month_open(month=OCTOBER)
    client.force_login(scorer)
    book = load_workbook(io.BytesIO(printed()))  # the printed layout ...
    book.active["E9"] = "abc"  # ... with one wrong cell
    out = io.BytesIO()
    book.save(out)
    messages = upload(client, month, out.getvalue())
    errors = [text for level, text in messages if level == levels.ERROR]
    assert any("E9" in text and "abc" in text for text in errors)
    assert not month.entries.exists()
    assert not WindowScore.objects.filter(month=OCTOBER).exists()


def test_an_upload_to_a_frozen_month_is_refused(client, scorer, hall):
    month = ScoreMonth.objects.create(month=OCTOBER, status=ScoreMonth.Status.FROZEN)
    client.force_login(scorer)
    messages = upload(client, month, printed())
    assert [level for level, _text in messages] == [levels.ERROR]
    assert month.label in messages[0][1]
    assert not ScoreEntry.objects.exists() and not WindowScore.objects.exists()


def test_a_department_cannot_upload(client, hall):
    from tests.conftest import make_user

    clerk = make_user("clerk", "staff", hall["水利厅"])
    month = services.month_open(month=OCTOBER)
    client.force_login(clerk)
    response = client.post(
        reverse("scoring:month_upload", args=[month.pk]),
        {"file": SimpleUploadedFile("10月.xlsx", printed())},
    )
    assert response.status_code == 403
    assert not month.entries.exists()


# --- the exports -------------------------------------------------------------------------


def record(month: ScoreMonth, rows, scorer) -> None:
    services.month_record_totals(
        month=month,
        rows=[(Department.objects.get(name=name), d, b) for name, d, b in rows],
        by=scorer,
        reason="按考核表录入",
        keep_order=True,
    )


@pytest.fixture
def october(hall, scorer):
    """October with the tie in the order of the printed table, not the display order,
    and a second tie of three further down."""
    month = services.month_open(month=OCTOBER)
    rows = [TABLE[0], TABLE[1], TABLE[3], TABLE[2], TABLE[4]]
    rows.append(("自然保护地管理局", Decimal(-2), Decimal(0)))
    record(month, rows, scorer)
    return month


def book_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def merged(sheet) -> set[str]:
    return {str(cells) for cells in sheet.merged_cells.ranges}


def values(sheet, first_row: int = 2) -> list[list]:
    return [list(row) for row in sheet.iter_rows(min_row=first_row, values_only=True)]


def test_the_month_export_is_laid_out_like_the_printed_table(client, scorer, october):
    client.force_login(scorer)
    sheet = book_of(client.get(reverse("scoring:month_xlsx", args=[october.pk]))).active
    assert sheet.title == "2023年10月考核结果"
    assert (
        sheet["A1"].value
        == october.table_title
        == "2023年10月省政务服务大厅进驻部门（单位）窗口考核结果"
    )
    assert values(sheet) == [
        excel.HEADER,
        [1, "四川省交通运输厅", 100, 0, 18, 118],
        [2, "省市场监督管理局", 100, -1, 13.5, 112.5],
        [3, "自然资源厅", 100, -0.5, 10.5, 110],  # the table's order within the tie
        [None, "水利厅", 100, 0, 10, 110],
        [5, "省林业和草原局", 100, -2, 0, 98],
        [None, "自然保护地管理局", 100, -2, 0, 98],
    ]
    assert merged(sheet) == {"A1:F1", "A5:A6", "A7:A8"}
    assert all(cell.font.bold for cell in sheet[2])
    ranges = list(sheet.merged_cells.ranges)
    for row in sheet.iter_rows(min_row=2, max_row=8, max_col=6):
        for cell in row:
            # every edge is drawn, but the inside of a merged cell
            within = next((r for r in ranges if cell.coordinate in r), None)
            sides = [cell.border.left, cell.border.right]
            if within is None or cell.row == within.min_row:
                sides.append(cell.border.top)
            if within is None or cell.row == within.max_row:
                sides.append(cell.border.bottom)
            assert all(side.style == "thin" for side in sides), cell.coordinate
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["C"].width
    assert sheet["A1"].alignment.horizontal == "center"


def test_the_month_export_prints_on_a4_portrait_one_page_wide_with_the_header_repeated(
    client, scorer, october
):
    client.force_login(scorer)
    sheet = book_of(client.get(reverse("scoring:month_xlsx", args=[october.pk]))).active
    assert sheet.page_setup.paperSize == 9  # A4 in the OOXML paper size table
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (int(sheet.page_setup.fitToWidth), int(sheet.page_setup.fitToHeight)) == (1, 0)
    assert sheet.print_title_rows == "$2:$2"


def test_the_exported_month_uploads_back_unchanged(client, scorer, october):
    client.force_login(scorer)
    exported = client.get(reverse("scoring:month_xlsx", args=[october.pk])).content
    november = services.month_open(month=NOVEMBER)
    messages = upload(client, november, exported)
    assert not [text for level, text in messages if level == levels.ERROR]
    again = book_of(client.get(reverse("scoring:month_xlsx", args=[november.pk]))).active
    first = load_workbook(io.BytesIO(exported)).active
    assert values(again) == values(first)
    assert merged(again) == merged(first)

    def table(day):
        return [
            (s.rank, s.department_id, s.base, s.deduction, s.bonus)
            for s in WindowScore.objects.for_month(day).ranked()
        ]

    assert table(NOVEMBER) == table(OCTOBER)


def test_the_department_year_export_is_laid_out_like_the_table(client, scorer, october):
    department = Department.objects.get(name="水利厅")
    client.force_login(scorer)
    url = reverse("scoring:department_year", args=[department.pk, 2023])
    sheet = book_of(client.get(url, {"format": "xlsx"})).active
    assert sheet["A1"].value == "水利厅2023年窗口考核得分"
    assert "A1:F1" in merged(sheet)
    assert values(sheet) == [excel.YEAR_HEADER, ["2023年10月", 3, 100, 0, 10, 110]]
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$2:$2"


# --- the template ------------------------------------------------------------------------


def test_the_template_lists_the_months_departments_and_uploads_once_filled(client, scorer, hall):
    Department.objects.filter(name="自然保护地管理局").update(is_active=False)
    Department.objects.filter(name="水利厅").update(display_order=1)  # first now
    month = services.month_open(month=OCTOBER)
    client.force_login(scorer)
    response = client.get(reverse("scoring:month_template", args=[month.pk]))
    assert "filename" in response["Content-Disposition"]
    book = book_of(response)
    sheet = book.active
    names = [row[1] for row in values(sheet, 3)]
    assert names == [d.name for d in Department.objects.active().order_by("display_order")]
    assert "自然保护地管理局" not in names and names[0] == "水利厅"
    assert [row[2] for row in values(sheet, 3)] == [100] * len(names)
    assert sheet["F3"].value == "=SUM(C3:E3)"
    assert sheet["A1"].value == month.table_title and "A1:F1" in merged(sheet)
    assert sheet.print_title_rows == "$2:$2"
    sheet["D3"], sheet["E4"] = -1.5, 3  # 水利厅 -1.5, the next one +3
    out = io.BytesIO()
    book.save(out)  # as openpyxl saves it, no formula has been calculated
    messages = upload(client, month, out.getvalue())
    assert not [text for level, text in messages if level == levels.ERROR]
    totals = [
        s.total
        for s in WindowScore.objects.for_month(OCTOBER).order_by("department__display_order")
    ]
    assert totals == [Decimal("98.5"), Decimal(103)] + [Decimal(100)] * (len(names) - 2)


def test_the_template_of_a_month_with_lines_lists_the_departments_of_its_table(
    client, scorer, october
):
    Department.objects.create(name="新进驻局", display_order=999)
    client.force_login(scorer)
    sheet = book_of(client.get(reverse("scoring:month_template", args=[october.pk]))).active
    names = [row[1] for row in values(sheet, 3)]
    assert "新进驻局" not in names
    assert names == [name for name, _short in HALL]


# --- the ledger --------------------------------------------------------------------------


@pytest.fixture
def ledger(scorer, department, other_department):
    month = services.month_open(month=OCTOBER)
    own = services.entry_add(
        month=month, department=department, date=datetime.date(2023, 10, 9),
        points=Decimal("-1.5"), reason="窗口人员脱岗。", clause="第三条第二款",
        evidence="监控截图", by=scorer,
    )  # fmt: skip
    other = services.entry_add(
        month=month, department=other_department, date=datetime.date(2023, 10, 20),
        points=Decimal(2), reason="收到群众表扬信。", by=scorer,
    )  # fmt: skip
    return month, own, other


def test_the_ledger_export_holds_every_entry_with_who_recorded_it(client, scorer, ledger):
    month = ledger[0]
    client.force_login(scorer)
    sheet = book_of(client.get(reverse("scoring:month_ledger_xlsx", args=[month.pk]))).active
    assert sheet["A1"].value == "2023年10月窗口考核记录"
    rows = values(sheet)
    assert rows[0] == excel.LEDGER_HEADER
    source = str(ScoreEntry.Source.ENTRY.label)
    assert [row[:10] for row in rows[1:]] == [
        [datetime.datetime(2023, 10, 9), "交通运输厅", "减分", -1.5, "窗口人员脱岗。",
         "第三条第二款", "监控截图", source, None, "scorer"],
        [datetime.datetime(2023, 10, 20), "水利厅", "加分", 2, "收到群众表扬信。",
         None, None, source, None, "scorer"],
    ]  # fmt: skip
    recorded = [row[10] for row in rows[1:]]
    assert all(isinstance(moment, datetime.datetime) for moment in recorded)
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$2:$2"


def test_the_ledger_export_names_the_entry_a_correction_corrects(client, scorer, ledger):
    month, own, _other = ledger
    services.month_freeze_printed(month=month)
    november = services.month_open(month=NOVEMBER)
    services.entry_add(
        month=november, department=own.department, date=NOVEMBER, points=Decimal("1.5"),
        reason="撤销10月扣分。", corrects=own, by=scorer,
    )  # fmt: skip
    client.force_login(scorer)
    sheet = book_of(client.get(reverse("scoring:month_ledger_xlsx", args=[november.pk]))).active
    (row,) = values(sheet, 3)
    assert row[8] == "更正2023年10月记录"


def test_a_clerk_exports_only_the_own_departments_entries(client, clerk, ledger):
    month, own, other = ledger
    client.force_login(clerk)
    sheet = book_of(client.get(reverse("scoring:month_ledger_xlsx", args=[month.pk]))).active
    rows = values(sheet, 3)
    assert [row[4] for row in rows] == [own.reason]
    assert other.reason not in str(values(sheet, 1))
    assert own.department.name in sheet["A1"].value


@pytest.mark.parametrize("name", ["scoring:month_ledger_xlsx", "scoring:month_template"])
def test_the_downloads_need_a_login_a_month_that_exists_and_a_get(client, clerk, ledger, name):
    month = ledger[0]
    url = reverse(name, args=[month.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(clerk)
    assert client.get(url).status_code == 200
    assert client.get(reverse(name, args=[month.pk + 1000])).status_code == 404
    assert client.post(url).status_code == 405


@pytest.mark.parametrize(
    "name",
    ["scoring:month_ledger_xlsx", "scoring:month_template", "scoring:month_xlsx"],
)
def test_another_halls_month_is_not_found(client, scorer, ledger, name):
    mianyang = Hall.objects.create(name="绵阳市政务服务大厅", short_name="绵阳市")
    theirs = services.month_open(month=OCTOBER, hall=mianyang.pk)
    services.month_freeze_printed(month=theirs)  # every line would be shown
    client.force_login(scorer)
    assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert client.get(reverse(name, args=[ledger[0].pk])).status_code == 200


def test_another_halls_month_takes_no_upload(client, scorer, hall):
    mianyang = Hall.objects.create(name="绵阳市政务服务大厅", short_name="绵阳市")
    theirs = services.month_open(month=OCTOBER, hall=mianyang.pk)
    client.force_login(scorer)
    response = client.post(
        reverse("scoring:month_upload", args=[theirs.pk]),
        {"file": SimpleUploadedFile("10月.xlsx", printed())},
    )
    assert response.status_code == 404
    assert not ScoreEntry.objects.exists()


def test_the_month_page_offers_the_template_and_the_ledger(client, scorer, ledger):
    month = ledger[0]
    client.force_login(scorer)
    page = client.get(reverse("scoring:month_detail", args=[month.pk])).content.decode()
    assert reverse("scoring:month_template", args=[month.pk]) in page
    assert reverse("scoring:month_ledger_xlsx", args=[month.pk]) in page
