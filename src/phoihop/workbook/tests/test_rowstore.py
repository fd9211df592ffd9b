"""A workbook past the rows an import keeps in memory: its sheets wait in temporary files (workbook.rowstore)
and the import reports and writes exactly what it does with every row in memory."""

import multiprocessing
import os
from datetime import date

import pytest
from django.db import transaction

from phoihop.demo.generator import build_demo_rows, write_csv_workbook
from phoihop.orgs.models import Unit
from phoihop.records.models import Person
from phoihop.workbook import parse_process, rowstore
from phoihop.workbook.rowstore import Row, SpilledRows, batches, column_values, edited, row_numbers
from phoihop.workbook.services import export_workbook, import_workbook
from phoihop.workbook.validate import Validator

from .helpers import base, write_csv
from .test_import import PEOPLE, WELFARE_WITH_ERRORS, messages


def _values_maker():
    holder = type("Values", (), {})
    return lambda: holder().__dict__


def _rows():
    new = _values_maker()
    rows = []
    for no in range(2, 9):
        values = new()
        values.update(code=f"N{no}", born=date(1990, 1, no), unions=["A", "B"][: no % 3], note=None)
        rows.append(Row(no, values))
    return rows


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(rowstore, "CHUNK", 3)


def test_spilled_rows_read_back_as_the_list_they_were(small_chunks):
    rows = _rows()
    spilled = SpilledRows()
    spilled.extend(rows)
    spilled.seal()
    assert len(spilled) == 7 and spilled
    assert len(spilled._chunks) == 3 and not spilled._pending  # 3 + 3 + 1 rows, all in the file
    assert [(r.no, dict(r.values)) for r in spilled] == [(r.no, dict(r.values)) for r in rows]
    assert list(column_values(spilled, "born")) == list(column_values(rows, "born"))
    assert list(column_values(spilled, "missing")) == [None] * 7
    assert list(row_numbers(spilled)) == list(row_numbers(rows)) == list(range(2, 9))
    assert [[r.no for r in b] for b in batches(spilled, 4)] == [[2, 3, 4, 5], [6, 7, 8]]
    assert not SpilledRows().seal()


def test_a_spilled_sheet_gives_its_values_by_chunk_as_lists(small_chunks):
    spilled = SpilledRows()
    spilled.extend(_rows())
    chunks = list(spilled.value_lists(["born", "code", "missing"]))
    assert [len(c) for c in chunks] == [3, 3, 1]
    assert [v for chunk in chunks for v in chunk] == [
        [r.values["born"], r.values["code"], None] for r in _rows()
    ]
    assert list(spilled.value_lists([])) == [[[], [], []], [[], [], []], [[]]]


def test_what_a_pass_changes_in_spilled_rows_is_kept(small_chunks):
    spilled = SpilledRows()
    spilled.extend(_rows())
    for row in edited(spilled):
        if row.no % 2:
            row.values["note"] = f"lẻ {row.no}"
    assert list(column_values(spilled, "note")) == [None, "lẻ 3", None, "lẻ 5", None, "lẻ 7", None]
    assert [r.values["code"] for r in spilled] == [f"N{no}" for no in range(2, 9)]


def _spill_every_sheet(settings, monkeypatch, chunk: int) -> list:
    settings.PHOIHOP_IMPORT_ROWS_IN_MEMORY = 0
    monkeypatch.setattr(rowstore, "CHUNK", chunk)
    written = []  # rows of each chunk written to a spilled file (parsed here or by the parsing process)
    write_chunk, add_encoded = SpilledRows._write_chunk, SpilledRows.add_encoded

    def counted(self, rows):
        written.append(len(rows))
        return write_chunk(self, rows)

    def counted_encoded(self, chunk):
        written.append(chunk.size)
        return add_encoded(self, chunk)

    monkeypatch.setattr(SpilledRows, "_write_chunk", counted)
    monkeypatch.setattr(SpilledRows, "add_encoded", counted_encoded)
    return written


def test_every_error_is_reported_the_same_with_every_sheet_spilled(db, tmp_path, settings, monkeypatch):
    people = [list(r) for r in PEOPLE] + [
        ["N3", "Vàng A Páo", "", "nam", "Mông", "DN-X", "", "T-H1", "2019-01-01"],
        ["N1", "Nguyễn Văn An", "1990-01-31", "nam", "Kinh", "DN-1", "", "CS-1", "15/03/2030"],
    ]
    folder = write_csv(tmp_path / "wb", base(nguoi=people, an_sinh=WELFARE_WITH_ERRORS))
    in_memory = messages(import_workbook(folder))
    written = _spill_every_sheet(settings, monkeypatch, chunk=2)
    spilled = import_workbook(folder)
    assert sum(written) >= len(people) - 1  # the rows went through files
    assert not spilled.ok
    assert messages(spilled) == in_memory
    assert any("trùng khóa với dòng 2" in m for m in in_memory)  # a duplicate across two chunks


