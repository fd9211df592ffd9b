"""Indicators read a person's union and workplace on the date that matters (indicators.md), from the
`qua_trinh` timeline: members who moved between districts after, inside and before the period, and a
workplace whose ownership changed between a class and an admission. Expected figures worked out by hand.

Program CT runs 2018-01-01 .. 2020-12-31. District A's union CS-A1 sits in the state enterprise DN-S,
district B's CS-B1 in the foreign-invested DN-F; DN-H is a cooperative.
"""

from pathlib import Path

import pytest

from phoihop.reports.assemble import build_report
from phoihop.workbook.services import import_workbook
from phoihop.workbook.tests.helpers import write_csv

UNITS = [
    ["ma_don_vi", "ten", "loai", "ma_cap_tren", "ma_doanh_nghiep", "ngay_thanh_lap"],
    ["U", "LĐLĐ tỉnh", "ldld_tinh", "", "", "2000-01-01"],
    ["U-A", "LĐLĐ huyện A", "ldld_huyen", "U", "", "2000-01-01"],
    ["U-B", "LĐLĐ huyện B", "ldld_huyen", "U", "", "2000-01-01"],
    ["CS-A1", "CĐCS A1", "cdcs", "U-A", "DN-S", "2010-01-01"],
    ["CS-B1", "CĐCS B1", "cdcs", "U-B", "DN-F", "2010-01-01"],
    ["B", "Đảng ủy Khối", "dang_uy_khoi", "", "", "2000-01-01"],
    ["B-1", "Đảng bộ DN-S", "dang_bo_co_so", "B", "DN-S", "2010-01-01"],
    ["B-2", "Chi bộ DN-H", "chi_bo_co_so", "B", "DN-H", "2010-01-01"],
]
ENTERPRISES = [
    ["ma_doanh_nghiep", "ten", "loai_hinh"],
    ["DN-S", "Nhà nước", "nha_nuoc"],
    ["DN-F", "FDI", "fdi"],
    ["DN-H", "HTX", "hop_tac_xa"],
]
PEOPLE = [
    ["ma_nguoi", "ho_ten", "gioi_tinh", "ma_doanh_nghiep", "ma_cdcs", "ngay_vao_cong_doan"],
    ["M1", "Một", "nam", "DN-F", "CS-B1", "2018-03-01"],  # moved A → B in 2024, after the period
    ["M2", "Hai", "nu", "DN-F", "CS-B1", "2019-02-01"],  # moved A → B in 2019, inside the period
    ["M3", "Ba", "nam", "DN-S", "CS-A1", "2016-01-01"],  # moved B → A in 2017, before the period
    ["M4", "Bốn", "nu", "DN-H", "CS-B1", "2020-05-05"],  # no timeline: the nguoi columns
    ["M5", "Năm", "nam", "DN-S", "CS-A1", "2018-06-01"],  # joined before the first timeline row
    ["M6", "Sáu", "nu", "DN-S", "", "2018-04-01"],  # left the union in 2020: no union now
    ["T1", "Bảy", "nam", "DN-S", "CS-A1", "2017-01-01"],  # left DN-F for DN-S between class and admission
    ["T2", "Tám", "nu", "", "", ""],  # no workplace ever
    ["T3", "Chín", "nu", "DN-H", "", ""],  # found work at DN-H after the class
]
TIMELINE = [
    ["ma_nguoi", "tu_ngay", "ma_cdcs", "ma_doanh_nghiep", "ly_do"],
    ["M1", "2018-03-01", "CS-A1", "DN-S", "vào công đoàn"],
    ["M1", "2024-05-01", "CS-B1", "DN-F", "chuyển sinh hoạt"],
    ["M2", "2019-02-01", "CS-A1", "DN-S", "vào công đoàn"],
    ["M2", "2019-09-01", "CS-B1", "DN-F", "chuyển sinh hoạt"],
    ["M3", "2016-01-01", "CS-B1", "DN-F", "vào công đoàn"],
    ["M3", "2017-06-01", "CS-A1", "DN-S", "chuyển sinh hoạt"],
    ["M5", "2019-01-01", "CS-B1", "DN-F", ""],  # the first row also holds before it: M5 joined in B
    ["M5", "2023-01-01", "CS-A1", "DN-S", "chuyển sinh hoạt"],
    ["M6", "2018-04-01", "CS-A1", "DN-S", "vào công đoàn"],
    ["M6", "2020-01-01", "", "DN-S", "thôi sinh hoạt"],
    ["T1", "2017-01-01", "CS-B1", "DN-F", "vào công đoàn"],
    ["T1", "2019-07-01", "CS-A1", "DN-S", "chuyển nơi làm việc"],
    ["T3", "2015-01-01", "", "", ""],
    ["T3", "2019-05-01", "", "DN-H", "chuyển nơi làm việc"],
]
REFERRALS = [
    ["ma_nguoi", "ngay_gioi_thieu", "ma_don_vi_gioi_thieu"],
    ["M3", "2019-03-01", "CS-A1"],
    ["M2", "2019-10-01", "CS-B1"],
    ["T1", "2019-01-15", "CS-B1"],
]
CLASSES = [
    ["ma_lop", "ten_lop", "ma_don_vi_to_chuc", "ngay_bat_dau"],
    ["L1", "Lớp 1", "B", "2019-03-01"],
]
TRAINEES = [["ma_lop", "ma_nguoi"], ["L1", "T1"], ["L1", "T2"], ["L1", "T3"]]
ADMISSIONS = [
    ["ma_nguoi", "ngay_ket_nap", "ma_to_chuc_dang"],
    ["T1", "2019-10-01", "B-1"],
    ["T3", "2019-12-01", "B-2"],
]
PROGRAM = [
    ["ma_chuong_trinh", "ten", "tu_ngay", "den_ngay", "ma_don_vi_cong_doan", "ma_don_vi_dang"],
    ["CT", "Chương trình thử", "2018-01-01", "2020-12-31", "U", "B"],
]


