"""`by_year` on a two-year program, worked out by hand: records in 2018 and 2019 (and on either side of
the period), read from the report as its reader does — each year's figure, and the period's total.

Program P = 2018-01-01 … 2019-12-31, union root T, party root K. CS-2 stands under T-H2 until
2018-12-31 and, from 2019-01-01, under the other province's federation X: its 2019 records are not
the program's. CS-3 is outside until it moves under T-H1 on 2019-01-01: only its 2019 records count."""

from pathlib import Path

import pytest

from phoihop.reports.assemble import build_report
from phoihop.workbook.services import import_workbook
from phoihop.workbook.tests.helpers import write_csv

UNITS = [
    ["ma_don_vi", "ten", "loai", "ma_cap_tren", "ma_doanh_nghiep", "ngay_thanh_lap"],
    ["T", "LĐLĐ tỉnh Thử", "ldld_tinh", "", "", "2000-01-01"],
    ["T-H1", "LĐLĐ huyện Một", "ldld_huyen", "T", "", "2000-01-01"],
    ["T-H2", "LĐLĐ huyện Hai", "ldld_huyen", "T", "", "2000-01-01"],
    ["X", "LĐLĐ tỉnh khác", "ldld_tinh", "", "", "2000-01-01"],
    ["CS-1", "CĐCS Một", "cdcs", "T-H1", "DN-1", "2010-01-01"],
    ["CS-2", "CĐCS Hai", "cdcs", "T-H2", "DN-2", "2010-01-01"],
    ["CS-3", "CĐCS Ba", "cdcs", "X", "", "2010-01-01"],
    ["CS-4", "CĐCS Bốn (2018)", "cdcs", "T-H1", "", "2018-12-31"],
    ["CS-5", "CĐCS Năm (2019)", "cdcs", "T-H2", "", "2019-01-01"],
    ["CS-6", "CĐCS Sáu (2020)", "cdcs", "T-H2", "", "2020-01-01"],
    ["K", "Đảng ủy Khối", "dang_uy_khoi", "", "", "2000-01-01"],
    ["K-1", "Chi bộ DN1", "chi_bo_co_so", "K", "DN-1", "2010-01-01"],
]
ENTERPRISES = [
    ["ma_doanh_nghiep", "ten", "loai_hinh"],
    ["DN-1", "Công ty Một", "ngoai_nha_nuoc"],
    ["DN-2", "Công ty Hai", "nha_nuoc"],
]
TRANSFERS = [
    ["ma_don_vi", "ngay_hieu_luc", "ma_cap_tren_moi"],
    ["CS-2", "2019-01-01", "X"],
    ["CS-3", "2019-01-01", "T-H1"],
]
PEOPLE = [
    ["ma_nguoi", "ho_ten", "gioi_tinh", "dan_toc", "ma_doanh_nghiep", "ma_cdcs", "ngay_vao_cong_doan"],
    ["P1", "Một", "nam", "Kinh", "DN-1", "CS-1", "2017-12-31"],  # before P
    ["P2", "Hai", "nu", "Kinh", "DN-1", "CS-1", "2018-01-01"],  # 2018
    ["P3", "Ba", "nam", "Tày", "DN-2", "CS-2", "2018-12-31"],  # 2018, CS-2 still under T-H2
    ["P4", "Bốn", "nu", "Tày", "DN-2", "CS-2", "2019-01-01"],  # CS-2 has left: not counted
    ["P5", "Năm", "nam", "Mông", "", "CS-3", "2018-06-01"],  # CS-3 not yet in: not counted
    ["P6", "Sáu", "nu", "Mông", "", "CS-3", "2019-01-01"],  # 2019, the day CS-3 came in
    ["P7", "Bảy", "nam", "Kinh", "DN-1", "CS-1", "2019-12-31"],  # 2019
    ["P8", "Tám", "nu", "Kinh", "DN-1", "CS-1", "2020-01-01"],  # after P
]
REFERRALS = [
    ["ma_nguoi", "ngay_gioi_thieu", "ma_don_vi_gioi_thieu"],
    ["P2", "2018-03-01", "CS-1"],
    ["P3", "2018-12-31", "CS-2"],
    ["P7", "2019-12-31", "CS-1"],
]
ADMISSIONS = [
    ["ma_nguoi", "ngay_ket_nap", "ma_to_chuc_dang"],
    ["P2", "2018-10-01", "K-1"],  # referred in 2018, admitted in 2018
    ["P3", "2019-02-01", "K-1"],  # referred in 2018, admitted in 2019: a 2019 figure
]
INITIATIVES = [
    ["ma_sang_kien", "ten", "ma_don_vi", "nam", "gia_tri_lam_loi"],
    ["S1", "a", "CS-1", "2017", "1"],  # before P
    ["S2", "b", "CS-1", "2018", "2000000"],
    ["S3", "c", "CS-2", "2018", "3000000"],  # CS-2 under T-H2 on 31/12/2018
    ["S4", "d", "CS-2", "2019", "4000000"],  # CS-2 under X on 31/12/2019: not counted
    ["S5", "e", "CS-3", "2019", "5000000"],
    ["S6", "f", "K-1", "2019", "6000000"],
    ["S7", "g", "CS-1", "2020", "7000000"],  # after P
]
AWARDS = [
    ["ma_khen_thuong", "doi_tuong", "ma_doanh_nghiep", "ma_nguoi", "cap", "hinh_thuc", "nam", "ma_don_vi"],
    ["K1", "doanh_nghiep", "DN-1", "", "ubnd_tinh", "bang_khen", "2018", "T"],
    ["K2", "doanh_nghiep", "DN-1", "", "nha_nuoc", "huan_chuong", "2019", "T"],
    ["K3", "doanh_nghiep", "DN-2", "", "ubnd_tinh", "bang_khen", "2019", "T"],
]
WELFARE = [
    ["ma_dong_gop", "ma_don_vi", "ngay", "so_tien"],
    ["W1", "T", "2017-12-31", "1"],  # before P
    ["W2", "T", "2018-01-01", "1000000"],
    ["W3", "CS-2", "2018-12-31", "250000"],
    ["W4", "CS-2", "2019-01-01", "999"],  # CS-2 has left
    ["W5", "CS-3", "2019-01-01", "40000"],
    ["W6", "K-1", "2019-12-31", "5000"],
    ["W7", "T", "2020-01-01", "7"],  # after P
]
PROGRAM = [
    ["ma_chuong_trinh", "ten", "tu_ngay", "den_ngay", "ma_don_vi_cong_doan", "ma_don_vi_dang"],
    ["CT", "Chương trình hai năm", "2018-01-01", "2019-12-31", "T", "K"],
]


