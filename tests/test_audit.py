"""Every status change of an issue, an item or a score month is one line of the audit log."""

import datetime
import logging

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bulletin import services
from bulletin.models import Section
from scoring import services as scoring
from tests.factories import make_section, make_series

SEPTEMBER = datetime.date(2023, 9, 1)


@pytest.fixture
def audit(caplog, django_capture_on_commit_callbacks):
    """The audit lines logged by the changes committed inside the `with` block."""
    caplog.set_level(logging.INFO, logger="jianbao.audit")

    class Audit:
        def __enter__(self):
            self.capture = django_capture_on_commit_callbacks(execute=True)
            self.capture.__enter__()
            return self

        def __exit__(self, *exc):
            return self.capture.__exit__(*exc)

        @property
        def records(self) -> list[logging.LogRecord]:
            return [r for r in caplog.records if r.name == "jianbao.audit"]

        @property
        def lines(self) -> list[str]:
            return [r.getMessage() for r in self.records]

    return Audit()


def test_each_issue_transition_logs_actor_object_and_statuses(audit, editor, approver):
    with audit:
        issue = services.issue_create(series=make_series(), by=editor, year=2024)
        services.issue_start_editing(issue=issue, by=editor)
        services.issue_send_to_review(issue=issue, by=editor)
        services.issue_return(issue=issue, by=approver, comment="请补充统计数据。")
        services.issue_send_to_review(issue=issue, by=editor)
        services.issue_approve(issue=issue, by=approver)
    label = f"issue #{issue.pk} 窗口工作周报 2024年第1期（总第1期）"
    assert audit.lines == [
        f"{label}: — → collecting by editor (#{editor.pk})",
        f"{label}: collecting → editing by editor (#{editor.pk})",
        f"{label}: editing → review by editor (#{editor.pk})",
        f"{label}: review → editing by approver (#{approver.pk})",
        f"{label}: editing → review by editor (#{editor.pk})",
        f"{label}: review → approved by approver (#{approver.pk})",
    ]
    assert len(audit.lines) == issue.transitions.count()


def test_each_submission_transition_logs_one_line_with_its_transition_row(
    audit, editor, clerk, department
):
    series = make_series()
    with audit:
        issue = services.issue_create(series=series, by=editor, year=2024)
        section = make_section(
            issue,
            position=9,
            kind=Section.Kind.ITEMS,
            call_deadline=timezone.now() + datetime.timedelta(days=1),
        )
        item = services.submission_create(
            section=section, department=department, author=clerk, headline="标题。", body="正文。"
        )
        services.submission_submit(submission=item, by=clerk)
        services.submission_withdraw(submission=item, by=clerk)
        services.submission_submit(submission=item, by=clerk)
        services.submission_return(submission=item, by=editor, reason="请补充。")
    item_lines = [line for line in audit.lines if line.startswith(f"submission #{item.pk} ")]
    assert [line.split(": ", 1)[1] for line in item_lines] == [
        f"draft → submitted by clerk (#{clerk.pk})",
        f"submitted → draft by clerk (#{clerk.pk})",
        f"draft → submitted by clerk (#{clerk.pk})",
        f"submitted → returned by editor (#{editor.pk})",
    ]
    assert len(item_lines) == item.transitions.count()


def test_a_step_that_rolls_back_leaves_no_line(audit, editor):
    issue = services.issue_create(series=make_series(), by=editor, year=2024)
    with audit, pytest.raises(RuntimeError), transaction.atomic():
        services.issue_start_editing(issue=issue, by=editor)
        raise RuntimeError("the rest of the request failed")
    assert audit.lines == []


def test_publishing_and_freezing_a_month_log_who_did_it(audit, client, scorer):
    month = scoring.month_open(month=SEPTEMBER)
    client.force_login(scorer)
    with audit:
        client.post(
            reverse("scoring:month_publish", args=[month.pk]), {"deadline": "2030-01-01T00:00"}
        )
        month.refresh_from_db()
        assert month.status == "published"
        client.post(reverse("scoring:month_freeze", args=[month.pk]), {"confirm": "1"})
    assert audit.lines == [
        f"scoremonth #{month.pk} {month.label}: open → published by scorer (#{scorer.pk})",
        f"scoremonth #{month.pk} {month.label}: published → frozen by scorer (#{scorer.pk})",
    ]
    record = audit.records[-1]
    assert (record.actor, record.old_status, record.new_status) == (
        scorer.pk,
        "published",
        "frozen",
    )
