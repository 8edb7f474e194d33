import datetime
import random
from decimal import Decimal

import pytest
from django.conf import settings

from bulletin.importer import import_file
from departments.models import Department
from scoring.models import WindowScore, competition_ranks, format_score

AUGUST_2023 = datetime.date(2023, 8, 1)
# The rank column of the 2023 seed's attachment, blanks (ties) filled from the row above.
SEED_RANKS = [1, 2, 3, 4, 5, 6, 7, 7, 9, 10, 10, 10, 10, 14, 14, 14, 17, 17, 19, 20, 20,
              22, 22, 24, 24, 26, 27, 28, 29]  # fmt: skip


def test_competition_ranks_share_the_best_rank_and_skip_after_a_tie():
    assert competition_ranks([10, 9, 9, 8]) == [1, 2, 2, 4]
    assert competition_ranks([8, 9, 10, 9]) == [4, 2, 1, 2]
    assert competition_ranks([5, 5, 5]) == [1, 1, 1]
    assert competition_ranks([]) == []


@pytest.fixture
def seed_scores(db):
    import_file(settings.DEMO_SEEDS_DIR / "2023-38.txt")
    return list(WindowScore.objects.for_month(AUGUST_2023).ranked())


def test_seed_table_ranks_are_reproduced_exactly(seed_scores):
    assert [row.rank for row in seed_scores] == SEED_RANKS


def test_seed_table_totals_keep_halves(seed_scores):
    by_name = {row.department.name: row for row in seed_scores}
    assert by_name["省市场监管局"].total_score == Decimal("113.5")
    assert by_name["成都海关"].total_score == Decimal("98.5")
    assert by_name["四川测绘局"].total_score == Decimal("87")
    assert all(row.total_score == row.total for row in seed_scores)


def test_seed_table_prints_a_tie_rank_once(seed_scores):
    rows = WindowScore.objects.for_month(AUGUST_2023).table()
    spans = [row.rank_rowspan for row in rows]
    ranks = [row.rank for row in rows]
    # the four-way tie at 10 (经济和信息化厅, 文化和旅游厅, 司法厅, 民政厅)
    first = ranks.index(10)
    assert spans[first : first + 4] == [4, 0, 0, 0]
    assert sum(spans) == len(rows)
    assert [r.department.name for r in rows[first : first + 4]] == [
        "经济和信息化厅",
        "文化和旅游厅",
        "司法厅",
        "民政厅",
    ]


@pytest.mark.parametrize("seed", range(5))
def test_database_ranks_agree_with_competition_ranking_for_any_tie_pattern(db, seed):
    rng = random.Random(seed)
    month = datetime.date(2024, seed + 1, 1)
    departments = [
        Department.objects.create(name=f"部门{seed}-{i}", display_order=i) for i in range(25)
    ]
    for department in departments:
        WindowScore.objects.create(
            department=department,
            month=month,
            deduction=-Decimal(rng.choice([0, 0, 0, 1, 2])) / 2,
            bonus=Decimal(rng.randint(0, 6)) / 2,
        )
    rows = list(WindowScore.objects.for_month(month).ranked())
    expected = competition_ranks([row.total for row in rows])
    assert [row.rank for row in rows] == expected
    assert [row.total_score for row in rows] == sorted((r.total for r in rows), reverse=True)


def test_ranks_are_computed_per_month(db, department, other_department):
    july, august = datetime.date(2024, 7, 1), datetime.date(2024, 8, 1)
    WindowScore.objects.create(department=department, month=july, bonus=5)
    WindowScore.objects.create(department=other_department, month=july, bonus=1)
    WindowScore.objects.create(department=department, month=august, bonus=0)
    WindowScore.objects.create(department=other_department, month=august, bonus=3)
    ranks = {(r.month, r.department.name): r.rank for r in WindowScore.objects.ranked()}
    assert ranks[(july, "交通运输厅")] == 1
    assert ranks[(august, "水利厅")] == 1
    assert ranks[(august, "交通运输厅")] == 2


def test_ties_without_a_printed_order_follow_the_display_order(db):
    month = datetime.date(2024, 5, 1)
    late = Department.objects.create(name="四川测绘局", display_order=90)
    early = Department.objects.create(name="省发展改革委", display_order=10)
    WindowScore.objects.create(department=late, month=month, bonus=2)
    WindowScore.objects.create(department=early, month=month, bonus=2)
    names = [row.department.name for row in WindowScore.objects.for_month(month).ranked()]
    assert names == ["省发展改革委", "四川测绘局"]


@pytest.mark.parametrize(
    ("value", "printed"),
    [("100.0", "100"), ("13.5", "13.5"), ("-2.0", "-2"), ("0", "0"), ("-0.5", "-0.5")],
)
def test_scores_print_without_trailing_zeros(value, printed):
    assert format_score(Decimal(value)) == printed