@pytest.fixture
def report(db, tmp_path: Path):
    folder = write_csv(
        tmp_path / "wb",
        {
            "don_vi": UNITS,
            "doanh_nghiep": ENTERPRISES,
            "nguoi": PEOPLE,
            "qua_trinh": TIMELINE,
            "gioi_thieu": REFERRALS,
            "lop_boi_duong": CLASSES,
            "hoc_vien": TRAINEES,
            "ket_nap": ADMISSIONS,
            "chuong_trinh": PROGRAM,
        },
    )
    result = import_workbook(folder)
    assert result.ok, [e.render() for e in result.errors]
    return build_report(program_code="CT")


def indicator(report, code):
    return report["indicators"][code]


def test_new_members_count_where_they_joined_whatever_came_later(report):
    members = indicator(report, "union.members_admitted")
    # M1 (A, moved after), M2 (A, moved inside), M5 (B: before its first row, the first row holds),
    # M6 (A, though no union now), M4 (B, no timeline). Not M3: joined in 2016.
    assert members["value"] == 5
    assert members["by_unit"] == {"U-A": 3, "U-B": 2}
    assert members["by_year"] == {"2018": 3, "2019": 1, "2020": 1}  # M1 M5 M6 / M2 / M4
    # Workplace on the join date: M1, M2, M6 at DN-S; M5 at DN-F; M4 at DN-H.
    assert members["by_ownership"] == {"fdi": 1, "hop_tac_xa": 1, "nha_nuoc": 3}
    assert members["by_gender"] == {"nam": 2, "nu": 3}


def test_a_district_report_keeps_the_members_who_left_it(report):
    district_a = build_report(program_code="CT", scope_code="U-A")
    assert indicator(district_a, "union.members_admitted")["value"] == 3  # M1, M2, M6
    district_b = build_report(program_code="CT", scope_code="U-B")
    assert indicator(district_b, "union.members_admitted")["value"] == 2  # M4, M5


def test_referrals_break_down_by_the_workplace_on_the_referral_date(report):
    referred = indicator(report, "union.outstanding_referred")
    assert referred["value"] == 3  # M3 by CS-A1, M2 by CS-B1 (after moving there), T1 by CS-B1
    assert referred["by_unit"] == {"U-A": 1, "U-B": 2}
    # M3 at DN-S since 2017; M2 at DN-F since 2019-09-01; T1 at DN-F until 2019-07-01.
    assert referred["by_ownership"] == {"fdi": 2, "nha_nuoc": 1}


def test_referred_admitted_reads_the_workplace_on_the_admission_date(report):
    admitted = indicator(report, "union.referred_admitted")
    assert admitted["value"] == 1  # T1: referred 2019-01-15, admitted 2019-10-01
    assert admitted["by_unit"] == {"U-A": 0, "U-B": 1}  # placed by the referring union CS-B1
    assert admitted["by_ownership"] == {"nha_nuoc": 1}  # at DN-S since 2019-07-01


def test_trainees_are_read_on_the_first_day_of_the_class(report):
    # L1 starts 2019-03-01: T1 then worked at DN-F (fdi), T2 nowhere, T3 nowhere yet (DN-H from May).
    assert indicator(report, "party.trainees")["value"] == 3
    assert indicator(report, "party.trainees")["by_ownership"] == {"fdi": 1, "khong_doanh_nghiep": 2}
    assert indicator(report, "party.trainees_from_enterprises")["value"] == 1  # T1
    assert indicator(report, "party.trainees_from_non_state")["value"] == 1  # T1 (fdi)


def test_admissions_break_down_by_the_workplace_on_the_admission_date(report):
    admitted = indicator(report, "party.members_admitted_in_enterprises")
    assert admitted["value"] == 2  # T1 by B-1 (in DN-S), T3 by B-2 (in DN-H)
    assert admitted["by_unit"] == {"B-1": 1, "B-2": 1}
    # T1 moved from DN-F to DN-S between the class and the admission: the admission reads DN-S.
    assert admitted["by_ownership"] == {"hop_tac_xa": 1, "nha_nuoc": 1}


def test_a_move_recorded_later_does_not_change_a_signed_report(report, tmp_path):
    # M4 moves from B to A in 2024: one more timeline row (and nguoi follows). 2018–2020 stays put.
    folder = write_csv(
        tmp_path / "move",
        {
            "don_vi": UNITS,
            "nguoi": [PEOPLE[0], ["M4", "Bốn", "nu", "DN-S", "CS-A1", "2020-05-05"]],
            "qua_trinh": [
                TIMELINE[0],
                ["M4", "2020-05-05", "CS-B1", "DN-H", "vào công đoàn"],
                ["M4", "2024-03-01", "CS-A1", "DN-S", "chuyển sinh hoạt"],
            ],
        },
    )
    assert import_workbook(folder).ok
    again = build_report(program_code="CT")
    for code in ("union.members_admitted", "union.outstanding_referred", "party.trainees"):
        assert again["indicators"][code] == report["indicators"][code]
