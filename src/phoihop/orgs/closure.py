"""Derive the dated closure table of the unit trees.

Parent intervals come from `Unit.parent` (from the unit's founding, or the far past, until its first
transfer) and from each `Transfer` (until the next one). A dissolved unit keeps the parent it had when
dissolved, so intervals are not cut at dissolution. Ancestors are found level by level: the depth-k
ancestors of u are the depth-(k-1) ancestors of u's parent, on the part of time both hold.

A change to the tree rewrites only what it can change (`refresh_closure`): moving unit U changes the
ancestors of U's subtree — every unit that stood under U on some day — and nothing else, since no other
unit's chain of parents passes through U. Their rows are recomputed from the parent intervals of the
subtree and of the units above it (whose own rows stay as they are), and rewritten with plain SQL (COPY
on PostgreSQL, one prepared INSERT otherwise), never through model instances. Every change to the
trees takes the tree lock first (`lock_tree`), so two transfers committed at once cannot both rewrite
the same rows from a stale picture.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction

from .models import FAR_FUTURE, FAR_PAST, Transfer, Unit, UnitClosure

# pg_advisory_xact_lock key of the unit trees ("phoihop" + "orgs" in ASCII, any fixed number would do).
TREE_LOCK = 0x70686F696F726773
# A subtree larger than this is rewritten by a whole rebuild: one pass over the table is then cheaper.
LARGEST_REFRESH = 50_000
CHUNK = 5_000
COLUMNS = ("ancestor_id", "descendant_id", "depth", "valid_from", "valid_to")


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


def lock_tree() -> None:
    """Serialise every change to the unit trees until the end of the current transaction.

    PostgreSQL: a transaction-level advisory lock (read-committed statements after it see what the
    previous holder committed). SQLite: transactions begin IMMEDIATE (settings.py), so the database's
    one write lock is already held by the time any check or write runs."""
    if not connection.in_atomic_block:
        raise RuntimeError("lock_tree() needs a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TREE_LOCK])


def _chunks(ids: list[int]):
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _intervals_of(unit_ids: set[int]) -> tuple[list, list]:
    units, transfers = [], []
    for chunk in _chunks(sorted(unit_ids)):
        units += Unit.objects.filter(pk__in=chunk).values_list("id", "parent_id", "founded_on")
        transfers += Transfer.objects.filter(unit_id__in=chunk).values_list(
            "unit_id", "effective_on", "new_parent_id"
        )
    return units, transfers


def _write(rows: list[tuple], *, delete_descendants: list[int] | None) -> None:
    """Replace the rows of `delete_descendants` (None: every row) by `rows`, without model instances."""
    table = connection.ops.quote_name(UnitClosure._meta.db_table)
    with connection.cursor() as cursor:
        if delete_descendants is None:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - table name from the model
        else:
            for chunk in _chunks(delete_descendants):
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {table} WHERE descendant_id IN ({marks})", chunk)  # noqa: S608
        if not rows:
            return
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(COLUMNS))
            sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, rows)


def refresh_closure(moved: Iterable[int]) -> int:
    """After the parents of `moved` changed (a transfer, a merger, a new unit): rewrite the closure rows
    of their subtrees and nothing else. Raises CycleError. Returns the number of rows written."""
    lock_tree()
    moved = set(moved)
    if not moved:
        return 0
    subtree = set(moved)
    for chunk in _chunks(sorted(moved)):
        subtree.update(
            UnitClosure.objects.filter(ancestor_id__in=chunk).values_list("descendant_id", flat=True)
        )
    if len(subtree) > LARGEST_REFRESH:
        return rebuild_closure()
    units, transfers = _intervals_of(subtree)
    outside = {p for _, p, _ in units if p is not None} | {p for _, _, p in transfers}
    outside -= subtree
    # Units above the subtree: their own rows do not change; their parent intervals carry the chains up.
    above = set(outside)
    for chunk in _chunks(sorted(outside)):
        above.update(
            UnitClosure.objects.filter(descendant_id__in=chunk).values_list("ancestor_id", flat=True)
        )
    above -= subtree
    more_units, more_transfers = _intervals_of(above)
    units += more_units
    transfers += more_transfers
    computed = compute_closure([u for u, _, _ in units], parent_intervals(units, transfers))
    rows = [row for row in computed if row[1] in subtree]
    _write(rows, delete_descendants=sorted(subtree))
    return len(rows)


def would_cycle(unit_id: int, parent_id: int, start: date, end: date = FAR_FUTURE) -> bool:
    """Would standing under `parent_id` on [start, end) make the unit its own ancestor? True when the
    parent stands under the unit (or is it) on some day of that span."""
    if unit_id == parent_id:
        return True
    return UnitClosure.objects.filter(
        ancestor_id=unit_id, descendant_id=parent_id, valid_from__lt=end, valid_to__gt=start
    ).exists()


@transaction.atomic
def rebuild_closure() -> int:
    """Recompute the whole closure table (tests, repair, or a change touching most units). Returns the
    number of rows written."""
    lock_tree()
    units = list(Unit.objects.values_list("id", "parent_id", "founded_on"))
    transfers = list(Transfer.objects.values_list("unit_id", "effective_on", "new_parent_id"))
    rows = compute_closure([u for u, _, _ in units], parent_intervals(units, transfers))
    _write(rows, delete_descendants=None)
    return len(rows)
