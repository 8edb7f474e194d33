"""Entries that an import recorded from a printed table say so (their reason told it)."""

from django.db import migrations

IMPORTED = "月度考核结果（按印发的考核表录入）"


def mark(apps, schema_editor):
    ScoreEntry = apps.get_model("scoring", "ScoreEntry")
    ScoreEntry.objects.filter(reason=IMPORTED).update(source="import")
    ScoreEntry.objects.filter(reason__startswith="大厅巡查：").update(source="inspection")


class Migration(migrations.Migration):
    dependencies = [("scoring", "0004_add_transitions_and_entry_sources")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
