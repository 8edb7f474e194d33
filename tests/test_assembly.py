import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bulletin.models import Issue, Section, Statistic, Submission
from departments.models import Department
from tests.factories import make_issue, make_round, make_section, make_series


@pytest.fixture
def issue(db):
    return make_issue(
        make_series(), year=2024, number=5, total=5, status=Issue.Status.EDITING,
        period_start=datetime.date(2024, 2, 5), period_end=datetime.date(2024, 2, 9),
    )  # fmt: skip


def fill(issue, departments: int, items: int, status=Submission.Status.ACCEPTED):
    """`items` items from each of `departments` departments in one section."""
    section = make_section(
        issue, position=issue.sections.count() + 1, title=f"动态{departments}",
        call_deadline=timezone.now(),
    )  # fmt: skip
    for d in range(departments):
        department = Department.objects.create(name=f"部门{departments}-{d}", display_order=d)
        Submission.objects.bulk_create(
            Submission(
                section=section,
                department=department,
                headline=f"第{i}条。",
                status=status,
                position=i,
                submitted_at=timezone.now(),
            )
            for i in range(items)
        )
    return section


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("bulletin:assemble", Submission.Status.ACCEPTED),
        ("bulletin:review_queue", Submission.Status.SUBMITTED),
        ("bulletin:issue_detail", Submission.Status.ACCEPTED),
        ("bulletin:board", Submission.Status.SUBMITTED),
    ],
)
def test_page_costs_the_same_queries_for_30_departments_by_5_items(
    client, editor, issue, name, status
):
    client.force_login(editor)
    fill(issue, 1, 1, status)
    small = queries(client, reverse(name, args=[issue.pk]))
    fill(issue, 30, 5, status)
    assert queries(client, reverse(name, args=[issue.pk])) == small


def test_editor_adds_moves_renames_and_deletes_sections(client, editor, issue):
    client.force_login(editor)
    add = reverse("bulletin:section_add", args=[issue.pk])
    for title in ["综窗改革攻坚行动", "政务资讯"]:
        client.post(
            add,
            {
                "new-title": title,
                "new-level": 1,
                "new-kind": "free",
                "new-prose_style": "paragraphs",
            },
        )
    second = issue.sections.get(title="政务资讯")
    client.post(reverse("bulletin:section_move", args=[second.pk]), {"to": "up"})
    assert [s.title for s in issue.sections.all()] == ["政务资讯", "综窗改革攻坚行动"]
    client.post(
        reverse("bulletin:section_edit", args=[second.pk]),
        {f"s{second.pk}-title": "政务 资讯", f"s{second.pk}-level": 2, f"s{second.pk}-kind": "news",
         f"s{second.pk}-prose_style": "paragraphs", f"s{second.pk}-version": second.version},
    )  # fmt: skip
    second.refresh_from_db()
    assert (second.title, second.level, second.kind) == ("政务资讯", 2, "news")
    client.post(reverse("bulletin:section_delete", args=[second.pk]))
    assert [s.title for s in issue.sections.all()] == ["综窗改革攻坚行动"]


def test_a_bad_level_is_shown_in_the_form_with_the_typed_title(client, editor, issue):
    section = make_section(issue, title="政务资讯")
    client.force_login(editor)
    response = client.post(
        reverse("bulletin:section_edit", args=[section.pk]),
        {f"s{section.pk}-title": "新的栏目名称", f"s{section.pk}-level": 9,
         f"s{section.pk}-kind": "free", f"s{section.pk}-prose_style": "paragraphs"},
    )  # fmt: skip
    assert response.status_code == 200  # the assembly page itself, not a redirect
    page = response.content.decode()
    assert "标题层级为1至4级。" in page
    assert 'value="新的栏目名称"' in page
    section.refresh_from_db()
    assert (section.title, section.level) == ("政务资讯", 1)


@pytest.mark.parametrize(
    ("name", "status", "target", "data"),
    [
        ("bulletin:section_edit", Submission.Status.ACCEPTED, "section",
         lambda s: {f"s{s.pk}-title": "x", f"s{s.pk}-level": 9, f"s{s.pk}-kind": "free"}),
        ("bulletin:section_add", Submission.Status.ACCEPTED, "issue",
         lambda s: {"new-title": "x", "new-level": 9, "new-kind": "free"}),
        ("bulletin:section_call", Submission.Status.ACCEPTED, "section",
         lambda s: {"deadline": "2024-02-30T10:00"}),
        ("bulletin:submission_return", Submission.Status.SUBMITTED, "item",
         lambda s: {"reason": "退" * 3000}),
        ("bulletin:review_bulk", Submission.Status.SUBMITTED, "issue",
         lambda s: {"bulk": "return", "reason": "没有勾选。"}),
    ],
)  # fmt: skip
def test_a_form_with_errors_costs_the_same_queries_whatever_the_data(
    client, editor, issue, name, status, target, data
):
    """The page shown again for a form with errors is built like the page itself."""
    client.force_login(editor)

    def post_queries(section) -> int:
        obj = {"section": section, "issue": issue, "item": section.submissions.first()}[target]
        with CaptureQueriesContext(connection) as ctx:
            assert client.post(reverse(name, args=[obj.pk]), data(section)).status_code == 200
        return len(ctx.captured_queries)

    small = post_queries(fill(issue, 1, 1, status))
    assert post_queries(fill(issue, 30, 5, status)) == small