def test_the_demo_imported_with_every_sheet_spilled_is_the_same_demo(db, tmp_path, settings, monkeypatch):
    folder = write_csv_workbook(build_demo_rows(), tmp_path / "demo")
    with transaction.atomic():
        kept = import_workbook(folder)
        export_workbook(tmp_path / "in-memory")
        transaction.set_rollback(True)
    written = _spill_every_sheet(settings, monkeypatch, chunk=997)
    spilled = import_workbook(folder)
    export_workbook(tmp_path / "spilled")
    assert kept.ok and spilled.ok
    assert sum(written) > 10_000
    _same_import(kept, tmp_path / "in-memory", spilled, tmp_path / "spilled")


def _same_import(first, first_export, second, second_export) -> None:
    """Two imports of one workbook: the same counts and warnings, and exports equal byte for byte."""
    assert second.summary == first.summary
    assert [w.render() for w in second.warnings] == [w.render() for w in first.warnings]
    sheets = sorted(first_export.glob("*.csv"))
    assert len(sheets) > 10
    for sheet in sheets:
        assert sheet.read_bytes() == (second_export / sheet.name).read_bytes(), sheet.name


def _many_people(count: int) -> list[list]:
    """PEOPLE's header and rows, then `count` more; every 7th has a birth date that does not exist and
    every 11th a union code that does not, so problems fall in many blocks."""
    rows = [list(r) for r in PEOPLE]
    for n in range(count):
        born = "1990-02-30" if n % 7 == 3 else f"1990-01-{n % 28 + 1:02d}"
        union = "CS-404" if n % 11 == 5 else "CS-1"
        rows.append([f"NP{n:04d}", f"Người Thứ {n}", born, "nữ", "Kinh", "DN-1", "", union, "2019-01-01"])
    return rows


def _parsed_by_two_processes(monkeypatch) -> list:
    """Blocks sent to the parsing process (the machine taken to have two cores)."""
    monkeypatch.setattr(parse_process.os, "cpu_count", lambda: 2)
    sent = []
    send = parse_process.BlockParser.send

    def counted(self, block):
        sent.append(len(block))
        return send(self, block)

    monkeypatch.setattr(parse_process.BlockParser, "send", counted)
    return sent


def test_a_sheet_parsed_by_two_processes_gives_every_message_in_the_order_of_one(
    db, tmp_path, settings, monkeypatch
):
    folder = write_csv(tmp_path / "wb", base(nguoi=_many_people(400)))
    _spill_every_sheet(settings, monkeypatch, chunk=10)
    settings.PHOIHOP_IMPORT_PARSE_PROCESS = False
    one = messages(import_workbook(folder))
    settings.PHOIHOP_IMPORT_PARSE_PROCESS = True
    sent = _parsed_by_two_processes(monkeypatch)
    two = messages(import_workbook(folder))
    assert sum(sent) > 100  # a good part of the people went through the other process
    assert len(one) > 90 and two == one
    assert not Person.objects.unscoped().exists()


def test_the_demo_parsed_by_two_processes_is_the_same_demo(db, tmp_path, settings, monkeypatch):
    folder = write_csv_workbook(build_demo_rows(), tmp_path / "demo")
    _spill_every_sheet(settings, monkeypatch, chunk=97)
    settings.PHOIHOP_IMPORT_PARSE_PROCESS = False
    with transaction.atomic():
        one = import_workbook(folder)
        export_workbook(tmp_path / "one")
        transaction.set_rollback(True)
    settings.PHOIHOP_IMPORT_PARSE_PROCESS = True
    sent = _parsed_by_two_processes(monkeypatch)
    two = import_workbook(folder)
    export_workbook(tmp_path / "two")
    assert one.ok and two.ok and sum(sent) > 5_000
    _same_import(one, tmp_path / "one", two, tmp_path / "two")


def test_a_parsing_process_that_dies_fails_the_import_and_nothing_is_written(
    db, tmp_path, settings, monkeypatch
):
    folder = write_csv(tmp_path / "wb", base(nguoi=_many_people(60)))
    _spill_every_sheet(settings, monkeypatch, chunk=10)
    _parsed_by_two_processes(monkeypatch)
    importer = os.getpid()
    parse_block = Validator._parse_block

    def dies_there(self, parse_row, block):
        if os.getpid() != importer:
            os._exit(3)  # killed, out of memory, …
        return parse_block(self, parse_row, block)

    monkeypatch.setattr(Validator, "_parse_block", dies_there)
    with pytest.raises(RuntimeError, match="exit code 3"):
        import_workbook(folder)
    assert not [p for p in multiprocessing.active_children() if p.name == parse_process.NAME]
    assert not Person.objects.unscoped().exists() and not Unit.objects.exists()


def test_a_check_that_fails_beside_the_checking_process_leaves_no_process_behind(
    db, tmp_path, settings, monkeypatch
):
    folder = write_csv(tmp_path / "wb", base(nguoi=_many_people(60)))
    _spill_every_sheet(settings, monkeypatch, chunk=10)
    _parsed_by_two_processes(monkeypatch)
    started = []
    beside = parse_process.Beside.__init__

    def counted(self, call):
        beside(self, call)
        started.append(self._child is not None)

    def fails(self):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(parse_process.Beside, "__init__", counted)
    monkeypatch.setattr(Validator, "_check_units", fails)
    with pytest.raises(RuntimeError, match="went away"):
        import_workbook(folder)
    assert started == [True]  # the record rules were being checked in a child
    assert not [p for p in multiprocessing.active_children() if p.name == parse_process.NAME]
    assert not Person.objects.unscoped().exists()
