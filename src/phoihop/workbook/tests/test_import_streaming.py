"""Imports that read only what their rows name, and write many rows in batches (issue 13, item 5).

The batch writer takes PostgreSQL's COPY path from workbook.write.COPY_FROM rows on, so the larger
workbooks here exercise it when the suite runs on PostgreSQL (DATABASE_URL), executemany on SQLite."""

import re
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from phoihop.audit.models import AuditEntry
from phoihop.orgs.closure import rebuild_closure
from phoihop.orgs.models import Enterprise, Unit, UnitClosure
from phoihop.records.models import Person, TimelineEntry
from phoihop.workbook import write
from phoihop.workbook.services import import_workbook

from .helpers import BASE_UNITS, base, write_csv

PEOPLE_HEADER = ["ma_nguoi", "ho_ten", "ngay_sinh", "gioi_tinh", "dan_toc", "ma_doanh_nghiep", "ma_cdcs"]
HISTORY_HEADER = ["ma_nguoi", "tu_ngay", "ma_cdcs", "ma_doanh_nghiep", "ly_do"]


def person(i: int, *, name: str | None = None) -> list[str]:
    union, enterprise = ("CS-1", "DN-1") if i % 2 else ("CS-2", "")
    born = date(1970 + i % 30, 1 + i % 12, 1 + i % 28)
    gender = "nu" if i % 3 else "nam"
    return [f"P{i:04d}", name or f"Nguyễn Văn Số {i}", born.isoformat(), gender, "Kinh", enterprise, union]


def history(i: int) -> list[str]:
    union, enterprise = ("CS-1", "DN-1") if i % 2 else ("CS-2", "")
    return [f"P{i:04d}", "2015-01-01", union, enterprise, "vào công đoàn"]


def big_units(n: int) -> list[list[str]]:
    """n grassroots unions under district one: units of the database a later workbook does not name."""
    return [[f"U-{i:03d}", f"CĐCS số {i}", "cdcs", "T-H1", "", "2011-01-01"] for i in range(n)]


def workbook(tmp_path, name: str, people: list[list[str]], *, units=(), histories=()) -> str:
    sheets = base(nguoi=[PEOPLE_HEADER, *people])
    sheets["don_vi"] += list(units)
    if histories:
        sheets["qua_trinh"] = [HISTORY_HEADER, *histories]
    return write_csv(tmp_path / name, sheets)


def selects_from(queries, table: str) -> list[str]:
    quoted = connection.ops.quote_name(table)
    return [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT") and quoted in q["sql"]
    ]


def test_reimport_of_a_few_rows_looks_up_only_the_keys_they_name(db, tmp_path):
    everyone = [person(i) for i in range(1, 401)]
    first = import_workbook(
        workbook(
            tmp_path, "all", everyone, units=big_units(60), histories=[history(i) for i in range(1, 401)]
        )
    )
    assert first.ok, [e.render() for e in first.errors]
    assert Person.objects.unscoped().count() == 400

    mine = [person(i) for i in (7, 8, 9)]
    with CaptureQueriesContext(connection) as captured:
        again = import_workbook(workbook(tmp_path, "three", mine, histories=[history(i) for i in (7, 8, 9)]))
    assert again.ok, [e.render() for e in again.errors]
    assert again.summary["nguoi"] == {"created": 0, "updated": 0, "unchanged": 3}
    assert again.summary["qua_trinh"] == {"created": 0, "updated": 0, "unchanged": 3}

    queries = captured.captured_queries
    sql = "\n".join(q["sql"] for q in queries)
    # Nobody the second workbook leaves out is named in any statement, nor any unit it does not name.
    others = [f"P{i:04d}" for i in range(1, 401) if i not in (7, 8, 9)]
    assert not [code for code in others if re.search(rf"\b{code}\b", sql)]
    assert not re.search(r"\bU-\d{3}\b", sql)
    # And no statement reads a whole table: every read of people, units, enterprises and histories is
    # narrowed by a WHERE (a LIMIT 1 only asks whether a table is empty).
    for model in (Person, Unit, Enterprise, TimelineEntry):
        for statement in selects_from(queries, model._meta.db_table):
            assert " WHERE " in statement or "LIMIT 1" in statement, statement


