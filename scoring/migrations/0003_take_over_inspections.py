"""Hall inspections belong to the window assessment: the models move here from the
bulletin app. Only Django's picture of them moves; the tables stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0002_add_ledger"),
        ("departments", "0001_initial"),
        ("bulletin", "0011_drop_issue_links_of_inspections"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="InspectionRound",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("date", models.DateField(verbose_name="date")),
                        ("inspector", models.CharField(blank=True, max_length=100, verbose_name="inspector")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                    ],
                    options={
                        "verbose_name": "inspection round",
                        "verbose_name_plural": "inspection rounds",
                        "db_table": "bulletin_inspectionround",
                        "ordering": ["-date", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="InspectionItem",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("proposed_points", models.DecimalField(blank=True, decimal_places=1, help_text="Negative, e.g. -1, when the finding names a department.", max_digits=4, null=True, verbose_name="proposed deduction")),
                        ("proposal", models.CharField(blank=True, choices=[("", "no deduction proposed"), ("proposed", "deduction proposed"), ("confirmed", "deduction confirmed"), ("dismissed", "deduction dismissed")], default="", max_length=10, verbose_name="deduction")),
                        ("position", models.PositiveIntegerField(default=0, verbose_name="position")),
                        ("topic", models.CharField(help_text="For example 按时到岗情况.", max_length=100, verbose_name="topic")),
                        ("finding", models.TextField(help_text="总体情况良好, or the specifics.", max_length=2000, verbose_name="finding")),
                        ("department", models.ForeignKey(blank=True, help_text="Set when the finding concerns one department.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="inspection_items", to="departments.department", verbose_name="department")),
                        ("round", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="items", to="scoring.inspectionround", verbose_name="inspection round")),
                    ],
                    options={
                        "verbose_name": "inspection item",
                        "verbose_name_plural": "inspection items",
                        "db_table": "bulletin_inspectionitem",
                        "ordering": ["round", "position", "pk"],
                        "constraints": [
                            models.CheckConstraint(condition=models.Q(("proposal__in", ["", "proposed", "confirmed", "dismissed"])), name="inspectionitem_proposal_valid"),
                            models.CheckConstraint(condition=models.Q(("proposed_points__isnull", True), ("proposed_points__lt", 0), _connector="OR"), name="inspectionitem_proposal_is_a_deduction"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
