"""Reads for the targets grid, always for a user's scope (the dashboard, which draws from the report,
is reports/dashboard.py).

Actual figures come from the indicator registry: one `Context` for the chosen year and parent, one
grouped computation per indicator, and each child unit's figure read from the `by_unit` breakdown —
a few aggregate queries for the whole grid, never one per cell.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy

from phoihop.accounts.scope import Scope
from phoihop.core.text import fold
from phoihop.orgs.models import KIND_ORDER, Unit, UnitClosure
from phoihop.records.models import Program, Target

from . import svg
from .context import Context
from .registry import AREAS, REGISTRY, Indicator, Result, pct

TARGET_UNITS = ("count", "vnd")  # percentages are not targeted: they have no meaningful sum per unit

# The columns the grid opens with, by the side of the tree the parent unit stands on.
MAIN_COLUMNS = {
    "union": (
        "union.grassroots_founded",
        "union.members_admitted",
        "union.outstanding_referred",
        "union.referred_admitted",
        "emulation.works_registered",
        "emulation.initiatives_applied",
        "welfare.contributions_vnd",
    ),
    "party": (
        "party.cells_founded_in_enterprises",
        "party.members_admitted_in_enterprises",
        "party.training_classes",
        "party.trainees",
        "emulation.initiatives_applied",
        "welfare.contributions_vnd",
    ),
}
MAIN_GROUP, ALL_GROUP = "chinh", "tat_ca"


def unit_sort_key(unit) -> tuple:
    kind = unit["kind"] if isinstance(unit, dict) else unit.kind
    name = unit["name"] if isinstance(unit, dict) else unit.name
    return (KIND_ORDER.get(kind, 99), fold(name))


def side_of(unit: Unit) -> str:
    return "party" if unit.kind in Unit.PARTY_KINDS else "union"


def target_indicators() -> list[Indicator]:
    """The indicators a target may be set for: the counts and the sums of money."""
    return [spec for spec in REGISTRY.values() if spec.unit in TARGET_UNITS]


# ---- programs, years, parents -------------------------------------------------------------------


def programs() -> list[Program]:
    """Every program, latest first. A program names only its two roots; it is the frame every unit
    reports in (a district reports its share of the province's program), not personal data, so every
    signed-in user may list it."""
    return list(
        Program.objects.unscoped().select_related("union_root", "party_root").order_by("-starts_on", "code")
    )


def program_years(program: Program) -> list[int]:
    return list(range(program.starts_on.year, program.ends_on.year + 1))


def default_year(program: Program, today: date | None = None) -> int:
    """This year when the program runs through it, else the program's nearest year."""
    year = (today or timezone.localdate()).year
    years = program_years(program)
    return min(max(year, years[0]), years[-1])


def parent_choices(scope: Scope) -> list[Unit]:
    """Units in the scope that hold (or held) other units: the parents a targets grid can open on."""
    has_children = UnitClosure.objects.filter(ancestor=OuterRef("pk"), depth=1)
    return sorted(scope.units().filter(Exists(has_children)), key=unit_sort_key)


# ---- the targets grid ----------------------------------------------------------------------------


@dataclass
class GridCell:
    unit: Unit
    indicator: Indicator
    target: int | None
    actual: int | float | None
    posted: str | None = None  # what the user typed, shown back when the save was refused
    error: str = ""

    @property
    def name(self) -> str:
        return f"t:{self.unit.pk}:{self.indicator.code}"

    @property
    def shown(self) -> str:
        if self.posted is not None:
            return self.posted
        return "" if self.target is None else str(self.target)

    @property
    def initial(self) -> str:
        return "" if self.target is None else str(self.target)

    @property
    def reached(self) -> float | None:
        if self.target is None or self.actual is None or not self.target:
            return None
        return pct(self.actual, self.target)

    @property
    def target_shown(self) -> str:
        return "" if self.target is None else svg.vn_number(self.target)

    @property
    def actual_shown(self) -> str:
        return svg.vn_number(self.actual)

    @property
    def reached_shown(self) -> str:
        return svg.vn_percent(self.reached)

    @property
    def status(self) -> str:
        """met / short / none: how the cell is coloured."""
        if self.reached is None:
            return "none"
        return "met" if self.reached >= 100 else "short"


@dataclass
class GridRow:
    unit: Unit
    own: bool  # the parent's own row: its total, against its own target
    cells: list[GridCell] = field(default_factory=list)


@dataclass
class TargetGrid:
    program: Program
    year: int
    parent: Unit
    group: str
    columns: list[Indicator]
    rows: list[GridRow]

    @property
    def errors(self) -> list[str]:
        return [c.error for r in self.rows for c in r.cells if c.error]


def group_choices(parent: Unit | None = None) -> list[tuple[str, str]]:
    side_tree = {"union": "U", "party": "B"}.get(side_of(parent)) if parent else None
    areas = {s.area for s in target_indicators() if side_tree is None or s.tree in (side_tree, "S")}
    return (
        [(MAIN_GROUP, gettext_lazy("Chỉ tiêu chính"))]
        + [(code, gettext_lazy(title)) for code, title in AREAS.items() if code in areas]
        + [(ALL_GROUP, gettext_lazy("Tất cả chỉ tiêu"))]
    )


def grid_columns(parent: Unit, group: str, with_targets: set[str] = frozenset()) -> list[Indicator]:
    """The indicators a grid shows: those of the parent's side of the tree (or of both), narrowed to
    the group; the main group also keeps any indicator that already has a target in the grid."""
    tree = "B" if side_of(parent) == "party" else "U"
    fitting = [s for s in target_indicators() if s.tree in (tree, "S")]
    if group == ALL_GROUP:
        return fitting
    if group in AREAS:
        return [s for s in fitting if s.area == group]
    main = MAIN_COLUMNS[side_of(parent)]
    return [s for s in target_indicators() if s.code in main or s.code in with_targets]


def year_context(year: int, union_roots: list[Unit], party_roots: list[Unit]) -> Context:
    """A calendar year with the given roots, counting only records that name a unit (as targets do)."""
    return Context(date(year, 1, 1), date(year, 12, 31), union_roots, party_roots, count_unitless=False)


def _as_number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def target_grid(
    *,
    scope: Scope,
    program: Program,
    year: int,
    parent: Unit,
    group: str = MAIN_GROUP,
    posted: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> TargetGrid:
    """The parent's own row and one row per child unit that stood under it during the year (and is in
    the scope), with each target, the actual figure for that unit and year, and the % reached."""
    ctx = year_context(year, [parent], [parent])
    child_codes = ctx.children("S")
    children = sorted(scope.units().filter(code__in=child_codes).exclude(pk=parent.pk), key=unit_sort_key)
    units = [parent, *children]
    existing = scope.filter(Target.objects.filter(year=year, unit__in=units)).values_list(
        "unit_id", "indicator_code", "value"
    )
    targets = {(u, code): _as_number(v) for u, code, v in existing}
    columns = grid_columns(parent, group, {code for _u, code in targets})
    results: dict[str, Result] = {spec.code: spec.compute(ctx) for spec in columns}
    posted, errors = posted or {}, errors or {}
    rows = []
    for unit in units:
        row = GridRow(unit=unit, own=unit.pk == parent.pk)
        for spec in columns:
            result = results[spec.code]
            actual = result.value if row.own else result.by_unit.get(unit.code, 0)
            cell = GridCell(unit, spec, targets.get((unit.pk, spec.code)), actual)
            cell.posted = posted.get(cell.name)
            cell.error = errors.get(cell.name, "")
            row.cells.append(cell)
        rows.append(row)
    return TargetGrid(program, year, parent, group, columns, rows)
