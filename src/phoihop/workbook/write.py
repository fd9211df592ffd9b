"""Writing a validated workbook: upsert by natural key, sheet by sheet, in the caller's transaction.

Rows go in batches of BATCH: for each batch, only the records its keys name are looked up (chunked
`WHERE key IN (…)`, never a whole table), the codes its references name are resolved the same way, and
its new and changed rows are written — so memory follows the batch, not the workbook or the database
(a 50-row workbook into a database of millions reads a few dozen rows).

New rows and changed rows go to the database without model instances: on PostgreSQL new rows by
`COPY … FROM STDIN` straight into the table (their keys were just looked up in this transaction; a
concurrent writer of the same key fails on the unique index and the import rolls back whole) and
changed rows by `COPY` into a temporary table and one `UPDATE … FROM`; on SQLite by one prepared
INSERT or UPDATE run with `executemany`. At 50,000 people, building instances and compiling Django's
multi-row INSERTs cost four times the database work itself. Rows are written exactly as
`bulk_create` / `bulk_update` would write them: the same defaults for missing fields, values adapted by
the fields themselves, no signals (bulk writes send none either)."""

import unicodedata
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from functools import partial
from operator import attrgetter

from django.db import connection, models, transaction

from phoihop.audit.models import AuditEntry
from phoihop.core.cells import fold
from phoihop.orgs.closure import refresh_closure
from phoihop.orgs.models import Enterprise, Transfer, Unit
from phoihop.records import rollups
from phoihop.records.models import Initiative, Person, TrainingClass
from phoihop.records.timeline import rebuild_intervals

from .reader import paused_gc
from .rowstore import Row, SpilledRows, batches, column_values
from .sheets import BY_KEY, SHEETS, Sheet

ID_MODELS = {"don_vi": Unit, "doanh_nghiep": Enterprise, "nguoi": Person, "lop_boi_duong": TrainingClass}
SEARCH_NAME = {Unit: "name", Enterprise: "name", Person: "full_name"}
SELF_REFS = {"parent", "merged_into"}  # don_vi columns pointing into don_vi: set in a second pass
BATCH = 5000  # rows of a sheet handled (looked up, compared, written) at a time
CHUNK = 5000  # values per `IN (…)` of a lookup
CACHED_CODES = 200_000  # resolved codes kept per referenced sheet before the cache starts over
COPY_FROM = 200  # on PostgreSQL, batches of at least this many rows go by COPY
ARRAY_CHUNK = 50_000  # PostgreSQL: codes per `= ANY(array)` lookup
BULK_FROM = 5000  # rows of a sheet from which a table that at least doubles is loaded in bulk (below)
BUILD_MEMORY = "256MB"  # PostgreSQL's maintenance_work_mem while the bulk load rebuilds indexes


def _unmarked_letters() -> dict[int, str]:
    """Each letter with marks of the Latin blocks (Vietnamese among them) → its letter without them, as
    `core.text.fold` reads it (NFD, combining marks dropped, đ → d)."""
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0xC0, 0x2000):
        letter = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", letter) if unicodedata.category(c) != "Mn")
        if base != letter:
            table[code] = base
    return table


_UNMARKED = _unmarked_letters()


def search_fold(value) -> str:
    """`fold` of a name (its search_name), by one table lookup per letter when the name folds to ASCII —
    every Vietnamese name does — instead of decomposing it (a million names: about 2 s). Anything else
    goes through `fold` itself; the result is the same (workbook/tests/test_search_fold.py)."""
    if type(value) is str:
        plain = value.translate(_UNMARKED).lower()
        if plain.isascii():
            return " ".join(plain.replace("_", " ").split())
    return fold(value)


_VALUES = attrgetter("values")


def _manager(model):
    return model.objects.unscoped() if hasattr(model.objects, "unscoped") else model.objects


def _chunks(values: list, size: int = CHUNK):
    for i in range(0, len(values), size):
        yield values[i : i + size]


