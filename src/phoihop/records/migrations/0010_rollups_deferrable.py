"""PostgreSQL only (issue 13): the row triggers of the three maintained rollups (migrations 0006–0008)
may be held back for one transaction, by `records.rollups.counted_afterwards()`, which then counts each
rollup once from scratch (`records_joined_rebuild()`, `records_record_rebuild()`,
`records_admitted_rebuild()`).

Why: a province's first import writes a million people and then their units' closure rows; the closure
triggers then recount every imported person under every new closure row (7.5 s of a 60 s import),
where one recount of the whole database — which the import at least doubled — costs about a second.

How: every INSERT/UPDATE/DELETE trigger of those rollups is created again, the same, with
`WHEN (current_setting('phoihop.rollups', true) IS DISTINCT FROM 'deferred')`. The setting is local to
the transaction that sets it (`set_config(…, true)`), so other sessions' writes keep their rollups right
as before. TRUNCATE triggers are left as they were: they already recount.
"""

# ruff: noqa: S608 - only trigger, table and function names of this file are formatted in

import importlib

from django.db import migrations

GUARD = "current_setting('phoihop.rollups', true) IS DISTINCT FROM 'deferred'"

_joined = importlib.import_module("phoihop.records.migrations.0006_joined_rollup")
_record = importlib.import_module("phoihop.records.migrations.0007_record_rollup")
_on_postgresql = _joined._on_postgresql  # the rollup migrations' own runner: their SQL, on PostgreSQL only


def _triggers() -> list[tuple[str, str, str, str, str]]:
    """(trigger, event, table, transition tables, function) of every row-change trigger of the rollups."""
    out = []
    functions = [(t, f) for t, f in _joined.TRIGGERS + _record.TRIGGERS]
    functions += [
        ("records_admission", "records_admitted_admission"),
        ("records_person", "records_admitted_person_changed"),
    ]
    for table, function in functions:
        stem = "records_admitted_person" if function == "records_admitted_person_changed" else function
        out += [
            (f"{stem}_i", "INSERT", table, "NEW TABLE AS new_rows", function),
            (f"{stem}_u", "UPDATE", table, "OLD TABLE AS old_rows NEW TABLE AS new_rows", function),
            (f"{stem}_d", "DELETE", table, "OLD TABLE AS old_rows", function),
        ]
    both = "OLD TABLE AS old_rows NEW TABLE AS new_rows"
    out += [
        ("records_joined_enterprise_u", "UPDATE", "orgs_enterprise", both, "records_joined_enterprise"),
        ("records_rollup_enterprise_u", "UPDATE", "orgs_enterprise", both, "records_rollup_enterprise"),
    ]
    return out


def _recreate(guarded: bool) -> str:
    when = f"WHEN ({GUARD}) " if guarded else ""
    out = []
    for name, event, table, transition, function in _triggers():
        out += [
            f"DROP TRIGGER IF EXISTS {name} ON {table};",
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transition} "
            f"FOR EACH STATEMENT {when}EXECUTE FUNCTION {function}();",
        ]
    return "\n".join(out)


class Migration(migrations.Migration):
    dependencies = [("records", "0009_person_redundant_indexes")]

    operations = [migrations.RunPython(_on_postgresql(_recreate(True)), _on_postgresql(_recreate(False)))]
