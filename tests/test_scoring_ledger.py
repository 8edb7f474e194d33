import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from bulletin.importer import parse_bulletin
from departments.models import Department
from scoring import services
from scoring.models import Objection, ScoreEntry, ScoreMonth, WindowScore

AUGUST = datetime.date(2023, 8, 1)


@pytest.fixture
def seed_rows():
    text = (settings.DEMO_SEEDS_DIR / "2023-38.txt").read_text(encoding="utf-8")
    (table,) = [a for a in parse_bulletin(text).attachments if a.rows]
    return table.rows


def test_the_2023_table_is_reproduced_exactly_from_ledger_entries(db, scorer, seed_rows):
    month = services.month_open(month=AUGUST)
    for order, row in enumerate(seed_rows):
        department = Department.objects.create(name=row.department, display_order=order)
        for points, reason in ((row.deduction, "窗口巡查扣分"), (row.bonus, "表扬加分")):
            if points:
                services.entry_add(
                    month=month, department=department, date=AUGUST, points=points,
                    reason=reason, by=scorer,
                )  # fmt: skip
    lines = list(WindowScore.objects.for_month(AUGUST).ranked())
    printed = []
    rank = None
    for row in seed_rows:
        rank = row.rank or rank
        printed.append((rank, row.department, row.base, row.deduction, row.bonus, row.total))
    computed = [
        (s.rank, s.department.name, s.base, s.deduction, s.bonus, s.total_score) for s in lines
    ]
    assert computed == printed


def test_a_bonus_cap_and_a_total_cap_limit_what_counts(db, scorer, department):
    month = services.month_open(month=AUGUST)
    ScoreMonth.objects.filter(pk=month.pk).update(bonus_cap=Decimal(15), total_cap=Decimal(110))
    month.refresh_from_db()
    for points in (Decimal(8), Decimal("9.5")):
        services.entry_add(
            month=month, department=department, date=AUGUST, points=points, reason="加分", by=scorer
        )
    line = WindowScore.objects.get(department=department, month=AUGUST)
    assert (line.bonus, line.total) == (Decimal(10), Decimal(110))  # 17.5 → 15 → 10 under 110
    services.entry_add(
        month=month,
        department=department,
        date=AUGUST,
        points=Decimal(-3),
        reason="扣分",
        by=scorer,
    )
    line.refresh_from_db()
    assert (line.deduction, line.bonus, line.total) == (Decimal(-3), Decimal(13), Decimal(110))


def test_caps_carry_over_to_the_next_month(db):
    august = services.month_open(month=AUGUST)
    ScoreMonth.objects.filter(pk=august.pk).update(total_cap=Decimal(110))
    september = services.month_open(month=datetime.date(2023, 9, 15))
    assert (september.month, september.total_cap) == (datetime.date(2023, 9, 1), Decimal(110))


@pytest.mark.parametrize("points", [Decimal(0), Decimal("0.3"), Decimal("-1.25")])
def test_points_are_non_zero_steps_of_a_half(db, scorer, department, points):
    month = services.month_open(month=AUGUST)
    with pytest.raises(services.WorkflowError):
        services.entry_add(
            month=month, department=department, date=AUGUST, points=points, reason="x", by=scorer
        )
    assert not ScoreEntry.objects.exists()


def test_every_active_department_has_a_line_even_without_entries(
    db, scorer, department, other_department
):
    month = services.month_open(month=AUGUST)
    services.entry_add(
        month=month, department=department, date=AUGUST, points=Decimal(2), reason="加分", by=scorer
    )
    totals = dict(WindowScore.objects.filter(month=AUGUST).values_list("department__name", "bonus"))
    assert totals == {"交通运输厅": Decimal(2), "水利厅": Decimal(0)}


@pytest.fixture
def published(db, scorer, department, other_department):
    month = services.month_open(month=AUGUST)
    entry = services.entry_add(
        month=month,
        department=department,
        date=AUGUST,
        points=Decimal(-2),
        reason="迟到",
        by=scorer,
    )
    services.month_publish(
        month=month, deadline=timezone.now() + datetime.timedelta(days=3), by=scorer
    )
    return month, entry


