"""Query parameters read the one way (bounded work, issue 11): a page number, a year or a date out of
range, typed with superscript digits (`?trang=¹`, which `str.isdigit` accepts and `int` refuses) or
otherwise malformed is a `BadParameter` — HTTP 400 with a Vietnamese message naming the parameter
(site.views.bad_request) — never a 500 and never a query over year 1 to 9999. Dates are typed
dd/mm/yyyy, as Vietnamese write them (ISO yyyy-mm-dd is read too); core.forms.DayField reads forms' dates
the same way."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

from .cells import CellError, day_from_text

MAX_PAGE = 10_000
EARLIEST, LATEST = date(1945, 1, 1), date(2100, 12, 31)


class BadParameter(BadRequest):
    """A malformed query parameter; its message is shown on the 400 page."""


def _ascii_int(raw: str) -> int | None:
    raw = raw.strip()
    if raw.isascii() and raw.isdecimal() and len(raw) <= 9:
        return int(raw)
    return None


def page_number(request, key: str = "trang", *, maximum: int = MAX_PAGE) -> int:
    """The page asked for (1 when absent or empty); BadParameter unless a whole number 1 … maximum."""
    raw = request.GET.get(key, "")
    if not raw.strip():
        return 1
    number = _ascii_int(raw)
    if number is None or not 1 <= number <= maximum:
        raise BadParameter(
            _("Số trang “%(value)s” không hợp lệ: cần một số nguyên từ 1 đến %(max)s.")
            % {"value": raw[:20], "max": maximum}
        )
    return number


def year(request, key: str = "nam") -> int | None:
    """A year of 1945 … 2100, None when absent or empty."""
    raw = request.GET.get(key, "")
    if not raw.strip():
        return None
    number = _ascii_int(raw)
    if number is None or not EARLIEST.year <= number <= LATEST.year:
        raise BadParameter(
            _("Năm “%(value)s” không hợp lệ: cần năm 4 chữ số từ %(first)s đến %(last)s.")
            % {"value": raw[:20], "first": EARLIEST.year, "last": LATEST.year}
        )
    return number


def read_day(raw: str) -> date | None:
    """A date typed the Vietnamese way, dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy), or ISO
    yyyy-mm-dd; None when it is not one (31/02/2020 included). No bounds: forms apply their own. The
    reading is the workbook's (`core.cells.day_from_text`): one reader of typed dates."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 10 or not raw.isascii():
        return None
    try:
        return day_from_text(raw)
    except CellError:
        return None


def parse_day(raw: str) -> date | None:
    """read_day within 1945 … 2100 (a query parameter's bounds), else None."""
    value = read_day(raw)
    return value if value is not None and EARLIEST <= value <= LATEST else None


def day_text(value: date | None) -> str:
    """The date as people here write it and as the date fields and ?on= links carry it: dd/mm/yyyy."""
    return value.strftime("%d/%m/%Y") if value else ""


def bad_day_message(raw: str) -> str:
    return _(
        "Ngày “%(value)s” không hợp lệ: cần ngày dạng dd/mm/yyyy (ví dụ 30/06/2018) từ %(first)s đến %(last)s."
    ) % {
        "value": raw.strip()[:20],
        "first": day_text(EARLIEST),
        "last": day_text(LATEST),
    }


def day(request, key: str) -> date | None:
    """A date dd/mm/yyyy (or ISO yyyy-mm-dd) within 1945 … 2100, None when absent or empty."""
    raw = request.GET.get(key, "").strip()
    if not raw:
        return None
    value = parse_day(raw)
    if value is None:
        raise BadParameter(bad_day_message(raw))
    return value
