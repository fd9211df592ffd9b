from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One error or warning, located as a user finds it in Excel."""

    sheet: str  # sheet label as the user sees it
    row: int | None
    column: str | None  # column label
    value: object
    message_vi: str
    message_en: str

    def render(self, lang: str = "vi") -> str:
        vi = lang != "en"
        parts = [f"{'Trang' if vi else 'Sheet'} '{self.sheet}'"]
        if self.row is not None:
            parts.append(f"{'dòng' if vi else 'row'} {self.row}")
        if self.column:
            parts.append(f"{'cột' if vi else 'column'} '{self.column}'")
        where = ", ".join(parts)
        shown = "" if self.value in (None, "") else f" {'giá trị' if vi else 'value'} '{self.value}':"
        return f"{where}:{shown} {self.message_vi if vi else self.message_en}"


@dataclass
class ImportResult:
    ok: bool = False
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # {sheet key: {"created": n, "updated": n, "unchanged": n}}
    summary: dict[str, dict[str, int]] = field(default_factory=dict)
