"""Reading a workbook source — an .xlsx file, a folder of .csv files, or one .csv — into raw rows,
after refusing what must not be parsed: oversized files, password-protected or old .xls files, corrupt
archives, zip bombs and XML carrying DTDs or entities.

A clerk's workbook is rarely the one we wrote (issue 14, "Bad input"); the reader takes it as it is:
- text is Unicode NFC (`core.text.clean_text`); text in the legacy TCVN3 or VNI encodings
  (`core.legacy_vn`) is converted, with a warning showing the converted text, or refused naming the
  encoding when the conversion is not certain;
- title rows above the real header are skipped: the header is the first row (of the first 20) whose
  cells name the sheet's columns;
- a cell merged down a column gives its value to every row of the merge; a merge across columns at or
  below the header is an error naming the range (one value cannot fill two columns);
- formulas are read by the values Excel or LibreOffice saved with them; a formula saved without one
  (written by a program, never opened) is an error asking to open and save the file;
- hidden sheets are marked (`RawSheet.hidden`): the validator reads the standard ones and skips the
  others with a warning (our own drop-down lists sheet silently).
Blank rows are skipped by the validator. What the reader finds is kept as `RawSheet.notes`, placed by
row and column position; the validator reports them with the sheet's and column's labels."""

import codecs
import csv
import gc
import io
import itertools
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from unicodedata import is_normalized, normalize

from defusedxml import ElementTree
from django.conf import settings
from django.utils.translation import gettext_noop

from phoihop.core import legacy_vn, runtime
from phoihop.core.text import clean_text, fold

from . import xlsx_pieces
from .problems import Problem, in_language
from .sheets import SHEET_NAMES, Sheet

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
MAX_UNCOMPRESSED = 400 * 1024 * 1024
# An .xlsx file of more than this many bytes unpacked is read by the import a sheet at a time (`_LazySheet`),
# and may then unpack to more than MAX_UNCOMPRESSED as long as no sheet is over MAX_SHEET_STREAMED (Excel's
# own limit, 1,048,576 rows, is about 600 MB of sheet at a dozen columns).
XLSX_STREAM_FROM = 64 * 1024 * 1024
MAX_SHEET_STREAMED = 800 * 1024 * 1024
CLEANING_BLOCK = 10_000  # rows of a large .xlsx sheet looked at together for text to convert
MAX_RATIO = 200


class SourceError(ValueError):
    """The file cannot be read at all: `message` is a gettext msgid (Vietnamese) with its params, which
    `message_vi`/`message_en` render. (An old-style (vi, en) pair is still accepted as two arguments.)"""

    def __init__(self, message: str, message_en: str | None = None, **params):
        super().__init__(message)
        self.message, self.params, self._en = message, params, message_en
        self.sheet: str | None = None  # the sheet it concerns, when one sheet of a file cannot be read

    @property
    def message_vi(self) -> str:
        return self.message if self._en is not None else in_language(self.message, self.params, "vi")

    @property
    def message_en(self) -> str:
        return self._en if self._en is not None else in_language(self.message, self.params, "en")


@dataclass(frozen=True)
class Note:
    """Something the reader found in a cell: an error, or a warning when `warning`. `position` is the
    column's index in the row (None: the whole row or sheet); `msgid` a gettext msgid with `params`."""

    row: int | None
    position: int | None
    value: object
    msgid: str
    params: dict = field(default_factory=dict)
    warning: bool = False


@dataclass
class RawSheet:
    name: str
    header: list
    rows: list[tuple[int, list]]  # (Excel row number, cells)
    hidden: bool = False
    header_row: int = 1  # the Excel row of the header (title rows above it are skipped)
    notes: list[Note] = field(default_factory=list)

    def problems(self, sheet_label: str, label_at: Callable[[int], str | None]) -> tuple[list, list]:
        """The notes as (errors, warnings) Problems, columns named by `label_at(position)`."""
        errors, warnings = [], []
        for note in self.notes:
            column = label_at(note.position) if note.position is not None else None
            problem = Problem.of(sheet_label, note.row, column, note.value, note.msgid, **note.params)
            (warnings if note.warning else errors).append(problem)
        return errors, warnings


