"""The database side of a workbook's checks, looked up by the codes the workbook names — never a whole
table: a 50-row workbook into a database of millions reads a few dozen rows (issue 13, item 5)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from phoihop.core.cells import code_list
from phoihop.orgs.models import Transfer, Unit

from .rowstore import column_values

CHUNK = 5000


def chunks(values: Iterable, size: int = CHUNK):
    values = sorted(values, key=str)
    for i in range(0, len(values), size):
        yield values[i : i + size]


@dataclass
class UnitInfo:
    kind: str
    parent: str | None
    founded: date | None
    dissolved: date | None


def named_unit_codes(sheets: dict, rows: dict) -> set[str]:
    """Every unit code a workbook's rows name: the don_vi keys and each column referring to don_vi."""
    codes: set = set()
    for key, sheet_rows in rows.items():
        columns = [
            c for c in sheets[key].columns if c.ref == "don_vi" or (key, c.key) == ("don_vi", "ma_don_vi")
        ]
        for column in columns:
            values = column_values(sheet_rows, column.key)
            if column.parse is code_list:  # lists of codes
                codes.update(code for value in values if value for code in value)
            else:  # a code or None: gathered at C speed, the empty ones dropped below
                codes.update(values)
    return {code for code in codes if isinstance(code, str) and code}


def units_above(
    units: QuerySet[Unit], codes: set[str]
) -> tuple[dict[str, UnitInfo], list[tuple[str, date, str]]]:
    """The units of `units` (the whole table or a scope's) with these codes and every unit above them —
    through parents and through transfers, level by level — with the transfers of all of them. A cycle
    a workbook could close runs through a unit it names and that unit's ancestors, so these are all the
    tree a check needs."""
    found: dict[str, UnitInfo] = {}
    transfers: list[tuple[str, date, str]] = []
    asked: set[str] = set()
    frontier = set(codes)
    while frontier:
        asked |= frontier
        level: list[str] = []
        for chunk in chunks(frontier):
            for code, kind, parent, founded, dissolved in units.filter(code__in=chunk).values_list(
                "code", "kind", "parent__code", "founded_on", "dissolved_on"
            ):
                found[code] = UnitInfo(kind, parent, founded, dissolved)
                level.append(code)
        above = {found[c].parent for c in level if found[c].parent}
        for chunk in chunks(level):
            for move in Transfer.objects.filter(unit__code__in=chunk).values_list(
                "unit__code", "effective_on", "new_parent__code"
            ):
                transfers.append(move)
                above.add(move[2])
        frontier = above - asked
    return found, transfers


def unit_kinds(codes: set[str]) -> dict[str, str]:
    """{code: kind} of any units with these codes, whatever the importer's scope."""
    kinds: dict[str, str] = {}
    for chunk in chunks(codes):
        kinds.update(Unit.objects.filter(code__in=chunk).values_list("code", "kind"))
    return kinds
