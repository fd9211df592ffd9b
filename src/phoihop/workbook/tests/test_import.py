from datetime import date

import pytest
from django.core.management import call_command

from phoihop.audit.models import AuditEntry
from phoihop.orgs import selectors
from phoihop.orgs.models import Enterprise, Unit
from phoihop.records.models import Initiative, Person, WelfareContribution
from phoihop.workbook.services import export_workbook, import_workbook
from phoihop.workbook.sheets import BY_KEY

from .helpers import BASE_ENTERPRISES, base, write_csv, write_xlsx

PEOPLE = [
    [
        "Mã người",
        "HỌ VÀ TÊN",
        "ngay sinh",
        "Giới tính",
        "dan_toc",
        "ma_doanh_nghiep",
        "chu_doanh_nghiep",
        "ma_cdcs",
        "ngay_vao_cong_doan",
    ],
    ["N1", "Nguyễn Văn An", "1990-01-31", "nam", "Kinh", "DN-1", "", "CS-1", "15/03/2018"],
    ["N2", "Lò Thị Bích", "02/02/1992", "Nữ", "Giáy", "DN-1", "có", "CS-1", "2019-01-01"],
]


def messages(result):
    return [e.render() for e in result.errors]


def test_csv_workbook_imports_with_labels_keys_and_every_date_form(db, tmp_path):
    result = import_workbook(write_csv(tmp_path / "wb", base(nguoi=PEOPLE)))
    assert result.ok, messages(result)
    assert result.summary["nguoi"] == {"created": 2, "updated": 0, "unchanged": 0}
    bich = Person.objects.unscoped().get(code="N2")
    assert (bich.birth_date, bich.gender, bich.is_business_owner) == (date(1992, 2, 2), "nu", True)
    assert bich.grassroots_union.code == "CS-1" and bich.union_joined_on == date(2019, 1, 1)
    assert selectors.parent_on(Unit.objects.get(code="CS-1"), on=date(2015, 1, 1)).code == "T-H1"


def test_xlsx_with_real_date_cells_and_vietnamese_sheet_names(db, tmp_path):
    sheets = base()
    sheets["Người"] = [
        PEOPLE[0],
        ["N1", "Nguyễn Văn An", date(1990, 1, 31), "nam", "Kinh", "DN-1", "x", "CS-1", date(2018, 3, 15)],
    ]
    result = import_workbook(write_xlsx(tmp_path / "wb.xlsx", sheets))
    assert result.ok, messages(result)
    assert Person.objects.unscoped().get(code="N1").union_joined_on == date(2018, 3, 15)


def test_reimporting_the_same_workbook_changes_nothing(db, tmp_path):
    folder = write_csv(tmp_path / "wb", base(nguoi=PEOPLE))
    assert import_workbook(folder).ok
    again = import_workbook(folder)
    assert again.ok
    assert all(c["created"] == 0 and c["updated"] == 0 for c in again.summary.values())


def test_changed_row_is_an_update_with_audit_before_and_after(db, tmp_path):
    folder = write_csv(tmp_path / "wb", base(nguoi=PEOPLE))
    import_workbook(folder)
    people = [list(r) for r in PEOPLE]
    people[1][1] = "Nguyễn Văn Ân"
    result = import_workbook(write_csv(tmp_path / "wb2", base(nguoi=people)))
    assert result.summary["nguoi"] == {"created": 0, "updated": 1, "unchanged": 1}
    entry = AuditEntry.objects.get(action="update", model="records.Person")
    assert entry.before["full_name"] == "Nguyễn Văn An" and entry.after["full_name"] == "Nguyễn Văn Ân"


# A welfare sheet with an impossible date, an unknown unit, a negative amount and a repeated key.
WELFARE_WITH_ERRORS = [
    ["ma_dong_gop", "ma_don_vi", "ngay", "so_tien"],
    ["AS-1", "CS-1", "2019-02-30", "1.000.000"],
    ["AS-2", "CS-9", "2019-02-01", "-5"],
    ["AS-2", "CS-1", "2019-02-01", "17.000.000"],
]


