"""The report's content laid out once for every document format: the title block and the tables.

Cells hold raw values (int, float, None, str); each renderer formats them its own way (the spreadsheet
keeps numbers as numbers, the text documents use Vietnamese grouping).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from phoihop.core import numbers as fmt

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

    def add(self, row: list, kind: str = "count") -> None:
        self.rows.append(row)
        self.kinds.append(kind)


def title_block(report: dict) -> dict:
    period = report["period"]
    return {
        "organisations": report.get("scope_names") or report["scope"],
        "title": "BÁO CÁO SƠ KẾT, TỔNG KẾT CHƯƠNG TRÌNH PHỐI HỢP",
        "program": report.get("program_name") or report["program"],
        "program_code": report["program"],
        "period": f"Từ ngày {fmt.day(period['from'])} đến ngày {fmt.day(period['to'])}",
        "generated": report.get("generated_at", "")[:10],
        "generated_text": f"Lập ngày {fmt.day(report['generated_at'][:10])}"
        if report.get("generated_at")
        else "",
        "scope": ", ".join(
            f"{n} ({c})" for n, c in zip(report.get("scope_names", []), report["scope"], strict=False)
        ),
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


def unit_table(report: dict) -> Table:
    """Each indicator's breakdown by the child units of the scope (the units a reader knows: districts)."""
    kinds = report["units"]["kinds"]
    units: list[str] = []
    for entry in report["indicators"].values():
        for code, value in (entry.get("by_unit") or {}).items():
            if value and code not in units:
                units.append(code)
    labels = report["units"]["labels"]
    table = Table("Kết quả theo đơn vị trực thuộc", ["Chỉ tiêu", *(labels.get(u, u) for u in units)])
    for entry_code, entry in report["indicators"].items():
        by_unit = entry.get("by_unit") or {}
        if any(by_unit.get(u) for u in units):
            table.add([entry["label"], *(by_unit.get(u) for u in units)], kinds.get(entry_code, "count"))
    return table


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
    if value is None:
        return "" if kind == "group" else fmt.MISSING
    if isinstance(value, str):
        return value
    if kind == "million":
        return fmt.number(value)
    return fmt.value(value, kind)
