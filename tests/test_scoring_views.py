import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from bulletin.importer import import_file
from bulletin.models import Issue, Section
from scoring import excel, services
from scoring.models import ScoreEntry, ScoreMonth, WindowScore
from tests.factories import make_issue, make_series

AUGUST = datetime.date(2023, 8, 1)
SEPTEMBER = datetime.date(2023, 9, 1)


@pytest.fixture
def frozen_august(db):
    import_file(settings.DEMO_SEEDS_DIR / "2023-38.txt")
    return ScoreMonth.objects.get(month=AUGUST)


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, month, data: bytes, name="table.xlsx"):
    return client.post(
        reverse("scoring:month_upload", args=[month.pk]),
        {"file": SimpleUploadedFile(name, data)},
        follow=True,
    )


def test_imported_month_is_frozen_and_kept_as_entries(frozen_august):
    from bulletin.importer import parse_bulletin

    text = (settings.DEMO_SEEDS_DIR / "2023-38.txt").read_text(encoding="utf-8")
    (table,) = [a for a in parse_bulletin(text).attachments if a.rows]
    assert frozen_august.status == ScoreMonth.Status.FROZEN
    # one entry for each non-zero deduction and each non-zero bonus of the printed table
    nonzero = sum(bool(r.deduction) + bool(r.bonus) for r in table.rows)
    assert frozen_august.entries.count() == nonzero
    assert WindowScore.objects.filter(month=AUGUST).count() == 29


def test_xlsx_round_trip_reproduces_the_month(client, scorer, frozen_august):
    client.force_login(scorer)
    data = client.get(reverse("scoring:month_xlsx", args=[frozen_august.pk])).content
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == frozen_august.table_title
    assert [c.value for c in sheet[2]] == excel.HEADER
    assert [c.value for c in sheet[3]] == [1, "交通运输厅", 100, 0, 18, 118]
    assert sheet["A10"].value is None  # 水利厅, tied 7th: the rank is printed once
    september = services.month_open(month=SEPTEMBER)
    upload(client, september, data)
    before = {(s.department_id, s.total) for s in WindowScore.objects.filter(month=AUGUST)}
    after = {(s.department_id, s.total) for s in WindowScore.objects.filter(month=SEPTEMBER)}
    assert after == before


def test_a_malformed_upload_lists_every_wrong_row_and_saves_nothing(client, scorer, frozen_august):
    september = services.month_open(month=SEPTEMBER)
    client.force_login(scorer)
    page = upload(
        client,
        september,
        xlsx(
            [
                ["排名", "部门窗口", "基础分分值", "减分分值", "加分分值", "实得分值"],
                [1, "交通运输厅", 100, 0, 18, 118],
                [2, "自然资源厅", 100, 0, 17, 120],
                [3, "不存在的厅", 100, 0, 1, 101],
                [4, "水利厅", 100, "x", 1, 101],
            ]
        ),
    ).content.decode()
    assert "第3行" in page and "第4行" in page and "第5行" in page
    assert "未保存任何数据" in page
    assert not september.entries.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [("table.xlsx", b"not a spreadsheet at all"), ("table.xlsx", b"PK\x03\x04broken zip")],
)
def test_a_file_that_is_no_workbook_is_refused_in_the_page(client, scorer, db, name, data):
    month = services.month_open(month=SEPTEMBER)
    client.force_login(scorer)
    response = upload(client, month, data, name)
    assert response.status_code == 200
    assert "未保存任何数据" in response.content.decode()


def test_a_frozen_month_does_not_change_through_any_page(client, scorer, frozen_august):
    client.force_login(scorer)
    entries = frozen_august.entries.count()
    entry = frozen_august.entries.first()
    month_url = lambda name: reverse(name, args=[frozen_august.pk])  # noqa: E731
    client.post(month_url("scoring:entry_add"), {"department": entry.department_id, "date": "2023-08-10",
                                                 "points": "1", "reason": "补录"})  # fmt: skip
    client.post(reverse("scoring:entry_delete", args=[entry.pk]))
    client.post(month_url("scoring:month_publish"), {"deadline": "2030-01-01T00:00"})
    upload(client, frozen_august, excel.month_workbook(frozen_august))
    frozen_august.refresh_from_db()
    assert frozen_august.entries.count() == entries
    assert frozen_august.status == ScoreMonth.Status.FROZEN


def test_departments_see_only_their_line_until_the_month_is_published(
    client, clerk, scorer, department, other_department
):
    month = services.month_open(month=SEPTEMBER)
    services.entry_add(
        month=month,
        department=other_department,
        date=SEPTEMBER,
        points=Decimal(-2),
        reason="迟到",
        by=scorer,
    )
    client.force_login(clerk)
    url = reverse("scoring:month_detail", args=[month.pk])
    page = client.get(url).content.decode()
    assert department.name in page and other_department.name not in page
    assert client.get(reverse("scoring:month_xlsx", args=[month.pk])).status_code == 403
    services.month_publish(
        month=month, deadline=timezone.now() + datetime.timedelta(days=1), by=scorer
    )
    page = client.get(url).content.decode()
    assert other_department.name in page
    assert "迟到" not in page  # another department's reasons stay with it


