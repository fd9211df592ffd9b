"""The report's content laid out once for every document format: the title block and the tables.

Cells hold raw values (int, float, None, str); each renderer formats them its own way (the spreadsheet
keeps numbers as numbers, the text documents use Vietnamese grouping).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from phoihop.core import numbers as fmt
from phoihop.indicators.registry import REGISTRY

OWNERSHIP = {
    "nha_nuoc": "Nhà nước",
    "ngoai_nha_nuoc": "Ngoài nhà nước",
    "fdi": "Có vốn đầu tư nước ngoài",
    "hop_tac_xa": "Hợp tác xã",
    "khong_doanh_nghiep": "Không thuộc doanh nghiệp",
}
GENDER = {"nam": "Nam", "nu": "Nữ"}
BREAKDOWNS = (
    ("by_gender", "Giới tính"),
    ("by_ethnicity", "Dân tộc"),
    ("by_ownership", "Loại hình doanh nghiệp"),
)


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # per row: "count" | "vnd" | "pct" | "group"
    widths: list[float] | None = None  # column shares on a printed page; None: first column wide
    column_kinds: list[str] | None = None  # "units" tables: the kind of each indicator column

    def add(self, row: list, kind: str = "count") -> None:
        self.rows.append(row)
        self.kinds.append(kind)


def title_block(report: dict) -> dict:
    period = report["period"]
    return {
        "organisations": report.get("scope_names") or report["scope"],
        "title": "BÁO CÁO",
        "program": report.get("program_name") or report["program"],
        "program_code": report["program"],
        "period": f"Từ ngày {fmt.day(period['from'])} đến ngày {fmt.day(period['to'])}",
        "generated": report.get("generated_at", "")[:10],
        "generated_text": f"Lập ngày {fmt.day(report['generated_at'][:10])}"
        if report.get("generated_at")
        else "",
        "scope": ", ".join(report.get("scope_names") or report["scope"]),
    }


def years(report: dict) -> list[str]:
    start, end = int(report["period"]["from"][:4]), int(report["period"]["to"][:4])
    return [str(y) for y in range(start, end + 1)]


def indicator_table(report: dict, *, printed: bool = False) -> Table:
    """Indicators by year. `printed` documents show money in millions (a column of 17.348.500.000s does
    not fit A4); the spreadsheet keeps whole đồng."""
    ys = years(report)
    table = Table("Kết quả thực hiện các chỉ tiêu", ["Chỉ tiêu", *ys, "Cả kỳ"])
    areas, kinds, titles = report["units"]["areas"], report["units"]["kinds"], report["units"]["area_titles"]
    current = None
    for code, entry in report["indicators"].items():
        if areas.get(code) != current:
            current = areas.get(code)
            table.add([titles.get(current, current)] + [None] * (len(ys) + 1), "group")
        by_year = entry.get("by_year") or {}
        kind = kinds.get(code, "count")
        label, values = entry["label"], [*(by_year.get(y) for y in ys), entry["value"]]
        if printed and kind == "vnd":
            label = label.replace("(đồng)", "(triệu đồng)")
            values = [None if v is None else round(v / 1_000_000, 1) for v in values]
            kind = "million"
        table.add([label, *values], kind)
    return table


def targets_table(report: dict) -> Table:
    table = Table(
        "Chỉ tiêu giao và kết quả theo đơn vị",
        ["Đơn vị", "Năm", "Chỉ tiêu", "Giao", "Thực hiện", "Đạt (%)"],
        widths=[0.3, 0.07, 0.33, 0.1, 0.1, 0.1],
    )
    labels = {code: entry["label"] for code, entry in report["indicators"].items()}
    for row in report.get("targets", []):
        table.add(
            [
                row.get("unit_name") or row["unit"],
                str(row["year"]),
                labels.get(row["indicator"], row["indicator"]),
                row["target"],
                row["actual"],
                row["reached_pct"],
            ]
        )
    return table


def unit_codes(report: dict) -> list[str]:
    """The child units that have a figure, in the order the report lists them."""
    units: list[str] = []
    for entry in report["indicators"].values():
        for code, value in (entry.get("by_unit") or {}).items():
            if value and code not in units:
                units.append(code)
    return units


def unit_table(
    report: dict, codes: list[str] | None = None, *, title: str | None = None, printed: bool = False
) -> Table:
    """Units as rows (the units a reader knows: districts), indicators as columns, with the whole
    scope's figure last (it also holds rows that name no unit, so it may exceed the column's sum).
    Only units with a figure in one of the columns are listed."""
    kinds, labels = report["units"]["kinds"], report["units"]["labels"]
    indicators = report["indicators"]
    units = unit_codes(report)
    if codes is None:
        codes = [c for c, e in indicators.items() if any((e.get("by_unit") or {}).get(u) for u in units)]
    # Printed documents show money in millions, as the indicator table does.
    million = [printed and kinds.get(c) == "vnd" for c in codes]

    def shown(value, big: bool):
        return round(value / 1_000_000, 1) if big and value is not None else value

    header = [
        indicators[c]["label"].replace("(đồng)", "(triệu đồng)") if big else indicators[c]["label"]
        for c, big in zip(codes, million, strict=True)
    ]
    table = Table(title or "Kết quả theo đơn vị trực thuộc", ["STT", "Đơn vị", *header])
    table.column_kinds = [kinds.get(c, "count") for c in codes]
    n = 0
    for unit in units:
        values = [(indicators[c].get("by_unit") or {}).get(unit) for c in codes]
        if any(values):
            n += 1
            values = [shown(v, big) for v, big in zip(values, million, strict=True)]
            table.add([n, labels.get(unit, unit), *values], "units")
    totals = [shown(indicators[c]["value"], big) for c, big in zip(codes, million, strict=True)]
    table.add(["", "Toàn phạm vi báo cáo", *totals], "total")
    return table


def unit_tables(report: dict, *, per_table: int = 5) -> list[Table]:
    """The same, cut into printable tables of a few indicators each (A4 portrait): the union side's
    indicators over the union units, the party side's over the party units."""
    indicators, units = report["indicators"], unit_codes(report)
    codes = [c for c, e in indicators.items() if any((e.get("by_unit") or {}).get(u) for u in units)]
    groups: list[tuple[str, list[str]]] = []
    for tree, name in (("U", "công đoàn"), ("B", "tổ chức đảng"), ("S", "")):
        mine = [c for c in codes if getattr(REGISTRY.get(c), "tree", "S") == tree]
        groups += [(name, mine[i : i + per_table]) for i in range(0, len(mine), per_table)]
    out = []
    for n, (name, chunk) in enumerate(groups, 1):
        side = f" — {name}" if name else ""
        out.append(
            unit_table(
                report, chunk, title=f"Kết quả theo đơn vị trực thuộc{side} ({n}/{len(groups)})", printed=True
            )
        )
    return out


