"""Small hand-made workbooks for the tests: CSV folders and .xlsx files built in the test itself."""

import csv
import io
import zipfile
from pathlib import Path

import xlsxwriter

from phoihop.workbook import reader

BASE_UNITS = [
    ["ma_don_vi", "ten", "loai", "ma_cap_tren", "ma_doanh_nghiep", "ngay_thanh_lap"],
    ["T", "Liên đoàn Lao động tỉnh Thử", "ldld_tinh", "", "", "2000-01-01"],
    ["T-H1", "LĐLĐ huyện Một", "ldld_huyen", "T", "", "2001-01-01"],
    ["T-H2", "LĐLĐ huyện Hai", "ldld_huyen", "T", "", "2001-01-01"],
    ["CS-1", "CĐCS Công ty Một", "cdcs", "T-H1", "DN-1", "2010-05-01"],
    ["CS-2", "CĐCS Công ty Hai", "cdcs", "T-H2", "", "2010-05-01"],
    ["K", "Đảng ủy Khối tỉnh Thử", "dang_uy_khoi", "", "", "2000-01-01"],
    ["K-1", "Chi bộ Công ty Một", "chi_bo_co_so", "K", "DN-1", "2012-01-01"],
]
BASE_ENTERPRISES = [["ma_doanh_nghiep", "ten", "loai_hinh"], ["DN-1", "Công ty Một", "ngoai_nha_nuoc"]]


def write_csv(folder: Path, sheets: dict[str, list[list]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8-sig") as f:
            csv.writer(f).writerows(rows)
    return folder


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if hasattr(value, "year") and not isinstance(value, str):
                    ws.write_datetime(r, c, value, date_format)
                else:
                    ws.write(r, c, value)
    book.close()
    return path


def base(**extra) -> dict[str, list[list]]:
    return {
        "don_vi": [list(r) for r in BASE_UNITS],
        "doanh_nghiep": [list(r) for r in BASE_ENTERPRISES],
    } | extra


def zip_bytes(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def read_back(path, **kw) -> dict:
    """Each sheet as the reader gives it: (header, rows, notes, the kind of its rows), the header and rows
    without trailing empty cells and the notes in order (a sheet read in pieces has one width per piece
    and finds its notes piece by piece)."""

    def trimmed(cells) -> list:
        cells = list(cells)
        while cells and cells[-1] == "":
            cells.pop()
        return cells

    sheets = {}
    for sheet in reader.read_source(path, **kw):
        rows = [(number, trimmed(cells)) for number, cells in sheet.rows]
        notes = sorted((n.row or 0, n.position or 0, n.msgid, str(n.value)) for n in sheet.notes)
        sheets[sheet.name] = (trimmed(sheet.header), rows, notes, type(sheet.rows).__name__)
    return sheets
