"""Parsing and validating a workbook without writing anything: every error at once."""

from collections import defaultdict, deque
from contextlib import contextmanager
from datetime import date
from functools import partial
from itertools import compress, islice, repeat, starmap

from django.conf import settings
from django.utils.translation import gettext_noop

from phoihop.core import cells as p
from phoihop.core.cells import fold
from phoihop.core.dates import today
from phoihop.orgs import rules as unit_rules
from phoihop.orgs.closure import find_cycle
from phoihop.orgs.models import Enterprise, Transfer, Unit
from phoihop.records import rules as record_rules
from phoihop.records.models import Person, Referral, TimelineEntry, TrainingClass

from . import parse_process, rowstore
from .error_workbook import LISTING as ERROR_LISTING
from .gating import not_found
from .lookups import UnitInfo, chunks, named_unit_codes, unit_kinds, units_above
from .partial import fill_absent, keep_hidden_personal_data
from .people_checks import check_people
from .problems import Day, Problem
from .reader import RawSheet, StreamedRows, paused_gc
from .rowstore import Row, SpilledRows, column_values, row_numbers
from .sheets import BY_KEY, LISTS_SHEET, SHEET_NAMES, SHEETS, Column, Sheet, key_of

SKIPPED_SHEETS = {fold(ERROR_LISTING), fold(LISTS_SHEET)}
REF_MODELS = {"don_vi": Unit, "doanh_nghiep": Enterprise, "nguoi": Person, "lop_boi_duong": TrainingClass}
CODE_COLUMN = {
    "don_vi": "ma_don_vi",
    "doanh_nghiep": "ma_doanh_nghiep",
    "nguoi": "ma_nguoi",
    "lop_boi_duong": "ma_lop",
}
CHUNK = 5000
# Reference columns that may name a unit outside the importer's scope (the other side of a relation).
ANY_UNIT_COLUMNS = {
    ("gioi_thieu", "ma_to_chuc_dang"),
    ("chuong_trinh", "ma_don_vi_cong_doan"),
    ("chuong_trinh", "ma_don_vi_dang"),
}


def _problem(
    sheet: Sheet, row, column: Column | None, value, message: str, en: str | None, params
) -> Problem:
    label = column.label if column else None
    if en is not None:
        return Problem(sheet.label, row, label, value, message, en)
    return Problem.of(sheet.label, row, label, value, message, **params)


def _compact_values(sheet_key: str):
    """A maker of empty dicts for one sheet's row values that share one table of keys (CPython's
    key-sharing dicts, as its objects' attribute dicts are): a row of 11 values then weighs about 180
    bytes instead of 470 — a million people's rows, 300 MB less. They are ordinary dicts to every
    reader; the rows of a sheet fill their keys in the same order, which keeps the sharing."""
    holder = type(f"Values_{sheet_key}", (), {})

    def new():
        return holder().__dict__

    return new


def _consumed(rows: list):
    """The raw rows one by one, each let go once parsed: the raw sheet and its parsed rows are never both
    whole in memory (issue 13, item 5 — a million people's raw cells weigh as much as their values)."""
    for i, row in enumerate(rows):
        rows[i] = None
        yield row
    rows.clear()


def blank_value(column: Column):
    if getattr(column.parse, "default", None) is not None:  # e.g. chuong_trinh.ky_bao_cao → "nam"
        return column.parse.default
    if column.parse is p.yes_no:
        return False
    if column.parse is p.code_list:
        return []
    if column.key == "cap_cong_nhan":
        return "co_so"
    if column.ref or column.parse in (p.parse_date, p.count, p.money, p.year, p.tax_code):
        return "" if column.parse is p.tax_code else None
    return ""


def _reading_labels(column: Column):
    """The column's parser, taking a value's Vietnamese label for its key where the values are listed
    elsewhere than in the parser (indicator codes: the registry's labels, as exports write them)."""
    if column.labels is None:
        return column.parse
    parse = column.parse

    def parse_key_or_label(raw):
        return parse(key_of(column, raw))

    return parse_key_or_label


def existing_codes(model, codes) -> dict[str, int]:
    codes = list(codes)
    manager = model.objects.unscoped() if hasattr(model.objects, "unscoped") else model.objects
    found = {}
    for i in range(0, len(codes), CHUNK):
        found.update(manager.filter(code__in=codes[i : i + CHUNK]).values_list("code", "pk"))
    return found


