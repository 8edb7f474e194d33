"""The database itself refuses bad data, whatever form or script writes it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from bulletin.models import Issue, Section, Submission
from departments.models import Hall, User
from scoring.models import WindowScore
from tests.factories import make_issue, make_section, make_series, make_submission

AUGUST = datetime.date(2023, 8, 1)


def assert_refused(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_issue_status_outside_the_workflow_is_refused(db):
    issue = make_issue(make_series())
    assert_refused(lambda: Issue.objects.filter(pk=issue.pk).update(status="published"))


def test_issue_number_zero_is_refused(db):
    assert_refused(lambda: make_issue(make_series(), number=0))


def test_issue_period_ending_before_it_starts_is_refused(db):
    assert_refused(
        lambda: make_issue(
            make_series(),
            period_start=datetime.date(2023, 9, 28),
            period_end=datetime.date(2023, 9, 25),
        )
    )


def test_section_level_must_be_one_to_four(db):
    issue = make_issue(make_series())
    assert_refused(lambda: make_section(issue, level=5))
    assert_refused(lambda: make_section(issue, position=2, level=0))


def test_section_kind_outside_the_list_is_refused(db):
    issue = make_issue(make_series())
    assert_refused(lambda: make_section(issue, kind="poem"))


def test_two_sections_cannot_share_a_position(db):
    issue = make_issue(make_series())
    make_section(issue, position=1)
    assert_refused(lambda: make_section(issue, position=1, title="政务资讯"))


def test_submission_status_outside_the_workflow_is_refused(db, department):
    submission = make_submission(make_section(make_issue(make_series())), department)
    assert_refused(lambda: Submission.objects.filter(pk=submission.pk).update(status="lost"))


def test_returned_submission_needs_a_reason(db, department):
    submission = make_submission(make_section(make_issue(make_series())), department)
    assert_refused(lambda: Submission.objects.filter(pk=submission.pk).update(status="returned"))
    Submission.objects.filter(pk=submission.pk).update(
        status="returned", return_reason="请补充数据"
    )
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED


def test_deduction_above_zero_is_refused(db, department):
    assert_refused(
        lambda: WindowScore.objects.create(department=department, month=AUGUST, deduction=2)
    )


def test_negative_bonus_is_refused(db, department):
    assert_refused(
        lambda: WindowScore.objects.create(department=department, month=AUGUST, bonus=-1)
    )


def test_one_score_per_department_and_month(db, department):
    WindowScore.objects.create(department=department, month=AUGUST, bonus=Decimal("1.5"))
    assert_refused(lambda: WindowScore.objects.create(department=department, month=AUGUST))


def test_score_month_is_the_first_of_the_month(db, department):
    assert_refused(
        lambda: WindowScore.objects.create(department=department, month=datetime.date(2023, 8, 15))
    )


def test_user_role_outside_the_list_is_refused(db):
    assert_refused(lambda: User.objects.create(username="x", role="king"))


def test_department_staff_without_department_is_refused(db):
    assert_refused(lambda: User.objects.create(username="x", role=User.Role.STAFF))
    user = User(username="y", role=User.Role.STAFF)
    with pytest.raises(ValidationError) as exc:
        user.full_clean()
    assert "department" in exc.value.message_dict


def test_editor_needs_no_department(db):
    assert User.objects.create(username="ed", role=User.Role.EDITOR, hall=Hall.objects.default()).pk


def test_kinds_in_the_constraint_match_the_choices():
    # The CheckConstraints spell the values out; a new choice must be added to both.
    def constrained(model, name):
        constraint = next(c for c in model._meta.constraints if c.name == name)
        (_lookup, values), *_ = constraint.condition.children
        return values

    assert set(constrained(Section, "section_kind_valid")) == set(Section.Kind.values)
    assert set(constrained(Issue, "issue_status_valid")) == set(Issue.Status.values)
    assert set(constrained(Submission, "submission_status_valid")) == set(Submission.Status.values)
    assert set(constrained(User, "user_role_valid")) == set(User.Role.values)
