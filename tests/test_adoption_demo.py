"""On the demo, October 2023's reporting table adds up to the items of the issues issued
that month (2023年第38期, issued on 17 October)."""

import datetime
from io import StringIO

from django.core.management import call_command
from openpyxl import load_workbook

from bulletin.models import Issue, Submission

HEADER = ["排名", "部门（单位）", "报送", "采用", "修改采用", "退回", "不采用", "逾期", "缺报",
          "批示", "采用率", "得分"]  # fmt: skip


def test_the_demos_october_table_adds_up_to_the_items_issued_that_month(db, settings, tmp_path):
    settings.DEMO_MODE = False
    call_command("load_demo", stdout=StringIO())
    october = Issue.objects.issued().filter(
        issue_date__range=(datetime.date(2023, 10, 1), datetime.date(2023, 10, 31))
    )
    assert [issue.label for issue in october] == ["2023年第38期（总第458期）"]
    items = Submission.objects.filter(section__issue__in=october, department__isnull=False)
    accepted = items.filter(status=Submission.Status.ACCEPTED)
    assert accepted.count() > 0

    target = tmp_path / "f.xlsx"
    call_command("adoption_report", "--year", "2023", "--month", "10", "-o", str(target),
                 stdout=StringIO())  # fmt: skip
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[1]) == HEADER
    lines, total = rows[2:-1], rows[-1]
    column = {name: i for i, name in enumerate(HEADER)}
    # one line per department that sent items, every one of them
    sent = set(
        items.exclude(status=Submission.Status.DRAFT).values_list("department__name", flat=True)
    )
    assert {row[column["部门（单位）"]] for row in lines} == sent
    assert sum(row[column["采用"]] for row in lines) == accepted.count()
    assert sum(row[column["报送"]] for row in lines) == items.exclude(status="draft").count()
    assert total[column["采用"]] == accepted.count()
    # the demo's rules give each item used its points
    assert sum(row[column["得分"]] for row in lines) > 0


def test_the_demo_command_prints_the_same_table(db, settings):
    settings.DEMO_MODE = False
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("adoption_report", "--year", "2023", "--month", "10", stdout=out)
    printed = out.getvalue()
    accepted = Submission.objects.filter(
        section__issue__issue_date__month=10, section__issue__issue_date__year=2023,
        department__isnull=False, status=Submission.Status.ACCEPTED,
    ).count()  # fmt: skip
    total = next(line for line in printed.splitlines() if line.startswith("\t合计"))
    assert total.split("\t")[3] == str(accepted)
    assert f"采用{accepted}条" in printed
    # The centre's own items are named after the table, so both add up to the issue.
    own = Submission.objects.filter(
        section__issue__issue_date__month=10, section__issue__issue_date__year=2023,
        department=None, status=Submission.Status.ACCEPTED,
    ).count()  # fmt: skip
    assert own > 0
    assert f"另有中心自撰信息{own}条" in printed
