"""Writes of the indicators app: setting targets (chỉ tiêu) from the targets grid."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from phoihop.accounts.scope import WriteGate, scope_for
from phoihop.audit.models import AuditEntry
from phoihop.audit.services import log_changes
from phoihop.orgs.models import Unit
from phoihop.records.models import Program, Target

from .selectors import program_years, target_indicators

MAX_DIGITS = 18  # Target.value holds 20 digits with 2 decimals
_PLAIN = re.compile(r"^\d+$")
_GROUPED = re.compile(r"^\d{1,3}([.,])\d{3}(\1\d{3})*$")  # 1.500 / 1,500 / 12.000.000 as Excel pastes them


def can_set_targets(user) -> bool:
    """Managers and administrators assign targets; everyone else reads them. The role table is
    User.PERMISSIONS ("set_targets"), the one the write gate (accounts.scope) asks for the grid and the
    workbook's `chi_tieu` sheet alike."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return WriteGate(user).has_permission(Target)


@dataclass
class Cell:
    """One grid cell as posted: the unit's id, the indicator's code, the text typed ("" clears it)."""

    unit_id: int
    indicator_code: str
    raw: str

    @property
    def key(self) -> str:
        return f"t:{self.unit_id}:{self.indicator_code}"


class TargetsInvalid(Exception):
    """Some cells cannot be saved; nothing was written. `errors` maps cell keys to Vietnamese messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass
class SaveResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    changes: list[str] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.created + self.updated + self.deleted


def parse_target(raw: str) -> int | None:
    """A target as typed or pasted: digits, optionally grouped by thousands ("6.065", "6,065", "6 065").
    Empty means no target. Raises ValueError with the reason in Vietnamese."""
    text = (raw or "").strip().replace("\u00a0", " ")
    if not text:
        return None
    if text.startswith("-"):
        raise ValueError(_("chỉ tiêu không được âm"))
    compact = text.replace(" ", "")
    if _GROUPED.match(compact):
        compact = re.sub(r"[.,]", "", compact)
    if not _PLAIN.match(compact):
        raise ValueError(_("“%(raw)s” không phải số nguyên không âm") % {"raw": text})
    if len(compact.lstrip("0")) > MAX_DIGITS:
        raise ValueError(_("số quá lớn"))
    return int(compact)


def save_targets(*, user, program: Program, year: int, cells: list[Cell]) -> SaveResult:
    """The user sees every changed cell of the grid saved at once: new targets created, changed ones
    updated, cleared ones removed, each with an audit row. If any cell is bad, nothing is written and
    every bad cell is named (unit and indicator). Units outside the user's scope are refused outright."""
    if not can_set_targets(user):
        raise PermissionDenied(_("Chỉ quản lý hoặc quản trị mới được giao chỉ tiêu."))
    if year not in program_years(program):
        raise TargetsInvalid(
            {
                "year": _("Năm %(year)s không thuộc chương trình %(code)s.")
                % {"year": year, "code": program.code}
            }
        )
    scope = scope_for(user)
    unit_ids = {c.unit_id for c in cells}
    units = {u.pk: u for u in scope.units().filter(pk__in=unit_ids)}
    if len(units) != len(unit_ids):
        # The grid never offers such a cell: the request was made up. Refuse it whole, reveal nothing.
        raise PermissionDenied(_("Có đơn vị ngoài phạm vi của bạn; không lưu chỉ tiêu nào."))
    specs = {s.code: s for s in target_indicators()}
    values, errors = {}, {}
    for cell in cells:
        unit = units[cell.unit_id]
        spec = specs.get(cell.indicator_code)
        if spec is None:
            errors[cell.key] = _("%(unit)s: “%(code)s” không phải chỉ tiêu được giao.") % {
                "unit": unit.name,
                "code": cell.indicator_code,
            }
            continue
        try:
            values[(cell.unit_id, cell.indicator_code)] = parse_target(cell.raw)
        except ValueError as bad:
            errors[cell.key] = _("%(unit)s – %(indicator)s: %(reason)s.") % {
                "unit": unit.name,
                "indicator": spec.label,
                "reason": bad,
            }
    if errors:
        raise TargetsInvalid(errors)
    return _write(user, year, units, values)


@transaction.atomic
def _write(user, year: int, units: dict[int, Unit], values: dict[tuple[int, str], int | None]) -> SaveResult:
    existing = {
        (t.unit_id, t.indicator_code): t
        for t in Target.objects.unscoped()
        .select_for_update()
        .filter(year=year, unit__in=list(units), indicator_code__in={code for _u, code in values})
    }
    result, audit, creates, updates, deletes = SaveResult(), [], [], [], []
    for (unit_id, code), value in values.items():
        target = existing.get((unit_id, code))
        object_code = f"{code} / {units[unit_id].code} / {year}"
        before = None if target is None else {"value": _plain(target.value)}
        if value is None and target is None or target is not None and target.value == value:
            result.unchanged += 1
            continue
        if value is None:
            deletes.append(target.pk)
            action, after = AuditEntry.Action.DELETE, None
            result.deleted += 1
        elif target is None:
            creates.append(Target(indicator_code=code, unit_id=unit_id, year=year, value=Decimal(value)))
            action, after = AuditEntry.Action.CREATE, {"value": value}
            result.created += 1
        else:
            target.value = Decimal(value)
            updates.append(target)
            action, after = AuditEntry.Action.UPDATE, {"value": value}
            result.updated += 1
        audit.append(
            {
                "action": action,
                "model": Target._meta.label,
                "object_code": object_code,
                "before": before,
                "after": after,
                "detail": _("Lưu lưới chỉ tiêu"),
            }
        )
        result.changes.append(object_code)
    Target.objects.bulk_create(creates)
    if updates:
        Target.objects.unscoped().bulk_update(updates, ["value"])
    if deletes:
        Target.objects.unscoped().filter(pk__in=deletes).delete()
    log_changes(actor=user, entries=audit)
    return result


def _plain(value: Decimal) -> int | str:
    return int(value) if value == value.to_integral_value() else str(value)
