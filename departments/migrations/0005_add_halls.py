# Halls (the assessing body): add the table and the nullable links, create the one hall
# every existing row belongs to, then make the links required. Names are unique within
# a hall instead of everywhere.

import django.db.models.deletion
from django.db import migrations, models

import departments.models

# departments.models.DEFAULT_HALL_NAME / DEFAULT_HALL_SHORT_NAME when this was written.
DEFAULT_HALL = {"name": "省政务服务大厅", "short_name": "省大厅", "display_order": 10}


def attach_to_the_default_hall(apps, schema_editor):
    Hall = apps.get_model("departments", "Hall")
    Department = apps.get_model("departments", "Department")
    User = apps.get_model("departments", "User")
    hall = Hall.objects.order_by("display_order", "pk").first()
    if hall is None:
        hall = Hall.objects.create(**DEFAULT_HALL)
    Department.objects.filter(hall__isnull=True).update(hall=hall)
    # Department staff are of their department's hall; administrators stay of no hall
    # (they see every hall).
    User.objects.filter(hall__isnull=True, is_superuser=False).update(hall=hall)


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("departments", "0004_loginfailure_sequence_verbose_names"),
    ]

    operations = [
        migrations.CreateModel(
            name="Hall",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(help_text="For example 绵阳市政务服务大厅.", max_length=100, unique=True, verbose_name="name")),
                ("short_name", models.CharField(blank=True, help_text="The region its issuing bodies' names begin with, e.g. 绵阳市: a bulletin imported for a new series goes to the hall whose short name begins its issuing body (编印单位), else to the first hall.", max_length=30, verbose_name="short name")),
                ("display_order", models.PositiveIntegerField(default=1000, help_text="Smaller comes first; the first hall is the default one.", verbose_name="display order")),
            ],
            options={
                "verbose_name": "hall",
                "verbose_name_plural": "halls",
                "ordering": ["display_order", "pk"],
            },
        ),
        # add
        migrations.AddField(
            model_name="department",
            name="hall",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="departments", to="departments.hall", verbose_name="hall"),
        ),
        migrations.AddField(
            model_name="user",
            name="hall",
            field=models.ForeignKey(blank=True, help_text="The hall an editor, approver or scorer works for. Department staff belong to their department's hall; administrators without a hall see every hall.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="users", to="departments.hall", verbose_name="hall"),
        ),
        # fill
        migrations.RunPython(attach_to_the_default_hall, migrations.RunPython.noop),
        # tighten
        migrations.AlterField(
            model_name="department",
            name="hall",
            field=models.ForeignKey(default=departments.models.default_hall, help_text="The hall the window is stationed in.", on_delete=django.db.models.deletion.PROTECT, related_name="departments", to="departments.hall", verbose_name="hall"),
        ),
        migrations.AlterField(
            model_name="department",
            name="name",
            field=models.CharField(max_length=100, verbose_name="name"),
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=models.UniqueConstraint(fields=("hall", "name"), name="department_unique_name_in_hall"),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(condition=models.Q(("hall__isnull", False), ("role", "staff"), ("is_superuser", True), _connector="OR"), name="user_centre_staff_has_hall"),
        ),
    ]
