"""The export's two forms (issue 14 item 2, docs/workbook.md "Export"): the .xlsx a clerk reads and fills
in, the blank template, and the .csv of keys that other systems exchange."""

import csv
import io
import zipfile

import openpyxl
import pytest

from phoihop.workbook.export import write_csv_zip, write_xlsx
from phoihop.workbook.sheets import BY_KEY, LISTS_SHEET, SHEETS

pytestmark = pytest.mark.django_db


def test_the_blank_template_explains_each_column_and_offers_drop_downs_but_no_codes(world, tmp_path):
    write_xlsx(tmp_path / "mau.xlsx", template=True)
    book = openpyxl.load_workbook(tmp_path / "mau.xlsx")
    assert book.sheetnames == [s.title for s in SHEETS] + [LISTS_SHEET]
    units = book[BY_KEY["don_vi"].title]
    assert units["A2"].value.startswith("# Bắt buộc")  # the importer skips a row starting with '#'
    assert "chọn trong danh sách" in units["C2"].value  # Loại đơn vị
    (kinds,) = [dv for dv in units.data_validations.dataValidation if str(dv.sqref).startswith("C3")]
    assert kinds.type == "list" and kinds.formula1.startswith(f"'{LISTS_SHEET}'!")
    # No unit or enterprise codes in a template anyone may download: only the enumerations.
    names = [c.value for c in book[LISTS_SHEET][1]]
    assert "Mã đơn vị" not in names and "Mã doanh nghiệp" not in names
    assert not any(c.value == "CDCS-BAC-1" for row in book[LISTS_SHEET].iter_rows() for c in row)


def test_the_csv_keeps_keys_and_iso_dates_with_vietnamese_headers(world, tmp_path):
    target = io.BytesIO()
    counts = write_csv_zip(target)
    archive = zipfile.ZipFile(target)
    assert archive.namelist() == [f"{s.key}.csv" for s in SHEETS]
    text = archive.read("don_vi.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị"]
    assert len(rows) - 1 == counts["don_vi"] > 0
    kinds = {r[2] for r in rows[1:]}
    assert "cdcs" in kinds and "Công đoàn cơ sở" not in kinds
    founded = next(r[6] for r in rows[1:] if r[6])
    assert len(founded) == 10 and founded[4] == "-"  # 2001-01-01


def test_the_xlsx_holds_the_same_rows_as_the_csv(world, tmp_path):
    counts_xlsx = write_xlsx(tmp_path / "so.xlsx")
    counts_csv = write_csv_zip(io.BytesIO())
    assert counts_xlsx == counts_csv
    book = openpyxl.load_workbook(tmp_path / "so.xlsx", read_only=True)
    for sheet in SHEETS:
        assert book[sheet.title].max_row - 1 == counts_xlsx[sheet.key], sheet.key