def lookup_codes(model, codes: Iterable[str]) -> dict[str, int]:
    """{code: pk} of the records of `model` whose code is among `codes` (looked up CHUNK at a time; on
    PostgreSQL ARRAY_CHUNK at a time as one array parameter: a few large lookups of a sheet's codes cost
    a fraction of many small ones)."""
    wanted = sorted({c for c in codes if c})
    found: dict[str, int] = {}
    if connection.vendor == "postgresql" and len(wanted) > CHUNK:
        meta = model._meta
        quote = connection.ops.quote_name
        code = quote(meta.get_field("code").column)
        sql = f"SELECT {code}, {quote(meta.pk.column)} FROM {quote(meta.db_table)} WHERE {code} = ANY(%s)"  # noqa: S608
        with connection.cursor() as cursor:
            for chunk in _chunks(wanted, ARRAY_CHUNK):
                cursor.execute(sql, [chunk])
                found.update(cursor.fetchall())
        return found
    for chunk in _chunks(wanted):
        found.update(_manager(model).filter(code__in=chunk).values_list("code", "pk"))
    return found


# Field types whose validated Python value is already what the database driver takes.
_AS_IS = (
    models.CharField,
    models.TextField,
    models.IntegerField,  # also BigInteger, PositiveSmallInteger, …
    models.BooleanField,
    models.ForeignKey,
)


def _adapter(field):
    """The function turning a parsed value into the value bound in SQL, chosen once per column."""
    if isinstance(field, models.DateTimeField):
        return lambda v: field.get_db_prep_save(v, connection)
    if isinstance(field, models.DateField):
        if isinstance(connection.ops.adapt_datefield_value(date(2000, 1, 1)), str):
            return lambda v: None if v is None else v.isoformat()  # SQLite stores ISO text
        return None
    if isinstance(field, _AS_IS):
        return None
    return lambda v: field.get_db_prep_save(v, connection)


def _bound_rows(columns, rows, adapters):
    """Tuples of values in `columns` order, adapted for the database."""
    plan = list(zip(columns, adapters, strict=True))
    if not any(adapt for _, adapt in plan):
        return [tuple(row[c] for c in columns) for row in rows]
    return [tuple(adapt(row[c]) if adapt else row[c] for c, adapt in plan) for row in rows]


def _by_copy(rows: list) -> bool:
    return connection.vendor == "postgresql" and len(rows) >= COPY_FROM


def _copy(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    """COPY rows into `table` (PostgreSQL, psycopg 3): one stream instead of a statement per row."""
    with _copying(cursor, table, columns) as copy:
        for row in rows:
            copy.write_row(row)


def _copying(cursor, table: str, columns: list[str]):
    """psycopg's COPY of `columns` into `table`, its data sent by a thread of psycopg's own while this one
    makes the next rows (the server takes them meanwhile) instead of waiting on each send."""
    from psycopg.copy import QueuedLibpqWriter  # PostgreSQL's driver: imported where it is used

    # Django's cursor wraps psycopg's; COPY is psycopg's own API. Names are quoted model metadata.
    raw = cursor.cursor
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"  # noqa: S608
    return raw.copy(sql, writer=QueuedLibpqWriter(raw))


def _insert_fields(model) -> list:
    """The fields a row of `model` is inserted with: every concrete one but an automatic primary key."""
    return [f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]


@contextmanager
def _one_stream(model):
    """A function inserting tuples of `model`'s `_insert_fields` (already adapted) that the caller calls
    batch after batch: on PostgreSQL they all go into one COPY, which the server ingests while the next
    batches are made (a COPY per batch would wait for the server at the end of each); elsewhere each batch
    is inserted as `insert_bound` does. Nothing else may use the connection until the block ends."""
    fields = _insert_fields(model)
    if connection.vendor != "postgresql":
        yield partial(insert_bound, model, fields)
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        with _copying(cursor, quote(model._meta.db_table), [quote(f.column) for f in fields]) as copy:
            write = copy.write_row

            def insert(bound: list[tuple]) -> None:
                for row in bound:
                    write(row)

            yield insert


def insert_rows(model, rows: list[dict]) -> None:
    """INSERT `rows` ({attname: value}) into `model`'s table (COPY on PostgreSQL, else one
    executemany); fields a row does not name get the field's default, as a fresh model instance would."""
    if not rows:
        return
    if _computed_defaults(model):  # a default computed per row (a timestamp): Django builds the instances
        model.objects.bulk_create([model(**r) for r in rows], batch_size=1000)
        return
    fields = _insert_fields(model)
    defaults = {f.attname: f.get_default() for f in fields}
    columns = [f.attname for f in fields]
    full = rows if set(rows[0]) == set(columns) else [defaults | row for row in rows]
    insert_bound(model, fields, _bound_rows(columns, full, [_adapter(f) for f in fields]))


def _computed_defaults(model) -> bool:
    """Whether a field of the model gets a value computed per row (a callable default, a timestamp)."""
    return any(
        f.has_default()
        and callable(f.default)
        or getattr(f, "auto_now", False)
        or getattr(f, "auto_now_add", False)
        for f in _insert_fields(model)
    )


def insert_bound(model, fields: list, bound: list[tuple]) -> None:
    """INSERT tuples of values already adapted for the database, one per row in `fields` order."""
    if not bound:
        return
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), [quote(f.column) for f in fields]
    with connection.cursor() as cursor:
        if _by_copy(bound):
            _copy(cursor, table, names, bound)
            return
        # Only quoted table and column names from the model's own metadata are formatted in; values are bound.
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            table, ", ".join(names), ", ".join(["%s"] * len(fields))
        )
        cursor.executemany(sql, bound)


