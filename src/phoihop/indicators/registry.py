"""The indicator catalogue (indicators.md), declared once. Adding an indicator is adding one
`Indicator(...)` to `definitions.py`; the report, the dashboard, targets and the workbook's `chi_tieu`
validation all read `REGISTRY`."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext, gettext_noop

from .context import Context

# Titles of the catalogue's areas: Vietnamese msgids (the JSON report carries them as they are); pages
# show them through gettext.
AREAS = {
    "organisation": gettext_noop("Xây dựng tổ chức công đoàn"),
    "party": gettext_noop("Phát triển đảng viên, tổ chức đảng"),
    "emulation": gettext_noop("Thi đua, sáng kiến"),
    "awards": gettext_noop("Khen thưởng"),
    "culture": gettext_noop("Văn hóa doanh nghiệp"),
    "democracy": gettext_noop("Quy chế dân chủ ở cơ sở"),
    "welfare": gettext_noop("An sinh xã hội, từ thiện"),
}


@dataclass
class Result:
    value: int | float | None
    by_year: dict[str, int | float | None] = field(default_factory=dict)
    by_unit: dict[str, int | float | None] = field(default_factory=dict)
    breakdowns: dict[str, dict[str, int]] = field(
        default_factory=dict
    )  # by_gender, by_ethnicity, by_ownership
    # (child or root code, year) → figure, when the groups were placed in the database (targets read it);
    # None for indicators computed group by group in Python. Not part of the JSON report.
    by_unit_year: dict[tuple[str, str], int] | None = None


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str  # Vietnamese, as in indicators.md: the JSON report's label and the gettext msgid
    unit: str  # "count" | "vnd" | "pct"
    area: str
    compute: Callable[[Context], Result]
    tree: str = "S"  # which side's children its by_unit lists: U, B or S

    @property
    def display_label(self) -> str:
        """The label in the active language (the English is in the catalogue; the JSON report always
        carries the Vietnamese one)."""
        return gettext(self.label)


REGISTRY: dict[str, Indicator] = {}


def indicator(code: str, label: str, *, unit: str = "count", area: str, tree: str = "S"):
    """Decorator registering a computation under its catalogue code."""

    def register(compute: Callable[[Context], Result]) -> Callable[[Context], Result]:
        REGISTRY[code] = Indicator(code, label, unit, area, compute, tree)
        return compute

    return register


class NotPlacedInDatabase(Exception):
    """Asked of an indicator computed group by group in Python, in a by-root (targets) context."""


class Tally:
    """Adds aggregated groups (unit, date, amount) to a total, by year and by child unit, keeping only
    groups whose unit stood under the tree's roots on the group's date. With `distinct`, counts keys."""

    def __init__(self, ctx: Context, tree: str, *, distinct: bool = False, dims: tuple[str, ...] = ()):
        self.ctx, self.tree, self.distinct = ctx, tree, distinct
        self.children = [] if ctx.by_root else ctx.children(tree)
        make = set if distinct else int
        self.placed = False  # set by the database placement (indicators.definitions._placed)
        self.by_unit_year: dict[tuple[str, str], int] = {}
        self.total = make()
        self.by_year = {str(y): make() for y in ctx.years}
        self.by_unit = {c: make() for c in self.children}
        self.dims = {d: defaultdict(make) for d in dims}

    def add(
        self,
        unit_id: int | None,
        day: date,
        amount: int = 1,
        *,
        key=None,
        dims: dict | None = None,
        unitless_ok: bool = False,
        placed_on: date | None = None,
    ) -> bool:
        """Count `amount` (or `key`, when distinct) dated `day`, if the unit stood under the roots on
        `placed_on` (default: `day`). Unit-less groups count only with `unitless_ok`."""
        if self.ctx.by_root:
            raise NotPlacedInDatabase
        where = placed_on or day
        child = self.ctx.child(self.tree, unit_id, where) if unit_id is not None else None
        if child is None and not (unitless_ok and unit_id is None):
            return False
        year = str(day.year)
        if self.distinct:
            self.total.add(key)
            self.by_year.setdefault(year, set()).add(key)
            if child:
                self.by_unit.setdefault(child, set()).add(key)
            for d, v in (dims or {}).items():
                self.dims[d][v or "?"].add(key)
        else:
            self.total += amount
            self.by_year[year] = self.by_year.get(year, 0) + amount
            if child:
                self.by_unit[child] = self.by_unit.get(child, 0) + amount
            for d, v in (dims or {}).items():
                self.dims[d][v or "?"] += amount
        return True

    def add_placed(self, child: str | None, year: int, amount: int, *, dims: dict | None = None) -> None:
        """Add a group already placed in the database (indicators.placement_sql): `child` is the code
        of the child (or root) that held its unit, None for a unit-less group."""
        key = str(year)
        self.total += amount
        self.by_year[key] = self.by_year.get(key, 0) + amount
        if child:
            self.by_unit[child] = self.by_unit.get(child, 0) + amount
            self.by_unit_year[(child, key)] = self.by_unit_year.get((child, key), 0) + amount
        for d, v in (dims or {}).items():
            self.dims[d][v or "?"] += amount

    def result(self) -> Result:
        size = len if self.distinct else (lambda v: v)
        return Result(
            value=size(self.total),
            by_year={y: size(v) for y, v in sorted(self.by_year.items())},
            by_unit={u: size(v) for u, v in self.by_unit.items()},
            breakdowns={
                f"by_{d}": {k: size(v) for k, v in sorted(vals.items())} for d, vals in self.dims.items()
            },
            by_unit_year=dict(self.by_unit_year) if self.placed else None,
        )


def pct(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)
