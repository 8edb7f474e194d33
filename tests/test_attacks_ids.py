"""Changing the id in a URL or a form: another department's objects stay out of reach,
and ids that do not exist or are not numbers are a 404, never a server error.
"""

from __future__ import annotations

import pytest

from tests.attack_world import build_world, client_for, db_state, fill, project_routes


@pytest.fixture
def world(db):
    return build_world()


def _url(name: str, **values) -> str:
    route = next(r for r in project_routes() if r.name == name)
    return fill(route.route, values)


# Views a department clerk may use, pointed at department B's (or B's user's) object.
OTHERS = [
    ("bulletin:submission_detail", "other"),
    ("bulletin:submission_detail", "other_sent"),
    ("bulletin:submission_edit", "other"),
    ("bulletin:submission_submit", "other"),
    ("bulletin:submission_withdraw", "other_sent"),
    ("bulletin:visit_edit", "other_visit"),
    ("bulletin:notice_open", "other_notice"),
    ("scoring:notice_open", "other_score_notice"),
    ("scoring:notice_read", "other_score_notice"),
    ("scoring:entry_edit", "other_entry"),
    # issues and their sections before they are issued: not there for departments
    ("bulletin:issue_detail", "issue"),
    ("bulletin:issue_detail", "approved"),
    ("bulletin:issue_pdf", "in_review"),
    ("bulletin:submission_new", "review_section"),
]


