"""Sheet `qua_trinh` and column `so_cccd`: what the import refuses (with the row named, nothing written),
and the export of a timeline that imports back unchanged."""

from datetime import date

import pytest

from phoihop.records.models import Person, TimelineEntry
from phoihop.workbook.export import write_csv_folder, write_xlsx
from phoihop.workbook.services import import_workbook
from phoihop.workbook.sheets import BY_KEY
from phoihop.workbook.tests.helpers import base, write_csv

PEOPLE = [
    ["ma_nguoi", "ho_ten", "ngay_sinh", "ma_cdcs", "ma_doanh_nghiep", "ngay_vao_cong_doan", "so_cccd"],
    ["N1", "Nguyễn Văn Một", "1990-01-01", "CS-2", "", "2015-01-01", "001090000001"],
    ["N2", "Trần Thị Hai", "1992-02-02", "CS-1", "DN-1", "2016-01-01", ""],
]
TIMELINE = [
    ["ma_nguoi", "tu_ngay", "ma_cdcs", "ma_doanh_nghiep", "ly_do"],
    ["N1", "2015-01-01", "CS-1", "DN-1", "vào công đoàn"],
    ["N1", "2023-04-01", "CS-2", "", "chuyển sinh hoạt"],
]


def _import(tmp_path, name="wb", **sheets):
    return import_workbook(write_csv(tmp_path / name, base(**sheets)))


def _messages(result) -> list[str]:
    return [e.render() for e in result.errors]


@pytest.mark.django_db
def test_a_timeline_imports_and_its_export_imports_back_unchanged(tmp_path):
    assert _import(tmp_path, nguoi=PEOPLE, qua_trinh=TIMELINE).ok
    rows = TimelineEntry.objects.unscoped().filter(person__code="N1").order_by("starts_on")
    assert [(r.starts_on.isoformat(), r.grassroots_union.code) for r in rows] == [
        ("2015-01-01", "CS-1"),
        ("2023-04-01", "CS-2"),
    ]
    assert Person.objects.unscoped().get(code="N1").cccd == "001090000001"
    write_csv_folder(tmp_path / "export")
    again = import_workbook(tmp_path / "export")
    assert again.ok, _messages(again)
    assert again.summary["qua_trinh"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert again.summary["nguoi"] == {"created": 0, "updated": 0, "unchanged": 2}
    write_xlsx(tmp_path / "export.xlsx")
    assert import_workbook(tmp_path / "export.xlsx").summary["qua_trinh"]["unchanged"] == 2


@pytest.mark.django_db
def test_the_template_has_the_timeline_sheet_and_the_cccd_column(tmp_path):
    import openpyxl

    write_xlsx(tmp_path / "mau.xlsx", template=True)
    book = openpyxl.load_workbook(tmp_path / "mau.xlsx", read_only=True)
    assert BY_KEY["qua_trinh"].title in book.sheetnames
    header = [c.value for c in next(book[BY_KEY["nguoi"].title].iter_rows(max_row=1))]
    assert "Số CCCD" in header


@pytest.mark.django_db
def test_timeline_rows_before_birth_on_one_date_or_disagreeing_with_nguoi_are_refused(tmp_path):
    result = _import(
        tmp_path,
        nguoi=PEOPLE,
        qua_trinh=[
            TIMELINE[0],
            ["N1", "1989-12-31", "CS-1", "DN-1", ""],  # row 2: before the birth date 1990-01-01
            ["N1", "01/04/2023", "CS-2", "", ""],  # row 3
            ["N1", "2023-04-01", "CS-2", "", ""],  # row 4: the same date as row 3
            ["N2", "2016-01-01", "CS-2", "", ""],  # row 5: nguoi says CS-1 / DN-1
        ],
    )
    assert not result.ok
    text = "\n".join(_messages(result))
    assert "dòng 2" in text and "Trước ngày sinh của người này (01/01/1990)." in text
    assert "dòng 4" in text and "trùng khóa với dòng 3" in text
    assert "dòng 5" in text and "không khớp với trang nguoi" in text
    assert not Person.objects.unscoped().exists()
    assert not TimelineEntry.objects.unscoped().exists()


@pytest.mark.django_db
def test_a_stored_timeline_refuses_a_nguoi_row_that_moves_the_person_silently(tmp_path):
    assert _import(tmp_path, nguoi=PEOPLE, qua_trinh=TIMELINE).ok
    moved = [PEOPLE[0], ["N1", "Nguyễn Văn Một", "1990-01-01", "CS-1", "DN-1", "2015-01-01", ""]]
    result = _import(tmp_path, "again", nguoi=moved)
    assert not result.ok
    assert "dòng quá trình cuối đã lưu" in "\n".join(_messages(result))
    assert Person.objects.unscoped().get(code="N1").grassroots_union.code == "CS-2"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("00109000000", "đúng 12 chữ số"),
        ("0010900000011", "đúng 12 chữ số"),
        ("00109000000A", "đúng 12 chữ số"),
        ("099090000001", "mã tỉnh từ 001 đến 096"),
        ("000090000001", "mã tỉnh từ 001 đến 096"),
    ],
)
def test_a_cccd_of_the_wrong_shape_is_refused(tmp_path, number, expected):
    people = [PEOPLE[0], ["N9", "Chín", "", "CS-1", "", "", number]]
    result = _import(tmp_path, nguoi=people)
    assert not result.ok
    assert any("Số CCCD" in m and expected in m and "dòng 2" in m for m in _messages(result))