@contextmanager
def paused_gc():
    """Python's cycle collector paused while a stage of the import builds its hundreds of thousands of
    rows, cells and values: none of them form cycles, yet every few hundred allocations the collector
    would walk them all again (a fifth of an import's time at 50,000 people). Nested uses are fine.
    Only in batch processes (`phoihop import`, the worker): in a web process the pause would stop
    collection for every request thread, so there it does nothing (core.runtime)."""
    if not runtime.is_batch():
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_source(source, *, stream: bool = False) -> list[RawSheet]:
    """source: a path (file or folder) or a binary file object (an upload).

    stream: a CSV file of STREAM_FROM bytes or more, given by its path, is checked here in one pass
    over its text in blocks and its rows are then read from the file as they are iterated (`CsvRows`),
    so that a million rows are never all in memory (issue 13, item 5). Its `rows` can be iterated, not
    indexed: for the import, which parses each row once; the error workbook reads sheets whole."""
    with paused_gc():
        return _read_source(source, stream)


def _read_source(source, stream: bool = False) -> list[RawSheet]:
    if isinstance(source, str | Path):
        path = Path(source)
        if path.is_dir():
            return _read_csv_folder(path, stream)
        if not path.exists():
            raise SourceError(gettext_noop("Không tìm thấy tệp hoặc thư mục: %(path)s"), path=path)
        if path.stat().st_size > settings.PHOIHOP_MAX_UPLOAD_BYTES:
            raise _too_big()
        if stream and path.suffix.lower() == ".csv":
            return [_read_csv_file(path, stream and path.stat().st_size >= STREAM_FROM)]
        data = path.read_bytes()
        name = path.name
    else:
        data = source.read(settings.PHOIHOP_MAX_UPLOAD_BYTES + 1)
        if len(data) > settings.PHOIHOP_MAX_UPLOAD_BYTES:
            raise _too_big()
        name = getattr(source, "name", "upload")
    return read_bytes(data, name, stream=stream)


def _too_big() -> SourceError:
    mb = settings.PHOIHOP_MAX_UPLOAD_BYTES // (1024 * 1024)
    return SourceError(gettext_noop("Tệp quá lớn (tối đa %(mb)s MB)."), mb=mb)


def read_bytes(data: bytes, name: str, *, stream: bool = False) -> list[RawSheet]:
    if data.startswith(OLE_SIGNATURE):
        raise SourceError(
            gettext_noop(
                "Tệp được đặt mật khẩu hoặc là định dạng .xls cũ; hãy bỏ mật khẩu và lưu thành .xlsx."
            )
        )
    if data.startswith(ZIP_SIGNATURE):
        return _read_xlsx(data, stream=stream)
    if name.lower().endswith(".csv"):
        return [_read_csv_text(Path(name).stem, data)]
    raise SourceError(
        gettext_noop("Không phải sổ dữ liệu: cần tệp .xlsx, tệp .csv hoặc thư mục các tệp .csv.")
    )


