"""Cell parsers: the value rules shared by the standard workbook, the record forms and the API. Each takes
the raw cell (str from CSV or a form; str, float, int, bool, date or datetime from .xlsx) and returns the
value, or raises `CellError` saying what was expected or what is wrong with the value. They sit in core,
below records and the workbook, so both can use them (issue 12: layers).

How text is read (issue 14, "Bad input"; docs/workbook.md):
- Dates: a real date cell; text day first (`31/12/2020`, `1/2/2020`, `31-12-2020`, `31.12.2020`) or year
  first (`2020-12-31`, `2020/12/31`, `2020.12.31`), a time after it ignored; a number in an .xlsx date
  column is Excel's day number (a cell that lost its date format). Where the order is plainly swapped
  (`12/25/2020`: there is no month 25) or the value is not a whole date (`2020`, `5/2020`, `1/2/20`),
  the error says so; a day that does not exist is named (`ngày 31/02/2020 không có`); a year outside
  the date policy (`core.dates`) is named with the policy's bounds.
- Whole numbers (counts, money in đồng) written as text: Vietnamese grouping with `.` (`1.234.567`) or
  spaces (`1 234 567`); `,` is the Vietnamese decimal comma, so `1,5` has a fraction (refused) and a
  lone `1,234` is ambiguous (1234 in English usage, 1,234 in Vietnamese) and refused with both
  readings; `1,234,567` (two commas: not a decimal) and `1,234.00`/`1.234,00` (both separators, a zero
  fraction) are read as grouped. Money may carry `đ`, `đồng`, `VNĐ` or `VND` after it.
- Yes/no: `x`, `✓`, `có`, `c`, `đúng`, `đã`, `rồi`, `1`, `Y`, `yes`, `true` are yes; empty, `không`, `k`,
  `ko`, `sai`, `chưa`, `0`, `N`, `no`, `false` are no."""

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.utils.translation import gettext_lazy, gettext_noop

from . import dates
from .codes import CODE_RE as _CODE
from .codes import RULE_VI, is_code
from .text import clean_text, in_english, in_language
from .text import fold as _fold_text

NEEDS = gettext_noop("cần %(what)s")  # how an expectation reads as a message ("cần ngày dạng …")


class CellError(ValueError):
    """A bad cell value: `expected` is a gettext msgid (Vietnamese) with its params saying what the
    column needs; `expected_vi`/`expected_en` render it. (An old-style (vi, en) pair is still accepted.)"""

    def __init__(self, expected: str, expected_en: str | None = None, **params):
        super().__init__(expected)
        self.expected, self.params, self._en = expected, params, expected_en

    def __str__(self) -> str:  # in the active language
        english = in_english()
        return self.expected_en if english else self.expected_vi

    @property
    def expected_vi(self) -> str:
        return self.expected if self._en is not None else in_language(self.expected, self.params, "vi")

    @property
    def expected_en(self) -> str:
        return self._en if self._en is not None else in_language(self.expected, self.params, "en")

    # A statement of what is wrong ("ngày 31/02/2020 không có") rather than of what the column needs.
    statement = False

    @classmethod
    def wrong(cls, msgid: str, **params) -> "CellError":
        error = cls(msgid, **params)
        error.statement = True
        return error

    def problem(self) -> tuple[str, dict]:
        """The error as a whole message: a msgid and its params (for Problem.of / Validator.error)."""
        if self.statement:
            return self.expected, self.params
        return NEEDS, {"what": self}

    @property
    def sentence(self) -> str:
        """The whole message in the active language, e.g. for a form field's error."""
        msgid, params = self.problem()
        english = in_english()
        return in_language(msgid, params, "en" if english else "vi")


Parser = Callable[[object], object]

# A date as text: three groups of digits with one separator, and maybe a time after it.
_DATE_TEXT = re.compile(r"^(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{4})$|^(\d{4})[/.\-](\d{1,2})$")
_TAX = re.compile(r"^\d{10}(\d{3}|-\d{3})?$")
YES = frozenset({"x", "co", "c", "1", "y", "yes", "true", "dung", "da", "roi", "1.0", "\u2713", "\u2714"})
NO = frozenset({"", "khong", "k", "ko", "0", "n", "no", "false", "sai", "chua", "0.0"})


