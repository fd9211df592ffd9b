"""SQLite only (issue 13): the people's union index, extended with the columns a report's members who
joined are counted by (gender, ethnicity, workplace), so that `indicators.placement_sql.placed_members_rows`
reads the 21,000 people of a province's five years from the index alone instead of seeking each one's row
(the members who joined at 50,000 people: 0.068 -> 0.053 s). PostgreSQL counts them from the maintained
rollup (0006) and does not get it."""

from django.db import migrations

INDEX = "records_person_joined_covering"


def _on_sqlite(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("records", "0010_rollups_deferrable")]

    operations = [
        migrations.RunPython(
            _on_sqlite(
                f"CREATE INDEX {INDEX} ON records_person"
                " (grassroots_union_id, union_joined_on, gender, ethnicity, enterprise_id)"
            ),
            _on_sqlite(f"DROP INDEX {INDEX}"),
        )
    ]