@pytest.mark.parametrize(("name", "key"), OTHERS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_clerk_gets_404_for_another_departments_object(world, name, key, method):
    client = client_for(world, "clerk", raise_request_exception=False)
    data = {"headline": "篡改。", "body": "篡改。", "version": "1", "date": "2024-03-01",
            "leader_name": "篡改", "leader_title": "篡改"}  # fmt: skip
    before = db_state()
    response = getattr(client, method)(_url(name, pk=world.obj[key].pk), data)
    if response.status_code == 405:  # a GET to an action, a POST to a download
        assert (method, name) in {("get", n) for n, _ in OTHERS} | {("post", "bulletin:issue_pdf")}
    else:
        assert response.status_code == 404
    assert db_state() == before


def test_clerk_cannot_object_to_another_departments_entry(world):
    client = client_for(world, "clerk", raise_request_exception=False)
    before = db_state()
    url = _url("scoring:objection_file", pk=world.obj["published"].pk)
    response = client.post(url, {"entry": world.obj["other_published_entry"].pk, "text": "x"})
    assert response.status_code == 404
    assert db_state() == before


@pytest.mark.parametrize("entry", ["abc", "²", "9" * 5000, "-1", "1.0", "0"])
def test_an_entry_id_that_is_not_one_is_404_not_500(world, entry):
    client = client_for(world, "clerk", raise_request_exception=False)
    before = db_state()
    url = _url("scoring:objection_file", pk=world.obj["published"].pk)
    assert client.post(url, {"entry": entry, "text": "有误。"}).status_code == 404
    assert db_state() == before


def test_clerk_sees_only_own_lines_of_an_open_month(world):
    world.obj["other_entry"].reason = "水利厅的秘密理由。"
    world.obj["other_entry"].save()
    client = client_for(world, "clerk", raise_request_exception=False)
    page = client.get(_url("scoring:month_detail", pk=world.obj["month"].pk))
    assert page.status_code == 200
    assert "水利厅的秘密理由" not in page.content.decode()
    other = world.obj["other_department"]
    year = client.get(_url("scoring:department_year", pk=other.pk, year=2024))
    assert year.status_code == 200
    assert [line.month for line in year.context["lines"]] == []  # March is still open


@pytest.mark.parametrize(
    ("key", "expected"), [("own", 403), ("sent", 403), ("other", 404), ("other_sent", 404)]
)
def test_editor_only_actions_answer_a_clerk_the_same_for_others_items_as_for_no_item(
    world, key, expected
):
    """Another department's item answers exactly like an id that does not exist (404);
    the clerk's own items, which the clerk sees, answer 403. Nothing changes."""
    client = client_for(world, "clerk", raise_request_exception=False)
    before = db_state()
    for name in ("bulletin:submission_accept", "bulletin:submission_return",
                 "bulletin:submission_not_use", "bulletin:submission_move"):  # fmt: skip
        assert client.post(_url(name, pk=world.obj[key].pk)).status_code == expected, name
        assert client.post(_url(name, pk=999999)).status_code == 404
    assert db_state() == before


# --- every pattern with an id, walked from the URLconf ----------------------------------

# Who passes the role check of each pattern, so that only the id decides the answer.
CLERK_ONLY = {
    "bulletin:visit_edit",
    "bulletin:submission_new",
    "bulletin:submission_submit",
    "bulletin:submission_withdraw",
}
ID_ROUTES = [r for r in project_routes() if r.converters]


def _role(name: str) -> str:
    return "clerk" if name in CLERK_ONLY else "admin"


@pytest.mark.parametrize("route", ID_ROUTES, ids=lambda r: r.name)
@pytest.mark.parametrize("pk", [999999, 10**30])
def test_ids_that_do_not_exist_are_404(world, route, pk):
    client = client_for(world, _role(route.name), raise_request_exception=False)
    before = db_state()
    values = {name: (2024 if name == "year" else pk) for _, name in route.converters}
    url = fill(route.route, values)
    get, post = client.get(url).status_code, client.post(url).status_code
    assert {get, post} <= {404, 405} and 404 in {get, post}, (url, get, post)
    assert db_state() == before


@pytest.mark.parametrize("route", ID_ROUTES, ids=lambda r: r.name)
def test_ids_that_are_not_numbers_are_404(world, route):
    client = client_for(world, _role(route.name), raise_request_exception=False)
    for bad in ["abc", "-1", "1.5", "1e3", "%00", "%EF%BC%91", "1%20", "0x1"]:
        values = {name: bad for _, name in route.converters}
        url = fill(route.route, values)
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url


@pytest.mark.parametrize("year", [0, 10000, 10**30])
def test_a_year_no_date_can_hold_is_404(world, year):
    client = client_for(world, "scorer", raise_request_exception=False)
    url = _url("scoring:department_year", pk=world.obj["department"].pk, year=year)
    assert client.get(url).status_code == 404
    assert client.get(url + "?format=xlsx").status_code == 404


def test_the_years_at_the_edges_of_the_calendar_work(world):
    client = client_for(world, "scorer", raise_request_exception=False)
    for year in (1, 9999):
        url = _url("scoring:department_year", pk=world.obj["department"].pk, year=year)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("value", ["²", "9" * 5000, "9" * 30, "-1", "abc", "", "1\x00"])
def test_numbers_posted_as_text_never_break_a_page(world, value):
    """Positions, versions, item lists and the year filter: bad ones are ignored."""
    editor = client_for(world, "editor", raise_request_exception=False)
    o = world.obj
    assert editor.get("/issues/", {"year": value}).status_code == 200
    for url, data in [
        (_url("bulletin:section_move", pk=o["free"].pk), {"to": value}),
        (_url("bulletin:submission_move", pk=o["accepted"].pk), {"to": value}),
        (_url("bulletin:section_generate", pk=o["visits_section"].pk), {"version": value}),
        (_url("bulletin:review_bulk", pk=o["issue"].pk), {"items": [value], "bulk": "accept"}),
    ]:
        assert editor.post(url, data).status_code in (200, 302), (url, value)


def test_review_bulk_ignores_items_of_another_issue(world):
    """An item id of another issue slipped into the list is not decided from here."""
    editor = client_for(world, "editor", raise_request_exception=False)
    stranger = world.obj["review_section"].submissions.create(
        department=world.obj["other_department"], headline="别期。", status="submitted"
    )
    url = _url("bulletin:review_bulk", pk=world.obj["issue"].pk)
    editor.post(url, {"items": [stranger.pk], "bulk": "accept", "confirmed": "1"})
    stranger.refresh_from_db()
    assert stranger.status == "submitted"


def test_a_records_formset_cannot_edit_another_issues_rows(world):
    """A tampered form id makes a new row of this issue; the other issue's row stays."""
    other_issue = world.obj["in_review"]
    stat = other_issue.statistics.create(label="受理", unit="件", value=7)
    editor = client_for(world, "editor", raise_request_exception=False)
    url = _url("bulletin:section_records", pk=world.obj["stats_section"].pk)
    editor.post(url, {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000", "form-0-id": str(stat.pk), "form-0-label": "受理",
        "form-0-unit": "件", "form-0-value": "999",
    })  # fmt: skip
    stat.refresh_from_db()
    assert (stat.issue_id, stat.value) == (other_issue.pk, 7)