_SPACES = re.compile(r"[\s_]+")


@lru_cache(maxsize=1 << 16)
def _fold_cached(value: str) -> str:
    return _fold_text(value)


def fold(value) -> str:
    """`core.text.fold`, faster for the import's hot loops: plain ASCII (codes, keys) skips the Unicode
    decomposition, which changes nothing for it; other text (names, labels) repeats a lot and is cached."""
    if isinstance(value, str) and value.isascii():
        if " " not in value and "_" not in value and value.isprintable():
            return value.lower()  # a code or a key: no space, underscore or control character to fold
        return _SPACES.sub(" ", value.lower()).strip()
    return _fold_cached(str(value))


def _digits(s: str) -> bool:
    """Digits `int()` reads: `str.isdigit` also accepts "¹", on which `int()` raises instead of the
    parser giving a clean cell error."""
    return s.isdecimal()


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def text(max_length: int = 300) -> Parser:
    def parse(raw):
        if type(raw) is str:  # the common case (every CSV cell): no conversion to consider
            value = clean_text(raw.strip())
        else:
            if isinstance(raw, float) and raw.is_integer():
                raw = int(raw)
            value = clean_text(str(raw).strip())
        if len(value) > max_length:
            raise CellError(gettext_noop("văn bản tối đa %(n)s ký tự"), n=max_length)
        if "\x00" in value:  # PostgreSQL refuses NUL in text: a cell error, not a failed import
            raise CellError(gettext_noop("văn bản không chứa ký tự NUL (\\x00)"))
        return value

    return parse


_text64 = text(64)


def code(raw):
    value = raw.strip() if type(raw) is str else _text64(raw)
    if _CODE.fullmatch(value) is not None:  # the usual cell: a well-formed code (is_code's own pattern)
        return value
    if len(value) > 64:
        _text64(value)  # raises the length error
    if not value:
        raise CellError(gettext_noop("một mã không rỗng"))
    if not is_code(value):
        raise CellError(gettext_noop("mã %(rule)s"), rule=gettext_lazy(RULE_VI))
    return value


def _iso_date(s: str) -> date | None:
    """Fast path for the usual YYYY-MM-DD and DD/MM/YYYY; None sends the text through the full check."""
    if len(s) == 10 and s.isascii():
        try:
            if s[4] == "-" and s[7] == "-":
                return date.fromisoformat(s)
            if s[2] == "/" and s[5] == "/" and s[:2].isdigit() and s[3:5].isdigit() and s[6:].isdigit():
                return date(int(s[6:]), int(s[3:5]), int(s[:2]))
        except ValueError:
            return None
    return None


EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug included)
DATE_FORMATS = gettext_noop("ngày dạng YYYY-MM-DD hoặc DD/MM/YYYY")


# Years certainly before the policy's last planned year, whatever the time zone (the server's date and
# Vietnam's differ by a day at most): only later ones are checked against the clock (a process running
# over New Year errs on the side of checking).
_SAFE_YEARS_BELOW = date.today().year + dates.PLAN_YEARS


def _in_policy(value: date) -> date:
    """The widest bounds of the date policy (`core.dates`): from its earliest day to the last planned
    day. Whether a fact may lie in the future is the record rules' question (they know the column)."""
    if dates.EARLIEST <= value and value.year < _SAFE_YEARS_BELOW:
        return value  # the usual date: the clock in Vietnam's time zone need not be read for each cell
    problem = dates.check_day(value, planned=True)  # the policy's own words, as forms and the API say them
    if problem:
        msgid, params = problem
        raise CellError.wrong(msgid, **params)
    return value


