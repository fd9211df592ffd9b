"""The one alphabet of codes (`ma_*`: units, enterprises, people, classes, records, programs).

A code is 1–64 characters: ASCII letters, digits, `-`, `_` and `.`, beginning with a letter or digit.
No spaces, no `/`, no control characters, no Vietnamese letters: codes travel in URLs, file names,
workbooks and reports, and are typed by people on keyboards set to many input methods. Forms, the
workbook import and the API all check codes with `check_code`; the `workbook` migration
0002_codes_alphabet stops an upgrade over a database holding codes that break it, listing them.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

MAX_LENGTH = 64
CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# A gettext msgid (the English is in the catalogue): the workbook shows it in either language.
RULE_VI = gettext_noop(
    "chỉ gồm chữ cái không dấu, chữ số và các dấu - _ . (bắt đầu bằng chữ hoặc số, tối đa 64 ký tự)"
)


def is_code(value: str) -> bool:
    return isinstance(value, str) and CODE_RE.fullmatch(value) is not None


def check_code(value: str) -> str:
    """The code if it keeps the alphabet; else ValidationError naming the rule (Vietnamese)."""
    if not is_code(value):
        raise ValidationError(
            _("Mã “%(code)s” không hợp lệ: mã %(rule)s."),
            code="bad_code",
            params={"code": _shown(value), "rule": RULE_VI},
        )
    return value


def _shown(value) -> str:
    """The code as a message may show it: control characters as \\n, \\t, \\x00 …"""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(value))[:80]


def bad_codes(rows) -> list[str]:
    """The codes among `rows` (an iterable of str) that break the alphabet, shown printable."""
    return [_shown(code) for code in rows if not is_code(code)]
