"""Each indicator on small hand-made data, pinning the edges of its definition. Expected figures are
worked out by hand in each test, not by the indicator code."""

from pathlib import Path

import pytest

from phoihop.reports.assemble import ReportError, build_report
from phoihop.workbook.services import import_workbook
from phoihop.workbook.tests.helpers import write_csv

UNITS = [
    [
        "ma_don_vi",
        "ten",
        "loai",
        "ma_cap_tren",
        "ma_doanh_nghiep",
        "ngay_thanh_lap",
        "ngay_giai_the",
        "ma_don_vi_tiep_nhan",
    ],
    ["U", "LĐLĐ tỉnh", "ldld_tinh", "", "", "2000-01-01", "", ""],
    ["U-A", "LĐLĐ huyện A", "ldld_huyen", "U", "", "2000-01-01", "2025-06-30", ""],
    ["U-B", "LĐLĐ huyện B", "ldld_huyen", "U", "", "2000-01-01", "", ""],
    ["X", "LĐLĐ tỉnh khác", "ldld_tinh", "", "", "2000-01-01", "", ""],
    ["CS-A1", "CĐCS A1", "cdcs", "U-A", "DN-1", "2018-01-01", "", ""],  # founded on the first day
    ["CS-A2", "CĐCS A2", "cdcs", "U-A", "DN-2", "2018-12-31", "", ""],  # on the last day
    ["CS-A3", "CĐCS A3", "cdcs", "U-A", "", "2017-12-31", "", ""],  # the day before
    ["CS-B1", "CĐCS B1", "cdcs", "U-B", "DN-3", "2018-06-01", "2018-09-30", "CS-A1"],  # merged away
    ["CS-X1", "CĐCS X1", "cdcs", "X", "", "2018-02-01", "", ""],  # outside, moves in on 2018-07-01
    ["B", "Đảng ủy Khối", "dang_uy_khoi", "", "", "2000-01-01", "", ""],
    ["B-1", "Đảng bộ DN1", "dang_bo_co_so", "B", "DN-1", "2018-03-01", "", ""],
    ["B-1-1", "Chi bộ trực thuộc", "chi_bo_truc_thuoc", "B-1", "", "2018-03-02", "", ""],
    ["B-2", "Đảng bộ cơ quan", "dang_bo_co_so", "B", "", "2010-01-01", "", ""],
    ["B-3", "Chi bộ DN2", "chi_bo_co_so", "B", "DN-2", "2019-01-01", "", ""],  # after the period
    ["O", "Huyện ủy", "dang_uy_khac", "", "", "2000-01-01", "", ""],
    ["O-1", "Chi bộ DN3 (ngoài khối)", "chi_bo_co_so", "O", "DN-3", "2018-05-01", "", ""],
]
ENTERPRISES = [
    ["ma_doanh_nghiep", "ten", "loai_hinh"],
    ["DN-1", "Một", "nha_nuoc"],
    ["DN-2", "Hai", "fdi"],
    ["DN-3", "Ba", "hop_tac_xa"],
]
TRANSFERS = [
    ["ma_don_vi", "ngay_hieu_luc", "ma_cap_tren_moi"],
    ["CS-X1", "2018-07-01", "U-B"],
    ["CS-A1", "2025-07-01", "U"],
]
PEOPLE = [
    [
        "ma_nguoi",
        "ho_ten",
        "gioi_tinh",
        "dan_toc",
        "ma_doanh_nghiep",
        "chu_doanh_nghiep",
        "ma_cdcs",
        "ngay_vao_cong_doan",
    ],
    ["P1", "Một", "nam", "Kinh", "DN-1", "", "CS-A1", "2018-01-01"],
    ["P2", "Hai", "nu", "Mông", "DN-2", "", "CS-A2", "2018-12-31"],
    ["P3", "Ba", "nu", "Tày", "", "", "CS-A3", "2017-12-31"],  # before the period
    ["P4", "Bốn", "nam", "Dao", "", "", "CS-X1", "2018-03-01"],  # before its union moved in
    ["P5", "Năm", "nu", "Dao", "", "", "CS-X1", "2018-07-01"],  # the day it moved in
    ["P6", "Sáu", "nam", "Kinh", "DN-3", "x", "CS-B1", "2018-06-15"],  # union merged away later
    ["P7", "Bảy", "nam", "Kinh", "DN-1", "x", "", ""],
]
REFERRALS = [
    ["ma_nguoi", "ngay_gioi_thieu", "ma_don_vi_gioi_thieu"],
    ["P1", "2018-02-01", "CS-A1"],
    ["P2", "2018-12-31", "CS-A2"],
    ["P3", "2017-06-01", "CS-A3"],
    ["P4", "2018-04-01", "CS-X1"],
    ["P6", "2018-08-01", "CS-B1"],
]
ADMISSIONS = [
    ["ma_nguoi", "ngay_ket_nap", "ma_to_chuc_dang"],
    ["P1", "2018-05-01", "B-1-1"],  # referred before; a cell under an enterprise's committee
    ["P2", "2018-12-31", "B-3"],  # referred the same day; B-3 founded only in 2019
    ["P3", "2018-01-10", "B-2"],  # referred before the period: counts
    ["P4", "2018-10-01", "O-1"],  # referred by a union then outside the province: does not count
    ["P6", "2018-07-01", "B-1"],  # referral after admission: does not count
    ["P7", "2018-09-09", "B-1"],
]  # no referral; business owner
CLASSES = [
    ["ma_lop", "ten_lop", "ma_don_vi_to_chuc", "ngay_bat_dau"],
    ["L1", "Lớp 1", "B-1", "2018-12-31"],
    ["L2", "Lớp 2", "O", "2018-05-05"],
    ["L3", "Lớp 3", "B", "2019-01-01"],
]
TRAINEES = [["ma_lop", "ma_nguoi"], ["L1", "P1"], ["L1", "P2"], ["L1", "P3"], ["L2", "P4"], ["L3", "P5"]]
PROGRAM = [
    ["ma_chuong_trinh", "ten", "tu_ngay", "den_ngay", "ma_don_vi_cong_doan", "ma_don_vi_dang"],
    ["CT", "Chương trình thử", "2018-01-01", "2018-12-31", "U", "B"],
]
INITIATIVES = [
    ["ma_sang_kien", "ten", "ma_don_vi", "nam", "gia_tri_lam_loi", "cap_cong_nhan"],
    ["S1", "a", "CS-A1", "2018", "1.500.000", "tinh"],
    ["S2", "b", "B-2", "2018", "2000000", ""],
    ["S3", "c", "CS-X1", "2018", "9000000", "tinh"],
    ["S4", "d", "CS-A1", "2017", "7", ""],
    ["S5", "e", "X", "2018", "5", ""],
]
WORKS = [
    ["ma_cong_trinh", "ten", "ma_don_vi", "nam_dang_ky"],
    ["CT1", "a", "CS-A1", "2018"],
    ["CT2", "b", "B-1-1", "2018"],  # party side counts too (S = U ∪ B)
    ["CT3", "c", "CS-A2", "2017"],  # another year
    ["CT4", "d", "X", "2018"],  # outside
]
CONTESTS = [
    ["ma_de_tai", "ten", "hoi_thi", "cap", "nam", "ma_don_vi", "so_tac_gia", "giai"],
    ["HT1", "a", "Hội thi tỉnh", "tinh", "2018", "CS-A1", "3", ""],
    ["HT2", "b", "Hội thi tỉnh", "tinh", "2018", "", "4", "nhat"],  # no unit: counted for the roots
    ["HT3", "c", "Hội thi tỉnh", "tinh", "2018", "X", "9", ""],  # outside
    ["HT4", "d", "Hội thi tỉnh", "tinh", "2017", "CS-A1", "2", ""],  # another year
    ["HT5", "e", "Hội thi toàn quốc", "toan_quoc", "2018", "CS-A1", "3", "nhi"],
    ["HT6", "f", "Hội thi toàn quốc", "toan_quoc", "2018", "B-2", "1", "khuyen_khich"],
    ["HT7", "g", "Hội thi toàn quốc", "toan_quoc", "2018", "", "2", "khuyen_khich"],
    ["HT8", "h", "Hội thi toàn quốc", "toan_quoc", "2018", "X", "2", "nhi"],  # outside
]
AWARDS = [
    [
        "ma_khen_thuong",
        "doi_tuong",
        "ma_doanh_nghiep",
        "ma_nguoi",
        "nguoi_dung_dau",
        "lao_dong_truc_tiep",
        "cap",
        "hinh_thuc",
        "nam",
        "ma_don_vi",
    ],
    ["K1", "doanh_nghiep", "DN-1", "", "", "", "ubnd_tinh", "bang_khen", "2018", "U"],
    ["K2", "doanh_nghiep", "DN-1", "", "", "", "nha_nuoc", "huan_chuong", "2018", "B"],
    ["K3", "doanh_nghiep", "DN-2", "", "", "", "tong_ldld", "bang_khen", "2018", "U"],
    ["K4", "ca_nhan", "", "P7", "x", "", "ubnd_tinh", "bang_khen", "2018", "B"],
    ["K5", "ca_nhan", "", "P1", "", "x", "tong_ldld", "bang_lao_dong_sang_tao", "2018", "U"],
    ["K6", "ca_nhan", "", "P2", "", "", "co_so", "giay_khen", "2018", ""],
    ["K7", "ca_nhan", "", "P4", "", "x", "co_so", "giay_khen", "2018", "X"],
]
CULTURE = [["ma_doanh_nghiep", "nam", "danh_hieu"], ["DN-1", "2018", "nep_song_van_hoa"]]
DEMOCRACY = [
    ["ma_don_vi", "nam", "da_thuc_hien"],
    ["CS-A1", "2018", "x"],
    ["CS-A2", "2018", "x"],
    ["CS-A3", "2018", "x"],
    ["CS-B1", "2018", "x"],
    ["CS-X1", "2018", "không"],
    ["B-1", "2018", "x"],
    ["B-2", "2018", "x"],
]
WELFARE = [
    ["ma_dong_gop", "ma_don_vi", "ngay", "so_tien"],
    ["W1", "U", "2018-01-01", "1000"],
    ["W2", "CS-X1", "2018-06-30", "50"],
    ["W3", "CS-X1", "2018-07-01", "70"],
    ["W4", "B-2", "2018-12-31", "5"],
    ["W5", "B-2", "2019-01-01", "999"],
]
TARGETS = [["ma_chi_tieu", "ma_don_vi", "nam", "gia_tri"], ["union.members_admitted", "U-A", "2018", "4"]]


