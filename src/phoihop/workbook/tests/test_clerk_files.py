"""A clerk's workbook, as it really arrives (issue 14, "Bad input"): title rows above the header, merged
cells, blank rows, hidden sheets, formulas, numbers and dates typed as text, Vietnamese sheet titles and
choice labels, decomposed Unicode and text in the legacy TCVN3/VNI encodings. Each file is built in the
test with openpyxl (as a clerk's Excel would save it) or as CSV."""

from datetime import date

import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.urls import reverse

from phoihop.api.tests.helpers import bearer
from phoihop.core.legacy_vn import to_tcvn3, to_vni
from phoihop.orgs.models import Enterprise, Transfer
from phoihop.records.models import Person
from phoihop.workbook.models import ImportJob
from phoihop.workbook.services import import_workbook
from phoihop.workbook.sheets import BY_KEY, LISTS_SHEET

from .helpers import BASE_ENTERPRISES, BASE_UNITS, write_csv

PEOPLE_LABELS = [
    "Mã người",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Mã CĐCS",
    "Ngày vào công đoàn",
]


def messages(problems) -> list[str]:
    return [p.render() for p in problems]


def book_with_base() -> openpyxl.Workbook:
    """A workbook holding the base units and enterprise, with the tab titles a clerk sees."""
    book = openpyxl.Workbook()
    units = book.active
    units.title = BY_KEY["don_vi"].title
    for row in BASE_UNITS:
        units.append(row)
    enterprises = book.create_sheet(BY_KEY["doanh_nghiep"].title)
    for row in BASE_ENTERPRISES:
        enterprises.append(row)
    return book


def save(book, tmp_path, name="so.xlsx"):
    path = tmp_path / name
    book.save(path)
    return path


def test_title_rows_blank_rows_merged_units_and_text_numbers_and_dates_are_read(db, tmp_path):
    book = book_with_base()
    people = book.create_sheet("Người")
    people.append(["DANH SÁCH ĐOÀN VIÊN CÔNG ĐOÀN CƠ SỞ CÔNG TY MỘT"])  # a title, merged over the width
    people.merge_cells("A1:G1")
    people.append(["(kèm theo báo cáo số 12/BC-CĐ)"])
    people.append([])
    people.append(PEOPLE_LABELS)  # the real header, row 4
    people.append(["N1", "Nguyễn Văn An", "31/01/1990", "Nam", "Kinh", "CS-1", "15.03.2018"])
    people.append(["N2", "Lò Thị Bích", "2/2/1992", "nữ", "Giáy", None, "2019-01-01"])
    people.append([])  # a blank row in the middle
    people.append(["N3", "Vừ A Dính", date(1988, 7, 9), "NAM", "Mông", None, "01-06-2020"])
    people.merge_cells("F5:F8")  # one union for the three people, merged down the column
    result = import_workbook(save(book, tmp_path))
    assert result.ok, messages(result.errors)
    for code in ("N1", "N2", "N3"):
        assert Person.objects.unscoped().get(code=code).grassroots_union.code == "CS-1"
    bich = Person.objects.unscoped().get(code="N2")
    assert (bich.birth_date, bich.gender, bich.union_joined_on) == (date(1992, 2, 2), "nu", date(2019, 1, 1))
    assert Person.objects.unscoped().get(code="N1").union_joined_on == date(2018, 3, 15)
    assert "Trang 'Người', dòng 4: dòng tiêu đề cột là dòng 4; 3 dòng phía trên được bỏ qua" in messages(
        result.warnings
    )


def test_a_merge_across_columns_is_named_with_its_range(db, tmp_path):
    book = book_with_base()
    people = book.create_sheet("nguoi")
    people.append(PEOPLE_LABELS)
    people.append(["N1", "Nguyễn Văn An", "31/01/1990", "nam", "Kinh", "CS-1", "15/03/2018"])
    people.merge_cells("B2:C2")  # the name spread over the birth date's column
    result = import_workbook(save(book, tmp_path))
    assert not result.ok and not Person.objects.unscoped().exists()
    assert (
        "Trang 'Người', dòng 2, cột 'Họ và tên': giá trị 'Nguyễn Văn An': ô gộp B2:C2 trải qua nhiều cột: "
        "hãy bỏ gộp ô, mỗi cột một giá trị" in messages(result.errors)
    )


