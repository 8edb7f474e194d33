"""The records page of a statistics section: figures in the order entered, the year's
opening balances, confirmation of figures that look mistyped, the mark on text generated
from records that changed since; and inspection rounds starting from the series' checklist."""

import datetime
import io

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from bulletin import services
from bulletin.models import (
    InspectionPoint,
    Issue,
    Section,
    Statistic,
    StatisticOpening,
)
from demo import data
from tests.factories import make_issue, make_round, make_section, make_series


@pytest.fixture
def series(db):
    return make_series()


def _issue(series, number, status=Issue.Status.EDITING):
    start = datetime.date(2024, 1, 1) + datetime.timedelta(weeks=number - 1)
    return make_issue(
        series, year=2024, number=number, total=number, status=status,
        period_start=start, period_end=start + datetime.timedelta(days=4),
    )  # fmt: skip


def _stats_section(issue) -> Section:
    return make_section(issue, position=1, title="办件情况", kind=Section.Kind.STATISTICS)


def _figures(issue, *rows):
    for n, (label, value) in enumerate(rows, start=1):
        Statistic.objects.create(issue=issue, position=n, label=label, unit="件", value=value)


def _form(section, rows, *, extra=(), **post) -> dict:
    """The records form as the page posts it: `rows` are (figure, changes) of the shown
    rows, `extra` the new rows' fields."""
    shown = len(rows)
    data = {
        "form-TOTAL_FORMS": str(shown + len(extra)), "form-INITIAL_FORMS": str(shown),
        "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "100", "version": section.version,
    }  # fmt: skip
    openings = dict(
        StatisticOpening.objects.filter(
            series=section.issue.series, year=section.issue.year
        ).values_list("label", "value")
    )
    for n, (figure, changes) in enumerate(rows):
        opening = openings.get(figure.label, "")
        row = {"id": figure.pk, "label": figure.label, "unit": figure.unit,
               "value": figure.value, "opening": opening, "opening_seen": opening, **changes}  # fmt: skip
        data.update({f"form-{n}-{k}": v for k, v in row.items()})
    for n, row in enumerate(extra, start=shown):
        data.update({f"form-{n}-{k}": v for k, v in {"unit": "件", **row}.items()})
    return {**data, **post}


def _post(client, section, data):
    return client.post(reverse("bulletin:section_records", args=[section.pk]), data)


# --- the opening balance --------------------------------------------------------------------


def test_the_editor_sets_the_opening_balance_on_the_records_page_and_the_sentence_follows(
    client, editor, series
):
    issue = _issue(series, 2)
    section = _stats_section(issue)
    _figures(issue, ("受理", 50))
    services.section_generate(section=section, by=editor)
    assert section.body == "本周，共计受理50件；今年以来，累计受理50件。"
    client.force_login(editor)
    figure = issue.statistics.get()
    response = _post(client, section, _form(section, [(figure, {"opening": "1200"})]))
    assert response.status_code == 302
    assert StatisticOpening.objects.get(series=series, year=2024, label="受理").value == 1200
    section.refresh_from_db()
    services.section_generate(section=section, by=editor)
    assert section.body == "本周，共计受理50件；今年以来，累计受理1250件。"
    # the page shows it for editing again
    page = client.get(reverse("bulletin:section_records", args=[section.pk]))
    assert page.context["formset"].forms[0]["opening"].value() == 1200


def test_an_opening_balance_changed_meanwhile_is_refused_and_the_typed_figures_kept(
    client, editor, series
):
    issue = _issue(series, 2)
    section = _stats_section(issue)
    _figures(issue, ("受理", 50))
    StatisticOpening.objects.create(series=series, year=2024, label="受理", value=100)
    client.force_login(editor)
    data = _form(section, [(issue.statistics.get(), {"opening": "300", "value": "61"})])
    StatisticOpening.objects.filter(label="受理").update(value=200)  # another issue's editor
    response = _post(client, section, data)
    assert response.status_code == 200
    assert response.context["version_form"].non_field_errors()
    assert 'value="61"' in response.content.decode()
    assert StatisticOpening.objects.get(label="受理").value == 200
    assert issue.statistics.get().value == 50


