"""A large CSV file's rows are read from the file as the import parses them (issue 13, item 5): the
import of a streamed folder stores exactly what the import of the same folder read whole stores, and
the file's problems are found before any row is parsed. `reader.STREAM_FROM` is lowered here so that
these small files take the streamed path."""

import threading
import unicodedata
import zipfile
from datetime import date

import pytest
import xlsxwriter

from phoihop.core.legacy_vn import to_tcvn3
from phoihop.orgs.models import Unit
from phoihop.records.models import Person
from phoihop.workbook import reader, xlsx_pieces
from phoihop.workbook.services import import_workbook

from .helpers import base, read_back, write_csv, write_xlsx, zip_bytes

HEADER = ["ma_nguoi", "ho_ten", "ngay_sinh", "gioi_tinh", "dan_toc", "ma_doanh_nghiep", "ma_cdcs"]


def people(n: int, name=lambda i: f"Lê Thị Hòa {i}") -> list[list[str]]:
    return [HEADER] + [
        [f"N{i:03d}", name(i), f"{1970 + i % 30}-03-0{1 + i % 9}", "nu", "Tày", "DN-1", "CS-1"]
        for i in range(1, n + 1)
    ]


def stored() -> list[tuple]:
    return list(
        Person.objects.unscoped()
        .order_by("code")
        .values_list("code", "full_name", "search_name", "birth_date", "ethnicity", "grassroots_union__code")
    )


def test_a_streamed_folder_stores_what_the_whole_folder_stores(db, tmp_path, monkeypatch):
    folder = write_csv(tmp_path / "wb", base(nguoi=people(120)))
    whole = import_workbook(folder)
    assert whole.ok, [e.render() for e in whole.errors]
    expected = stored()
    Person.objects.unscoped().all().delete()
    monkeypatch.setattr(reader, "STREAM_FROM", 0)
    monkeypatch.setattr(reader, "BLOCK", 97)  # blocks end mid-line and mid-letter: the checks still hold
    raw = reader.read_source(folder, stream=True)
    assert isinstance(next(s for s in raw if s.name == "nguoi").rows, reader.CsvRows)
    streamed = import_workbook(folder)
    assert streamed.ok, [e.render() for e in streamed.errors]
    assert streamed.summary["nguoi"]["created"] == 120
    assert stored() == expected


def test_a_folder_reads_whole_only_its_first_files_up_to_the_limit(db, tmp_path, monkeypatch):
    # doanh_nghiep.csv and don_vi.csv (about 520 bytes) fit the limit; nguoi.csv (about 700), under the
    # limit alone, does not fit what is left: the cells held before parsing are bounded by the limit,
    # not by the number of files.
    folder = write_csv(tmp_path / "wb", base(nguoi=people(12)))
    monkeypatch.setattr(reader, "STREAM_FROM", 800)
    assert (folder / "nguoi.csv").stat().st_size < 800
    raw = {s.name: s for s in reader.read_source(folder, stream=True)}
    assert not isinstance(raw["don_vi"].rows, reader.CsvRows)
    assert not isinstance(raw["doanh_nghiep"].rows, reader.CsvRows)
    assert isinstance(raw["nguoi"].rows, reader.CsvRows)
    assert import_workbook(folder).ok
    assert len(stored()) == 12


def test_title_rows_above_the_header_of_a_streamed_file_are_skipped_with_the_warning(
    db, tmp_path, monkeypatch
):
    monkeypatch.setattr(reader, "STREAM_FROM", 0)
    sheets = base(nguoi=[["DANH SÁCH ĐOÀN VIÊN"], [], *people(3)])
    result = import_workbook(write_csv(tmp_path / "wb", sheets))
    assert result.ok, [e.render() for e in result.errors]
    assert [w.render() for w in result.warnings] == [
        "Trang 'Người', dòng 3: dòng tiêu đề cột là dòng 3; 2 dòng phía trên được bỏ qua"
    ]
    assert Person.objects.unscoped().get(code="N003").full_name == "Lê Thị Hòa 3"


def test_a_file_needing_conversion_is_read_whole_and_converted(db, tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "STREAM_FROM", 0)
    decomposed = unicodedata.normalize("NFD", "Lê Thị Hòa")
    rows = people(4, name=lambda i: to_tcvn3("Nguyễn Văn An") if i == 1 else f"{decomposed} {i}")
    result = import_workbook(write_csv(tmp_path / "wb", base(nguoi=rows)))
    assert result.ok, [e.render() for e in result.errors]
    names = dict(Person.objects.unscoped().values_list("code", "full_name"))
    assert names["N001"] == "Nguyễn Văn An" and names["N002"] == "Lê Thị Hòa 2"
    assert any("đã chuyển từ TCVN3: Nguyễn Văn An" in w.render() for w in result.warnings)


