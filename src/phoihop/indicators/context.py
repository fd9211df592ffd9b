"""The frame an indicator is computed in: period, union root(s), party root(s), and where every unit
stood under them on any date.

The dated tree has one implementation, the closure table `UnitClosure` read by `orgs.selectors`
(`closure_on`, `child_holding`, `children_during`). `Placement` is a derivation of the same closure
rows for the indicators that place records group by group in Python: one query per root instead of
one per group. For a unit U and a day D, `Placement.child(U, D)` is the code of
`orgs.selectors.child_holding(root, U, on=D)` (the root's own code for the root; None when U did not
stand under the root that day); `demo/tests/test_demo_tree.py` checks that on every demo unit over
its founding, transfer and dissolution days."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import connection

from phoihop.orgs.models import Unit, UnitClosure
from phoihop.orgs.selectors import children_during
from phoihop.records import timeline


@dataclass
class Placement:
    """For one root: unit id → sorted intervals [(from, to_exclusive, child code)]."""

    root: Unit
    intervals: dict[int, list[tuple[date, date, str]]] = field(default_factory=dict)

    def child(self, unit_id: int | None, day: date) -> str | None:
        """The code of the root's child that held the unit on `day` (the root's own code for the root),
        or None when the unit was not under the root that day."""
        for start, end, child in self.intervals.get(unit_id, ()):
            if start <= day < end:
                return child
        return None


def build_placement(root: Unit) -> Placement:
    """One query: each closure row below a child of the root (the child's own row included), its
    interval cut to the stretch the child stood under the root, with the child's code."""
    closure, units = UnitClosure._meta.db_table, Unit._meta.db_table
    # ISO dates on SQLite compare as text; its two-argument max/min are PostgreSQL's GREATEST/LEAST.
    greatest, least = ("GREATEST", "LEAST") if connection.vendor == "postgresql" else ("MAX", "MIN")
    lo, hi = f"{greatest}(b.valid_from, c.valid_from)", f"{least}(b.valid_to, c.valid_to)"
    # Only table and function names are formatted in; the root's id is a parameter.
    sql = (
        f"SELECT b.descendant_id, {lo}, {hi}, u.code FROM {closure} c"  # noqa: S608
        f" JOIN {closure} b ON b.ancestor_id = c.descendant_id JOIN {units} u ON u.id = c.descendant_id"
        f" WHERE c.ancestor_id = %s AND c.depth = 1 AND {lo} < {hi}"
    )
    intervals: dict[int, list] = defaultdict(list)
    intervals[root.pk].append((date.min, date.max, root.code))
    with connection.cursor() as cursor:
        cursor.execute(sql, [root.pk])
        rows = cursor.fetchall()
    if rows and isinstance(rows[0][1], str):  # SQLite hands the dates back as text
        day = date.fromisoformat
        rows = [(unit, day(start), day(end), code) for unit, start, end, code in rows]
    for unit, start, end, code in rows:
        intervals[unit].append((start, end, code))
    return Placement(root, {u: sorted(v) for u, v in intervals.items()})


@dataclass
class Context:
    date_from: date
    date_to: date
    union_roots: list[Unit]
    party_roots: list[Unit]
    # Contest entries and awards that name no unit count for a program's own roots, not for a sub-scope.
    count_unitless: bool = True
    # Targets: figures placed under every root (each a target unit) rather than under the roots' children.
    by_root: bool = False

    def __post_init__(self):
        self._placements: dict[int, Placement] = {}
        self._children: dict[str, list[str]] = {}

    @property
    def years(self) -> list[int]:
        return list(range(self.date_from.year, self.date_to.year + 1))

    def roots(self, tree: str) -> list[Unit]:
        if tree == "U":
            return self.union_roots
        if tree == "B":
            return self.party_roots
        seen, out = set(), []
        for root in self.union_roots + self.party_roots:
            if root.pk not in seen:
                seen.add(root.pk)
                out.append(root)
        return out

    def placement(self, root: Unit) -> Placement:
        if root.pk not in self._placements:
            self._placements[root.pk] = build_placement(root)
        return self._placements[root.pk]

    def child(self, tree: str, unit_id: int | None, day: date) -> str | None:
        for root in self.roots(tree):
            found = self.placement(root).child(unit_id, day)
            if found is not None:
                return found
        return None

    def unit_ids(self, tree: str) -> set[int]:
        """Ids of every unit that stood under the tree's roots on some day (the roots included): the
        closure's rows below them, read in one query (building the placement for this took 0.7 s at
        national scale)."""
        roots = [root.pk for root in self.roots(tree)]
        return set(UnitClosure.objects.filter(ancestor_id__in=roots).values_list("descendant_id", flat=True))

    def children(self, tree: str) -> list[str]:
        """The child codes a by_unit breakdown lists: children of the roots at some time in the period,
        existing then. Asked by every indicator of a report, so looked up once per tree."""
        if tree not in self._children:
            self._children[tree] = self._find_children(tree)
        return list(self._children[tree])

    def _find_children(self, tree: str) -> list[str]:
        codes: list[str] = []
        for root in self.roots(tree):
            codes += self._children_of(root)
        return codes

    def _children_of(self, root: Unit) -> list[str]:
        """One root's children during the period, sorted by code; looked up once per root (tree S asks
        again for the roots of U and B)."""
        cache = self.__dict__.setdefault("_root_children", {})
        if root.pk not in cache:
            units = children_during(root, start=self.date_from, end=self.date_to)
            cache[root.pk] = sorted(units.values_list("code", flat=True))
        return cache[root.pk]


def year_end(year: int) -> date:
    return date(year, 12, 31)


# ---- where a person stood on the date that matters (indicators.md, workbook.md `qua_trinh`) -------
# Every indicator reads a person's union and workplace through these, never `nguoi` directly: `at_date`
# LEFT JOINs the timeline row governing the record's date (records.TimelineEntry's intervals), and each
# value falls back to the person's columns when they have no rows.


def at_date(queryset, person_path: str, day_path: str):
    """The queryset ready for union_on / workplace_on / ownership_on with the same paths."""
    return timeline.at_date(queryset, person_path, day_path)


def union_on(person_path: str, day_path: str):
    """The person's grassroots union id on the date at `day_path` ("" = the queryset is Person)."""
    return timeline.value_on(person_path, day_path, "grassroots_union_id")


def workplace_on(person_path: str, day_path: str):
    """The person's enterprise id on that date (None: no workplace)."""
    return timeline.value_on(person_path, day_path, "enterprise_id")


def ownership_on(person_path: str, day_path: str):
    """The `loai_hinh` of the person's enterprise on that date (None: no workplace)."""
    return timeline.value_on(person_path, day_path, "enterprise__ownership")
