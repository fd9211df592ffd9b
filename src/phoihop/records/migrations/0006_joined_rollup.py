"""PostgreSQL only (issue 13): `records_joined_rollup`, the union members who joined, counted per
ancestor unit, year and breakdown, kept by database triggers so that every way of writing — the ORM
services, the workbook import's COPY and executemany, transfers (closure rewrites), the admin — keeps it
right without knowing about it.

One row (unit_id, year, gender, ethnicity, ownership, n): n people joined the union in `year`, on a day
D when the union they belonged to (records.timeline: their timeline row governing D, else their own
column) stood under `unit_id` at depth ≥ 1 (a closure row valid on D), with that gender and ethnicity,
and whose workplace on D (the same rule) has that `loai_hinh` ('' for none). The unit's own members
(depth 0) are not in it: a grassroots union's members per year barely compress, and a report reads
them through the person's union index instead. `n` may be 0 after deletions; readers skip those rows.

`indicators.definitions.members_admitted` reads it for whole calendar years (the rest of a period from
the people themselves); `indicators/tests/test_joined_rollup.py` checks it against a fresh computation
after each kind of write. Every trigger adds the contribution of the rows as they are after the
statement and subtracts it as it was before, for the people the statement touched — never a full
recount. TRUNCATE of people or of the closure empties it; of timeline rows or enterprises rebuilds it
(`records_joined_rebuild()`, also what a bulk loader that bypasses triggers calls afterwards).

SQLite (the embedded, province-scale database) has no such table: its reports read people directly.
"""

# ruff: noqa: S608 - only table names and SQL fragments of this file are formatted in; there are no values

from django.db import migrations

TABLE = "records_joined_rollup"
KEYS = "unit_id, year, gender, ethnicity, ownership"

# Where a person stood on the day they joined (the records.timeline rule), from the given sources.
FACTS = """
    SELECT p.union_joined_on AS d,
        CASE WHEN t.id IS NULL THEN p.grassroots_union_id ELSE t.grassroots_union_id END AS u,
        p.gender AS g, p.ethnicity AS e, COALESCE(en.ownership, '') AS o
    FROM {persons} p
    LEFT JOIN {timeline} t
        ON t.person_id = p.id AND t.valid_from <= p.union_joined_on AND t.valid_to > p.union_joined_on
    LEFT JOIN {enterprise} en ON en.id = CASE WHEN t.id IS NULL THEN p.enterprise_id ELSE t.enterprise_id END
    WHERE p.union_joined_on IS NOT NULL"""

# Their contribution: one count per ancestor (depth >= 1) holding their union on that day.
CONTRIBUTION = """
    SELECT c.ancestor_id AS unit_id, CAST(EXTRACT(YEAR FROM f.d) AS integer) AS year,
        f.g, f.e, f.o, {sign}COUNT(*) AS n
    FROM ({facts}) f
    JOIN {closure} c
        ON c.descendant_id = f.u AND c.depth >= 1 AND c.valid_from <= f.d AND c.valid_to > f.d
    GROUP BY 1, 2, 3, 4, 5"""

APPLY = f"""
    INSERT INTO {TABLE} AS r ({KEYS}, n)
    SELECT x.unit_id, x.year, x.g, x.e, x.o, SUM(x.n) FROM ({{parts}}) x
    GROUP BY x.unit_id, x.year, x.g, x.e, x.o HAVING SUM(x.n) <> 0
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ({KEYS}) DO UPDATE SET n = r.n + EXCLUDED.n"""

PERSON_COLUMNS = "union_joined_on, grassroots_union_id, gender, ethnicity, enterprise_id"
TIMELINE_COLUMNS = "person_id, grassroots_union_id, enterprise_id, valid_from, valid_to"


def contribution(
    sign: str,
    *,
    persons: str,
    timeline="records_timelineentry",
    enterprise="orgs_enterprise",
    closure="orgs_unitclosure",
) -> str:
    facts = FACTS.format(persons=persons, timeline=timeline, enterprise=enterprise)
    return CONTRIBUTION.format(sign=sign, facts=facts, closure=closure)


def apply(*parts: str) -> str:
    return APPLY.format(parts=" UNION ALL ".join(parts)) + ";"


def changed(mine: str, other: str, columns: str) -> str:
    """Rows of transition table `mine` with no row of the same id and the same `columns` in `other`."""
    same = " AND ".join(f"o.{c} IS NOT DISTINCT FROM m.{c}" for c in columns.split(", "))
    return (
        f"(SELECT m.* FROM {mine} m WHERE NOT EXISTS (SELECT 1 FROM {other} o WHERE o.id = m.id AND {same}))"
    )