def test_every_error_is_reported_at_once_with_sheet_row_column_and_nothing_is_written(db, tmp_path):
    welfare = WELFARE_WITH_ERRORS
    people = [list(r) for r in PEOPLE] + [
        ["N3", "Vàng A Páo", "", "nam", "Mông", "DN-X", "", "T-H1", "2019-01-01"]
    ]
    result = import_workbook(write_csv(tmp_path / "wb", base(nguoi=people, an_sinh=welfare)))
    text = "\n".join(messages(result))
    assert not result.ok
    assert "Trang 'An sinh xã hội, từ thiện', dòng 2, cột 'Ngày': giá trị '2019-02-30'" in text
    assert "dòng 3, cột 'Đơn vị': giá trị 'CS-9': không có đơn vị" in text
    assert "dòng 3, cột 'Số tiền (đồng)': giá trị '-5': cần số tiền không âm" in text
    assert "dòng 4, cột 'Mã đóng góp'" in text and "trùng khóa với dòng 3" in text
    assert "cột 'Mã doanh nghiệp': giá trị 'DN-X'" in text
    assert (
        "cột 'Mã CĐCS': giá trị 'T-H1': Đơn vị T-H1 (Liên đoàn Lao động huyện/thị xã/thành phố) "
        "không phải công đoàn cơ sở (loại cdcs)." in text
    )
    assert Unit.objects.count() == 0 and Enterprise.objects.count() == 0


def test_errors_in_english_with_lang_en(db, tmp_path):
    welfare = [["ma_dong_gop", "ma_don_vi", "ngay", "so_tien"], ["AS-1", "CS-1", "hôm qua", "1"]]
    result = import_workbook(write_csv(tmp_path / "wb", base(an_sinh=welfare)))
    assert (
        "Sheet 'An sinh xã hội, từ thiện', row 2, column 'Ngày': value 'hôm qua': expected a date"
        in result.errors[0].render("en")
    )


def test_unknown_sheet_and_unknown_column_are_named(db, tmp_path):
    sheets = base(bang_la=[["a"], ["b"]])
    sheets["doanh_nghiep"][0].append("cot_la")
    sheets["doanh_nghiep"][1].append("?")
    text = "\n".join(messages(import_workbook(write_csv(tmp_path / "wb", sheets))))
    assert "Trang 'bang_la': trang tính không có trong sổ dữ liệu chuẩn" in text
    assert "giá trị 'cot_la': cột không có trong sổ dữ liệu chuẩn" in text


def test_missing_unit_sheet_is_an_error(db, tmp_path):
    result = import_workbook(write_csv(tmp_path / "wb", {"doanh_nghiep": BASE_ENTERPRISES}))
    assert "thiếu trang bắt buộc 'don_vi'" in messages(result)[0]


def test_child_founded_before_parent_and_cycle_are_errors(db, tmp_path):
    sheets = base()
    sheets["don_vi"].append(["CS-3", "CĐCS sớm", "cdcs", "T-H1", "", "1999-01-01"])
    sheets["dieu_chuyen"] = [
        ["ma_don_vi", "ngay_hieu_luc", "ma_cap_tren_moi"],
        ["T-H1", "2020-01-01", "CS-1"],
    ]
    text = "\n".join(messages(import_workbook(write_csv(tmp_path / "wb", sheets))))
    assert "Đơn vị không thể thành lập trước cấp trên T-H1 (thành lập 01/01/2001)." in text
    assert "vòng lặp cấp trên" in text


def test_transfer_after_dissolution_and_to_a_parent_not_yet_founded(db, tmp_path):
    sheets = base()
    sheets["don_vi"][4] = ["CS-1", "CĐCS Công ty Một", "cdcs", "T-H1", "DN-1", "2010-05-01"]
    sheets["don_vi"][0].append("ngay_giai_the")
    for row in sheets["don_vi"][1:]:
        row.append("2018-01-01" if row[0] == "CS-2" else "")
    sheets["dieu_chuyen"] = [
        ["ma_don_vi", "ngay_hieu_luc", "ma_cap_tren_moi"],
        ["CS-2", "2019-01-01", "T-H1"],
        ["CS-1", "1999-06-01", "T-H2"],
    ]
    text = "\n".join(messages(import_workbook(write_csv(tmp_path / "wb", sheets))))
    assert "đơn vị CS-2 đã giải thể ngày 01/01/2018" in text
    assert "cấp trên mới không tồn tại vào ngày 01/06/1999" in text


def test_an_error_in_the_last_sheet_leaves_the_database_as_it_was(db, tmp_path):
    import_workbook(write_csv(tmp_path / "first", base()))
    before = (Unit.objects.count(), Person.objects.unscoped().count())
    targets = [
        ["ma_chi_tieu", "ma_don_vi", "nam", "gia_tri"],
        ["union.members_admitted", "T-H1", "20x1", "5"],
    ]
    result = import_workbook(write_csv(tmp_path / "wb", base(nguoi=PEOPLE, chi_tieu=targets)))
    assert not result.ok
    assert (Unit.objects.count(), Person.objects.unscoped().count()) == before