def test_a_department_objects_to_its_own_line_and_the_scorer_answers(
    published, clerk, scorer, department
):
    month, entry = published
    objection = services.objection_file(
        month=month, department=department, entry=entry, text="当天系统故障。", by=clerk
    )
    with pytest.raises(services.WorkflowError):
        services.month_freeze(month=month, by=scorer)  # an objection waits
    services.objection_answer(
        objection=objection, by=scorer, upheld=True, answer="情况属实，撤销扣分。"
    )
    # Published: the entry stays as the department saw it, a further entry undoes it.
    with pytest.raises(services.WorkflowError):
        services.entry_delete(entry=entry, by=scorer)
    services.entry_add(
        month=month, department=department, date=AUGUST, points=Decimal(2),
        reason="异议成立，撤销扣分。", by=scorer,
    )  # fmt: skip
    services.month_freeze(month=month, by=scorer, before_deadline=True)
    assert month.status == ScoreMonth.Status.FROZEN
    assert WindowScore.objects.get(department=department, month=AUGUST).total == 100


def test_objections_are_for_own_lines_and_close_at_the_deadline(
    published, clerk, department, other_clerk, other_department
):
    month, entry = published
    with pytest.raises(services.WorkflowError):
        services.objection_file(
            month=month, department=other_department, entry=entry, text="不对。", by=other_clerk
        )
    ScoreMonth.objects.filter(pk=month.pk).update(
        objection_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    month.refresh_from_db()
    with pytest.raises(services.WorkflowError):
        services.objection_file(
            month=month, department=department, entry=entry, text="不对。", by=clerk
        )
    assert not Objection.objects.exists()


def test_a_frozen_month_never_changes_and_takes_corrections_in_a_later_month(
    published, scorer, department
):
    month, entry = published
    services.month_freeze(month=month, by=scorer, before_deadline=True)
    with pytest.raises(services.WorkflowError):
        services.entry_add(
            month=month,
            department=department,
            date=AUGUST,
            points=Decimal(1),
            reason="补",
            by=scorer,
        )
    with pytest.raises(services.WorkflowError):
        services.entry_delete(entry=entry, by=scorer)
    september = services.month_open(month=datetime.date(2023, 9, 1))
    correction = services.entry_add(
        month=september, department=department, date=datetime.date(2023, 9, 5), points=Decimal(2),
        reason="更正8月误扣", by=scorer, corrects=entry,
    )  # fmt: skip
    assert correction.corrects == entry
    assert WindowScore.objects.get(department=department, month=AUGUST).total == 98


def test_a_correction_must_refer_to_an_earlier_frozen_month(published, scorer, department):
    _month, entry = published  # published, not frozen
    september = services.month_open(month=datetime.date(2023, 9, 1))
    with pytest.raises(services.WorkflowError):
        services.entry_add(
            month=september, department=department, date=datetime.date(2023, 9, 5), points=Decimal(2),
            reason="更正", by=scorer, corrects=entry,
        )  # fmt: skip


def test_months_move_only_forward(db, scorer):
    month = services.month_open(month=AUGUST)
    with pytest.raises(services.WorkflowError):
        services.month_freeze(month=month, by=scorer)  # not published yet
    with pytest.raises(services.WorkflowError):
        services.month_publish(
            month=month, deadline=timezone.now() - datetime.timedelta(days=1), by=scorer
        )
    assert month.status == ScoreMonth.Status.OPEN


def test_recomputing_a_month_costs_the_same_queries_for_2_or_30_departments(db, scorer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(count: int) -> int:
        month = services.month_open(month=datetime.date(2024, count % 12 + 1, 1))
        for i in range(count):
            department = Department.objects.create(name=f"部门{count}-{i}", display_order=i)
            ScoreEntry.objects.create(month=month, department=department, date=month.month,
                                      points=Decimal(i % 3 + 1), reason="加分")  # fmt: skip
        services.month_recompute(month=month)  # creates the lines
        ScoreEntry.objects.filter(month=month).update(points=Decimal(-1))
        with CaptureQueriesContext(connection) as queries:
            services.month_recompute(month=month)  # updates every line
        assert {s.total for s in WindowScore.objects.filter(month=month.month)} <= {
            Decimal(99),
            Decimal(100),
        }
        return len(queries)

    assert cost(30) == cost(2)
