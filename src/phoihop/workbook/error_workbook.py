"""The error workbook handed back after a rejected import: a first sheet listing every error and
warning (sheet, Excel row, column, value, what was expected), then a copy of every sheet of the file
(so that, once corrected, it can be uploaded as it is; the importer skips the listing), with the bad
cells filled red and the message in a cell comment, at the same rows and columns as in the user's
file, so they can find and fix each one. Like the export (issue 14 item 2): dates shown dd/mm/yyyy, the
drop-downs of the standard columns (lists on the hidden sheet `LISTS_SHEET`; unit and enterprise codes
when the uploaded file carried them), frozen headers, columns sized to their contents; each listed
problem links to its cell."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from pathlib import Path

import xlsxwriter

from phoihop.core.text import fold

from .export import CODE_LISTS, Lists, cell_width, drop_downs, print_setup
from .problems import Problem
from .reader import RawSheet
from .sheets import LISTS_SHEET, SHEET_NAMES

MAX_COMMENTS = 5000  # Excel slows to a crawl beyond this; further bad cells are still filled red
MAX_LINKS = 60000  # Excel's limit is 65,530 links a sheet
WIDTH_ROWS = 500  # rows read to size a column
# The listing sheet's title. The importer skips a sheet of this name, so that the error workbook, once
# corrected, can be uploaded as it is (validate.Validator._parse).
LISTING = "Danh sách lỗi"


def write_error_workbook(
    path: Path, *, raw_sheets: list[RawSheet], errors: list[Problem], warnings: list[Problem] = ()
) -> Path:
    book = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "default_date_format": "dd/mm/yyyy"},
    )
    head = book.add_format({"bold": True, "bg_color": "#EEF1F5", "border": 1})
    bad = book.add_format(
        {"bg_color": "#F8C9C5", "font_color": "#9C0006", "border": 1, "border_color": "#B3261E"}
    )
    bad_date = book.add_format(
        {
            "bg_color": "#F8C9C5",
            "font_color": "#9C0006",
            "border": 1,
            "border_color": "#B3261E",
            "num_format": "dd/mm/yyyy",
        }
    )
    warn = book.add_format({"bg_color": "#FFF2CC"})

    listing = book.add_worksheet(LISTING)
    listing.write_row(0, 0, ["Loại", "Trang", "Dòng", "Cột", "Giá trị", "Lỗi"], head)
    copies = _copies(raw_sheets)
    tabs: dict[str, tuple[str, RawSheet]] = {}
    for label, name, raw in copies:
        tabs.setdefault(label, (name, raw))
    link = book.add_format({"font_color": "#1F4E99", "underline": 1})
    links = 0
    row = 1
    for kind, problems, fmt in (("Lỗi", errors, None), ("Cảnh báo", warnings, warn)):
        for p in problems:
            listing.write_string(row, 0, kind, fmt)
            tab, raw = tabs.get(str(p.sheet), (None, None))
            cell = _locate(p, raw, columns_of(raw)) if raw is not None else None
            if cell is not None and links < MAX_LINKS:
                target = f"internal:'{tab.replace(chr(39), chr(39) * 2)}'!{_a1(*cell)}"
                listing.write_url(row, 1, target, link, string=tab, tip="Đến ô này")
                links += 1
            else:
                listing.write_string(row, 1, tab or str(p.sheet), fmt)
            if p.row is not None:
                listing.write_number(row, 2, p.row, fmt)
            listing.write_string(row, 3, p.column or "", fmt)
            listing.write_string(row, 4, "" if p.value is None else str(p.value), fmt)
            listing.write_string(row, 5, p.message_vi, fmt)
            row += 1
    listing.set_column(0, 0, 10)
    listing.set_column(1, 1, 22)
    listing.set_column(2, 2, 7)
    listing.set_column(3, 3, 26)
    listing.set_column(4, 4, 24)
    listing.set_column(5, 5, 70)
    listing.freeze_panes(1, 0)
    print_setup(listing)
    listing.autofilter(0, 0, max(row - 1, 1), 5)

    by_sheet: dict[str, list[Problem]] = defaultdict(list)
    for p in errors:
        by_sheet[p.sheet].append(p)
    comments = 0
    with_lists = []
    for label, name, raw in copies:
        declared = SHEET_NAMES.get(fold(raw.name))
        # Every sheet is copied, also those without errors, so that the corrected file is a whole workbook
        problems = by_sheet.get(label) or []
        ws = book.add_worksheet(name)
        if raw.hidden:
            ws.hide()
        columns = _column_positions(raw, declared)
        marks: dict[tuple[int, int], list[str]] = defaultdict(list)
        extra_headers: list[tuple[int, str, str]] = []
        for p in problems:
            cell = _locate(p, raw, columns)
            if cell is not None:
                marks[cell].append(p.message_vi if p.value in (None, "") else f"'{p.value}': {p.message_vi}")
            elif p.row == 1 and p.column:  # a required column that is missing: shown after the last one
                extra_headers.append((len(raw.header) + len(extra_headers), p.column, p.message_vi))
        ws.write_row(0, 0, [str(h) if h is not None else "" for h in raw.header], head)
        for col, label_text, message in extra_headers:
            ws.write_string(0, col, label_text, bad)
            marks[(0, col)].append(message)
        for no, cells in raw.rows:
            for c, value in enumerate(cells):
                is_bad = (no - 1, c) in marks
                _write(ws, no - 1, c, value, (bad_date if _is_date(value) else bad) if is_bad else None)
        widths = {0: len(raw.header) + len(extra_headers)} | {no - 1: len(cells) for no, cells in raw.rows}
        for (r, c), messages in sorted(marks.items()):
            if c >= widths.get(r, 0):  # a cell beyond the row's end: still show it red
                ws.write_blank(r, c, None, bad)
            if comments < MAX_COMMENTS:
                ws.write_comment(r, c, "\n".join(messages), {"x_scale": 2.2, "y_scale": 1.4})
                comments += 1
        ws.freeze_panes(1, 0)
        print_setup(ws)
        for c, width in enumerate(_widths(raw, len(raw.header) + len(extra_headers))):
            ws.set_column(c, c, width)
        if declared is not None:
            with_lists.append((ws, [(i, declared.columns[k]) for i, k in _declared_positions(raw, declared)]))
    if with_lists:
        lists = Lists(book, codes=_uploaded_code_lists(raw_sheets))  # the last tab, hidden
        for ws, positions in with_lists:
            drop_downs(ws, positions, lists, 1)
    book.close()
    return path


def _copies(raw_sheets: list[RawSheet]) -> list[tuple[str, str, RawSheet]]:
    """(the problems' name for the sheet — a declared sheet's label, else the tab's name —, the copy's
    tab, the sheet) in the file's order; neither an earlier listing nor the drop-down lists are copied."""
    used = {LISTING.lower(), LISTS_SHEET.lower()}
    copies = []
    for raw in raw_sheets:
        if fold(raw.name) in (fold(LISTING), fold(LISTS_SHEET)):
            continue
        declared = SHEET_NAMES.get(fold(raw.name))
        copies.append((declared.label if declared else raw.name, _sheet_name(raw.name, used), raw))
    return copies


