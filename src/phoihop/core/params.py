"""Query parameters read the one way (bounded work, issue 11): a page number, a year or a date out of
range, typed with superscript digits (`?trang=¹`, which `str.isdigit` accepts and `int` refuses) or
otherwise malformed is a `BadParameter` — HTTP 400 with a Vietnamese message naming the parameter
(core.views.bad_request) — never a 500 and never a query over year 1 to 9999."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

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


def day(request, key: str) -> date | None:
    """A date YYYY-MM-DD within 1945 … 2100, None when absent or empty."""
    raw = request.GET.get(key, "").strip()
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw) if raw.isascii() and len(raw) == 10 else None
    except ValueError:
        value = None
    if value is None or not EARLIEST <= value <= LATEST:
        raise BadParameter(
            _("Ngày “%(value)s” không hợp lệ: cần ngày dạng YYYY-MM-DD từ %(first)s đến %(last)s.")
            % {"value": raw[:20], "first": EARLIEST.strftime("%d/%m/%Y"), "last": LATEST.strftime("%d/%m/%Y")}
        )
    return value
