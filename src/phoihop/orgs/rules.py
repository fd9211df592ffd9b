"""The rules of units, in one place: the unit pages and the API (through `orgs.services`) and the
import of the sheets `don_vi` and `dieu_chuyen` (`workbook.validate`) all call these functions, with
the same messages.

A unit's dates are sane (`core.dates`, planned dates: a unit may be founded by a decision dated ahead);
it is dissolved on or after its founding; a unit that is not a root has a parent; a parent is of the
same tree and of a kind that may hold the child directly (`ALLOWED_PARENTS`); a child is not founded
before its parent nor after its parent's dissolution; a parent is not founded after any of its
children; a merger joins units of the same level (`MERGE_LEVEL`).

Each function is pure: it reads the facts it is given (`Facts` of the unit and its parent, fetched in
bulk by the caller) and returns the broken rules (`core.rules.Broken`), keyed by model field name.
Questions about the whole dated tree (cycles, who stands under whom on a day) stay with `orgs.closure`
and `orgs.selectors`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_noop

from phoihop.core import dates
from phoihop.core.dates import Day
from phoihop.core.rules import Broken

from .models import Unit

# Which kinds may stand directly under which: the shape of both trees (the demo province and the
# workbooks seen so far all fit it). The national kinds stand under nobody; the other root kinds stand
# under a national level when one is there (workbook.md, unit kinds).
ALLOWED_PARENTS: dict[str, frozenset[str]] = {
    "ldld_tinh": frozenset({"tong_ldld"}),
    "dang_bo_tinh": frozenset({"trung_uong"}),
    "dang_uy_khoi": frozenset({"dang_bo_tinh"}),
    "dang_uy_khac": frozenset({"dang_bo_tinh"}),
    "ldld_huyen": frozenset({"ldld_tinh"}),
    "cd_nganh": frozenset({"ldld_tinh"}),
    "cdcs": frozenset({"ldld_tinh", "ldld_huyen", "cd_nganh"}),
    "dang_bo_co_so": frozenset({"dang_uy_khoi", "dang_uy_khac"}),
    "chi_bo_co_so": frozenset({"dang_uy_khoi", "dang_uy_khac"}),
    "chi_bo_truc_thuoc": frozenset({"dang_bo_co_so"}),
}

# A merger joins units of the same level: a grassroots union into another grassroots union, a district
# federation into another district-level union, a party cell or committee into another grassroots one,
# a province federation or Party organisation into another province's (the 2025 mergers).
MERGE_LEVEL: dict[str, str] = {
    "tong_ldld": "union_national",
    "trung_uong": "party_national",
    "dang_bo_tinh": "party_province",
    "ldld_tinh": "union_root",
    "ldld_huyen": "union_middle",
    "cd_nganh": "union_middle",
    "cdcs": "union_grassroots",
    "dang_uy_khoi": "party_root",
    "dang_uy_khac": "party_root",
    "dang_bo_co_so": "party_grassroots",
    "chi_bo_co_so": "party_grassroots",
    "chi_bo_truc_thuoc": "party_grassroots",
}

DISSOLVED_BEFORE_FOUNDED = gettext_noop("Ngày giải thể trước ngày thành lập.")
NEEDS_PARENT = gettext_noop("Đơn vị không phải cấp gốc cần có đơn vị cấp trên.")
OWN_PARENT = gettext_noop("Đơn vị không thể là cấp trên của chính nó.")
OTHER_TREE = gettext_noop("Cấp trên phải cùng hệ thống (công đoàn hoặc đảng).")
KIND_NOT_UNDER = gettext_noop("%(parent)s (%(pkind)s) không thể là cấp trên trực tiếp của %(ckind)s.")
FOUNDED_BEFORE_PARENT = gettext_noop(
    "Đơn vị không thể thành lập trước cấp trên %(parent)s (thành lập %(day)s)."
)
PARENT_ENDED = gettext_noop("Cấp trên %(parent)s không còn hoạt động vào ngày %(day)s.")
CHILD_FOUNDED_EARLIER = gettext_noop(
    "Đã có đơn vị trực thuộc thành lập ngày %(day)s, trước ngày thành lập này."
)
OWN_MERGER = gettext_noop("Đơn vị không thể tiếp nhận chính nó.")
OTHER_LEVEL = gettext_noop("%(target)s (%(tkind)s) không cùng cấp với %(kind)s.")


@dataclass(frozen=True)
class Facts:
    """What the rules read of a unit (from the database or a workbook row)."""

    code: str
    kind: str
    founded: date | None = None
    dissolved: date | None = None


def facts_of(found: Unit) -> Facts:
    return Facts(found.code, found.kind, found.founded_on, found.dissolved_on)


tree = Unit.tree_of


def _kind_label(kind: str) -> str:
    return Unit.Kind(kind).label if kind in Unit.Kind.values else kind


def parent_fits(child_kind: str, parent: Facts, *, field: str = "parent") -> list[Broken]:
    """The parent is of the child's tree and of a kind that may hold it directly."""
    if tree(parent.kind) != tree(child_kind):
        return [Broken(field, OTHER_TREE)]
    if parent.kind not in ALLOWED_PARENTS.get(child_kind, frozenset()):
        params = {"parent": parent.code, "pkind": _kind_label(parent.kind), "ckind": _kind_label(child_kind)}
        return [Broken(field, KIND_NOT_UNDER, params)]
    return []


