"""The sheet `so_lieu_bao_cao` of the standard workbook: the values of a program's reported indicators,
per unit and period (periods.md). Declared here, next to its model and its checks, and added to the
workbook's sheets by `workbook.sheets.register_sheet` when the app starts (periods/hooks.py): the
workbook engine sits below the period reports and never imports them."""

from phoihop.core import cells as p
from phoihop.workbook.sheets import C, Sheet

from .imports import check_period_rows
from .models import ReportedValue

REPORTED_VALUES = Sheet(
    "so_lieu_bao_cao",
    "Số liệu báo cáo",
    "Reported figures",
    ReportedValue,
    (
        C("ma_chuong_trinh", "Mã chương trình", "Program code", p.code, "program_code", required=True),
        C("ky", "Kỳ", "Period", p.code, "period", required=True, note="2024, 2024H1, 2024Q1"),
        C("ma_don_vi", "Mã đơn vị", "Unit", p.code, "unit", required=True, ref="don_vi"),
        C(
            "ma_chi_tieu",
            "Mã chỉ tiêu",
            "Indicator code",
            p.text(80),
            "indicator_code",
            required=True,
            note="reported.<tên>",
        ),
        C("gia_tri", "Giá trị", "Value", p.count, "value", required=True),
    ),
    ("ma_chuong_trinh", "ky", "ma_don_vi", "ma_chi_tieu"),
    unit_columns=("ma_don_vi",),
    check=check_period_rows,
)  # fmt: skip