@pytest.fixture
def report(db, tmp_path: Path):
    folder = write_csv(
        tmp_path / "wb",
        {
            "don_vi": UNITS,
            "doanh_nghiep": ENTERPRISES,
            "dieu_chuyen": TRANSFERS,
            "nguoi": PEOPLE,
            "gioi_thieu": REFERRALS,
            "ket_nap": ADMISSIONS,
            "lop_boi_duong": CLASSES,
            "hoc_vien": TRAINEES,
            "chuong_trinh": PROGRAM,
            "sang_kien": INITIATIVES,
            "khen_thuong": AWARDS,
            "cong_trinh": WORKS,
            "hoi_thi": CONTESTS,
            "van_hoa": CULTURE,
            "dan_chu": DEMOCRACY,
            "an_sinh": WELFARE,
            "chi_tieu": TARGETS,
        },
    )
    result = import_workbook(folder)
    assert result.ok, [e.render() for e in result.errors]
    return build_report(program_code="CT")


def value(report, code):
    return report["indicators"][code]["value"]


def test_grassroots_unions_founded_counts_both_period_ends_and_the_merged_one(report):
    # CS-A1 (first day), CS-A2 (last day), CS-B1 (merged later); not CS-A3 (day before) nor CS-X1 (outside then).
    assert value(report, "union.grassroots_founded") == 3
    assert report["indicators"]["union.grassroots_founded"]["by_unit"] == {"U-A": 2, "U-B": 1}