def _check_archive(data: bytes, *, stream: bool = False) -> int:
    """Refuses what must not be unpacked; returns the workbook's size unpacked. Streamed (the import),
    a workbook may unpack to more than MAX_UNCOMPRESSED as long as no sheet exceeds MAX_SHEET_STREAMED:
    its sheets are then loaded one at a time (`_LazySheet`)."""
    corrupt = SourceError(gettext_noop("Tệp .xlsx bị hỏng, không đọc được."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise corrupt from error
    if not any(m.filename == "[Content_Types].xml" for m in members):
        raise corrupt
    total = sum(m.file_size for m in members)
    if any(m.file_size > MAX_RATIO * max(m.compress_size, 1) + 1_000_000 for m in members):
        raise SourceError(gettext_noop("Tệp .xlsx có nội dung nén bất thường (nghi 'bom nén'); từ chối đọc."))
    largest = max((m.file_size for m in members), default=0)
    if stream and total > MAX_UNCOMPRESSED and largest > MAX_SHEET_STREAMED:
        # Read a sheet at a time, the largest sheet is what memory must hold.
        raise SourceError(
            gettext_noop(
                "Một trang của tệp .xlsx quá lớn để đọc: giải nén ra %(mb)s MB, tối đa %(limit)s MB. Hãy "
                "tách trang đó thành nhiều tệp, hoặc gửi các trang dạng tệp .csv (một thư mục, hoặc một "
                "tệp .zip): tệp .csv được đọc dần, không bị giới hạn này."
            ),
            mb=largest // (1024 * 1024),
            limit=MAX_SHEET_STREAMED // (1024 * 1024),
        )
    if total > MAX_UNCOMPRESSED and not stream:
        # An ordinary workbook, only too large to read whole (the error workbook, the preview): CSV files
        # are read as they are parsed.
        raise SourceError(
            gettext_noop(
                "Tệp .xlsx quá lớn để đọc: giải nén ra %(mb)s MB, tối đa %(limit)s MB. Hãy tách thành "
                "nhiều tệp, hoặc gửi các trang dạng tệp .csv (một thư mục, hoặc một tệp .zip): tệp .csv "
                "được đọc dần, không bị giới hạn này."
            ),
            mb=total // (1024 * 1024),
            limit=MAX_UNCOMPRESSED // (1024 * 1024),
        )
    for member in members:
        if member.filename.endswith((".xml", ".rels")):
            try:
                with archive.open(member) as f:
                    head = f.read(4096)
            except (zipfile.BadZipFile, OSError, ValueError) as error:
                raise corrupt from error
            if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
                raise SourceError(
                    gettext_noop("Tệp .xlsx chứa khai báo DTD/ENTITY không được phép; từ chối đọc.")
                )
    return total


def _read_xlsx(data: bytes, *, stream: bool = False) -> list[RawSheet]:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    unpacked = _check_archive(data, stream=stream)
    try:
        unvalued = _formulas_without_values(data)
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        hidden = {m.name for m in book.sheets_metadata if m.visible != SheetVisibleEnum.Visible}
        if stream and unpacked > min(XLSX_STREAM_FROM, MAX_UNCOMPRESSED):
            archive = zipfile.ZipFile(io.BytesIO(data))
            paths = _sheet_paths(archive)
            return [
                _LazySheet(book, name, name in hidden, unvalued.get(name), archive, paths.get(name))
                for name in book.sheet_names
            ]
        sheets = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or []
            sheets.append(
                _raw_sheet(name, rows, hidden=name in hidden, merged=merged, unvalued=unvalued.get(name))
            )
        return sheets
    except SourceError:
        raise
    except Exception as error:  # calamine raises its own error types for broken parts
        raise SourceError(gettext_noop("Tệp .xlsx bị hỏng, không đọc được.")) from error


class StreamedRows:
    """The body rows of a sheet read from its source as they are iterated — (Excel row number, cells) —
    never held all at once. Setting an item or clearing does nothing: the validator lets each row go once
    parsed (validate._consumed), and here there is nothing to let go."""

    def __init__(self, skip: int):
        self.skip = skip

    def _cells(self):
        raise NotImplementedError

    def __iter__(self):
        for number, cells in enumerate(self._cells(), start=1):
            if number > self.skip:
                yield number, cells

    def __setitem__(self, index, value) -> None:
        pass

    def clear(self) -> None:
        pass


class _LazySheet:
    """A sheet of a large .xlsx file read for the import: loaded by calamine only when the validator comes
    to it (its name and visibility are known before), and let go once its rows have been parsed, so that
    one sheet is in memory at a time, never the whole workbook (issue 13, item 5: a million people in
    .xlsx, 1.9 GB read whole). A sheet of more than xlsx_pieces.PIECE_BYTES of XML is read a piece at a
    time (`_pieced`, `PieceRows`), so that not even the sheet is held whole; a smaller one is loaded and
    its rows are converted to Python as they are parsed (`XlsxRows`). A sheet with merged cells or
    formulas without values (and a smaller one with text to convert or cells not from A1) is read whole
    as before, alone."""

    def __init__(self, book, name: str, hidden: bool, unvalued: set | None, archive=None, path=None):
        self._book, self._source_name, self._unvalued = book, name, unvalued
        self._archive, self._path = archive, path
        self.name, self.hidden = _sheet_name(name), hidden
        self._raw: RawSheet | None = None

    def _loaded(self) -> RawSheet:
        if self._raw is None:
            try:
                self._raw = self._pieced() or _load_sheet(
                    self._book, self._source_name, self.hidden, self._unvalued
                )
            except SourceError:
                raise
            except Exception as error:  # calamine raises its own error types for broken parts
                broken = SourceError(gettext_noop("Tệp .xlsx bị hỏng, không đọc được."))
                broken.sheet = self.name  # the problem is placed on this sheet
                raise broken from error
            self._book = self._archive = None
        return self._raw

    def _pieced(self) -> RawSheet | None:
        """A sheet of more than PIECE_BYTES of XML read a piece at a time (`xlsx_pieces`), when its pieces
        say what the whole would (no merged cells, no formula without its value)."""
        if self._path is None or self._unvalued:
            return None
        if self._archive.getinfo(self._path).file_size <= xlsx_pieces.PIECE_BYTES:
            return None
        sheet = xlsx_pieces.SheetPieces(self._archive, self._path, self._source_name)
        pieces = sheet.pieces()  # the first pieces are parsed while the sheet is looked over
        try:
            usable = sheet.usable()
        except BaseException:
            pieces.close()
            raise
        if not usable:
            pieces.close()
            return None
        head: list[list] = [[] for _ in range(HEADER_SEARCH)]
        body = None  # (Excel number, rows) of the first rows past the head
        for first, rows in pieces:
            within = min(max(HEADER_SEARCH - first + 1, 0), len(rows))
            head[first - 1 : first - 1 + within] = rows[:within]
            if within < len(rows):
                body = (first + within, rows[within:])
                break
        raw = _raw_sheet(self._source_name, head, hidden=self.hidden)  # the head's text cleaned here
        raw.rows = PieceRows(self.name, raw.rows, body, pieces, raw.notes)
        return raw

    @property
    def header(self) -> list:
        return self._loaded().header

    @property
    def header_row(self) -> int:
        return self._loaded().header_row

    @property
    def notes(self) -> list:
        return self._loaded().notes

    @property
    def rows(self):
        return self._loaded().rows

    def problems(self, sheet_label: str, label_at: Callable[[int], str | None]) -> tuple[list, list]:
        return self._loaded().problems(sheet_label, label_at)


def _load_sheet(book, name: str, hidden: bool, unvalued: set | None) -> RawSheet:
    sheet = book.get_sheet_by_name(name)
    merged = sheet.merged_cell_ranges or []
    if merged or unvalued or sheet.start != (0, 0) or _rows_need_cleaning(sheet):
        rows = sheet.to_python(skip_empty_area=False)
        return _raw_sheet(name, rows, hidden=hidden, merged=merged, unvalued=unvalued)
    raw = _raw_sheet(name, list(itertools.islice(sheet.iter_rows(), HEADER_SEARCH)), hidden=hidden)
    raw.rows = XlsxRows(sheet, skip=raw.header_row)
    return raw


def _rows_need_cleaning(sheet) -> bool:
    """`_needs_cleaning` over the sheet's rows, CLEANING_BLOCK rows at a time (never all as Python)."""
    rows = sheet.iter_rows()
    while block := list(itertools.islice(rows, CLEANING_BLOCK)):
        if _needs_cleaning(block, None):
            return True
    return False


class XlsxRows(StreamedRows):
    """The body rows of a loaded .xlsx sheet, converted as they are iterated, once: the sheet (calamine's
    copy of its cells) is let go with the last row."""

    def __init__(self, sheet, skip: int):
        super().__init__(skip)
        self._sheet = sheet

    def _cells(self):
        sheet, self._sheet = self._sheet, None
        return iter(()) if sheet is None else sheet.iter_rows()


class PieceRows(StreamedRows):
    """The body rows of a sheet read a piece at a time (`xlsx_pieces`): those among the first HEADER_SEARCH
    rows as `_raw_sheet` read (and cleaned) them, then the rest a piece at a time, each piece's text
    cleaned when it needs it (the notes added to the sheet's, which the validator reads after the rows)."""

    def __init__(self, sheet: str, head: list, body, pieces, notes: list[Note]):
        super().__init__(skip=0)
        self._sheet, self._head, self._body, self._pieces, self._notes = sheet, head, body, pieces, notes

    def __iter__(self):
        head, self._head = self._head, []
        yield from head
        body, pieces = self._body, self._pieces
        self._body = self._pieces = None
        if body is None:
            return
        cleaning = _Cleaning(self._notes)
        while body is not None:
            first, rows = body
            if _needs_cleaning(rows, None):
                for i, cells in enumerate(rows, start=first):
                    cleaning.row(i, cells)
            for i in range(len(rows)):
                cells, rows[i] = rows[i], None  # let go once parsed
                yield first + i, cells
            body = self._next(pieces)
        cleaning.finish()

    def _next(self, pieces):
        try:
            return next(pieces, None)
        except Exception as error:  # calamine's own error types for a broken piece
            broken = SourceError(gettext_noop("Tệp .xlsx bị hỏng, không đọc được."))
            broken.sheet = self._sheet
            raise broken from error


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL = re.compile(rb"<(?:\w+:)?c\s([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_STRING_TYPE = re.compile(rb'\bt="str"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _formulas_without_values(data: bytes) -> dict[str, set[tuple[int, int]]]:
    """Sheet name → the (row, column) indexes, from 0, of formula cells saved without a value. A program
    that writes formulas (openpyxl, scripts) leaves the value to be computed by the next spreadsheet
    that opens the file; Excel and LibreOffice always save it. A formula whose value is the empty text
    (t="str" with an empty <v>) has a value."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    if not _calculation_left_to_reader(archive, names, workbook):
        return {}
    found: dict[str, set[tuple[int, int]]] = {}
    for name, path in _sheet_paths(archive, workbook).items():
        xml = archive.read(path)
        if not any(tag in xml for tag in (b"<f>", b"<f ", b"<f/", b":f>", b":f ")):
            continue  # the usual sheet: no formula at all (plain substring tests: fast on large sheets)
        cells = set()
        for m in _CELL.finditer(xml):
            body = m.group(2) or b""
            if not _FORMULA.search(body):
                continue
            value = _VALUE.search(body)
            if value is None or (not value.group(1) and not _STRING_TYPE.search(m.group(1))):
                ref = _REF.search(m.group(1))
                if ref:
                    cells.add((int(ref.group(2)) - 1, _column_index(ref.group(1).decode())))
        if cells:
            found[name] = cells
    return found


def _sheet_paths(archive: zipfile.ZipFile, workbook=None) -> dict[str, str]:
    """Sheet name → the path of its worksheet in the archive (the sheets whose part is there)."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    if workbook is None:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels")).iter(_RELS)
    }
    paths = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_REL_ID), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if path in names:
            paths[sheet.get("name")] = path
    return paths


