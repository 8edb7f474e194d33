import re
import unicodedata
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from bulletin.importer import import_file
from bulletin.models import Issue
from tests.factories import make_issue, make_series

SEEDS = ["2022-39.txt", "2023-38.txt"]


class _Text(HTMLParser):
    """The visible text of the bulletin article, in document order."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.depth or (tag == "article" and ("class", "bulletin") in attrs):
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def squeeze(text: str) -> str:
    """Compare as a reader would: widths, spaces and Markdown marks do not matter."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[#*|>`\-—–_~=\s]", "", text)


def bulletin_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return squeeze("".join(parser.parts))


def seed_parts(name: str) -> tuple[list[str], list[str], list[str]]:
    """(masthead lines, body lines in order, table rows) of a seed file."""
    lines = [
        line.strip()
        for line in (settings.DEMO_SEEDS_DIR / name).read_text(encoding="utf-8").splitlines()
    ]
    lines = [re.sub(r"^#+\s*", "", line) for line in lines if line and not set(line) <= {"-"}]
    start = next(i for i, line in enumerate(lines) if line.startswith("一、"))
    masthead, rest = lines[:start], lines[start:]
    body = [line for line in rest if "\t" not in line and line != "附件"]
    table = [line for line in rest if "\t" in line and not line.startswith("排名")]
    return masthead, body, table


@pytest.fixture
def seeded(db):
    return [import_file(settings.DEMO_SEEDS_DIR / name) for name in SEEDS]


def test_issue_list_needs_login(client, db):
    response = client.get(reverse("bulletin:issue_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_issue_list_shows_both_seed_issues_with_their_labels(client, editor, seeded):
    client.force_login(editor)
    response = client.get(reverse("bulletin:issue_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "2022年第39期（总第414期）" in page
    assert "2023年第38期（总第458期）" in page


def test_issue_list_filters_by_year(client, editor, seeded):
    client.force_login(editor)
    page = client.get(reverse("bulletin:issue_list"), {"year": "2022"}).content.decode()
    assert "2022年第39期" in page
    assert "2023年第38期" not in page


@pytest.mark.parametrize("name", SEEDS)
def test_issue_page_contains_every_paragraph_of_the_seed_in_order(client, editor, db, name):
    issue = import_file(settings.DEMO_SEEDS_DIR / name)
    client.force_login(editor)
    response = client.get(reverse("bulletin:issue_detail", args=[issue.pk]))
    assert response.status_code == 200
    text = bulletin_text(response.content.decode())
    masthead, body, table = seed_parts(name)
    for line in masthead:
        assert squeeze(line) in text, line
    position = 0
    for line in body:
        if line[:2] in ("报：", "送：", "发：") or "共印" in line:
            assert squeeze(line) in text, line
            continue
        found = text.find(squeeze(line), position)
        assert found >= 0, f"missing or out of order: {line[:40]}"
        position = found + len(squeeze(line))
    position = 0
    for row in table:
        found = text.find(squeeze(row), position)
        assert found >= 0, f"score row missing or out of order: {row}"
        position = found


def test_issue_page_numbers_sections_from_their_order(client, editor, db):
    issue = import_file(settings.DEMO_SEEDS_DIR / "2023-38.txt")
    client.force_login(editor)
    text = bulletin_text(
        client.get(reverse("bulletin:issue_detail", args=[issue.pk])).content.decode()
    )
    markers = ["一、综窗改革攻坚行动", "(一)省本级综窗办件情况", "(三)其它工作开展情况",
               "二、大厅工作动态", "1.9月28日", "3.经济和信息化厅", "三、厅(局)长进大厅", "四、政务资讯"]  # fmt: skip
    positions = [text.find(squeeze(m)) for m in markers]
    assert -1 not in positions
    assert positions == sorted(positions)


def test_user_text_is_escaped_on_the_issue_page(client, editor, db):
    issue = make_issue(make_series(), column_title="<script>alert(1)</script>")
    client.force_login(editor)
    page = client.get(reverse("bulletin:issue_detail", args=[issue.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_department_staff_cannot_open_an_unissued_issue(client, clerk, db):
    issue = make_issue(make_series(), status=Issue.Status.EDITING)
    client.force_login(clerk)
    assert client.get(reverse("bulletin:issue_detail", args=[issue.pk])).status_code == 404
    assert issue.label not in client.get(reverse("bulletin:issue_list")).content.decode()


def test_department_staff_read_issued_issues(client, clerk, seeded):
    client.force_login(clerk)
    response = client.get(reverse("bulletin:issue_detail", args=[seeded[0].pk]))
    assert response.status_code == 200


def test_issue_page_costs_the_same_queries_whatever_its_size(
    client, editor, seeded, django_assert_max_num_queries
):
    client.force_login(editor)
    small = make_issue(make_series("小报"), status=Issue.Status.ISSUED)
    with django_assert_max_num_queries(12) as small_queries:
        client.get(reverse("bulletin:issue_detail", args=[small.pk]))
    with django_assert_max_num_queries(12) as big_queries:
        client.get(reverse("bulletin:issue_detail", args=[seeded[1].pk]))
    assert len(big_queries) <= len(small_queries) + 2  # the attachment's scores


# Rows made by the workflow only: issues (新建一期), items (departments), months (the
# assessment page), objections (the month page), records and derived tables.
ADMIN_WITHOUT_ADD = {
    "bulletin/issue", "bulletin/submission", "bulletin/submissionversion",
    "bulletin/submissiontransition", "bulletin/issuetransition", "bulletin/sectionversion",
    "departments/loginfailure",
    "bulletin/pdfrender",
    "scoring/windowscore", "scoring/scoremonth", "scoring/objection",
    "scoring/scoremonthtransition", "scoring/objectiontransition", "scoring/findingtransition",
    "scoring/scorenotice",
    # 信息报送考核: months opened and published on their pages, their lines, 批示 and
    # joint items recorded on an item's page, proposals made by a publication
    "bulletin/adoptionmonth", "bulletin/adoptionline", "bulletin/instruction",
    "bulletin/jointcredit", "bulletin/adoptionproposal", "bulletin/adoptionmonthtransition",
    "bulletin/proposaltransition",
}  # fmt: skip
ADMIN_MODELS = sorted(
    f"{model._meta.app_label}/{model._meta.model_name}" for model in admin.site._registry
    if model._meta.app_label in {"departments", "bulletin", "scoring"}
)  # fmt: skip


def test_the_admin_registers_every_model_of_the_project():
    from django.apps import apps

    models = {
        f"{m._meta.app_label}/{m._meta.model_name}"
        for app in ("departments", "bulletin", "scoring")
        for m in apps.get_app_config(app).get_models()
    }
    assert set(ADMIN_MODELS) == models
    assert models >= ADMIN_WITHOUT_ADD


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_lists_every_model_with_search(client, admin_user, seeded, model):
    client.force_login(admin_user)
    url = f"/admin/{model}/"
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "水利厅"}).status_code == 200
    assert client.get(f"{url}add/").status_code == (403 if model in ADMIN_WITHOUT_ADD else 200)
