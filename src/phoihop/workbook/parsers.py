"""Cell parsers of the standard workbook. Each takes the raw cell (str from CSV; str, float, int, bool,
date or datetime from .xlsx) and returns the value, or raises `CellError` saying what was expected."""

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache

from phoihop.core.codes import RULE_EN, RULE_VI, is_code
from phoihop.core.text import fold as _fold_text

MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2100, 12, 31)


class CellError(ValueError):
    """A bad cell value: `expected_vi` / `expected_en` say what the column needs."""

    def __init__(self, expected_vi: str, expected_en: str):
        super().__init__(expected_en)
        self.expected_vi = expected_vi
        self.expected_en = expected_en


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
            raise CellError(f"văn bản tối đa {max_length} ký tự", f"text of at most {max_length} characters")
        if "\x00" in value:  # PostgreSQL refuses NUL in text: a cell error, not a failed import
            raise CellError("văn bản không chứa ký tự NUL (\\x00)", "text without NUL characters (\\x00)")
        return value

    return parse


_text64 = text(64)


def code(raw):
    value = raw.strip() if type(raw) is str else _text64(raw)
    if len(value) > 64:
        _text64(value)  # raises the length error
    if not value:
        raise CellError("một mã không rỗng", "a non-empty code")
    if not is_code(value):
        raise CellError(f"mã {RULE_VI}", f"a code of {RULE_EN}")
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
            raise CellError("ngày dạng YYYY-MM-DD hoặc DD/MM/YYYY", "a date as YYYY-MM-DD or DD/MM/YYYY")
    if not MIN_DATE <= value <= MAX_DATE:
        raise CellError("ngày trong khoảng 1900–2100", "a date between 1900 and 2100")
    return value


def year(raw):
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    s = str(raw).strip()
    if not (len(s) == 4 and _digits(s)) or not 1900 <= int(s) <= 2100:
        raise CellError("năm 4 chữ số (1900–2100)", "a 4-digit year (1900–2100)")
    return int(s)


def money(raw):
    """Whole, non-negative VND: `17.000.000`, `17000000` or a numeric cell."""
    if isinstance(raw, bool):
        raise CellError("số tiền (đồng), số nguyên", "an amount in VND, a whole number")
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not raw.is_integer():
            raise CellError("số tiền nguyên (đồng), không có phần lẻ", "a whole amount in VND")
        value = int(raw)
    else:
        s = str(raw).strip().replace(" ", "").replace("\u00a0", "")
        negative = s.startswith("-")
        digits = s[1:] if negative else s
        if _GROUPED.match(digits):
            digits = digits.replace(".", "")
        if not _digits(digits):
            raise CellError(
                "số tiền (đồng), ví dụ 17.000.000 hoặc 17000000", "an amount in VND, e.g. 17.000.000"
            )
        value = -int(digits) if negative else int(digits)
    if value < 0:
        raise CellError("số tiền không âm", "a non-negative amount")
    return value


def count(raw):
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    s = str(raw).strip()
    if not _digits(s):
        raise CellError("số nguyên không âm", "a non-negative whole number")
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
    raise CellError(
        "có/không (x, có, 1, Y, true hoặc để trống, không, 0, N, false)",
        "yes/no (x, có, 1, Y, true or empty, không, 0, N, false)",
    )


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
            raise CellError(f"một trong: {listed}", f"one of: {listed}")
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
                raise CellError("một giá trị không rỗng", "a non-empty value") from None
            return value

    parse.choices = choices
    return parse


def tax_code(raw):
    s = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw).strip()
    if not _TAX.match(s):
        raise CellError(
            "mã số thuế 10 hoặc 13 chữ số (cho phép dạng 0123456789-001)",
            "a tax code of 10 or 13 digits (0123456789-001 allowed)",
        )
    return s


def cccd(raw):
    from phoihop.records.identity import CccdError, clean_cccd

    try:
        return clean_cccd(raw)
    except CccdError as bad:
        raise CellError(bad.vi, bad.en) from bad


def code_list(raw):
    codes = [c.strip() for c in str(raw).split(";") if c.strip()]
    if not all(is_code(c) for c in codes):
        raise CellError(
            f"các mã người cách nhau bởi dấu ;, mỗi mã {RULE_VI}",
            f"person codes separated by ;, each of {RULE_EN}",
        )
    return codes