def update_rows(model, rows: list[dict], attnames: list[str]) -> None:
    """UPDATE `attnames` of the rows ({"pk": id, attname: value, …}): on PostgreSQL, many rows go by
    COPY into a temporary table and one UPDATE … FROM; otherwise one executemany."""
    if not rows or not attnames:
        return
    meta = model._meta
    fields = [_field_by_attname(meta, a) for a in attnames]
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    bound = _bound_rows([*attnames, "pk"], rows, [_adapter(f) for f in fields] + [None])
    with connection.cursor() as cursor:
        if _by_copy(bound):
            names = [quote(f.column) for f in fields]
            temp = quote("phoihop_import_update")
            cursor.execute(f"DROP TABLE IF EXISTS {temp}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS "  # noqa: S608
                f"SELECT {', '.join(names)}, {pk} FROM {table} WITH NO DATA"
            )
            _copy(cursor, temp, [*names, pk], bound)
            cursor.execute(
                f"UPDATE {table} AS t SET {', '.join(f'{n} = u.{n}' for n in names)} "  # noqa: S608
                f"FROM {temp} AS u WHERE t.{pk} = u.{pk}"
            )
            cursor.execute(f"DROP TABLE {temp}")
            return
        sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
            table, ", ".join(f"{quote(f.column)} = %s" for f in fields), pk
        )
        cursor.executemany(sql, bound)


def _field_by_attname(meta, attname: str):
    return next(f for f in meta.concrete_fields if f.attname == attname)


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@contextmanager
def _large_cache(kib: int = 65536):
    """On SQLite, a page cache big enough for the indexes being filled (SQLite's default 2 MB spills
    pages to the WAL mid-transaction), restored afterwards for the connection's next user. The project's
    connections already ask for 64 MB (settings.py, for reports); this holds an import to it whatever a
    deployment sets there."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


@contextmanager
def _indexes_built_after(model, *, empty: bool, rows: int):
    """SQLite, inside the import's transaction, an empty table about to receive many rows: its plain
    (non-unique) indexes are dropped and built again after the insert — one sort each instead of a
    B-tree insertion per row and index. Unique indexes stay, so duplicates still fail at once; the
    transaction makes the whole swap invisible to readers and undone on any error."""
    if not (empty and rows >= 5000 and connection.vendor == "sqlite" and connection.in_atomic_block):
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
            [model._meta.db_table],
        )
        plain = [(name, sql) for name, sql in cursor.fetchall() if sql.upper().startswith("CREATE INDEX")]
        for name, _ in plain:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _, sql in plain:
                cursor.execute(sql)


def _adds_at_least_the_table(model, rows: int) -> bool:
    """Whether `rows` new rows at least double the table: counts up to `rows` of its rows, no more."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608
            "LIMIT %s) AS s",
            [rows],
        )
        return cursor.fetchone()[0] < rows


