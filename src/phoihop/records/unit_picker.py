"""The unit picker of the records filters: the scope's units as a tree, each district before its unions
and indented under it, one <optgroup> per tree (union, party), names made unambiguous.

A plain <select> (so it works without JavaScript and with a screen reader); `static/js/unit-picker.js`
adds a search box that narrows the options as one types, and the search is also a query parameter
(`tim_don_vi`) for browsers without JavaScript. A unit that moved stands under the parent it had on its
last day (today, or the day before it was dissolved): the tree of the unit page, not a flat list.

Large scopes (a national user: 150,000 units) get the levels above the grassroots only, and the
grassroots units through the search."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

from phoihop.accounts.scope import Scope
from phoihop.orgs.models import KIND_ORDER, Unit, UnitClosure
from phoihop.orgs.selectors import search_units

MAX_OPTIONS = 600  # above this, grassroots units are reached through the search only
MAX_FOUND = 200


@dataclass
class Option:
    code: str
    label: str  # indented and disambiguated
    depth: int
    search: str  # folded name and code, for the script's filter
    dissolved: bool = False


@dataclass
class Group:
    label: str
    options: list[Option]


def _reference_day(unit: Unit, today: date) -> date:
    if unit.dissolved_on and unit.dissolved_on < today:
        return unit.dissolved_on
    return today


def _parents(
    units: dict[int, Unit], today: date, *, known: dict[int, Unit] | None = None
) -> dict[int, int | None]:
    """Each unit's parent id on its reference day (its last day, or today); None for a top.

    A union whose district was dissolved (Lào Cai's districts, 30/06/2025) now stands directly under the
    province; it is shown under the last district (or sector) it stood under, which is where a clerk
    looks for it and what the filter finds it by (records under a unit on any day)."""
    known = units if known is None else known
    links = defaultdict(list)
    rows = UnitClosure.objects.filter(depth=1, descendant__in=list(units)).values_list(
        "descendant_id", "ancestor_id", "valid_from", "valid_to"
    )
    for child, parent, start, end in rows:
        links[child].append((start, end, parent))
    found: dict[int, int | None] = {}
    for pk, unit in units.items():
        day = _reference_day(unit, today)
        spans = [span for span in sorted(links.get(pk, ())) if span[0] <= day] or sorted(links.get(pk, ()))
        middle = [p for _s, _e, p in spans if p in known and known[p].kind not in Unit.ROOT_KINDS]
        covering = [p for start, end, p in spans if start <= day < end]
        found[pk] = (middle or covering or [p for _s, _e, p in spans] or [None])[-1]
    return found


def build(scope: Scope, *, search: str = "") -> list[Group]:
    """The picker's groups of options for this scope (searched when `search` is given)."""
    today = timezone.localdate()
    units_qs = scope.units().only("pk", "code", "name", "kind", "dissolved_on", "search_name")
    if search.strip():
        found = list(
            (
                search_units(search, within=units_qs) | units_qs.filter(code__icontains=search.strip())
            ).order_by("search_name")[:MAX_FOUND]
        )
        return _flat(found, today)
    # Counted only up to the limit: a national root's 114,000 units took 0.3 s to count in full.
    if units_qs.order_by()[: MAX_OPTIONS + 1].count() > MAX_OPTIONS:
        units_qs = units_qs.exclude(kind__in=Unit.GRASSROOTS_KINDS)
    units = {u.pk: u for u in units_qs}
    # A parent outside the scope (a district user's province) makes the unit a top of the picker.
    parents = {pk: p if p in units else None for pk, p in _parents(units, today).items()}
    below: dict[int | None, list[Unit]] = defaultdict(list)
    for pk, unit in units.items():
        below[parents[pk]].append(unit)
    order = lambda u: (KIND_ORDER.get(u.kind, 99), u.search_name)  # noqa: E731

    rows: list[tuple[Unit, int]] = []

    def walk(unit: Unit, depth: int) -> None:
        rows.append((unit, depth))
        for child in sorted(below[unit.pk], key=order):
            walk(child, depth + 1)

    for top in sorted(below[None], key=order):
        walk(top, 0)
    labels = _unambiguous([u for u, _depth in rows], {pk: units.get(p) for pk, p in parents.items()})
    groups = {"union": Group(_("Hệ thống công đoàn"), []), "party": Group(_("Hệ thống đảng"), [])}
    for unit, depth in rows:
        groups[unit.tree].options.append(_option(unit, labels[unit.pk], depth, today))
    return [g for g in groups.values() if g.options]


def _flat(found: list[Unit], today: date) -> list[Group]:
    parents = _parents({u.pk: u for u in found}, today)
    outer = Unit.objects.filter(pk__in=[p for p in parents.values() if p]).only("pk", "name")
    by_pk = {u.pk: u for u in outer}
    labels = _unambiguous(found, {pk: by_pk.get(p) for pk, p in parents.items()}, always_parent=True)
    options = [_option(u, labels[u.pk], 0, today) for u in found]
    return [Group(_("Kết quả tìm đơn vị"), options)] if options else []


def _unambiguous(units: list[Unit], parent_of: dict, *, always_parent: bool = False) -> dict[int, str]:
    """Names, with the parent's name added where two units share a name (or always, for search results
    that lose the tree's indentation), and the code where even that is not enough."""
    names = Counter(u.name for u in units)
    today = timezone.localdate()
    labels = {}
    for u in units:
        parent = parent_of.get(u.pk)
        label = u.name
        if u.dissolved_on and u.dissolved_on < today:
            label = _("%(name)s (giải thể %(day)s)") % {
                "name": label,
                "day": u.dissolved_on.strftime("%d/%m/%Y"),
            }
        if (names[u.name] > 1 or always_parent) and parent is not None:
            label = f"{label} — {parent.name}"
        labels[u.pk] = label
    repeated = Counter(labels.values())
    return {u.pk: f"{labels[u.pk]} ({u.code})" if repeated[labels[u.pk]] > 1 else labels[u.pk] for u in units}


def _option(unit: Unit, label: str, depth: int, today: date) -> Option:
    dissolved = bool(unit.dissolved_on and unit.dissolved_on < today)  # its label says so (_unambiguous)
    # Indentation that survives in a <select>: non-breaking spaces (an <option> holds text only).
    return Option(
        code=unit.code,
        label="\u00a0\u00a0\u00a0" * depth + label,
        depth=depth,
        search=f"{unit.search_name} {unit.code.lower()}",
        dissolved=dissolved,
    )


class PickerSelect(forms.Select):
    """The picker as a form widget (the report's scope): the <optgroup>s of `build`, each option with its
    search text for static/js/unit-picker.js, and `extra` options first (a unit picked through the
    search, which the large scope's groups leave out)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.search: dict[str, str] = {}

    def set_groups(self, groups: list[Group], blank: str, extra=()) -> None:
        self.search = {o.code: o.search for g in groups for o in g.options}
        self.choices = [
            ("", blank),
            *extra,
            *[(g.label, [(o.code, o.label) for o in g.options]) for g in groups],
        ]

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.search:
            option["attrs"]["data-search"] = self.search[value]
        return option
