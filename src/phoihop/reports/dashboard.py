"""The program overview (/chi-tieu/tong-quan/): headline figures, yearly trends, the union → party
pipeline, target ranking and the unit table of one program, all drawn from one (cached) report of the
program for the user's scope — the dashboard is a view of the report, so it lives next to it. The
charts are the indicators app's inline SVG (indicators/svg.py)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from phoihop.core.text import fold
from phoihop.indicators import chart_specs as specs
from phoihop.indicators import svg
from phoihop.indicators.registry import REGISTRY, Indicator, pct
from phoihop.indicators.selectors import MAIN_COLUMNS, unit_sort_key
from phoihop.orgs.models import Unit
from phoihop.records.models import Program

from .cache import overview_report
from .selectors import program_scope_code

CARDS = (
    "union.grassroots_founded",
    "union.members_admitted",
    "union.outstanding_referred",
    "union.referred_admitted",
    "party.cells_founded_in_enterprises",
    "party.members_admitted_in_enterprises",
    "emulation.initiatives_applied",
    "emulation.initiatives_value_vnd",
    "welfare.contributions_vnd",
)
# The unit table's columns: the target grid's opening columns (indicators.selectors.MAIN_COLUMNS, one list
# of what a unit's row shows first) without the works registered.
TABLE_COLUMNS = {
    side: tuple(code for code in codes if code != "emulation.works_registered")
    for side, codes in MAIN_COLUMNS.items()
}
# Beyond this many grassroots rows a table keeps the largest and sums the rest into one row.
GRASSROOTS_ROWS_SHOWN = 20


@dataclass
class TableRow:
    code: str
    name: str
    values: list[int | float | None]
    rest: int = 0  # how many units a summed "the others" row stands for

    @property
    def shown(self) -> list[str]:
        return [svg.vn_number(v) for v in self.values]


@dataclass
class UnitTable:
    side: str
    title: str
    columns: list[Indicator]
    rows: list[TableRow]
    total: list[int | float | None]
    shared_note: bool = False  # the table's sums of shared indicators leave out the other side

    @property
    def total_shown(self) -> list[str]:
        return [svg.vn_number(v) for v in self.total]


def sides_in(report: dict) -> set[str]:
    """The sides of the tree (union, party) the report's scope stands on."""
    kinds = dict(Unit.objects.filter(code__in=report["scope"]).values_list("code", "kind"))
    return {"party" if k in Unit.PARTY_KINDS else "union" for k in kinds.values()}


def unit_table(report: dict, side: str) -> UnitTable:
    """Child units of the scope (on the side's tree) × the side's main indicators."""
    columns = [REGISTRY[c] for c in TABLE_COLUMNS[side]]
    # The side's own-tree indicators list exactly its children (and a root holding records itself).
    own = [c.code for c in columns if c.tree != "S"]
    codes = list(dict.fromkeys(code for c in own for code in report["indicators"][c]["by_unit"]))
    info = {u["code"]: u for u in Unit.objects.filter(code__in=codes).values("code", "name", "kind")}
    roots = set(report["scope"])

    def figures(code: str) -> list:
        return [report["indicators"][c.code]["by_unit"].get(code, 0) for c in columns]

    rows, grassroots = [], []
    for code in sorted(codes, key=lambda c: unit_sort_key(info[c])):
        row = TableRow(code, info[code]["name"], figures(code))
        if code in roots:
            row.name = _("%(name)s (trực tiếp)") % {"name": info[code]["name"]}
            if not any(row.values):
                continue
        if info[code]["kind"] in Unit.GRASSROOTS_KINDS and code not in roots:
            grassroots.append(row)
        else:
            rows.append(row)

    def summed(group: list[TableRow], label: str) -> TableRow:
        values = [sum(r.values[i] or 0 for r in group) for i in range(len(columns))]
        return TableRow("", label % {"n": len(group)}, values, rest=len(group))

    if grassroots and any(r.code not in roots for r in rows):
        # Federations and sector unions are the table; grassroots units held directly make one row.
        grassroots = [summed(grassroots, _("Các đơn vị cơ sở trực thuộc (%(n)s đơn vị)"))]
    elif len(grassroots) > GRASSROOTS_ROWS_SHOWN + 10:
        # Only grassroots units: the largest, then the others summed.
        grassroots.sort(key=lambda r: [-(v or 0) for v in r.values])
        rest = summed(
            grassroots[GRASSROOTS_ROWS_SHOWN:], _("Các đơn vị cơ sở trực thuộc khác (%(n)s đơn vị)")
        )
        grassroots = [*grassroots[:GRASSROOTS_ROWS_SHOWN], rest]
    rows += grassroots
    total = [sum(r.values[i] or 0 for r in rows) for i in range(len(columns))]
    title = _("Theo đơn vị công đoàn") if side == "union" else _("Theo tổ chức đảng")
    return UnitTable(side, title, columns, rows, total)


