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
from django.db.models import BooleanField, Exists, Expression, F, OuterRef, Q, Subquery
from django.http import Http404

from phoihop.orgs.models import Enterprise, Transfer, Unit, UnitClosure

BOTH_TREES = frozenset({"union", "party"})


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

    @cached_property
    def trees(self) -> frozenset[str]:
        """The trees ("union", "party") of the units the scope starts from; both for everything."""
        if self.everything:
            return BOTH_TREES
        kinds = Unit.objects.filter(pk__in=self.unit_ids).values_list("kind", flat=True).distinct()
        return frozenset(Unit.tree_of(kind) for kind in kinds)

    def visible_unit_ids(self):
        """A subquery of the ids of every unit the scope covers (on any day)."""
        if self.everything:
            return Unit.objects.values("pk")
        return UnitClosure.objects.filter(ancestor__in=self.unit_ids).values("descendant_id")

    def covers(self, outer: str) -> Exists:
        """A semi-join through the closure: the unit in column `outer` of the outer query stood under a
        unit of the scope on some day. One index probe per row (`closure_down`), so a paged list stops
        after its page instead of hashing the whole scope first."""
        return Exists(
            UnitClosure.objects.filter(ancestor_id__in=self.unit_ids, descendant_id=OuterRef(outer))
        )

    def units(self) -> models.QuerySet[Unit]:
        return Unit.objects.all() if self.everything else Unit.objects.filter(self.covers("pk"))

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
        person_model = Enterprise._meta.get_field("people").related_model
        people = person_model._base_manager.filter(enterprise=OuterRef("pk"))
        units = Unit.objects.filter(enterprise=OuterRef("pk"))
        visible = Q(Exists(units.filter(self.covers("pk")))) | Q(
            Exists(people.filter(self.covers("grassroots_union")))
        )
        if self.holds_root:
            visible |= ~Q(Exists(units)) & ~Q(Exists(people))
        return Enterprise.objects.filter(visible)

    def filter(self, queryset: models.QuerySet, *, paths: tuple[str, ...] | None = None) -> models.QuerySet:
        """Restrict a queryset of a scoped model (one with `scope_paths`) to this scope. `paths`: a
        narrower set of the model's paths (the export leaves out people known only as former members)."""
        model = queryset.model
        paths = model.scope_paths if paths is None else paths
        if isinstance(queryset, ScopedQuerySet):
            queryset = queryset._mark_scoped()
        if self.everything:
            return queryset
        # One semi-join through the closure per path: a column of the row itself (or of a row it points
        # to) is probed directly; a path through a multi-valued relation (a person's referrals) probes
        # inside an EXISTS over that relation, so rows are never repeated and no id list is built.
        base = model._base_manager
        if self.holds_root and len(paths) > 1:
            # A root's scope holds nearly every row. The row's own unit columns are probed as before
            # (PostgreSQL may hash the closure for them); every other path goes into ONE semi-join over
            # the UNION ALL of the units the row names, evaluated per row only when its own columns did
            # not answer, and stopping at the first unit found. Five ORed EXISTS made PostgreSQL hash the
            # closure, the admissions and the referrals before reading the first row (issue 13).
            direct = [p for p in paths if "__" not in p and _single_valued(model, p)]
            others = [p for p in paths if p not in direct]
            visible = Q()
            for path in direct:
                visible |= Q(self.covers(path))
            if others:
                visible |= Q(_Covered(_NamedUnits(model, others), self.unit_ids))
            return queryset.filter(visible | Q(_Covered(_NamedUnits(model, paths), None)))
        visible = Q()
        for path in paths:
            visible |= Q(self._covers_path(model, path))
        if self.holds_root:
            unitless = Q()
            for path in paths:
                unitless &= (
                    Q(**{f"{path}__isnull": True})
                    if _single_valued(model, path)
                    else ~Q(Exists(base.filter(pk=OuterRef("pk"), **{f"{path}__isnull": False})))
                )
            visible |= unitless
        return queryset.filter(visible)

    def _covers_path(self, model, path: str) -> Exists:
        if _single_valued(model, path):
            return self.covers(path)
        first, _, rest = path.partition("__")
        relation = model._meta.get_field(first)
        if relation.one_to_many and rest and _single_valued(relation.related_model, rest):
            # person → referrals → referring_unit: EXISTS over the referrals of this row.
            related = relation.related_model._base_manager.filter(**{relation.field.name: OuterRef("pk")})
            return Exists(related.filter(self.covers(rest)))
        return Exists(model._base_manager.filter(pk=OuterRef("pk")).filter(self.covers(path)))

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


