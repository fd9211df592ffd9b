"""The people list's order (newest first: joining date descending, undated last, then id) as an index on
PostgreSQL, so that a page of a national scope is read off the index instead of sorting millions of rows
(issue 13). SQLite cannot index NULLS LAST (its descending order puts NULLs last anyway, and a province
sorts quickly), so the index is PostgreSQL's only and not part of the model's state."""

from django.db import migrations

CREATE = 'CREATE INDEX IF NOT EXISTS person_newest ON records_person (union_joined_on DESC NULLS LAST, "id")'
DROP = "DROP INDEX IF EXISTS person_newest"


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0003_merge_0002_program_reporting_0002_timeline_cccd_moves"),
    ]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
