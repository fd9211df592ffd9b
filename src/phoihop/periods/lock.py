"""The lock of periods.md: while a unit's report is submitted or approved, no record dated within the
period whose unit stood in that unit's subtree on its date may be created, changed or deleted.

`record_dates(record)` says where and when a record stands; `lock_for(...)` finds the report that
locks it. Year-only records (works, initiatives, awards, …) are dated on every day of their year: a
locked period overlapping the year locks them, their unit placed as it stood on the year's last day
within the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from phoihop.orgs.models import Transfer, UnitClosure
from phoihop.records import models as r


@dataclass(frozen=True)
class Placed:
    unit_id: int | None
    day_from: date
    day_to: date


def _year(unit_id, year) -> list[Placed]:
    return [Placed(unit_id, date(year, 1, 1), date(year, 12, 31))] if year else []


def _day(unit_id, day) -> list[Placed]:
    return [Placed(unit_id, day, day)] if day else []


def record_dates(record) -> list[Placed]:
    """Every (unit, dates) a record is counted at, for the records of the workbook's dated sheets."""
    if isinstance(record, Transfer):
        # Moving a unit changes which subtree its records stood in from that day: the unit's old place
        # (the day before) and its new parent (that day) are both concerned.
        day = record.effective_on
        if day is None:
            return []
        return _day(record.unit_id, day - timedelta(days=1)) + _day(record.new_parent_id, day)
    if isinstance(record, r.Person):
        return _day(record.grassroots_union_id, record.union_joined_on) + _day(
            record.grassroots_union_id, record.union_left_on
        )
    if isinstance(record, r.Referral):
        return _day(record.referring_unit_id, record.referred_on) + _day(
            record.receiving_party_unit_id, record.referred_on
        )
    if isinstance(record, r.TimelineEntry):  # a row of qua_trinh (records.timeline)
        return _day(record.grassroots_union_id, record.starts_on)
    if isinstance(record, r.Move):  # a move is dated in both unions' periods
        return _day(record.from_union_id, record.moved_on) + _day(record.to_union_id, record.moved_on)
    if isinstance(record, r.TrainingClass):
        return _day(record.organiser_id, record.starts_on)
    if isinstance(record, r.Enrolment):
        klass = record.training_class
        return _day(klass.organiser_id, klass.starts_on) if klass else []
    if isinstance(record, r.Admission):
        return _day(record.party_unit_id, record.admitted_on) + _day(
            record.party_unit_id, record.full_member_on
        )
    if isinstance(record, r.WelfareContribution):
        return _day(record.unit_id, record.date)
    if isinstance(record, r.Award):
        return _year(record.proposing_unit_id, record.year)
    if isinstance(record, r.CultureRecognition):
        if record.enterprise_id is None:
            return []
        units = record.enterprise.units.values_list("pk", flat=True)
        return [p for u in units for p in _year(u, record.year)]
    if isinstance(record, r.Work | r.Initiative | r.ContestEntry | r.DemocracyReport):
        return _year(record.unit_id, record.year)
    return []


class LockIndex:
    """The submitted and approved reports and where every unit stood under their units: loaded once
    (two queries), then asked per record or import row in memory."""

    def __init__(self):
        from .models import LOCKING, PeriodReport

        self.reports = list(
            PeriodReport.objects.unscoped()
            .filter(status__in=LOCKING)
            .select_related("unit", "program")
            .order_by("date_from", "unit__code")
        )
        self.under: dict[tuple[int, int], list[tuple[date, date]]] = {}
        if self.reports:
            rows = UnitClosure.objects.filter(ancestor__in={r.unit_id for r in self.reports}).values_list(
                "ancestor_id", "descendant_id", "valid_from", "valid_to"
            )
            for ancestor, descendant, start, end in rows:
                self.under.setdefault((ancestor, descendant), []).append((start, end))

    def find(self, unit_id: int | None, day_from: date, day_to: date):
        """The report locking a record of `unit_id` dated within [from, to], or None."""
        if unit_id is None or not self.reports:
            return None
        for report in self.reports:
            if report.date_from > day_to or report.date_to < day_from:
                continue
            placed_on = min(day_to, report.date_to)
            for start, end in self.under.get((report.unit_id, unit_id), ()):
                if start <= placed_on < end:
                    return report
        return None


def lock_for(unit_id: int | None, day_from: date, day_to: date, *, index: LockIndex | None = None):
    return (index or LockIndex()).find(unit_id, day_from, day_to)


def locks_of(record, *, index: LockIndex | None = None) -> list:
    index = index or LockIndex()
    found = []
    if not index.reports:
        return found
    for placed in record_dates(record):
        report = index.find(placed.unit_id, placed.day_from, placed.day_to)
        if report is not None and report not in found:
            found.append(report)
    return found


def locked_message(report) -> str:
    """Names the period, the unit and who can unlock it."""
    from .selectors import reports_to

    above = reports_to(report.program, report.unit, report.date_to)
    return _(
        "Kỳ báo cáo %(period)s của %(unit)s (chương trình %(program)s) đã %(status)s: số liệu trong kỳ bị "
        "khóa. Chỉ quản lý hoặc quản trị của %(above)s mới mở khóa được."
    ) % {
        "period": report.period,
        "unit": report.unit.name,
        "program": report.program.code,
        "status": _("duyệt") if report.status == "approved" else _("nộp"),
        "above": above.name if above else _("cấp trên"),
    }


def _reported_value_lock(record, index: LockIndex):
    """A reported figure is locked while its own unit's report of that period is submitted or approved."""
    for report in index.reports:
        if (report.program.code, report.period, report.unit_id) == (
            record.program_code,
            record.period,
            record.unit_id,
        ):
            return [report]
    return []


def check_record_unlocked(*, before=None, after=None, index: LockIndex | None = None) -> None:
    """Raises ValidationError when the record as it was or as it would be lies in a locked period."""
    from .models import ReportedValue

    index = index or LockIndex()
    for record in (before, after):
        if record is None:
            continue
        if isinstance(record, ReportedValue):
            reports = _reported_value_lock(record, index)
        else:
            reports = locks_of(record, index=index)
        if reports:
            raise ValidationError(locked_message(reports[0]))


def write_rule(*, before=None, after=None, gate=None, **_kwargs):
    """The rule registered with the write gate of accounts/scope.py: a message when refused, else None.
    The lock index is built once per gate (an import asks the same gate for every row)."""
    index = getattr(gate, "_periods_lock_index", None) if gate is not None else None
    if index is None:
        index = LockIndex()
        if gate is not None:
            try:
                gate._periods_lock_index = index
            except AttributeError:  # a gate without an instance dict: build the index per call
                pass
    try:
        check_record_unlocked(before=before, after=after, index=index)
    except ValidationError as refused:
        return refused.messages[0]
    return None
