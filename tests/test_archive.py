import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.urls import reverse

from bulletin.models import Issue, Section, Submission
from bulletin.printing import rendering
from demo import data as demo
from demo.archive import OUTLINE, ArchiveRefused, generate_archive
from departments.models import Department
from tests.factories import make_issue, make_series

# Two archive years ending on a fixed day, so the figures do not depend on the date.
TODAY = datetime.date(2024, 3, 20)


@pytest.fixture
def series(db):
    return make_series()


@pytest.fixture
def archive(series):
    return generate_archive(series=series, years=2, seed=7, today=TODAY)


def test_numbers_restart_each_year_and_totals_run_on(series, archive):
    issues = list(series.issues.order_by("period_start"))
    assert [i.total_number for i in issues] == list(range(1, len(issues) + 1))
    for year in (2023, 2024):
        numbers = [i.number for i in issues if i.year == year]
        assert numbers == list(range(1, len(numbers) + 1))
    assert 48 <= sum(i.year == 2023 for i in issues) <= 51
    assert len(issues) == archive["issues"]


def test_every_issue_is_issued_for_one_working_week_and_issued_after_it(series, archive):
    for issue in series.issues.all():
        assert issue.status == Issue.Status.ISSUED
        assert issue.period_start.weekday() == 0
        assert issue.period_end == issue.period_start + datetime.timedelta(days=4)
        assert issue.period_start.year == issue.year
        assert issue.period_end < issue.issue_date <= TODAY
        assert not issue.pdf and not issue.pdf_sha256
    # No issue for the National Day week.
    assert not series.issues.filter(
        period_start__lte=datetime.date(2023, 10, 3), period_end__gte=datetime.date(2023, 10, 3)
    ).exists()


def test_each_issue_has_the_centres_sections_and_about_thirty_accepted_items(series, archive):
    issues = series.issues.annotate(
        n_sections=Count("sections", distinct=True), n_items=Count("sections__submissions")
    )
    for issue in issues:
        assert issue.n_sections == len(OUTLINE)
        assert 23 <= issue.n_items <= 41
    items = Submission.objects.filter(section__issue__series=series)
    assert items.count() == archive["items"]
    assert 28 <= archive["items"] / archive["issues"] <= 33
    assert not items.exclude(status=Submission.Status.ACCEPTED).exists()
    # Department items name their department; only the news items are the centre's.
    assert not items.filter(department=None).exclude(section__kind=Section.Kind.NEWS).exists()
    assert items.values("department").distinct().count() == 31  # 30 departments + none


def test_the_demo_departments_are_reused_and_the_missing_ones_created(series):
    name, short = demo.DEPARTMENTS[10]
    existing = Department.objects.create(name=name, short_name=short, display_order=5)
    generate_archive(series=series, years=1, seed=1, today=TODAY)
    assert Department.objects.count() == 30
    assert Department.objects.get(name=name).pk == existing.pk


def test_numbering_continues_from_the_series_earlier_issues(series):
    make_issue(series, year=2022, number=45, total=414, status=Issue.Status.ISSUED)
    generate_archive(series=series, years=2, seed=1, today=TODAY)
    first = series.issues.filter(year=2023).order_by("number").first()
    assert (first.number, first.total_number) == (1, 415)


def test_the_same_seed_writes_the_same_text(series):
    def texts():
        return list(
            Submission.objects.order_by(
                "section__issue__total_number", "section__position", "position"
            ).values_list("headline", "body")
        )

    def write(seed: int) -> list:
        with transaction.atomic():
            generate_archive(series=series, years=1, seed=seed, today=TODAY)
            written = texts()
            transaction.set_rollback(True)
        return written

    first = write(3)
    assert write(3) == first
    assert write(4) != first


def test_the_text_varies_so_a_search_word_finds_some_issues_not_all(series, archive):
    total = archive["issues"]
    found = Issue.objects.search("不动产登记").count()
    assert 0 < found < total / 2


def test_refuses_when_the_archive_years_hold_issues(series):
    make_issue(series, year=2024, number=3, total=3)
    with pytest.raises(ArchiveRefused, match=r"2024年第3期.*never deleted"):
        generate_archive(series=series, years=2, today=TODAY)
    assert series.issues.count() == 1


def test_another_series_takes_an_archive_beside_the_issued_ones(series):
    earlier = make_issue(series, year=2024, number=3, total=301, status=Issue.Status.ISSUED)
    other = make_series("政务服务专报")
    counts = generate_archive(series=other, years=2, today=TODAY)
    assert other.issues.count() == counts["issues"] > 0
    assert list(series.issues.all()) == [earlier]
    assert other.issues.filter(year=2023).order_by("number").first().total_number == 1


def test_command_prints_each_year_and_the_totals(db, capsys):
    call_command("generate_archive", "--years", "1", "--seed", "5")
    out = capsys.readouterr().out
    year = datetime.date.today().year
    issues = Issue.objects.filter(year=year)
    assert f"{year}: {issues.count()} issues" in out
    items = Submission.objects.count()
    assert f"窗口工作周报: {issues.count()} issues, " in out
    assert f"{items} items in " in out and out.rstrip().endswith(" s")


def test_command_refuses_a_second_run_with_a_clear_message(db):
    call_command("generate_archive", "--years", "1")
    with pytest.raises(CommandError, match=r"already holds .* another series"):
        call_command("generate_archive", "--years", "1")


def test_an_archive_issue_page_works_without_a_stored_pdf(client, editor, archive):
    issue = Issue.objects.order_by("-total_number").first()
    client.force_login(editor)
    page = client.get(reverse("bulletin:issue_detail", args=[issue.pk])).content.decode()
    assert issue.label in page
    assert issue.sections.get(position=5).submissions.first().headline in page


def test_an_archive_issue_pdf_is_rendered_and_stored_on_first_download(
    client, editor, archive, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    # The layout itself is not under test here: the renderer's output is stubbed, the cache,
    # the budget and the storage are real.
    monkeypatch.setattr(
        rendering._Renderer, "render_unlocked", lambda self, html: b"%PDF-1.7 archive"
    )
    issue = Issue.objects.order_by("-total_number").first()
    client.force_login(editor)
    response = client.get(reverse("bulletin:issue_pdf", args=[issue.pk]))
    assert response.status_code == 200
    assert b"".join(response) == b"%PDF-1.7 archive"
    issue.refresh_from_db()
    assert issue.pdf_sha256


def test_verify_pdfs_skips_issued_issues_without_a_stored_pdf(archive, capsys):
    call_command("verify_pdfs")
    assert "0 stored file(s) verified" in capsys.readouterr().out
