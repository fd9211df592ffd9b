"""Files that must be refused before anything is parsed, each with a clear message and nothing written."""

import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from phoihop.core import cells as parsers
from phoihop.orgs.models import Unit
from phoihop.workbook import reader
from phoihop.workbook.services import import_workbook

from .helpers import base, write_xlsx, zip_bytes


def refused(data: bytes, name: str = "so.xlsx") -> str:
    result = import_workbook(SimpleUploadedFile(name, data))
    assert not result.ok and Unit.objects.count() == 0
    return result.errors[0].render()


def test_password_protected_or_old_xls_file(db):
    assert "đặt mật khẩu hoặc là định dạng .xls cũ" in refused(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    )


def test_corrupt_xlsx(db):
    assert "bị hỏng" in refused(b"PK\x03\x04 this is not really a zip archive")


def test_a_picture_renamed_to_xlsx(db):
    assert "Không phải sổ dữ liệu" in refused(b"\x89PNG\r\n\x1a\n" + b"0" * 100)


def test_xml_entity_bomb(db):
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b"<worksheet>&lol2;</worksheet>"
    )
    data = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": lol})
    assert "DTD/ENTITY" in refused(data)


def test_zip_bomb(db):
    data = zip_bytes(
        {"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"0" * 60_000_000},
        compression=zipfile.ZIP_DEFLATED,
    )
    assert "bom nén" in refused(data)


def test_a_large_but_ordinary_xlsx_is_refused_by_its_size_and_pointed_to_csv(db, monkeypatch):
    """The import reads a large .xlsx a sheet at a time: a sheet over MAX_SHEET_STREAMED is refused by
    its size (not as a zip bomb), with the way round."""
    monkeypatch.setattr(reader, "MAX_UNCOMPRESSED", 3 * 1024 * 1024)
    monkeypatch.setattr(reader, "MAX_SHEET_STREAMED", 3 * 1024 * 1024)
    text = "".join(f"<row r='{i}'><c><v>{i * 7919 % 100_003}</v></c></row>" for i in range(120_000))
    data = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": text.encode()})
    message = refused(data)
    assert "bom nén" not in message
    assert "Một trang của tệp .xlsx quá lớn để đọc: giải nén ra 4 MB, tối đa 3 MB" in message
    assert "tệp .csv" in message


def test_oversized_upload(db, settings):
    settings.PHOIHOP_MAX_UPLOAD_BYTES = 1000
    assert "Tệp quá lớn" in refused(b"PK\x03\x04" + b"0" * 2000)


def test_valid_xlsx_upload_is_read(db, tmp_path):
    path = write_xlsx(tmp_path / "ok.xlsx", base())
    result = import_workbook(SimpleUploadedFile("ok.xlsx", path.read_bytes()))
    assert result.ok and Unit.objects.filter(code="CS-1").exists()


CELLS = st.one_of(
    st.text(max_size=40),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True),
    st.booleans(),
    st.dates(),
    st.none(),
)


@settings(max_examples=300, deadline=None)
@given(CELLS)
def test_parsers_only_ever_return_a_value_or_a_clean_error(raw):
    for parse in (
        parsers.parse_date,
        parsers.year,
        parsers.money,
        parsers.count,
        parsers.yes_no,
        parsers.code,
        parsers.tax_code,
        parsers.code_list,
        parsers.text(50),
        parsers.choice({"a": "Á"}),
    ):
        try:
            parse(raw)
        except parsers.CellError as error:
            assert error.expected_vi and error.expected_en