@pytest.mark.django_db
def test_a_cccd_already_used_by_another_person_is_refused(tmp_path):
    assert _import(tmp_path, nguoi=PEOPLE, qua_trinh=TIMELINE).ok
    result = _import(tmp_path, "two", nguoi=[PEOPLE[0], ["N3", "Ba", "", "CS-1", "", "", "001090000001"]])
    assert not result.ok
    assert "số CCCD đã dùng cho người khác" in "\n".join(_messages(result))  # no code: no oracle
    inside = _import(
        tmp_path,
        "three",
        nguoi=[
            PEOPLE[0],
            ["N4", "Bốn", "", "CS-1", "", "", "002090000001"],
            ["N5", "Năm", "", "CS-1", "", "", "002090000001"],
        ],
    )
    assert "trùng với dòng 2" in "\n".join(_messages(inside))
    assert not Person.objects.unscoped().filter(code__in=["N3", "N4", "N5"]).exists()


@pytest.mark.django_db
def test_each_side_of_a_move_reimports_its_own_export_unchanged(world, tmp_path):
    from phoihop.accounts.models import User
    from phoihop.accounts.scope import scope_for
    from phoihop.records.moves import record_move

    record_move(
        actor=world.users["manager_a"],
        person=world.people["P-BAC-1"],
        moved_on=date(2024, 3, 1),
        to_union=world.unit("CDCS-NAM-1"),
    )
    editor_nam = User.objects.create(username="editor_nam", role="editor", unit=world.unit("LDLD-A-NAM"))
    for user in (world.users["editor_bac"], editor_nam):
        scope = scope_for(user)
        folder = tmp_path / user.username
        write_csv_folder(folder, scope=scope)
        result = import_workbook(folder, actor=user, scope=scope)
        assert result.ok, (user.username, _messages(result))
        assert all(not (c["created"] or c["updated"]) for c in result.summary.values()), result.summary


@pytest.mark.django_db
def test_the_former_union_exports_its_stretch_not_where_the_member_went(world, tmp_path):
    from phoihop.accounts.scope import scope_for
    from phoihop.records.moves import record_move

    record_move(
        actor=world.users["manager_a"],
        person=world.people["P-BAC-1"],
        moved_on=date(2024, 3, 1),
        to_union=world.unit("CDCS-NAM-1"),
    )
    folder = tmp_path / "bac"
    write_csv_folder(folder, scope=scope_for(world.users["editor_bac"]))
    people = (folder / "nguoi.csv").read_text(encoding="utf-8-sig")
    history = (folder / "qua_trinh.csv").read_text(encoding="utf-8-sig")
    assert "P-BAC-1" not in people and "CDCS-NAM-1" not in people + history
    assert "P-BAC-1,2015-03-01,CDCS-BAC-1,DN-BAC" in history
