"""The review report as data: the JSON form of report.md, built from the indicator registry."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.utils import timezone

from phoihop.core import side_by_side
from phoihop.core.params import read_day
from phoihop.indicators.context import Context
from phoihop.indicators.registry import AREAS, REGISTRY, NotPlacedInDatabase, pct
from phoihop.orgs.models import Unit, UnitClosure
from phoihop.records.models import Program, Target

# Apps above the reports add their part to every report by registering a function here from their
# AppConfig.ready() (periods/hooks.py: approvals and reported figures, periods.reporting.apply_periods);
# the reports never import them.
_EXTENSIONS: list = []


def register_extension(extend) -> None:
    """Add `extend(report, program, ctx, *, approved_only) -> report`, applied after the figures, in the
    order registered. Registering a function twice adds it once."""
    if extend not in _EXTENSIONS:
        _EXTENSIONS.append(extend)


class ReportError(Exception):
    """A report that cannot be made. kind: "usage" (exit 2, HTTP 400) or "data" (exit 1, HTTP 404)."""

    def __init__(self, message: str, *, kind: str = "data"):
        super().__init__(message)
        self.message = message
        self.kind = kind


def parse_day(value: str | date | None, *, name: str) -> date | None:
    if value is None or value == "" or isinstance(value, date):
        return value or None
    day = read_day(value)  # dd/mm/yyyy as people type it, or ISO as links and the command line carry it
    if day is None:
        raise ReportError(
            f"{name}: ngày '{value}' không hợp lệ, cần dạng YYYY-MM-DD hoặc DD/MM/YYYY.", kind="usage"
        )
    return day


# Bounded work (issue 11): a report over year 1 kept a worker at 2 GB for minutes.
EARLIEST, LATEST, MAX_YEARS = date(1945, 1, 1), date(2100, 12, 31), 30


def check_period(start: date, end: date) -> None:
    """A report period lies within 1945–2100 and spans at most 30 years; else a usage error (HTTP 400)."""
    if start < EARLIEST or end > LATEST:
        raise ReportError(
            f"Kỳ báo cáo {start:%d/%m/%Y} – {end:%d/%m/%Y} không hợp lệ: kỳ báo cáo phải nằm trong khoảng "
            f"{EARLIEST:%d/%m/%Y} – {LATEST:%d/%m/%Y}.",
            kind="usage",
        )
    if (end.year - MAX_YEARS, end.month, end.day) >= (start.year, start.month, start.day):
        raise ReportError(
            f"Kỳ báo cáo {start:%d/%m/%Y} – {end:%d/%m/%Y} quá dài: tối đa {MAX_YEARS} năm.", kind="usage"
        )


def frame(*, program_code: str, date_from=None, date_to=None, scope_code: str | None = None):
    """The program, the period and the context a report is computed in."""
    try:
        program = Program.objects.unscoped().select_related("union_root", "party_root").get(code=program_code)
    except Program.DoesNotExist as missing:
        raise ReportError(f"Không có chương trình phối hợp mã '{program_code}'.") from missing
    start = parse_day(date_from, name="--from") or program.starts_on
    end = parse_day(date_to, name="--to") or program.ends_on
    if end < start:
        raise ReportError(
            f"Kỳ báo cáo không hợp lệ: ngày kết thúc {end:%d/%m/%Y} trước ngày bắt đầu {start:%d/%m/%Y}.",
            kind="usage",
        )
    check_period(start, end)
    if scope_code:
        try:
            unit = Unit.objects.get(code=scope_code)
        except Unit.DoesNotExist as missing:
            raise ReportError(f"Không có đơn vị mã '{scope_code}'.") from missing
        ctx = Context(
            start,
            end,
            [unit],
            [unit],
            count_unitless=unit.pk in (program.union_root_id, program.party_root_id),
        )
    else:
        ctx = Context(start, end, [program.union_root], [program.party_root])
    return program, ctx


def _number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


@dataclass(frozen=True)
class _Target:
    """A target as compute_targets reads it."""

    indicator_code: str
    unit_id: int
    unit: Unit
    year: int
    value: Decimal


def compute_targets(ctx: Context, program: Program) -> list[dict]:
    """For every target on a unit of the scope in a year of the period: target, actual, % reached.

    The actual figure of a year is the indicator computed on that unit alone over that calendar year.
    Every indicator's `by_year` entry is exactly that figure (each record counts in the year of its own
    date), so each (indicator, unit) is computed once over the span of its target years and read by year,
    instead of once per year."""
    scope_ids = UnitClosure.objects.filter(ancestor__in=[r.pk for r in ctx.roots("S")]).values(
        "descendant_id"
    )
    # Plain rows, and one Unit per target unit (a national program has 6,630 targets on 442 units: a
    # model instance per target and per target's unit took a quarter of a second).
    rows = [
        row
        for row in Target.objects.unscoped()
        .filter(unit__in=scope_ids, year__in=ctx.years)
        .order_by("year", "unit__code", "indicator_code")
        .values_list("indicator_code", "unit_id", "year", "value")
        if row[0] in REGISTRY
    ]
    by_id = Unit.objects.in_bulk({unit_id for _c, unit_id, _y, _v in rows})
    targets = [_Target(code, unit_id, by_id[unit_id], year, value) for code, unit_id, year, value in rows]
    years: dict[int, list[int]] = {}
    for target in targets:
        years.setdefault(target.unit_id, []).append(target.year)
    # Indicators whose groups are placed in the database give every target unit's yearly figure in one
    # query (a context whose roots are all the target units); the others are computed per unit.
    units = list({t.unit_id: t.unit for t in targets}.values())
    every = [t.year for t in targets]
    together = Context(
        date(min(every, default=2000), 1, 1),
        date(max(every, default=2000), 12, 31),
        units,
        units,
        count_unitless=False,
        by_root=True,
    )
    placed: dict[str, dict | None] = {}
    frames: dict[int, Context] = {}
    results: dict[tuple[str, int], object] = {}
    out = []
    for target in targets:
        unit_id = target.unit_id
        code = target.indicator_code
        if code not in placed:
            try:
                placed[code] = REGISTRY[code].compute(together).by_unit_year
            except NotPlacedInDatabase:
                placed[code] = None
        if placed[code] is not None:
            actual = placed[code].get((target.unit.code, str(target.year)), 0)
            out.append(_target_row(target, actual))
            continue
        if unit_id not in frames:
            span = years[unit_id]
            frames[unit_id] = Context(
                date(min(span), 1, 1),
                date(max(span), 12, 31),
                [target.unit],
                [target.unit],
                count_unitless=False,
            )
        key = (target.indicator_code, unit_id)
        if key not in results:
            results[key] = REGISTRY[target.indicator_code].compute(frames[unit_id])
        out.append(_target_row(target, results[key].by_year.get(str(target.year))))
    return out


def _target_row(target, actual) -> dict:
    value = _number(target.value)
    return {
        "indicator": target.indicator_code,
        "unit": target.unit.code,
        "unit_name": target.unit.name,
        "year": target.year,
        "target": value,
        "actual": actual,
        "reached_pct": pct(actual, value) if actual is not None and value else None,
    }


def build_report(
    *,
    program_code: str,
    date_from=None,
    date_to=None,
    scope_code: str | None = None,
    approved_only: bool = False,
) -> dict:
    """The JSON report of report.md. Raises ReportError. `approved_only`: the figures of approved period
    reports only (periods.md); otherwise the report marks the units whose figures are not yet approved."""
    program, ctx = frame(
        program_code=program_code, date_from=date_from, date_to=date_to, scope_code=scope_code
    )
    # The indicators and the targets do not depend on each other: on PostgreSQL they are computed side
    # by side on REPORT_CONNECTIONS connections (core.side_by_side), the slowest (targets) first.
    for tree in ("U", "B", "S"):
        ctx.children(tree)  # asked by every indicator: looked up once, before the threads share ctx
    specs = list(REGISTRY.items())
    jobs = [partial(compute_targets, ctx, program)] + [partial(spec.compute, ctx) for _, spec in specs]
    targets, *results = side_by_side.run(jobs, settings.REPORT_CONNECTIONS)
    indicators = {}
    for (code, spec), result in zip(specs, results, strict=True):
        entry = {
            "label": spec.label,
            "value": result.value,
            "by_year": result.by_year,
            "by_unit": result.by_unit,
        }
        entry.update(result.breakdowns)
        indicators[code] = entry
    roots = ctx.roots("S")
    names = {u.code: u.name for u in roots}
    # Each code once: the 35 indicators list the same children (3,800 codes, each a parameter to prepare).
    codes = list(dict.fromkeys(c for i in indicators.values() for c in i["by_unit"]))
    names.update(dict(Unit.objects.filter(code__in=codes).values_list("code", "name")))
    report = {
        "program": program.code,
        "program_name": program.name,
        "period": {"from": ctx.date_from.isoformat(), "to": ctx.date_to.isoformat()},
        "scope": [u.code for u in roots],
        "scope_names": [u.name for u in roots],
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "indicators": indicators,
        "units": {
            "labels": names,
            "areas": {c: s.area for c, s in REGISTRY.items()},
            "kinds": {c: s.unit for c, s in REGISTRY.items()},
            "area_titles": dict(AREAS),
        },
        "targets": targets,
    }
    for extend in _EXTENSIONS:
        report = extend(report, program, ctx, approved_only=approved_only)
    return report
