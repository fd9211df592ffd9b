"""Reading a workbook source — an .xlsx file, a folder of .csv files, or one .csv — into raw rows,
after refusing what must not be parsed: oversized files, password-protected or old .xls files, corrupt
archives, zip bombs and XML carrying DTDs or entities."""

import csv
import gc
import io
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_noop

from phoihop.core import runtime

from .problems import in_language

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
MAX_UNCOMPRESSED = 400 * 1024 * 1024
MAX_RATIO = 200


class SourceError(ValueError):
    """The file cannot be read at all: `message` is a gettext msgid (Vietnamese) with its params, which
    `message_vi`/`message_en` render. (An old-style (vi, en) pair is still accepted as two arguments.)"""

    def __init__(self, message: str, message_en: str | None = None, **params):
        super().__init__(message)
        self.message, self.params, self._en = message, params, message_en

    @property
    def message_vi(self) -> str:
        return self.message if self._en is not None else in_language(self.message, self.params, "vi")

    @property
    def message_en(self) -> str:
        return self._en if self._en is not None else in_language(self.message, self.params, "en")


@dataclass
class RawSheet:
    name: str
    header: list
    rows: list[tuple[int, list]]  # (Excel row number, cells)


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


def read_source(source) -> list[RawSheet]:
    """source: a path (file or folder) or a binary file object (an upload)."""
    with paused_gc():
        return _read_source(source)


def _read_source(source) -> list[RawSheet]:
    if isinstance(source, str | Path):
        path = Path(source)
        if path.is_dir():
            return _read_csv_folder(path)
        if not path.exists():
            raise SourceError(gettext_noop("Không tìm thấy tệp hoặc thư mục: %(path)s"), path=path)
        if path.stat().st_size > settings.PHOIHOP_MAX_UPLOAD_BYTES:
            raise _too_big()
        data = path.read_bytes()
        name = path.name
    else:
        data = source.read(settings.PHOIHOP_MAX_UPLOAD_BYTES + 1)
        if len(data) > settings.PHOIHOP_MAX_UPLOAD_BYTES:
            raise _too_big()
        name = getattr(source, "name", "upload")
    return read_bytes(data, name)


def _too_big() -> SourceError:
    mb = settings.PHOIHOP_MAX_UPLOAD_BYTES // (1024 * 1024)
    return SourceError(gettext_noop("Tệp quá lớn (tối đa %(mb)s MB)."), mb=mb)


def read_bytes(data: bytes, name: str) -> list[RawSheet]:
    if data.startswith(OLE_SIGNATURE):
        raise SourceError(
            gettext_noop(
                "Tệp được đặt mật khẩu hoặc là định dạng .xls cũ; hãy bỏ mật khẩu và lưu thành .xlsx."
            )
        )
    if data.startswith(ZIP_SIGNATURE):
        return _read_xlsx(data)
    if name.lower().endswith(".csv"):
        return [_read_csv_text(Path(name).stem, data)]
    raise SourceError(
        gettext_noop("Không phải sổ dữ liệu: cần tệp .xlsx, tệp .csv hoặc thư mục các tệp .csv.")
    )


def _check_archive(data: bytes) -> None:
    corrupt = SourceError(gettext_noop("Tệp .xlsx bị hỏng, không đọc được."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise corrupt from error
    if not any(m.filename == "[Content_Types].xml" for m in members):
        raise corrupt
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED or any(
        m.file_size > MAX_RATIO * max(m.compress_size, 1) + 1_000_000 for m in members
    ):
        raise SourceError(gettext_noop("Tệp .xlsx có nội dung nén bất thường (nghi 'bom nén'); từ chối đọc."))
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


def _read_xlsx(data: bytes) -> list[RawSheet]:
    from python_calamine import CalamineWorkbook

    _check_archive(data)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets.append(_raw_sheet(name, rows))
        return sheets
    except SourceError:
        raise
    except Exception as error:  # calamine raises its own error types for broken parts
        raise SourceError(gettext_noop("Tệp .xlsx bị hỏng, không đọc được.")) from error


def _read_csv_folder(path: Path) -> list[RawSheet]:
    files = sorted(path.glob("*.csv"))
    if not files:
        raise SourceError(gettext_noop("Thư mục %(path)s không có tệp .csv nào."), path=path)
    return [_read_csv_text(f.stem, f.read_bytes()) for f in files]


def _read_csv_text(name: str, data: bytes) -> RawSheet:
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(gettext_noop("Tệp %(name)s.csv không phải UTF-8."), name=name) from error
    if "\x00" in content:
        raise SourceError(gettext_noop("Tệp %(name)s.csv chứa dữ liệu nhị phân."), name=name)
    return _raw_sheet(name, list(csv.reader(io.StringIO(content))))


def _raw_sheet(name: str, rows: list[list]) -> RawSheet:
    if not rows:
        return RawSheet(name, [], [])
    return RawSheet(name, list(rows[0]), [(i, row) for i, row in enumerate(rows[1:], start=2)])