def breakdown_table(report: dict) -> Table:
    table = Table(
        "Phân tổ theo giới tính, dân tộc, loại hình doanh nghiệp", ["Chỉ tiêu", "Phân tổ", "Nhóm", "Số"]
    )
    for entry in report["indicators"].values():
        for key, name in BREAKDOWNS:
            for group, value in (entry.get(key) or {}).items():
                label = {**OWNERSHIP, **GENDER}.get(group, group)
                table.add([entry["label"], name, label, value])
    return table


def cell_text(value, kind: str) -> str:
    """A cell as the printed documents show it."""
    if kind in ("units", "total"):
        kind = "count"
    if value is None:
        return "" if kind == "group" else fmt.MISSING
    if isinstance(value, str):
        return value
    if kind == "million":
        return fmt.number(value)
    return fmt.value(value, kind)


def cell_for(table: Table, kind: str, col: int, value) -> str:
    """A cell of any table as printed: units tables take each indicator column's own kind."""
    if kind in ("units", "total"):
        if col < 2:
            return "" if value in (None, "") else str(value)
        column = (table.column_kinds or [])[col - 2] if table.column_kinds else "count"
        return fmt.MISSING if value is None else fmt.value(value, "pct" if column == "pct" else "count")
    return cell_text(value, kind)