def test_stale_section_text_is_refused_and_kept_in_the_form(client, editor, issue):
    section = make_section(issue, title="政务资讯", kind=Section.Kind.NEWS)
    client.force_login(editor)
    url = reverse("bulletin:section_text", args=[section.pk])
    client.post(url, {"body": "先保存的资讯。", "version": section.version})
    response = client.post(url, {"body": "后保存的资讯。", "version": section.version})
    assert response.status_code == 200
    assert "后保存的资讯。" in response.content.decode()
    section.refresh_from_db()
    assert section.body == "先保存的资讯。"


def test_statistics_records_generate_the_sentence_and_duplicates_are_refused(client, editor, issue):
    section = make_section(issue, title="省本级综窗办件情况", kind=Section.Kind.STATISTICS)
    client.force_login(editor)
    url = reverse("bulletin:section_records", args=[section.pk])
    form = {"form-TOTAL_FORMS": 3, "form-INITIAL_FORMS": 0, "version": section.version}
    rows = [("受理", "件", "514"), ("受理", "件", "1"), ("", "件", "")]  # the last left blank
    for i, (label, unit, value) in enumerate(rows):
        form.update({f"form-{i}-label": label, f"form-{i}-unit": unit, f"form-{i}-value": value})
    response = client.post(url, form)
    assert response.status_code == 200  # the duplicate is reported in the form
    assert not Statistic.objects.exists()
    form["form-1-label"] = "办结"
    client.post(url, form)
    assert Statistic.objects.filter(issue=issue).count() == 2
    response = client.post(reverse("bulletin:section_generate", args=[section.pk]), follow=True)
    section.refresh_from_db()
    assert section.body == "本周，共计受理514件、办结1件；今年以来，累计受理514件、办结1件。"


def test_regenerating_over_hand_edits_shows_them_and_asks(client, editor, issue):
    section = make_section(issue, title="大厅巡查情况", kind=Section.Kind.INSPECTION)
    make_round(issue, [("着装情况", "总体情况良好。")])
    client.force_login(editor)
    generate = reverse("bulletin:section_generate", args=[section.pk])
    client.post(generate)
    section.refresh_from_db()
    Section.objects.filter(pk=section.pk).update(body=section.body + "补充。")
    page = client.post(generate)
    assert page.status_code == 200
    assert '<ins class="bg-success-subtle">补充。</ins>' in page.content.decode()
    section.refresh_from_db()
    assert section.body.endswith("补充。")
    client.post(generate, {"overwrite": "1"})
    section.refresh_from_db()
    assert section.body == "（一）着装情况。总体情况良好。"


def test_items_move_within_their_section(client, editor, issue):
    section = fill(issue, 1, 2)
    first, second = section.submissions.order_by("position")
    client.force_login(editor)
    client.post(reverse("bulletin:submission_move", args=[second.pk]), {"to": "up"})
    assert list(section.submissions.order_by("position")) == [second, first]


def test_earlier_texts_of_a_section_are_kept_and_shown(client, editor, issue):
    section = make_section(issue, title="政务资讯", kind=Section.Kind.NEWS, body="初稿。")
    client.force_login(editor)
    url = reverse("bulletin:section_text", args=[section.pk])
    client.post(url, {"body": "二稿。", "version": section.version})
    section.refresh_from_db()
    client.post(url, {"body": "三稿。", "version": section.version})
    assert list(section.versions.values_list("body", flat=True)) == ["二稿。", "初稿。"]
    page = client.get(url).content.decode()
    assert "初稿。" in page and "二稿。" in page
    # The current text heads the list, labelled, with who saved it; each earlier one
    # says who changed it.
    history = page[page.index("稿件版本") :]
    assert history.index("当前稿") < history.index("三稿。") < history.index("二稿。")
    assert history.index("二稿。") < history.index("初稿。")
    assert history.count(f"{editor}于") == 2
