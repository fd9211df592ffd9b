"""What the workbook import asks of period reports, row by row, before anything is written:

- a row dated within a submitted or approved period of a unit above its unit is an error naming the
  period, the unit and who can unlock it (the lock of periods.md), for the row as it would be and, for
  a row updating a record found by its code, as the record is now;
- rows of `so_lieu_bao_cao` name an existing program, one of its periods, one of its reported
  indicators, a reporting unit of that period, and a report that is not submitted or approved.

Called once per validation by workbook/validate.py (`check_period_rows(validator)`).
"""

from __future__ import annotations

from datetime import date

from phoihop.orgs.models import Unit
from phoihop.records.models import Program

from .lock import LockIndex, locked_message, record_dates
from .models import LOCKING, PeriodReport

# sheet → (unit column, date column, year column) for each date the row is counted at.
DATED_COLUMNS = {
    "nguoi": [("ma_cdcs", "ngay_vao_cong_doan", None), ("ma_cdcs", "ngay_roi_cong_doan", None)],
    "qua_trinh": [("ma_cdcs", "tu_ngay", None)],
    "gioi_thieu": [
        ("ma_don_vi_gioi_thieu", "ngay_gioi_thieu", None),
        ("ma_to_chuc_dang", "ngay_gioi_thieu", None),
    ],
    "lop_boi_duong": [("ma_don_vi_to_chuc", "ngay_bat_dau", None)],
    "ket_nap": [("ma_to_chuc_dang", "ngay_ket_nap", None), ("ma_to_chuc_dang", "ngay_chinh_thuc", None)],
    "an_sinh": [("ma_don_vi", "ngay", None)],
    "cong_trinh": [("ma_don_vi", None, "nam_dang_ky")],
    "sang_kien": [("ma_don_vi", None, "nam")],
    "hoi_thi": [("ma_don_vi", None, "nam")],
    "khen_thuong": [("ma_don_vi", None, "nam")],
    "dan_chu": [("ma_don_vi", None, "nam")],
}
# Sheets whose rows update a record found by a single code column: the record as it is now counts too.
CODE_KEYED = {
    "nguoi": "ma_nguoi",
    "lop_boi_duong": "ma_lop",
    "an_sinh": "ma_dong_gop",
    "cong_trinh": "ma_cong_trinh",
    "sang_kien": "ma_sang_kien",
    "hoi_thi": "ma_de_tai",
    "khen_thuong": "ma_khen_thuong",
}


def _en(report) -> str:
    return (
        f"period {report.period} of {report.unit.code} (program {report.program.code}) is {report.status}: "
        f"its records are locked until a manager or admin of the level above unlocks it"
    )


def check_period_rows(validator) -> None:
    from phoihop.workbook.sheets import BY_KEY

    index = LockIndex()
    if index.reports:
        _check_locks(validator, index, BY_KEY)
    if validator.rows.get("so_lieu_bao_cao"):
        _check_reported_values(validator, BY_KEY["so_lieu_bao_cao"])


def _check_locks(validator, index: LockIndex, by_key) -> None:
    codes = set()
    for key, columns in DATED_COLUMNS.items():
        for row in validator.rows.get(key, []):
            codes.update(row.values.get(u) for u, _, _ in columns if row.values.get(u))
    unit_ids = dict(Unit.objects.filter(code__in=codes).values_list("code", "pk"))
    for key, columns in DATED_COLUMNS.items():
        rows = validator.rows.get(key, [])
        if not rows or key not in by_key:
            continue
        sheet = by_key[key]
        stored = _stored(sheet, key, rows)
        for row in rows:
            found = None
            for unit_col, date_col, year_col in columns:
                unit_id = unit_ids.get(row.values.get(unit_col) or "")
                day, year = (
                    row.values.get(date_col) if date_col else None,
                    row.values.get(year_col) if year_col else None,
                )
                if day:
                    found = index.find(unit_id, day, day)
                elif year:
                    found = index.find(unit_id, date(year, 1, 1), date(year, 12, 31))
                if found:
                    column = sheet.column(date_col or year_col)
                    value = day.isoformat() if day else year
                    break
            if not found and key in stored:
                record = stored[key].get(row.values.get(CODE_KEYED[key]))
                for placed in record_dates(record) if record is not None else ():
                    found = index.find(placed.unit_id, placed.day_from, placed.day_to)
                    if found:
                        column, value = sheet.column(CODE_KEYED[key]), row.values.get(CODE_KEYED[key])
                        break
            if found:
                validator.error(sheet, row.no, column, value, locked_message(found), _en(found))


def _stored(sheet, key: str, rows) -> dict:
    if key not in CODE_KEYED:
        return {}
    codes = [r.values.get(CODE_KEYED[key]) for r in rows if r.values.get(CODE_KEYED[key])]
    manager = sheet.model.objects
    manager = manager.unscoped() if hasattr(manager, "unscoped") else manager.all()
    return {key: {r.code: r for r in manager.filter(code__in=codes)}}


def _check_reported_values(validator, sheet) -> None:
    from .selectors import period_of, reporting_units

    rows = validator.rows["so_lieu_bao_cao"]
    programs = {
        p.code: p
        for p in Program.objects.unscoped()
        .filter(code__in={r.values.get("ma_chuong_trinh") for r in rows})
        .prefetch_related("reported_indicators")
    }
    reporters: dict[tuple[str, str], set[str]] = {}
    locked = {
        (r.program.code, r.period, r.unit.code): r
        for r in PeriodReport.objects.unscoped()
        .filter(status__in=LOCKING, program__in=programs.values())
        .select_related("program", "unit")
    }
    for row in rows:
        v = row.values
        program = programs.get(v.get("ma_chuong_trinh"))
        if program is None:
            validator.error(
                sheet, row.no, sheet.column("ma_chuong_trinh"), v.get("ma_chuong_trinh"),
                "không có chương trình phối hợp mã này", "no program has this code",
            )  # fmt: skip
            continue
        period = period_of(program, v.get("ky") or "")
        if period is None:
            validator.error(
                sheet, row.no, sheet.column("ky"), v.get("ky"),
                f"chương trình {program.code} không có kỳ báo cáo này (ví dụ 2024, 2024H1, 2024Q1)",
                f"program {program.code} has no such period (e.g. 2024, 2024H1, 2024Q1)",
            )  # fmt: skip
            continue
        codes = {i.code for i in program.reported_indicators.all()}
        if v.get("ma_chi_tieu") not in codes:
            validator.error(
                sheet, row.no, sheet.column("ma_chi_tieu"), v.get("ma_chi_tieu"),
                f"không phải chỉ tiêu báo cáo của chương trình {program.code}",
                f"not a reported indicator of program {program.code}",
            )  # fmt: skip
            continue
        key = (program.code, period.code)
        if key not in reporters:
            reporters[key] = {r.unit.code for r in reporting_units(program, period)}
        if v.get("ma_don_vi") and v["ma_don_vi"] not in reporters[key]:
            validator.error(
                sheet, row.no, sheet.column("ma_don_vi"), v.get("ma_don_vi"),
                f"đơn vị không báo cáo kỳ {period.code} của chương trình {program.code}",
                f"the unit does not report in period {period.code} of program {program.code}",
            )  # fmt: skip
            continue
        report = locked.get((program.code, period.code, v.get("ma_don_vi")))
        if report is not None:
            validator.error(
                sheet, row.no, sheet.column("gia_tri"), v.get("gia_tri"), locked_message(report), _en(report)
            )