def _calendar_day(year: int, month: int, day: int, written: str) -> date:
    """The date, or an error naming what does not exist in it. `written` is the value as the user wrote
    it, day first (31/02/2020), for the message."""
    if not 1 <= month <= 12:
        raise CellError.wrong(gettext_noop("tháng %(month)s không có (tháng từ 1 đến 12)"), month=month)
    try:
        return date(year, month, day)
    except ValueError:
        pass
    if month == 2 and day == 29:
        raise CellError.wrong(
            gettext_noop("ngày %(day)s không có (%(year)s không phải năm nhuận)"), day=written, year=year
        )
    raise CellError.wrong(gettext_noop("ngày %(day)s không có"), day=written)


def _date_from_text(s: str) -> date:
    m = _DATE_TEXT.match(s)
    if m is None:
        if len(s) == 4 and s.isdecimal():
            raise CellError.wrong(
                gettext_noop("chỉ có năm %(year)s: cần đủ ngày, tháng, năm (ví dụ 01/01/%(year)s)"), year=s
            )
        if m := _MONTH_YEAR.match(s):
            month, year = (m[1], m[2]) if m[1] else (m[4], m[3])
            raise CellError.wrong(
                gettext_noop("thiếu ngày: cần đủ ngày, tháng, năm (ví dụ %(example)s)"),
                example=f"01/{month.zfill(2)}/{year}",
            )
        raise CellError(DATE_FORMATS)
    first, _, middle, last = m.groups()
    if len(first) == 4 and len(last) <= 2:  # year first: YYYY-MM-DD
        year, month, day = int(first), int(middle), int(last)
    elif len(last) == 4 and len(first) <= 2:  # day first, the Vietnamese order: DD/MM/YYYY
        year, month, day = int(last), int(middle), int(first)
    elif len(last) == 2 and len(first) <= 2:
        day_month = f"{first.zfill(2)}/{middle.zfill(2)}"
        raise CellError.wrong(
            gettext_noop("năm '%(year)s' chỉ có 2 chữ số: cần năm đủ 4 chữ số (%(early)s hay %(late)s?)"),
            year=last,
            early=f"{day_month}/19{last}",
            late=f"{day_month}/20{last}",
        )
    else:
        raise CellError(DATE_FORMATS)
    written = f"{day:02d}/{month:02d}/{year:04d}"
    if month > 12 and 1 <= day <= 12 and month <= 31:
        # Month and day swapped (a clerk's computer set to the US order): the reading is a guess, so
        # the user is told which date it would be rather than the cell being read as that date.
        raise CellError.wrong(
            gettext_noop(
                "tháng %(month)s không có — ngày và tháng bị đảo? Nếu là ngày %(guess)s, hãy ghi %(guess)s "
                "(ngày trước tháng)"
            ),
            month=month,
            guess=f"{month:02d}/{day:02d}/{year:04d}",
        )
    return _calendar_day(year, month, day, written)


def parse_date(raw):
    if type(raw) is str:  # every CSV cell: the usual forms first, the full reading only when they fail
        s = raw.strip()
        value = _iso_date(s)
        return _in_policy(_date_from_text(s) if value is None else value)
    if isinstance(raw, datetime):
        value = raw.date()
    elif isinstance(raw, date):
        value = raw
    elif isinstance(raw, bool):
        raise CellError(DATE_FORMATS)
    elif isinstance(raw, int | float):
        value = _excel_day(raw)
    else:
        value = day_from_text(str(raw).strip())
    return _in_policy(value)


def day_from_text(s: str) -> date:
    """A date written as text, either order, or a CellError saying what is wrong with it (no bounds)."""
    value = _iso_date(s)
    return _date_from_text(s) if value is None else value


def _excel_day(number: float) -> date:
    """A number in a date column of an .xlsx: a year alone (2020) is named; otherwise Excel's day
    number, which a date cell shows once its date format is lost."""
    if number != number or number in (float("inf"), float("-inf")):  # NaN, infinities
        raise CellError(DATE_FORMATS)
    if float(number).is_integer() and 1000 <= number <= 9999:
        year = int(number)
        raise CellError.wrong(
            gettext_noop("chỉ có năm %(year)s: cần đủ ngày, tháng, năm (ví dụ 01/01/%(year)s)"), year=year
        )
    if not 1 <= number <= 2_958_465:  # Excel's last day, 31/12/9999
        raise CellError(DATE_FORMATS)
    return EXCEL_EPOCH + timedelta(days=int(number))