def test_only_scorers_record_entries(client, clerk, editor, scorer, department):
    month = services.month_open(month=SEPTEMBER)
    form = {
        "department": department.pk,
        "date": "2023-09-05",
        "points": "-1.5",
        "reason": "着装不规范",
    }
    for user, status in ((clerk, 403), (editor, 403)):
        client.force_login(user)
        assert (
            client.post(reverse("scoring:entry_add", args=[month.pk]), form).status_code == status
        )
    client.force_login(scorer)
    client.post(reverse("scoring:entry_add", args=[month.pk]), form)
    assert ScoreEntry.objects.get().points == Decimal("-1.5")
    for bad, error in (("points", "0.3"), ("date", "2023-10-05")):
        response = client.post(
            reverse("scoring:entry_add", args=[month.pk]),
            {**form, bad: error, "reason": "着装不整"},
        )
        assert response.status_code == 200  # the month again, the entry form with its error
        assert response.context["entry_form"].errors[bad]
        assert 'value="着装不整"' in response.content.decode()
    assert ScoreEntry.objects.count() == 1


def test_a_form_with_errors_on_the_month_page_costs_the_same_queries(
    client, scorer, department, other_department
):
    month = services.month_open(month=SEPTEMBER)
    url = reverse("scoring:entry_add", args=[month.pk])
    bad = {"department": department.pk, "date": "2023-09-05", "points": "0.3", "reason": "迟到"}
    client.force_login(scorer)

    def post_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.post(url, bad).status_code == 200
        return len(ctx.captured_queries)

    services.entry_add(month=month, department=department, date=SEPTEMBER, points=Decimal(-1),
                       reason="迟到", by=scorer)  # fmt: skip
    small = post_queries()
    for n in range(10):
        services.entry_add(month=month, department=other_department, date=SEPTEMBER,
                           points=Decimal(-1), reason=f"脱岗{n}", by=scorer)  # fmt: skip
    assert post_queries() == small


def test_a_department_objects_to_its_own_entry_only(
    client, clerk, scorer, department, other_department
):
    month = services.month_open(month=SEPTEMBER)
    own = services.entry_add(
        month=month,
        department=department,
        date=SEPTEMBER,
        points=Decimal(-2),
        reason="迟到",
        by=scorer,
    )
    other = services.entry_add(
        month=month,
        department=other_department,
        date=SEPTEMBER,
        points=Decimal(-1),
        reason="脱岗",
        by=scorer,
    )
    services.month_publish(
        month=month, deadline=timezone.now() + datetime.timedelta(days=1), by=scorer
    )
    client.force_login(clerk)
    url = reverse("scoring:objection_file", args=[month.pk])
    assert client.post(url, {"entry": other.pk, "text": "不是我们。"}).status_code == 404
    client.post(url, {"entry": own.pk, "text": "当天有请假手续。"})
    assert list(month.objections.values_list("entry_id", "department_id")) == [
        (own.pk, department.pk)
    ]


def test_editor_attaches_a_frozen_month_and_the_issue_prints_it(client, editor, frozen_august):
    issue = make_issue(
        make_series("政务服务专报"), year=2023, number=40, total=40, status=Issue.Status.EDITING
    )
    client.force_login(editor)
    client.post(reverse("bulletin:attach_scores", args=[issue.pk]), {"month": frozen_august.pk})
    attachment = issue.sections.get(kind=Section.Kind.ATTACHMENT)
    assert attachment.title == "2023年8月省政务服务大厅进驻部门（单位）窗口考核结果"
    page = client.get(reverse("bulletin:issue_detail", args=[issue.pk])).content.decode()
    assert "附件：</span>2023年8月省政务服务大厅进驻部门（单位）窗口考核结果" in page
    assert page.count('class="department"') == 29


def test_an_open_month_cannot_be_attached(client, editor, db):
    month = services.month_open(month=SEPTEMBER)
    issue = make_issue(make_series(), year=2023, number=40, total=40, status=Issue.Status.EDITING)
    client.force_login(editor)
    response = client.post(reverse("bulletin:attach_scores", args=[issue.pk]), {"month": month.pk})
    assert response.status_code == 200
    assert "请选择已冻结的月份" in response.content.decode()
    assert not issue.sections.exists()


def test_department_year_page_has_a_chart_and_an_xlsx(client, clerk, frozen_august):
    client.force_login(clerk)
    department = WindowScore.objects.get(month=AUGUST, department__name="交通运输厅").department
    url = reverse("scoring:department_year", args=[department.pk, 2023])
    page = client.get(url).content.decode()
    assert "<svg" in page and "<polyline" in page and "118" in page
    data = client.get(url, {"format": "xlsx"}).content
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[3]] == ["2023年8月", 1, 100, 0, 18, 118]


def test_month_page_shows_the_distribution_chart(client, scorer, frozen_august):
    client.force_login(scorer)
    page = client.get(reverse("scoring:month_detail", args=[frozen_august.pk])).content.decode()
    assert page.count("<rect") >= 3


def test_the_admin_cannot_change_a_frozen_month_either(client, admin_user, frozen_august):
    client.force_login(admin_user)
    entry = frozen_august.entries.first()
    url = reverse("admin:scoring_scoreentry_change", args=[entry.pk])
    client.post(url, {"points": "5", "reason": "改"})
    entry.refresh_from_db()
    assert entry.points != Decimal(5)
    assert (
        client.post(
            reverse("admin:scoring_scoreentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert ScoreEntry.objects.filter(pk=entry.pk).exists()
