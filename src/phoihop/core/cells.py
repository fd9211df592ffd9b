"""Cell parsers: the value rules shared by the standard workbook, the record forms and the API. Each takes
the raw cell (str from CSV or a form; str, float, int, bool, date or datetime from .xlsx) and returns the
value, or raises `CellError` saying what was expected. They sit in core, below records and the workbook,
so both can use them (issue 12: layers)."""

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache

from django.utils.translation import get_language, gettext_lazy, gettext_noop

from .codes import RULE_VI, is_code
from .text import fold as _fold_text
from .text import in_language

MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2100, 12, 31)


class CellError(ValueError):
    """A bad cell value: `expected` is a gettext msgid (Vietnamese) with its params saying what the
    column needs; `expected_vi`/`expected_en` render it. (An old-style (vi, en) pair is still accepted.)"""

    def __init__(self, expected: str, expected_en: str | None = None, **params):
        super().__init__(expected)
        self.expected, self.params, self._en = expected, params, expected_en

    def __str__(self) -> str:  # in the active language
        english = (get_language() or "vi").startswith("en")
        return self.expected_en if english else self.expected_vi

    @property
    def expected_vi(self) -> str:
        return self.expected if self._en is not None else in_language(self.expected, self.params, "vi")

    @property
    def expected_en(self) -> str:
        return self._en if self._en is not None else in_language(self.expected, self.params, "en")


Parser = Callable[[object], object]

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_VN = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")
_TAX = re.compile(r"^\d{10}(\d{3}|-\d{3})?$")
YES = frozenset({"x", "co", "1", "y", "yes", "true", "dung", "1.0"})
NO = frozenset({"", "khong", "0", "n", "no", "false", "sai", "0.0"})


_SPACES = re.compile(r"[\s_]+")


@lru_cache(maxsize=1 << 16)
def _fold_cached(value: str) -> str:
    return _fold_text(value)


def fold(value) -> str:
    """`core.text.fold`, faster for the import's hot loops: plain ASCII (codes, keys) skips the Unicode
    decomposition, which changes nothing for it; other text (names, labels) repeats a lot and is cached."""
    if isinstance(value, str) and value.isascii():
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
            value = raw.strip()
        else:
            if isinstance(raw, float) and raw.is_integer():
                raw = int(raw)
            value = str(raw).strip()
        if len(value) > max_length:
            raise CellError(gettext_noop("văn bản tối đa %(n)s ký tự"), n=max_length)
        if "\x00" in value:  # PostgreSQL refuses NUL in text: a cell error, not a failed import
            raise CellError(gettext_noop("văn bản không chứa ký tự NUL (\\x00)"))
        return value

    return parse


_text64 = text(64)


def code(raw):
    value = raw.strip() if type(raw) is str else _text64(raw)
    if len(value) > 64:
        _text64(value)  # raises the length error
    if not value:
        raise CellError(gettext_noop("một mã không rỗng"))
    if not is_code(value):
        raise CellError(gettext_noop("mã %(rule)s"), rule=gettext_lazy(RULE_VI))
    return value


def _iso_date(s: str) -> date | None:
    """Fast path for the usual YYYY-MM-DD; None sends the text through the full check."""
    if len(s) == 10 and s[4] == "-" and s[7] == "-" and s.isascii():
        try:
            return date.fromisoformat(s)
        except ValueError:
            return None
    return None


def parse_date(raw):
    if isinstance(raw, datetime):
        value = raw.date()
    elif isinstance(raw, date):
        value = raw
    else:
        s = str(raw).strip()
        value = _iso_date(s)
        try:
            if value is not None:
                pass
            elif m := _ISO.match(s):
                value = date(int(m[1]), int(m[2]), int(m[3]))
            elif m := _VN.match(s):
                value = date(int(m[3]), int(m[2]), int(m[1]))
            else:
                value = None
        except ValueError:
            value = None
        if value is None:
            raise CellError(gettext_noop("ngày dạng YYYY-MM-DD hoặc DD/MM/YYYY"))
    if not MIN_DATE <= value <= MAX_DATE:
        raise CellError(gettext_noop("ngày trong khoảng 1900–2100"))
    return value


def year(raw):
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    s = str(raw).strip()
    if not (len(s) == 4 and _digits(s)) or not 1900 <= int(s) <= 2100:
        raise CellError(gettext_noop("năm 4 chữ số (1900–2100)"))
    return int(s)


def money(raw):
    """Whole, non-negative VND: `17.000.000`, `17000000` or a numeric cell."""
    if isinstance(raw, bool):
        raise CellError(gettext_noop("số tiền (đồng), số nguyên"))
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not raw.is_integer():
            raise CellError(gettext_noop("số tiền nguyên (đồng), không có phần lẻ"))
        value = int(raw)
    else:
        s = str(raw).strip().replace(" ", "").replace("\u00a0", "")
        negative = s.startswith("-")
        digits = s[1:] if negative else s
        if _GROUPED.match(digits):
            digits = digits.replace(".", "")
        if not _digits(digits):
            raise CellError(gettext_noop("số tiền (đồng), ví dụ 17.000.000 hoặc 17000000"))
        value = -int(digits) if negative else int(digits)
    if value < 0:
        raise CellError(gettext_noop("số tiền không âm"))
    return value


def count(raw):
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    s = str(raw).strip()
    if not _digits(s):
        raise CellError(gettext_noop("số nguyên không âm"))
    return int(s)


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
    listed = ", ".join(choices)
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
