"""Changes to the unit trees: found a unit, edit it, dissolve it, merge it into another, move it.

Each function is one act a manager does on a page (or through the API). It checks the change against
the dated tree, writes it and its audit rows in one transaction, and updates the closure table; bad
input raises `ValidationError` keyed by the form field, with a Vietnamese message that names the field,
and nothing is written. The rules of a unit (sane dates, the kinds a parent may hold, child not founded
before its parent, dissolution after founding, merger of the same level) are those of `orgs.rules`,
which the import of the sheets `don_vi` and `dieu_chuyen` applies too; the questions about the dated tree
(no transfer after dissolution, a new parent that exists on the date, no cycle on any day) are here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phoihop.accounts.scope import check_write
from phoihop.audit.services import log_change, log_instance, snapshot
from phoihop.core.codes import check_code
from phoihop.core.rules import Broken

from . import rules
from .closure import lock_tree, refresh_closure, would_cycle
from .models import FAR_FUTURE, Enterprise, Transfer, Unit
from .selectors import children_on, parent_on

TRANSFER_MODEL = Transfer._meta.label

# The tables are the rules' (orgs.rules); named here too for the callers that read them from services.
ALLOWED_PARENTS, MERGE_LEVEL = rules.ALLOWED_PARENTS, rules.MERGE_LEVEL


def _d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def refuse(found: Sequence[Broken], fields: dict[str, tuple[str, str]]) -> None:
    """Raise the first broken rule (orgs.rules) as a ValidationError on the page's field, after its label.
    `fields`: the rule's field → (the page's field, its label)."""
    if not found:
        return
    broken = found[0]
    field, label = fields[broken.field]
    raise ValidationError(
        {field: _("%(label)s: %(message)s") % {"label": label, "message": broken.message()}}
    )


def _check_parent_fits(*, child_kind: str, parent: Unit, field: str, label: str) -> None:
    refuse(rules.parent_fits(child_kind, rules.facts_of(parent)), {"parent": (field, label)})


def _check_no_cycle(*, moves: list[tuple[Unit, date, Unit]], field: str, label: str) -> None:
    """Each move (unit, from, new parent) holds until the unit's next transfer; it makes a cycle when the
    new parent stands under the unit on some day of that span — one closure lookup, whatever the size."""
    for unit, on, parent in moves:
        following = (
            Transfer.objects.filter(unit=unit, effective_on__gt=on)
            .order_by("effective_on")
            .values_list("effective_on", flat=True)
            .first()
        )
        if would_cycle(unit.pk, parent.pk, on, following or FAR_FUTURE):
            raise ValidationError(
                {
                    field: _(
                        "%(label)s: đơn vị không thể trở thành cấp trên của chính nó (vòng lặp qua: %(names)s)."
                    )
                    % {"label": label, "names": ", ".join(dict.fromkeys([unit.name, parent.name]))}
                }
            )


def _first_transfer_on(unit: Unit) -> date | None:
    return (
        Transfer.objects.filter(unit=unit)
        .order_by("effective_on")
        .values_list("effective_on", flat=True)
        .first()
    )


def _earliest_child_founding(unit: Unit) -> date | None:
    """The founding date of the earliest unit that ever stood directly under `unit`."""
    founded = list(
        Unit.objects.filter(parent=unit, founded_on__isnull=False).values_list("founded_on", flat=True)
    ) + list(
        Transfer.objects.filter(new_parent=unit, unit__founded_on__isnull=False).values_list(
            "unit__founded_on", flat=True
        )
    )
    return min(founded, default=None)


def _log_unit(actor, action: str, unit: Unit, before: dict | None, detail: str = "") -> None:
    log_instance(
        actor=actor, action=action, instance=unit, object_code=unit.code, before=before, detail=detail
    )


def _log_transfer(actor, move: Transfer, detail: str = "") -> None:
    log_change(
        actor=actor,
        action="create",
        model=TRANSFER_MODEL,
        object_code=f"{move.unit.code}@{move.effective_on.isoformat()}",
        before=None,
        after={
            "unit": move.unit.code,
            "effective_on": move.effective_on.isoformat(),
            "new_parent": move.new_parent.code,
            "decision_no": move.decision_no,
        },
        detail=detail,
    )


def _gate(actor, model, before, after) -> None:
    """The write gate of accounts/scope.py (role manage_units, scope before and after, other apps' rules);
    system callers (actor None: the demo, commands) pass."""
    if actor is not None:
        check_write(actor, model, before=before, after=after)


# ---- acts -----------------------------------------------------------------------------------------


@transaction.atomic
def create_unit(
    *,
    actor,
    parent: Unit,
    code: str,
    name: str,
    kind: str,
    founded_on: date,
    enterprise: Enterprise | None = None,
    area: str = "",
) -> Unit:
    """A new unit appears under `parent` from its founding date on, on the tree page and in reports."""
    _gate(actor, Unit, None, {"parent_id": parent.pk, "enterprise_id": enterprise.pk if enterprise else None})
    lock_tree()
    code, name = code.strip(), name.strip()
    if not code:
        raise ValidationError({"code": _("Mã đơn vị: không được để trống.")})
    try:
        check_code(code)  # the one alphabet of codes (core.codes)
    except ValidationError as bad:
        raise ValidationError({"code": bad.messages}) from bad
    if Unit.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Mã đơn vị: mã '%(code)s' đã có.") % {"code": code}})
    if not name:
        raise ValidationError({"name": _("Tên đơn vị: không được để trống.")})
    if kind not in Unit.Kind.values:
        raise ValidationError({"kind": _("Loại đơn vị: giá trị không hợp lệ.")})
    if kind not in ALLOWED_PARENTS:
        raise ValidationError({"kind": _("Loại đơn vị: đơn vị cấp gốc không đứng dưới đơn vị khác.")})
    if founded_on is None:
        raise ValidationError({"founded_on": _("Ngày thành lập: không được để trống.")})
    found = rules.unit(
        rules.Facts(code, kind, founded_on), parent_code=parent.code, parent=rules.facts_of(parent)
    )
    # The parent page fixes the parent: a kind that may not stand under it is the kind's fault.
    refuse(found, {"parent": ("kind", _("Loại đơn vị")), "founded_on": ("founded_on", _("Ngày thành lập"))})
    unit = Unit.objects.create(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        enterprise=enterprise,
        area=area.strip(),
        founded_on=founded_on,
    )
    _log_unit(actor, "create", unit, None)
    refresh_closure([unit.pk])
    return unit


@transaction.atomic
def update_unit(
    *,
    actor,
    unit: Unit,
    name: str,
    founded_on: date | None,
    enterprise: Enterprise | None = None,
    area: str = "",
) -> Unit:
    """The unit's name, enterprise, area or founding date change everywhere it is shown."""
    lock_tree()
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    after = {
        "pk": unit.pk,
        "parent_id": unit.parent_id,
        "enterprise_id": enterprise.pk if enterprise else None,
    }
    _gate(actor, Unit, unit, after)
    before = snapshot(unit)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Tên đơn vị: không được để trống.")})
    if founded_on is not None:
        parent = unit.parent
        found = rules.unit(
            rules.Facts(unit.code, unit.kind, founded_on, unit.dissolved_on),
            parent_code=parent.code if parent else None,
            parent=rules.facts_of(parent) if parent else None,
            earliest_child=_earliest_child_founding(unit),
        )
        # Only the founding date changes here: every broken rule is about it.
        label = _("Ngày thành lập")
        refuse(found, {name: ("founded_on", label) for name in ("founded_on", "dissolved_on", "parent")})
        first_move = _first_transfer_on(unit)
        if first_move and founded_on > first_move:
            raise ValidationError(
                {
                    "founded_on": _("Ngày thành lập: sau lần điều chuyển đầu tiên (%(day)s).")
                    % {"day": _d(first_move)}
                }
            )
    unit.name, unit.founded_on, unit.enterprise, unit.area = name, founded_on, enterprise, area.strip()
    unit.save()
    _log_unit(actor, "update", unit, before)
    # Neither the parent nor a transfer changed: the closure stays as it is.
    return unit


def _check_can_end(unit: Unit, on: date, *, field: str, label: str) -> None:
    refuse(rules.dissolution(rules.facts_of(unit), on), {"dissolved_on": (field, label)})
    if unit.dissolved_on is not None:
        raise ValidationError(
            {
                field: _("%(label)s: đơn vị đã giải thể ngày %(day)s.")
                % {"label": label, "day": _d(unit.dissolved_on)}
            }
        )


@transaction.atomic
def dissolve_unit(*, actor, unit: Unit, on: date, detail: str = "") -> Unit:
    """The unit stops existing after `on`: it no longer shows on the tree or in reports for later dates."""
    lock_tree()
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _gate(actor, Unit, unit, unit)
    label = _("Ngày giải thể")
    _check_can_end(unit, on, field="on", label=label)
    remaining = list(children_on(unit, on=on + timedelta(days=1)).values_list("name", flat=True)[:5])
    if remaining:
        raise ValidationError(
            {
                "on": _(
                    "%(label)s: còn đơn vị trực thuộc sau ngày này (%(names)s); hãy điều chuyển, "
                    "sáp nhập hoặc giải thể chúng trước."
                )
                % {"label": label, "names": ", ".join(remaining)}
            }
        )
    before = snapshot(unit)
    unit.dissolved_on = on
    unit.save()
    _log_unit(actor, "update", unit, before, detail=detail or "dissolve")
    # Intervals are not cut at dissolution (orgs.closure): the closure stays as it is.
    return unit


@transaction.atomic
def merge_unit(*, actor, unit: Unit, target: Unit, on: date, move_children: bool = True) -> Unit:
    """The unit ends on `on`, taken over by `target`; from the next day its units stand under `target`."""
    lock_tree()
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _gate(actor, Unit, unit, {"pk": unit.pk, "parent_id": unit.parent_id, "merged_into_id": target.pk})
    label = _("Ngày sáp nhập")
    found = rules.merger(rules.facts_of(unit), rules.facts_of(target))
    refuse(found, {"merged_into": ("target", _("Đơn vị tiếp nhận"))})
    _check_can_end(unit, on, field="on", label=label)
    next_day = on + timedelta(days=1)
    if not target.exists_on(on) or not target.exists_on(next_day):
        raise ValidationError(
            {
                "target": _("Đơn vị tiếp nhận: %(target)s không hoạt động vào ngày %(day)s.")
                % {"target": target.name, "day": _d(on)}
            }
        )
    children = list(children_on(unit, on=next_day))
    moves = [(child, next_day, target) for child in children] if move_children else []
    if move_children and children:
        for child in children:
            _check_parent_fits(
                child_kind=child.kind, parent=target, field="target", label=_("Đơn vị tiếp nhận")
            )
        if Transfer.objects.filter(unit__in=children, effective_on=next_day).exists():
            raise ValidationError(
                {
                    "on": _("%(label)s: đã có điều chuyển đơn vị trực thuộc vào ngày %(day)s.")
                    % {"label": label, "day": _d(next_day)}
                }
            )
    elif children:
        raise ValidationError(
            {
                "move_children": _(
                    "Chuyển đơn vị trực thuộc: đơn vị còn %(n)s đơn vị trực thuộc sau ngày sáp nhập; "
                    "hãy chuyển chúng sang đơn vị tiếp nhận."
                )
                % {"n": len(children)}
            }
        )
    _check_no_cycle(moves=moves, field="target", label=_("Đơn vị tiếp nhận"))
    before = snapshot(unit)
    unit.dissolved_on, unit.merged_into = on, target
    unit.save()
    _log_unit(actor, "update", unit, before, detail=f"merge into {target.code}")
    for child in children if move_children else []:
        move = Transfer.objects.create(unit=child, effective_on=next_day, new_parent=target)
        _log_transfer(actor, move, detail=f"merge of {unit.code}")
    refresh_closure([child.pk for child in children] if move_children else [])
    return unit


@transaction.atomic
def transfer_unit(*, actor, unit: Unit, new_parent: Unit, on: date, decision_no: str = "") -> Transfer:
    """From `on`, the unit (with everything under it) stands under `new_parent`; earlier dates keep the old
    parent, so reports for past periods do not change."""
    _gate(actor, Transfer, None, {"unit_id": unit.pk, "new_parent_id": new_parent.pk})
    lock_tree()
    label_parent, label_on = _("Đơn vị cấp trên mới"), _("Ngày hiệu lực")
    refuse(
        rules.transfer(rules.facts_of(unit), effective_on=on, new_parent=None),
        {"effective_on": ("on", label_on)},
    )
    if new_parent.pk == unit.pk:
        raise ValidationError(
            {
                "new_parent": _("%(label)s: đơn vị không thể là cấp trên của chính nó.")
                % {"label": label_parent}
            }
        )
    # The cycle is checked before the kinds: "it would be its own ancestor" says more than "wrong kind".
    _check_no_cycle(moves=[(unit, on, new_parent)], field="new_parent", label=label_parent)
    _check_parent_fits(child_kind=unit.kind, parent=new_parent, field="new_parent", label=label_parent)
    if unit.founded_on and on < unit.founded_on:
        raise ValidationError(
            {
                "on": _("%(label)s: trước ngày thành lập %(day)s.")
                % {"label": label_on, "day": _d(unit.founded_on)}
            }
        )
    if unit.dissolved_on and on > unit.dissolved_on:
        raise ValidationError(
            {
                "on": _("%(label)s: đơn vị đã giải thể ngày %(day)s.")
                % {"label": label_on, "day": _d(unit.dissolved_on)}
            }
        )
    if not new_parent.exists_on(on):
        raise ValidationError(
            {
                "new_parent": _("%(label)s: %(parent)s không hoạt động vào ngày %(day)s.")
                % {"label": label_parent, "parent": new_parent.name, "day": _d(on)}
            }
        )
    current = parent_on(unit, on=on)
    if current is not None and current.pk == new_parent.pk:
        raise ValidationError(
            {
                "new_parent": _("%(label)s: vào ngày %(day)s đơn vị đã thuộc %(parent)s.")
                % {"label": label_parent, "day": _d(on), "parent": new_parent.name}
            }
        )
    if Transfer.objects.filter(unit=unit, effective_on=on).exists():
        raise ValidationError(
            {
                "on": _("%(label)s: đã có một điều chuyển của đơn vị vào ngày %(day)s.")
                % {"label": label_on, "day": _d(on)}
            }
        )
    if actor is not None:
        # The write gate (accounts.scope) and the rules other apps register with it, e.g. a period whose
        # report is submitted or approved (periods.md): a move dated in it would change frozen figures.
        check_write(actor, Transfer, after=Transfer(unit=unit, effective_on=on, new_parent=new_parent))
    move = Transfer.objects.create(
        unit=unit, effective_on=on, new_parent=new_parent, decision_no=decision_no.strip()
    )
    _log_transfer(actor, move)
    refresh_closure([unit.pk])
    return move
