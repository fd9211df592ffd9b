"""The one place that decides what a user may see.

Every page, API endpoint, export and report asks `scope_for(user)` and filters through it.
Records (people and everything about them) use `ScopedQuerySet` as their default manager: a query
on them that was not passed through `Scope.filter` (or explicitly `.unscoped()` by system code such
as the importer, which checks scope row by row) raises instead of leaking — it fails closed.

A user sees the units that stood under their unit on any day (so a district federation keeps seeing
the grassroots unions it held in 2018 after they moved), and the records that name one of those
units through one of the model's `scope_paths`. Rows that name no unit at all on any path (a contest
entry without a unit, say) are visible to users whose unit is a root (province federation, party bloc).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from phoihop.orgs.models import Enterprise, Unit, UnitClosure


class ScopeNotApplied(RuntimeError):
    """A scoped model was queried without a scope."""


@dataclass(frozen=True)
class Scope:
    unit_ids: tuple[int, ...]
    everything: bool = False

    @cached_property
    def holds_root(self) -> bool:
        # A province federation under the national one (tong_ldld) is no root: rows naming no unit
        # belong to no province, so only the top of a tree sees them.
        if self.everything:
            return True
        parented = UnitClosure.objects.filter(descendant=OuterRef("pk"), depth__gt=0)
        return (
            Unit.objects.filter(pk__in=self.unit_ids, kind__in=Unit.ROOT_KINDS)
            .exclude(Exists(parented))
            .exists()
        )

    def visible_unit_ids(self):
        """A subquery of the ids of every unit the scope covers (on any day)."""
        if self.everything:
            return Unit.objects.values("pk")
        return UnitClosure.objects.filter(ancestor__in=self.unit_ids).values("descendant_id")

    def units(self) -> models.QuerySet[Unit]:
        return Unit.objects.all() if self.everything else Unit.objects.filter(pk__in=self.visible_unit_ids())

    def covers_unit(self, unit: Unit | int | None) -> bool:
        if unit is None:
            return self.holds_root
        unit_id = unit if isinstance(unit, int) else unit.pk
        return (
            self.everything
            or UnitClosure.objects.filter(ancestor__in=self.unit_ids, descendant=unit_id).exists()
        )

    def enterprises(self) -> models.QuerySet[Enterprise]:
        """Enterprises a unit or person in scope names; root users also see enterprises nobody names yet
        (the ones where a union is still to be founded)."""
        if self.everything:
            return Enterprise.objects.all()
        ids = self.visible_unit_ids()
        visible = Q(units__in=ids) | Q(people__grassroots_union__in=ids)
        if self.holds_root:
            visible |= Q(units__isnull=True, people__isnull=True)
        return Enterprise.objects.filter(pk__in=Enterprise.objects.filter(visible).values("pk"))

    def filter(self, queryset: models.QuerySet) -> models.QuerySet:
        """Restrict a queryset of a scoped model (one with `scope_paths`) to this scope."""
        model = queryset.model
        paths: tuple[str, ...] = model.scope_paths
        if isinstance(queryset, ScopedQuerySet):
            queryset = queryset._mark_scoped()
        if self.everything:
            return queryset
        ids = self.visible_unit_ids()
        base = model._base_manager
        visible = Q()
        for path in paths:
            visible |= Q(pk__in=base.filter(**{f"{path}__in": ids}).values("pk"))
        if self.holds_root:
            # A subquery, like the paths above: joining multi-valued paths here would repeat rows.
            visible |= Q(pk__in=base.filter(**{f"{path}__isnull": True for path in paths}).values("pk"))
        return queryset.filter(visible)

    def get_or_404(self, queryset: models.QuerySet, **lookup):
        """One object by lookup if the scope covers it; otherwise 404, never revealing that it exists."""
        try:
            return self.filter(queryset).get(**lookup)
        except queryset.model.DoesNotExist as missing:
            raise Http404 from missing

    def get_unit_or_404(self, code: str) -> Unit:
        try:
            return self.units().get(code=code)
        except Unit.DoesNotExist as missing:
            raise Http404 from missing


NO_SCOPE = Scope(unit_ids=())
EVERYTHING = Scope(unit_ids=(), everything=True)


def scope_for(user) -> Scope:
    """The scope of a signed-in user; anonymous and unassigned users see nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    if user.is_superuser:
        return EVERYTHING
    if user.unit_id is None:
        return NO_SCOPE
    return Scope(unit_ids=(user.unit_id,))


def scope_of_unit(unit: Unit) -> Scope:
    """The scope of a unit's subtree, for reports asked with --scope."""
    return Scope(unit_ids=(unit.pk,))


class ScopedQuerySet(models.QuerySet):
    """Fails closed: evaluating it raises unless `Scope.filter` or `.unscoped()` was applied."""

    _scope_applied = False

    def _mark_scoped(self):
        clone = self._chain()
        clone._scope_applied = True
        return clone

    def unscoped(self):
        """For system code that checks scope itself (import, report over a chosen scope, demo)."""
        return self._mark_scoped()

    def _clone(self):
        clone = super()._clone()
        clone._scope_applied = self._scope_applied
        return clone

    def _check(self):
        if not self._scope_applied:
            raise ScopeNotApplied(f"{self.model.__name__} queried without a scope")

    def _fetch_all(self):
        if self._result_cache is None:
            self._check()
        super()._fetch_all()

    def count(self):
        self._check()
        return super().count()

    def exists(self):
        self._check()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._check()
        return super().aggregate(*args, **kwargs)

    def iterator(self, *args, **kwargs):
        self._check()
        return super().iterator(*args, **kwargs)

    def update(self, **kwargs):
        self._check()
        return super().update(**kwargs)

    def delete(self):
        self._check()
        return super().delete()


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    def get_queryset(self):
        queryset = super().get_queryset()
        # A related manager (person.referrals, initiative.authors) hangs off an object that was already
        # fetched through a scope, so its queryset inherits that scope.
        if getattr(self, "instance", None) is not None:
            queryset = queryset._mark_scoped()
        return queryset
