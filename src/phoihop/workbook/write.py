"""Writing a validated workbook: upsert by natural key, sheet by sheet, in the caller's transaction."""

from datetime import date
from decimal import Decimal

from phoihop.audit.models import AuditEntry
from phoihop.core.text import fold
from phoihop.orgs.closure import rebuild_closure
from phoihop.orgs.models import Enterprise, Unit
from phoihop.records.models import Initiative, Person, TrainingClass

from .sheets import SHEETS, Sheet
from .validate import Row

ID_MODELS = {"don_vi": Unit, "doanh_nghiep": Enterprise, "nguoi": Person, "lop_boi_duong": TrainingClass}
SEARCH_NAME = {Unit: "name", Enterprise: "name", Person: "full_name"}
SELF_REFS = {"parent", "merged_into"}  # don_vi columns pointing into don_vi: set in a second pass


def _manager(model):
    return model.objects.unscoped() if hasattr(model.objects, "unscoped") else model.objects


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class Writer:
    def __init__(self, rows: dict[str, list[Row]], progress=None):
        self.rows = rows
        self.progress = progress
        self.ids: dict[str, dict[str, int]] = {}
        self.summary: dict[str, dict[str, int]] = {}
        self.audit: list[AuditEntry] = []

    def ids_for(self, sheet_key: str) -> dict[str, int]:
        if sheet_key not in self.ids:
            self.ids[sheet_key] = dict(_manager(ID_MODELS[sheet_key]).values_list("code", "pk"))
        return self.ids[sheet_key]

    def run(self) -> None:
        present = [s for s in SHEETS if self.rows.get(s.key)]
        for i, sheet in enumerate(present, start=1):
            self.write_sheet(sheet, self.rows[sheet.key])
            if sheet.key in ID_MODELS:
                self.ids.pop(sheet.key, None)
            if self.progress:
                self.progress("write", i, len(present))
        changed = self.summary.get("don_vi", {}), self.summary.get("dieu_chuyen", {})
        if any(s.get("created") or s.get("updated") for s in changed):
            rebuild_closure()

    def _fields(self, sheet: Sheet, skip: set[str] = frozenset()) -> list[tuple[str, str, str | None]]:
        """(column key, model attname, referenced sheet) for the columns written as plain fields."""
        out = []
        for column in sheet.columns:
            if column.field is None or column.field in skip or column.key == "tac_gia":
                continue
            out.append((column.key, f"{column.field}_id" if column.ref else column.field, column.ref))
        return out

    def _values(self, sheet: Sheet, row: Row, fields) -> dict:
        values = {}
        for key, attname, ref in fields:
            v = row.values.get(key)
            values[attname] = self.ids_for(ref).get(v) if ref and v else (None if ref else v)
        model = sheet.model
        if model in SEARCH_NAME:
            values["search_name"] = fold(values[SEARCH_NAME[model]])
        return values

    def write_sheet(self, sheet: Sheet, rows: list[Row]) -> None:
        model = sheet.model
        skip = SELF_REFS if sheet.key == "don_vi" else set()
        fields = self._fields(sheet, skip)
        attnames = [a for _, a, _ in fields] + (["search_name"] if model in SEARCH_NAME else [])
        key_attnames = [a for k, a, _ in fields if k in sheet.key_columns]
        existing = {}
        for pk, *vals in _manager(model).values_list("pk", *attnames).iterator(chunk_size=5000):
            record = dict(zip(attnames, vals, strict=True))
            existing[tuple(record[a] for a in key_attnames)] = (pk, record)
        creates, updates, changed_fields = [], [], set()
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for row in rows:
            values = self._values(sheet, row, fields)
            key = tuple(values[a] for a in key_attnames)
            if key in existing:
                pk, before = existing[key]
                diff = {a: v for a, v in values.items() if _norm(before[a]) != _norm(v)}
                if diff:
                    updates.append(model(pk=pk, **values))
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
                creates.append(model(**values))
                existing[key] = (None, values)
                counts["created"] += 1
        model.objects.bulk_create(creates, batch_size=1000)
        if updates:
            _manager(model).bulk_update(updates, sorted(changed_fields), batch_size=500)
        if sheet.key == "don_vi":
            self._write_unit_links(rows, counts)
        if sheet.key == "sang_kien":
            self._write_authors(rows, counts)
        self.summary[sheet.key] = counts

    def _write_unit_links(self, rows: list[Row], counts: dict) -> None:
        """Second pass of don_vi: parent and merger target, which may point at rows of the same sheet."""
        ids = dict(Unit.objects.values_list("code", "pk"))
        current = {
            pk: (parent, merged)
            for pk, parent, merged in Unit.objects.values_list("pk", "parent_id", "merged_into_id")
        }
        updates = []
        for row in rows:
            pk = ids[row.values["ma_don_vi"]]
            parent = ids.get(row.values.get("ma_cap_tren") or "")
            merged = ids.get(row.values.get("ma_don_vi_tiep_nhan") or "")
            if current[pk] != (parent, merged):
                updates.append(Unit(pk=pk, parent_id=parent, merged_into_id=merged))
                if current[pk] != (None, None):  # a new unit's links are part of its creation
                    counts["updated"] += 1
                    counts["unchanged"] = max(0, counts["unchanged"] - 1)
        Unit.objects.bulk_update(updates, ["parent", "merged_into"], batch_size=500)

    def _write_authors(self, rows: list[Row], counts: dict) -> None:
        through = Initiative.authors.through
        ids = dict(Initiative.objects.unscoped().values_list("code", "pk"))
        people = self.ids_for("nguoi")
        current: dict[int, set[int]] = {}
        for initiative_id, person_id in through.objects.values_list("initiative_id", "person_id"):
            current.setdefault(initiative_id, set()).add(person_id)
        stale, links = [], []
        for row in rows:
            pk = ids[row.values["ma_sang_kien"]]
            wanted = {people[c] for c in row.values.get("tac_gia") or []}
            if wanted != current.get(pk, set()):
                stale.append(pk)
                links += [through(initiative_id=pk, person_id=person) for person in wanted]
        if stale:
            through.objects.filter(initiative_id__in=stale).delete()
            through.objects.bulk_create(links, batch_size=2000)


def _norm(value):
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value).normalize()
    return value
