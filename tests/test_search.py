import datetime
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bulletin.models import Issue, Submission
from tests.factories import make_issue, make_section, make_series, make_submission

URL = reverse("bulletin:issue_list")


@pytest.fixture
def issues(db, department, other_department):
    """2022年第39期 and 2023年第38期 as issued, 2023年第39期 still being edited."""
    series = make_series()
    old = make_issue(
        series,
        year=2022,
        number=39,
        total=414,
        status=Issue.Status.ISSUED,
        period_start=datetime.date(2022, 11, 14),
        period_end=datetime.date(2022, 11, 18),
        column_title="政务服务工作",
    )
    make_section(old, title="大厅巡查情况", kind="inspection", body="大厅人员管控到位，消杀落实。")
    items = make_section(old, position=2)
    make_submission(items, department, headline="交通运输厅开展节前安全检查。")
    new = make_issue(
        series,
        year=2023,
        number=38,
        total=458,
        status=Issue.Status.ISSUED,
        period_start=datetime.date(2023, 9, 25),
        period_end=datetime.date(2023, 9, 28),
    )
    items = make_section(new)
    for n in range(3):  # three matching items: the issue is still listed once
        make_submission(
            items,
            other_department,
            position=n,
            status=Submission.Status.ACCEPTED,
            headline="水利厅推进取水许可审批改革。",
            body="实现不动产登记一窗办理。",
        )
    # Another department's words that were never accepted: nobody finds them.
    make_submission(items, department, status=Submission.Status.DRAFT, body="内部草稿保密措辞")
    make_submission(
        items, department, status=Submission.Status.RETURNED, return_reason="x", body="退回稿件措辞"
    )
    editing = make_issue(
        series,
        year=2023,
        number=39,
        total=459,
        status=Issue.Status.EDITING,
        period_start=datetime.date(2023, 10, 9),
        period_end=datetime.date(2023, 10, 13),
    )
    make_section(editing, title="编辑中栏目")
    Submission.objects.filter(section__issue=old).update(status=Submission.Status.ACCEPTED)
    return {"old": old, "new": new, "editing": editing}


def labels(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return [issue.number_label for issue in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("不动产", ["2023年第38期"]),  # an accepted item's body
        ("取水许可审批", ["2023年第38期"]),  # an item's headline
        ("消杀", ["2022年第39期"]),  # a section's text
        ("大厅巡查", ["2022年第39期"]),  # a section's title
        ("政务服务工作", ["2022年第39期"]),  # the column
        ("交通运输厅", ["2022年第39期"]),  # a department named in an item
        ("编辑中", ["2023年第39期"]),  # the editor sees issues not yet issued
    ],
)
def test_search_finds_chinese_words_in_the_text(client, editor, issues, q, expected):
    client.force_login(editor)
    assert labels(client, q=q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("38", ["2023年第38期"]),
        ("第38期", ["2023年第38期"]),
        ("2023年第38期", ["2023年第38期"]),
        ("2023 年第 38 期", ["2023年第38期"]),
        ("２０２３年第３８期", ["2023年第38期"]),
        ("总第414期", ["2022年第39期"]),
        ("2022年第39期（总第414期）", ["2022年第39期"]),
        ("414", ["2022年第39期"]),
        ("第39期", ["2023年第39期", "2022年第39期"]),
        ("2022年第38期", []),
        ("2022年", ["2022年第39期"]),
    ],
)
def test_search_finds_issue_numbers_as_the_masthead_prints_them(
    client, editor, issues, q, expected
):
    client.force_login(editor)
    assert labels(client, q=q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("9月26日", ["2023年第38期"]),
        ("11月14日", ["2022年第39期"]),
        ("2023-09-28", ["2023年第38期"]),
        ("2023年9月25日", ["2023年第38期"]),
        ("9月25日—9月28日", ["2023年第38期"]),
        ("（11月14日—11月18日）", ["2022年第39期"]),
        ("2022年11月", ["2022年第39期"]),
        ("9月29日", []),
    ],
)
def test_search_finds_periods(client, editor, issues, q, expected):
    client.force_login(editor)
    assert labels(client, q=q) == expected


def test_a_period_across_new_year_covers_both_ends(db):
    series = make_series()
    make_issue(
        series,
        year=2024,
        number=52,
        total=1,
        period_start=datetime.date(2024, 12, 30),
        period_end=datetime.date(2025, 1, 3),
    )
    assert Issue.objects.search("12月31日").count() == 1
    assert Issue.objects.search("1月2日").count() == 1
    assert Issue.objects.search("1月6日").count() == 0


