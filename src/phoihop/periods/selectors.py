"""Reads of period reports: a program's periods, who reports in one, the board, a unit's report.

Every read that shows figures takes the user and goes through accounts/scope.py; a unit or program
outside the user's scope answers 404 (Http404), as everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.http import Http404
from django.utils import timezone

from phoihop.accounts.scope import scope_for
from phoihop.orgs.models import Unit, UnitClosure
from phoihop.orgs.selectors import children_of_each_on_days, parent_on
from phoihop.records.models import Program

from .models import PeriodReport, ReportAction, ReportVersion, Status

PERIOD_RE = re.compile(r"^(\d{4})(?:H([12])|Q([1-4]))?$")
FREQUENCY_PREFIX = {"nam": "", "6thang": "H", "quy": "Q"}


@dataclass(frozen=True)
class Period:
    code: str
    date_from: date
    date_to: date
    due: date


def _bounds(code: str) -> tuple[date, date] | None:
    match = PERIOD_RE.match(code or "")
    if not match:
        return None
    year = int(match.group(1))
    if match.group(2):
        half = int(match.group(2))
        return (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))
    if match.group(3):
        q = int(match.group(3))
        start = date(year, 3 * q - 2, 1)
        end = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - timedelta(days=1)
        return start, end
    return date(year, 1, 1), date(year, 12, 31)


def periods_of(program: Program) -> list[Period]:
    """The program's periods, clipped to its dates (a program starting 2017-07-01 starts its first there)."""
    prefix = FREQUENCY_PREFIX.get(program.frequency, "")
    parts = {"": [""], "H": ["H1", "H2"], "Q": ["Q1", "Q2", "Q3", "Q4"]}[prefix]
    out = []
    for year in range(program.starts_on.year, program.ends_on.year + 1):
        for part in parts:
            code = f"{year}{part}"
            start, end = _bounds(code)
            start, end = max(start, program.starts_on), min(end, program.ends_on)
            if start <= end:
                out.append(Period(code, start, end, end + timedelta(days=program.due_days)))
    return out


def period_of(program: Program, code: str) -> Period | None:
    return next((p for p in periods_of(program) if p.code == code), None)


# ---- who reports -----------------------------------------------------------------------------------


@dataclass
class Reporter:
    unit: Unit
    reports_to: Unit  # a program root or the parent unit at a deeper level
    level: int
    children: list[int] = field(default_factory=list)  # ids of reporting children


def reporting_units(program: Program, period: Period) -> list[Reporter]:
    """The children of each root on the period's last day (existing that day), and their children down
    to the program's `report_levels`.

    Two queries a level, whatever the number of parents (`orgs.selectors.children_of_each_on`): asked one
    parent at a time (`children_on`), PostgreSQL hashed the whole unit table for each of them (about 30 ms
    each at national scale)."""
    return reporting_units_of_periods(program, [period])[period.code]


def reporting_units_of_periods(program: Program, periods: list[Period]) -> dict[str, list[Reporter]]:
    """period code → `reporting_units(program, period)`, for every period in the same two queries a level
    (`orgs.selectors.children_of_each_on_days`, for the periods' last days): a report over five yearly
    periods made 1,500 unit objects in ten queries where 330 in two do."""
    days = {period.code: period.date_to for period in periods}
    out: dict[date, list[Reporter]] = {day: [] for day in days.values()}
    frontiers = {day: [(root, None) for root in (program.union_root, program.party_root)] for day in out}
    for level in range(1, max(1, program.report_levels) + 1):
        parents = {parent.pk for frontier in frontiers.values() for parent, _ in frontier}
        below = children_of_each_on_days(
            parents, days=[day for day, frontier in frontiers.items() if frontier]
        )
        for day, frontier in frontiers.items():
            nxt = []
            for parent, parent_reporter in frontier:
                for child in below.get(day, {}).get(parent.pk, ()):
                    reporter = Reporter(child, parent, level)
                    out[day].append(reporter)
                    if parent_reporter is not None:
                        parent_reporter.children.append(child.pk)
                    nxt.append((child, reporter))
            frontiers[day] = nxt
        if not any(frontiers.values()):
            break
    return {code: out[day] for code, day in days.items()}


def reports_to(program: Program, unit: Unit, day: date) -> Unit | None:
    return parent_on(unit, on=day)


def reporter_of(program: Program, period: Period, unit: Unit) -> Reporter | None:
    return next((r for r in reporting_units(program, period) if r.unit.pk == unit.pk), None)


# ---- programs and reports a user may open ------------------------------------------------------------


def program_visible(user, program: Program) -> bool:
    """The program's partners and every unit that ever stood under one of its roots see it."""
    scope = scope_for(user)
    if scope.everything:
        return True
    roots = (program.union_root_id, program.party_root_id)
    if scope.covers_unit(roots[0]) or scope.covers_unit(roots[1]):
        return True
    return UnitClosure.objects.filter(ancestor__in=roots, descendant__in=scope.unit_ids).exists()


def programs_for(*, user):
    scope = scope_for(user)
    if not scope.everything and not scope.unit_ids:
        return Program.objects.none()
    programs = Program.objects.unscoped().select_related("union_root", "party_root").order_by("-starts_on")
    return [p for p in programs if program_visible(user, p)]