def test_reimport_in_the_large_reads_nothing_more_per_row_than_in_the_small(db, tmp_path):
    """The number of statements does not grow with the database: 3 rows into 40 or into 400 people."""
    counts = []
    for size in (40, 400):
        Person.objects.unscoped().all().delete()
        assert import_workbook(workbook(tmp_path, f"all{size}", [person(i) for i in range(1, size + 1)])).ok
        with CaptureQueriesContext(connection) as captured:
            assert import_workbook(workbook(tmp_path, f"three{size}", [person(i) for i in (1, 2, 3)])).ok
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_many_rows_are_stored_as_given_and_updated_in_batches(db, tmp_path, monkeypatch):
    monkeypatch.setattr(write, "BATCH", 200)  # several batches, each large enough for COPY
    people = [person(i) for i in range(1, 651)]
    result = import_workbook(
        workbook(tmp_path, "first", people, histories=[history(i) for i in range(1, 651)])
    )
    assert result.ok, [e.render() for e in result.errors]
    assert result.summary["nguoi"] == {"created": 650, "updated": 0, "unchanged": 0}
    stored = {p.code: p for p in Person.objects.unscoped().select_related("grassroots_union", "enterprise")}
    assert len(stored) == 650
    for row in people:
        p = stored[row[0]]
        assert (p.full_name, p.birth_date.isoformat(), p.gender, p.ethnicity) == tuple(row[1:5])
        assert (p.enterprise.code if p.enterprise else "", p.grassroots_union.code) == (row[5], row[6])
    assert stored["P0001"].search_name == "nguyen van so 1"  # folded for search, as one by one
    assert TimelineEntry.objects.unscoped().count() == 650

    renamed = [person(i, name=f"Trần Thị Mới {i}") if i <= 420 else person(i) for i in range(1, 651)]
    again = import_workbook(workbook(tmp_path, "second", renamed))
    assert again.ok, [e.render() for e in again.errors]
    assert again.summary["nguoi"] == {"created": 0, "updated": 420, "unchanged": 230}
    names = dict(Person.objects.unscoped().values_list("code", "full_name"))
    assert names["P0420"] == "Trần Thị Mới 420" and names["P0421"] == "Nguyễn Văn Số 421"
    assert Person.objects.unscoped().get(code="P0001").search_name == "tran thi moi 1"
    updates = AuditEntry.objects.filter(action="update", model=Person._meta.label)
    assert updates.count() == 420
    assert updates.filter(actor_name="system", object_code="P0007").get().after == {
        "full_name": "Trần Thị Mới 7",
        "search_name": "tran thi moi 7",
    }


def _closure() -> set[tuple]:
    return set(
        UnitClosure.objects.values_list(
            "ancestor__code", "descendant__code", "depth", "valid_from", "valid_to"
        )
    )


def test_the_tree_after_an_import_that_moves_units_is_the_whole_tree_rebuilt(db, tmp_path):
    """The import refreshes the closure of the units it creates, changes or transfers only: the rows it
    leaves are exactly those a rebuild of the whole tree writes."""
    assert import_workbook(workbook(tmp_path, "first", [person(1)], units=big_units(5))).ok
    units = big_units(5)
    units[0][3] = "T-H2"  # U-000 moves to district two by its parent column
    sheets = base(nguoi=[PEOPLE_HEADER, person(1)])
    sheets["don_vi"] += [*units, ["U-NEW", "CĐCS mới", "cdcs", "T-H1", "", "2012-01-01"]]
    sheets["dieu_chuyen"] = [
        ["ma_don_vi", "ngay_hieu_luc", "ma_cap_tren_moi"],
        ["U-001", "2020-07-01", "T-H2"],
    ]
    result = import_workbook(write_csv(tmp_path / "moves", sheets))
    assert result.ok, [e.render() for e in result.errors]
    assert (result.summary["don_vi"]["created"], result.summary["don_vi"]["updated"]) == (1, 1)
    assert result.summary["dieu_chuyen"]["created"] == 1
    after = _closure()
    assert any(a == "T-H2" and d == "U-000" for a, d, *_ in after)
    assert not any(a == "T-H1" and d == "U-000" for a, d, *_ in after)
    assert any(a == "T-H2" and d == "U-001" and start == date(2020, 7, 1) for a, d, _, start, _ in after)
    assert any(a == "T" and d == "U-NEW" for a, d, *_ in after)
    rebuild_closure()
    assert _closure() == after


