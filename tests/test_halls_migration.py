"""The migrations that brought halls upgrade an installation: with the demo loaded, the
schema before them and back to the newest, every row belongs to the one default hall and
the demo works as before. Runs on the configured database (SQLite by default; with
DATABASE_URL on PostgreSQL)."""

import pytest
from django.apps import apps as current_apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from bulletin.models import Issue, Section, Series
from bulletin.printing.rendering import bulletin_context
from departments.models import DEFAULT_HALL_NAME, Department, Hall, User
from scoring.models import InspectionRound, ScoreMonth, WindowScore

# The newest migrations before halls, of each app they touch.
BEFORE_HALLS = [
    ("departments", "0004_loginfailure_sequence_verbose_names"),
    ("scoring", "0007_add_score_notices"),
    ("bulletin", "0021_issue_docx"),
]
COUNTED = {
    "departments": ["Department", "User"],
    "bulletin": ["Series", "Issue", "Section", "Submission", "LeaderVisit"],
    "scoring": ["ScoreMonth", "ScoreEntry", "WindowScore", "InspectionRound"],
}


def _counts(apps) -> dict[str, int]:
    return {
        f"{app}.{name}": apps.get_model(app, name).objects.count()
        for app, names in COUNTED.items()
        for name in names
    }


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_the_halls_migrations_upgrade_a_database_with_the_demo_loaded(settings, client):
    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate(BEFORE_HALLS).loader.project_state(BEFORE_HALLS).apps
        # the schema before halls, with the demo in it
        before = _counts(old)
        assert before["departments.Department"] == 29
        assert before["scoring.WindowScore"] > 0 and before["departments.User"] > 0
        assert "hall" not in {f.name for f in old.get_model("bulletin", "Series")._meta.fields}
    finally:
        _migrate(leaves)

    (hall,) = Hall.objects.all()
    assert hall.name == DEFAULT_HALL_NAME
    assert _counts(current_apps) == before
    for model in (Department, Series, ScoreMonth, InspectionRound):
        assert not model.objects.exclude(hall=hall).exists(), model
    assert not User.objects.filter(is_superuser=False).exclude(hall=hall).exists()
    assert not User.objects.filter(is_superuser=True, hall__isnull=False).exists()

    # the demo as before: the issued issue prints its month's whole table, the admin
    # of no hall and the demo's editor see the issues
    issue = Issue.objects.filter(sections__kind=Section.Kind.ATTACHMENT).distinct().get()
    (attachment,) = bulletin_context(issue)["attachments"]
    month = attachment.score_month
    assert len(attachment.score_rows) == WindowScore.objects.filter(month=month).count() == 29
    assert ScoreMonth.objects.get(month=month).is_frozen
    editor = User.objects.filter(role=User.Role.EDITOR, is_superuser=False).first()
    client.force_login(editor)
    assert client.get(reverse("bulletin:issue_detail", args=[issue.pk])).status_code == 200
    page = client.get(reverse("scoring:month_list")).content.decode()
    assert reverse("scoring:month_detail", args=[ScoreMonth.objects.get(month=month).pk]) in page
