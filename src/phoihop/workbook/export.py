"""Writing the standard workbook (.xlsx or a folder of .csv) and the blank template, from the same
declarations the importer reads. Strings that begin with = + - @ are never formulas: text cells in .xlsx,
a leading apostrophe in .csv.

The .xlsx is written for a clerk (issue 14 item 2): Vietnamese tab titles (`Sheet.title`), enumerated
values as their Vietnamese labels with a drop-down (lists on the hidden sheet `LISTS_SHEET`, also the
unit and enterprise codes of the scope), real date cells shown dd/mm/yyyy, money grouped, the header row
frozen, each header cell commented with what the column needs, columns as wide as their contents.
The .csv keeps the keys and ISO dates: it is the form other systems and scripts exchange (docs/workbook.md).

Memory stays bounded by a batch (issue 13 item 5): rows come from `.iterator(chunk_size=CHUNK)`, the
extra lookups (authors, who may see personal data) are made per batch, and xlsxwriter's constant_memory
mode flushes each row to disk as the next one starts. (openpyxl's write-only mode would do as well for
rows, but xlsxwriter writes comments, validations, freeze panes and widths in that mode too, is faster,
and is the project's writer already.)"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from itertools import islice, zip_longest
from pathlib import Path
from typing import BinaryIO

from phoihop.accounts.scope import personal_data_q
from phoihop.core import cells as p
from phoihop.orgs.models import Enterprise, Transfer, Unit
from phoihop.records.models import Initiative, Person

from .sheets import BY_KEY, LISTS_SHEET, SHEETS, YES_NO_LABELS, Column, Sheet, label_of, value_labels

FORMULA_START = ("=", "+", "-", "@")
CHUNK = 2000  # rows fetched and held at once
LAST_ROW = 1_048_575  # Excel's last row (0-based): drop-downs cover the whole column below the header
DATE_FORMAT = "dd/mm/yyyy"
MONEY_FORMAT = "#,##0"
MIN_WIDTH, MAX_WIDTH, HEADER_WIDTH = 8, 50, 20


# ---- rows ------------------------------------------------------------------------------------------
def scoped_queryset(sheet: Sheet, scope):
    """The records of the sheet that the export of `scope` holds (None: everything)."""
    model = sheet.model
    if model is Unit:
        qs = scope.units() if scope else Unit.objects.all()
    elif model is Enterprise:
        qs = scope.enterprises() if scope else Enterprise.objects.all()
    elif model is Transfer:
        qs = Transfer.objects.filter(unit__in=scope.units()) if scope else Transfer.objects.all()
    else:
        narrower = getattr(model, "export_scope_paths", None)  # records.Person: not former members
        qs = scope.filter(model.objects.all(), paths=narrower) if scope else model.objects.unscoped()
    return qs


_queryset = scoped_queryset  # the name workbook.partial imports


def _batches(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def sheet_rows(sheet: Sheet, scope=None) -> Iterator[list]:
    """The sheet's rows, ordered by natural key, as stored values: keys of enumerated values, `date`s,
    `bool`s for yes/no, numbers, codes of references; `tac_gia` as codes joined by ';'. Fetched
    `CHUNK` rows at a time. A person's personal data is None for a scope that may not see it — the
    person page's own rule (accounts.scope.personal_data_q)."""
    paths = []
    for column in sheet.columns:
        if column.key == "tac_gia":
            paths.append("pk")
        elif column.ref:
            paths.append(f"{column.field}__code")
        else:
            paths.append(column.field)
    keys = [c.key for c in sheet.columns]
    key_paths = [paths[keys.index(k)] for k in sheet.key_columns]
    personal = _personal_positions(sheet, scope)
    qs = scoped_queryset(sheet, scope).order_by(*key_paths).values_list("pk", *paths)
    for batch in _batches(qs.iterator(chunk_size=CHUNK), CHUNK):
        pks = [row[0] for row in batch]
        authors = _authors(pks) if sheet.model is Initiative else {}
        shown = _personal_shown(pks, scope) if personal else None
        for pk, *values in batch:
            row = [
                ";".join(authors.get(value, [])) if column.key == "tac_gia" else _value(value)
                for column, value in zip(sheet.columns, values, strict=True)
            ]
            if shown is not None and pk not in shown:
                for i in personal:
                    row[i] = None
            yield row


def _authors(initiative_ids: list[int]) -> dict[int, list[str]]:
    authors: dict[int, list[str]] = {}
    through = Initiative.authors.through.objects.filter(initiative_id__in=initiative_ids)
    for initiative, code in through.values_list("initiative_id", "person__code").order_by(
        "initiative_id", "person__code"
    ):
        authors.setdefault(initiative, []).append(code)
    return authors


def _personal_positions(sheet: Sheet, scope) -> list[int]:
    """Positions of the personal columns, when the sheet holds them and the scope may not see them all."""
    from .partial import PERSONAL_COLUMNS

    if sheet.model is not Person or scope is None or scope.everything:
        return []
    return [i for i, c in enumerate(sheet.columns) if c.key in PERSONAL_COLUMNS]


