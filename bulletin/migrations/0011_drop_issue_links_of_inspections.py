"""Schema half of 0010, in a migration of its own: PostgreSQL refuses to alter a table
whose rows the same transaction has just updated."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bulletin", "0010_issue_points_to_its_inspection_round"),
    ]

    operations = [
        migrations.RemoveField(model_name="inspectionitem", name="issue"),
        migrations.RemoveField(model_name="inspectionround", name="issue"),
        migrations.RemoveField(model_name="series", name="inspection_checklist"),
        migrations.AlterModelOptions(
            name="inspectionitem",
            options={
                "ordering": ["round", "position", "pk"],
                "verbose_name": "inspection item",
                "verbose_name_plural": "inspection items",
            },
        ),
        migrations.AlterField(
            model_name="inspectionitem",
            name="round",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="items",
                to="bulletin.inspectionround",
                verbose_name="inspection round",
            ),
        ),
        migrations.AlterField(
            model_name="inspectionround",
            name="inspector",
            field=models.CharField(blank=True, max_length=100, verbose_name="inspector"),
        ),
    ]
