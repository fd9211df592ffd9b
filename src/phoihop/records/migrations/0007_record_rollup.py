"""PostgreSQL only (issue 13): `records_record_rollup`, the referrals (`gioi_thieu`) and the trainees
(`hoc_vien`) counted per unit holding them, year and breakdown, kept by database triggers like
`records_joined_rollup` (migration 0006), so that `union.outstanding_referred`, the three trainee
indicators and their targets read a few rows per child instead of joining 300,000 records to the people.

One row (kind, unit_id, own, year, gender, ethnicity, ownership, n): n records of `kind` ('referral':
a referral, dated `referred_on`, of its referring unit; 'enrolment': a trainee, dated their class's first
day, of the class's organiser) whose unit stood under `unit_id` on that day (own: it is `unit_id` itself,
closure depth 0; else depth >= 1), whose person has that gender and ethnicity, and whose workplace on
that day (records.timeline's rule) has that `loai_hinh` ('-' for no workplace). `n` may be 0 after
deletions; readers skip those rows.

Every trigger adds the contribution of the records it touches as they are after the statement and
subtracts it as it was before: the records themselves, their people (gender, ethnicity, workplace),
timeline rows, enterprises (`loai_hinh`), classes (organiser, first day) and the closure. TRUNCATE of a
table it depends on recounts it (`records_record_rebuild()`, also what a loader bypassing triggers calls).
"""

# ruff: noqa: S608 - only table names and SQL fragments of this file are formatted in; there are no values

from django.db import migrations

TABLE = "records_record_rollup"
KEYS = "kind, unit_id, own, year, gender, ethnicity, ownership"
NONE = "-"  # no workplace on the record's day

PERSON = "records_person"
TIMELINE = "records_timelineentry"
ENTERPRISE = "orgs_enterprise"
CLOSURE = "orgs_unitclosure"
CLASSES = "records_trainingclass"


def facts(
    kind: str, *, records: str, persons=PERSON, timeline=TIMELINE, enterprise=ENTERPRISE, classes=CLASSES
):
    """(u, d, g, e, o) per record of `kind` among `records`, read from the given sources."""
    if kind == "referral":
        unit, day, join = "r.referring_unit_id", "r.referred_on", ""
    else:
        unit, day = "k.organiser_id", "k.starts_on"
        join = f" JOIN {classes} k ON k.id = r.training_class_id"
    return f"""
        SELECT {unit} AS u, {day} AS d, p.gender AS g, p.ethnicity AS e,
            CASE WHEN en.id IS NULL THEN '{NONE}' ELSE en.ownership END AS o
        FROM {records} r{join} JOIN {persons} p ON p.id = r.person_id
        LEFT JOIN {timeline} t ON t.person_id = p.id AND t.valid_from <= {day} AND t.valid_to > {day}
        LEFT JOIN {enterprise} en
            ON en.id = CASE WHEN t.id IS NULL THEN p.enterprise_id ELSE t.enterprise_id END"""


def contribution(kind: str, sign: str, *, closure=CLOSURE, **sources) -> str:
    return f"""
        SELECT '{kind}' AS kind, c.ancestor_id AS unit_id, c.depth = 0 AS own,
            CAST(EXTRACT(YEAR FROM f.d) AS integer) AS year, f.g, f.e, f.o, {sign}COUNT(*) AS n
        FROM ({facts(kind, **sources)}) f
        JOIN {closure} c ON c.descendant_id = f.u AND c.valid_from <= f.d AND c.valid_to > f.d
        GROUP BY 1, 2, 3, 4, 5, 6, 7"""


def apply(*parts: str) -> str:
    return f"""
    INSERT INTO {TABLE} AS r ({KEYS}, n)
    SELECT x.kind, x.unit_id, x.own, x.year, x.g, x.e, x.o, SUM(x.n) FROM ({" UNION ALL ".join(parts)}) x
    GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING SUM(x.n) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT ({KEYS}) DO UPDATE SET n = r.n + EXCLUDED.n;"""


def changed(mine: str, other: str, columns: str) -> str:
    """Rows of transition table `mine` with no row of the same id and the same `columns` in `other`."""
    same = " AND ".join(f"o.{c} IS NOT DISTINCT FROM m.{c}" for c in columns.split(", "))
    return (
        f"(SELECT m.* FROM {mine} m WHERE NOT EXISTS (SELECT 1 FROM {other} o WHERE o.id = m.id AND {same}))"
    )


