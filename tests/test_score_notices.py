"""The assessment's notices (scoring's ScoreNotice) in the navbar's unread count and on
the notices page, beside the bulletin's own, each marked read by its addressee only."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bulletin.models import Notice
from departments.models import Department, Hall
from scoring import services
from scoring.models import ScoreNotice
from tests.conftest import make_user
from tests.factories import make_issue, make_series

OCTOBER = datetime.date(2024, 10, 1)


def soon() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=3)


@pytest.fixture
def published(scorer, department):
    month = services.month_open(month=OCTOBER)
    services.entry_add(
        month=month, department=department, date=OCTOBER, points=Decimal("-1"),
        reason="迟到。", by=scorer,
    )  # fmt: skip
    services.month_publish(month=month, deadline=soon(), by=scorer)
    month.refresh_from_db()
    return month


@pytest.fixture
def issue(db):
    return make_issue(make_series(), year=2024, number=40, total=500)


def bulletin_notice(user, issue, message="请报送本周信息。") -> Notice:
    return Notice.objects.create(user=user, kind=Notice.Kind.REMINDER, issue=issue, message=message)


def unread(client) -> int:
    return client.get(reverse("bulletin:notice_list")).context["unread_notices"]


def listed(client) -> list:
    return [
        entry.notice for entry in client.get(reverse("bulletin:notice_list")).context["entries"]
    ]


def test_a_published_month_is_counted_and_listed_for_a_department_clerk(client, clerk, published):
    notice = ScoreNotice.objects.get(user=clerk, month=published)
    client.force_login(clerk)
    response = client.get(reverse("bulletin:notice_list"))
    assert response.context["unread_notices"] == 1
    assert [entry.notice for entry in response.context["entries"]] == [notice]
    page = response.content.decode()
    assert notice.message in page
    assert reverse("scoring:notice_read", args=[notice.pk]) in page
    assert reverse("scoring:notice_open", args=[notice.pk]) in page
    # the navbar of any page shows it
    other_page = client.get(reverse("bulletin:issue_list"))
    assert other_page.context["unread_notices"] == 1


def test_score_and_bulletin_notices_are_counted_together_and_listed_newest_first(
    client, clerk, issue, published
):
    older = bulletin_notice(clerk, issue, "较早的提醒。")
    Notice.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    newer = bulletin_notice(clerk, issue, "最新的提醒。")
    score = ScoreNotice.objects.get(user=clerk)
    ScoreNotice.objects.filter(pk=score.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1)
    )
    client.force_login(clerk)
    assert unread(client) == 3
    assert [n.pk for n in listed(client)] == [newer.pk, score.pk, older.pk]
    assert [type(n) for n in listed(client)] == [Notice, ScoreNotice, Notice]


def test_marking_a_score_notice_read_takes_it_off_the_count_and_back_to_the_list(
    client, clerk, issue, published
):
    bulletin_notice(clerk, issue)
    notice = ScoreNotice.objects.get(user=clerk)
    client.force_login(clerk)
    assert unread(client) == 2
    response = client.post(
        reverse("scoring:notice_read", args=[notice.pk]), {"next": reverse("bulletin:notice_list")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("bulletin:notice_list")
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert unread(client) == 1
    assert notice in listed(client)  # still listed, read
    page = client.get(reverse("bulletin:notice_list")).content.decode()
    assert reverse("scoring:notice_read", args=[notice.pk]) not in page


def test_marking_read_goes_back_to_the_site_only(client, clerk, published):
    notice = ScoreNotice.objects.get(user=clerk)
    client.force_login(clerk)
    url = reverse("scoring:notice_read", args=[notice.pk])
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("scoring:month_list")


def test_marking_all_read_marks_the_score_notices_too(client, clerk, other_clerk, issue, published):
    bulletin_notice(clerk, issue)
    client.force_login(clerk)
    assert unread(client) == 2
    client.post(reverse("bulletin:notice_read_all"))
    assert unread(client) == 0
    assert ScoreNotice.objects.get(user=clerk).read_at is not None
    # the other department's clerk's notice of the same month is theirs to read
    assert ScoreNotice.objects.get(user=other_clerk).read_at is None


def test_opening_a_score_notice_from_the_list_shows_its_month(client, clerk, published):
    notice = ScoreNotice.objects.get(user=clerk)
    client.force_login(clerk)
    response = client.post(reverse("scoring:notice_open", args=[notice.pk]))
    assert response["Location"] == reverse("scoring:month_detail", args=[published.pk])
    assert unread(client) == 0


def test_other_departments_notices_are_neither_counted_nor_listed_nor_readable(
    client, scorer, clerk, other_clerk, department, published
):
    # an objection of department A answered: A's clerks are told, B's are not
    objection = services.objection_file(
        month=published, department=department, entry=published.entries.get(),
        text="当天请假。", by=clerk,
    )  # fmt: skip
    services.objection_answer(objection=objection, by=scorer, upheld=False, answer="无记录。")
    mine = set(ScoreNotice.objects.filter(user=clerk))
    theirs = ScoreNotice.objects.get(user=other_clerk)
    assert len(mine) == 2  # published and answered
    client.force_login(clerk)
    assert unread(client) == 2
    assert set(listed(client)) == mine
    assert client.post(reverse("scoring:notice_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.force_login(other_clerk)
    assert unread(client) == 1
    assert listed(client) == [theirs]
    # the scorer was told of the objection, in their own count
    client.force_login(scorer)
    assert unread(client) == ScoreNotice.objects.filter(user=scorer).count() == 1


def test_another_halls_month_is_neither_counted_nor_listed(client, scorer, clerk, published):
    hall = Hall.objects.create(name="绵阳市政务服务大厅", short_name="绵阳市", display_order=2)
    far = Department.objects.create(name="绵阳市交通运输局", display_order=5, hall=hall)
    far_clerk = make_user("far_clerk", "staff", far)
    client.force_login(far_clerk)
    assert unread(client) == 0 and listed(client) == []  # the province's month is not theirs
    theirs = services.month_open(month=OCTOBER, hall=hall.pk)
    services.month_publish(month=theirs, deadline=soon(), by=None)
    [notice] = ScoreNotice.objects.filter(user=far_clerk)
    assert unread(client) == 1 and listed(client) == [notice]
    client.force_login(clerk)
    assert unread(client) == 1
    assert [n.month_id for n in listed(client)] == [published.pk]


def test_the_notices_page_costs_the_same_queries_however_many_notices(client, clerk, issue, scorer):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("bulletin:notice_list")).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(clerk)
    bulletin_notice(clerk, issue)
    first = services.month_open(month=OCTOBER)
    services.month_publish(month=first, deadline=soon(), by=scorer)
    queries()  # the session and the like, once
    few = queries()
    for n in range(6):
        bulletin_notice(clerk, issue, f"提醒{n}。")
        month = services.month_open(month=datetime.date(2023, n + 1, 1))
        services.month_publish(month=month, deadline=soon(), by=scorer)
    assert unread(client) == 14
    assert queries() == few


def test_a_user_without_notices_sees_no_count(client, db):
    make_user("nobody", "approver")
    client.force_login(make_user("quiet", "editor"))
    response = client.get(reverse("bulletin:notice_list"))
    assert response.context["unread_notices"] == 0
    assert response.context["entries"] == []


def test_the_navbar_count_of_both_kinds_is_one_query(
    clerk, issue, published, django_assert_num_queries
):
    from bulletin.services.notices import unread_count

    bulletin_notice(clerk, issue)
    bulletin_notice(clerk, issue, "第二条。")
    with django_assert_num_queries(1):
        assert unread_count(user=clerk) == 3