def test_members_of_a_union_taken_in_count_from_the_transfer_date(report):
    # P1, P2 (both ends), P5 (the transfer day), P6; not P3 (before), P4 (before the move).
    indicator = report["indicators"]["union.members_admitted"]
    assert indicator["value"] == 4
    assert indicator["by_unit"] == {"U-A": 2, "U-B": 2}
    assert indicator["by_gender"] == {"nam": 2, "nu": 2}
    assert indicator["by_ownership"] == {"fdi": 1, "hop_tac_xa": 1, "khong_doanh_nghiep": 1, "nha_nuoc": 1}


def test_district_that_ended_later_still_carries_its_unions(report):
    assert "U-A" in report["indicators"]["union.members_admitted"]["by_unit"]


def test_referrals_in_period_by_units_in_the_union_tree(report):
    # P1, P2, P6; P3 is before the period, P4's union was outside the province on the referral date.
    assert value(report, "union.outstanding_referred") == 3


def test_referred_admitted_needs_a_referral_on_or_before_the_admission(report):
    # P1 (before), P2 (same day), P3 (referral before the period); not P4 (outside), P6 (after), P7 (none).
    assert value(report, "union.referred_admitted") == 3


def test_party_units_founded_in_enterprises(report):
    # B-1 only: B-1-1 is a dependent cell, B-2 has no enterprise, B-3 is after, O-1 is outside the bloc.
    assert value(report, "party.cells_founded_in_enterprises") == 1