def test_nobody_finds_text_that_was_never_accepted(client, editor, clerk, issues):
    for user in (editor, clerk):
        client.force_login(user)
        assert labels(client, q="保密措辞") == []
        assert labels(client, q="退回稿件") == []


def test_department_staff_search_only_issued_issues(client, other_clerk, issues):
    client.force_login(other_clerk)
    assert labels(client, q="编辑中") == []
    assert labels(client, q="第39期") == ["2022年第39期"]
    assert labels(client) == ["2023年第38期", "2022年第39期"]


def test_filter_by_year(client, editor, issues):
    client.force_login(editor)
    assert labels(client, year=2023) == ["2023年第39期", "2023年第38期"]
    assert labels(client, year=2022, q="第39期") == ["2022年第39期"]


def test_filter_by_department_uses_accepted_items_only(
    client, editor, issues, department, other_department
):
    client.force_login(editor)
    assert labels(client, department=other_department.pk) == ["2023年第38期"]
    # The department's draft and returned items in 2023年第38期 do not count.
    assert labels(client, department=department.pk) == ["2022年第39期"]
    assert labels(client, department=department.pk, year=2023) == []


def test_bad_filter_values_are_ignored(client, editor, issues):
    client.force_login(editor)
    assert len(labels(client, year="abc", department="999999", q="  ")) == 3


def test_no_results_says_so_in_chinese(client, editor, issues):
    client.force_login(editor)
    page = client.get(URL, {"q": "没有这样的词"}).content.decode()
    assert "没有符合条件的简报。" in page
    assert "共找到 0 期。" in page
    assert "没有符合条件的简报" not in client.get(URL).content.decode()


def test_the_form_is_in_chinese_and_keeps_its_values(client, editor, issues, department):
    client.force_login(editor)
    page = client.get(URL, {"q": "不动产", "year": 2023, "department": department.pk})
    html = page.content.decode()
    for label in ("搜索", "年度", "部门窗口", "全部年度", "全部部门"):
        assert label in html
    assert 'value="不动产"' in html
    assert '<option value="2023" selected>' in html
    assert f'<option value="{department.pk}" selected>' in html


@pytest.fixture
def many(db, department):
    """45 issued issues of 2021 with an item of the department each."""
    series = make_series("另一简报")
    for n in range(1, 46):
        issue = make_issue(series, year=2021, number=n, total=n, status=Issue.Status.ISSUED)
        make_submission(
            make_section(issue), department, status=Submission.Status.ACCEPTED, body="营商环境"
        )
    return series


def test_pages_of_twenty_keep_the_search_and_filters(client, editor, many, department):
    client.force_login(editor)
    params = {"q": "营商环境", "year": 2021, "department": department.pk}
    response = client.get(URL, params)
    page = response.context["page"]
    assert (page.paginator.count, len(page.object_list), page.paginator.num_pages) == (45, 20, 3)
    assert "共找到 45 期。" in response.content.decode()
    links = [href for href in _hrefs(response.content.decode()) if "page=" in href]
    assert links
    query = parse_qs(urlsplit(links[-1]).query)
    assert query == {
        "q": ["营商环境"],
        "year": ["2021"],
        "department": [str(department.pk)],
        "page": ["2"],
    }
    second = client.get(URL, {**params, "page": 2}).context["page"]
    assert second.object_list[0].number == 25


def _hrefs(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', page)]


def test_a_page_costs_the_same_queries_whatever_the_data(
    client, editor, department, django_assert_max_num_queries
):
    series = make_series()

    def add_issues(numbers):
        for n in numbers:
            issue = make_issue(series, year=2021, number=n, total=n, status=Issue.Status.ISSUED)
            make_submission(
                make_section(issue), department, status=Submission.Status.ACCEPTED, body="营商环境"
            )

    client.force_login(editor)
    params = {"q": "营商环境", "year": 2021, "department": department.pk}
    add_issues([1])
    with CaptureQueriesContext(connection) as one:
        client.get(URL, params)
    add_issues(range(2, 31))
    with django_assert_max_num_queries(len(one)):
        response = client.get(URL, params)
    assert response.context["page"].paginator.count == 30
    with django_assert_max_num_queries(len(one)):
        client.get(URL, {**params, "page": 2})
    with django_assert_max_num_queries(len(one) - 1):  # no department to look up
        client.get(URL)