def _calculation_left_to_reader(archive, names: set[str], workbook) -> bool:
    """Whether the file may hold formulas without values: only a program that does not calculate
    (openpyxl, Apache POI, …) asks the next spreadsheet for a full calculation on load. Excel and
    LibreOffice calculate and save every value; xlsxwriter (which says it is Excel) saves a value with
    every formula. So the sheets — tens of megabytes for 50,000 people — are scanned only then."""
    calc = workbook.find(f"{_MAIN}calcPr")
    if calc is None or calc.get("fullCalcOnLoad") not in ("1", "true"):
        return False
    if "docProps/app.xml" in names:
        app = ElementTree.fromstring(archive.read("docProps/app.xml"))
        application = next((e.text for e in app.iter() if e.tag.endswith("}Application")), None)
        if (application or "").strip() == "Microsoft Excel":
            return False
    return True


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _read_csv_folder(path: Path, stream: bool = False) -> list[RawSheet]:
    files = sorted(path.glob("*.csv"))
    if not files:
        raise SourceError(gettext_noop("Thư mục %(path)s không có tệp .csv nào."), path=path)
    # The folder's files are read whole up to STREAM_FROM bytes in all, the rest streamed: the cells held
    # before parsing are bounded whatever the number and size of the files (a province's usual folder,
    # the 50 k benchmark's 5.5 MB, is read whole as before).
    left = STREAM_FROM
    sheets = []
    for f in files:
        size = f.stat().st_size
        sheets.append(_read_csv_file(f, stream and size > left))
        if not isinstance(sheets[-1].rows, CsvRows):
            left = max(left - size, 0)
    return sheets


