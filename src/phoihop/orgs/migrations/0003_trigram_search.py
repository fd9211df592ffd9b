"""Trigram (pg_trgm) indexes for the diacritic-free searches, PostgreSQL only.

Searches match a folded query anywhere in a name (`search_name LIKE '%bat xat%'`) or a code typed in
any case (`UPPER(code) LIKE UPPER('%…%')`); a B-tree cannot serve either, so on millions of people they
read the whole table. GIN trigram indexes serve both. SQLite has no pg_trgm: nothing happens there.
The person indexes are created here, beside the unit and enterprise ones, so all search indexes live in
one migration; they touch records_person by SQL only (no model state changes in the records app)."""

from django.db import migrations

INDEXES = [
    ("orgs_unit_search_trgm", "orgs_unit", "search_name gin_trgm_ops"),
    ("orgs_enterprise_search_trgm", "orgs_enterprise", "search_name gin_trgm_ops"),
    ("records_person_search_trgm", "records_person", "search_name gin_trgm_ops"),
    ("records_person_code_trgm", "records_person", "(UPPER(code::text)) gin_trgm_ops"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_national_kinds"),
        ("records", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
