"""What period reports add to the review report (`apply_periods`, registered with reports.assemble by
periods/hooks.py):

- `approval`: which reporting units' figures in the report's span are approved, and which are not yet
  (the report marks them);
- `reported`: the program's reported indicators, from approved submissions only, added up over periods
  as each says (`sum`, `max`, `last`) and over units by sum;
- with `approved_only`, every catalogue figure comes from the approved submissions' frozen versions:
  the value is the sum over the approved (unit, period) pairs of the report's scope whose period lies
  in the span, `by_year` by the period's year and `by_unit` by reporting unit. Percentages cannot be
  added up and are left empty in that mode.
"""

from __future__ import annotations

from collections import defaultdict

from phoihop.orgs.models import Unit
from phoihop.orgs.selectors import ever_under_ids

from .models import PeriodReport, ReportVersion, Status
from .selectors import periods_of, reporting_units_of_periods


def _latest_versions(reports) -> dict[int, ReportVersion]:
    latest: dict[int, ReportVersion] = {}
    for version in ReportVersion.objects.filter(report__in=reports).order_by("report", "number"):
        latest[version.report_id] = version
    return latest


def apply_periods(report: dict, program, ctx, *, approved_only: bool = False) -> dict:
    periods = [p for p in periods_of(program) if p.date_from >= ctx.date_from and p.date_to <= ctx.date_to]
    reporters = reporting_units_of_periods(program, periods)
    # Each pair with its unit's id, read once (`unit.id`: the primary key, without `pk`'s lookup of it,
    # for each of 1,600 pairs of a province's five periods, three times).
    every = [
        (period, reporter, reporter.unit.id) for period in periods for reporter in reporters[period.code]
    ]
    # In scope: the reporting units that stood under the scope's roots on some day, as ctx.unit_ids("S")
    # says, asked of these few units only (reading the whole set took 0.3 s at national scale).
    scope_ids = set(
        ever_under_ids([root.pk for root in ctx.roots("S")])
        .filter(descendant_id__in={unit_id for _, _, unit_id in every})
        .values_list("descendant_id", flat=True)
    )
    rows = [(period, reporter, unit_id) for period, reporter, unit_id in every if unit_id in scope_ids]
    reports = {
        (r.period, r.unit_id): r
        for r in PeriodReport.objects.unscoped().filter(program=program, period__in=[p.code for p in periods])
    }
    not_approved: dict[str, list[str]] = defaultdict(list)
    approved = []
    for period, reporter, unit_id in rows:
        found = reports.get((period.code, unit_id))
        if found is not None and found.status == Status.APPROVED:
            approved.append((period, reporter, found))
        else:
            not_approved[reporter.unit.code].append(period.code)
    names = dict(Unit.objects.filter(code__in=list(not_approved)).values_list("code", "name"))
    report["approval"] = {
        "approved_only": approved_only,
        "periods": [p.code for p in periods],
        "approved": len(approved),
        "expected": len(rows),
        "not_approved": [
            {"unit": code, "unit_name": names.get(code, code), "periods": codes}
            for code, codes in sorted(not_approved.items())
        ],
    }
    versions = _latest_versions([r for _, _, r in approved])
    report["reported"] = _reported(program, approved, versions)
    if approved_only:
        _frozen_figures(report, approved, versions)
    return report


def _reported(program, approved, versions) -> dict:
    out = {}
    for indicator in program.reported_indicators.all():
        per_unit: dict[str, list[tuple[str, int | float]]] = defaultdict(list)
        for period, reporter, found in approved:
            version = versions.get(found.pk)
            value = version.reported.get(indicator.code) if version else None
            if value is not None:
                per_unit[reporter.unit.code].append((period.code, value))
        by_unit, by_year = {}, defaultdict(int)
        for unit_code, values in per_unit.items():
            values.sort()  # by period code, which sorts in time order
            by_unit[unit_code] = _combine([v for _, v in values], indicator.aggregation)
            for year in sorted({c[:4] for c, _ in values}):
                by_year[year] += _combine([v for c, v in values if c[:4] == year], indicator.aggregation)
        out[indicator.code] = {
            "label": indicator.label,
            "unit": indicator.unit_label,
            "aggregation": indicator.aggregation,
            "value": sum(by_unit.values()) if by_unit else None,
            "by_year": dict(sorted(by_year.items())),
            "by_unit": by_unit,
        }
    return out


def _combine(values: list, aggregation: str):
    if aggregation == "max":
        return max(values)
    if aggregation == "last":
        return values[-1]
    return sum(values)


def _frozen_figures(report: dict, approved, versions) -> None:
    for code, entry in report["indicators"].items():
        kind = report["units"]["kinds"].get(code)
        if kind == "pct":
            entry.update(value=None, by_year={}, by_unit={})
            continue
        by_unit, by_year, total, seen = defaultdict(int), defaultdict(int), 0, False
        for period, reporter, found in approved:
            version = versions.get(found.pk)
            value = version.indicators.get(code) if version else None
            if value is None:
                continue
            seen = True
            total += value
            by_unit[reporter.unit.code] += value
            by_year[period.code[:4]] += value
        entry["value"] = total if seen else 0
        entry["by_year"] = {y: by_year.get(y, 0) for y in entry.get("by_year", {})} or dict(by_year)
        entry["by_unit"] = {u: by_unit.get(u, 0) for u in entry.get("by_unit", {})} or dict(by_unit)
        for key in [k for k in entry if k.startswith("by_") and k not in ("by_year", "by_unit")]:
            entry[key] = {}  # breakdowns by gender, ethnicity, ownership are not frozen
