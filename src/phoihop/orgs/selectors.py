"""Reads of the dated unit trees. Each question is one indexed query over `UnitClosure`."""

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from phoihop.core.text import fold

from .models import FAR_PAST, KIND_ORDER, Transfer, Unit, UnitClosure


def closure_on(day: date | OuterRef, prefix: str = "") -> Q:
    """Closure rows valid on `day` (a date or an OuterRef to a record's date column)."""
    return Q(**{f"{prefix}valid_from__lte": day, f"{prefix}valid_to__gt": day})


def existing_on(day: date) -> Q:
    return (Q(founded_on__isnull=True) | Q(founded_on__lte=day)) & (
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=day)
    )


def units_under(ancestor: Unit | int, *, on: date, include_self: bool = True) -> QuerySet[Unit]:
    """The units standing under `ancestor` on `on` that exist that day."""
    links = UnitClosure.objects.filter(closure_on(on), ancestor=ancestor, descendant=OuterRef("pk"))
    if not include_self:
        links = links.filter(depth__gt=0)
    return Unit.objects.filter(Exists(links)).filter(existing_on(on))


def children_on(parent: Unit | int, *, on: date) -> QuerySet[Unit]:
    links = UnitClosure.objects.filter(closure_on(on), ancestor=parent, descendant=OuterRef("pk"), depth=1)
    return Unit.objects.filter(Exists(links)).filter(existing_on(on))


def children_of_each_on(parent_ids: set[int], *, on: date) -> dict[int, list[Unit]]:
    """parent id → its children on `on` that exist that day, by code: `children_on` for many parents
    at once, in two queries (a report asks it for every reporting unit of a level)."""
    return children_of_each_on_days(parent_ids, days=[on])[on]


def children_of_each_on_days(parent_ids: set[int], *, days: list[date]) -> dict[date, dict[int, list[Unit]]]:
    """day → `children_of_each_on(parent_ids, on=day)`, for several days in the same two queries (a report
    asks it for the last day of each of its periods): the links valid on some day between the first and
    the last, then each day's by its interval (valid_from <= day < valid_to, as `closure_on`) and its
    units' `Unit.exists_on` (as `existing_on`). A unit is one object on every day."""
    days = sorted(set(days))
    if not parent_ids or not days:
        return {day: {} for day in days}
    links = set(
        UnitClosure.objects.filter(
            ancestor__in=parent_ids, depth=1, valid_from__lte=days[-1], valid_to__gt=days[0]
        ).values_list("ancestor_id", "descendant_id", "valid_from", "valid_to")
    )
    units = Unit.objects.filter(pk__in={child for _, child, _f, _t in links}).order_by("code")
    rank = {unit.pk: (i, unit) for i, unit in enumerate(units)}
    out = {}
    for day in days:
        below: dict[int, list[tuple[int, Unit]]] = {}
        for parent, child, start, end in links:
            if start <= day < end and rank[child][1].exists_on(day):
                below.setdefault(parent, []).append(rank[child])
        out[day] = {
            parent: [unit for _, unit in sorted(kids, key=lambda k: k[0])] for parent, kids in below.items()
        }
    return out


def children_during(parent: Unit | int, *, start: date, end: date) -> QuerySet[Unit]:
    """Units that were a direct child of `parent` on some day of [start, end] and existed in that span
    (founded on or before `end`, not dissolved before `start`)."""
    links = UnitClosure.objects.filter(
        ancestor=parent, descendant=OuterRef("pk"), depth=1, valid_from__lte=end, valid_to__gt=start
    )
    return Unit.objects.filter(Exists(links)).exclude(founded_on__gt=end).exclude(dissolved_on__lt=start)


def child_holding(ancestor: Unit | int, unit: Unit | int, *, on: date) -> Unit | None:
    """The child of `ancestor` that held `unit` on `on` (the unit itself when it is that child)."""
    return Unit.objects.filter(
        Exists(
            UnitClosure.objects.filter(closure_on(on), ancestor=ancestor, descendant=OuterRef("pk"), depth=1)
        ),
        Exists(UnitClosure.objects.filter(closure_on(on), ancestor=OuterRef("pk"), descendant=unit)),
    ).first()


def parent_on(unit: Unit | int, *, on: date) -> Unit | None:
    link = (
        UnitClosure.objects.filter(closure_on(on), descendant=unit, depth=1)
        .select_related("ancestor")
        .first()
    )
    return link.ancestor if link else None


def ever_under_ids(ancestor_ids) -> QuerySet:
    """Ids of units that stood under any of `ancestor_ids` on some day (themselves included)."""
    return UnitClosure.objects.filter(ancestor__in=ancestor_ids).values("descendant_id")


def parent_history(unit: Unit) -> list[dict]:
    """The unit's parents over time, oldest first: [{parent, from, to, decision_no}]."""
    history = []
    start, parent, decision = unit.founded_on or FAR_PAST, unit.parent, ""
    for move in Transfer.objects.filter(unit=unit).select_related("new_parent").order_by("effective_on"):
        history.append({"parent": parent, "from": start, "to": move.effective_on, "decision_no": decision})
        start, parent, decision = move.effective_on, move.new_parent, move.decision_no
    history.append({"parent": parent, "from": start, "to": unit.dissolved_on, "decision_no": decision})
    return [h for h in history if h["parent"] is not None or h is history[-1]]


def search_units(query: str, *, within: QuerySet[Unit]) -> QuerySet[Unit]:
    return within.filter(search_name__contains=fold(query))


# ---- the tree page ---------------------------------------------------------------------------------


def roots_on(*, within: QuerySet[Unit], on: date) -> QuerySet[Unit]:
    """Units of `within` existing on `on` that have no parent that day (the tops of both trees)."""
    parented = UnitClosure.objects.filter(closure_on(on), descendant=OuterRef("pk"), depth=1)
    return within.filter(existing_on(on)).exclude(Exists(parented))


def subtree_on(root: Unit, *, on: date) -> dict | None:
    """The tree under `root` as it stood on `on`, as nested nodes {unit, children, size} (size counts
    every unit below). None when the root did not exist that day. Two queries whatever the size."""
    units = {u.pk: u for u in units_under(root, on=on).select_related("enterprise")}
    if root.pk not in units:
        return None
    edges = UnitClosure.objects.filter(
        closure_on(on), depth=1, ancestor__in=list(units), descendant__in=list(units)
    ).values_list("ancestor_id", "descendant_id")
    below: dict[int, list[Unit]] = {pk: [] for pk in units}
    for parent_id, child_id in edges:
        below[parent_id].append(units[child_id])

    def node(unit: Unit) -> dict:
        kids = [node(c) for c in sorted(below[unit.pk], key=lambda u: (KIND_ORDER[u.kind], u.search_name))]
        return {"unit": unit, "children": kids, "size": sum(1 + k["size"] for k in kids)}

    return node(units[root.pk])
