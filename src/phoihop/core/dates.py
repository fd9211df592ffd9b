"""The one "sane date" policy for records and units: the earliest and latest date or year the staff
pages, the workbook import and the API accept. Nothing else in the code decides these bounds.

Readings (docs/architecture.md, "the one place for each rule"; docs/workbook.md, "Dates"):
- **Earliest: 01/01/1929.** The Vietnamese trade union movement begins in 1929 (Công hội Đỏ Bắc Kỳ,
  28/07/1929, the founding the Tổng Liên đoàn Lao động Việt Nam counts from). No unit, membership,
  referral or class of this system can be older; an earlier date is a typing slip (1092 for 1992, a
  two-digit year read as 19xx). The bound is the *year*, not the day: unit founding dates known only by
  year are written 01/01/YYYY, so the federation itself (founded 1929) must fit. Birth dates share the
  bound: a member born before 1929 would be nearly a hundred.
- **Latest, for facts: today** (Asia/Ho_Chi_Minh). A birth, joining or leaving the union, a referral, an
  admission, a contribution or a timeline row has happened, so it cannot lie in the future.
- **Latest, for plans: 31/12 of the year five years ahead.** Classes, programs and units may be
  decided ahead (a program for the next five-year term, a unit founded by a decision dated for next
  month). The same horizon bounds the years of yearly records (works, initiatives, awards, …).
- **Years: 1929 to this year + 5**, the same bounds as the dates.

Each check returns None or a (msgid, params) pair: a Vietnamese gettext msgid with its %-params, which
forms, the importer (with sheet, row and column) and the API render through the catalogue. Dates in
params are `Day`s, written 31/12/2020 in Vietnamese and 2020-12-31 in English.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_noop

from .text import in_english

EARLIEST = date(1929, 1, 1)
EARLIEST_YEAR = EARLIEST.year
PLAN_YEARS = 5  # how far ahead a planned date or a yearly record may lie, in calendar years

Problem = tuple[str, dict]


class Day:
    """A date as the active language writes it in a message: 31/12/2020 in Vietnamese, 2020-12-31 in
    English (the workbook's messages and the forms' share it)."""

    __slots__ = ("day",)

    def __init__(self, day: date):
        self.day = day

    def __str__(self) -> str:
        english = in_english()
        return self.day.isoformat() if english else f"{self.day:%d/%m/%Y}"

    def __eq__(self, other) -> bool:
        return isinstance(other, Day) and other.day == self.day

    def __hash__(self) -> int:
        return hash(self.day)


def today() -> date:
    return timezone.localdate()


_passed: date | None = None  # a day this process has seen as today: every date up to it is past or today


def _surely_not_future(day: date) -> bool:
    """True when `day` is at most a day this process already saw as today (today only moves forward), so
    that a workbook's million date cells do not each ask the clock and the time zone."""
    global _passed
    if _passed is None:
        _passed = today()
    return day <= _passed


def latest_plan(on: date | None = None) -> date:
    """The last day a planned date may take: 31/12 of the year PLAN_YEARS ahead."""
    return date((on or today()).year + PLAN_YEARS, 12, 31)


def latest_year(on: date | None = None) -> int:
    return (on or today()).year + PLAN_YEARS


def check_day(day: date | None, *, planned: bool = False, on: date | None = None) -> Problem | None:
    """None when `day` is sane (or empty); else what is wrong with it. `planned`: a date that may lie
    ahead (a class, a program, a unit's founding or dissolution); `on`: today, for tests."""
    if day is None:
        return None
    if day < EARLIEST:
        return gettext_noop("Ngày không được trước %(day)s."), {"day": Day(EARLIEST)}
    if on is None and _surely_not_future(day):
        return None
    current = on or today()
    if planned:
        last = latest_plan(current)
        if day > last:
            return gettext_noop("Ngày không được sau %(day)s."), {"day": Day(last)}
    elif day > current:
        return gettext_noop("Ngày không được sau hôm nay."), {}
    return None


def check_year(year: int | None, *, on: date | None = None) -> Problem | None:
    """None when `year` is sane (or empty); else what is wrong with it."""
    if year is None:
        return None
    if year < EARLIEST_YEAR:
        return gettext_noop("Năm không được trước %(year)s."), {"year": EARLIEST_YEAR}
    last = latest_year(on)
    if year > last:
        return gettext_noop("Năm không được sau %(year)s."), {"year": last}
    return None
