"""The scorer's week (issue 13, item 11), step by step: notices when a month is published,
an objection filed and answered; an objection names its entry and the answer has no
default; entries change and go until the month is published; a correction is recorded
from the entry it corrects; freezing before the deadline asks first and says how many
departments could still object; caps are edited on the month's page and applied at once;
an empty month is deleted; a month is attached to an issue once and removed before
sign-off.

The pages' texts are not compared (their Chinese comes with the next catalogue): what
counts is what was stored, which page answered and with what.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bulletin import services as bulletin
from bulletin.models import Issue, Section
from departments.models import Department
from scoring import services
from scoring.models import Objection, ScoreEntry, ScoreMonth, ScoreNotice, WindowScore
from tests.attack_world import xlsx
from tests.conftest import make_user
from tests.factories import make_issue, make_series

JULY = datetime.date(2023, 7, 1)
AUGUST = datetime.date(2023, 8, 1)
SEPTEMBER = datetime.date(2023, 9, 1)


def soon(days: int = 3) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def add(month, department, points, by, reason="迟到。", **extra) -> ScoreEntry:
    return services.entry_add(
        month=month, department=department, date=month.month, points=Decimal(points),
        reason=reason, by=by, **extra,
    )  # fmt: skip


def line(department, month) -> WindowScore:
    return WindowScore.objects.get(department=department, month=month.month)


def levels(response) -> list[int]:
    return [m.level for m in get_messages(response.wsgi_request)]


@pytest.fixture
def august(scorer, department):
    """An open month with one deduction of department A."""
    month = services.month_open(month=AUGUST)
    add(month, department, "-2", scorer)
    return month


@pytest.fixture
def published(august, scorer):
    services.month_publish(month=august, deadline=soon(), by=scorer)
    august.refresh_from_db()
    return august


@pytest.fixture
def frozen_july(scorer, department):
    month = services.month_open(month=JULY)
    entry = add(month, department, "-3", scorer, reason="误扣。")
    services.month_publish(month=month, deadline=soon(), by=scorer)
    services.month_freeze(month=month, by=scorer, before_deadline=True)
    return month, entry


# --- notices ----------------------------------------------------------------------------


def test_publishing_a_month_tells_the_clerks_of_every_active_department(
    august, scorer, clerk, other_clerk, editor
):
    closed = Department.objects.create(name="已撤窗口", display_order=90, is_active=False)
    make_user("gone_clerk", "staff", closed)
    make_user("left_clerk", "staff", clerk.department, is_active=False)
    services.month_publish(month=august, deadline=soon(), by=scorer)
    notices = ScoreNotice.objects.filter(kind=ScoreNotice.Kind.PUBLISHED, month=august)
    assert sorted(n.user.username for n in notices) == ["clerk", "other_clerk"]
    assert all(august.label in n.message for n in notices)


def test_an_objection_tells_the_scorers_and_only_them(published, scorer, clerk, department):
    other_scorer = make_user("scorer2", "scorer")
    entry = published.entries.get()
    objection = services.objection_file(
        month=published, department=department, entry=entry, text="当天请假。", by=clerk
    )
    notices = ScoreNotice.objects.filter(kind=ScoreNotice.Kind.OBJECTION)
    assert {n.user for n in notices} == {scorer, other_scorer}
    assert {n.objection for n in notices} == {objection}
    assert all("当天请假。" in n.message for n in notices)


def test_an_answer_tells_the_department_that_objected(
    published, scorer, clerk, other_clerk, department
):
    colleague = make_user("clerk2", "staff", department)
    objection = services.objection_file(
        month=published, department=department, entry=published.entries.get(),
        text="当天请假。", by=clerk,
    )  # fmt: skip
    services.objection_answer(objection=objection, by=scorer, upheld=False, answer="无请假记录。")
    notices = ScoreNotice.objects.filter(kind=ScoreNotice.Kind.ANSWER)
    assert {n.user for n in notices} == {clerk, colleague}
    assert all("无请假记录。" in n.message for n in notices)


def test_a_notice_is_listed_and_opened_by_its_addressee_only(client, clerk, other_clerk, published):
    notice = ScoreNotice.objects.get(user=clerk)
    client.force_login(clerk)
    page = client.get(reverse("scoring:month_list"))
    assert list(page.context["notices"]) == [notice]
    assert reverse("scoring:notice_open", args=[notice.pk]) in page.content.decode()
    client.force_login(other_clerk)
    assert client.post(reverse("scoring:notice_open", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None
    client.force_login(clerk)
    response = client.post(reverse("scoring:notice_open", args=[notice.pk]))
    assert response.url == reverse("scoring:month_detail", args=[published.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None


# --- objections name their entry; answers have no default ---------------------------------


def test_an_objection_without_its_entry_is_refused(client, published, clerk, department):
    with pytest.raises(services.WorkflowError):
        services.objection_file(
            month=published, department=department, entry=None, text="整月有误。", by=clerk
        )
    client.force_login(clerk)
    url = reverse("scoring:objection_file", args=[published.pk])
    response = client.post(url, {"text": "整月有误。"})
    assert response.status_code == 302
    assert levels(response) == [message_levels.ERROR]
    assert not Objection.objects.exists()
    # The page offers an objection on each of the department's entries, none on the month.
    page = client.get(reverse("scoring:month_detail", args=[published.pk])).content.decode()
    entry = published.entries.get()
    assert page.count(f'action="{url}"') == 1
    assert f'name="entry" value="{entry.pk}"' in page


def test_the_answer_form_preselects_no_decision_and_requires_one(
    client, published, scorer, clerk, department
):
    objection = services.objection_file(
        month=published, department=department, entry=published.entries.get(),
        text="当天请假。", by=clerk,
    )  # fmt: skip
    client.force_login(scorer)
    page = client.get(reverse("scoring:month_detail", args=[published.pk])).content.decode()
    select = page[
        page.index('name="upheld"') : page.index("</select>", page.index('name="upheld"'))
    ]
    assert '<option value="">' in select and "selected" not in select
    response = client.post(
        reverse("scoring:objection_answer", args=[objection.pk]), {"answer": "维持。"}
    )
    assert response.status_code == 200
    assert response.context["answer_form"].errors["upheld"]
    objection.refresh_from_db()
    assert objection.status == Objection.Status.OPEN


# --- entries change and go until the month is published -------------------------------------


def test_the_scorer_changes_an_entry_of_an_open_month_and_the_table_follows(
    client, august, scorer, department, other_department
):
    entry = august.entries.get()
    url = reverse("scoring:entry_edit", args=[entry.pk])
    client.force_login(scorer)
    form = client.get(url)
    assert form.status_code == 200
    assert form.context["form"].initial["points"] == Decimal(-2)
    response = client.post(url, {"department": other_department.pk, "date": "2023-08-09",
                                 "points": "-1.5", "reason": "着装不规范。"})  # fmt: skip
    assert response.url == reverse("scoring:month_detail", args=[august.pk])
    entry.refresh_from_db()
    assert (entry.department, entry.points, entry.reason) == (
        other_department, Decimal("-1.5"), "着装不规范。"
    )  # fmt: skip
    assert line(department, august).total == 100
    assert line(other_department, august).total == Decimal("98.5")


def test_an_entry_of_a_published_month_is_neither_changed_nor_deleted(
    client, published, scorer, department
):
    entry = published.entries.get()
    with pytest.raises(services.WorkflowError):
        services.entry_update(entry=entry, by=scorer, department=department, date=AUGUST,
                              points=Decimal(-1), reason="改。")  # fmt: skip
    with pytest.raises(services.WorkflowError):
        services.entry_delete(entry=entry, by=scorer)
    client.force_login(scorer)
    edit = reverse("scoring:entry_edit", args=[entry.pk])
    assert client.get(edit).status_code == 403
    # a form opened before the publication: refused with the typed text kept
    response = client.post(edit, {"department": department.pk, "date": "2023-08-09",
                                  "points": "-1", "reason": "改过的理由。"})  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "改过的理由。" in response.content.decode()
    response = client.post(reverse("scoring:entry_delete", args=[entry.pk]))
    assert levels(response) == [message_levels.ERROR]
    entry.refresh_from_db()
    assert entry.points == Decimal(-2)
    # Adding still works: an upheld objection is undone by a further entry.
    add(published, department, "2", scorer, reason="异议成立。")
    assert line(department, published).total == 100


def test_the_month_page_offers_change_and_delete_while_the_month_is_open_only(
    client, august, scorer
):
    entry = august.entries.get()
    client.force_login(scorer)
    urls = [reverse("scoring:entry_edit", args=[entry.pk]),
            reverse("scoring:entry_delete", args=[entry.pk])]  # fmt: skip
    page = client.get(reverse("scoring:month_detail", args=[august.pk])).content.decode()
    assert all(url in page for url in urls)
    services.month_publish(month=august, deadline=soon(), by=scorer)
    page = client.get(reverse("scoring:month_detail", args=[august.pk])).content.decode()
    assert not any(url in page for url in urls)


def test_a_second_upload_keeps_a_table_whose_entries_have_objections(
    client, scorer, clerk, department, other_department
):
    month = services.month_open(month=SEPTEMBER)
    header = ["排名", "部门窗口", "基础分分值", "减分分值", "加分分值", "实得分值"]
    first = xlsx([header, [1, "水利厅", 100, 0, 2, 102], [2, "交通运输厅", 100, -1, 0, 99]])
    second = xlsx([header, [1, "水利厅", 100, 0, 0, 100], [1, "交通运输厅", 100, 0, 0, 100]])
    url = reverse("scoring:month_upload", args=[month.pk])
    client.force_login(scorer)
    client.post(url, {"file": SimpleUploadedFile("9月.xlsx", first)})
    services.month_publish(month=month, deadline=soon(), by=scorer)
    objection = services.objection_file(
        month=month, department=department, entry=month.entries.get(department=department),
        text="当天系统故障。", by=clerk,
    )  # fmt: skip
    client.get(reverse("scoring:month_detail", args=[month.pk]))  # the first upload's messages
    response = client.post(url, {"file": SimpleUploadedFile("9月.xlsx", second)})
    assert levels(response) == [message_levels.ERROR]
    assert line(other_department, month).total == 102
    objection.refresh_from_db()
    assert objection.entry is not None and month.entries.count() == 2


def test_a_clerk_neither_changes_nor_sees_the_change_page_of_entries(
    client, august, clerk, other_clerk
):
    entry = august.entries.get()  # department A's
    url = reverse("scoring:entry_edit", args=[entry.pk])
    client.force_login(clerk)
    assert client.get(url).status_code == 403
    client.force_login(other_clerk)
    assert client.get(url).status_code == 404


# --- corrections are chosen from the original entry ------------------------------------------


def test_a_correction_is_recorded_from_the_original_entry_in_a_later_month(
    client, frozen_july, august, scorer, department
):
    july, original = frozen_july
    services.month_open(month=datetime.date(2023, 6, 1))  # earlier: not offered
    september = services.month_open(month=SEPTEMBER)
    url = reverse("scoring:entry_correct", args=[original.pk])
    client.force_login(scorer)
    july_page = client.get(reverse("scoring:month_detail", args=[july.pk])).content.decode()
    assert url in july_page
    form = client.get(url)
    assert list(form.context["form"].fields["month"].queryset) == [august, september]
    response = client.post(url, {"month": september.pk, "date": "2023-09-04", "points": "3",
                                 "reason": "更正7月误扣。"})  # fmt: skip
    assert response.url == reverse("scoring:month_detail", args=[september.pk])
    correction = september.entries.get()
    assert (correction.corrects, correction.department, correction.points) == (
        original, department, Decimal(3)
    )  # fmt: skip
    assert line(department, september).total == 103
    assert line(department, july).total == 97  # the frozen month as it was


def test_a_correction_goes_into_a_later_month_that_takes_entries_only(
    client, frozen_july, august, scorer
):
    july, original = frozen_july
    url = reverse("scoring:entry_correct", args=[original.pk])
    client.force_login(scorer)
    for month, date in ((july, "2023-07-10"), (august, "2023-09-10")):
        response = client.post(url, {"month": month.pk, "date": date, "points": "3",
                                     "reason": "更正。"})  # fmt: skip
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not ScoreEntry.objects.filter(corrects=original).exists()


def test_only_an_entry_of_a_frozen_month_is_corrected_and_for_its_own_department(
    client, frozen_july, august, scorer, other_department
):
    _july, original = frozen_july
    client.force_login(scorer)
    open_entry = august.entries.get()
    assert client.get(reverse("scoring:entry_correct", args=[open_entry.pk])).status_code == 403
    with pytest.raises(services.WorkflowError):
        add(august, other_department, "3", scorer, corrects=original)


# --- freezing before the deadline asks first ---------------------------------------------------


def test_freezing_before_the_deadline_asks_and_says_how_many_departments_could_still_object(
    client, published, scorer, department, other_department
):
    Department.objects.create(name="自然资源厅", display_order=30)  # no entry: cannot object
    add(published, other_department, "1", scorer, reason="表扬。")
    url = reverse("scoring:month_freeze", args=[published.pk])
    client.force_login(scorer)
    response = client.post(url)
    assert response.status_code == 200
    assert response.templates[0].name == "scoring/month_freeze_confirm.html"
    assert response.context["departments"] == 2
    assert "2" in response.content.decode()
    assert 'name="confirm" value="1"' in response.content.decode()
    published.refresh_from_db()
    assert published.status == ScoreMonth.Status.PUBLISHED
    client.post(url, {"confirm": "1"})
    published.refresh_from_db()
    assert published.status == ScoreMonth.Status.FROZEN


def test_an_early_freeze_is_refused_without_the_confirmation(published, scorer):
    with pytest.raises(services.WorkflowError):
        services.month_freeze(month=published, by=scorer)
    published.refresh_from_db()
    assert published.status == ScoreMonth.Status.PUBLISHED


def test_after_the_deadline_the_month_freezes_without_asking(client, published, scorer):
    ScoreMonth.objects.filter(pk=published.pk).update(
        objection_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    client.force_login(scorer)
    response = client.post(reverse("scoring:month_freeze", args=[published.pk]))
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == ScoreMonth.Status.FROZEN


def test_the_confirmation_offers_no_freeze_while_an_objection_waits(
    client, published, scorer, clerk, department
):
    services.objection_file(
        month=published, department=department, entry=published.entries.get(),
        text="当天请假。", by=clerk,
    )  # fmt: skip
    client.force_login(scorer)
    response = client.post(reverse("scoring:month_freeze", args=[published.pk]))
    assert response.context["waiting"] == 1
    assert 'name="confirm"' not in response.content.decode()
    client.post(reverse("scoring:month_freeze", args=[published.pk]), {"confirm": "1"})
    published.refresh_from_db()
    assert published.status == ScoreMonth.Status.PUBLISHED


# --- caps --------------------------------------------------------------------------------


def test_the_scorer_sets_caps_on_the_month_page_and_the_table_follows_at_once(
    client, august, scorer, department
):
    add(august, department, "15", scorer, reason="表扬。")
    url = reverse("scoring:month_caps", args=[august.pk])
    client.force_login(scorer)
    assert url in client.get(reverse("scoring:month_detail", args=[august.pk])).content.decode()
    client.post(url, {"total_cap": "", "bonus_cap": "10"})
    assert (line(department, august).bonus, line(department, august).total) == (10, 108)
    client.post(url, {"total_cap": "105", "bonus_cap": "10"})
    assert line(department, august).total == 105
    client.post(url, {"total_cap": "", "bonus_cap": ""})
    august.refresh_from_db()
    assert (august.total_cap, august.bonus_cap) == (None, None)
    assert line(department, august).total == 113


@pytest.mark.parametrize(
    ("field", "value"), [("total_cap", "99"), ("bonus_cap", "-1"), ("bonus_cap", "2.3")]
)
def test_a_cap_out_of_range_is_a_form_error_and_changes_nothing(
    client, august, scorer, field, value
):
    client.force_login(scorer)
    response = client.post(reverse("scoring:month_caps", args=[august.pk]), {field: value})
    assert response.status_code == 200
    assert response.context["caps_form"].errors[field]
    august.refresh_from_db()
    assert (august.total_cap, august.bonus_cap) == (None, None)


def test_only_the_scorer_sets_caps_and_not_on_a_frozen_month(
    client, august, frozen_july, scorer, clerk, editor
):
    for user in (clerk, editor):
        client.force_login(user)
        url = reverse("scoring:month_caps", args=[august.pk])
        assert client.post(url, {"bonus_cap": "5"}).status_code == 403
    july, _entry = frozen_july
    client.force_login(scorer)
    response = client.post(reverse("scoring:month_caps", args=[july.pk]), {"bonus_cap": "5"})
    assert levels(response) == [message_levels.ERROR]
    august.refresh_from_db()
    july.refresh_from_db()
    assert august.bonus_cap is None and july.bonus_cap is None


# --- an empty month is deleted --------------------------------------------------------------


def test_an_empty_month_is_deleted_with_its_lines(client, scorer, department):
    month = services.month_open(month=SEPTEMBER)
    services.entry_delete(entry=add(month, department, "-1", scorer), by=scorer)
    assert WindowScore.objects.filter(month=SEPTEMBER).exists()  # lines of 100 stay
    client.force_login(scorer)
    page = client.get(reverse("scoring:month_detail", args=[month.pk])).content.decode()
    url = reverse("scoring:month_delete", args=[month.pk])
    assert url in page
    assert client.post(url).url == reverse("scoring:month_list")
    assert not ScoreMonth.objects.filter(pk=month.pk).exists()
    assert not WindowScore.objects.filter(month=SEPTEMBER).exists()


def test_a_month_with_entries_is_not_deleted(client, august, frozen_july, scorer, clerk):
    url = reverse("scoring:month_delete", args=[august.pk])
    client.force_login(clerk)
    assert client.post(url).status_code == 403
    client.force_login(scorer)
    assert url not in client.get(reverse("scoring:month_detail", args=[august.pk])).content.decode()
    response = client.post(url)
    assert levels(response) == [message_levels.ERROR]
    july, _entry = frozen_july
    client.post(reverse("scoring:month_delete", args=[july.pk]))
    assert ScoreMonth.objects.filter(pk__in=[august.pk, july.pk]).count() == 2


def test_the_admin_deletes_an_empty_month_and_keeps_one_with_entries(client, admin_user, august):
    empty = services.month_open(month=SEPTEMBER)
    client.force_login(admin_user)
    for month, gone in ((august, False), (empty, True)):
        client.post(reverse("admin:scoring_scoremonth_delete", args=[month.pk]), {"post": "yes"})
        assert ScoreMonth.objects.filter(pk=month.pk).exists() is not gone


# --- a month is attached to an issue once, and removed before sign-off -------------------------


@pytest.fixture
def issue(db):
    return make_issue(make_series(), year=2023, number=40, total=40, status=Issue.Status.EDITING)


def test_a_month_is_attached_to_an_issue_once(client, editor, frozen_july, issue):
    july, _entry = frozen_july
    url = reverse("bulletin:attach_scores", args=[issue.pk])
    client.force_login(editor)
    client.post(url, {"month": july.pk})
    response = client.post(url, {"month": july.pk})
    assert response.status_code == 200
    assert response.context["attach_form"].errors["month"]
    assert issue.sections.filter(kind=Section.Kind.ATTACHMENT).count() == 1
    # another issue may print it too (a later bulletin reprinting the table)
    other = make_issue(issue.series, year=2023, number=41, total=41, status=Issue.Status.EDITING)
    bulletin.section_attach_scores(issue=other, by=editor, month=july)
    assert other.sections.filter(score_month=JULY).count() == 1


def test_an_attached_month_is_removed_before_sign_off_and_stays_after_it(
    client, editor, approver, frozen_july, issue
):
    july, _entry = frozen_july
    first = bulletin.section_attach_scores(issue=issue, by=editor, month=july)
    client.force_login(editor)
    client.post(reverse("bulletin:section_delete", args=[first.pk]))
    assert not issue.sections.exists()
    # removed, it can be attached again
    again = bulletin.section_attach_scores(issue=issue, by=editor, month=july)
    bulletin.issue_send_to_review(issue=issue, by=editor, comment="请审。")
    bulletin.issue_approve(issue=issue, by=approver)
    client.get(reverse("bulletin:assemble", args=[issue.pk]))  # the earlier messages
    response = client.post(reverse("bulletin:section_delete", args=[again.pk]))
    assert levels(response) == [message_levels.ERROR]
    with pytest.raises(bulletin.WorkflowError):
        bulletin.section_delete(section=again, by=editor)
    assert issue.sections.filter(pk=again.pk).exists()