def _read_csv_file(path: Path, stream: bool) -> RawSheet:
    """stream: read the rows as they are parsed, unless the text needs converting (then whole)."""
    if stream and not _csv_needs_cleaning(path):
        return _streamed_csv(path)
    return _read_csv_text(path.stem, path.read_bytes())


def _read_csv_text(name: str, data: bytes) -> RawSheet:
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(gettext_noop("Tệp %(name)s.csv không phải UTF-8."), name=name) from error
    if "\x00" in content:
        raise SourceError(gettext_noop("Tệp %(name)s.csv chứa dữ liệu nhị phân."), name=name)
    return _raw_sheet(name, list(csv.reader(io.StringIO(content))), text=content)


# ---- streamed CSV ----------------------------------------------------------------------------------

# Bytes of a CSV file from which the import streams its rows; in a folder, the files past this many bytes
# in all are streamed too.
STREAM_FROM = 8 * 1024 * 1024
BLOCK = 4 * 1024 * 1024  # bytes of a file's text looked at at a time


def _csv_needs_cleaning(path: Path) -> bool:
    """One pass over a CSV file's text, a block at a time, with the checks of `_read_csv_text` (UTF-8,
    no NUL) and of `_needs_cleaning` (any cell not NFC or in a legacy encoding). Blocks end at a line
    end, which is a cell boundary for those checks."""
    name = path.stem
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    tail = ""
    with open(path, "rb") as f:
        while True:
            block = f.read(BLOCK)
            try:
                text = tail + decoder.decode(block, final=not block)
            except UnicodeDecodeError as error:
                raise SourceError(gettext_noop("Tệp %(name)s.csv không phải UTF-8."), name=name) from error
            if block:
                cut = text.rfind("\n") + 1
                text, tail = text[:cut], text[cut:]
            if "\x00" in text:
                raise SourceError(gettext_noop("Tệp %(name)s.csv chứa dữ liệu nhị phân."), name=name)
            if text and _needs_cleaning([], text):
                return True
            if not block:
                return False