def _personal_shown(person_ids: list[int], scope) -> set[int]:
    """Of these people, those whose personal data the scope sees."""
    people = Person._base_manager.filter(pk__in=person_ids).filter(personal_data_q(scope))
    return set(people.values_list("pk", flat=True))


# ---- .csv --------------------------------------------------------------------------------------------
def _csv_cell(column: Column, value):
    if value is None:
        return ""
    if column.parse is p.yes_no:
        return "x" if value else ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _write_csv(f, sheet: Sheet, scope) -> int:
    writer = csv.writer(f)
    writer.writerow([c.label for c in sheet.columns])
    n = 0
    for row in sheet_rows(sheet, scope):
        writer.writerow([_csv_cell(c, v) for c, v in zip(sheet.columns, row, strict=True)])
        n += 1
    return n


def write_csv_folder(folder: Path, *, scope=None) -> dict[str, int]:
    """Writes one .csv per sheet (named by the sheet key, Vietnamese column labels, values by key, ISO
    dates, UTF-8 with BOM); returns the number of rows of each sheet."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for sheet in SHEETS:
        with open(folder / f"{sheet.key}.csv", "w", newline="", encoding="utf-8-sig") as f:
            counts[sheet.key] = _write_csv(f, sheet, scope)
    return counts


def write_csv_zip(target: BinaryIO, *, scope=None) -> dict[str, int]:
    """The same .csv files, each written straight into a .zip (no folder in between); returns the rows
    of each sheet."""
    counts = {}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet in SHEETS:
            with archive.open(f"{sheet.key}.csv", "w") as member:
                with io.TextIOWrapper(member, encoding="utf-8-sig", newline="") as f:
                    counts[sheet.key] = _write_csv(f, sheet, scope)
    return counts


# ---- .xlsx -------------------------------------------------------------------------------------------
def column_note(column: Column) -> str:
    """What the column needs, in Vietnamese: the header cell's comment (and the template's second row)."""
    parts = ["Bắt buộc" if column.required else "Không bắt buộc"]
    labels = value_labels(column)
    if column.parse is p.yes_no:
        parts.append("có hoặc không (chọn trong danh sách)")
    elif labels is not None and len(labels) <= 6:
        parts.append("chọn trong danh sách: " + ", ".join(labels.values()))
    elif labels is not None:
        parts.append("chọn trong danh sách thả xuống")
    if column.ref:
        parts.append(f"mã ở trang '{BY_KEY[column.ref].title}'")
    if column.parse is p.parse_date:
        parts.append("ngày dạng dd/mm/yyyy")
    elif column.note:
        parts.append(column.note)
    return "; ".join(parts)


class Lists:
    """The hidden sheet of drop-down lists: one column per list, its name in row 1 and its values below.
    Written row by row before the data sheets (constant_memory keeps only the current row), so every
    list is known first: yes/no, each enumerated column's labels, and the scope's unit and enterprise
    codes, read `CHUNK` at a time."""

    def __init__(self, book, *, codes: dict[object, tuple[str, Iterable]] | None = None):
        self.ws = book.add_worksheet(LISTS_SHEET)
        self.ws.hide()
        lists: dict[object, tuple[str, Iterable]] = {"yes_no": ("Có/không", YES_NO_LABELS.values())}
        for sheet in SHEETS:
            for column in sheet.columns:
                labels = value_labels(column)
                if labels is not None and id(labels) not in lists:
                    lists[id(labels)] = (column.label, labels.values())
        self.ranges: dict[object, str | None] = {}
        self._write(lists | (codes or {}))

    def _write(self, lists: dict[object, tuple[str, Iterable]]) -> None:
        idents = list(lists)
        for col, ident in enumerate(idents):
            self.ws.write_string(0, col, lists[ident][0])
        lengths = [0] * len(idents)
        rows = zip_longest(*(lists[ident][1] for ident in idents))
        for r, values in enumerate(rows, start=1):
            for col, value in enumerate(values):
                if value is not None:
                    self.ws.write_string(r, col, str(value))
                    lengths[col] = r
        for col, ident in enumerate(idents):
            letters = _col_letters(col)
            n = lengths[col]
            self.ranges[ident] = f"='{LISTS_SHEET}'!${letters}$2:${letters}${n + 1}" if n else None

    def source(self, ident) -> str | None:
        return self.ranges.get(ident)


CODE_LISTS = {"don_vi": "Mã đơn vị", "doanh_nghiep": "Mã doanh nghiệp"}  # sheet key → list name


def code_lists(scope) -> dict[object, tuple[str, Iterable]]:
    """The scope's unit and enterprise codes, read `CHUNK` at a time, for the columns naming them."""
    lists = {}
    for key, name in CODE_LISTS.items():
        sheet = BY_KEY[key]
        found = scoped_queryset(sheet, scope).order_by("code").values_list("code", flat=True)
        lists[("ref", key)] = (name, found.iterator(chunk_size=CHUNK))
    return lists


