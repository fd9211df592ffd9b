"""Writing the standard workbook (.xlsx or a folder of .csv) and the blank template, from the same
declarations the importer reads. Strings that begin with = + - @ are never formulas: text cells in .xlsx,
a leading apostrophe in .csv."""

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

from phoihop.core import cells as p
from phoihop.orgs.models import Enterprise, Transfer, Unit
from phoihop.records.models import Initiative, Person

from .sheets import SHEETS, Sheet

FORMULA_START = ("=", "+", "-", "@")


def _cell(column, value):
    if value is None:
        return ""
    if column.parse is p.yes_no:
        return "x" if value else ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _queryset(sheet: Sheet, scope):
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


def sheet_rows(sheet: Sheet, scope=None) -> list[list]:
    """The sheet's rows as cell values, ordered by natural key. A person's personal data is left empty
    for a scope that may not see it — the person page's own rule (accounts.scope.personal_data_q)."""
    paths = []
    for column in sheet.columns:
        if column.key == "tac_gia":
            paths.append("pk")
        elif column.ref:
            paths.append(f"{column.field}__code")
        else:
            paths.append(column.field)
    qs = _queryset(sheet, scope)
    authors = {}
    if sheet.model is Initiative:
        for initiative, code in Initiative.authors.through.objects.values_list(
            "initiative_id", "person__code"
        ).order_by("initiative_id", "person__code"):
            authors.setdefault(initiative, []).append(code)
    key_paths = [paths[[c.key for c in sheet.columns].index(k)] for k in sheet.key_columns]
    hidden = _personal_hidden(sheet, scope)
    rows = []
    for pk, *values in qs.order_by(*key_paths).values_list("pk", *paths):
        row = []
        for column, value in zip(sheet.columns, values, strict=True):
            row.append(";".join(authors.get(value, [])) if column.key == "tac_gia" else _cell(column, value))
        if hidden is not None and pk not in hidden[0]:
            for i in hidden[1]:
                row[i] = ""
        rows.append(row)
    return rows


def _personal_hidden(sheet: Sheet, scope) -> tuple[set[int], list[int]] | None:
    """(ids of the people whose personal data the scope sees, positions of the personal columns), or None
    when the sheet holds none or the scope sees everything."""
    from phoihop.accounts.scope import personal_data_q

    from .partial import PERSONAL_COLUMNS

    positions = [i for i, c in enumerate(sheet.columns) if c.key in PERSONAL_COLUMNS]
    if sheet.model is not Person or not positions or scope is None or scope.everything:
        return None
    shown = set(Person._base_manager.filter(personal_data_q(scope)).values_list("pk", flat=True))
    return shown, positions


def _csv_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv_folder(folder: Path, *, scope=None) -> dict[str, int]:
    """Writes one .csv per sheet; returns the number of rows of each sheet."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for sheet in SHEETS:
        rows = sheet_rows(sheet, scope)
        counts[sheet.key] = len(rows)
        with open(folder / f"{sheet.key}.csv", "w", newline="", encoding="utf-8-sig") as f:
            writer = csv.writer(f)
            writer.writerow([c.label for c in sheet.columns])
            writer.writerows([_csv_safe(v) for v in row] for row in rows)
    return counts


def write_xlsx(path: Path, *, scope=None, template: bool = False) -> dict[str, int]:
    """Writes the workbook; returns the number of rows of each sheet."""
    import xlsxwriter

    counts = {}
    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": not template,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    head = book.add_format({"bold": True, "bg_color": "#EEF1F5", "border": 1, "text_wrap": True})
    note = book.add_format({"italic": True, "font_color": "#5B6775", "text_wrap": True})
    for sheet in SHEETS:
        ws = book.add_worksheet(sheet.key)
        for i, column in enumerate(sheet.columns):
            ws.write_string(0, i, column.label, head)
            ws.set_column(i, i, max(14, min(40, len(column.label) + 4)))
        ws.freeze_panes(1, 0)
        if template:
            _template_notes(ws, sheet, note)
            continue
        rows = sheet_rows(sheet, scope)
        counts[sheet.key] = len(rows)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    if value:  # an empty cell stays empty, not an empty string
                        ws.write_string(r, c, value)
                elif value != "":
                    ws.write_number(r, c, value)
    book.close()
    return counts


def _template_notes(ws, sheet: Sheet, fmt) -> None:
    """Row 2: what each column needs, starting with '#' so the importer skips it; drop-downs for enums."""
    for i, column in enumerate(sheet.columns):
        parts = ["Bắt buộc" if column.required else "Không bắt buộc"]
        if column.choices:
            parts.append("chọn: " + ", ".join(column.choices))
        if column.ref:
            parts.append(f"mã ở trang {column.ref}")
        if column.note:
            parts.append(column.note)
        text = "; ".join(parts)
        ws.write_string(1, i, ("# " if i == 0 else "") + text, fmt)
        if column.choices:
            ws.data_validation(
                2,
                i,
                5000,
                i,
                {
                    "validate": "list",
                    "source": list(column.choices)[:60],
                    "error_message": "Chọn một giá trị trong danh sách",
                },
            )
        elif column.parse is p.yes_no:
            ws.data_validation(2, i, 5000, i, {"validate": "list", "source": ["x", "có", "không"]})
    ws.set_row(1, 45)