class CsvRows(StreamedRows):
    """The body rows of a CSV file, read from the file each time they are iterated."""

    def __init__(self, path: Path, skip: int):
        super().__init__(skip)
        self.path = path

    def _cells(self):
        with open(self.path, encoding="utf-8-sig", newline="") as f:
            yield from csv.reader(f)


def _streamed_csv(path: Path) -> RawSheet:
    """A RawSheet whose rows stay in the file: the header found among its first rows as `_raw_sheet`
    finds it (a CSV file has no merged cells, no formulas, and its text needs no cleaning here)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        head = list(itertools.islice(csv.reader(f), HEADER_SEARCH))
    sheet = _raw_sheet(path.stem, head)
    sheet.rows = CsvRows(path, skip=sheet.header_row)
    return sheet


def _sheet_name(name: str) -> str:
    return clean_text(legacy_vn.examine(name).text)  # an old file's tab title, converted like its cells


def _raw_sheet(name: str, rows: list[list], *, hidden=False, merged=(), unvalued=None, text=None) -> RawSheet:
    name = _sheet_name(name)
    notes: list[Note] = []
    _clean_cells(rows, notes, text)
    declared = SHEET_NAMES.get(fold(name))
    header_index = _header_index(rows, declared, merged)
    _fill_merged(rows, merged, header_index, notes)
    for row, col in sorted(unvalued or ()):
        if row > header_index:
            notes.append(
                Note(
                    row + 1,
                    col,
                    None,
                    gettext_noop(
                        "ô có công thức nhưng tệp không lưu giá trị của nó: hãy mở tệp bằng Excel hoặc "
                        "LibreOffice, lưu lại rồi tải lên"
                    ),
                )
            )
    if not rows:
        return RawSheet(name, [], [], hidden=hidden, notes=notes)
    if header_index:
        notes.append(
            Note(
                header_index + 1,
                None,
                None,
                gettext_noop("dòng tiêu đề cột là dòng %(line)s; %(n)s dòng phía trên được bỏ qua"),
                {"line": header_index + 1, "n": header_index},
                warning=True,
            )
        )
    body = [(i, row) for i, row in enumerate(rows[header_index + 1 :], start=header_index + 2)]
    notes = [n for n in notes if n.row is None or n.row > header_index]
    return RawSheet(name, list(rows[header_index]), body, hidden, header_index + 1, notes)


# ---- text ------------------------------------------------------------------------------------------

CONVERSIONS_SHOWN = 5  # per column: the first converted cells are listed, the rest counted


@lru_cache(maxsize=1 << 14)
def _examine(cell: str) -> legacy_vn.Reading:
    """Cells of Latin-1 letters only (ethnic groups such as Tày, Mông; old files) repeat: read once."""
    return legacy_vn.examine(cell)


# A cell of Latin-1 characters only, some beyond ASCII, in a row's cells joined by \x1f: the only cells
# that may be legacy-encoded (Unicode Vietnamese has ă, đ, ơ, ư, ạ … beyond Latin-1).
_SEP = "\x1f"
_LATIN1_CELL = re.compile(
    # possessive runs: no backtracking over the common cells (ASCII codes, Unicode names)
    "(?:^|\x1f)([\x00-\x1e\x20-\x7f]*+[\x80-\xff][^\x1f\u0100-\U0010ffff]*+)(?=\x1f|$)"
)


# A whole cell of Latin-1 characters only, some beyond ASCII, with the separator before it (a literal
# start and possessive runs: the fastest scan Python's re offers over a sheet of millions of characters).
_LATIN1_CELLS = re.compile("\x1f[\x00-\x1e\x20-\x7f]*+[\x80-\xff][^\x1f\u0100-\U0010ffff]*+(?=\x1f)")


def _needs_cleaning(rows: list[list], text: str | None) -> bool:
    """The usual sheet — NFC text, no legacy encoding — told in a few passes at C speed over the whole
    sheet as one string: a CSV file's own text (its commas and line ends made separators, so a quoted
    cell holding a comma is looked at in parts: enough to tell whether any cell needs the row-by-row
    work), or an .xlsx sheet's cells joined."""
    if text is not None:
        whole = text.replace(",", _SEP).replace("\n", _SEP).replace("\r", _SEP)
    else:
        try:
            whole = _SEP.join(map(_SEP.join, rows))  # text cells only: twice as fast
        except TypeError:
            whole = _SEP.join(_SEP.join(map(str, row)) for row in rows)  # numbers and dates among them
    if whole.isascii():
        return False
    if not is_normalized("NFC", whole):
        return True
    whole = _SEP + whole + _SEP
    return any(_examine(cell[1:]).encoding for cell in set(_LATIN1_CELLS.findall(whole)))