def test_formulas_are_read_by_their_saved_values(db, tmp_path):
    path = tmp_path / "formulas.xlsx"
    book = xlsxwriter.Workbook(str(path))
    for key, rows in (("don_vi", BASE_UNITS), ("doanh_nghiep", BASE_ENTERPRISES)):
        sheet = book.add_worksheet(key)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
    works = book.add_worksheet("Công trình, sản phẩm")
    works.write_row(0, 0, ["ma_cong_trinh", "ten", "ma_don_vi", "nam_dang_ky"])
    works.write_row(1, 0, ["CT-1", "Nhà văn hóa", "CS-1"])
    works.write_formula(1, 3, "=2020+1", None, 2021)  # Excel saves the value with the formula
    works.write_row(2, 0, ["CT-2"])
    works.write_formula(2, 1, '=UPPER("cầu")', None, "CẦU")
    works.write_row(2, 2, ["CS-1", 2022])
    book.close()
    result = import_workbook(path)
    assert result.ok, messages(result.errors)
    assert result.summary["cong_trinh"]["created"] == 2


def test_a_formula_saved_without_its_value_asks_to_open_and_save_the_file(db, tmp_path):
    book = book_with_base()
    works = book.create_sheet("cong_trinh")
    works.append(["ma_cong_trinh", "ten", "ma_don_vi", "nam_dang_ky"])
    works.append(["CT-1", "Nhà văn hóa", "CS-1", "=2020+1"])  # openpyxl writes no value for it
    result = import_workbook(save(book, tmp_path))
    assert not result.ok
    assert (
        "Trang 'Công trình, sản phẩm', dòng 2, cột 'Năm đăng ký': ô có công thức nhưng tệp không lưu giá "
        "trị của nó: hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi tải lên" in messages(result.errors)
    )


def test_hidden_sheets(db, tmp_path):
    book = book_with_base()
    notes = book.create_sheet("Ghi chú của tôi")
    notes.append(["không phải dữ liệu"])
    notes.sheet_state = "hidden"
    lists = book.create_sheet(LISTS_SHEET)  # our own export's drop-down lists
    lists.append(["Loại hình", "Nhà nước"])
    lists.sheet_state = "hidden"
    works = book.create_sheet("cong_trinh")  # a standard sheet hidden: still the workbook's data
    works.append(["ma_cong_trinh", "ten", "ma_don_vi", "nam_dang_ky"])
    works.append(["CT-1", "Nhà văn hóa", "CS-1", 2021])
    works.sheet_state = "hidden"
    result = import_workbook(save(book, tmp_path))
    assert result.ok, messages(result.errors)
    assert result.summary["cong_trinh"]["created"] == 1
    assert messages(result.warnings) == [
        "Trang 'Ghi chú của tôi': trang ẩn, không thuộc sổ dữ liệu chuẩn: bỏ qua"
    ]


def test_sheet_titles_and_choice_labels_in_vietnamese_are_read_as_their_keys(db, tmp_path):
    book = book_with_base()
    enterprises = book[BY_KEY["doanh_nghiep"].title]
    enterprises.append(["DN-2", "Công ty Hai", "Nhà nước"])
    enterprises.append(["DN-3", "Công ty Ba", "CÓ VỐN ĐẦU TƯ NƯỚC NGOÀI"])
    enterprises.append(["DN-4", "Hợp tác xã Bốn", "hop tac xa"])
    democracy = book.create_sheet(BY_KEY["dan_chu"].title)
    democracy.append(["Mã đơn vị", "Năm", "Đã thực hiện"])
    democracy.append(["CS-1", 2021, "có"])
    democracy.append(["CS-2", "2.021", "Không"])  # a year typed with a grouping dot is not a year
    result = import_workbook(save(book, tmp_path))
    assert not result.ok
    assert messages(result.errors) == [
        f"Trang '{BY_KEY['dan_chu'].label}', dòng 3, cột 'Năm': giá trị '2.021': cần năm 4 chữ số"
    ]
    democracy["B3"] = 2021
    result = import_workbook(save(book, tmp_path))
    assert result.ok, messages(result.errors)
    ownership = dict(Enterprise.objects.values_list("code", "ownership"))
    assert (ownership["DN-2"], ownership["DN-3"], ownership["DN-4"]) == ("nha_nuoc", "fdi", "hop_tac_xa")