@contextmanager
def _bulk_load(model, *, empty: bool, rows: int):
    """PostgreSQL, inside the import's transaction, a sheet of at least BULK_FROM rows into a table that
    was empty or that the rows at least double (a province's first import): the table's secondary indexes
    (plain B-trees and the trigram GIN indexes — 10 on people) and its foreign keys are dropped, the rows
    copied in, the indexes built again in one sort each and the foreign keys added again, which checks
    every row in one join — instead of 13 index insertions and 2 deferred key checks per row (at 1 M
    people: 45 s of COPY and 11 s of COMMIT). Unique indexes and the primary key stay, so a duplicate
    key still fails at once. The whole swap is part of the transaction: readers see the table as before
    (they wait for the commit), and on any error the transaction is rolled back, indexes included.
    Then the table is ANALYZEd, so the import's next lookups in it are planned on its real size."""
    if not (
        connection.vendor == "postgresql"
        and connection.in_atomic_block
        and rows >= BULK_FROM
        and (empty or _adds_at_least_the_table(model, rows))
    ):
        yield
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY 1",
            [model._meta.db_table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY 1",
            [model._meta.db_table],
        )
        keys = cursor.fetchall()
        # Key checks still pending in the transaction (the units' links just written) are made now: a
        # table with pending checks cannot be altered. Django's keys are all INITIALLY DEFERRED again.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
        for name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    try:
        yield
    except BaseException:
        transaction.set_rollback(True)  # never commit the table without its indexes
        raise
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('maintenance_work_mem')")
        before = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [BUILD_MEMORY])
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [before])
        for name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute(f"ANALYZE {table}")