def test_admissions_in_enterprises_through_the_unit_or_an_ancestor(report):
    # P1 (B-1-1 under B-1 in DN-1), P6 and P7 (B-1); P2's B-3 is in an enterprise too; not P3 (B-2), P4 (O-1).
    assert value(report, "party.members_admitted_in_enterprises") == 4
    assert value(report, "party.business_owners_admitted") == 2


def test_training_classes_and_trainees(report):
    assert value(report, "party.training_classes") == 1  # L1 (last day); L2 outside the bloc, L3 after
    assert value(report, "party.trainees") == 3
    assert value(report, "party.trainees_from_enterprises") == 2  # P1 (state), P2 (fdi)
    assert value(report, "party.trainees_from_non_state") == 1


def test_initiatives_by_year_and_value(report):
    # S1, S2 and S3 (CS-X1 stood under U-B on 31 Dec 2018); S4 is 2017, S5 is outside.
    assert value(report, "emulation.initiatives_applied") == 3
    assert value(report, "emulation.initiatives_value_vnd") == 12_500_000
    assert value(report, "emulation.initiatives_provincial") == 2


def test_works_registered_in_the_years_of_the_period_on_both_trees(report):
    assert value(report, "emulation.works_registered") == 2  # CT1, CT2


def test_contest_entries_by_level_with_authors_and_prizes(report):
    assert value(report, "emulation.provincial_contest_projects") == 2  # HT1, HT2 (no unit)
    assert value(report, "emulation.provincial_contest_authors") == 7  # 3 + 4
    assert value(report, "emulation.national_contest_projects") == 3  # HT5, HT6, HT7
    assert value(report, "emulation.national_second_prizes") == 1  # HT5; HT8 is outside
    assert value(report, "emulation.national_consolation_prizes") == 2  # HT6, HT7


def test_awards_count_distinct_enterprises_and_heads(report):
    assert value(report, "awards.enterprises") == 1  # DN-1 twice; DN-2's award is below provincial level
    assert value(report, "awards.enterprise_heads") == 1
    assert value(report, "emulation.creative_labor_certificates") == 1
    # Individual awards in scope: K4, K5, K6 (no unit); K7 was proposed outside. Direct: K5 → 33.3 %.
    assert value(report, "awards.direct_worker_share_pct") == 33.3


def test_yearly_minimum_percentages(report):
    # Enterprises with a grassroots party unit in B in 2018: DN-1 (B-1) only; it is recognised → 100 %.
    assert value(report, "culture.min_yearly_recognition_pct") == 100.0
    # Grassroots units in S existing in 2018: CS-A1, CS-A2, CS-A3, CS-B1, CS-X1, B-1, B-2 → 6 of 7.
    assert value(report, "democracy.min_yearly_implementation_pct") == 85.7


def test_welfare_counts_from_the_transfer_date(report):
    assert value(report, "welfare.contributions_vnd") == 1000 + 70 + 5


def test_targets_show_actual_and_percentage(report):
    assert report["targets"] == [
        {
            "indicator": "union.members_admitted",
            "unit": "U-A",
            "unit_name": "LĐLĐ huyện A",
            "year": 2018,
            "target": 4,
            "actual": 2,
            "reached_pct": 50.0,
        }
    ]


def test_every_catalogue_indicator_is_present_and_empty_scope_is_null(report):
    assert len(report["indicators"]) == 27
    empty = build_report(program_code="CT", scope_code="B-3", date_from="2018-01-01", date_to="2018-06-30")
    assert empty["indicators"]["culture.min_yearly_recognition_pct"]["value"] is None
    assert empty["indicators"]["union.members_admitted"]["value"] == 0


def test_scope_report_counts_only_the_subtree(report):
    district = build_report(program_code="CT", scope_code="U-B")
    assert district["indicators"]["union.members_admitted"]["value"] == 2
    assert district["scope"] == ["U-B"]


def test_bad_requests_are_clear(report):
    with pytest.raises(ReportError, match="trước ngày bắt đầu") as bad:
        build_report(program_code="CT", date_from="2018-05-01", date_to="2018-04-01")
    assert bad.value.kind == "usage"
    with pytest.raises(ReportError, match="Không có chương trình"):
        build_report(program_code="NOPE")
    with pytest.raises(ReportError, match="Không có đơn vị"):
        build_report(program_code="CT", scope_code="NOPE")


def test_pages_show_indicator_labels_in_the_page_language():
    from django.utils import translation

    from phoihop.indicators.registry import REGISTRY

    founded = REGISTRY["union.grassroots_founded"]
    with translation.override("vi"):
        assert founded.display_label == "Số CĐCS thành lập mới"
    with translation.override("en"):
        assert founded.display_label == "New grassroots unions"