def test_warnings_do_not_block(db, tmp_path):
    referrals = [["ma_nguoi", "ngay_gioi_thieu", "ma_don_vi_gioi_thieu"], ["N1", "2020-05-01", "CS-1"]]
    admissions = [["ma_nguoi", "ngay_ket_nap", "ma_to_chuc_dang"], ["N1", "2020-01-01", "K-1"]]
    result = import_workbook(
        write_csv(tmp_path / "wb", base(nguoi=PEOPLE, gioi_thieu=referrals, ket_nap=admissions))
    )
    assert result.ok
    assert "kết nạp trước ngày được giới thiệu (01/05/2020)" in result.warnings[0].render()


def test_editor_of_one_district_cannot_import_rows_of_another(world, tmp_path):
    welfare = [
        ["ma_dong_gop", "ma_don_vi", "ngay", "so_tien"],
        ["AS-1", "CDCS-BAC-1", "2019-01-01", "1000000"],
        ["AS-2", "CDCS-NAM-1", "2019-01-01", "1000000"],
    ]
    units = [["ma_don_vi", "ten", "loai", "ma_cap_tren"]]
    result = import_workbook(
        write_csv(tmp_path / "wb", {"don_vi": units, "an_sinh": welfare}),
        actor=world.users["editor_bac"],
    )
    text = "\n".join(messages(result))
    # Worded exactly like a unit code that does not exist: no hint that CDCS-NAM-1 exists elsewhere.
    assert (
        "dòng 3, cột 'Đơn vị': giá trị 'CDCS-NAM-1': không có đơn vị mã này trong sổ hoặc trong cơ sở dữ liệu"
        in text
    )
    assert "CDCS-BAC-1" not in text
    assert not WelfareContribution.objects.unscoped().exists()


def test_money_forms_and_authors(db, tmp_path):
    initiatives = [
        ["ma_sang_kien", "ten", "ma_don_vi", "nam", "gia_tri_lam_loi", "cap_cong_nhan", "tac_gia"],
        ["SK-1", "Cải tiến", "CS-1", "2019", "17.000.000", "Tỉnh", "N1; N2"],
        ["SK-2", "Cải tiến 2", "CS-1", "2019", "17000000", "", ""],
    ]
    result = import_workbook(write_csv(tmp_path / "wb", base(nguoi=PEOPLE, sang_kien=initiatives)))
    assert result.ok, messages(result)
    one = Initiative.objects.unscoped().get(code="SK-1")
    assert one.value_vnd == 17_000_000 and one.level == "tinh"
    assert sorted(one.authors.values_list("code", flat=True)) == ["N1", "N2"]
    assert Initiative.objects.unscoped().get(code="SK-2").level == "co_so"


def test_export_then_import_into_empty_database_gives_the_same_workbook(db, tmp_path):
    assert import_workbook(write_csv(tmp_path / "wb", base(nguoi=PEOPLE))).ok
    export_workbook(tmp_path / "one.xlsx")
    export_workbook(tmp_path / "one")
    Person.objects.unscoped().delete()
    Unit.objects.update(parent=None, merged_into=None)
    from phoihop.orgs.models import UnitClosure

    UnitClosure.objects.all().delete()
    Unit.objects.all().delete()
    Enterprise.objects.all().delete()
    assert import_workbook(tmp_path / "one.xlsx").ok
    export_workbook(tmp_path / "two")
    for sheet in (tmp_path / "one").glob("*.csv"):
        assert sheet.read_bytes() == (tmp_path / "two" / sheet.name).read_bytes(), sheet.name


def test_formula_looking_cells_are_written_as_text(db, tmp_path):
    enterprises = [
        ["ma_doanh_nghiep", "ten", "loai_hinh"],
        ["DN-1", '=HYPERLINK("http://x")', "ngoai_nha_nuoc"],
    ]
    assert import_workbook(write_csv(tmp_path / "wb", base() | {"doanh_nghiep": enterprises})).ok
    export_workbook(tmp_path / "out")
    assert "'=HYPERLINK" in (tmp_path / "out" / "doanh_nghiep.csv").read_text(encoding="utf-8-sig")
    export_workbook(tmp_path / "out.xlsx")
    from openpyxl import load_workbook

    cell = load_workbook(tmp_path / "out.xlsx")[BY_KEY["doanh_nghiep"].title]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_cli_exit_codes(db, tmp_path, capsys):
    good = write_csv(tmp_path / "good", base())
    call_command("import", str(good))
    bad = write_csv(
        tmp_path / "bad",
        base(an_sinh=[["ma_dong_gop", "ma_don_vi", "ngay", "so_tien"], ["A", "CS-1", "x", "1"]]),
    )
    with pytest.raises(SystemExit) as exit_:
        call_command("import", str(bad))
    assert exit_.value.code == 1
    assert "không ghi dữ liệu nào" in capsys.readouterr().err
