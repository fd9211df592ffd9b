from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import pgettext

from phoihop.core.dates import Day  # noqa: F401 — a date in a message (31/12/2020 or 2020-12-31), one place
from phoihop.core.text import in_english, in_language


@dataclass(frozen=True)
class Problem:
    """One error or warning, located as a user finds it in Excel."""

    sheet: str  # sheet label as the user sees it
    row: int | None
    column: str | None  # column label
    value: object
    message_vi: str
    message_en: str

    @classmethod
    def of(cls, sheet: str, row: int | None, column: str | None, value, msgid: str, **params) -> Problem:
        """A problem whose message is a gettext msgid (Vietnamese) with its params."""
        vi, en = in_language(msgid, params, "vi"), in_language(msgid, params, "en")
        return cls(sheet, row, column, value, vi, en)

    def render(self, lang: str = "vi") -> str:
        """The problem as one line in `lang` (through translation.override and the catalogue)."""
        with translation.override(lang):
            return self._line()

    def _line(self) -> str:
        parts = [pgettext("workbook problem", "Trang '%(sheet)s'") % {"sheet": self.sheet}]
        if self.row is not None:
            parts.append(pgettext("workbook problem", "dòng %(row)s") % {"row": self.row})
        if self.column:
            parts.append(pgettext("workbook problem", "cột '%(column)s'") % {"column": self.column})
        where = ", ".join(parts)
        shown = (
            ""
            if self.value in (None, "")
            else " " + pgettext("workbook problem", "giá trị '%(value)s':") % {"value": self.value}
        )
        english = in_english()
        return f"{where}:{shown} {self.message_en if english else self.message_vi}"


@dataclass
class ImportResult:
    ok: bool = False
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # {sheet key: {"created": n, "updated": n, "unchanged": n}}
    summary: dict[str, dict[str, int]] = field(default_factory=dict)