def function(name: str, inserted: str, deleted: str, updated: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN {inserted}
    ELSIF TG_OP = 'DELETE' THEN {deleted}
    ELSE {updated}
    END IF;
    RETURN NULL;
END $$;"""


KINDS = ("referral", "enrolment")
RECORDS = {"referral": "records_referral", "enrolment": "records_enrolment"}


def _of_people(kind: str, people: str) -> str:
    """The records of `kind` of the people whose ids `people` selects."""
    return f"(SELECT * FROM {RECORDS[kind]} WHERE person_id IN ({people}))"


# ---- the records themselves -----------------------------------------------------------------------


def _records_function(kind: str) -> str:
    columns = (
        "person_id, referring_unit_id, referred_on" if kind == "referral" else "person_id, training_class_id"
    )
    return function(
        f"records_rollup_{kind}",
        apply(contribution(kind, "", records="new_rows")),
        apply(contribution(kind, "-", records="old_rows")),
        apply(
            contribution(kind, "", records=changed("new_rows", "old_rows", columns)),
            contribution(kind, "-", records=changed("old_rows", "new_rows", columns)),
        ),
    )


# ---- people: their gender, ethnicity and workplace -------------------------------------------------
PERSON_COLUMNS = "gender, ethnicity, enterprise_id"


def _person_delta(old: str | None, new: str | None) -> str:
    touched = " UNION ".join(f"SELECT z.id FROM {t} z" for t in (old, new) if t)
    parts = []
    for kind in KINDS:
        records = _of_people(kind, touched)
        if new:
            parts.append(contribution(kind, "", records=records, persons=new))
        if old:
            parts.append(contribution(kind, "-", records=records, persons=old))
    return apply(*parts)


PERSON_FUNCTION = function(
    "records_rollup_person",
    _person_delta(None, "new_rows"),
    _person_delta("old_rows", None),
    _person_delta(
        changed("old_rows", "new_rows", PERSON_COLUMNS), changed("new_rows", "old_rows", PERSON_COLUMNS)
    ),
)

# ---- timeline rows: the records of their people, with the rows as they are and as they were -------
TIMELINE_COLUMNS = "person_id, grassroots_union_id, enterprise_id, valid_from, valid_to"


def _timeline_delta(old: str | None, new: str | None) -> str:
    touched = " UNION ".join(f"SELECT z.person_id FROM {t} z" for t in (old, new) if t)
    now = f"(SELECT * FROM {TIMELINE} WHERE person_id IN ({touched}))"
    kept = f"SELECT * FROM {TIMELINE} WHERE person_id IN ({touched})"
    if new:
        kept += f" AND id NOT IN (SELECT z.id FROM {new} z)"
    before = f"({kept}" + (f" UNION ALL SELECT z.* FROM {old} z" if old else "") + ")"
    parts = []
    for kind in KINDS:
        records = _of_people(kind, touched)
        parts.append(contribution(kind, "", records=records, timeline=now))
        parts.append(contribution(kind, "-", records=records, timeline=before))
    return apply(*parts)


TIMELINE_FUNCTION = function(
    "records_rollup_timeline",
    _timeline_delta(None, "new_rows"),
    _timeline_delta("old_rows", None),
    _timeline_delta(
        changed("old_rows", "new_rows", TIMELINE_COLUMNS), changed("new_rows", "old_rows", TIMELINE_COLUMNS)
    ),
)

# ---- enterprises: a changed `loai_hinh` ------------------------------------------------------------
_OWNERSHIP_CHANGED = (
    "(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id"
    " WHERE n.ownership IS DISTINCT FROM o.ownership)"
)
_ENTERPRISE_PEOPLE = (
    f"SELECT id FROM {PERSON} WHERE enterprise_id IN {_OWNERSHIP_CHANGED}"
    f" UNION SELECT person_id FROM {TIMELINE} WHERE enterprise_id IN {_OWNERSHIP_CHANGED}"
)
_ENTERPRISE_BEFORE = (
    f"(SELECT * FROM {ENTERPRISE} WHERE id NOT IN {_OWNERSHIP_CHANGED}"
    f" UNION ALL SELECT * FROM old_rows WHERE id IN {_OWNERSHIP_CHANGED})"
)
_ENTERPRISE_PARTS = []
for _kind in KINDS:
    _records = _of_people(_kind, _ENTERPRISE_PEOPLE)
    _ENTERPRISE_PARTS.append(contribution(_kind, "", records=_records))
    _ENTERPRISE_PARTS.append(contribution(_kind, "-", records=_records, enterprise=_ENTERPRISE_BEFORE))
_ENTERPRISE_APPLY = apply(*_ENTERPRISE_PARTS)
ENTERPRISE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION records_rollup_enterprise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_ENTERPRISE_APPLY}
    RETURN NULL;
END $$;"""

# ---- classes: their organiser and first day --------------------------------------------------------
CLASS_COLUMNS = "organiser_id, starts_on"


def _class_delta(old: str | None, new: str | None) -> str:
    touched = " UNION ".join(f"SELECT z.id FROM {t} z" for t in (old, new) if t)
    records = f"(SELECT * FROM records_enrolment WHERE training_class_id IN ({touched}))"
    parts = []
    if new:
        parts.append(contribution("enrolment", "", records=records, classes=new))
    if old:
        parts.append(contribution("enrolment", "-", records=records, classes=old))
    return apply(*parts)


CLASS_FUNCTION = function(
    "records_rollup_class",
    _class_delta(None, "new_rows"),
    _class_delta("old_rows", None),
    _class_delta(
        changed("old_rows", "new_rows", CLASS_COLUMNS), changed("new_rows", "old_rows", CLASS_COLUMNS)
    ),
)

# ---- closure rows: the records of their descendant units ------------------------------------------


def _closure_parts(sign: str, rows: str) -> list[str]:
    units = f"SELECT z.descendant_id FROM {rows} z"
    return [
        contribution(
            "referral",
            sign,
            closure=rows,
            records=f"(SELECT * FROM records_referral WHERE referring_unit_id IN ({units}))",
        ),
        contribution(
            "enrolment",
            sign,
            closure=rows,
            records=f"""(SELECT * FROM records_enrolment WHERE training_class_id IN (
                SELECT id FROM {CLASSES} WHERE organiser_id IN ({units})))""",
        ),
    ]


CLOSURE_FUNCTION = function(
    "records_rollup_closure",
    apply(*_closure_parts("", "new_rows")),
    apply(*_closure_parts("-", "old_rows")),
    apply(*_closure_parts("", "new_rows"), *_closure_parts("-", "old_rows")),
)

_EVERYTHING = apply(*(contribution(kind, "", records=RECORDS[kind]) for kind in KINDS))
REBUILD = f"""
CREATE OR REPLACE FUNCTION records_record_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE {TABLE};
    {_EVERYTHING}
END $$;

CREATE OR REPLACE FUNCTION records_record_recount() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM records_record_rebuild();
    RETURN NULL;
END $$;"""

TRIGGERS = [
    ("records_referral", "records_rollup_referral"),
    ("records_enrolment", "records_rollup_enrolment"),
    (PERSON, "records_rollup_person"),
    (TIMELINE, "records_rollup_timeline"),
    (CLASSES, "records_rollup_class"),
    (CLOSURE, "records_rollup_closure"),
]
TRUNCATED = ["records_referral", "records_enrolment", PERSON, TIMELINE, CLASSES, CLOSURE, ENTERPRISE]


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
    out.append(
        f"CREATE TRIGGER records_rollup_enterprise_u AFTER UPDATE ON {ENTERPRISE} REFERENCING OLD TABLE AS "
        "old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION records_rollup_enterprise();"
    )
    for table in TRUNCATED:
        out.append(
            f"CREATE TRIGGER records_rollup_truncated AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION records_record_recount();"
        )
    return "\n".join(out)


def _drop() -> str:
    out = []
    for table, name in TRIGGERS:
        out += [f"DROP TRIGGER IF EXISTS {name}_{x} ON {table};" for x in "iud"]
    out.append(f"DROP TRIGGER IF EXISTS records_rollup_enterprise_u ON {ENTERPRISE};")
    out += [f"DROP TRIGGER IF EXISTS records_rollup_truncated ON {table};" for table in TRUNCATED]
    out += [f"DROP FUNCTION IF EXISTS {name}();" for _t, name in TRIGGERS]
    out += [
        "DROP FUNCTION IF EXISTS records_rollup_enterprise();",
        "DROP FUNCTION IF EXISTS records_record_recount();",
        "DROP FUNCTION IF EXISTS records_record_rebuild();",
        f"DROP TABLE IF EXISTS {TABLE};",
    ]
    return "\n".join(out)


CREATE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    kind varchar(10) NOT NULL,
    unit_id bigint NOT NULL,
    own boolean NOT NULL,
    year integer NOT NULL,
    gender varchar(3) NOT NULL,
    ethnicity varchar(60) NOT NULL,
    ownership varchar(20) NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY ({KEYS})
);
{_records_function("referral")}
{_records_function("enrolment")}
{PERSON_FUNCTION}
{TIMELINE_FUNCTION}
{ENTERPRISE_FUNCTION}
{CLASS_FUNCTION}
{CLOSURE_FUNCTION}
{REBUILD}
{_triggers()}
SELECT records_record_rebuild();
ANALYZE {TABLE};
"""

DROP = _drop()


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)  # several statements, no parameters

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0006_joined_rollup"),
    ]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
