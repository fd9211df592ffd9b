"""The import's raw writer (`workbook/write.py`: plain INSERTs, no model instances, `search_name`
folded again by `core.cells.fold`) stores exactly what the ORM stores for the same row: `Model.save()`
with the same workbook values gives the same columns — defaults of the fields the workbook does not
name and the folded search name included."""

from pathlib import Path

import pytest

from phoihop.orgs.models import Enterprise, Unit
from phoihop.records.models import Initiative, Person, WelfareContribution
from phoihop.workbook.services import import_workbook
from phoihop.workbook.sheets import BY_KEY
from phoihop.workbook.tests.helpers import write_csv

pytestmark = pytest.mark.django_db

# Names a fold must treat alike however they are typed: diacritics, đ/Đ, capitals, inner spaces,
# plain ASCII (the raw writer's fast path), and a decomposed "Thái" (the reader composes it).
ENTERPRISES = [
    ["ma_doanh_nghiep", "ten", "ma_so_thue", "loai_hinh", "dia_ban", "so_lao_dong"],
    ["DN-1", "Công ty TNHH Đầu tư Hưng Thịnh", "5300123456", "ngoai_nha_nuoc", "TP Lào Cai", "120"],
    ["DN-2", "CONG TY ABC", "", "fdi", "", ""],
    ["DN-3", "Hợp tác xã  Nông nghiệp   Bảo Thắng", "", "hop_tac_xa", "Bảo Thắng", "15"],
]
UNITS = [
    [
        "ma_don_vi",
        "ten",
        "loai",
        "ma_cap_tren",
        "ma_doanh_nghiep",
        "dia_ban",
        "ngay_thanh_lap",
        "ngay_giai_the",
    ],
    ["T", "Liên đoàn Lao động tỉnh Lào Cai", "ldld_tinh", "", "", "tỉnh Lào Cai", "1991-10-01", ""],
    ["T-H1", "LĐLĐ huyện Bát Xát", "ldld_huyen", "T", "", "huyện Bát Xát", "1992-01-01", ""],
    ["CS-1", "CĐCS Công ty Hưng Thịnh", "cdcs", "T-H1", "DN-1", "", "2015-05-01", ""],
    ["CS-2", "Cong doan co so ABC", "cdcs", "T", "DN-2", "", "2016-01-01", "2024-12-31"],
    ["K", "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh", "dang_uy_khoi", "", "", "", "", ""],
]
PEOPLE = [
    [
        "ma_nguoi",
        "ho_ten",
        "ngay_sinh",
        "gioi_tinh",
        "dan_toc",
        "ma_doanh_nghiep",
        "chu_doanh_nghiep",
        "ma_cdcs",
        "ngay_vao_cong_doan",
        "ngay_roi_cong_doan",
    ],
    ["P1", "Nguyễn Thị Ánh Tuyết", "1990-02-03", "nu", "Kinh", "DN-1", "", "CS-1", "2015-06-01", ""],
    ["P2", "ĐỖ VĂN ĐỨC", "1985-12-31", "nam", "Tày", "DN-2", "x", "CS-2", "2016-03-01", "2024-12-31"],
    ["P3", "Lo Thi Mai", "", "", "Tha\u0301i", "", "", "", "", ""],
    ["P4", "Vàng  A   Páo", "2000-01-01", "nam", "Mông", "", "", "CS-1", "2020-01-01", ""],
]
INITIATIVES = [
    ["ma_sang_kien", "ten", "ma_don_vi", "nam", "gia_tri_lam_loi", "cap_cong_nhan"],
    ["S-1", "Cải tiến dây chuyền", "CS-1", "2019", "1.500.000", "tinh"],
    ["S-2", "Tiết kiệm điện", "CS-2", "2020", "2000", ""],
]
WELFARE = [
    ["ma_dong_gop", "ma_don_vi", "ngay", "so_tien", "noi_dung"],
    ["AS-1", "CS-1", "2021-05-17", "50000000", "Mái ấm Công đoàn"],
    ["AS-2", "T", "2022-01-20", "1000", ""],
]
CASES = [
    ("doanh_nghiep", Enterprise),
    ("don_vi", Unit),
    ("nguoi", Person),
    ("sang_kien", Initiative),
    ("an_sinh", WelfareContribution),
]


def manager(model):
    return model.objects.unscoped() if hasattr(model.objects, "unscoped") else model.objects


def stored(obj) -> dict:
    """Every column the database holds for the record, but its id and its code."""
    fresh = manager(type(obj)).get(pk=obj.pk)
    return {
        f.attname: getattr(fresh, f.attname)
        for f in type(obj)._meta.concrete_fields
        if f.attname not in {"id", "code"}
    }


def workbook_fields(sheet_key: str, model) -> list[str]:
    """The model attributes the sheet's columns write (references as their `_id`)."""
    names = []
    for column in BY_KEY[sheet_key].columns:
        if column.field and column.field != "code":
            field = model._meta.get_field(column.field)
            if field in model._meta.concrete_fields:  # not a many-to-many (authors)
                names.append(field.attname)
    return names


def test_the_raw_writer_stores_what_model_save_stores(tmp_path: Path):
    folder = write_csv(
        tmp_path / "wb",
        {
            "doanh_nghiep": ENTERPRISES,
            "don_vi": UNITS,
            "nguoi": PEOPLE,
            "sang_kien": INITIATIVES,
            "an_sinh": WELFARE,
        },
    )
    result = import_workbook(folder)
    assert result.ok, [e.render() for e in result.errors]

    compared = 0
    for sheet_key, model in CASES:
        fields = workbook_fields(sheet_key, model)
        imported = list(manager(model).order_by("pk"))
        assert imported, sheet_key
        for raw in imported:
            # The same workbook values through the ORM, under another code; save() fills the rest.
            twin = model(code=f"{raw.code}-ORM", **{name: getattr(raw, name) for name in fields})
            twin.save()
            assert stored(twin) == stored(raw), (sheet_key, raw.code)
            compared += 1
    assert compared == 3 + 5 + 4 + 2 + 2


def test_search_names_are_folded_alike_by_the_import_and_by_save(tmp_path: Path):
    folder = write_csv(tmp_path / "wb", {"doanh_nghiep": ENTERPRISES, "don_vi": UNITS, "nguoi": PEOPLE})
    assert import_workbook(folder).ok
    # What a search box matches against: no diacritics, đ as d, lower case, single spaces.
    assert Person.objects.unscoped().get(code="P2").search_name == "do van duc"
    assert Person.objects.unscoped().get(code="P4").search_name == "vang a pao"
    assert Enterprise.objects.get(code="DN-3").search_name == "hop tac xa nong nghiep bao thang"
    person = Person.objects.unscoped().get(code="P1")
    person.full_name = "ĐỖ VĂN ĐỨC"
    person.save()
    assert person.search_name == Person.objects.unscoped().get(code="P2").search_name


def test_an_empty_money_cell_is_stored_as_the_staff_form_stores_it(tmp_path: Path):
    # InitiativeForm.clean_value_vnd stores 0 for an empty "Giá trị làm lợi"; the import must do the same.
    initiatives = [INITIATIVES[0], ["S-3", "Không ghi giá trị", "CS-1", "2021", "", ""]]
    folder = write_csv(
        tmp_path / "wb",
        {"doanh_nghiep": ENTERPRISES, "don_vi": UNITS, "sang_kien": initiatives},
    )
    assert import_workbook(folder).ok
    assert manager(Initiative).get(code="S-3").value_vnd == 0