def program_or_404(*, user, code: str) -> Program:
    program = Program.objects.unscoped().select_related("union_root", "party_root").filter(code=code).first()
    if program is None or not program_visible(user, program):
        raise Http404
    return program


def period_or_404(program: Program, code: str) -> Period:
    period = period_of(program, code)
    if period is None:
        raise Http404
    return period


def unit_report_or_404(*, user, program_code: str, period_code: str, unit_code: str):
    """(program, period, reporter, report or None) of a unit the user's scope covers."""
    program = program_or_404(user=user, code=program_code)
    unit = scope_for(user).get_unit_or_404(unit_code)
    period = period_or_404(program, period_code)
    reporter = reporter_of(program, period, unit)
    if reporter is None:
        raise Http404
    report = PeriodReport.objects.unscoped().filter(program=program, period=period.code, unit=unit).first()
    return program, period, reporter, report


# ---- the board ------------------------------------------------------------------------------------


@dataclass
class BoardRow:
    reporter: Reporter
    report: PeriodReport | None
    status: str
    due: date
    days_overdue: int
    submitted_on_time: bool | None
    last_action: ReportAction | None


def board(*, user, program: Program, period: Period, today: date | None = None) -> list[BoardRow]:
    """Every reporting unit the user's scope covers, with its status and lateness."""
    today = today or timezone.localdate()
    scope = scope_for(user)
    reporters = reporting_units(program, period)
    if not scope.everything:
        visible = set(
            scope.units().filter(pk__in=[r.unit.pk for r in reporters]).values_list("pk", flat=True)
        )
        reporters = [r for r in reporters if r.unit.pk in visible]
    reports = {
        r.unit_id: r for r in PeriodReport.objects.unscoped().filter(program=program, period=period.code)
    }
    last = {}
    for action in ReportAction.objects.filter(report__in=reports.values()).order_by("at", "pk"):
        last[action.report_id] = action
    first_submit = {}
    for version in ReportVersion.objects.filter(report__in=reports.values(), number=1):
        first_submit[version.report_id] = timezone.localtime(version.submitted_at).date()
    rows = []
    for reporter in reporters:
        report = reports.get(reporter.unit.pk)
        status = report.status if report else Status.DRAFT
        submitted = first_submit.get(report.pk) if report else None
        on_time = None if submitted is None else submitted <= period.due
        overdue = 0
        if status in (Status.DRAFT, Status.RETURNED) and today > period.due:
            overdue = (today - period.due).days
        rows.append(
            BoardRow(
                reporter,
                report,
                status,
                period.due,
                overdue,
                on_time,
                last.get(report.pk) if report else None,
            )
        )
    return rows


def board_counts(rows: list[BoardRow]) -> dict:
    counts = {s: 0 for s in Status.values}
    for row in rows:
        counts[row.status] += 1
    total = len(rows)
    on_time = sum(1 for r in rows if r.submitted_on_time is True)
    late = sum(1 for r in rows if r.submitted_on_time is False)
    return {
        "units": total,
        **counts,
        "overdue": sum(1 for r in rows if r.days_overdue > 0),
        "on_time": on_time,
        "late": late,
        "completeness_pct": round(100 * counts[Status.APPROVED] / total, 1) if total else None,
        "timeliness_pct": round(100 * on_time / total, 1) if total else None,
    }


def periods_summary(*, user, program: Program, today: date | None = None) -> list[dict]:
    """The API's `GET programs/{program}/periods`."""
    out = []
    for period in periods_of(program):
        counts = board_counts(board(user=user, program=program, period=period, today=today))
        out.append(
            {
                "period": period.code,
                "from": period.date_from,
                "to": period.date_to,
                "due": period.due,
                **{k: counts[k] for k in ("units", "draft", "submitted", "returned", "approved", "overdue")},
            }
        )
    return out


def approved_reports(program: Program, *, unit_ids=None):
    """Approved reports of a program (for `--approved-only` and the reported indicators)."""
    qs = PeriodReport.objects.unscoped().filter(program=program, status=Status.APPROVED)
    if unit_ids is not None:
        qs = qs.filter(unit__in=unit_ids)
    return qs


def reports_awaiting(user) -> list[PeriodReport]:
    """Submitted reports the user may decide on (a manager or admin of a unit above)."""
    if not user.is_authenticated or user.role not in ("manager", "admin") and not user.is_superuser:
        return []
    scope = scope_for(user)
    qs = scope.filter(PeriodReport.objects.filter(status=Status.SUBMITTED)).select_related("unit", "program")
    return [r for r in qs if r.unit_id != user.unit_id]


def history(report: PeriodReport | None) -> list[dict]:
    """Versions, newest first, each with the figures that changed since the one before."""
    if report is None:
        return []
    versions = list(report.versions.order_by("number"))
    out = []
    previous = None
    for version in versions:
        diff = []
        if previous is not None:
            for kind in ("indicators", "reported"):
                old, new = getattr(previous, kind), getattr(version, kind)
                for code in sorted(set(old) | set(new)):
                    if old.get(code) != new.get(code):
                        diff.append({"code": code, "before": old.get(code), "after": new.get(code)})
        out.append({"version": version, "diff": diff, "first": previous is None})
        previous = version
    return list(reversed(out))