def test_a_bad_date_is_named_with_what_is_wrong(db, tmp_path):
    welfare = [["ma_dong_gop", "ma_don_vi", "ngay", "so_tien"], ["AS-1", "CS-1", "31/02/2020", "1.000.000"]]
    welfare.append(["AS-2", "CS-1", "12/25/2020", "1 000 000"])
    welfare.append(["AS-3", "CS-1", "05/06/2020", "1,000"])
    sheets = {"don_vi": BASE_UNITS, "doanh_nghiep": BASE_ENTERPRISES, "an_sinh": welfare}
    result = import_workbook(write_csv(tmp_path / "wb", sheets))
    text = "\n".join(messages(result.errors))
    assert "dòng 2, cột 'Ngày': giá trị '31/02/2020': ngày 31/02/2020 không có" in text
    assert "dòng 3, cột 'Ngày': giá trị '12/25/2020': tháng 25 không có — ngày và tháng bị đảo?" in text
    assert "dòng 4, cột 'Số tiền (đồng)': giá trị '1,000': '1,000' không rõ" in text
    assert len(result.errors) == 3  # 1 000 000 with spaces is read


# ---- one form of Unicode on every way in -------------------------------------------------------------

THAI_DECOMPOSED = "Tha\u0301i"  # as some keyboards and macOS write it
NO_UNITS = [["ma_don_vi", "ten", "loai", "ma_cap_tren"]]  # the world's units are in the database


def test_decomposed_text_from_a_form_an_import_and_the_api_is_stored_composed(world, client, tmp_path):
    assert THAI_DECOMPOSED != "Thái"
    # The staff form.
    client.force_login(world.users["editor_bac"])
    person = {
        "code": "P-BAC-2",
        "full_name": "Lường Văn Thái".replace("á", "a\u0301"),
        "birth_date": "20/04/1995",
        "gender": "nam",
        "ethnicity": THAI_DECOMPOSED,
        "grassroots_union": "CDCS-BAC-1",
        "enterprise": "DN-BAC",
        "union_joined_on": "01/06/2021",
    }
    assert client.post("/ho-so/nguoi/them/", person).status_code == 302
    # The import (CSV, as written by a Mac).
    people = [
        ["ma_nguoi", "ho_ten", "dan_toc", "ma_cdcs"],
        ["P-BAC-3", "Cà Thị Mai", THAI_DECOMPOSED, "CDCS-BAC-1"],
    ]
    result = import_workbook(write_csv(tmp_path / "wb", {"don_vi": NO_UNITS, "nguoi": people}))
    assert result.ok, messages(result.errors)
    # And one composed, typed elsewhere.
    people = [["ma_nguoi", "ho_ten", "dan_toc", "ma_cdcs"], ["P-BAC-4", "Lò Văn Panh", "Thái", "CDCS-BAC-1"]]
    assert import_workbook(write_csv(tmp_path / "wb2", {"don_vi": NO_UNITS, "nguoi": people})).ok

    thai = Person.objects.unscoped().filter(code__in=["P-BAC-2", "P-BAC-3", "P-BAC-4"])
    assert set(thai.values_list("ethnicity", flat=True)) == {"Thái"}
    assert Person.objects.unscoped().get(code="P-BAC-2").full_name == "Lường Văn Thái"
    # The breakdown's GROUP BY: one ethnic group, three people.
    groups = dict(thai.values_list("ethnicity").annotate(n=Count("id")))
    assert groups == {"Thái": 3}

    # The API (JSON body).
    created = client.post(
        "/api/v1/units/CDCS-BAC-1/transfers",
        {"new_parent": "LDLD-A-NAM", "effective_on": "2021-01-01", "decision_no": f"12/QĐ-{THAI_DECOMPOSED}"},
        content_type="application/json",
        **bearer(world, "manager_a"),
    )
    assert created.status_code == 201, created.content
    assert Transfer.objects.get(unit__code="CDCS-BAC-1").decision_no == "12/QĐ-Thái"


# ---- legacy encodings ------------------------------------------------------------------------------


