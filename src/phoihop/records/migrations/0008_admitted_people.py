"""PostgreSQL only (issue 13): `records_admitted_person`, the columns of the people table the admission
indicators read (gender, ethnicity, workplace, business owner), for the people who have an admission —
about 1 % of the people. The national report's two admission queries read 50,000 people each; looked up
in the 10-million-row people table they were 50,000 random heap reads (most of those queries' time), in
this table a hash join over a few megabytes.

Kept by database triggers, like the rollups of migrations 0006 and 0007: a statement on admissions or
people recomputes the rows of the people it touched from the people and admissions as they are after it
(people: only when one of those columns, or the person, changed). TRUNCATE of either table recounts it
(`records_admitted_rebuild()`, also what a loader bypassing triggers calls).
"""

# ruff: noqa: S608 - only table names and SQL fragments of this file are formatted in; there are no values

from django.db import migrations

TABLE = "records_admitted_person"
COLUMNS = "gender, ethnicity, enterprise_id, is_business_owner"


def refresh(people: str) -> str:
    """Recompute the rows of the people whose ids `people` selects."""
    return f"""
    DELETE FROM {TABLE} WHERE person_id IN ({people});
    INSERT INTO {TABLE} (person_id, {COLUMNS})
    SELECT p.id, p.gender, p.ethnicity, p.enterprise_id, p.is_business_owner FROM records_person p
    WHERE p.id IN ({people}) AND EXISTS (SELECT 1 FROM records_admission a WHERE a.person_id = p.id);"""


def _changed_people() -> str:
    same = " AND ".join(f"o.{c} IS NOT DISTINCT FROM n.{c}" for c in COLUMNS.split(", "))
    return (
        "SELECT n.id FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM old_rows o WHERE o.id = n.id AND "
        f"{same}) UNION SELECT o.id FROM old_rows o WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = o.id)"
    )


_ADMISSION_INSERTED = refresh("SELECT z.person_id FROM new_rows z")
_ADMISSION_DELETED = refresh("SELECT z.person_id FROM old_rows z")
_ADMISSION_UPDATED = refresh("SELECT z.person_id FROM new_rows z UNION SELECT z.person_id FROM old_rows z")
_PERSON_INSERTED = refresh("SELECT z.id FROM new_rows z")
_PERSON_DELETED = refresh("SELECT z.id FROM old_rows z")
_PERSON_UPDATED = refresh(_changed_people())

CREATE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    person_id bigint PRIMARY KEY,
    gender varchar(3) NOT NULL,
    ethnicity varchar(60) NOT NULL,
    enterprise_id bigint,
    is_business_owner boolean NOT NULL
);

CREATE OR REPLACE FUNCTION records_admitted_admission() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN {_ADMISSION_INSERTED}
    ELSIF TG_OP = 'DELETE' THEN {_ADMISSION_DELETED}
    ELSE {_ADMISSION_UPDATED}
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION records_admitted_person_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN {_PERSON_INSERTED}
    ELSIF TG_OP = 'DELETE' THEN {_PERSON_DELETED}
    ELSE {_PERSON_UPDATED}
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION records_admitted_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE {TABLE};
    INSERT INTO {TABLE} (person_id, {COLUMNS})
    SELECT p.id, p.gender, p.ethnicity, p.enterprise_id, p.is_business_owner FROM records_person p
    WHERE EXISTS (SELECT 1 FROM records_admission a WHERE a.person_id = p.id);
END $$;

CREATE OR REPLACE FUNCTION records_admitted_recount() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM records_admitted_rebuild();
    RETURN NULL;
END $$;

CREATE TRIGGER records_admitted_admission_i AFTER INSERT ON records_admission REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION records_admitted_admission();
CREATE TRIGGER records_admitted_admission_u AFTER UPDATE ON records_admission REFERENCING OLD TABLE AS old_rows
    NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION records_admitted_admission();
CREATE TRIGGER records_admitted_admission_d AFTER DELETE ON records_admission REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION records_admitted_admission();
CREATE TRIGGER records_admitted_person_i AFTER INSERT ON records_person REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION records_admitted_person_changed();
CREATE TRIGGER records_admitted_person_u AFTER UPDATE ON records_person REFERENCING OLD TABLE AS old_rows
    NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION records_admitted_person_changed();
CREATE TRIGGER records_admitted_person_d AFTER DELETE ON records_person REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION records_admitted_person_changed();
CREATE TRIGGER records_admitted_truncated AFTER TRUNCATE ON records_admission
    FOR EACH STATEMENT EXECUTE FUNCTION records_admitted_recount();
CREATE TRIGGER records_admitted_truncated AFTER TRUNCATE ON records_person
    FOR EACH STATEMENT EXECUTE FUNCTION records_admitted_recount();

SELECT records_admitted_rebuild();
ANALYZE {TABLE};
"""

DROP = f"""
DROP TRIGGER IF EXISTS records_admitted_admission_i ON records_admission;
DROP TRIGGER IF EXISTS records_admitted_admission_u ON records_admission;
DROP TRIGGER IF EXISTS records_admitted_admission_d ON records_admission;
DROP TRIGGER IF EXISTS records_admitted_person_i ON records_person;
DROP TRIGGER IF EXISTS records_admitted_person_u ON records_person;
DROP TRIGGER IF EXISTS records_admitted_person_d ON records_person;
DROP TRIGGER IF EXISTS records_admitted_truncated ON records_admission;
DROP TRIGGER IF EXISTS records_admitted_truncated ON records_person;
DROP FUNCTION IF EXISTS records_admitted_admission();
DROP FUNCTION IF EXISTS records_admitted_person_changed();
DROP FUNCTION IF EXISTS records_admitted_recount();
DROP FUNCTION IF EXISTS records_admitted_rebuild();
DROP TABLE IF EXISTS {TABLE};
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)  # several statements, no parameters

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0007_record_rollup"),
    ]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
