import datetime
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bulletin import search
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
    issues = Issue.objects.all()
    assert search.search(issues, "12月31日").count() == 1
    assert search.search(issues, "1月2日").count() == 1
    assert search.search(issues, "1月6日").count() == 0


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


# The contract of issue 13, item 10: several words, dates and numbers in every printed
# form, and the passage that matched.


@pytest.fixture
def hall(db, department, other_department):
    """Four issued issues whose words, dates and numbers overlap in the ways people search.

    2023年第39期（总第459期）: 营商环境 and 水利厅 in one item; issued 2023年10月17日.
    2023年第38期（总第458期）: 营商环境 in one item, 水利厅 in another; issued 10月8日.
    2022年第40期（总第420期）: 营商环境 only; issued 2022年10月17日.
    政务服务专报 2020年第12期（总第39期）: nothing of the above but its total number.
    """
    series = make_series()
    a = make_issue(
        series,
        year=2023,
        number=39,
        total=459,
        status=Issue.Status.ISSUED,
        period_start=datetime.date(2023, 10, 9),
        period_end=datetime.date(2023, 10, 13),
        issue_date=datetime.date(2023, 10, 17),
    )
    make_submission(
        make_section(a),
        other_department,
        status=Submission.Status.ACCEPTED,
        headline="水利厅推进取水许可审批改革。",
        body="持续优化营商环境，实现取水许可一窗办理。",
    )
    b = make_issue(
        series,
        year=2023,
        number=38,
        total=458,
        status=Issue.Status.ISSUED,
        period_start=datetime.date(2023, 9, 25),
        period_end=datetime.date(2023, 9, 28),
        issue_date=datetime.date(2023, 10, 8),
    )
    items = make_section(b, title="部门窗口工作")
    make_submission(
        items,
        department,
        position=1,
        status=Submission.Status.ACCEPTED,
        headline="",
        body="助力营商环境。",
    )
    make_submission(
        items,
        other_department,
        position=2,
        status=Submission.Status.ACCEPTED,
        headline="水利厅开展窗口培训。",
        body="",
    )
    c = make_issue(
        series,
        year=2022,
        number=40,
        total=420,
        status=Issue.Status.ISSUED,
        period_start=datetime.date(2022, 10, 10),
        period_end=datetime.date(2022, 10, 14),
        issue_date=datetime.date(2022, 10, 17),
    )
    make_section(c, title="营商环境工作", kind="free", body="全省营商环境会议召开。")
    d = make_issue(
        make_series("政务服务专报"),
        year=2020,
        number=12,
        total=39,
        status=Issue.Status.ISSUED,
        period_start=datetime.date(2020, 3, 2),
        period_end=datetime.date(2020, 3, 6),
    )
    make_section(d, title="其他工作")
    return {"a": a, "b": b, "c": c, "d": d}


def found(client, q: str, **params) -> dict[str, str]:
    """Label → passage (HTML) of every issue the list finds for `q`."""
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    return {issue.label: str(passage) for issue, passage in response.context["results"]}


@pytest.mark.parametrize(
    "q",
    [
        "营商环境 水利厅",
        "营商环境，水利厅",
        "水利厅、营商环境",
        "营商环境　水利厅",  # an ideographic space
        " 营商环境;水利厅。 ",
        "营商环境 水利厅 营商环境",
    ],
)
def test_every_word_must_match_somewhere_in_the_issue(client, editor, hall, q):
    client.force_login(editor)
    # 2023年第38期 has the words in two different items; 2022年第40期 lacks 水利厅.
    assert list(found(client, q)) == ["2023年第39期（总第459期）", "2023年第38期（总第458期）"]