def unit(
    facts: Facts,
    *,
    parent_code: str | None,
    parent: Facts | None,
    earliest_child: date | None = None,
    on: date | None = None,
) -> list[Broken]:
    """A unit as it would be saved (sheet don_vi, the found and edit pages). `parent_code`: the parent it
    names; `parent`: that parent's facts when known (None for a code that does not exist: the reference
    check says so); `earliest_child`: the earliest founding of a unit that ever stood directly under it."""
    problem = dates.check_day(facts.founded, planned=True, on=on)
    found = [Broken("founded_on", *problem)] if problem else []
    found += dissolution(facts, facts.dissolved, on=on)
    sane = not found
    founded = facts.founded
    if not parent_code:
        if facts.kind not in Unit.ROOT_KINDS:
            found.append(Broken("parent", NEEDS_PARENT))
    elif parent_code == facts.code:
        found.append(Broken("parent", OWN_PARENT))
    elif parent is not None:
        found += parent_fits(facts.kind, parent)
        if sane and founded and parent.founded and founded < parent.founded:
            params = {"parent": parent.code, "day": Day(parent.founded)}
            found.append(Broken("founded_on", FOUNDED_BEFORE_PARENT, params))
        elif sane and founded and parent.dissolved and founded > parent.dissolved:
            found.append(Broken("founded_on", PARENT_ENDED, {"parent": parent.code, "day": Day(founded)}))
    if sane and founded and earliest_child and earliest_child < founded:
        found.append(Broken("founded_on", CHILD_FOUNDED_EARLIER, {"day": Day(earliest_child)}))
    return found


def dissolution(facts: Facts, day: date | None, *, on: date | None = None) -> list[Broken]:
    """The unit ends on `day` (its dissolution or merger): a sane date, on or after its founding."""
    problem = dates.check_day(day, planned=True, on=on)
    if problem:
        return [Broken("dissolved_on", *problem)]
    if day and facts.founded and day < facts.founded:
        return [Broken("dissolved_on", DISSOLVED_BEFORE_FOUNDED)]
    return []


def merger(facts: Facts, target: Facts) -> list[Broken]:
    """A unit merged into `target` (sheet don_vi's ma_don_vi_tiep_nhan, the merge page)."""
    if target.code == facts.code:
        return [Broken("merged_into", OWN_MERGER)]
    if MERGE_LEVEL.get(target.kind) != MERGE_LEVEL.get(facts.kind):
        params = {"target": target.code, "tkind": _kind_label(target.kind), "kind": _kind_label(facts.kind)}
        return [Broken("merged_into", OTHER_LEVEL, params)]
    return []


def transfer(facts: Facts, *, effective_on: date | None, new_parent: Facts | None, on=None) -> list[Broken]:
    """A transfer (sheet dieu_chuyen, the transfer page): a sane date, a parent that fits the kind."""
    found = []
    problem = dates.check_day(effective_on, planned=True, on=on)
    if problem:
        found.append(Broken("effective_on", *problem))
    if new_parent is not None:
        if new_parent.code == facts.code:
            return found + [Broken("new_parent", OWN_PARENT)]
        found += parent_fits(facts.kind, new_parent, field="new_parent")
    return found
