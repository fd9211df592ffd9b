"""Numbers as a Vietnamese reader writes them — the one place for it (reports, dashboard, portal).

number(6065)            -> "6.065"       (dot groups thousands, comma marks decimals)
number(28.4)            -> "28,4"
count(5)                -> "05"          (official documents write counts under ten with a zero)
money(17_348_500_000)   -> "trên 17 tỷ đồng"
money(2_000_000_000)    -> "2 tỷ đồng"
percent(28.4)           -> "28,4%"

In English (the language the user chose, `translation.get_language()`), the same calls write
"6,065", "28.4", "28.4%", "over 17 billion VND": one function per kind of number, two languages.
"""

from datetime import date

from django.utils.translation import gettext, gettext_noop, pgettext

from .text import in_english

SCALES = (
    (1_000_000_000, gettext_noop("tỷ")),
    (1_000_000, gettext_noop("triệu")),
    (1_000, gettext_noop("nghìn")),
)


MISSING = "—"


def number(value: int | float | None, *, decimals: int | None = None) -> str:
    """Dots group thousands, a comma marks decimals; by default up to two decimals, trailing zeros
    dropped (28.4 → "28,4", 18.04 → "18,04", 100.0 → "100")."""
    if value is None:
        return MISSING
    text = f"{value:,.{2 if decimals is None else decimals}f}"
    if decimals is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    if in_english():
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def count(value: int | None) -> str:
    """A head count in running text: 05, 12, 6.065."""
    if value is None:
        return MISSING
    return f"{value:02d}" if 0 <= value < 10 and not in_english() else number(value)


def percent(value: float | None) -> str:
    return MISSING if value is None else f"{number(round(value, 1))}%"


def money(value: int | None) -> str:
    """VND in words of scale, rounded down: the reader wants the order of magnitude, not the đồng."""
    if value is None:
        return MISSING
    currency = pgettext("currency", "đồng")
    for size, word in SCALES:
        if value >= size:
            whole, rest = divmod(value, size)
            amount = f"{number(whole)} {gettext(word)} {currency}"
            return gettext("trên %(amount)s") % {"amount": amount} if rest else amount
    return f"{number(value)} {currency}"


def day(value: date | str) -> str:
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return f"{value:%d/%m/%Y}"


def period(start: str, end: str) -> str:
    """'2017–2020' for whole years, else '01/07/2025 – 31/12/2025'."""
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    if (a.month, a.day, b.month, b.day) == (1, 1, 12, 31):
        return str(a.year) if a.year == b.year else f"{a.year}–{b.year}"
    return f"{day(a)} – {day(b)}"


def value(v, kind: str) -> str:
    """An indicator's value in a table cell."""
    if kind == "pct":
        return percent(v)
    return number(v)
