"""Inputs that used to end in a server error now get an answer a person can act on."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletin.models import Issue, Section
from departments.models import Department
from scoring import services as scoring
from scoring.models import Objection
from tests.conftest import make_user
from tests.factories import make_issue, make_section, make_series

AUGUST = datetime.date(2023, 8, 1)


def test_an_administrator_filing_an_objection_is_refused_not_a_server_error(
    client, admin_user, scorer, department
):
    month = scoring.month_open(month=AUGUST)
    scoring.entry_add(month=month, department=department, date=AUGUST, points=Decimal(-1),
                      reason="迟到", by=scorer)  # fmt: skip
    scoring.month_publish(
        month=month, deadline=timezone.now() + datetime.timedelta(days=2), by=scorer
    )
    client.force_login(admin_user)
    response = client.post(reverse("scoring:objection_file", args=[month.pk]), {"text": "不对。"})
    assert response.status_code == 403  # an administrator belongs to no department
    assert not Objection.objects.exists()


@pytest.mark.parametrize("direction", ["up", "down", "0", "7"])
def test_moving_an_attachment_keeps_it_after_the_body(client, editor, direction):
    issue = make_issue(make_series(), status=Issue.Status.EDITING)
    body = make_section(issue, position=1, title="大厅工作动态")
    first = make_section(issue, position=2, title="附件一", kind=Section.Kind.ATTACHMENT)
    second = make_section(issue, position=3, title="附件二", kind=Section.Kind.ATTACHMENT)
    client.force_login(editor)
    response = client.post(reverse("bulletin:section_move", args=[second.pk]), {"to": direction})
    assert response.status_code == 302
    order = [s.pk for s in issue.sections.order_by("position")]
    assert order[0] == body.pk and set(order[1:]) == {first.pk, second.pk}
    if direction in ("up", "0"):
        assert order == [body.pk, second.pk, first.pk]


def test_a_department_name_with_characters_excel_refuses_downloads_its_year(client, scorer):
    department = Department.objects.create(name="省农业农村厅/省畜牧局[联合]:窗口?*")
    month = scoring.month_open(month=AUGUST)
    scoring.entry_add(month=month, department=department, date=AUGUST, points=Decimal(-1),
                      reason="迟到", by=scorer)  # fmt: skip
    client.force_login(scorer)
    url = reverse("scoring:department_year", args=[department.pk, 2023])
    response = client.get(url, {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        "省农业农村厅" in response["Content-Disposition"]
        or "filename*=" in response["Content-Disposition"]
    )


def test_a_new_issue_after_a_period_ending_on_the_last_day_a_date_holds(client, editor):
    series = make_series()
    make_issue(series, period_start=datetime.date(9999, 12, 27),
               period_end=datetime.date(9999, 12, 31))  # fmt: skip
    client.force_login(editor)
    response = client.get(reverse("bulletin:issue_create"))
    assert response.status_code == 200
    today = datetime.date.today()
    monday = today - datetime.timedelta(days=today.weekday())
    assert response.context["form"].initial["period_start"] == monday


def test_a_clerk_sees_no_other_departments_open_month_in_the_year_download(
    client, clerk, scorer, department, other_department
):
    """The .xlsx holds exactly the lines the page shows."""
    import io

    from openpyxl import load_workbook

    month = scoring.month_open(month=AUGUST)
    scoring.entry_add(month=month, department=other_department, date=AUGUST, points=Decimal(-2),
                      reason="迟到", by=scorer)  # fmt: skip
    client.force_login(clerk)
    url = reverse("scoring:department_year", args=[other_department.pk, 2023])
    page = client.get(url)
    assert page.context["lines"] == []  # August is still open
    book = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    assert book.active.max_row == 2  # the title and the header only
    scoring.month_publish(
        month=month, deadline=timezone.now() + datetime.timedelta(days=2), by=scorer
    )
    book = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    assert book.active.max_row == 3


def test_a_user_without_role_gets_no_server_error_on_any_page(client, db, department):
    """A clerk whose department was removed from them in the admin (a broken account)."""
    user = make_user("orphan", "staff", department)
    user.department = None
    user.is_superuser = True  # the constraint allows a departmentless staff admin only
    user.save()
    client.force_login(user)
    assert client.get(reverse("bulletin:my_department")).status_code == 403
