"""Indexes for the issue list's search and department filter.

The department filter gets a plain index, on every database. The text search gets
trigram indexes on PostgreSQL only: Chinese has no spaces between words, so the search
matches substrings (`icontains`, which Django writes as UPPER(col::text) LIKE
UPPER('%…%')), and pg_trgm's GIN indexes on those same expressions serve such a LIKE
for a pattern of three characters or more. SQLite has no such index; there the
RunPython step does nothing, and it changes no model state on either database (so
makemigrations stays clean).
"""

from django.db import migrations, models

# (table, column) pairs the search reads.
COLUMNS = [
    ("bulletin_section", "title"),
    ("bulletin_section", "body"),
    ("bulletin_submission", "headline"),
    ("bulletin_submission", "body"),
]


def index_name(table: str, column: str) -> str:
    return f"{table}_{column}_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{index_name(table, column)}" ON "{table}" '
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{index_name(table, column)}"')


class Migration(migrations.Migration):

    dependencies = [
        ("bulletin", "0007_add_section_versions"),
        ("departments", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="submission",
            index=models.Index(
                fields=["section", "department", "status"], name="submission_section_dept"
            ),
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