def test_a_word_that_matches_nowhere_finds_nothing(client, editor, hall):
    client.force_login(editor)
    response = client.get(URL, {"q": "营商环境 没有这个词"})
    assert response.context["results"] == []
    assert "没有符合条件的简报。" in response.content.decode()
    assert found(client, "水利厅 2022年") == {}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # The 印发日期 in every printed form.
        ("2023年10月17日", ["2023年第39期"]),
        ("2023-10-17", ["2023年第39期"]),
        ("2023/10/17", ["2023年第39期"]),
        ("2023.10.17", ["2023年第39期"]),
        ("２０２３－１０－１７", ["2023年第39期"]),
        ("2023 年 10 月 17 日", ["2023年第39期"]),
        ("10月17日", ["2023年第39期", "2022年第40期"]),  # each year
        ("10月17", ["2023年第39期", "2022年第40期"]),
        ("2022年10月17日", ["2022年第40期"]),
        ("2023年10月8日", ["2023年第38期"]),
        # A day of the period, or the issue date, the same way.
        ("2023-10-11", ["2023年第39期"]),
        ("10月12日", ["2023年第39期", "2022年第40期"]),
        ("2023年10月", ["2023年第39期", "2023年第38期"]),  # issued in October
        ("2023-10-16", []),
        ("2023-02-30", []),
    ],
)
def test_dates_match_the_period_and_the_issue_date(client, editor, hall, q, expected):
    client.force_login(editor)
    assert labels(client, q=q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("第459期", ["2023年第39期"]),  # the total number
        ("459期", ["2023年第39期"]),
        ("总第459期", ["2023年第39期"]),
        ("39期", ["2023年第39期", "2020年第12期"]),  # yearly 39, total 39
        ("第39期", ["2023年第39期", "2020年第12期"]),
        ("2023年第39期", ["2023年第39期"]),
        ("2023年39期", ["2023年第39期"]),
        ("2023年 第39期", ["2023年第39期"]),
        ("２０２３年第３９期", ["2023年第39期"]),
        ("2023年第459期", []),  # a year goes with its yearly number
        ("第39期（总第459期）", ["2023年第39期"]),
        ("第39期（总第458期）", []),
        ("总第39期", ["2020年第12期"]),
        ("2020年第12期", ["2020年第12期"]),
        ("第40期", ["2022年第40期"]),
    ],
)
def test_issue_numbers_match_in_every_printed_form(client, editor, hall, q, expected):
    client.force_login(editor)
    assert labels(client, q=q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("第39期 营商环境", ["2023年第39期"]),
        ("营商环境 10月17日", ["2023年第39期", "2022年第40期"]),
        ("水利厅，2023年10月", ["2023年第39期", "2023年第38期"]),
        ("营商环境 2023-10-08", ["2023年第38期"]),
        ("2023年 营商环境", ["2023年第39期", "2023年第38期"]),
        ("第459期 会议", []),
    ],
)
def test_numbers_dates_and_words_combine(client, editor, hall, q, expected):
    client.force_login(editor)
    assert labels(client, q=q) == expected


def test_each_result_shows_the_passage_with_every_word_marked(client, editor, hall):
    client.force_login(editor)
    passages = found(client, "营商环境 水利厅")
    # Both words in one item: that item, as printed (the headline runs in).
    assert passages["2023年第39期（总第459期）"] == (
        "<mark>水利厅</mark>推进取水许可审批改革。持续优化<mark>营商环境</mark>，实现取水许可一窗办理。"
    )
    # The words in two items: both, the first word's first.
    assert passages["2023年第38期（总第458期）"] == (
        "助力<mark>营商环境</mark>。\u3000<mark>水利厅</mark>开展窗口培训。"
    )
    # Text before a heading that holds no more of the words.
    assert (
        found(client, "营商环境")["2022年第40期（总第420期）"]
        == "全省<mark>营商环境</mark>会议召开。"
    )
    # A heading that holds more of them comes first.
    assert found(client, "营商环境 工作")["2022年第40期（总第420期）"] == (
        "<mark>营商环境</mark><mark>工作</mark>"
    )
    page = client.get(URL, {"q": "营商环境 水利厅"}).content.decode()
    assert "<mark>水利厅</mark>推进取水许可审批改革" in page


