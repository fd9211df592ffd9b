"""Derive the dated closure table of the unit trees.

Parent intervals come from `Unit.parent` (from the unit's founding, or the far past, until its first
transfer) and from each `Transfer` (until the next one). A dissolved unit keeps the parent it had when
dissolved, so intervals are not cut at dissolution. Ancestors are found level by level: the depth-k
ancestors of u are the depth-(k-1) ancestors of u's parent, on the part of time both hold. At province
scale (thousands of units, depth ≤ 5) a whole rebuild takes milliseconds of Python and one bulk insert.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from .models import FAR_FUTURE, FAR_PAST, Transfer, Unit, UnitClosure


@dataclass(frozen=True)
class ParentInterval:
    unit_id: int
    parent_id: int
    valid_from: date
    valid_to: date  # exclusive


class CycleError(ValueError):
    """A unit would be its own ancestor on some day."""

    def __init__(self, unit_ids: set[int], on: date):
        self.unit_ids = unit_ids
        self.on = on
        super().__init__(f"cycle through units {sorted(unit_ids)} on {on.isoformat()}")


def parent_intervals(
    units: Iterable[tuple[int, int | None, date | None]], transfers: Iterable[tuple[int, date, int]]
) -> list[ParentInterval]:
    """units: (id, initial parent id, founded_on); transfers: (unit id, effective_on, new parent id)."""
    moves: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for unit_id, effective_on, new_parent_id in transfers:
        moves[unit_id].append((effective_on, new_parent_id))
    intervals = []
    for unit_id, parent_id, _founded in units:
        steps = sorted(moves.get(unit_id, []))
        starts = [FAR_PAST] + [d for d, _ in steps]
        parents = [parent_id] + [p for _, p in steps]
        ends = [d for d, _ in steps] + [FAR_FUTURE]
        for start, end, parent in zip(starts, ends, parents, strict=True):
            if parent is not None and start < end:
                intervals.append(ParentInterval(unit_id, parent, start, end))
    return intervals


def compute_closure(
    unit_ids: Iterable[int], intervals: list[ParentInterval]
) -> list[tuple[int, int, int, date, date]]:
    """Rows (ancestor, descendant, depth, valid_from, valid_to). Raises CycleError."""
    unit_ids = list(unit_ids)
    by_unit: dict[int, list[ParentInterval]] = defaultdict(list)
    for iv in intervals:
        by_unit[iv.unit_id].append(iv)
    rows = [(u, u, 0, FAR_PAST, FAR_FUTURE) for u in unit_ids]
    # frontier[d] = rows of depth k with descendant d: (ancestor, from, to)
    frontier: dict[int, list[tuple[int, date, date]]] = {iv.unit_id: [] for iv in intervals}
    for iv in intervals:
        frontier[iv.unit_id].append((iv.parent_id, iv.valid_from, iv.valid_to))
    depth = 1
    while any(frontier.values()):
        if depth > len(unit_ids) + 1:
            raise CycleError(set(frontier), FAR_PAST)
        next_frontier: dict[int, list[tuple[int, date, date]]] = defaultdict(list)
        for descendant, ancestors in frontier.items():
            for ancestor, start, end in ancestors:
                if ancestor == descendant:
                    raise CycleError({descendant}, start)
                rows.append((ancestor, descendant, depth, start, end))
                for iv in by_unit.get(ancestor, ()):
                    lo, hi = max(start, iv.valid_from), min(end, iv.valid_to)
                    if lo < hi:
                        next_frontier[descendant].append((iv.parent_id, lo, hi))
        frontier = next_frontier
        depth += 1
    return rows


def find_cycle(
    units: Iterable[tuple[int, int | None, date | None]], transfers: Iterable[tuple[int, date, int]]
) -> CycleError | None:
    """Check a proposed set of units and transfers without writing anything."""
    units = list(units)
    try:
        compute_closure([u for u, _, _ in units], parent_intervals(units, transfers))
    except CycleError as error:
        return error
    return None


@transaction.atomic
def rebuild_closure() -> int:
    """Recompute the whole closure table. Returns the number of rows written."""
    units = list(Unit.objects.values_list("id", "parent_id", "founded_on"))
    transfers = list(Transfer.objects.values_list("unit_id", "effective_on", "new_parent_id"))
    rows = compute_closure([u for u, _, _ in units], parent_intervals(units, transfers))
    UnitClosure.objects.all().delete()
    UnitClosure.objects.bulk_create(
        [
            UnitClosure(ancestor_id=a, descendant_id=d, depth=k, valid_from=f, valid_to=t)
            for a, d, k, f, t in rows
        ],
        batch_size=2000,
    )
    return len(rows)