def test_clearing_an_opening_balance_removes_it_and_leaves_other_years_alone(
    client, editor, series
):
    issue = _issue(series, 2)
    section = _stats_section(issue)
    _figures(issue, ("受理", 50))
    StatisticOpening.objects.create(series=series, year=2024, label="受理", value=100)
    StatisticOpening.objects.create(series=series, year=2023, label="受理", value=900)
    client.force_login(editor)
    response = _post(client, section, _form(section, [(issue.statistics.get(), {"opening": ""})]))
    assert response.status_code == 302
    assert list(StatisticOpening.objects.values_list("year", "value")) == [(2023, 900)]


def test_a_new_measure_gets_its_opening_balance_in_the_same_save(client, editor, series):
    issue = _issue(series, 2)
    section = _stats_section(issue)
    client.force_login(editor)
    data = _form(section, [], extra=[{"label": "办结", "value": "40", "opening": "700"}])
    assert _post(client, section, data).status_code == 302
    assert StatisticOpening.objects.get(label="办结").value == 700


# --- the order of the rows ------------------------------------------------------------------


def test_rows_keep_the_order_they_were_entered_in_new_ones_after(client, editor, series):
    issue = _issue(series, 2)
    section = _stats_section(issue)
    client.force_login(editor)
    first = _form(
        section, [], extra=[{"label": "咨询", "value": "9"}, {"label": "受理", "value": "8"}]
    )
    assert _post(client, section, first).status_code == 302
    section.refresh_from_db()
    shown = list(issue.statistics.all())
    # an edit of the first row and two new rows, typed after it
    second = _form(
        section, [(shown[0], {"value": "10"}), (shown[1], {})],
        extra=[{"label": "颁发", "value": "7"}, {"label": "流转", "value": "6"}],
    )  # fmt: skip
    assert _post(client, section, second).status_code == 302
    rows = list(issue.statistics.values_list("label", "position"))
    assert [label for label, _ in rows] == ["咨询", "受理", "颁发", "流转"]
    positions = [position for _, position in rows]
    assert positions == sorted(set(positions))
    # a row removed leaves the others in their order; the next new one goes last
    section.refresh_from_db()
    shown = list(issue.statistics.all())
    third = _form(
        section, [(shown[0], {}), (shown[1], {"DELETE": "on"}), (shown[2], {}), (shown[3], {})],
        extra=[{"label": "受理", "value": "5"}],
    )  # fmt: skip
    assert _post(client, section, third).status_code == 302
    assert list(issue.statistics.values_list("label", flat=True)) == [
        "咨询",
        "颁发",
        "流转",
        "受理",
    ]
    section.refresh_from_db()
    services.section_generate(section=section, by=editor)
    assert section.body.startswith("本周，共计咨询10件、颁发7件、流转6件、受理5件；")


