"""The citizen identity number (số CCCD): 12 digits, the first three a province code 001–096 (the
birth-registration province, Circular 59/2021/TT-BCA); unique where given. Personal data: shown and
exported only with the personal fields."""

from __future__ import annotations

import re

from django.utils.translation import gettext_noop

from phoihop.core.cells import CellError

_DIGITS = re.compile(r"^\d{12}$")


class CccdError(ValueError):
    """`message`: a gettext msgid (Vietnamese); its English is in the catalogue."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def clean_cccd(raw) -> str:
    """The number as stored, or CccdError. A numeric spreadsheet cell lost its leading zeros: they are
    put back (a CCCD always has 12 digits)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 < raw < 10**12:
        value = f"{raw:012d}"
    else:
        value = str(raw).strip().replace(" ", "").replace(".", "")
    if not value:
        return ""
    if not (_DIGITS.match(value) and value.isascii()):
        raise CccdError(gettext_noop("số CCCD gồm đúng 12 chữ số"))
    if not 1 <= int(value[:3]) <= 96:
        raise CccdError(gettext_noop("số CCCD có 3 chữ số đầu là mã tỉnh từ 001 đến 096"))
    return value


def cccd_cell(raw) -> str:
    """`clean_cccd` as a workbook cell parser (core.cells): the CCCD rule is a records rule."""
    try:
        return clean_cccd(raw)
    except CccdError as bad:
        raise CellError(bad.message) from bad
