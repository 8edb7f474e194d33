"""Every page × every role × own/other department: the expected status."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletin import services
from bulletin.models import Issue, Section
from tests.conftest import make_user
from tests.factories import make_issue, make_section, make_series


@pytest.fixture
def world(db, department, other_department):
    users = {
        "clerk": make_user("clerk", "staff", department),
        "other_clerk": make_user("other_clerk", "staff", other_department),
        "editor": make_user("editor", "editor"),
        "approver": make_user("approver", "approver"),
        "scorer": make_user("scorer", "scorer"),
    }
    issue = make_issue(make_series(), year=2024, number=3, total=3, status=Issue.Status.COLLECTING)
    section = make_section(
        issue,
        kind=Section.Kind.ITEMS,
        call_deadline=timezone.now() + datetime.timedelta(days=1),
    )
    own = services.submission_create(
        section=section,
        department=department,
        author=users["clerk"],
        headline="本部门。",
        body="正文。",
    )
    other = services.submission_create(
        section=section,
        department=other_department,
        author=users["other_clerk"],
        headline="他部门。",
        body="正文。",
    )
    sent = services.submission_create(
        section=section, department=department, author=users["clerk"], headline="已报送。",
        body="正文。", submit=True,
    )  # fmt: skip
    args = {
        "sent": [sent.pk],
        "issue": [issue.pk],
        "section": [section.pk],
        "own": [own.pk],
        "other": [other.pk],
        "": [],
    }
    return users, args


ROLES = ["anonymous", "clerk", "editor", "approver", "scorer"]
# page, object, expected status for: anonymous, clerk, editor, approver, scorer
PAGES = [
    ("bulletin:issue_list", "", [302, 200, 200, 200, 200]),
    ("bulletin:issue_detail", "issue", [302, 404, 200, 200, 404]),
    ("bulletin:issue_create", "", [302, 403, 200, 403, 403]),
    ("bulletin:review_queue", "issue", [302, 404, 200, 403, 404]),
    ("bulletin:my_department", "", [302, 200, 403, 403, 403]),
    ("bulletin:submission_new", "section", [302, 200, 403, 403, 403]),
    # both items are drafts: nobody outside the department sees them
    ("bulletin:submission_detail", "own", [302, 200, 404, 404, 404]),
    ("bulletin:submission_detail", "other", [302, 404, 404, 404, 404]),
    ("bulletin:submission_edit", "own", [302, 200, 404, 404, 404]),
    ("bulletin:submission_edit", "other", [302, 404, 404, 404, 404]),
    ("bulletin:submission_detail", "sent", [302, 200, 200, 200, 404]),
    ("bulletin:submission_edit", "sent", [302, 403, 302, 403, 404]),
    ("bulletin:assemble", "issue", [302, 404, 200, 403, 404]),
    ("bulletin:section_text", "section", [302, 404, 200, 403, 404]),
    ("bulletin:section_records", "section", [302, 404, 302, 403, 404]),
    ("bulletin:board", "issue", [302, 404, 200, 403, 404]),
    ("bulletin:issue_edit", "issue", [302, 404, 200, 403, 404]),
    ("bulletin:notice_list", "", [302, 200, 200, 200, 200]),
    ("bulletin:visit_new", "", [302, 200, 403, 403, 403]),
]
CASES = [
    (name, obj, role, expected[i])
    for name, obj, expected in PAGES
    for i, role in enumerate(ROLES)
]  # fmt: skip


@pytest.mark.parametrize(("name", "obj", "role", "expected"), CASES)
def test_page_status_for_each_role(client, world, name, obj, role, expected):
    users, args = world
    if role != "anonymous":
        client.force_login(users[role])
    response = client.get(reverse(name, args=args[obj]))
    assert response.status_code == expected


ACTIONS = [
    ("bulletin:submission_submit", "own"),
    ("bulletin:submission_withdraw", "own"),
    ("bulletin:submission_accept", "own"),
    ("bulletin:submission_return", "own"),
    ("bulletin:submission_not_use", "own"),
    ("bulletin:issue_start_editing", "issue"),
    ("bulletin:issue_send_to_review", "issue"),
    ("bulletin:issue_approve", "issue"),
    ("bulletin:issue_return", "issue"),
    ("bulletin:issue_issue", "issue"),
    ("bulletin:section_call", "section"),
    ("bulletin:section_add", "issue"),
    ("bulletin:section_edit", "section"),
    ("bulletin:section_delete", "section"),
    ("bulletin:section_move", "section"),
    ("bulletin:section_generate", "section"),
    ("bulletin:submission_move", "own"),
    ("bulletin:section_remind", "section"),
    ("bulletin:review_bulk", "issue"),
]


@pytest.mark.parametrize(("name", "obj"), ACTIONS)
def test_actions_refuse_get(client, world, name, obj):
    users, args = world
    client.force_login(users["editor"])
    assert client.get(reverse(name, args=args[obj])).status_code == 405


# CSRF: test_attacks_csrf.py covers every pattern of the URLconf that accepts POST.


@pytest.mark.parametrize(
    "name",
    ["bulletin:submission_submit", "bulletin:submission_withdraw", "bulletin:submission_edit"],
)
def test_staff_cannot_act_on_another_departments_item(client, world, name):
    users, args = world
    client.force_login(users["other_clerk"])
    assert client.post(reverse(name, args=args["own"])).status_code == 404


# Who may see the object but has the wrong role gets 403; a clerk or a scorer does not
# see an issue before it is issued at all (404, as for an id that does not exist).
@pytest.mark.parametrize(
    ("name", "role", "expected"),
    [
        ("bulletin:submission_accept", "clerk", 403),
        ("bulletin:submission_return", "approver", 403),
        ("bulletin:issue_approve", "editor", 403),
        ("bulletin:issue_issue", "approver", 403),
        ("bulletin:issue_send_to_review", "clerk", 404),
        ("bulletin:issue_recall", "approver", 403),
        ("bulletin:section_call", "scorer", 404),
        ("bulletin:section_call", "approver", 403),
        ("bulletin:section_delete", "clerk", 404),
        ("bulletin:section_generate", "approver", 403),
        ("bulletin:submission_move", "clerk", 403),
        ("bulletin:section_remind", "approver", 403),
        ("bulletin:review_bulk", "clerk", 404),
        ("bulletin:review_bulk", "approver", 403),
    ],
)
def test_actions_need_the_right_role(client, world, name, role, expected):
    users, args = world
    client.force_login(users[role])
    obj = "sent" if "submission" in name else ("section" if "section" in name else "issue")
    assert client.post(reverse(name, args=args[obj])).status_code == expected