def target_ranking(report: dict, year: int | None) -> tuple[int | None, list[int], list[dict]]:
    """Child units of the scope ranked by the mean % reached over their targets of one year (default:
    the latest year with targets, up to this one). Returns (year, years with targets, ranking)."""
    children = {code for entry in report["indicators"].values() for code in entry["by_unit"]}
    children -= set(report["scope"])
    rows = [t for t in report["targets"] if t["unit"] in children and t["reached_pct"] is not None]
    years = sorted({t["year"] for t in rows})
    if not years:
        return None, [], []
    if year not in years:
        this_year = timezone.localdate().year
        year = max([y for y in years if y <= this_year] or years)
    per_unit: dict[str, list] = {}
    for t in rows:
        if t["year"] == year:
            per_unit.setdefault(t["unit"], []).append(t)
    ranking = [
        {
            "code": code,
            "name": items[0]["unit_name"],
            "reached_pct": round(sum(t["reached_pct"] for t in items) / len(items), 1),
            "targets": len(items),
            "met": sum(1 for t in items if t["reached_pct"] >= 100),
        }
        for code, items in per_unit.items()
    ]
    for r in ranking:
        r["shown"] = svg.vn_percent(r["reached_pct"])
    ranking.sort(key=lambda r: (-r["reached_pct"], fold(r["name"])))
    return year, years, ranking


@dataclass
class Card:
    code: str
    label: str
    value: int | float | None
    shown: str
    suffix: str = ""  # "tỷ đồng" after a rounded sum of money
    full: str = ""  # the exact figure, when `shown` rounds it


@dataclass
class Dashboard:
    program: Program
    report: dict
    scope_label: str
    whole_program: bool
    cards: list[Card]
    trend: str  # inline SVG
    trend_bars: list[tuple[str, str]]  # (visible title, inline SVG)
    funnel: str
    ranking_year: int | None
    ranking_years: list[int]
    ranking: list[dict]
    ranking_chart: str
    tables: list[UnitTable]
    years: list[str]
    # The targets assigned to the scope's own unit (a district or grassroots union viewing its dashboard).
    own_targets: list[dict] = field(default_factory=list)
    # False: the figures were computed before the latest change and the current ones are being computed
    # (reports.cache.overview_report); the page says so.
    current: bool = True

    @property
    def generated_at(self) -> datetime:
        return datetime.fromisoformat(self.report["generated_at"])


def _tree_fits(code: str, sides: set[str]) -> bool:
    tree = REGISTRY[code].tree
    return tree == "S" or (tree == "U" and "union" in sides) or (tree == "B" and "party" in sides)


def _share(part, whole, of: str) -> str:
    share = pct(part or 0, whole or 0)
    return "" if share is None else _("%(share)s số %(of)s") % {"share": svg.vn_percent(share), "of": of}