def function(name: str, body: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{body}
    RETURN NULL;
END $$;"""


# ---- people: their own rows --------------------------------------------------------------------------
_PERSON_INSERTED = apply(contribution("", persons="new_rows"))
_PERSON_DELETED = apply(contribution("-", persons="old_rows"))
_PERSON_UPDATED = apply(  # only people whose joining day, union, gender, ethnicity or workplace changed
    contribution("", persons=changed("new_rows", "old_rows", PERSON_COLUMNS)),
    contribution("-", persons=changed("old_rows", "new_rows", PERSON_COLUMNS)),
)
PERSON = function(
    "records_joined_person",
    f"""
    IF TG_OP = 'INSERT' THEN {_PERSON_INSERTED}
    ELSIF TG_OP = 'DELETE' THEN {_PERSON_DELETED}
    ELSE {_PERSON_UPDATED}
    END IF;""",
)

# ---- timeline rows: the people they belong to, with the rows as they are and as they were -------------


def _timeline_delta(old: str | None, new: str | None) -> str:
    touched = " UNION ".join(f"SELECT z.person_id FROM {t} z" for t in (old, new) if t)
    persons = f"(SELECT * FROM records_person WHERE id IN ({touched}))"
    now = f"(SELECT * FROM records_timelineentry WHERE person_id IN ({touched}))"
    kept = f"SELECT * FROM records_timelineentry WHERE person_id IN ({touched})" + (
        f" AND id NOT IN (SELECT z.id FROM {new} z)" if new else ""
    )
    before = f"({kept}" + (f" UNION ALL SELECT z.* FROM {old} z" if old else "") + ")"
    return apply(
        contribution("", persons=persons, timeline=now), contribution("-", persons=persons, timeline=before)
    )


_TIMELINE_INSERTED = _timeline_delta(None, "new_rows")
_TIMELINE_DELETED = _timeline_delta("old_rows", None)
_TIMELINE_UPDATED = _timeline_delta(  # only rows whose person, union, workplace or interval changed
    changed("old_rows", "new_rows", TIMELINE_COLUMNS), changed("new_rows", "old_rows", TIMELINE_COLUMNS)
)
TIMELINE = function(
    "records_joined_timeline",
    f"""
    IF TG_OP = 'INSERT' THEN {_TIMELINE_INSERTED}
    ELSIF TG_OP = 'DELETE' THEN {_TIMELINE_DELETED}
    ELSE {_TIMELINE_UPDATED}
    END IF;""",
)

# ---- enterprises: a changed `loai_hinh` changes the ownership breakdown of their people ---------------
_OWNERSHIP_CHANGED = (
    "(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id"
    " WHERE n.ownership IS DISTINCT FROM o.ownership)"
)
_ENTERPRISE_PERSONS = f"""(SELECT * FROM records_person WHERE id IN (
    SELECT id FROM records_person WHERE enterprise_id IN {_OWNERSHIP_CHANGED}
    UNION SELECT person_id FROM records_timelineentry WHERE enterprise_id IN {_OWNERSHIP_CHANGED}))"""
_ENTERPRISE_BEFORE = f"""(SELECT id, ownership FROM orgs_enterprise WHERE id NOT IN {_OWNERSHIP_CHANGED}
    UNION ALL SELECT id, ownership FROM old_rows WHERE id IN {_OWNERSHIP_CHANGED})"""
ENTERPRISE = function(
    "records_joined_enterprise",
    apply(
        contribution("", persons=_ENTERPRISE_PERSONS),
        contribution("-", persons=_ENTERPRISE_PERSONS, enterprise=_ENTERPRISE_BEFORE),
    ),
)

# ---- closure rows: the people of their descendant units, through the rows added and removed -----------


def _closure_part(sign: str, rows: str) -> str:
    units = f"SELECT descendant_id FROM {rows} WHERE depth >= 1"
    persons = f"""(SELECT * FROM records_person WHERE id IN (
        SELECT id FROM records_person WHERE grassroots_union_id IN ({units})
        UNION SELECT person_id FROM records_timelineentry WHERE grassroots_union_id IN ({units})))"""
    return contribution(sign, persons=persons, closure=rows)


_CLOSURE_INSERTED = apply(_closure_part("", "new_rows"))
_CLOSURE_DELETED = apply(_closure_part("-", "old_rows"))
_CLOSURE_UPDATED = apply(_closure_part("", "new_rows"), _closure_part("-", "old_rows"))
CLOSURE = function(
    "records_joined_closure",
    f"""
    IF TG_OP = 'INSERT' THEN {_CLOSURE_INSERTED}
    ELSIF TG_OP = 'DELETE' THEN {_CLOSURE_DELETED}
    ELSE {_CLOSURE_UPDATED}
    END IF;""",
)

REBUILD = f"""
CREATE OR REPLACE FUNCTION records_joined_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE {TABLE};
    {apply(contribution("", persons="records_person"))}
END $$;

CREATE OR REPLACE FUNCTION records_joined_empty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE {TABLE};
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION records_joined_recount() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM records_joined_rebuild();
    RETURN NULL;
END $$;"""

TRIGGERS = [
    # (table, function, events with their transition tables)
    ("records_person", "records_joined_person"),
    ("records_timelineentry", "records_joined_timeline"),
    ("orgs_unitclosure", "records_joined_closure"),
]


def _triggers() -> str:
    out = []
    for table, name in TRIGGERS:
        out += [
            f"CREATE TRIGGER {name}_i AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();",
            f"CREATE TRIGGER {name}_u AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows "
            f"NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}();",
            f"CREATE TRIGGER {name}_d AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();",
        ]
    out += [
        "CREATE TRIGGER records_joined_enterprise_u AFTER UPDATE ON orgs_enterprise REFERENCING OLD TABLE AS "
        "old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION records_joined_enterprise();",
        "CREATE TRIGGER records_joined_person_t AFTER TRUNCATE ON records_person "
        "FOR EACH STATEMENT EXECUTE FUNCTION records_joined_empty();",
        "CREATE TRIGGER records_joined_closure_t AFTER TRUNCATE ON orgs_unitclosure "
        "FOR EACH STATEMENT EXECUTE FUNCTION records_joined_empty();",
        "CREATE TRIGGER records_joined_timeline_t AFTER TRUNCATE ON records_timelineentry "
        "FOR EACH STATEMENT EXECUTE FUNCTION records_joined_recount();",
        "CREATE TRIGGER records_joined_enterprise_t AFTER TRUNCATE ON orgs_enterprise "
        "FOR EACH STATEMENT EXECUTE FUNCTION records_joined_recount();",
    ]
    return "\n".join(out)


CREATE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    unit_id bigint NOT NULL,
    year integer NOT NULL,
    gender varchar(3) NOT NULL,
    ethnicity varchar(60) NOT NULL,
    ownership varchar(20) NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY ({KEYS})
);
{PERSON}
{TIMELINE}
{ENTERPRISE}
{CLOSURE}
{REBUILD}
{_triggers()}
SELECT records_joined_rebuild();
ANALYZE {TABLE};
"""

DROP = f"""
DROP TRIGGER IF EXISTS records_joined_person_i ON records_person;
DROP TRIGGER IF EXISTS records_joined_person_u ON records_person;
DROP TRIGGER IF EXISTS records_joined_person_d ON records_person;
DROP TRIGGER IF EXISTS records_joined_person_t ON records_person;
DROP TRIGGER IF EXISTS records_joined_timeline_i ON records_timelineentry;
DROP TRIGGER IF EXISTS records_joined_timeline_u ON records_timelineentry;
DROP TRIGGER IF EXISTS records_joined_timeline_d ON records_timelineentry;
DROP TRIGGER IF EXISTS records_joined_timeline_t ON records_timelineentry;
DROP TRIGGER IF EXISTS records_joined_closure_i ON orgs_unitclosure;
DROP TRIGGER IF EXISTS records_joined_closure_u ON orgs_unitclosure;
DROP TRIGGER IF EXISTS records_joined_closure_d ON orgs_unitclosure;
DROP TRIGGER IF EXISTS records_joined_closure_t ON orgs_unitclosure;
DROP TRIGGER IF EXISTS records_joined_enterprise_u ON orgs_enterprise;
DROP TRIGGER IF EXISTS records_joined_enterprise_t ON orgs_enterprise;
DROP FUNCTION IF EXISTS records_joined_person();
DROP FUNCTION IF EXISTS records_joined_timeline();
DROP FUNCTION IF EXISTS records_joined_enterprise();
DROP FUNCTION IF EXISTS records_joined_closure();
DROP FUNCTION IF EXISTS records_joined_empty();
DROP FUNCTION IF EXISTS records_joined_recount();
DROP FUNCTION IF EXISTS records_joined_rebuild();
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
        ("orgs", "0003_trigram_search"),
        ("records", "0005_order_constraints"),
    ]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