def _clean_cells(rows: list[list], notes: list[Note], text: str | None = None) -> None:
    """Every text cell in NFC; legacy-encoded text converted (a warning showing it) or refused. Each row
    is looked at as one string (C-speed checks): a 50,000-people import does not notice the work."""
    if not _needs_cleaning(rows, text):
        return
    cleaning = _Cleaning(notes)
    for r, row in enumerate(rows):
        cleaning.row(r + 1, row)
    cleaning.finish()


class _Cleaning:
    """The cleaning of a sheet's rows, row by row (`row`, given its Excel number), the notes added to
    `notes`: the first CONVERSIONS_SHOWN converted cells of a column shown, the rest counted (`finish`)."""

    def __init__(self, notes: list[Note]):
        self.notes = notes
        self.converted: dict[tuple[int, str], int] = defaultdict(int)

    def row(self, number: int, row: list) -> None:
        try:
            joined = _SEP.join(row)  # CSV: text cells only
        except TypeError:
            joined = _SEP.join(map(str, row))  # .xlsx: numbers and dates among them
        if joined.isascii():
            return
        if not is_normalized("NFC", joined):
            row[:] = [normalize("NFC", c) if type(c) is str else c for c in row]
            joined = _SEP.join(map(str, row))
        for m in _LATIN1_CELL.finditer(joined):
            reading = _examine(m.group(1))
            if reading.encoding is None:
                continue  # Unicode with Latin-1 letters only ("Tày", "Thái"): nothing to do
            c = joined.count(_SEP, 0, m.start(1))
            if joined.count(_SEP) != len(row) - 1:  # a cell holds the separator itself: find it by value
                c = next(i for i, cell in enumerate(row) if type(cell) is str and cell == m.group(1))
            cell = row[c]
            if type(cell) is not str:
                continue
            if reading.refused:
                self.notes.append(
                    Note(
                        number,
                        c,
                        cell,
                        gettext_noop(
                            "văn bản ở bảng mã cũ %(encoding)s, không chuyển chắc chắn được sang Unicode: "
                            "hãy chuyển mã (ví dụ bằng Unikey) rồi tải lên lại"
                        ),
                        {"encoding": legacy_vn.NAMES[reading.encoding]},
                    )
                )
                continue
            if reading.converted:
                key = (c, reading.encoding)
                self.converted[key] += 1
                if self.converted[key] <= CONVERSIONS_SHOWN:
                    self.notes.append(
                        Note(
                            number,
                            c,
                            cell,
                            gettext_noop("đã chuyển từ %(encoding)s: %(text)s"),
                            {"encoding": reading.encoding, "text": reading.text},
                            warning=True,
                        )
                    )
                row[c] = clean_text(reading.text)

    def finish(self) -> None:
        for (c, encoding), n in self.converted.items():
            if n > CONVERSIONS_SHOWN:
                self.notes.append(
                    Note(
                        None,
                        c,
                        None,
                        gettext_noop(
                            "và %(n)s ô khác của cột này cũng đã chuyển từ %(encoding)s sang Unicode"
                        ),
                        {"n": n - CONVERSIONS_SHOWN, "encoding": encoding},
                        warning=True,
                    )
                )


