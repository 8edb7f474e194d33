# A series belongs to the hall of its issuing body, and its title is unique within that
# hall. Add the link, attach every existing series to the default hall (departments 0005
# created it), then require it.

import django.db.models.deletion
from django.db import migrations, models

import departments.models


def attach_to_the_default_hall(apps, schema_editor):
    Hall = apps.get_model("departments", "Hall")
    hall = Hall.objects.order_by("display_order", "pk").first()
    apps.get_model("bulletin", "Series").objects.filter(hall__isnull=True).update(hall=hall)


class Migration(migrations.Migration):

    dependencies = [
        ("bulletin", "0021_issue_docx"),
        ("departments", "0005_add_halls"),
    ]

    operations = [
        # add
        migrations.AddField(
            model_name="series",
            name="hall",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="series", to="departments.hall", verbose_name="hall"),
        ),
        # fill
        migrations.RunPython(attach_to_the_default_hall, migrations.RunPython.noop),
        # tighten
        migrations.AlterField(
            model_name="series",
            name="hall",
            field=models.ForeignKey(default=departments.models.default_hall, help_text="The hall of its issuing body: its departments report to the series.", on_delete=django.db.models.deletion.PROTECT, related_name="series", to="departments.hall", verbose_name="hall"),
        ),
        migrations.AlterField(
            model_name="series",
            name="title",
            field=models.CharField(max_length=100, verbose_name="series name"),
        ),
        migrations.AddConstraint(
            model_name="series",
            constraint=models.UniqueConstraint(fields=("hall", "title"), name="series_unique_title_in_hall"),
        ),
    ]
