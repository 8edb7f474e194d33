"""The other half of scoring 0003: the bulletin app lets go of the inspection models and
the issue's link points to scoring's InspectionRound (the same table)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bulletin", "0011_drop_issue_links_of_inspections"),
        ("scoring", "0003_take_over_inspections"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="issue",
                    name="inspection_round",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="The hall inspection its 大厅巡查 section reports.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="scoring.inspectionround",
                        verbose_name="inspection round",
                    ),
                ),
                migrations.DeleteModel(name="InspectionItem"),
                migrations.DeleteModel(name="InspectionRound"),
            ],
            database_operations=[],
        ),
    ]
