"""Every hand-off tells the people who act next, in the app and (if they want it) by
e-mail after the commit; each user marks notices read and sets their own e-mail switch."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bulletin import services
from bulletin.models import Issue, Notice, Section, Submission
from departments.models import User
from tests.conftest import make_user
from tests.factories import make_issue, make_section, make_series, make_submission

Kind = Notice.Kind


@pytest.fixture
def people(department, other_department):
    """Two clerks of the department (one with the e-mail switch off), a clerk of another
    department, two editors (one without an address), an approver and a scorer."""
    return {
        "clerk": make_user("clerk", "staff", department, email="clerk@example.gov.cn"),
        "quiet_clerk": make_user(
            "quiet_clerk", "staff", department, email="quiet@example.gov.cn", email_notices=False
        ),
        "other_clerk": make_user("other_clerk", "staff", other_department, email="o@example.cn"),
        "editor": make_user("editor", "editor", email="editor@example.gov.cn"),
        "editor2": make_user("editor2", "editor"),
        "approver": make_user("approver", "approver", email="approver@example.gov.cn"),
        "scorer": make_user("scorer", "scorer", email="scorer@example.gov.cn"),
        # gone: told of nothing
        "former": make_user("former", "editor", email="former@example.gov.cn", is_active=False),
    }


@pytest.fixture
def section(db):
    issue = make_issue(make_series(), year=2024, number=7, total=7)
    return make_section(
        issue, title="大厅工作动态", call_deadline=timezone.now() + datetime.timedelta(days=1)
    )


@pytest.fixture
def sent(section, department, people):
    item = make_submission(section, department, author=people["clerk"])
    services.submission_submit(submission=item, by=people["clerk"])
    Notice.objects.all().delete()  # the submission's own notices are tested on their own
    return item


def told(kind: str) -> set[str]:
    return set(Notice.objects.filter(kind=kind).values_list("user__username", flat=True))


def mailed(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


def issue_in(status: str) -> Issue:
    issue = make_issue(make_series("小报"), year=2024, number=1, total=1, status=status)
    make_section(issue, title="本周概况", kind=Section.Kind.FREE, body="本周大厅运行平稳。")
    return issue


def test_submitting_an_item_tells_the_editors(
    section, department, people, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = services.submission_create(
            section=section, department=department, author=people["clerk"],
            headline="交通运输厅开展安全检查。", body="正文。", submit=True,
        )  # fmt: skip
    assert set(Notice.objects.values_list("user__username", flat=True)) == {"editor", "editor2"}
    assert set(Notice.objects.values_list("kind", "submission", "issue")) == {
        (Kind.SUBMITTED, item.pk, section.issue_id)
    }
    assert "交通运输厅开展安全检查。" in Notice.objects.first().message
    assert mailed(mailoutbox) == ["editor@example.gov.cn"]  # editor2 has no address


def test_a_draft_saved_tells_nobody(section, department, people):
    services.submission_create(
        section=section, department=department, author=people["clerk"], headline="草稿。",
        body="正文。",
    )  # fmt: skip
    assert not Notice.objects.exists()


def test_returning_tells_the_departments_clerks_with_the_reason(
    sent, people, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_return(submission=sent, by=people["editor"], reason="请补充数据。")
    assert told(Kind.RETURNED) == {"clerk", "quiet_clerk"}
    assert Notice.objects.count() == 2  # nobody else, not the editor who returned it
    assert all("请补充数据。" in n.message for n in Notice.objects.all())
    # the clerk who switched e-mail off is told in the app only
    assert mailed(mailoutbox) == ["clerk@example.gov.cn"]
    assert "请补充数据。" in mailoutbox[0].body and "\n" not in mailoutbox[0].subject


def test_a_reason_on_several_lines_still_makes_a_one_line_subject(
    sent, people, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_return(submission=sent, by=people["editor"], reason="第一。\n第二。")
    assert [m.subject.count("\n") for m in mailoutbox] == [0]


def test_accepting_with_edits_tells_the_clerks_and_opens_the_character_diff(
    client, sent, people, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_accept(
            submission=sent, by=people["editor"], headline="交通运输厅开展节前安全大检查。",
            body=sent.body,
        )  # fmt: skip
    assert told(Kind.ACCEPTED) == {"clerk", "quiet_clerk"} and Notice.objects.count() == 2
    assert mailed(mailoutbox) == ["clerk@example.gov.cn"]
    notice = people["clerk"].notices.get()
    client.force_login(people["clerk"])
    response = client.post(reverse("bulletin:notice_open", args=[notice.pk]))
    assert response["Location"] == reverse("bulletin:submission_detail", args=[sent.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'class="card mb-3 diff"' in page and "<ins" in page


def test_accepting_as_sent_says_so_without_edits(sent, section, department, people):
    other = make_submission(section, department, author=people["clerk"], headline="另一条。")
    services.submission_submit(submission=other, by=people["clerk"])
    services.submission_accept(submission=sent, by=people["editor"])
    services.submission_accept(
        submission=other, by=people["editor"], headline="改过的一条。", body=other.body
    )
    words = {"issue": "窗口工作周报2024年第7期", "section": "大厅工作动态"}
    plain = _("Your item “%(item)s” for %(issue)s (%(section)s) was accepted.")
    edited = _(
        "Your item “%(item)s” for %(issue)s (%(section)s) was accepted with edits: "
        "open it to see what the editor changed."
    )
    assert Notice.objects.get(user=people["clerk"], submission=sent).message == plain % {
        "item": str(sent),
        **words,
    }
    assert Notice.objects.get(user=people["clerk"], submission=other).message == edited % {
        "item": "改过的一条。",
        **words,
    }


def test_sending_to_review_tells_the_approvers(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    issue = issue_in(Issue.Status.EDITING)
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_send_to_review(issue=issue, by=people["editor"], comment="请审核。")
    assert told(Kind.REVIEW) == {"approver"} and Notice.objects.count() == 1
    assert "请审核。" in Notice.objects.get().message
    assert mailed(mailoutbox) == ["approver@example.gov.cn"]


def test_the_approvers_return_tells_the_editors_with_the_comment(people):
    issue = issue_in(Issue.Status.REVIEW)
    services.issue_return(issue=issue, by=people["approver"], comment="第二部分请压缩。")
    assert told(Kind.SENT_BACK) == {"editor", "editor2"} and Notice.objects.count() == 2
    assert all("第二部分请压缩。" in n.message for n in Notice.objects.all())
    notice = Notice.objects.first()
    assert notice.link() == reverse("bulletin:issue_detail", args=[issue.pk])


def test_sign_off_tells_the_editors(people):
    issue = issue_in(Issue.Status.REVIEW)
    services.issue_approve(issue=issue, by=people["approver"])
    assert told(Kind.APPROVED) == {"editor", "editor2"} and Notice.objects.count() == 2


def test_the_one_who_acts_is_not_told(people, admin_user):
    """The superuser is an editor: signing off himself, he gets no notice of it."""
    issue = issue_in(Issue.Status.REVIEW)
    services.issue_approve(issue=issue, by=admin_user)
    assert told(Kind.APPROVED) == {"editor", "editor2"}


def test_a_step_that_rolls_back_tells_nobody(
    sent, people, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.submission_return(submission=sent, by=people["editor"], reason="请补充。")
        raise RuntimeError("the request failed after the step")
    assert not Notice.objects.exists()
    assert (callbacks, mailoutbox) == ([], [])
    sent.refresh_from_db()
    assert sent.status == Submission.Status.SUBMITTED


def test_a_refused_step_tells_nobody(sent, people):
    with pytest.raises(services.WorkflowError):
        services.submission_return(submission=sent, by=people["approver"], reason="请补充。")
    assert not Notice.objects.exists()


# --- reading and the switch -------------------------------------------------------------


@pytest.fixture
def three(sent, people):
    clerk = people["clerk"]
    return [
        Notice.objects.create(user=clerk, kind=Kind.REMINDER, issue=sent.section.issue,
                              message=f"请报送{n}。")
        for n in range(3)
    ]  # fmt: skip


def test_the_navbar_counts_the_unread_notices(client, people, three):
    client.force_login(people["clerk"])
    response = client.get(reverse("bulletin:notice_list"))
    assert response.context["unread_notices"] == 3
    Notice.objects.filter(pk=three[0].pk).update(read_at=timezone.now())
    response = client.get(reverse("bulletin:my_department"))
    assert response.context["unread_notices"] == 2
    assert '<span class="badge text-bg-light">2' in response.content.decode()


def test_marking_one_notice_read(client, people, three):
    client.force_login(people["clerk"])
    url = reverse("bulletin:notice_read", args=[three[1].pk])
    assert client.get(url).status_code == 405
    assert client.post(url)["Location"] == reverse("bulletin:notice_list")
    assert [n.read_at is not None for n in Notice.objects.order_by("pk")] == [False, True, False]


def test_marking_all_read_touches_only_ones_own(client, people, three, sent):
    theirs = Notice.objects.create(
        user=people["other_clerk"], kind=Kind.REMINDER, issue=sent.section.issue, message="请报送。"
    )
    client.force_login(people["clerk"])
    assert client.get(reverse("bulletin:notice_read_all")).status_code == 405
    client.post(reverse("bulletin:notice_read_all"))
    assert not people["clerk"].notices.unread().exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # nor can one mark someone else's notice read
    assert client.post(reverse("bulletin:notice_read", args=[theirs.pk])).status_code == 404


def test_marking_an_issued_notice_read_does_not_count_as_opening_the_pdf(client, people, sent):
    notice = Notice.objects.create(
        user=people["clerk"], kind=Kind.ISSUED, issue=sent.section.issue, message="已印发。"
    )
    client.force_login(people["clerk"])
    client.post(reverse("bulletin:notice_read", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.read_at is not None and notice.opened_at is None


def test_each_user_switches_e_mail_off_and_on_again(
    client, sent, people, mailoutbox, django_capture_on_commit_callbacks
):
    clerk = people["clerk"]
    client.force_login(clerk)
    url = reverse("bulletin:notice_email")
    assert client.get(url).status_code == 405
    client.post(url, {})  # the box unticked
    clerk.refresh_from_db()
    assert clerk.email_notices is False
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_return(submission=sent, by=people["editor"], reason="请补充。")
    assert mailoutbox == [] and clerk.notices.count() == 1  # still told in the app
    client.post(url, {"email_notices": "1"})
    assert User.objects.get(pk=clerk.pk).email_notices is True
    assert User.objects.get(pk=people["quiet_clerk"].pk).email_notices is False  # not theirs
