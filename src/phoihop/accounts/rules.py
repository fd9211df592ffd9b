"""Write rules accounts adds to the write gate (accounts.scope.register_write_rule).

A dissolved unit's accounts are read-only from its dissolution: they may not write a record dated after
the unit's last day (`Unit.dissolved_on`), while its history up to that day stays theirs to complete.
A record's date is the latest of its own dates (a person who left the union in 2026 is a 2026 record),
a year-only record counts from 1 January of its year, and a record without any date (an enterprise's
name, a class enrolment) is dated the day it is written — so after the dissolution such writes are
refused. The rule asks the user's own unit only: a grassroots union that moved away from a dissolved
district keeps writing.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

# Derived interval columns, not dates of the record (records.TimelineEntry).
NOT_RECORD_DATES = {"valid_from", "valid_to", "dissolved_on"}
YEAR_FIELDS = ("year",)


def record_date(model, state) -> date | None:
    """The record's date: its latest own date, or 1 January of its year; None when it has neither."""
    if state is None:
        return None
    days: list[date] = []
    for field in model._meta.concrete_fields:
        if field.name in NOT_RECORD_DATES or not isinstance(field, models.DateField):
            continue
        if isinstance(field, models.DateTimeField):
            continue
        value = getattr(state, field.attname, None)
        if isinstance(value, date):
            days.append(value)
    if days:
        return max(days)
    for name in YEAR_FIELDS:
        value = getattr(state, name, None)
        if isinstance(value, int) and 1 <= value <= 9999:
            return date(value, 1, 1)
    return None


def dissolved_unit_rule(*, user, model, before, after, **_kwargs) -> str | None:
    """Refuse an account of a dissolved unit any write of a record dated after the dissolution."""
    if user is None or getattr(user, "unit_id", None) is None:
        return None  # system imports, superusers without a unit
    dissolved = user.unit.dissolved_on
    if dissolved is None:
        return None
    for state in (before, after):
        if state is None:
            continue
        day = record_date(model, state) or timezone.localdate()
        if day > dissolved:
            return _(
                "Đơn vị %(unit)s đã giải thể ngày %(dissolved)s: tài khoản của đơn vị chỉ được ghi các bản ghi "
                "đến ngày đó (bản ghi này mang ngày %(day)s)."
            ) % {
                "unit": user.unit.name,
                "dissolved": formats.date_format(dissolved, "d/m/Y"),
                "day": formats.date_format(day, "d/m/Y"),
            }
    return None