@pytest.fixture
def indicators(db, tmp_path: Path) -> dict:
    folder = write_csv(
        tmp_path / "wb",
        {
            "don_vi": UNITS,
            "doanh_nghiep": ENTERPRISES,
            "dieu_chuyen": TRANSFERS,
            "nguoi": PEOPLE,
            "gioi_thieu": REFERRALS,
            "ket_nap": ADMISSIONS,
            "sang_kien": INITIATIVES,
            "khen_thuong": AWARDS,
            "an_sinh": WELFARE,
            "chuong_trinh": PROGRAM,
        },
    )
    result = import_workbook(folder)
    assert result.ok, [e.render() for e in result.errors]
    return build_report(program_code="CT")["indicators"]


def test_grassroots_unions_founded_by_year(indicators):
    founded = indicators["union.grassroots_founded"]
    assert founded["by_year"] == {"2018": 1, "2019": 1}  # CS-4 on 31/12/2018, CS-5 on 01/01/2019
    assert founded["value"] == 2  # CS-6 (2020) is after the period, the rest before it


def test_members_admitted_by_year_follow_the_union_on_the_joining_day(indicators):
    members = indicators["union.members_admitted"]
    assert members["by_year"] == {"2018": 2, "2019": 2}  # P2 P3 / P6 P7
    assert members["value"] == 4
    assert members["by_unit"] == {"T-H1": 3, "T-H2": 1}  # P2 P6 P7 / P3


def test_an_admission_counts_in_the_year_of_the_admission_not_of_the_referral(indicators):
    admitted = indicators["union.referred_admitted"]
    assert admitted["by_year"] == {"2018": 1, "2019": 1}  # P2 / P3 (referred in 2018)
    assert admitted["value"] == 2
    referred = indicators["union.outstanding_referred"]
    assert referred["by_year"] == {"2018": 2, "2019": 1} and referred["value"] == 3


def test_yearly_records_by_their_own_year_placed_on_31_december(indicators):
    initiatives = indicators["emulation.initiatives_applied"]
    assert initiatives["by_year"] == {"2018": 2, "2019": 2}  # S2 S3 / S5 S6
    assert initiatives["value"] == 4
    value = indicators["emulation.initiatives_value_vnd"]
    assert value["by_year"] == {"2018": 5_000_000, "2019": 11_000_000}
    assert value["value"] == 16_000_000


def test_money_by_year_sums_exactly(indicators):
    welfare = indicators["welfare.contributions_vnd"]
    assert welfare["by_year"] == {"2018": 1_250_000, "2019": 45_000}  # W2 W3 / W5 W6
    assert welfare["value"] == 1_295_000


def test_distinct_enterprises_per_year_need_not_add_up_to_the_period(indicators):
    awarded = indicators["awards.enterprises"]
    assert awarded["by_year"] == {"2018": 1, "2019": 2}  # DN-1 / DN-1 again and DN-2
    assert awarded["value"] == 2  # DN-1 and DN-2 over the two years