def test_the_passage_is_forty_characters_either_side_of_the_first_match(client, editor, department):
    issue = make_issue(make_series(), status=Issue.Status.ISSUED)
    body = "甲" * 60 + "不动产登记" + "乙" * 20 + "不动产" + "丙" * 60
    make_submission(
        make_section(issue), department, status=Submission.Status.ACCEPTED, headline="", body=body
    )
    client.force_login(editor)
    [passage] = found(client, "不动产").values()
    assert passage == (
        "…"
        + "甲" * 40
        + "<mark>不动产</mark>登记"
        + "乙" * 20
        + "<mark>不动产</mark>"
        + "丙" * 15
        + "…"
    )
    [passage] = found(client, "登记 丙丙").values()
    assert passage.startswith("…" + "甲" * 37 + "不动产<mark>登记</mark>")


def test_the_passage_prefers_the_text_that_holds_the_most_words(client, editor, department):
    issue = make_issue(make_series(), status=Issue.Status.ISSUED, column_title="政务服务工作")
    section = make_section(issue, title="一网通办")
    make_submission(
        section,
        department,
        position=1,
        status=Submission.Status.ACCEPTED,
        headline="推行一网通办。",
        body="",
    )
    make_submission(
        section,
        department,
        position=2,
        status=Submission.Status.ACCEPTED,
        headline="",
        body="以一网通办带动帮办代办。",
    )
    client.force_login(editor)
    assert list(found(client, "一网通办 帮办代办").values()) == [
        "以<mark>一网通办</mark>带动<mark>帮办代办</mark>。"
    ]
    # Found by the column title only: the column title is the passage.
    assert list(found(client, "政务服务").values()) == ["<mark>政务服务</mark>工作"]


def test_a_result_found_by_its_number_or_date_shows_its_masthead_line(client, editor, hall):
    client.force_login(editor)
    masthead = "窗口工作周报\u30002023年第39期（总第459期）（10月9日—10月13日）\u3000印发日期 {}"
    assert found(client, "第459期") == {
        "2023年第39期（总第459期）": masthead.format("2023年10月17日").replace(
            "总第459期", "<mark>总第459期</mark>"
        )
    }
    assert found(client, "2023-10-17") == {
        "2023年第39期（总第459期）": masthead.format("<mark>2023年10月17日</mark>")
    }
    passages = found(client, "10月17日")
    assert passages["2022年第40期（总第420期）"].endswith("印发日期 2022年<mark>10月17日</mark>")
    # A word alongside: the passage shows the word, the number is not looked for in the text.
    assert found(client, "第39期 营商环境")["2023年第39期（总第459期）"].endswith(
        "持续优化<mark>营商环境</mark>，实现取水许可一窗办理。"
    )


def test_a_number_found_in_the_text_shows_that_passage(client, editor, department):
    issue = make_issue(make_series(), number=3, total=3, status=Issue.Status.ISSUED)
    make_submission(
        make_section(issue),
        department,
        status=Submission.Status.ACCEPTED,
        headline="",
        body="12345热线受理来电。",
    )
    client.force_login(editor)
    assert list(found(client, "12345").values()) == ["<mark>12345</mark>热线受理来电。"]


def test_words_and_text_are_escaped_never_html(client, editor, department):
    issue = make_issue(make_series(), status=Issue.Status.ISSUED, column_title="<b>专栏</b> & 说明")
    make_submission(
        make_section(issue),
        department,
        status=Submission.Status.ACCEPTED,
        headline="",
        body="曾显示<script>alert('x')</script>与<img src=x>字样。",
    )
    client.force_login(editor)
    [passage] = found(client, "<script>").values()
    assert passage == (
        "曾显示<mark>&lt;script&gt;</mark>alert(&#x27;x&#x27;)&lt;/script&gt;"
        "与&lt;img src=x&gt;字样。"
    )
    [passage] = found(client, "<img 字样").values()
    assert "<mark>&lt;img</mark> src=x" in passage and "<mark>字样</mark>" in passage
    [passage] = found(client, "<b>专栏</b>").values()
    assert passage == "<mark>&lt;b&gt;专栏&lt;/b&gt;</mark> &amp; 说明"
    page = client.get(URL, {"q": "<script>"}).content.decode()
    assert "<script>alert" not in page
    assert 'value="&lt;script&gt;"' in page