def _col_letters(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _validation(source: str, *, strict: bool) -> dict:
    if strict:
        return {
            "validate": "list",
            "source": source,
            "error_title": "Giá trị không có trong danh sách",
            "error_message": "Chọn một giá trị trong danh sách thả xuống.",
        }
    return {
        "validate": "list",
        "source": source,
        "error_type": "warning",
        "error_title": "Mã không có trong danh sách",
        "error_message": "Mã này không có trong danh mục của phạm vi bạn. "
        "Chỉ dùng khi nó được khai báo ở trang khác của sổ này.",
    }


def drop_downs(ws, columns: Iterable[tuple[int, Column]], lists: Lists, first_row: int) -> None:
    """Drop-downs on the columns at these positions, from `first_row` to the sheet's end."""
    for i, column in columns:
        labels = value_labels(column)
        if column.parse is p.yes_no:
            source, strict = lists.source("yes_no"), True
        elif labels is not None:
            # An open choice (award forms) also takes other text: warn, don't refuse.
            strict = not column.parse.__qualname__.startswith("open_choice.")
            source = lists.source(id(labels))
        elif column.ref in ("don_vi", "doanh_nghiep"):
            source, strict = lists.source(("ref", column.ref)), False
        else:
            continue
        if source:
            ws.data_validation(first_row, i, LAST_ROW, i, _validation(source, strict=strict))


def print_setup(ws) -> None:
    """Printed: landscape A4, one page wide, the header row on every page."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)


def cell_width(value) -> int:
    if isinstance(value, date):
        return 12
    if isinstance(value, int | float):
        return len(f"{value:,}")
    return len(str(value))


def write_xlsx(path: Path, *, scope=None, template: bool = False) -> dict[str, int]:
    """Writes the workbook; returns the number of rows of each sheet."""
    import xlsxwriter

    counts = {}
    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "default_date_format": DATE_FORMAT,
        },
    )
    head = book.add_format(
        {"bold": True, "bg_color": "#EEF1F5", "border": 1, "text_wrap": True, "valign": "top"}
    )
    note = book.add_format({"italic": True, "font_color": "#5B6775", "text_wrap": True, "valign": "top"})
    dated = book.add_format({"num_format": DATE_FORMAT})
    money = book.add_format({"num_format": MONEY_FORMAT})
    worksheets = [(sheet, book.add_worksheet(sheet.title)) for sheet in SHEETS]
    # Added last (a clerk's tabs come first); the blank template names no unit or enterprise.
    lists = Lists(book, codes=None if template else code_lists(scope))
    for sheet, ws in worksheets:
        # A long header wraps onto a second line rather than widening a column of short values.
        widths = [min(len(c.label), HEADER_WIDTH) for c in sheet.columns]
        if any(len(c.label) > HEADER_WIDTH for c in sheet.columns):
            ws.set_row(0, 30)
        for i, column in enumerate(sheet.columns):
            ws.write_string(0, i, column.label, head)
            ws.write_comment(0, i, column_note(column), {"x_scale": 2, "y_scale": 1.5})
        ws.freeze_panes(1, 0)
        print_setup(ws)
        if template:
            _template_notes(ws, sheet, note)
            drop_downs(ws, enumerate(sheet.columns), lists, 2)
            counts[sheet.key] = 0
        else:
            drop_downs(ws, enumerate(sheet.columns), lists, 1)
            counts[sheet.key] = _write_rows(ws, sheet, scope, widths, dated=dated, money=money)
        for i, width in enumerate(widths):
            ws.set_column(i, i, max(MIN_WIDTH, min(MAX_WIDTH, width + 2)))
    book.close()
    return counts


def _write_rows(ws, sheet: Sheet, scope, widths: list[int], *, dated, money) -> int:
    formats = [
        dated if c.parse is p.parse_date else money if c.parse is p.money else None for c in sheet.columns
    ]
    labelled = [value_labels(c) is not None or c.parse is p.yes_no for c in sheet.columns]
    n = 0
    for n, row in enumerate(sheet_rows(sheet, scope), start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue  # an empty cell stays empty, not an empty string
            if labelled[c]:
                value = label_of(sheet.columns[c], value)
            if isinstance(value, str):
                ws.write_string(n, c, value)
            elif isinstance(value, date):
                ws.write_datetime(n, c, value, formats[c])
            else:
                ws.write_number(n, c, value, formats[c])
            if n <= 500:  # widths from the first rows: enough to size a column, cheap for 50k rows
                widths[c] = max(widths[c], cell_width(value))
    return n


def _template_notes(ws, sheet: Sheet, fmt) -> None:
    """Row 2: what each column needs, starting with '#' so the importer skips it."""
    for i, column in enumerate(sheet.columns):
        ws.write_string(1, i, ("# " if i == 0 else "") + column_note(column), fmt)
    ws.set_row(1, 45)
