import datetime
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from bulletin.models import Issue
from bulletin.services import issue_create, next_issue_numbers
from tests.factories import make_issue, make_series, week


def test_first_issue_of_a_new_series_is_number_one(db):
    series = make_series()
    issue = issue_create(series=series, period_start=datetime.date(2024, 3, 4))
    assert (issue.year, issue.number, issue.total_number) == (2024, 1, 1)


def test_next_issue_continues_yearly_and_total_numbers(db):
    series = make_series()
    make_issue(series, year=2023, number=37, total=457)
    make_issue(series, year=2023, number=38, total=458)
    issue = issue_create(series=series, period_start=datetime.date(2023, 10, 9))
    assert (issue.number, issue.total_number) == (39, 459)
    assert issue.label == "2023年第39期（总第459期）"


def test_yearly_number_restarts_on_first_of_january_and_total_keeps_counting(db):
    series = make_series()
    make_issue(series, year=2023, number=52, total=472)
    issue = issue_create(series=series, period_start=datetime.date(2024, 1, 2))
    assert (issue.year, issue.number, issue.total_number) == (2024, 1, 473)
    # A late issue of the old year still takes the old year's next number.
    late = issue_create(series=series, year=2023)
    assert (late.year, late.number, late.total_number) == (2023, 53, 474)


def test_series_moving_in_starts_at_its_opening_numbers(db):
    series = make_series(opening_total_number=414, opening_year=2022, opening_year_number=39)
    first = issue_create(series=series, period_start=datetime.date(2022, 11, 14))
    second = issue_create(series=series, period_start=datetime.date(2022, 11, 21))
    assert (first.number, first.total_number) == (39, 414)
    assert (second.number, second.total_number) == (40, 415)
    next_year = issue_create(series=series, period_start=datetime.date(2023, 1, 3))
    assert (next_year.number, next_year.total_number) == (1, 416)


def test_new_issue_takes_distribution_defaults_from_its_series(db):
    series = make_series(default_send_to="各相关省级部门（单位）。", default_print_count=80)
    issue = issue_create(series=series, period_start=datetime.date(2024, 3, 4))
    assert issue.send_to == "各相关省级部门（单位）。"
    assert issue.print_count == 80
    assert issue.status == Issue.Status.COLLECTING


def test_numbers_are_per_series(db):
    weekly = make_series()
    other = make_series("政务服务专报")
    make_issue(weekly, year=2024, number=5, total=100)
    assert next_issue_numbers(series=other, year=2024) == (1, 1)
    assert next_issue_numbers(series=weekly, year=2024) == (6, 101)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_gives_distinct_consecutive_numbers_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency need PostgreSQL; CI runs this on it")
    series = make_series()
    make_issue(series, year=2024, number=10, total=500)
    workers = 8
    barrier = threading.Barrier(workers)
    created: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def create(i: int) -> None:
        try:
            barrier.wait()
            start, end = week(datetime.date(2024, 3, 4))
            issue = issue_create(series=series, period_start=start, period_end=end)
            created.append((issue.number, issue.total_number))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(created) == [(10 + i, 500 + i) for i in range(1, workers + 1)]


def test_duplicate_yearly_number_is_refused_by_the_database(db):
    series = make_series()
    make_issue(series, year=2023, number=38, total=458)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_issue(series, year=2023, number=38, total=999)


def test_duplicate_total_number_is_refused_by_the_database(db):
    series = make_series()
    make_issue(series, year=2023, number=38, total=458)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_issue(series, year=2024, number=1, total=458)


def test_same_numbers_in_another_series_are_allowed(db):
    make_issue(make_series(), year=2023, number=38, total=458)
    other = make_issue(make_series("政务服务专报"), year=2023, number=38, total=458)
    assert other.pk