class Writer:
    """Writes the validated rows. With a `gate` (workbook.gating.RowGate, for an importer who is a
    user), every row that would create or change a record asks the write gate first; refusals are
    collected in `gate.errors` and the caller rolls the whole import back. `audit_sink` receives the
    audit entries of each batch as it is written (without one they pile up in `audit`)."""

    def __init__(
        self,
        rows: dict[str, list[Row]],
        progress=None,
        gate=None,
        audit_sink: Callable[[list[AuditEntry]], None] | None = None,
        *,
        release: bool = False,
    ):
        self.rows = rows
        # release: each sheet's rows are let go once written (the caller holds no other reference), so
        # the sheets written later reuse the memory of a million people's rows instead of adding to it.
        self.release = release
        self.progress = progress
        self.gate = gate
        self.audit_sink = audit_sink
        self.summary: dict[str, dict[str, int]] = {}
        self.audit: list[AuditEntry] = []
        self._codes: dict[str, dict[str, int | None]] = {}  # sheet key → {code: pk or None}, bounded
        self._moved: set[int] = set()  # units created, changed or transferred: their closure is refreshed
        self._moved_codes: set[str] = set()  # don_vi rows created or changed (ids known after pass 2)
        self._unit_states: dict[str, tuple[Row, dict | None, dict]] = {}  # don_vi rows, gated in pass 2
        self._initiatives: dict[str, tuple[Row, dict, bool]] = {}  # sang_kien rows: state, already gated

    def ids_of(self, sheet_key: str, codes: Iterable) -> dict[str, int | None]:
        """{code: pk, or None when no such record} covering `codes`, looked up only for codes not yet
        resolved. The cache starts over past CACHED_CODES codes, so it never grows with the workbook."""
        cache = self._codes.setdefault(sheet_key, {})
        wanted = {c for c in codes if c}
        missing = wanted - cache.keys()
        if missing and len(cache) + len(missing) > CACHED_CODES:
            cache.clear()
            missing = wanted
        if missing:
            found = lookup_codes(ID_MODELS[sheet_key], missing)
            for code in missing:
                cache[code] = found.get(code)
        return cache

    def _prefetch(self, fields, rows: list[Row]) -> set[str]:
        """The codes of each referenced sheet that the whole sheet names, resolved at once when they fit
        the cache (a few large lookups instead of one per batch). Returns the referenced sheets whose
        codes are all in the cache now: the batches read them from there without asking again."""
        wanted: dict[str, set] = {}
        for key, _, ref in fields:
            if ref:
                wanted.setdefault(ref, set()).update(column_values(rows, key))
        covered = set()
        for ref, codes in wanted.items():
            if len(codes) <= CACHED_CODES:
                self.ids_of(ref, codes)
                covered.add(ref)
        return covered

    def run(self) -> None:
        present = [s for s in SHEETS if self.rows.get(s.key)]
        # The people whose timeline rows are written: the intervals "union on date D" is read through.
        timeline = set(column_values(self.rows.get("qua_trinh", []), "ma_nguoi"))
        people = len(self.rows.get("nguoi", ()))
        with (
            _large_cache(),
            paused_gc(),
            rollups.counted_afterwards(rollups.worth_deferring(people, least=BULK_FROM)),
        ):
            for i, sheet in enumerate(present, start=1):
                self.write_sheet(sheet, self.rows[sheet.key])
                if self.release:
                    if isinstance(self.rows[sheet.key], SpilledRows):
                        self.rows[sheet.key].close()
                    self.rows[sheet.key] = []
                if sheet.key in ID_MODELS:
                    self._codes.pop(sheet.key, None)  # codes not found before may exist now
                if self.progress:
                    self.progress("write", i, len(present))
            if self._moved:  # the closure rows of the units whose place in a tree may have changed
                refresh_closure(self._moved)
            if timeline:
                rebuild_intervals(lookup_codes(Person, timeline).values())

    def _fields(self, sheet: Sheet, skip: set[str] = frozenset()) -> list[tuple[str, str, str | None]]:
        """(column key, model attname, referenced sheet) for the columns written as plain fields."""
        out = []
        for column in sheet.columns:
            if column.field is None or column.field in skip or column.key == "tac_gia":
                continue
            out.append((column.key, f"{column.field}_id" if column.ref else column.field, column.ref))
        return out

    def write_sheet(self, sheet: Sheet, rows: list[Row]) -> None:
        model = sheet.model
        skip = SELF_REFS if sheet.key == "don_vi" else set()
        fields = self._fields(sheet, skip)
        search = SEARCH_NAME.get(model)
        attnames = [a for _, a, _ in fields] + (["search_name"] if search else [])
        key_attnames = [a for k, a, _ in fields if k in sheet.key_columns]
        # A table empty before the sheet holds only rows of this sheet: no later key can find one
        # (keys are unique within a sheet, validate.py), so nothing is looked up.
        was_empty = not _manager(model).exists()
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        # An empty cell of a column the database keeps NOT NULL with a default (an initiative's value)
        # stores that default, as the staff form does, instead of failing the whole import on NULL.
        meta = model._meta
        defaults = {
            a: f.get_default()
            for _, a, ref in fields
            if not ref
            for f in (meta.get_field(a),)
            if not f.null and f.has_default() and not callable(f.default)
        }
        shape = (fields, attnames, key_attnames, search, defaults)
        with (
            _indexes_built_after(model, empty=was_empty, rows=len(rows)),
            _bulk_load(model, empty=was_empty, rows=len(rows)),
        ):
            covered = self._prefetch(fields, rows)
            if (
                isinstance(rows, SpilledRows)
                and was_empty
                and self.gate is None
                and not _computed_defaults(model)
                and all(ref in covered for _, _, ref in fields if ref)
            ):
                # New rows of a spilled sheet, every reference resolved: read a chunk's columns straight
                # into the value lists `_create_batch` takes (no row objects in between).
                ids = {ref: self._codes[ref] for ref in covered}
                with _one_stream(model) as insert:
                    for records in rows.value_lists([key for key, _, _ in fields]):
                        self._create_batch(sheet, records, shape, counts, ids, insert=insert)
            else:
                for batch in batches(rows, BATCH):
                    self._write_batch(sheet, batch, shape, counts, look_up=not was_empty, covered=covered)
            if sheet.key == "don_vi":  # inside: the links are checked when the keys are added again
                self._write_unit_links(rows, counts)
        if sheet.key == "sang_kien":
            through = Initiative.authors.through
            with _bulk_load(through, empty=not through.objects.exists(), rows=len(rows)):
                self._write_authors(rows, counts)
        self.summary[sheet.key] = counts

    def _write_batch(
        self, sheet: Sheet, rows: list[Row], shape, counts: dict, *, look_up: bool, covered=frozenset()
    ) -> None:
        fields, attnames, key_attnames, search, defaults = shape
        model = sheet.model
        # Resolve each referenced sheet's codes of this batch through one lookup (none for those the
        # sheet's prefetch resolved whole).
        wanted: dict[str, set] = {}
        for key, _, ref in fields:
            if ref and ref not in covered:
                wanted.setdefault(ref, set()).update(r.values.get(key) for r in rows)
        ids = {ref: self.ids_of(ref, codes) for ref, codes in wanted.items()}
        ids.update((ref, self._codes[ref]) for ref in covered)
        if not look_up and self.gate is None and not _computed_defaults(model):
            keys = [key for key, _, _ in fields]
            self._create_batch(sheet, [[r.values.get(k) for k in keys] for r in rows], shape, counts, ids)
            return
        plan = [(key, attname, ids[ref] if ref else None) for key, attname, ref in fields]
        states = []
        for row in rows:
            given = row.values
            values = {
                attname: v if found is None else (found.get(v) if v else None)
                for key, attname, found in plan
                for v in (given.get(key),)
            }
            for attname, default in defaults.items():
                if values[attname] is None:
                    values[attname] = default
            if search:
                values["search_name"] = search_fold(values[search])
            states.append((row, values, tuple(values[a] for a in key_attnames)))
        existing = _existing(model, attnames, key_attnames, states) if look_up else {}
        creates, updates, changed_fields, audit = [], [], set(), []
        gate = self.gate
        for row, values, key in states:
            if key in existing:
                pk, before = existing[key]
                diff = {a: v for a, v in values.items() if _norm(before[a]) != _norm(v)}
                if gate is not None and not self._passes(sheet, row, pk, before, values, changed=bool(diff)):
                    continue
                if diff:
                    updates.append({"pk": pk, **values})
                    changed_fields.update(diff)
                    counts["updated"] += 1
                    self._note_moved(sheet, values)
                    audit.append(
                        AuditEntry(
                            action="update",
                            model=model._meta.label,
                            object_code=" / ".join(str(k) for k in key),
                            before={a: _plain(before[a]) for a in diff},
                            after={a: _plain(v) for a, v in diff.items()},
                        )
                    )
                else:
                    counts["unchanged"] += 1
            else:
                if gate is not None and not self._passes(sheet, row, None, None, values, changed=True):
                    continue
                creates.append(values)
                existing[key] = (None, values)
                counts["created"] += 1
                self._note_moved(sheet, values)
        insert_rows(model, creates)
        if gate is not None and creates and "code" in key_attnames:
            self._note_created(model, [c["code"] for c in creates])
        update_rows(model, updates, sorted(changed_fields))
        if audit:
            if self.audit_sink is not None:
                self.audit_sink(audit)
            else:
                self.audit += audit

    def _create_batch(
        self, sheet: Sheet, records: list[list], shape, counts: dict, ids: dict, *, insert=None
    ) -> None:
        """Every row of the batch is new (its table was empty before the sheet) and no gate asks about
        it (the system's import): each row — `records`, its values in the order of the sheet's written
        columns, a list of its own — goes straight to the tuple the database takes: the values
        `_write_batch` would store, without a dict per row in between. `insert` takes the tuples (a
        `_one_stream`'s, for batch after batch of one sheet); by default, `insert_bound`."""
        fields, _, _, search, defaults = shape
        model = sheet.model
        columns = _insert_fields(model)
        insert = insert or partial(insert_bound, model, columns)
        given = {attname: i for i, (_, attname, _) in enumerate(fields)}
        keys = [key for key, _, _ in fields]
        position = dict(given)
        if search:
            position["search_name"] = len(keys)
        # Where each of the table's columns comes from: the row (by position), else the field's default.
        order = [position.get(f.attname) for f in columns]
        constant = [None if i is not None else f.get_default() for f, i in zip(columns, order, strict=True)]
        refs = [(i, ids[ref]) for i, (_, _, ref) in enumerate(fields) if ref]
        filled = [(given[a], d) for a, d in defaults.items()]
        adapters = [(j, adapt) for j, f in enumerate(columns) if (adapt := _adapter(f)) is not None]
        name = given[search] if search else None
        whole = all(i is not None for i in order) and order == list(range(len(order)))
        bound = []
        for vals in records:
            for i, found in refs:
                v = vals[i]
                vals[i] = found.get(v) if v else None
            for i, default in filled:
                if vals[i] is None:
                    vals[i] = default
            if name is not None:
                vals.append(search_fold(vals[name]))
            out = (
                vals if whole else [c if i is None else vals[i] for i, c in zip(order, constant, strict=True)]
            )
            for j, adapt in adapters:
                out[j] = adapt(out[j])
            bound.append(tuple(out))
        insert(bound)
        counts["created"] += len(bound)
        if model is Unit:
            at = keys.index("ma_don_vi")
            self._moved_codes.update(vals[at] for vals in records)
        elif model is Transfer:
            unit = next(j for j, f in enumerate(columns) if f.attname == "unit_id")
            self._moved.update(b[unit] for b in bound if b[unit])

    def _note_moved(self, sheet: Sheet, values: dict) -> None:
        """Units whose closure rows must be refreshed: a new or changed unit (its founding date or, in
        pass 2, its parent) and the unit of a new or changed transfer."""
        if sheet.model is Transfer and values.get("unit_id"):
            self._moved.add(values["unit_id"])
        elif sheet.model is Unit:
            self._moved_codes.add(values["code"])

    # ---- the write gate -------------------------------------------------------------------------------
    def _passes(self, sheet: Sheet, row: Row, pk, before: dict | None, after: dict, *, changed: bool) -> bool:
        """Whether the row may go on to be written. A key naming a record outside the scope is refused
        even when the row changes nothing; units wait for their links (pass 2), initiatives for authors."""
        model = sheet.model
        if pk is not None and not self.gate.sees(model, pk):
            # A key that names something hidden (van_hoa's enterprise) gets the words of a missing code.
            for column in (sheet.column(k) for k in sheet.key_columns):
                if column.ref and not self.gate.sees(ID_MODELS[column.ref], after.get(f"{column.field}_id")):
                    self.gate.refuse_reference(sheet, row, column.key, row.values.get(column.key))
                    return False
            self.gate.hidden(sheet, row)
            return False
        old = None if before is None else {"pk": pk, **before}
        new = after if pk is None else {"pk": pk, **after}
        if model is Unit:
            self._unit_states[row.values["ma_don_vi"]] = (row, old, new) if changed else (row, old, None)
            return True
        if model is Initiative:
            self._initiatives[row.values["ma_sang_kien"]] = (row, old or new, changed)
        if not changed:
            return True
        return self.gate.allows(sheet, row, model, before=old, after=new)

    def _authors_pass(self, row: Row, pk: int, added: set[int], names: dict[int, str]) -> bool:
        """New authors must be people the importer sees; changing authors is changing the initiative."""
        sheet = BY_KEY["sang_kien"]
        state = self._initiatives.get(row.values["ma_sang_kien"])
        if state is None:  # refused in the first pass
            return False
        _, record, gated = state
        if not gated and not self.gate.allows(
            sheet, row, Initiative, before={**record, "pk": pk}, after=record
        ):
            return False
        hidden = [names[p] for p in sorted(added) if not self.gate.sees(Person, p)]
        for code in hidden:
            self.gate.refuse_reference(sheet, row, "tac_gia", code)
        return not hidden

    def _note_created(self, model, codes: list[str]) -> None:
        manager = _manager(model)
        for i in range(0, len(codes), 5000):
            for pk in manager.filter(code__in=codes[i : i + 5000]).values_list("pk", flat=True):
                self.gate.note_created(model, pk)

    def _gate_units(self, rows: list[Row], ids: dict[str, int], links: dict[int, tuple]) -> None:
        """Pass 2 of don_vi under the gate: a new unit is the importer's when its parent is (a parent may
        be another new unit of the sheet, so this runs until nothing changes); then every new or changed
        unit is asked as it was and as it would be."""
        sheet = BY_KEY["don_vi"]
        pending = {code for code, (_, old, _) in self._unit_states.items() if old is None}
        progress = True
        while pending and progress:
            progress = False
            for code in sorted(pending):
                parent = links[ids[code]][0]
                if parent is not None and self.gate.gate.covers(parent):
                    self.gate.note_created(Unit, ids[code])
                    pending.discard(code)
                    progress = True
        for row in rows:
            code = row.values["ma_don_vi"]
            found = self._unit_states.get(code)
            if found is None:
                continue
            _, old, new = found
            parent, merged = links[ids[code]]
            if old is not None:
                old = {**old, "parent_id": self._stored_links[ids[code]][0]}
                old["merged_into_id"] = self._stored_links[ids[code]][1]
            after = {**(new or old), "pk": ids[code], "parent_id": parent, "merged_into_id": merged}
            if (
                old is not None
                and new is None
                and (parent, merged) == (old["parent_id"], old["merged_into_id"])
            ):
                continue  # unchanged
            self.gate.allows(sheet, row, Unit, before=old, after=after)

    def _write_unit_links(self, rows: list[Row], counts: dict) -> None:
        """Second pass of don_vi: parent and merger target, which may point at rows of the same sheet."""
        codes: set[str] = set()
        for row in rows:
            v = row.values
            codes.update((v["ma_don_vi"], v.get("ma_cap_tren"), v.get("ma_don_vi_tiep_nhan")))
        ids = lookup_codes(Unit, codes)
        current: dict[int, tuple] = {}
        for chunk in _chunks(
            sorted({ids[r.values["ma_don_vi"]] for r in rows if r.values["ma_don_vi"] in ids})
        ):
            for pk, parent, merged in Unit.objects.filter(pk__in=chunk).values_list(
                "pk", "parent_id", "merged_into_id"
            ):
                current[pk] = (parent, merged)
        updates, wanted = [], {}
        for row in rows:
            pk = ids.get(row.values["ma_don_vi"])
            if pk is None:  # refused by the gate in pass 1
                continue
            parent = ids.get(row.values.get("ma_cap_tren") or "")
            merged = ids.get(row.values.get("ma_don_vi_tiep_nhan") or "")
            wanted[pk] = (parent, merged)
            if current[pk] != (parent, merged):
                updates.append({"pk": pk, "parent_id": parent, "merged_into_id": merged})
                if current[pk] != (None, None):  # a new unit's links are part of its creation
                    counts["updated"] += 1
                    counts["unchanged"] = max(0, counts["unchanged"] - 1)
        if self.gate is not None:
            self._stored_links = current
            self._gate_units(rows, ids, wanted)
        update_rows(Unit, updates, ["parent_id", "merged_into_id"])
        self._moved.update(u["pk"] for u in updates)
        self._moved.update(ids[c] for c in self._moved_codes if c in ids)

    def _write_authors(self, rows: list[Row], counts: dict) -> None:
        through = Initiative.authors.through
        for batch in batches(rows, BATCH):
            ids = lookup_codes(Initiative, (r.values["ma_sang_kien"] for r in batch))
            people = self.ids_of("nguoi", (c for r in batch for c in r.values.get("tac_gia") or []))
            current: dict[int, set[int]] = {}
            for chunk in _chunks(sorted(set(ids.values()))):
                for initiative_id, person_id in through.objects.filter(initiative_id__in=chunk).values_list(
                    "initiative_id", "person_id"
                ):
                    current.setdefault(initiative_id, set()).add(person_id)
            names = {pk: code for code, pk in people.items() if pk is not None} if self.gate else {}
            stale, links = [], []
            for row in batch:
                pk = ids.get(row.values["ma_sang_kien"])
                if pk is None:  # refused by the gate
                    continue
                wanted = {people[c] for c in row.values.get("tac_gia") or []}
                if wanted != current.get(pk, set()):
                    added = wanted - current.get(pk, set())
                    if self.gate is not None and not self._authors_pass(row, pk, added, names):
                        continue
                    if pk in current:  # only initiatives that have links need them cleared
                        stale.append(pk)
                    links += [{"initiative_id": pk, "person_id": person} for person in wanted]
            for chunk in _chunks(stale):
                through.objects.filter(initiative_id__in=chunk).delete()
            insert_rows(through, links)


def _existing(model, attnames: list[str], key_attnames: list[str], states: list) -> dict[tuple, tuple]:
    """The stored records a batch's keys name: {key: (pk, {attname: value})}. Looked up by the key
    column with the most distinct values in the batch (a code, a person), CHUNK values per query."""
    column = max(range(len(key_attnames)), key=lambda i: len({key[i] for _, _, key in states}))
    wanted = list({key[column] for _, _, key in states if key[column] is not None})
    lookup = f"{key_attnames[column]}__in"
    found: dict[tuple, tuple] = {}
    for chunk in _chunks(wanted):
        for pk, *vals in _manager(model).filter(**{lookup: chunk}).values_list("pk", *attnames):
            record = dict(zip(attnames, vals, strict=True))
            found[tuple(record[a] for a in key_attnames)] = (pk, record)
    return found


def _norm(value):
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value).normalize()
    return value