# ---- header ----------------------------------------------------------------------------------------

HEADER_SEARCH = 20  # rows looked at for the header


def _header_index(rows: list[list], declared: Sheet | None, merged) -> int:
    """The index of the header row: the first row whose filled cells are mostly the sheet's column keys
    or labels (title rows above it are skipped). Row 1 when nothing matches (its errors then say why)."""
    if declared is None or not rows:
        return 0
    names = {fold(c.key) for c in declared.columns} | {fold(c.label) for c in declared.columns}
    spans = {(r0, c0): r1 for (r0, c0), (r1, c1) in merged if c0 == c1 and r1 > r0}
    for i, row in enumerate(rows[:HEADER_SEARCH]):
        cells = list(row)
        # A label merged down from a row above (a two-row header) names its column here too.
        for (r0, c0), r1 in spans.items():
            if r0 < i <= r1 and c0 < len(cells) and r0 < len(rows) and c0 < len(rows[r0]):
                cells[c0] = rows[r0][c0]
        filled = [fold(str(c)) for c in cells if c is not None and str(c).strip()]
        matched = sum(1 for c in filled if c in names)
        if matched and matched * 2 >= len(filled):
            return i
    return 0


# ---- merged cells ----------------------------------------------------------------------------------


def _fill_merged(rows: list[list], merged, header_index: int, notes: list[Note]) -> None:
    """A merge down one column gives its value to every cell of it (the same unit for several people,
    a label over a two-row header); a merge across columns at or below the header cannot say which
    column its value belongs to: an error naming the range. Merges wholly above the header (titles) are
    left alone."""
    for (r0, c0), (r1, c1) in merged:
        if r1 < header_index or r0 >= len(rows):
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else ""
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if c1 > c0:
            where = f"{_column_letters(c0)}{r0 + 1}:{_column_letters(c1)}{r1 + 1}"
            notes.append(
                Note(
                    max(r0, header_index) + 1,
                    c0,
                    value,
                    gettext_noop("ô gộp %(range)s trải qua nhiều cột: hãy bỏ gộp ô, mỗi cột một giá trị"),
                    {"range": where},
                )
            )
            continue
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in row):
                continue  # a blank row stays blank (skipped), not a row holding only the merged value
            if c0 >= len(row):
                row.extend([""] * (c0 + 1 - len(row)))
            if row[c0] is None or (isinstance(row[c0], str) and not row[c0].strip()):
                row[c0] = value