class Validator:
    def __init__(self, *, scope=None, indicator_codes: set[str] | None = None):
        self.scope = scope
        self.indicator_codes = indicator_codes
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        # sheet key → its parsed rows: a list, or past the workbook's budget of rows held in memory a
        # SpilledRows (workbook.rowstore) that every pass iterates as it would the list
        self.rows: dict[str, list[Row] | SpilledRows] = {}
        self._room = settings.PHOIHOP_IMPORT_ROWS_IN_MEMORY  # parsed rows the workbook may still hold
        self.present: dict[str, set[str]] = {}  # sheet key → the column keys the sheet has

    # ---- helpers ------------------------------------------------------------------------------
    # `message` is a gettext msgid (Vietnamese) with its params; a (vi, en) pair is still accepted.
    def error(self, sheet: Sheet, row: int | None, column: Column | None, value, message, en=None, **params):
        self.errors.append(_problem(sheet, row, column, value, message, en, params))

    def warn(self, sheet: Sheet, row: int | None, column: Column | None, value, message, en=None, **params):
        self.warnings.append(_problem(sheet, row, column, value, message, en, params))

    # ---- parsing ------------------------------------------------------------------------------
    def parse(self, raw_sheets: list[RawSheet], progress=None) -> None:
        with paused_gc():
            self._parse(raw_sheets, progress)

    def _parse(self, raw_sheets: list[RawSheet], progress=None) -> None:
        seen: dict[str, str] = {}
        for raw in raw_sheets:
            sheet = SHEET_NAMES.get(fold(raw.name))
            if sheet is None and fold(raw.name) in SKIPPED_SHEETS:
                continue  # our error workbook's listing (corrected and uploaded again), our drop-down lists
            if sheet is None and raw.hidden:
                self.warnings.append(
                    Problem.of(
                        raw.name,
                        None,
                        None,
                        None,
                        gettext_noop("trang ẩn, không thuộc sổ dữ liệu chuẩn: bỏ qua"),
                    )
                )
                continue
            if sheet is None:
                known = ", ".join(s.key for s in SHEETS)
                self.errors.append(
                    Problem(
                        raw.name,
                        None,
                        None,
                        None,
                        f"trang tính không có trong sổ dữ liệu chuẩn (các trang: {known})",
                        f"unknown sheet (sheets are: {known})",
                    )
                )
                continue
            if sheet.key in seen:
                self.errors.append(
                    Problem(
                        raw.name,
                        None,
                        None,
                        None,
                        f"trùng với trang '{seen[sheet.key]}'",
                        f"duplicates sheet '{seen[sheet.key]}'",
                    )
                )
                continue
            seen[sheet.key] = raw.name
            self.rows[sheet.key] = self._parse_sheet(sheet, raw)
            if progress:
                progress("parse", len(seen), len(raw_sheets))
        if "don_vi" not in self.rows:
            self.errors.append(
                Problem.of(
                    "don_vi",
                    None,
                    None,
                    None,
                    gettext_noop("thiếu trang bắt buộc 'don_vi' (Đơn vị)"),
                )
            )

    def _parse_sheet(self, sheet: Sheet, raw: RawSheet) -> list[Row]:
        lookup = {fold(c.key): c for c in sheet.columns} | {fold(c.label): c for c in sheet.columns}
        positions: list[tuple[int, Column]] = []
        head_row = raw.header_row
        for i, head in enumerate(raw.header):
            if p.is_blank(head):
                continue
            column = lookup.get(fold(str(head)))
            if column is None:
                self.error(sheet, head_row, None, head, gettext_noop("cột không có trong sổ dữ liệu chuẩn"))
            elif any(c is column for _, c in positions):
                self.error(sheet, head_row, column, head, gettext_noop("cột bị lặp"))
            else:
                positions.append((i, column))
        present = {c.key for _, c in positions}
        self.present[sheet.key] = present
        for column in sheet.columns:
            if column.required and column.key not in present:
                self.error(sheet, head_row, column, None, gettext_noop("thiếu cột bắt buộc"))
        # What the reader found (merged cells, formulas without values, legacy encodings, title rows) goes
        # before the rows' own problems; it is asked for once the rows are read, as a sheet read a piece at
        # a time finds text to convert as it goes (reader.PieceRows).
        labels = {i: c.label for i, c in positions}
        errors_at, warnings_at = len(self.errors), len(self.warnings)
        rows = self._parse_rows(sheet, raw, positions, present)
        errors, warnings = raw.problems(sheet.label, labels.get)
        self.errors[errors_at:errors_at] = errors
        self.warnings[warnings_at:warnings_at] = warnings
        return rows

    def _parse_rows(self, sheet: Sheet, raw: RawSheet, positions: list, present: set[str]):
        absent = [c for c in sheet.columns if c.key not in present]
        absent_lists = [c.key for c in absent if c.parse is p.code_list]
        absent_values = [(c.key, blank_value(c)) for c in absent if c.parse is not p.code_list]
        # Per present column, decided once: (position, column, key, parser, must be filled, blank value,
        # and for a large sheet streamed from its file, the values already read from the same text:
        # references and dates repeat, so each is read once and one object is kept for all the rows
        # that hold it — at a million people, 170 MB less; on small sheets the lookups cost more than
        # they save).
        share = isinstance(raw.rows, StreamedRows)
        plan = [
            (
                i,
                c,
                c.key,
                _reading_labels(c),
                c.required and c.parse is not p.yes_no,
                blank_value(c),
                {} if share and (c.ref and c.parse is not p.code_list or c.parse is p.parse_date) else None,
            )
            for i, c in positions
        ]
        is_blank = p.is_blank
        new_values = _compact_values(sheet.key)

        def parse_row(no, cells) -> Row | None:
            """The row parsed (its problems added to self.errors), or None for a blank or notes row."""
            first = cells[0] if cells else ""
            if not (isinstance(first, str) and first.strip()) and all(is_blank(c) for c in cells):
                return None
            if isinstance(first, str) and first.startswith("#"):
                return None  # a notes row (the template's second row)
            values = new_values()
            for key, blank in absent_values:
                values[key] = blank
            for key in absent_lists:
                values[key] = []
            width = len(cells)
            for i, column, key, parse, required, blank, read in plan:
                cell = cells[i] if i < width else ""
                if cell is None or (isinstance(cell, str) and (not cell or cell.isspace())):
                    if required:  # an empty yes/no means "no"
                        self.error(
                            sheet, no, column, None, "ô bắt buộc đang để trống", "a required cell is empty"
                        )
                    values[key] = [] if parse is p.code_list else blank
                    continue
                if read is not None:
                    value = read.get(cell)
                    if value is not None:
                        values[key] = value
                        continue
                try:
                    values[key] = value = parse(cell)
                except p.CellError as bad:
                    msgid, params = bad.problem()  # "cần …", or what is wrong with the value
                    self.error(sheet, no, column, cell, msgid, **params)
                    values[key] = None
                    continue
                if read is not None and type(cell) is str:
                    read[cell] = value
            return Row(no, values)

        # Rows of this sheet kept as objects; past them, the rows go to a file a block at a time.
        room = self._room
        rows = []
        source = _consumed(raw.rows)
        for no, cells in source:
            row = parse_row(no, cells)
            if row is None:
                continue
            rows.append(row)
            if len(rows) > room:
                self._room = 0  # the sheets after this one spill from the start
                spilled = SpilledRows()
                spilled.extend(rows)
                del rows
                return self._parse_spilled(source, parse_row, spilled).seal()
        self._room -= len(rows)
        return rows

    def _parse_block(self, parse_row, block: list) -> tuple[rowstore.EncodedChunk, list, list]:
        """One block of (number, cells) parsed apart from the sheet's problems so far: its rows encoded
        as a spilled sheet stores them, and the errors and warnings found in it, in order."""
        with self._problems_apart() as (errors, warnings):
            rows = [row for row in starmap(parse_row, block) if row is not None]
        return rowstore.encode(rows), errors, warnings

    @contextmanager
    def _problems_apart(self):
        """The problems found inside the block collected in lists of their own (yielded), apart from
        those found before, which are back in place afterwards: for a part of the work done in a
        second process, whose problems are put in their place in the order afterwards."""
        kept = self.errors, self.warnings
        self.errors, self.warnings = [], []
        try:
            yield self.errors, self.warnings
        finally:
            self.errors, self.warnings = kept

    def _parse_spilled(self, source, parse_row, spilled: SpilledRows) -> SpilledRows:
        """The rest of a sheet past the rows kept in memory, a block of rowstore.CHUNK rows at a time. On a
        machine of several cores a second process parses the blocks this one does not (parse_process):
        a block goes to it while it has fewer than two, else it is parsed here. Blocks are added to the
        spilled rows, and their problems to the sheet's, in the sheet's order."""
        worker = None
        pending: deque = deque()  # ("here", result) or ("there", None), in the sheet's order

        def take(wait: bool) -> None:
            while pending:
                where, result = pending[0]
                if where == "there":
                    if not (wait or worker.ready()):
                        return
                    result = worker.receive()
                pending.popleft()
                chunk, errors, warnings = result
                spilled.add_encoded(chunk)
                self.errors += errors
                self.warnings += warnings

        try:
            while block := list(islice(source, rowstore.CHUNK)):
                if worker is None and len(block) == rowstore.CHUNK and parse_process.available():
                    worker = parse_process.BlockParser(partial(self._parse_block, parse_row))
                if worker is not None and worker.in_flight < 2:
                    worker.send(block)
                    pending.append(("there", None))
                else:
                    pending.append(("here", self._parse_block(parse_row, block)))
                del block
                take(wait=len(pending) > 4)
            take(wait=True)
        except BaseException:
            if worker is not None:
                worker.close(abandon=True)
            raise
        if worker is not None:
            worker.close()
        return spilled

    # ---- checks -------------------------------------------------------------------------------
    def check(self) -> None:
        with paused_gc():
            self._check()

    def _check(self) -> None:
        fill_absent(self)
        keep_hidden_personal_data(self)
        # Every row against its record rules: pure functions over the rows, so for a workbook past the
        # rows kept in memory, in a second process while this one checks keys and references; the
        # messages go where they come in a check made here.
        timeline = self._people_with_timeline() if self.rows.get("nguoi") else set()
        record_rules_of = partial(self._record_rule_errors, timeline)
        spilled = any(isinstance(rows, SpilledRows) for rows in self.rows.values())
        record_rules = parse_process.Beside(record_rules_of) if spilled else None
        try:
            self._check_duplicates()
            self._check_references()
            self._check_units()
            self._check_rules(record_rules.result if record_rules else record_rules_of)
        finally:
            if record_rules is not None:
                record_rules.close()  # a check failed before the answer was taken: the child ends
        # Scope and roles are decided per row by the write gate while writing (workbook.write), where
        # each row's record is known as it is now and as it would be.

    def _check_duplicates(self) -> None:
        for key, rows in self.rows.items():
            sheet = BY_KEY[key]
            first: dict = {}
            columns = sheet.key_columns
            single = columns[0] if len(columns) == 1 else None
            # A code (letters without marks, digits, - _ .) folds to lower case with _ as a space: its
            # upper-cased fold is as good a key, and is the code itself when written in capitals (as
            # codes usually are) — a million codes need no million new strings.
            codes = single is not None and sheet.column(single).parse is p.code
            if codes:
                # The usual sheet, told at C speed: codes all in capitals (their own canonical form),
                # no underscore, none twice — then no row has a duplicate key.
                given = [v for v in column_values(rows, single) if v is not None]
                joined = "\x1f".join(given)
                if "_" not in joined and joined.upper() == joined and len(set(given)) == len(given):
                    continue
                del given, joined
            # The key columns only, with the rows' numbers (from a spilled sheet: those columns alone).
            keyed = zip(row_numbers(rows), *(column_values(rows, c) for c in columns), strict=True)
            for no, *values in keyed:
                if single is not None:  # most sheets: one code column, the folded value is the key
                    v = values[0]
                    if v is None:
                        continue
                    if codes and "_" not in v:
                        k = v.upper()
                        if k == v:
                            k = v
                    else:
                        k = fold(v) if isinstance(v, str) else v
                        if codes:
                            k = k.upper()
                else:
                    k = tuple(values)
                    if any(v is None for v in k):
                        continue
                    k = tuple(fold(v) if isinstance(v, str) else v for v in k)
                if k in first:
                    col = sheet.column(sheet.key_columns[0])
                    self.error(
                        sheet,
                        no,
                        col,
                        str(fold(v) if codes else k) if single is not None else " / ".join(str(v) for v in k),
                        gettext_noop("trùng khóa với dòng %(line)s"),
                        line=first[k],
                    )
                else:
                    first[k] = no

    def workbook_codes(self, sheet_key: str) -> set[str]:
        codes = set(column_values(self.rows.get(sheet_key, []), CODE_COLUMN[sheet_key]))
        codes.discard(None)
        codes.discard("")
        return codes

    def _check_references(self) -> None:
        wanted: dict[str, set[str]] = defaultdict(set)
        for key, rows in self.rows.items():
            for column in BY_KEY[key].columns:
                if column.ref:
                    k = column.key
                    if column.parse is p.code_list:
                        wanted[column.ref].update(
                            code for row in rows if (v := row.values.get(k)) for code in v
                        )
                    else:  # str or None: the empty ones are dropped below
                        wanted[column.ref].update(column_values(rows, k))
        for codes in wanted.values():
            codes.discard(None)
            codes.discard("")
        # The codes each referenced sheet knows: the workbook's own, and those the database holds of the
        # others named. Built in place and let go after the check (a million people's codes).
        known_codes: dict[str, set[str]] = {}
        for ref, codes in wanted.items():
            known = self.workbook_codes(ref)
            codes -= known
            known.update(existing_codes(REF_MODELS[ref], codes))
            known_codes[ref] = known
        del wanted
        for key, rows in self.rows.items():
            sheet = BY_KEY[key]
            for column in sheet.columns:
                if not column.ref:
                    continue
                known = known_codes[column.ref]
                if column.parse is not p.code_list:
                    named = set(column_values(rows, column.key))
                    named.discard(None)
                    named.discard("")
                    if named <= known:
                        continue  # the usual column: every code it names is known, no row to report
                for row in rows:
                    v = row.values.get(column.key)
                    if not v or (not isinstance(v, list) and v in known):
                        continue
                    for code in v if isinstance(v, list) else [v]:
                        if code not in known:
                            self.error(
                                sheet,
                                row.no,
                                column,
                                code,
                                *not_found(column.ref),
                            )

    def unit_info(self, *, every_unit: bool = False) -> dict[str, UnitInfo]:
        """Units of the database and the workbook by code. For a user with a limited scope, the database
        units outside it are left out: checks say nothing about them (no hint that a code exists); the
        write gate refuses a row that would newly name one, exactly like a code that does not exist.
        `every_unit`: also those, for the columns that may name any unit (a receiving party unit)."""
        # Only the units the workbook names and those above them are read (workbook.lookups).
        if every_unit and self.scope is not None and not self.scope.everything:
            if not hasattr(self, "_all_units"):
                self._all_units = {
                    code: UnitInfo(kind, None, None, None)
                    for code, kind in unit_kinds(named_unit_codes(BY_KEY, self.rows)).items()
                } | self.unit_info()
            return self._all_units
        if not hasattr(self, "_units"):
            db_units = Unit.objects.all()
            if self.scope is not None and not self.scope.everything:
                db_units = self.scope.units()
            units, self._db_transfers = units_above(db_units, named_unit_codes(BY_KEY, self.rows))
            for row in self.rows.get("don_vi", []):
                v = row.values
                if v.get("ma_don_vi") and v.get("loai"):
                    units[v["ma_don_vi"]] = UnitInfo(
                        v["loai"], v.get("ma_cap_tren"), v.get("ngay_thanh_lap"), v.get("ngay_giai_the")
                    )
            self._units = units
        return self._units

    def _check_units(self) -> None:
        """Each don_vi row against the unit rules (orgs.rules), the ones the unit pages apply, over the
        units the workbook names (and those above them) and the earliest founding under each."""
        sheet = BY_KEY["don_vi"]
        units = self.unit_info()
        rows = self.rows.get("don_vi", [])
        earliest = self._earliest_children() if rows else {}
        on = today()
        col = sheet.column
        columns = {
            "founded_on": col("ngay_thanh_lap"),
            "dissolved_on": col("ngay_giai_the"),
            "parent": col("ma_cap_tren"),
            "merged_into": col("ma_don_vi_tiep_nhan"),
        }
        for row in rows:
            v = row.values
            code, kind, parent = v.get("ma_don_vi") or "", v.get("loai"), v.get("ma_cap_tren")
            if not kind:
                continue
            facts = unit_rules.Facts(code, kind, v.get("ngay_thanh_lap"), v.get("ngay_giai_the"))
            found = unit_rules.unit(
                facts,
                parent_code=parent,
                parent=_facts(parent, units.get(parent)) if parent else None,
                earliest_child=earliest.get(code),
                on=on,
            )
            target = v.get("ma_don_vi_tiep_nhan")
            if target and (target == code or target in units):
                found += unit_rules.merger(facts, _facts(target, units.get(target)) or facts)
            for broken in found:
                column = columns[broken.field]
                value = v.get(column.key)
                shown = value.isoformat() if isinstance(value, date) else value
                self.error(sheet, row.no, column, shown, broken.msgid, **broken.params)
        self._check_transfers(units)
        self._check_cycles(units)

    def _earliest_children(self) -> dict[str, date]:
        """Per unit of the don_vi rows: the earliest founding of a database unit that ever stood directly
        under it (by its parent or a transfer) — bulk reads. Units with a row of their own are checked
        against their parent on that row."""
        codes = {r.values["ma_don_vi"] for r in self.rows.get("don_vi", []) if r.values.get("ma_don_vi")}
        pairs: list[tuple[str, date | None]] = []
        for chunk in chunks(codes):
            for code, parent, founded in Unit.objects.filter(
                parent__code__in=chunk, founded_on__isnull=False
            ).values_list("code", "parent__code", "founded_on"):
                if code not in codes:  # the workbook's row says where it stands
                    pairs.append((parent, founded))
            pairs += Transfer.objects.filter(
                new_parent__code__in=chunk, unit__founded_on__isnull=False
            ).values_list("new_parent__code", "unit__founded_on")
        earliest: dict[str, date] = {}
        for code, founded in pairs:
            if founded and (code not in earliest or founded < earliest[code]):
                earliest[code] = founded
        return earliest

    def _transfers(self) -> list[tuple[str, date, str]]:
        self.unit_info()  # the transfers of the units the workbook names and of those above them
        moves = {(u, d): p_ for u, d, p_ in self._db_transfers}
        for row in self.rows.get("dieu_chuyen", []):
            v = row.values
            if v.get("ma_don_vi") and v.get("ngay_hieu_luc") and v.get("ma_cap_tren_moi"):
                moves[(v["ma_don_vi"], v["ngay_hieu_luc"])] = v["ma_cap_tren_moi"]
        return [(u, d, p_) for (u, d), p_ in moves.items()]

    def _check_transfers(self, units: dict[str, UnitInfo]) -> None:
        sheet = BY_KEY["dieu_chuyen"]
        on = today()
        columns = {
            "effective_on": sheet.column("ngay_hieu_luc"),
            "new_parent": sheet.column("ma_cap_tren_moi"),
        }
        for row in self.rows.get("dieu_chuyen", []):
            v = row.values
            code, day, parent = v.get("ma_don_vi"), v.get("ngay_hieu_luc"), v.get("ma_cap_tren_moi")
            unit, new = units.get(code or ""), units.get(parent or "")
            moved = _facts(code or "", unit) or unit_rules.Facts(code or "", "")
            # The unit rules (orgs.rules), as the transfer page applies them: a sane date, a parent that fits.
            for broken in unit_rules.transfer(moved, effective_on=day, new_parent=_facts(parent, new), on=on):
                column = columns[broken.field]
                value = v.get(column.key)
                shown = value.isoformat() if isinstance(value, date) else value
                self.error(sheet, row.no, column, shown, broken.msgid, **broken.params)
            if not (code and day and parent and unit and new):
                continue
            if unit.dissolved and day > unit.dissolved:
                self.error(
                    sheet,
                    row.no,
                    sheet.column("ngay_hieu_luc"),
                    day.isoformat(),
                    gettext_noop("đơn vị %(code)s đã giải thể ngày %(day)s"),
                    code=code,
                    day=Day(unit.dissolved),
                )
            if (new.founded and day < new.founded) or (new.dissolved and day > new.dissolved):
                self.error(
                    sheet,
                    row.no,
                    sheet.column("ma_cap_tren_moi"),
                    parent,
                    gettext_noop("cấp trên mới không tồn tại vào ngày %(day)s"),
                    day=Day(day),
                )

    def _check_cycles(self, units: dict[str, UnitInfo]) -> None:
        if not self.rows.get("don_vi") and not self.rows.get("dieu_chuyen"):
            return
        cycle = find_cycle(
            ((c, u.parent if u.parent in units else None, u.founded) for c, u in units.items()),
            self._transfers(),
        )
        if cycle:
            names = ", ".join(sorted(str(u) for u in cycle.unit_ids))
            self.errors.append(
                Problem.of(
                    BY_KEY["don_vi"].label,
                    None,
                    "Mã đơn vị cấp trên",
                    names,
                    gettext_noop("vòng lặp cấp trên: đơn vị trở thành cấp trên của chính nó"),
                )
            )

    def _check_rules(self, record_rule_errors) -> None:
        units = self.unit_info()
        # The unit kinds a reference column may name: records.rules.UNIT_KINDS, by the column's field
        # (the rule and message the record forms, hence the API, apply).
        for key, rows in self.rows.items():
            sheet = BY_KEY[key]
            for column in sheet.columns:
                if not rows or (sheet.model, column.field) not in record_rules.UNIT_KINDS:
                    continue
                units = self.unit_info(every_unit=(key, column.key) in ANY_UNIT_COLUMNS)
                # The rule depends on the code alone: asked once per distinct code, the rows read only
                # when some code breaks it.
                broken_by: dict = {}
                for code in set(column_values(rows, column.key)):
                    found = units.get(code) if code else None
                    if found is None:
                        continue  # no code, or a code that does not exist: the reference check says so
                    broken = record_rules.unit_kind(sheet.model, column.field, code, found.kind)
                    if broken is not None:
                        broken_by[code] = broken
                if not broken_by:
                    continue
                for row in rows:
                    code = row.values.get(column.key)
                    broken = broken_by.get(code) if code else None
                    if broken is not None:
                        self.error(sheet, row.no, column, code, broken.msgid, **broken.params)
        units = self.unit_info()
        self.errors += record_rule_errors()
        if self.indicator_codes is not None:
            sheet = BY_KEY["chi_tieu"]
            for row in self.rows.get("chi_tieu", []):
                code = row.values.get("ma_chi_tieu")
                if code and code not in self.indicator_codes:
                    self.error(
                        sheet,
                        row.no,
                        sheet.column("ma_chi_tieu"),
                        code,
                        gettext_noop("mã chỉ tiêu không có trong danh mục chỉ tiêu"),
                    )
        check_people(self)  # qua_trinh against nguoi, so_cccd unique, timeline rows in scope
        for sheet in SHEETS:
            if sheet.check is not None:
                sheet.check(self)  # a registered sheet's own checks (periods: the rows of so_lieu_bao_cao)
        self._warnings(units)

    def _record_rule_errors(self, timeline: set[str]) -> list[Problem]:
        """Each row of a record sheet against its kind's rules (records.rules), the ones the staff forms
        and the API apply, with the same messages: pure functions over the row's values, no queries (the
        people with a timeline, `_people_with_timeline`, asked beforehand)."""
        with self._problems_apart() as (errors, _):  # the rules find errors only
            self._check_record_rules(timeline)
        return errors

    def _check_record_rules(self, timeline: set[str]) -> None:
        on = today()
        for key, rows in self.rows.items():
            sheet = BY_KEY[key]
            rule = record_rules.RULES.get(sheet.model)
            if rule is None or rule is record_rules.no_rules:
                continue
            by_field = {c.field: c for c in sheet.columns if c.field}
            # The row's values by model field name, only those the rule reads (`rule.reads`): one C-level
            # pass per row (every column key is in a parsed row: absent columns hold their blank value).
            fields = tuple(f for f in rule.reads if f in by_field)
            if not fields:
                continue
            # Only those columns are read, with the rows' numbers: from a spilled sheet, a few columns of
            # each chunk instead of whole rows. A rule names only fields it reads (`reads`).
            columns = [column_values(rows, by_field[f].key) for f in fields]
            of_people = key == "nguoi"
            people = column_values(rows, "ma_nguoi") if of_people else repeat(None)
            for no, person, *cells in zip(row_numbers(rows), people, *columns, strict=False):
                values = dict(zip(fields, cells, strict=True))
                facts = {"has_timeline": person in timeline} if of_people else {}
                for broken in rule(values, on=on, **facts):
                    column = by_field.get(broken.field)
                    value = values.get(broken.field) if column else None
                    shown = value.isoformat() if isinstance(value, date) else value
                    self.error(sheet, no, column, shown, broken.msgid, **broken.params)

    def _people_with_timeline(self) -> set[str]:
        """The nguoi rows' people with a timeline (qua_trinh rows in the workbook or the database), asked
        only for the rows a timeline excuses — a joining date without a union — in bulk."""
        people = self.rows.get("nguoi", [])
        candidates = {
            code
            for code, joined, union in zip(
                column_values(people, "ma_nguoi"),
                column_values(people, "ngay_vao_cong_doan"),
                column_values(people, "ma_cdcs"),
                strict=True,
            )
            if code and joined and not union
        }
        if not candidates:
            return set()
        found = set(column_values(self.rows.get("qua_trinh", []), "ma_nguoi")) & candidates
        for chunk in chunks(candidates - found):
            found.update(
                TimelineEntry.objects.unscoped()
                .filter(person__code__in=chunk)
                .values_list("person__code", flat=True)
                .distinct()
            )
        return found

    def _warnings(self, units: dict[str, UnitInfo]) -> None:
        dated = [
            ("nguoi", "ma_cdcs", "ngay_vao_cong_doan"),
            ("gioi_thieu", "ma_don_vi_gioi_thieu", "ngay_gioi_thieu"),
            ("an_sinh", "ma_don_vi", "ngay"),
            ("ket_nap", "ma_to_chuc_dang", "ngay_ket_nap"),
            ("lop_boi_duong", "ma_don_vi_to_chuc", "ngay_bat_dau"),
        ]
        for key, unit_col, date_col in dated:
            sheet = BY_KEY[key]
            rows = self.rows.get(key, [])
            # Only the rows naming a dissolved unit can be warned about: picked out at C speed.
            dissolved = {
                code
                for code in set(column_values(rows, unit_col))
                if (u := units.get(code or "")) and u.dissolved
            }
            if not dissolved:
                continue
            named = zip(
                row_numbers(rows), column_values(rows, unit_col), column_values(rows, date_col), strict=True
            )
            for no, code, day in compress(named, map(dissolved.__contains__, column_values(rows, unit_col))):
                unit = units[code]
                if day and day > unit.dissolved:
                    self.warn(
                        sheet,
                        no,
                        sheet.column(date_col),
                        day.isoformat(),
                        gettext_noop("ngày sau khi đơn vị %(unit)s giải thể (%(day)s)"),
                        unit=code,
                        day=Day(unit.dissolved),
                    )
        admissions = self.rows.get("ket_nap", [])
        if not admissions:
            return
        first_referral: dict[str, date] = {}
        people = [code for code in column_values(admissions, "ma_nguoi") if code]
        for i in range(0, len(people), CHUNK):
            for code, day in (
                Referral.objects.unscoped()
                .filter(person__code__in=people[i : i + CHUNK])
                .values_list("person__code", "referred_on")
            ):
                first_referral[code] = min(day, first_referral.get(code, day))
        referrals = self.rows.get("gioi_thieu", [])
        for code, day in zip(
            column_values(referrals, "ma_nguoi"), column_values(referrals, "ngay_gioi_thieu"), strict=True
        ):
            if code and day:
                first_referral[code] = min(day, first_referral.get(code, day))
        sheet = BY_KEY["ket_nap"]
        for no, code, day in zip(
            row_numbers(admissions),
            column_values(admissions, "ma_nguoi"),
            column_values(admissions, "ngay_ket_nap"),
            strict=True,
        ):
            if code in first_referral and day and day < first_referral[code]:
                self.warn(
                    sheet,
                    no,
                    sheet.column("ngay_ket_nap"),
                    day.isoformat(),
                    gettext_noop("kết nạp trước ngày được giới thiệu (%(day)s)"),
                    day=Day(first_referral[code]),
                )


def _facts(code: str | None, info: UnitInfo | None) -> unit_rules.Facts | None:
    return unit_rules.Facts(code, info.kind, info.founded, info.dissolved) if code and info else None
