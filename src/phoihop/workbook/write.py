"""Writing a validated workbook: upsert by natural key, sheet by sheet, in the caller's transaction.

New rows and changed rows go to the database as one prepared INSERT or UPDATE executed over all rows
(`executemany`), not through model instances: at 50,000 people, building instances and compiling
Django's multi-row INSERTs cost four times the database work itself. Rows are written exactly as
`bulk_create` / `bulk_update` would write them: the same defaults for missing fields, values adapted by
the fields themselves, no signals (bulk writes send none either)."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from django.db import connection, models

from phoihop.audit.models import AuditEntry
from phoihop.core.cells import fold
from phoihop.orgs.closure import rebuild_closure
from phoihop.orgs.models import Enterprise, Unit
from phoihop.records.models import Initiative, Person, TrainingClass
from phoihop.records.timeline import rebuild_intervals

from .reader import paused_gc
from .sheets import BY_KEY, SHEETS, Sheet
from .validate import Row

ID_MODELS = {"don_vi": Unit, "doanh_nghiep": Enterprise, "nguoi": Person, "lop_boi_duong": TrainingClass}
SEARCH_NAME = {Unit: "name", Enterprise: "name", Person: "full_name"}
SELF_REFS = {"parent", "merged_into"}  # don_vi columns pointing into don_vi: set in a second pass


def _manager(model):
    return model.objects.unscoped() if hasattr(model.objects, "unscoped") else model.objects


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


def insert_rows(model, rows: list[dict]) -> None:
    """INSERT `rows` ({attname: value}) into `model`'s table with one executemany; fields a row does
    not name get the field's default, as a fresh model instance would."""
    if not rows:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]
    for f in fields:
        if (
            f.has_default()
            and callable(f.default)
            or getattr(f, "auto_now", False)
            or getattr(f, "auto_now_add", False)
        ):
            # A default computed per row (a timestamp): let Django build the instances.
            model.objects.bulk_create([model(**r) for r in rows], batch_size=1000)
            return
    defaults = {f.attname: f.get_default() for f in fields}
    columns = [f.attname for f in fields]
    full = rows if set(rows[0]) == set(columns) else [defaults | row for row in rows]
    # Only quoted table and column names from the model's own metadata are formatted in; values are bound.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        connection.ops.quote_name(meta.db_table),
        ", ".join(connection.ops.quote_name(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, _bound_rows(columns, full, [_adapter(f) for f in fields]))


def update_rows(model, rows: list[dict], attnames: list[str]) -> None:
    """UPDATE `attnames` of the rows ({"pk": id, attname: value, …}) with one executemany."""
    if not rows:
        return
    meta = model._meta
    fields = [_field_by_attname(meta, a) for a in attnames]
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        connection.ops.quote_name(meta.db_table),
        ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields),
        connection.ops.quote_name(meta.pk.column),
    )
    adapters = [_adapter(f) for f in fields] + [None]
    with connection.cursor() as cursor:
        cursor.executemany(sql, _bound_rows([*attnames, "pk"], rows, adapters))


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
    """On SQLite, a page cache big enough for the indexes being filled (the default 2 MB spills pages
    to the WAL mid-transaction), restored afterwards for the connection's next user."""
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