def test_a_streamed_file_that_is_not_utf8_is_refused_before_anything_is_parsed(db, tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "STREAM_FROM", 0)
    folder = write_csv(tmp_path / "wb", base(nguoi=people(5)))
    (folder / "nguoi.csv").write_bytes(
        (folder / "nguoi.csv").read_bytes() + "Hà Nội\n".encode("utf-16-le")[:5] + b"\xff\xfe\n"
    )
    result = import_workbook(folder)
    assert not result.ok
    assert [e.render() for e in result.errors] == ["Trang 'wb': Tệp nguoi.csv không phải UTF-8."]
    assert not Person.objects.unscoped().exists()


# ---- a large .xlsx file: read a sheet at a time ----------------------------------------------------------


def _imported_whole(tmp_path, n: int):
    """An .xlsx of n people (birth dates as Excel dates) imported read whole: (its path, what it stored),
    the people deleted again for the import to compare."""
    rows = people(n)
    for row in rows[1:]:
        row[2] = date.fromisoformat(row[2])
    path = write_xlsx(tmp_path / "so.xlsx", base(nguoi=rows))
    whole = import_workbook(path)
    assert whole.ok, [e.render() for e in whole.errors]
    expected = stored()
    Person.objects.unscoped().all().delete()
    return path, expected


def test_a_large_xlsx_is_read_a_sheet_at_a_time_and_stores_what_it_stores_read_whole(
    db, tmp_path, monkeypatch
):
    """Past XLSX_STREAM_FROM (lowered here to 0), the import loads each sheet only when it comes to it and
    lets it go once parsed; the people stored are the same, with dates written as Excel dates."""
    path, expected = _imported_whole(tmp_path, 150)
    monkeypatch.setattr(reader, "XLSX_STREAM_FROM", 0)
    sheets = {s.name: s for s in reader.read_source(path, stream=True)}
    assert all(s._raw is None for s in sheets.values())  # nothing loaded before the validator asks
    nguoi = sheets["nguoi"]
    assert isinstance(nguoi.rows, reader.XlsxRows) and sheets["don_vi"]._raw is None
    assert nguoi.header[:2] == ["ma_nguoi", "ho_ten"] and nguoi.header_row == 1
    assert [no for no, _ in nguoi.rows][:2] == [2, 3]
    assert list(nguoi.rows) == []  # read once: the sheet is let go with its last row
    streamed = import_workbook(path)
    assert streamed.ok, [e.render() for e in streamed.errors]
    assert streamed.summary["nguoi"]["created"] == 150
    assert stored() == expected


def _read(path, **kw) -> dict:
    return {
        s.name: (s.header, list(s.rows), [n.msgid for n in s.notes]) for s in reader.read_source(path, **kw)
    }


def test_a_large_xlsx_sheet_with_old_text_or_merged_cells_is_read_whole_as_before(db, tmp_path, monkeypatch):
    rows = people(30, name=lambda i: to_tcvn3(f"Hoàng Văn Thụ {i}") if i == 7 else f"Lò Văn Dũng {i}")
    old_text = write_xlsx(tmp_path / "cu.xlsx", base(nguoi=rows))
    merged = tmp_path / "gop.xlsx"
    book = xlsxwriter.Workbook(str(merged))
    sheet = book.add_worksheet("nguoi")
    for r, row in enumerate(people(4)):
        sheet.write_row(r, 0, row)
    sheet.merge_range(2, 6, 3, 6, "CS-1")  # ma_cdcs of rows 3 and 4 merged down the column
    book.close()
    expected = {path: _read(path) for path in (old_text, merged)}
    monkeypatch.setattr(reader, "XLSX_STREAM_FROM", 0)
    for path in (old_text, merged):
        sheets = {s.name: s for s in reader.read_source(path, stream=True)}
        assert not isinstance(sheets["nguoi"].rows, reader.XlsxRows)  # read whole, as before
        assert _read(path, stream=True) == expected[path]
    assert expected[merged]["nguoi"][1][2][1][6] == "CS-1"  # the merge gave its value to row 4
    result = import_workbook(old_text)
    assert result.ok, [e.render() for e in result.errors]
    assert Person.objects.unscoped().get(code="N007").full_name == "Hoàng Văn Thụ 7"


