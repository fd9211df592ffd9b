"""The sheet `so_lieu_bao_cao` of the standard workbook: the values of a program's reported indicators,
per unit and period (periods.md). Declared here, next to its model and its checks, and added to the
workbook's sheets by `workbook.sheets.register_sheet` when the app starts (periods/hooks.py): the
workbook engine sits below the period reports and never imports them."""

from django.utils.translation import gettext_noop

from phoihop.core import cells as p
from phoihop.workbook.sheets import C, Sheet

from .imports import check_period_rows
from .models import ReportedValue

REPORTED_VALUES = Sheet(
    "so_lieu_bao_cao",
    gettext_noop("Số liệu báo cáo"),
    ReportedValue,
    (
        C("ma_chuong_trinh", gettext_noop("Mã chương trình"), p.code, "program_code", required=True),
        C("ky", gettext_noop("Kỳ"), p.code, "period", required=True, note="2024, 2024H1, 2024Q1"),
        C("ma_don_vi", gettext_noop("Mã đơn vị"), p.code, "unit", required=True, ref="don_vi"),
        C(
            "ma_chi_tieu",
            gettext_noop("Mã chỉ tiêu"),
            p.text(80),
            "indicator_code",
            required=True,
            note="reported.<tên>",
        ),
        C("gia_tri", gettext_noop("Giá trị"), p.count, "value", required=True),
    ),
    ("ma_chuong_trinh", "ky", "ma_don_vi", "ma_chi_tieu"),
    unit_columns=("ma_don_vi",),
    check=check_period_rows,
)  # fmt: skip
