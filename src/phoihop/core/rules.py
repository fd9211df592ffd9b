"""What a broken rule of a record or a unit looks like, for every rules module (`orgs.rules`,
`records.rules`): the field it is about and a Vietnamese gettext msgid with its %-params. Forms render it
on the field, the workbook import with the sheet, row and column, the API as a field error."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext


@dataclass(frozen=True)
class Broken:
    field: str
    msgid: str
    params: dict = field(default_factory=dict)

    def message(self) -> str:
        """The message in the active language (through the catalogue)."""
        text = gettext(self.msgid)
        return text % self.params if self.params else text