def pipeline(ind: dict, sides: set[str]) -> list[tuple[str, int | None, str]]:
    """Union member → referred → trained → admitted. The stages are not nested sets (a class may train
    people referred before the period), so each share is taken against the stage it truly comes from."""
    members, referred, trained, admitted = specs.PIPELINE.series
    stages = [
        (members.display_label, ind[members.code]["value"], ""),
        (
            referred.display_label,
            ind[referred.code]["value"],
            _share(ind[referred.code]["value"], ind[members.code]["value"], _("đoàn viên mới")),
        ),
    ]
    if "party" in sides:  # classes are organised by party units: a union-only scope has none
        stages.append(
            (
                trained.display_label,
                ind[trained.code]["value"],
                _share(ind[trained.code]["value"], ind[referred.code]["value"], _("được giới thiệu")),
            )
        )
    stages.append(
        (
            admitted.display_label,
            ind[admitted.code]["value"],
            _share(ind[admitted.code]["value"], ind[referred.code]["value"], _("được giới thiệu")),
        )
    )
    return stages


def build_dashboard(*, user, program: Program, ranking_year: int | None = None) -> Dashboard:
    """Everything the dashboard shows, from one report of the program for the user's scope."""
    scope_code = program_scope_code(user=user, program=program)
    report, current = overview_report(program_code=program.code, scope_code=scope_code)
    ind = report["indicators"]
    sides = sides_in(report)

    cards = []
    for code in CARDS:
        if not _tree_fits(code, sides):
            continue
        value = ind[code]["value"]
        card = Card(code, REGISTRY[code].display_label, value, svg.vn_number(value))
        if REGISTRY[code].unit == "vnd":
            card.shown, card.suffix = svg.vn_money_short(value)
            card.full = svg.vn_number(value)
        cards.append(card)

    # Years still ahead hold nothing yet; a trend that drops to zero there would mislead.
    this_year = str(timezone.localdate().year)
    all_years = list(ind[specs.PEOPLE_TREND.series[0].code]["by_year"])
    years = [y for y in all_years if y <= this_year] or all_years
    trend = svg.line_chart(
        title=specs.PEOPLE_TREND.display_title,
        labels=years,
        series=[(s.display_label, s.by_year(ind, years)) for s in specs.PEOPLE_TREND.series],
        width=1100,
        height=260,
    )
    bars = []
    for i, one in enumerate(s for s in specs.RESULTS_TREND.series if _tree_fits(s.code, sides)):
        chart = svg.bar_chart(
            title=one.display_label,
            labels=years,
            values=one.by_year(ind, years),
            color=svg.PALETTE[(i + 1) % len(svg.PALETTE)],
            width=300,
            height=180,
        )
        bars.append((one.display_label, chart))

    funnel = svg.funnel_chart(title=specs.PIPELINE.display_title, stages=pipeline(ind, sides))

    year, ranking_years, ranking = target_ranking(report, ranking_year)
    ranking_chart = ""
    if ranking:
        ranking_chart = svg.hbar_chart(
            title=_("Đơn vị xếp theo tỷ lệ hoàn thành chỉ tiêu năm %(year)s") % {"year": year},
            items=[(svg.short_unit_name(r["name"]), r["reached_pct"]) for r in ranking],
            fmt=svg.vn_percent,
            reference=100,
            reference_label="100%",
            width=560,
            label_width=220,
        )

    own_targets = []
    if scope_code is not None:
        for t in report["targets"]:
            if t["unit"] in report["scope"]:
                spec = REGISTRY[t["indicator"]]
                shown = svg.vn_percent(t["reached_pct"]) if t["reached_pct"] is not None else "—"
                own_targets.append(
                    {
                        **t,
                        "label": spec.display_label,
                        "shown_pct": shown,
                        "target_shown": svg.vn_number(t["target"]),
                        "actual_shown": svg.vn_number(t["actual"]),
                    }
                )

    tables = [unit_table(report, side) for side in ("union", "party") if side in sides]
    for table in tables:
        table.shared_note = len(tables) > 1
    return Dashboard(
        program=program,
        report=report,
        scope_label=", ".join(report["scope_names"]),
        whole_program=scope_code is None,
        cards=cards,
        trend=trend,
        trend_bars=bars,
        funnel=funnel,
        ranking_year=year,
        ranking_years=ranking_years,
        ranking=ranking,
        ranking_chart=ranking_chart,
        tables=tables,
        years=years,
        own_targets=own_targets,
        current=current,
    )
