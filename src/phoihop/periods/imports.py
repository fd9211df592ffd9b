"""What the workbook import asks of period reports before anything is written: rows of
`so_lieu_bao_cao` name an existing program, one of its periods, one of its reported indicators and a
reporting unit of that period. The sheet's check (periods/sheets.py), run once per validation by
workbook/validate.py.

The lock itself (periods.md) is not checked here but by the write gate (accounts/scope.py), which the
importer asks for every row that would create or change a record, with the record as it is and as it
would be: an unchanged row of a locked period imports back without error, as an export of it must.
"""

from __future__ import annotations

from phoihop.records.models import Program
from phoihop.workbook.sheets import BY_KEY

from .selectors import period_of, reporting_units


def check_period_rows(validator) -> None:
    if validator.rows.get("so_lieu_bao_cao"):
        _check_reported_values(validator, BY_KEY["so_lieu_bao_cao"])


def _check_reported_values(validator, sheet) -> None:
    rows = validator.rows["so_lieu_bao_cao"]
    programs = {
        p.code: p
        for p in Program.objects.unscoped()
        .filter(code__in={r.values.get("ma_chuong_trinh") for r in rows})
        .prefetch_related("reported_indicators")
    }
    reporters: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        found = _row_problem(row.values, programs, reporters)
        if found is not None:
            column, vietnamese, english = found
            validator.error(
                sheet, row.no, sheet.column(column), row.values.get(column), vietnamese, english
            )  # fmt: skip


def _row_problem(v: dict, programs: dict, reporters: dict) -> tuple[str, str, str] | None:
    """The first thing wrong with a row: (its column, the message in Vietnamese, in English); None if
    nothing. `reporters` caches each (program, period)'s reporting units across rows."""
    program = programs.get(v.get("ma_chuong_trinh"))
    if program is None:
        return ("ma_chuong_trinh", "không có chương trình phối hợp mã này", "no program has this code")
    period = period_of(program, v.get("ky") or "")
    if period is None:
        return (
            "ky",
            f"chương trình {program.code} không có kỳ báo cáo này (ví dụ 2024, 2024H1, 2024Q1)",
            f"program {program.code} has no such period (e.g. 2024, 2024H1, 2024Q1)",
        )
    if v.get("ma_chi_tieu") not in {i.code for i in program.reported_indicators.all()}:
        return (
            "ma_chi_tieu",
            f"không phải chỉ tiêu báo cáo của chương trình {program.code}",
            f"not a reported indicator of program {program.code}",
        )
    key = (program.code, period.code)
    if key not in reporters:
        reporters[key] = {r.unit.code for r in reporting_units(program, period)}
    if v.get("ma_don_vi") and v["ma_don_vi"] not in reporters[key]:
        return (
            "ma_don_vi",
            f"đơn vị không báo cáo kỳ {period.code} của chương trình {program.code}",
            f"the unit does not report in period {period.code} of program {program.code}",
        )
    return None
