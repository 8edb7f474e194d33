"""Background jobs go through the real database queue and the real worker command."""

import hashlib

import pytest
from django_tasks_db.models import DBTaskResult

from bulletin import services
from bulletin.models import Issue, RecipientGroup, Section
from tests.conftest import make_user, run_worker
from tests.factories import make_issue, make_section, make_series

# The worker drops any connection that is inside a transaction between jobs, as Django
# does between requests: these tests commit, like production, instead of running in
# one rolled-back transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def approved_issue(db):
    issue = make_issue(make_series(), status=Issue.Status.APPROVED)
    make_section(issue, title="本周概况", kind=Section.Kind.FREE, body="本周大厅运行平稳。")
    return issue


def test_issuing_queues_the_pdf_and_the_worker_stores_it(
    queued, approved_issue, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_issue(issue=approved_issue, by=editor)
    approved_issue.refresh_from_db()
    assert approved_issue.pdf_sha256 == ""  # nothing rendered in the request
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    run_worker()

    approved_issue.refresh_from_db()
    data = approved_issue.pdf.read()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == approved_issue.pdf_sha256
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_sign_off_renders_the_pdf_into_the_cache_in_the_background(
    queued, approved_issue, editor, approver, django_capture_on_commit_callbacks
):
    from bulletin.printing import rendering

    Issue.objects.filter(pk=approved_issue.pk).update(status=Issue.Status.REVIEW)
    approved_issue.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_approve(issue=approved_issue, by=approver)
    run_worker()
    approved_issue.refresh_from_db()
    _pdf, from_cache = rendering.cached_pdf(rendering.render_document_html(approved_issue))
    assert from_cache


def test_notice_e_mails_are_sent_by_the_worker(
    queued, approved_issue, department, editor, mailoutbox, django_capture_on_commit_callbacks
):
    make_user("reader", "staff", department, email="reader@example.gov.cn")
    group = RecipientGroup.objects.create(name="各部门窗口", send_to="各部门窗口。", print_count=80)
    group.departments.add(department)
    Issue.objects.filter(pk=approved_issue.pk).update(recipient_group=group)
    approved_issue.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_issue(issue=approved_issue, by=editor)
    assert mailoutbox == []
    run_worker()
    assert [m.to for m in mailoutbox] == [["reader@example.gov.cn"]]
    assert "窗口工作周报" in mailoutbox[0].subject