def test_tcvn3_and_vni_text_is_converted_and_shown_in_the_import_summary(
    world, client, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.PHOIHOP_IMPORT_INLINE, settings.MEDIA_ROOT = True, tmp_path / "media"
    book = openpyxl.Workbook()
    book.active.title = "don_vi"
    book.active.append(NO_UNITS[0])
    people = book.create_sheet("nguoi")
    people.append([to_tcvn3("Mã người"), to_tcvn3("Họ và tên"), "dan_toc", "ma_cdcs"])  # an old header
    people.append(["P-BAC-2", to_tcvn3("Nguyễn Văn An"), to_tcvn3("Tày"), "CDCS-BAC-1"])
    people.append(["P-BAC-3", to_vni("Trần Thị Hường"), "Kinh", "CDCS-BAC-1"])
    path = save(book, tmp_path, "cu.xlsx")
    assert "NguyÔn V¨n An" in [c.value for c in openpyxl.load_workbook(path)["nguoi"][2]]

    client.force_login(world.users["editor_bac"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("workbook:upload"), {"file": SimpleUploadedFile("cu.xlsx", path.read_bytes())})
    job = ImportJob.objects.get()
    assert job.status == "succeeded", job.errors
    assert Person.objects.unscoped().get(code="P-BAC-2").full_name == "Nguyễn Văn An"
    assert Person.objects.unscoped().get(code="P-BAC-3").full_name == "Trần Thị Hường"
    assert Person.objects.unscoped().get(code="P-BAC-2").ethnicity == "Tày"
    page = client.get(reverse("workbook:job", args=[job.pk])).content.decode()
    assert "đã chuyển từ TCVN3: Nguyễn Văn An" in page
    assert "đã chuyển từ VNI: Trần Thị Hường" in page


def test_legacy_text_that_cannot_be_converted_for_sure_is_refused_naming_the_encoding(db, tmp_path):
    people = [["ma_nguoi", "ho_ten", "ma_cdcs"], ["N1", "NguyÔn V¨n Qx¸zq", "CS-1"]]
    result = import_workbook(
        write_csv(tmp_path / "wb", {"don_vi": BASE_UNITS, "doanh_nghiep": BASE_ENTERPRISES, "nguoi": people})
    )
    assert not result.ok and not Person.objects.unscoped().exists()
    assert (
        "Trang 'Người', dòng 2, cột 'Họ và tên': giá trị 'NguyÔn V¨n Qx¸zq': văn bản ở bảng mã cũ TCVN3 (ABC, "
        "phông .VnTime), không chuyển chắc chắn được sang Unicode: hãy chuyển mã (ví dụ bằng Unikey) rồi tải "
        "lên lại" in messages(result.errors)
    )


def test_many_converted_cells_are_summed_up_per_column(db, tmp_path):
    names = [
        "Nguyễn Văn An",
        "Trần Thị Hường",
        "Lò Thị Mai",
        "Vừ A Dính",
        "Sùng Mí Quyết",
        "Giàng Seo Phử",
        "Đặng Thùy Dương",
    ]
    people = [["ma_nguoi", "ho_ten"]] + [[f"N{i}", to_tcvn3(n)] for i, n in enumerate(names)]
    result = import_workbook(
        write_csv(tmp_path / "wb", {"don_vi": BASE_UNITS, "doanh_nghiep": BASE_ENTERPRISES, "nguoi": people})
    )
    assert result.ok, messages(result.errors)
    assert sorted(Person.objects.unscoped().values_list("full_name", flat=True)) == sorted(names)
    shown = messages(result.warnings)
    assert len(shown) == 6
    assert (
        "Trang 'Người', cột 'Họ và tên': và 2 ô khác của cột này cũng đã chuyển từ TCVN3 sang Unicode"
        in shown
    )


@pytest.mark.parametrize("encoding", [to_tcvn3, to_vni])
def test_a_legacy_sheet_title_and_header_are_recognised(db, tmp_path, encoding):
    people = [[encoding("Mã người"), encoding("Họ và tên")], ["N1", encoding("Nguyễn Văn An")]]
    sheets = {"don_vi": BASE_UNITS, "doanh_nghiep": BASE_ENTERPRISES, encoding("Người"): people}
    result = import_workbook(write_csv(tmp_path / "wb", sheets))
    assert result.ok, messages(result.errors)
    assert Person.objects.unscoped().get(code="N1").full_name == "Nguyễn Văn An"