def year(raw):
    if isinstance(raw, bool):
        raise CellError(gettext_noop("năm 4 chữ số"))
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    s = str(raw).strip()
    if not (len(s) == 4 and _digits(s)):
        raise CellError(gettext_noop("năm 4 chữ số"))
    value = int(s)
    if dates.EARLIEST_YEAR <= value < _SAFE_YEARS_BELOW:
        return value
    problem = dates.check_year(value)  # the policy's own words, as forms and the API say them
    if problem:
        msgid, params = problem
        raise CellError.wrong(msgid, **params)
    return value


_CURRENCY = re.compile(r"\s*(đồng|đ|vnđ|vnd|d)\.?$", re.IGNORECASE)
_SPACE_GROUPED = re.compile(r"^\d{1,3}([ \u00a0\u202f]\d{3})+$")
_DOT_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")
_COMMA_GROUPED = re.compile(r"^\d{1,3}(,\d{3}){2,}$")  # two commas or more: never a decimal comma
_ONE_COMMA_THOUSANDS = re.compile(r"^\d{1,3},\d{3}$")
_VN_ZERO_FRACTION = re.compile(r"^(\d{1,3}(?:\.\d{3})*|\d+),0+$")  # 1.234,00
_EN_ZERO_FRACTION = re.compile(r"^(\d{1,3}(?:,\d{3})*|\d+)\.0+$")  # 1,234.00
_DECIMAL = re.compile(r"^\d+[.,]\d+$")


def _whole_number(raw, *, expected: str) -> int:
    """A whole number from a numeric cell or from text written the Vietnamese way (module docstring).
    `expected` is the column's own expectation for text that is no number at all. Negative numbers
    are returned as such (the caller decides)."""
    if type(raw) is str and raw.isascii():
        if raw.isdigit():  # the usual cells: plain digits, or grouped with dots (17.000.000)
            return int(raw)
        if _DOT_GROUPED.match(raw):
            return int(raw.replace(".", ""))
    if isinstance(raw, bool):
        raise CellError(expected)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise CellError(expected)
        if not raw.is_integer():
            raise CellError.wrong(gettext_noop("%(number)s có phần lẻ: cần số nguyên"), number=_plain(raw))
        return int(raw)
    s = clean_text(str(raw)).strip()
    negative = s.startswith("-")
    body = s[1:].strip() if negative else s
    digits = _grouped_digits(body, expected)
    value = int(digits)
    return -value if negative else value


def _plain(number: float) -> str:
    return f"{number:.6f}".rstrip("0").replace(".", ",")  # the Vietnamese decimal comma


def _grouped_digits(s: str, expected: str) -> str:
    if _digits(s):
        return s
    if _DOT_GROUPED.match(s):
        return s.replace(".", "")
    if _SPACE_GROUPED.match(s):
        return re.sub(r"[ \u00a0\u202f]", "", s)
    if _COMMA_GROUPED.match(s):
        return s.replace(",", "")
    if _ONE_COMMA_THOUSANDS.match(s):
        whole, _, part = s.partition(",")
        raise CellError.wrong(
            gettext_noop(
                "'%(number)s' không rõ: dấu phẩy là dấu thập phân trong cách viết Việt Nam; nếu là số "
                "%(plain)s, hãy ghi %(grouped)s hoặc %(plain)s"
            ),
            number=s,
            grouped=f"{whole}.{part}",
            plain=f"{whole}{part}",
        )
    if m := _VN_ZERO_FRACTION.match(s):  # both separators: the reading is plain
        return m[1].replace(".", "")
    if m := _EN_ZERO_FRACTION.match(s):
        return m[1].replace(",", "")
    if _DECIMAL.match(s) and "," in s:
        raise CellError.wrong(gettext_noop("%(number)s có phần lẻ: cần số nguyên"), number=s)
    raise CellError(expected)