class _NamedUnits:
    """The units a row names through `paths`, as one `UNION ALL` of correlated selects: a column of
    the row itself is selected directly, any other path from the row's own table by its pk."""

    def __init__(self, model, paths):
        self.model = model
        self.paths = tuple(paths)

    def branches(self) -> list:
        found = []
        for path in self.paths:
            if "__" not in path and _single_valued(self.model, path):
                found.append(F(path))
            else:
                related = self.model._base_manager.filter(pk=OuterRef("pk"), **{f"{path}__isnull": False})
                found.append(Subquery(related.order_by().values(scope_u=F(path))))
        return found


class _Covered(Expression):
    """`EXISTS (SELECT 1 FROM (<the row's units>) u WHERE <u stood under a scope unit>)`, or with
    `unit_ids` None, `NOT EXISTS (<a unit the row names>)` (a row naming no unit)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, units: _NamedUnits, unit_ids, branches=None):
        super().__init__()
        self.units = units
        self.unit_ids = unit_ids
        self.branches = list(branches) if branches is not None else units.branches()

    def get_source_expressions(self):
        return self.branches

    def set_source_expressions(self, exprs):
        self.branches = list(exprs)

    def as_sql(self, compiler, connection):
        quote = connection.ops.quote_name
        parts, params = [], []
        for index, branch in enumerate(self.branches):
            sql, branch_params = compiler.compile(branch)
            if isinstance(branch, Subquery):
                alias = quote(f"scope_b{index}")
                parts.append(f"SELECT {alias}.{quote('scope_u')} AS {quote('u')} FROM {sql} {alias}")  # noqa: S608
            else:
                parts.append(f"SELECT {sql} AS {quote('u')}")
            params.extend(branch_params)
        named = quote("scope_units")
        # Only quoted names and compiled SQL are spliced in; every value travels as a parameter.
        union = f"SELECT 1 FROM ({' UNION ALL '.join(parts)}) {named}"  # noqa: S608
        unit = f"{named}.{quote('u')}"
        if self.unit_ids is None:
            return f"NOT EXISTS ({union} WHERE {unit} IS NOT NULL)", params
        if not self.unit_ids:
            return "1 = 0", params
        closure = UnitClosure._meta
        table = quote(closure.db_table)
        ancestor = quote(closure.get_field("ancestor").column)
        descendant = quote(closure.get_field("descendant").column)
        marks = ", ".join(["%s"] * len(self.unit_ids))
        sql = (
            f"EXISTS ({union} WHERE EXISTS (SELECT 1 FROM {table} {quote('scope_c')} "  # noqa: S608
            f"WHERE {quote('scope_c')}.{ancestor} IN ({marks}) AND {quote('scope_c')}.{descendant} = {unit}))"
        )
        return sql, params + list(self.unit_ids)


def _single_valued(model, path: str) -> bool:
    """Does `path` lead from a row to at most one unit (forward foreign keys and one-to-ones only)?"""
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if not (field.many_to_one or field.one_to_one):
            return False
        model = field.related_model
    return True


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


# ---- the write gate --------------------------------------------------------------------------------
#
# One answer to "may this user write this record as it is now (`before`) and as it would be (`after`)?"
# for every way in: the record forms, the unit pages, the targets grid, the API and each import row.
# A state is a model instance, a dict of attnames ({"grassroots_union_id": 7, …}) or None (before a
# creation / after a deletion). Other apps add their own rules (a locked period, a dissolved unit)
# through `register_write_rule`, so this module never imports them.

# The role permission (User.PERMISSIONS) each kind of object needs; every other record needs "write".
WRITE_PERMISSION = {
    "orgs.Unit": "manage_units",
    "orgs.Transfer": "manage_units",
    "records.Target": "set_targets",
}
# The units that make a record *the writer's*: at least one must be in scope, before and after. They are
# the record's own unit fields, narrower than `scope_paths` (which also say who may merely *see* it): a
# person belongs to their grassroots union, not to the party unit that admitted them; a referral to the
# union that made it, not to the party unit receiving it. A model may also declare `write_paths`.
WRITE_PATHS = {
    "records.Person": ("grassroots_union",),
    "records.Referral": ("referring_unit",),
}


@dataclass(frozen=True)
class Refusal:
    """Why a write is refused. `field` is the model field concerned (None: the record as a whole).

    reason: "role" (the role may not do this at all), "not_found" (a referenced object the user may not
    see — worded exactly like one that does not exist), "not_yours" (the record as it is now belongs to
    no unit of the user's scope), "no_unit" (as it would be, it names no unit of the scope), "hidden"
    (the record exists but the user may not see it), or "rule" (a registered rule refused it)."""

    reason: str
    message: str
    field: str | None = None
    value: object = None


_WRITE_RULES: list = []


def register_write_rule(rule) -> None:
    """Add a rule every write passes through (call it from your AppConfig.ready()):

        rule(*, user, model, before, after, gate) -> Refusal | str | None

    `before`/`after` are model instances (unsaved ones built from the importer's rows; None before a
    creation or after a deletion); `user` is None for system imports; a str is the Vietnamese reason.
    A rule may accept **kwargs and ignore what it does not need. Registering a function twice adds it once."""
    if rule not in _WRITE_RULES:
        _WRITE_RULES.append(rule)


def as_instance(model, state):
    """A state as a model instance (dicts of attnames become unsaved instances carrying their pk)."""
    if state is None or isinstance(state, models.Model):
        return state
    names = {f.attname for f in model._meta.concrete_fields}
    instance = model(**{k: v for k, v in state.items() if k in names})
    if state.get("pk") is not None:
        instance.pk = state["pk"]
        instance._state.adding = False
    return instance


def state_value(state, attname: str):
    """A field's value in a state (instance or dict of attnames); a missing key is None."""
    if state is None:
        return None
    if isinstance(state, dict):
        return state.get(attname)
    return getattr(state, attname, None)


def _label(model) -> str:
    return model._meta.label


def write_paths(model) -> tuple[str, ...]:
    return getattr(model, "write_paths", None) or WRITE_PATHS.get(_label(model)) or model.scope_paths


class WriteGate:
    """The write predicates for one user. `bulk=True` (the importer) loads the sets of visible ids once
    and answers each row from memory; otherwise each question is one small query."""

    def __init__(self, user, *, bulk: bool = False, scope: Scope | None = None):
        self.user = user
        self.scope = scope or (scope_for(user) if user is not None else EVERYTHING)
        # No user: system code (`phoihop import`, the demo) — no role to check; a scope may still be given.
        self.system = user is None
        self.bulk = bulk
        self._sets: dict[str, set] = {}
        self._lookups: dict[tuple, tuple] = {}

    # ---- roles -------------------------------------------------------------------------------------
    def has_permission(self, model) -> bool:
        if self.system:
            return True
        needed = WRITE_PERMISSION.get(_label(model), "write")
        return bool(getattr(self.user, "is_authenticated", False)) and self.user.can(needed)

    # ---- visibility, answered from memory in bulk mode -----------------------------------------------
    def _set(self, name: str, loader) -> set:
        if name not in self._sets:
            self._sets[name] = set(loader())
        return self._sets[name]

    def covers(self, unit_id: int | None) -> bool:
        if unit_id is None:
            return False
        if self.scope.everything:
            return True
        if self.bulk:
            return unit_id in self._bulk_set(Unit)
        return unit_id in self._sets.get("units_added", ()) or self.scope.covers_unit(unit_id)

    def sees(self, model, pk: int | None) -> bool:
        """Whether the user may see the object `pk` of `model` (a unit, an enterprise or a record)."""
        if pk is None:
            return False
        if self.scope.everything:
            return True
        if model is Unit:
            return self.covers(pk)
        if self.bulk:
            return pk in self._bulk_set(model)
        return pk in self._sets.get(_label(model), ()) or self._visible(model).filter(pk=pk).exists()

    def _visible(self, model) -> models.QuerySet:
        if model is Enterprise:
            return self.scope.enterprises()
        if model is Transfer:
            return Transfer.objects.filter(unit__in=self.scope.visible_unit_ids())
        return self.scope.filter(model.objects.all())

    def note_created(self, model, pk: int) -> None:
        """An object created in this run (an import's new unit or person) is seen by its creator."""
        if self.bulk:
            self._bulk_set(model).add(pk)
        else:
            self._sets.setdefault("units_added" if model is Unit else _label(model), set()).add(pk)

    def _bulk_set(self, model) -> set:
        if model is Unit:
            return self._set("units", lambda: self.scope.units().values_list("pk", flat=True))
        return self._set(_label(model), lambda: self._visible(model).values_list("pk", flat=True))

    # ---- owners of a state -----------------------------------------------------------------------------
    def owner_units(self, model, state) -> list[int]:
        """The ids of the units a state names through the model's write paths."""
        units: list[int] = []
        for path in write_paths(model):
            head, _, rest = path.partition("__")
            field = model._meta.get_field(head)
            value = state_value(state, field.attname)
            if value is None:
                continue
            if not rest:
                units.append(value)
                continue
            key = (_label(field.related_model), rest, value)
            if key not in self._lookups:
                related = field.related_model._base_manager.filter(pk=value)
                self._lookups[key] = tuple(v for v in related.values_list(rest, flat=True) if v is not None)
            units.extend(self._lookups[key])
        return units

    def _owned(self, model, state) -> bool:
        units = self.owner_units(model, state)
        if units:
            return any(self.covers(u) for u in units)
        return self.scope.holds_root  # rows naming no unit (a contest entry without one) are the roots'

    # ---- the one question ------------------------------------------------------------------------------
    def refusal(self, model, *, before=None, after=None) -> Refusal | None:
        """None when the user may turn `before` into `after`; else the first reason why not."""
        from django.utils.translation import gettext as _

        if not self.has_permission(model):
            return Refusal("role", _("Vai trò của bạn không được làm việc này."))
        if not self.scope.everything:
            found = self._refuse_scope(model, before, after)
            if found is not None:
                return found
        if _WRITE_RULES:
            old, new = as_instance(model, before), as_instance(model, after)
            for rule in _WRITE_RULES:
                found = rule(user=self.user, model=model, before=old, after=new, gate=self)
                if isinstance(found, str):
                    found = Refusal("rule", found)
                if found is not None:
                    return found
        return None

    def may_write(self, model, *, before=None, after=None) -> bool:
        return self.refusal(model, before=before, after=after) is None

    def _refuse_scope(self, model, before, after) -> Refusal | None:
        from django.utils.translation import gettext as _

        pk = state_value(before, "pk")
        if before is not None and pk is not None and not self.sees(model, pk):
            return Refusal("hidden", _("Không tìm thấy bản ghi này trong phạm vi của bạn."))
        found = self._refuse_references(model, before, after)
        if found is not None:
            return found
        if model is Unit:
            return self._refuse_unit(before, after)
        if model is Enterprise:
            if before is not None and not self._enterprise_owned(pk):
                return Refusal(
                    "not_yours", _("Doanh nghiệp này không thuộc đơn vị nào trong phạm vi của bạn.")
                )
            return None
        if model is Transfer:
            for attname in ("unit_id", "new_parent_id"):
                for state in (before, after):
                    if state is not None and not self.covers(state_value(state, attname)):
                        return Refusal(
                            "not_found", _not_found_unit(), attname[:-3], state_value(state, attname)
                        )
            return None
        for state, when in ((before, "before"), (after, "after")):
            if state is not None and not self._owned(model, state):
                paths = [p for p in write_paths(model) if "__" not in p]
                field = paths[0] if len(paths) == 1 else None
                if when == "before":
                    return Refusal(
                        "not_yours",
                        _("Bản ghi này thuộc đơn vị ngoài phạm vi của bạn; bạn không được sửa."),
                        field,
                    )
                if field and state_value(after, f"{field}_id") is not None:
                    return Refusal("not_found", _not_found_unit(), field, state_value(after, f"{field}_id"))
                return Refusal("no_unit", _("Bản ghi không gắn với đơn vị nào trong phạm vi của bạn."), field)
        return None

    def _refuse_references(self, model, before, after) -> Refusal | None:
        """A record may newly point only at people, classes and enterprises the user sees (units: see the
        owner rule); a reference it already held is not re-examined."""
        if after is None:
            return None
        for field in model._meta.concrete_fields:
            if not field.is_relation or field.related_model is Unit:
                continue
            value = state_value(after, field.attname)
            if value is None or (before is not None and state_value(before, field.attname) == value):
                continue
            if not self.sees(field.related_model, value):
                return Refusal("not_found", _not_found(field.related_model), field.name, value)
        return None

    def _enterprise_owned(self, pk) -> bool:
        units = self._lookups.setdefault(
            ("orgs.Enterprise", "units", pk),
            tuple(Unit.objects.filter(enterprise=pk).values_list("pk", flat=True)),
        )
        if units:
            return any(self.covers(u) for u in units)
        return self.sees(Enterprise, pk)

    def _refuse_unit(self, before, after) -> Refusal | None:
        """A unit is the writer's when it stands in their scope; it may move only under a unit that does
        (its own parent may stay where it is: a district manager renames their own district)."""
        from django.utils.translation import gettext as _

        if before is not None and not self.covers(state_value(before, "pk")):
            return Refusal("not_found", _not_found_unit(), "code")
        if after is None:
            return None
        parent = state_value(after, "parent_id")
        kept = before is not None and state_value(before, "parent_id") == parent
        if not kept and not self.covers(parent):
            if parent is None:
                return Refusal("no_unit", _("Chỉ quản trị hệ thống được tạo đơn vị cấp gốc."), "parent")
            return Refusal("not_found", _not_found_unit(), "parent", parent)
        merged = state_value(after, "merged_into_id")
        if merged is not None and merged != state_value(before, "merged_into_id") and not self.covers(merged):
            return Refusal("not_found", _not_found_unit(), "merged_into", merged)
        return None


def _not_found_unit() -> str:
    return _not_found(Unit)


def _not_found(model) -> str:
    """Exactly what a code that does not exist gets: no hint that it exists outside the scope."""
    from django.utils.translation import gettext as _

    return _("Không tìm thấy %(what)s có mã này trong phạm vi của bạn.") % {"what": model._meta.verbose_name}


def may_see(user_or_scope, obj) -> bool:
    """Whether a user (or a scope) may open `obj`: a unit, an enterprise or any scoped record."""
    scope = user_or_scope if isinstance(user_or_scope, Scope) else scope_for(user_or_scope)
    gate = WriteGate.__new__(WriteGate)
    gate.user, gate.scope, gate.system, gate.bulk, gate._sets, gate._lookups = (
        None,
        scope,
        False,
        False,
        {},
        {},
    )
    return gate.sees(type(obj), obj.pk)


def may_add(user, model, *, trees: frozenset[str] = BOTH_TREES) -> bool:
    """Whether `user` may add a record of `model` at all (the add button and the add page ask it): the
    role allows the write, as the write gate asks, and the scope holds units of a tree that keeps such
    records — `trees`, the trees of the units that would make the record the writer's (a union's staff
    add no admission: its party unit could never be theirs). Each write still passes check_write."""
    gate = WriteGate(user)
    return gate.has_permission(model) and bool(gate.scope.trees & trees)


def may_write(user, model_or_obj, *, before=None, after=None) -> bool:
    """Whether `user` may turn `before` into `after` (None, None with an object: may they edit it?)."""
    return write_refusal(user, model_or_obj, before=before, after=after) is None


def write_refusal(user, model_or_obj, *, before=None, after=None) -> Refusal | None:
    if isinstance(model_or_obj, models.Model):
        model = type(model_or_obj)
        if before is None and after is None:
            before = after = model_or_obj
    else:
        model = model_or_obj
    return WriteGate(user).refusal(model, before=before, after=after)


def check_write(user, model_or_obj, *, before=None, after=None) -> None:
    """Raise PermissionDenied (with the Vietnamese reason) unless the write is allowed."""
    from django.core.exceptions import PermissionDenied

    found = write_refusal(user, model_or_obj, before=before, after=after)
    if found is not None:
        raise PermissionDenied(found.message)


# ---- personal data ---------------------------------------------------------------------------------


def personal_data_q(scope: Scope, prefix: str = "") -> Q:
    """People whose personal fields (birth date, gender, ethnicity, CCCD) the scope may see: those whose
    grassroots union it covers or whose admitting party unit it covers — the units keeping their file."""
    if scope.everything:
        return Q()
    ids = scope.visible_unit_ids()
    return Q(**{f"{prefix}grassroots_union__in": ids}) | Q(**{f"{prefix}admission__party_unit__in": ids})


def sees_personal_data(scope: Scope, person) -> bool:
    if scope.everything:
        return True
    if person.grassroots_union_id is not None and scope.covers_unit(person.grassroots_union_id):
        return True
    admission = (
        type(person)._base_manager.filter(pk=person.pk).values_list("admission__party_unit", flat=True)
    )
    return any(unit is not None and scope.covers_unit(unit) for unit in admission)
