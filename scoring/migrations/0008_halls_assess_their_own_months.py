# Each hall assesses its own departments: a month and an inspection round belong to a
# hall, and a month is unique within its hall. Add the links, attach every existing
# month and round to the default hall (departments 0005 created it), then require them.

import django.db.models.deletion
from django.db import migrations, models

import departments.models


def attach_to_the_default_hall(apps, schema_editor):
    Hall = apps.get_model("departments", "Hall")
    hall = Hall.objects.order_by("display_order", "pk").first()
    for name in ("ScoreMonth", "InspectionRound"):
        apps.get_model("scoring", name).objects.filter(hall__isnull=True).update(hall=hall)


class Migration(migrations.Migration):

    dependencies = [
        ("departments", "0005_add_halls"),
        ("scoring", "0007_add_score_notices"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="scoremonth",
            options={"ordering": ["-month", "hall_id"], "verbose_name": "assessment month", "verbose_name_plural": "assessment months"},
        ),
        # add
        migrations.AddField(
            model_name="inspectionround",
            name="hall",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="inspection_rounds", to="departments.hall", verbose_name="hall"),
        ),
        migrations.AddField(
            model_name="scoremonth",
            name="hall",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="score_months", to="departments.hall", verbose_name="hall"),
        ),
        # fill
        migrations.RunPython(attach_to_the_default_hall, migrations.RunPython.noop),
        # tighten
        migrations.AlterField(
            model_name="inspectionround",
            name="hall",
            field=models.ForeignKey(default=departments.models.default_hall, help_text="The hall inspected; its deductions count in that hall's month.", on_delete=django.db.models.deletion.PROTECT, related_name="inspection_rounds", to="departments.hall", verbose_name="hall"),
        ),
        migrations.AlterField(
            model_name="scoremonth",
            name="hall",
            field=models.ForeignKey(default=departments.models.default_hall, help_text="The hall whose departments the month assesses.", on_delete=django.db.models.deletion.PROTECT, related_name="score_months", to="departments.hall", verbose_name="hall"),
        ),
        migrations.AlterField(
            model_name="scoremonth",
            name="month",
            field=models.DateField(help_text="The first day of the month.", verbose_name="month"),
        ),
        migrations.AddConstraint(
            model_name="scoremonth",
            constraint=models.UniqueConstraint(fields=("hall", "month"), name="scoremonth_unique_in_hall"),
        ),
    ]