def money(raw):
    """Whole, non-negative VND: `17.000.000`, `17 000 000`, `17000000 đ` or a numeric cell."""
    expected = gettext_noop("số tiền (đồng), ví dụ 17.000.000 hoặc 17000000")
    if isinstance(raw, float) and raw == raw and raw not in (float("inf"), float("-inf")):
        if not raw.is_integer():
            raise CellError(gettext_noop("số tiền nguyên (đồng), không có phần lẻ"))
    if type(raw) is str:
        raw = raw.strip()
        if raw[-1:].isalpha() or raw[-1:] == ".":
            raw = _CURRENCY.sub("", raw)
        if "," in raw and _DECIMAL.match(raw) and not _ONE_COMMA_THOUSANDS.match(raw):
            # "1,5": the staff forms' long-standing message
            raise CellError(expected)
    value = _whole_number(raw, expected=expected)
    if value < 0:
        raise CellError(gettext_noop("số tiền không âm"))
    return value


def count(raw):
    """A whole number ≥ 0: `1234`, `1.234`, `1 234` or a numeric cell."""
    value = _whole_number(raw, expected=gettext_noop("số nguyên không âm"))
    if value < 0:
        raise CellError(gettext_noop("số nguyên không âm"))
    return value


_YES_NO_SEEN: dict[str, bool] = {}  # the few spellings a workbook uses, read once each


def yes_no(raw):
    if type(raw) is str and raw in _YES_NO_SEEN:
        return _YES_NO_SEEN[raw]
    if isinstance(raw, bool):
        return raw
    if type(raw) is str:
        value = fold(raw) in YES or (False if fold(raw) in NO else None)
        if value is not None:
            if len(_YES_NO_SEEN) < 1000:
                _YES_NO_SEEN[raw] = value
            return value
    if isinstance(raw, int | float):
        raw = str(int(raw)) if float(raw).is_integer() else str(raw)
    value = fold(str(raw))
    if value in YES:
        return True
    if value in NO:
        return False
    raise CellError(gettext_noop("có/không (x, có, 1, Y, true hoặc để trống, không, 0, N, false)"))


def choice(choices: dict[str, str]) -> Parser:
    """An enumerated value given by key or by its Vietnamese label."""
    lookup = {fold(k): k for k in choices} | {fold(label): k for k, label in choices.items()}
    # Named as the user writes them (the label), with the key the export of old workbooks used.
    listed = ", ".join(f"{label} ({key})" if label != key else key for key, label in choices.items())
    # A cell holding exactly a key (the usual case) needs no folding.
    exact = {k for k in choices if lookup.get(fold(k)) == k}

    def parse(raw):
        if type(raw) is str and raw in exact:
            return raw
        value = lookup.get(fold(str(raw)))
        if value is None:
            raise CellError(gettext_noop("một trong: %(listed)s"), listed=listed)
        return value

    parse.choices = choices
    return parse


def open_choice(choices: dict[str, str]) -> Parser:
    """Known values normalised to their key; other non-empty text kept as written."""
    known = choice(choices)

    def parse(raw):
        try:
            return known(raw)
        except CellError:
            value = text(40)(raw)
            if not value:
                raise CellError(gettext_noop("một giá trị không rỗng")) from None
            return value

    parse.choices = choices
    return parse


def tax_code(raw):
    s = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw).strip()
    if not _TAX.match(s):
        raise CellError(gettext_noop("mã số thuế 10 hoặc 13 chữ số (cho phép dạng 0123456789-001)"))
    return s


def code_list(raw):
    codes = [c.strip() for c in str(raw).split(";") if c.strip()]
    if not all(is_code(c) for c in codes):
        raise CellError(
            gettext_noop("các mã người cách nhau bởi dấu ;, mỗi mã %(rule)s"), rule=gettext_lazy(RULE_VI)
        )
    return codes
