"""An issue points to the inspection round its 大厅巡查 section reports, not the other
way round: the rounds move to the scoring app (0011), which must not know issues."""

import datetime

import django.db.models.deletion
from django.db import migrations, models


def link_rounds(apps, schema_editor):
    Issue = apps.get_model("bulletin", "Issue")
    InspectionRound = apps.get_model("bulletin", "InspectionRound")
    InspectionItem = apps.get_model("bulletin", "InspectionItem")
    for round_ in InspectionRound.objects.exclude(issue=None).order_by("date", "pk"):
        # An issue that had several rounds reports the latest.
        Issue.objects.filter(pk=round_.issue_id).update(inspection_round=round_)
    # Findings entered on an issue without a round (imported bulletins) get one.
    orphans = InspectionItem.objects.filter(round=None).exclude(issue=None)
    for issue_id in sorted(set(orphans.values_list("issue_id", flat=True))):
        issue = Issue.objects.get(pk=issue_id)
        day = issue.period_end or issue.issue_date or datetime.date.today()
        round_ = InspectionRound.objects.create(date=day, inspector="")
        orphans.filter(issue_id=issue_id).update(round=round_)
        if issue.inspection_round_id is None:
            Issue.objects.filter(pk=issue_id).update(inspection_round=round_)
    InspectionItem.objects.filter(round=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("bulletin", "0009_merge_search_indexes_and_length_limits"),
        ("departments", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="issue",
            name="inspection_round",
            field=models.ForeignKey(
                blank=True,
                help_text="The hall inspection its 大厅巡查 section reports.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="bulletin.inspectionround",
                verbose_name="inspection round",
            ),
        ),
        migrations.RunPython(link_rounds, migrations.RunPython.noop),
    ]