def _schema(tables: list[str]) -> dict:
    """Every index, key and constraint of the tables, as the database describes them."""
    with connection.cursor() as cursor:
        return {table: connection.introspection.get_constraints(cursor, table) for table in tables}


def test_a_first_import_loaded_in_bulk_keeps_every_index_and_key(db, tmp_path, monkeypatch):
    """A sheet that fills an empty table is loaded with its secondary indexes and foreign keys dropped
    and built again afterwards (PostgreSQL; plain indexes on SQLite), inside the import's transaction:
    afterwards the tables have exactly the indexes and keys they had, and the rows are all there."""
    monkeypatch.setattr(write, "BULK_FROM", 100)
    monkeypatch.setattr(write, "BATCH", 200)
    tables = [Person._meta.db_table, TimelineEntry._meta.db_table, Unit._meta.db_table]
    before = _schema(tables)
    people = [person(i) for i in range(1, 451)]
    result = import_workbook(
        workbook(
            tmp_path, "first", people, units=big_units(120), histories=[history(i) for i in range(1, 451)]
        )
    )
    assert result.ok, [e.render() for e in result.errors]
    assert _schema(tables) == before
    assert Person.objects.unscoped().count() == 450
    assert TimelineEntry.objects.unscoped().count() == 450
    assert (
        Person.objects.unscoped()
        .filter(search_name="nguyen van so 450", grassroots_union__code="CS-2")
        .exists()
    )
    # The same workbook again: the tables are no longer empty, nothing is dropped, nothing changes.
    again = import_workbook(
        workbook(tmp_path, "again", people, histories=[history(i) for i in range(1, 451)])
    )
    assert again.ok and again.summary["nguoi"] == {"created": 0, "updated": 0, "unchanged": 450}
    assert _schema(tables) == before


def test_codes_that_differ_only_in_case_or_underscores_are_one_key(db, tmp_path):
    """The duplicate check compares codes folded (case, _ as a space), whatever form it keeps them in."""
    rows = [person(1), person(2), person(3), person(4)]
    rows[1][0], rows[2][0], rows[3][0] = "p0001", "P0003_", "p0003"
    result = import_workbook(workbook(tmp_path, "dups", rows))
    assert not result.ok
    assert [e.render() for e in result.errors] == [
        "Trang 'Người', dòng 3, cột 'Mã người': giá trị 'p0001': trùng khóa với dòng 2",
        "Trang 'Người', dòng 5, cột 'Mã người': giá trị 'p0003': trùng khóa với dòng 4",
    ]


def test_a_date_after_its_unit_was_dissolved_is_warned_about_on_that_row_only(db, tmp_path):
    units = [[*row, "ngay_giai_the" if i == 0 else ""] for i, row in enumerate(BASE_UNITS)]
    units.append(["CS-X", "CĐCS Công ty Ba", "cdcs", "T-H1", "", "2010-05-01", "2020-01-01"])
    header = [*PEOPLE_HEADER, "ngay_vao_cong_doan"]
    rows = [person(1), person(2), person(3)]
    rows[0][6], rows[1][6] = "CS-X", "CS-X"
    rows = [[*rows[0], "2019-06-01"], [*rows[1], "2021-03-01"], [*rows[2], "2021-03-01"]]
    sheets = base(nguoi=[header, *rows])
    sheets["don_vi"] = units
    result = import_workbook(write_csv(tmp_path / "dissolved", sheets))
    assert result.ok, [e.render() for e in result.errors]
    warned = [w.render() for w in result.warnings if "giải thể" in w.render()]
    assert len(warned) == 1 and "dòng 3" in warned[0] and "CS-X" in warned[0], warned