class Writer:
    """Writes the validated rows. With a `gate` (workbook.gating.RowGate, for an importer who is a
    user), every row that would create or change a record asks the write gate first; refusals are
    collected in `gate.errors` and the caller rolls the whole import back."""

    def __init__(self, rows: dict[str, list[Row]], progress=None, gate=None):
        self.rows = rows
        self.progress = progress
        self.gate = gate
        self.ids: dict[str, dict[str, int]] = {}
        self.summary: dict[str, dict[str, int]] = {}
        self.audit: list[AuditEntry] = []
        self._unit_states: dict[str, tuple[Row, dict | None, dict]] = {}  # don_vi rows, gated in pass 2
        self._initiatives: dict[str, tuple[Row, dict, bool]] = {}  # sang_kien rows: state, already gated

    def ids_for(self, sheet_key: str) -> dict[str, int]:
        if sheet_key not in self.ids:
            self.ids[sheet_key] = dict(_manager(ID_MODELS[sheet_key]).values_list("code", "pk"))
        return self.ids[sheet_key]

    def run(self) -> None:
        present = [s for s in SHEETS if self.rows.get(s.key)]
        with _large_cache(), paused_gc():
            for i, sheet in enumerate(present, start=1):
                self.write_sheet(sheet, self.rows[sheet.key])
                if sheet.key in ID_MODELS:
                    self.ids.pop(sheet.key, None)
                if self.progress:
                    self.progress("write", i, len(present))
            changed = self.summary.get("don_vi", {}), self.summary.get("dieu_chuyen", {})
            if any(s.get("created") or s.get("updated") for s in changed):
                rebuild_closure()
            if self.rows.get("qua_trinh"):  # the intervals "union on date D" is read through
                people = self.ids_for("nguoi")
                rebuild_intervals({people[r.values["ma_nguoi"]] for r in self.rows["qua_trinh"]})

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
        existing = {}
        for pk, *vals in _manager(model).values_list("pk", *attnames).iterator(chunk_size=5000):
            record = dict(zip(attnames, vals, strict=True))
            existing[tuple(record[a] for a in key_attnames)] = (pk, record)
        was_empty = not existing
        # Resolve each reference column's codes through one id map, looked up once per sheet.
        plan = [(key, attname, self.ids_for(ref) if ref else None) for key, attname, ref in fields]
        creates, updates, changed_fields = [], [], set()
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        gate = self.gate
        for row in rows:
            given = row.values
            values = {
                attname: v if ids is None else (ids.get(v) if v else None)
                for key, attname, ids in plan
                for v in (given.get(key),)
            }
            if search:
                values["search_name"] = fold(values[search])
            key = tuple(values[a] for a in key_attnames)
            if key in existing:
                pk, before = existing[key]
                diff = {a: v for a, v in values.items() if _norm(before[a]) != _norm(v)}
                if gate is not None and not self._passes(sheet, row, pk, before, values, changed=bool(diff)):
                    continue
                if diff:
                    updates.append({"pk": pk, **values})
                    changed_fields.update(diff)
                    counts["updated"] += 1
                    self.audit.append(
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
        with _indexes_built_after(model, empty=was_empty, rows=len(creates)):
            insert_rows(model, creates)
        if gate is not None and creates and "code" in key_attnames:
            self._note_created(model, [c["code"] for c in creates])
        update_rows(model, updates, sorted(changed_fields))
        if sheet.key == "don_vi":
            self._write_unit_links(rows, counts)
        if sheet.key == "sang_kien":
            self._write_authors(rows, counts)
        self.summary[sheet.key] = counts

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

    def _authors_pass(self, row: Row, pk: int, added: set[int]) -> bool:
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
        if not hasattr(self, "_person_codes"):
            self._person_codes = {pk: code for code, pk in self.ids_for("nguoi").items()}
        hidden = [self._person_codes[p] for p in sorted(added) if not self.gate.sees(Person, p)]
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
        ids = dict(Unit.objects.values_list("code", "pk"))
        current = {
            pk: (parent, merged)
            for pk, parent, merged in Unit.objects.values_list("pk", "parent_id", "merged_into_id")
        }
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

    def _write_authors(self, rows: list[Row], counts: dict) -> None:
        through = Initiative.authors.through
        ids = dict(Initiative.objects.unscoped().values_list("code", "pk"))
        people = self.ids_for("nguoi")
        current: dict[int, set[int]] = {}
        for initiative_id, person_id in through.objects.values_list("initiative_id", "person_id"):
            current.setdefault(initiative_id, set()).add(person_id)
        stale, links = [], []
        for row in rows:
            pk = ids.get(row.values["ma_sang_kien"])
            if pk is None:  # refused by the gate
                continue
            wanted = {people[c] for c in row.values.get("tac_gia") or []}
            if wanted != current.get(pk, set()):
                if self.gate is not None and not self._authors_pass(row, pk, wanted - current.get(pk, set())):
                    continue
                if pk in current:  # only initiatives that have links need them cleared
                    stale.append(pk)
                links += [{"initiative_id": pk, "person_id": person} for person in wanted]
        for i in range(0, len(stale), 5000):
            through.objects.filter(initiative_id__in=stale[i : i + 5000]).delete()
        insert_rows(through, links)


def _norm(value):
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value).normalize()
    return value
