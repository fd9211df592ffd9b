"""The lock of periods.md: while a unit's report is submitted or approved, no record dated within the
period whose unit stood in that unit's subtree on its date may be created, changed or deleted.

`record_dates(record)` says where and when a record stands; `lock_for(...)` finds the report that
locks it. Year-only records (works, initiatives, awards, …) are dated on every day of their year: a
locked period overlapping the year locks them, their unit placed as it stood on the year's last day
within the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from phoihop.orgs.models import UnitClosure


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
    from phoihop.records import models as r

    if isinstance(record, r.Person):
        return _day(record.grassroots_union_id, record.union_joined_on) + _day(
            record.grassroots_union_id, record.union_left_on
        )
    if isinstance(record, r.Referral):
        return _day(record.referring_unit_id, record.referred_on) + _day(
            record.receiving_party_unit_id, record.referred_on
        )
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


def lock_for(unit_id: int | None, day_from: date, day_to: date):
    """The submitted or approved report that locks a record of `unit_id` dated within [from, to]."""
    from .models import LOCKING, PeriodReport

    if unit_id is None:
        return None
    candidates = PeriodReport.objects.unscoped().filter(
        status__in=LOCKING, date_from__lte=day_to, date_to__gte=day_from
    )
    for report in candidates.select_related("unit", "program").order_by("date_from", "unit__code"):
        placed_on = min(day_to, report.date_to)
        if UnitClosure.objects.filter(
            ancestor=report.unit_id, descendant=unit_id, valid_from__lte=placed_on, valid_to__gt=placed_on
        ).exists():
            return report
    return None


def locks_of(record) -> list:
    found = []
    for placed in record_dates(record):
        report = lock_for(placed.unit_id, placed.day_from, placed.day_to)
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


def check_record_unlocked(*, before=None, after=None) -> None:
    """Raises ValidationError when the record as it was or as it would be lies in a locked period."""
    for record in (before, after):
        if record is None:
            continue
        reports = locks_of(record)
        if reports:
            raise ValidationError(locked_message(reports[0]))


def write_rule(user=None, before=None, after=None, **_kwargs):
    """The rule registered with the write gate of accounts/scope.py: a message when refused, else None."""
    try:
        check_record_unlocked(before=before, after=after)
    except ValidationError as refused:
        return refused.messages[0]
    return None
