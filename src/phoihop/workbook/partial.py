"""Partial sheets: a column absent from a sheet leaves that field as it is in the database; an empty cell
in a present column clears it (docs/workbook.md).

The validator parses absent columns as blanks (what a new row gets). Before its checks run, the rows
whose natural key names a record that already exists take, for each absent column, the value the
record holds now — as the export would write it — so checks and the writer see the record as it would
be, and the writer finds those fields unchanged. Only records the importer may see are filled in: a row
naming a record outside the scope is refused whatever it holds (workbook.write), and must not learn
anything from the checks either."""

from __future__ import annotations

from phoihop.accounts.scope import personal_data_q
from phoihop.core import cells as p
from phoihop.records.models import Initiative, Person

from .rowstore import column_values, edited
from .sheets import BY_KEY, Sheet

CHUNK = 5000
# A person's personal data (accounts.scope.personal_data_q): exported empty to those who may not see it.
PERSONAL_COLUMNS = ("ngay_sinh", "gioi_tinh", "dan_toc", "so_cccd")


def _path(column) -> str:
    if column.key == "tac_gia":
        return "pk"
    return f"{column.field}__code" if column.ref else column.field


def _records(sheet: Sheet, scope):
    model = sheet.model
    manager = model.objects.unscoped() if hasattr(model.objects, "unscoped") else model.objects
    if scope is None or scope.everything:
        return manager.all()
    from .export import _queryset

    return _queryset(sheet, scope)


def fill_absent(validator) -> None:
    """Give rows of existing records the stored values of the columns their sheet lacks."""
    for key, rows in validator.rows.items():
        sheet = BY_KEY[key]
        present = validator.present.get(key, set())
        absent = [
            c for c in sheet.columns if c.key not in present and c.field and c.key not in sheet.key_columns
        ]
        if not absent or not rows:
            continue
        key_columns = [sheet.column(k) for k in sheet.key_columns]
        stored = {}
        records = _records(sheet, validator.scope).values_list(
            *[_path(c) for c in key_columns], *[_path(c) for c in absent]
        )
        # Only the records the rows' keys name, looked up CHUNK keys at a time by the key column with the
        # most distinct values (a code, a person): never the whole table (issue 13, item 5).
        probe = max(key_columns, key=lambda c: len(set(column_values(rows, c.key))))
        wanted = sorted(set(column_values(rows, probe.key)) - {None, ""}, key=str)
        for i in range(0, len(wanted), CHUNK):
            for values in records.filter(**{f"{_path(probe)}__in": wanted[i : i + CHUNK]}):
                stored[tuple(values[: len(key_columns)])] = values[len(key_columns) :]
        authors = _authors(sheet, absent, stored.values())
        for row in edited(rows):
            found = stored.get(tuple(row.values.get(c.key) for c in key_columns))
            if found is None:
                continue
            for column, value in zip(absent, found, strict=True):
                if column.key == "tac_gia":
                    row.values[column.key] = authors.get(value, [])
                elif column.parse is p.yes_no:
                    row.values[column.key] = bool(value)
                elif value is None and column.parse is p.tax_code:
                    row.values[column.key] = ""
                else:
                    row.values[column.key] = value


def keep_hidden_personal_data(validator) -> None:
    """An empty personal cell of a person whose personal data the importer may not see means "not
    shown", not "cleared": such a user's export holds those cells empty, and importing it back must
    change nothing. (A value typed there is a change, which the write gate refuses: the person is not
    theirs.)"""
    rows, scope = validator.rows.get("nguoi"), validator.scope
    if not rows or scope is None or scope.everything:
        return
    sheet = BY_KEY["nguoi"]
    columns = [c for c in sheet.columns if c.key in PERSONAL_COLUMNS and c.key in validator.present["nguoi"]]
    if not columns:
        return
    shown = Person._base_manager.filter(personal_data_q(scope)).values("pk")
    codes = [code for code in column_values(rows, "ma_nguoi") if code]
    stored = {}
    for i in range(0, len(codes), CHUNK):
        hidden = scope.filter(Person.objects.filter(code__in=codes[i : i + CHUNK])).exclude(pk__in=shown)
        for code, *values in hidden.values_list("code", *[c.field for c in columns]):
            stored[code] = values
    for row in edited(rows):
        values = stored.get(row.values.get("ma_nguoi"))
        if values is None:
            continue
        for column, value in zip(columns, values, strict=True):
            if row.values.get(column.key) in (None, ""):
                row.values[column.key] = value


def _authors(sheet: Sheet, absent, stored) -> dict[int, list[str]]:
    """{initiative pk: author codes} of the stored initiatives the rows name (tac_gia holds the pk)."""
    position = next((i for i, c in enumerate(absent) if c.key == "tac_gia"), None)
    if position is None:
        return {}
    ids = sorted({values[position] for values in stored})
    out: dict[int, list[str]] = {}
    links = Initiative.authors.through.objects
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        for initiative, code in links.filter(initiative_id__in=chunk).values_list(
            "initiative_id", "person__code"
        ):
            out.setdefault(initiative, []).append(code)
    return out
