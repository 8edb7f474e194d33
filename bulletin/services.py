"""Workflow steps that span models. Each is a typed, keyword-only function."""

import datetime

from django.db import transaction
from django.db.models import Max

from bulletin.models import Issue, Series


def next_issue_numbers(*, series: Series, year: int) -> tuple[int, int]:
    """The (yearly number, total number) the next issue of `series` in `year` gets.

    The yearly number restarts at 1 each 1 January; the total number never restarts.
    A series that moved in from paper continues from its opening numbers.
    """
    numbers = series.issues.aggregate(total=Max("total_number"))
    total = (numbers["total"] or series.opening_total_number - 1) + 1
    in_year = series.issues.filter(year=year).aggregate(n=Max("number"))["n"]
    if in_year is None:
        in_year = series.opening_year_number - 1 if year == series.opening_year else 0
    return in_year + 1, total


def issue_create(
    *,
    series: Series,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    year: int | None = None,
    column_title: str = "",
) -> Issue:
    """Open the next issue of a series, numbered automatically.

    Two editors creating issues at once must not get the same number: the series row
    is locked (SELECT … FOR UPDATE on PostgreSQL) so creations of one series queue up,
    and the unique constraints catch anything that slips past.
    """
    if year is None:
        year = (period_end or period_start or datetime.date.today()).year
    with transaction.atomic():
        locked = Series.objects.select_for_update().get(pk=series.pk)
        number, total = next_issue_numbers(series=locked, year=year)
        return Issue.objects.create(
            series=locked,
            year=year,
            number=number,
            total_number=total,
            period_start=period_start,
            period_end=period_end,
            column_title=column_title,
            report_to=locked.default_report_to,
            send_to=locked.default_send_to,
            distribute_to=locked.default_distribute_to,
            print_count=locked.default_print_count,
        )