def test_a_large_xlsx_may_unpack_past_the_whole_file_limit_but_no_sheet_past_its_own(
    db, tmp_path, monkeypatch
):
    path = write_xlsx(tmp_path / "so.xlsx", base(nguoi=people(400)))
    monkeypatch.setattr(reader, "XLSX_STREAM_FROM", 0)
    monkeypatch.setattr(reader, "MAX_UNCOMPRESSED", 20_000)  # the whole file is over it
    assert import_workbook(path).ok  # read a sheet at a time: allowed
    Person.objects.unscoped().all().delete()
    with pytest.raises(reader.SourceError) as refused:  # read whole (the error workbook): too large
        reader.read_source(path)
    assert "Tệp .xlsx quá lớn để đọc" in refused.value.message_vi
    monkeypatch.setattr(reader, "MAX_SHEET_STREAMED", 20_000)  # the people sheet is over it
    result = import_workbook(path)
    assert not result.ok and not Person.objects.unscoped().exists()
    assert "Một trang của tệp .xlsx quá lớn để đọc" in result.errors[0].render()


@pytest.mark.parametrize("piece", [None, 2_000], ids=["sheet read whole", "sheet read in pieces"])
def test_a_broken_sheet_of_a_large_xlsx_is_reported_when_reached_and_nothing_is_written(
    db, tmp_path, monkeypatch, piece
):
    if piece:
        monkeypatch.setattr(xlsx_pieces, "PIECE_BYTES", piece)
    path = write_xlsx(tmp_path / "so.xlsx", base(nguoi=people(40)))
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    sheet = max((n for n in parts if n.startswith("xl/worksheets/")), key=lambda n: len(parts[n]))  # nguoi
    parts[sheet] = parts[sheet][: len(parts[sheet]) // 2]  # cut in the middle of its rows
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(zip_bytes(parts))
    monkeypatch.setattr(reader, "XLSX_STREAM_FROM", 0)
    result = import_workbook(broken)
    assert not result.ok
    assert [e.render() for e in result.errors] == ["Trang 'nguoi': Tệp .xlsx bị hỏng, không đọc được."]
    assert not Person.objects.unscoped().exists() and not Unit.objects.exists()


# ---- a large .xlsx sheet: read a piece at a time -------------------------------------------------------


def _varied_sheet(path, constant_memory: bool):
    """A people sheet with a title row, dates, numbers, yes/no marks, blank rows, a run of rows whose first
    cells are empty (a piece may start past column A), and old TCVN3 text far down."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet = book.add_worksheet("nguoi")
    sheet.write_row(0, 0, ["Danh sách đoàn viên"])
    sheet.write_row(1, 0, HEADER + ["la_dang_vien"])
    r = 2
    for i in range(1, 401):
        if i % 97 == 0:
            r += 1  # a blank row
        name = to_tcvn3(f"Hoàng Văn Thụ {i}") if i in (350, 351, 390) else f"Lò Văn Dũng {i}"
        cells = [f"N{i:03d}", name, None, "nam", "Tày", "DN-1", "CS-1", i % 2 == 0]
        if 200 <= i < 240:
            cells[0] = None  # rows 200-239 start at column B
        for c, value in enumerate(cells):
            if c == 2:
                sheet.write_datetime(r, c, date(1970 + i % 30, 3, 1 + i % 9), day)
            elif value is not None:
                sheet.write(r, c, value)
        sheet.write_number(r, 9, i * 1.5)
        r += 1
    book.close()
    return path


@pytest.mark.parametrize("constant_memory", [False, True], ids=["shared strings", "inline strings"])
def test_a_large_xlsx_sheet_read_a_piece_at_a_time_gives_the_cells_and_notes_of_the_whole(
    tmp_path, monkeypatch, constant_memory
):
    """Past PIECE_BYTES of XML (lowered here to a few rows' worth), a sheet is given to calamine a piece at
    a time: the rows, their Excel numbers, the dates, numbers and marks, the converted old text and its
    warnings are those of the sheet read whole."""
    path = _varied_sheet(tmp_path / "so.xlsx", constant_memory)
    whole = read_back(path)
    monkeypatch.setattr(reader, "XLSX_STREAM_FROM", 0)
    monkeypatch.setattr(xlsx_pieces, "PIECE_BYTES", 3_000)
    monkeypatch.setattr(xlsx_pieces, "BLOCK", 1_000)
    pieces = []
    real_workbook = xlsx_pieces._workbook
    monkeypatch.setattr(xlsx_pieces, "_workbook", lambda *a: pieces.append(1) or real_workbook(*a))
    sheets = {s.name: s for s in reader.read_source(path, stream=True)}
    assert isinstance(sheets["nguoi"].rows, reader.PieceRows)
    assert len(list(sheets["nguoi"].rows)) == 404  # read to the end: the thread parsing the pieces is done
    pieced = read_back(path, stream=True)
    assert {name: sheet[:3] for name, sheet in pieced.items()} == {
        name: sheet[:3] for name, sheet in whole.items()
    }
    assert len(pieces) > 20  # read in many pieces, not whole
    rows = {cells[1]: (no, cells) for no, cells in whole["nguoi"][1] if len(cells) > 1}
    assert rows["Hoàng Văn Thụ 350"][0] == 355 and rows["Hoàng Văn Thụ 350"][1][2] == date(1990, 3, 9)
    assert rows["Lò Văn Dũng 201"][1][0] == "" and rows["Lò Văn Dũng 201"][1][9] == 301.5
    assert ("đã chuyển từ %(encoding)s: %(text)s") in {note[2] for note in whole["nguoi"][2]}


def test_a_large_xlsx_sheet_with_merged_cells_is_read_whole(tmp_path, monkeypatch):
    path = tmp_path / "gop.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("nguoi")
    for r, row in enumerate(people(200)):
        sheet.write_row(r, 0, row)
    sheet.merge_range(150, 6, 151, 6, "CS-1")  # the ranges come after the rows in the file
    book.close()
    monkeypatch.setattr(reader, "XLSX_STREAM_FROM", 0)
    monkeypatch.setattr(xlsx_pieces, "PIECE_BYTES", 3_000)
    sheets = {s.name: s for s in reader.read_source(path, stream=True)}
    assert not isinstance(sheets["nguoi"].rows, reader.PieceRows)


def test_a_large_xlsx_imported_in_pieces_stores_what_it_stores_read_whole(db, tmp_path, monkeypatch):
    path, expected = _imported_whole(tmp_path, 300)
    monkeypatch.setattr(reader, "XLSX_STREAM_FROM", 0)
    monkeypatch.setattr(xlsx_pieces, "PIECE_BYTES", 4_000)
    pieced = import_workbook(path)
    assert pieced.ok, [e.render() for e in pieced.errors]
    assert pieced.summary["nguoi"]["created"] == 300
    assert stored() == expected


def test_a_broken_row_far_down_a_large_xlsx_sheet_is_reported_and_nothing_is_written(
    db, tmp_path, monkeypatch
):
    path = write_xlsx(tmp_path / "so.xlsx", base(nguoi=people(300)))
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    sheet = max((n for n in parts if n.startswith("xl/worksheets/")), key=lambda n: len(parts[n]))  # nguoi
    parts[sheet] = parts[sheet].replace(b'<c r="B290"', b'<c r="2B90"')  # read by the last piece
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(zip_bytes(parts))
    monkeypatch.setattr(reader, "XLSX_STREAM_FROM", 0)
    monkeypatch.setattr(xlsx_pieces, "PIECE_BYTES", 3_000)
    result = import_workbook(broken)
    assert not result.ok
    assert [e.render() for e in result.errors] == ["Trang 'nguoi': Tệp .xlsx bị hỏng, không đọc được."]
    assert not Person.objects.unscoped().exists() and not Unit.objects.exists()


def test_rows_left_unread_stop_the_thread_that_parses_the_pieces(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "so.xlsx", base(nguoi=people(300)))
    monkeypatch.setattr(xlsx_pieces, "PIECE_BYTES", 1_000)
    monkeypatch.setattr(xlsx_pieces, "BLOCK", 1_000)  # many pieces: the loader waits for them to be taken
    archive = zipfile.ZipFile(path)
    pieces = xlsx_pieces.SheetPieces(archive, reader._sheet_paths(archive)["nguoi"], "nguoi")
    before = set(threading.enumerate())
    rows = pieces.pieces()
    assert next(rows)[0] == 1
    loaders = [t for t in threading.enumerate() if t.name == xlsx_pieces.LOADER and t not in before]
    assert len(loaders) == 1
    rows.close()  # the validator stopped reading (an error, an import given up)
    loaders[0].join(timeout=5)
    assert not loaders[0].is_alive()