def test_passages_never_show_drafts_or_returned_items(client, editor, issues):
    client.force_login(editor)
    passages = found(client, "水利厅 措辞")
    assert passages == {}
    passages = found(client, "不动产")
    assert passages == {
        "2023年第38期（总第458期）": "水利厅推进取水许可审批改革。实现<mark>不动产</mark>登记一窗办理。"
    }


def test_department_staff_find_only_issued_issues_by_number_and_date(client, other_clerk, issues):
    client.force_login(other_clerk)
    assert labels(client, q="第459期") == []
    assert labels(client, q="2023-10-11") == []
    client.force_login(other_clerk)
    assert labels(client, q="第414期") == ["2022年第39期"]


def test_passages_cost_two_queries_for_a_whole_page(db, department, django_assert_num_queries):
    series = make_series()
    for n in range(1, 21):
        issue = make_issue(series, year=2021, number=n, total=n, status=Issue.Status.ISSUED)
        section = make_section(issue, body="营商环境")
        make_submission(section, department, status=Submission.Status.ACCEPTED, body="水利厅")
    page = list(search.search(Issue.objects.select_related("series"), "营商环境 水利厅"))
    assert len(page) == 20
    with django_assert_num_queries(2):
        passages = search.passages(page, "营商环境 水利厅")
    assert set(passages) == {issue.pk for issue in page}
    # Found by number only: nothing to look for in the text.
    third = [issue for issue in page if issue.number == 3]
    with django_assert_num_queries(0):
        assert search.passages(third, "第3期") == {
            third[0].pk: "窗口工作周报\u30002021年<mark>第3期</mark>（<mark>总第3期</mark>）"
        }


def test_a_long_query_keeps_its_first_words(db):
    words = search.terms(" ".join(f"词{n}" for n in range(30)))
    assert [t.text for t in words] == [f"词{n}" for n in range(search.MAX_TERMS)]


@pytest.mark.parametrize(
    ("q", "words"),
    [
        ("营商环境 水利厅", ["营商环境", "水利厅"]),
        ("营商环境，水利厅。", ["营商环境", "水利厅"]),
        ("“一网通办”、《通知》", ["一网通办", "通知"]),
        ("（不动产）登记", ["不动产", "登记"]),
        ("2023 年第 38 期 营商环境", ["2023年第38期", "营商环境"]),
        ("2022年第39期（总第414期）", ["2022年第39期(总第414期)"]),
        ("2023 38", ["2023", "38"]),  # two numbers, not 202338
        ("10 月 17 日", ["10月17日"]),
        ("  ，。 ", []),
    ],
)
def test_a_query_splits_into_words_at_spaces_and_punctuation(q, words):
    assert [t.text for t in search.terms(q)] == words


def test_a_date_or_number_is_not_found_inside_a_longer_one(client, editor, department):
    issue = make_issue(
        make_series(),
        year=2020,
        number=5,
        total=5,
        status=Issue.Status.ISSUED,
        period_start=datetime.date(2020, 3, 2),
        period_end=datetime.date(2020, 3, 6),
    )
    make_submission(
        make_section(issue),
        department,
        status=Submission.Status.ACCEPTED,
        headline="",
        body="11月7日召开会议，通报第44期整改情况，2023-1-17完成，受理238件。",
    )
    client.force_login(editor)
    for q in ("1月7日", "4期", "2023-1-1", "38", "2023-1-17 1月7日"):
        assert found(client, q) == {}, q
    assert list(found(client, "11月7日 44期 238").values()) == [
        "<mark>11月7日</mark>召开会议，通报<mark>第44期</mark>整改情况，2023-1-17完成，受理<mark>238</mark>件。"
    ]
    # A word that is not a number or a date stays a plain substring.
    assert list(found(client, "月7日召").values()) == [
        "11<mark>月7日召</mark>开会议，通报第44期整改情况，2023-1-17完成，受理238件。"
    ]
