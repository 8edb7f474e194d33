"""Date inputs speak ISO, which is all a browser's date input reads; dates and times on
the pages read the Chinese way (2026年12月4日 15:38)."""

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import translation

from bulletin.forms import CallForm, IssueCreateForm, IssueForm, LeaderVisitForm
from bulletin.models import Section, Series
from scoring import services as scoring_services
from scoring.forms import EntryForm, MonthForm, PublishForm, RoundForm
from tests.factories import make_issue, make_round, make_section, make_series

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 12, 4)
MOMENT = datetime.datetime(2026, 12, 4, 15, 38, tzinfo=SHANGHAI)


def date_input(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert tag, f"no input {name}"
    return tag.group()


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize(
    ("form", "name", "value"),
    [
        (lambda: IssueCreateForm(initial={"period_start": DAY}), "period_start", DAY),
        (lambda: IssueForm(initial={"period_end": DAY, "version": 1}), "period_end", DAY),
        (lambda: LeaderVisitForm(initial={"date": DAY}), "date", DAY),
        (lambda: EntryForm(initial={"date": DAY}), "date", DAY),
        (lambda: RoundForm(initial={"date": DAY}), "date", DAY),
    ],
)
def test_every_date_input_renders_its_value_in_iso_form(db, form, name, value):
    html = str(form()[name])
    assert 'type="date"' in html
    assert 'value="2026-12-04"' in html


def test_month_and_datetime_inputs_render_what_the_browser_reads(db):
    assert 'value="2026-12"' in str(MonthForm(initial={"month": DAY})["month"])
    for form in (CallForm(initial={"deadline": MOMENT}), PublishForm(initial={"deadline": MOMENT})):
        html = str(form["deadline"])
        assert 'type="datetime-local"' in html
        assert 'value="2026-12-04T15:38"' in html


@pytest.mark.parametrize("typed", ["2026-12-04", "2026/12/04", "2026/12/4", "2026年12月4日"])
def test_a_date_is_read_in_iso_and_the_chinese_forms(db, typed):
    series = Series.objects.create(title="窗口工作周报", issuing_body="中心")
    form = IssueCreateForm({"series": series.pk, "period_start": typed, "period_end": "2026-12-08"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["period_start"] == DAY


def test_the_new_issue_form_shows_its_default_period(client, editor):
    make_series()
    client.force_login(editor)
    page = client.get(reverse("bulletin:issue_create")).content.decode()
    for name in ("period_start", "period_end"):
        assert re.search(r'value="\d{4}-\d{2}-\d{2}"', date_input(page, name)), name


def test_the_score_entry_form_shows_the_first_day_of_its_month(client, scorer):
    month = scoring_services.month_open(month=datetime.date(2026, 12, 1))
    client.force_login(scorer)
    page = client.get(reverse("scoring:month_detail", args=[month.pk])).content.decode()
    assert 'value="2026-12-01"' in date_input(page, "date")


def test_the_inspection_form_shows_today(client, scorer):
    client.force_login(scorer)
    page = client.get(reverse("scoring:inspection_list")).content.decode()
    assert re.search(r'value="\d{4}-\d{2}-\d{2}"', date_input(page, "date"))


def test_a_deadline_on_the_issue_page_reads_the_chinese_way(client, editor):
    issue = make_issue(make_series(), status="editing")
    make_section(issue, title="本周概况", kind=Section.Kind.FREE, call_deadline=MOMENT)
    client.force_login(editor)
    page = client.get(reverse("bulletin:issue_detail", args=[issue.pk])).content.decode()
    assert "2026年12月4日 15:38" in page
    assert "2026-12-04 15:38" not in page


def test_an_inspection_date_reads_the_chinese_way(client, scorer):
    make_round(date=DAY, inspector="赵六")
    client.force_login(scorer)
    page = client.get(reverse("scoring:inspection_list")).content.decode()
    assert "2026年12月4日" in page
    assert "2026-12-04" not in page