def test_two_figures_of_an_issue_never_share_a_position(series):
    issue = _issue(series, 2)
    Statistic.objects.create(issue=issue, position=1, label="咨询", value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Statistic.objects.create(issue=issue, position=1, label="受理", value=2)


# --- figures that look mistyped ask first ---------------------------------------------------


def _last_week(series, *rows, printed=""):
    """Issue 1 of the year with `rows`, its statistics text as printed."""
    last = _issue(series, 1, status=Issue.Status.ISSUED)
    _figures(last, *rows)
    if printed:
        make_section(last, position=1, kind=Section.Kind.STATISTICS, title="办件", body=printed)
    return last


CASES = {
    "more than ten times last week's": (
        [("受理", 50)], [("受理", 501)], "", {}, "受理"),
    "办结 more than 受理": (
        [], [("受理", 50), ("办结", 60)], "", {}, "办结"),
    "year to date going down": (
        [("受理", 50)], [("受理", 40)], "本周，共计受理50件；今年以来，累计受理1150件。",
        {"受理": 1000}, "1150"),
    "above a sane size": (
        [], [("咨询", 250_000)], "", {}, "250000"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_implausible_figure_asks_for_confirmation_then_saves(client, editor, series, case):
    before, typed, printed, lowered, mentioned = CASES[case]
    _last_week(series, *before, printed=printed)
    for label, value in lowered.items():  # the opening balance, corrected since
        StatisticOpening.objects.create(series=series, year=2024, label=label, value=value)
    issue = _issue(series, 2)
    section = _stats_section(issue)
    client.force_login(editor)
    extra = [{"label": label, "value": str(value)} for label, value in typed]
    response = _post(client, section, _form(section, [], extra=extra))
    assert response.status_code == 200
    doubts = response.context["doubts"]
    assert any(mentioned in doubt for doubt in doubts.doubts), doubts.doubts
    page = response.content.decode()
    assert f'name="confirmed" value="{doubts.token}"' in page
    assert all(f'value="{value}"' in page for _, value in typed)  # nothing typed is lost
    assert not issue.statistics.exists()
    section.refresh_from_db()
    assert section.version == 1  # nothing was saved
    confirmed = _form(section, [], extra=extra, confirmed=doubts.token)
    assert _post(client, section, confirmed).status_code == 302
    assert list(issue.statistics.values_list("label", "value")) == typed


def test_plausible_figures_are_saved_without_asking(client, editor, series):
    _last_week(series, ("受理", 50), ("办结", 45))  # ten times is not more than ten times
    issue = _issue(series, 2)
    section = _stats_section(issue)
    client.force_login(editor)
    data = _form(
        section, [], extra=[{"label": "受理", "value": "499"}, {"label": "办结", "value": "450"}]
    )
    assert _post(client, section, data).status_code == 302
    assert issue.statistics.count() == 2


def test_a_confirmation_of_other_doubts_asks_again(client, editor, series):
    _last_week(series, ("受理", 50))
    issue = _issue(series, 2)
    section = _stats_section(issue)
    client.force_login(editor)
    asked = _post(client, section, _form(section, [], extra=[{"label": "受理", "value": "600"}]))
    token = asked.context["doubts"].token
    # the editor changes the figure to another implausible one and ticks the box
    again = _post(
        client, section,
        _form(section, [], extra=[{"label": "受理", "value": "9000"}], confirmed=token),
    )  # fmt: skip
    assert again.status_code == 200 and again.context["doubts"].token != token
    assert not issue.statistics.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("value", "-1"),
        ("value", "99999999999999"),
        ("opening", "-5"),
        ("opening", "99999999999999"),
    ],
)
def test_a_negative_or_absurd_number_is_refused_with_a_message(
    client, editor, series, field, value
):
    issue = _issue(series, 2)
    section = _stats_section(issue)
    client.force_login(editor)
    row = {"label": "受理", "value": "5", field: value}
    response = _post(client, section, _form(section, [], extra=[row]))
    assert response.status_code == 200
    errors = response.context["formset"].forms[0].errors
    assert list(errors) == [field] and errors[field]
    assert f'value="{value}"' in response.content.decode()
    assert not issue.statistics.exists() and not StatisticOpening.objects.exists()


# --- the mark on text generated from records changed since ----------------------------------


def _marked(client, url) -> bool:
    return "records-changed" in client.get(url).content.decode()


def test_the_text_is_marked_when_its_records_change_and_unmarked_once_generated_again(
    client, editor, approver, series
):
    issue = _issue(series, 2)
    section = _stats_section(issue)
    _figures(issue, ("受理", 50))
    records = reverse("bulletin:section_records", args=[section.pk])
    page = reverse("bulletin:issue_detail", args=[issue.pk])
    client.force_login(editor)
    assert not section.records_changed_since_generated  # never generated: nothing to mark
    services.section_generate(section=section, by=editor)
    assert not _marked(client, records) and not _marked(client, page)
    figure = issue.statistics.get()
    assert _post(client, section, _form(section, [(figure, {"value": "55"})])).status_code == 302
    section.refresh_from_db()
    assert section.records_changed_since_generated
    assert _marked(client, records)
    assert records in client.get(page).content.decode()  # the issue page links the section
    client.force_login(approver)
    assert not _marked(client, page)  # editors only
    client.force_login(editor)
    services.section_generate(section=section, by=editor)
    section.refresh_from_db()
    assert not section.records_changed_since_generated
    assert not _marked(client, records) and not _marked(client, page)


def test_an_opening_balance_changed_elsewhere_marks_the_text_too(editor, series):
    issue = _issue(series, 2)
    section = _stats_section(issue)
    _figures(issue, ("受理", 50))
    services.section_generate(section=section, by=editor)
    StatisticOpening.objects.create(series=series, year=2024, label="受理", value=10)
    section.refresh_from_db()
    assert section.records_changed_since_generated


def test_a_changed_finding_marks_the_inspection_text(editor, series):
    issue = _issue(series, 2)
    section = make_section(issue, position=1, title="大厅巡查", kind=Section.Kind.INSPECTION)
    round_ = make_round(issue, [("着装情况", "总体情况良好。")])
    services.section_generate(section=section, by=editor)
    assert not section.records_changed_since_generated
    round_.items.update(finding="1人未着工装。")
    section.refresh_from_db()
    assert section.records_changed_since_generated


# --- inspection rounds start from the series' checklist -------------------------------------


def test_a_new_round_for_the_issue_checks_the_series_checklist_in_order(client, editor, series):
    topics = ["着装情况", "按时到岗情况", "窗口卫生情况"]
    for n, topic in enumerate(topics, start=1):
        InspectionPoint.objects.create(series=series, position=10 - n, topic=topic)
    make_round(None, [("纪律秩序", "总体情况良好。")], date=datetime.date(2023, 12, 1))
    issue = _issue(series, 2)
    section = make_section(issue, position=1, title="大厅巡查", kind=Section.Kind.INSPECTION)
    client.force_login(editor)
    response = client.post(reverse("bulletin:section_records", args=[section.pk]), {"round": ""})
    assert response.status_code == 302
    issue.refresh_from_db()
    items = list(issue.inspection_round.items.order_by("position"))
    assert [i.topic for i in items] == list(reversed(topics))  # the checklist's order
    assert {i.finding for i in items} == {"总体情况良好。"}
    assert issue.inspection_round.date == issue.period_end


def test_without_a_checklist_a_new_round_checks_what_the_latest_round_did(editor, series):
    make_round(
        None, [("纪律秩序", "良好。"), ("着装情况", "良好。")], date=datetime.date(2023, 12, 1)
    )
    issue = _issue(series, 2)
    round_ = services.issue_link_round(issue=issue, round_=None, by=editor)
    assert round_.topics == ["纪律秩序", "着装情况"]
    other = make_series("信息专报")
    InspectionPoint.objects.create(series=other, position=1, topic="大厅防控情况")
    assert services.issue_link_round(issue=issue, round_=None, by=editor).topics == [
        "纪律秩序",
        "着装情况",
    ]  # another series' checklist is not this one's


def test_the_demo_loads_a_checklist_that_the_open_issues_new_round_starts_from(db, editor):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    open_issue = Issue.objects.editable().get()
    assert open_issue.series.checklist() == data.INSPECTION_CHECKLIST
    round_ = services.issue_link_round(issue=open_issue, round_=None, by=editor)
    assert round_.topics == data.INSPECTION_CHECKLIST