def columns_of(raw: RawSheet) -> dict[str, int]:
    return _column_positions(raw, SHEET_NAMES.get(fold(raw.name)))


def _declared_positions(raw: RawSheet, declared) -> list[tuple[int, int]]:
    """(position in the user's header, index of the declared column) for each recognised header."""
    index = {}
    for k, column in enumerate(declared.columns):
        index[fold(column.key)] = k
        index[fold(column.label)] = k
    found = []
    for i, head in enumerate(raw.header):
        if head is not None and fold(str(head)) in index:
            found.append((i, index[fold(str(head))]))
    return found


def _uploaded_code_lists(raw_sheets: list[RawSheet]) -> dict:
    """The unit and enterprise codes of the uploaded file's own list sheet (an export's), if any: the
    error workbook knows no scope, so it offers only what the file already held."""
    uploaded = next((r for r in raw_sheets if fold(r.name) == fold(LISTS_SHEET)), None)
    if uploaded is None:
        return {}
    lists = {}
    for key, name in CODE_LISTS.items():
        at = next((i for i, h in enumerate(uploaded.header) if h == name), None)
        if at is not None:
            codes = [
                cells[at] for _, cells in uploaded.rows if at < len(cells) and cells[at] not in (None, "")
            ]
            lists[("ref", key)] = (name, codes)
    return lists


def _widths(raw: RawSheet, count: int) -> list[int]:
    widths = [len(str(h)) if h is not None else 0 for h in raw.header] + [12] * (count - len(raw.header))
    widths = [min(w, 20) for w in widths]
    for _, cells in raw.rows[:WIDTH_ROWS]:
        for c, value in enumerate(cells[:count]):
            if value not in (None, ""):
                widths[c] = max(widths[c], cell_width(value))
    return [max(8, min(50, w + 2)) for w in widths]


def _a1(row: int, col: int) -> str:
    letters, col = "", col + 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Trang"
    candidate, n = clean, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def _column_positions(raw: RawSheet, declared) -> dict[str, int]:
    """Column label (as the engine names it in problems) → its index in the user's header."""
    positions: dict[str, int] = {}
    lookup = {}
    if declared is not None:
        for column in declared.columns:
            lookup[fold(column.key)] = column.label
            lookup[fold(column.label)] = column.label
    for i, head in enumerate(raw.header):
        if head is None or str(head).strip() == "":
            continue
        label = lookup.get(fold(str(head)), str(head))
        positions.setdefault(label, i)
    return positions


def _locate(p: Problem, raw: RawSheet, columns: dict[str, int]) -> tuple[int, int] | None:
    if p.row is None:
        return None
    if p.column:
        if p.column in columns:
            return p.row - 1, columns[p.column]
        return None
    if p.row == 1 and p.value not in (None, ""):  # an unknown header
        for i, head in enumerate(raw.header):
            if head == p.value:
                return 0, i
    return p.row - 1, 0  # a problem with the whole row: mark its first cell


def _is_date(value) -> bool:
    return isinstance(value, date | datetime)


def _write(ws, r: int, c: int, value, fmt) -> None:
    if value is None or value == "":
        if fmt is not None:
            ws.write_blank(r, c, None, fmt)
        return
    if isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value, fmt)
    elif isinstance(value, datetime | date):
        ws.write_datetime(r, c, value, fmt) if fmt is not None else ws.write_datetime(r, c, value)
    elif isinstance(value, time):
        ws.write_string(r, c, value.isoformat(), fmt)
    else:
        ws.write_string(r, c, str(value), fmt)
