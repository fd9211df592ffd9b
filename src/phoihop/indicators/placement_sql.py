"""Placing aggregated records under the scope's children in the database.

An indicator's query groups its records by (unit, date, breakdown values). Instead of returning those
groups to Python — about a million at national scale — and looking each one up in `Context.placement`,
the grouped query becomes a subquery joined with the closure table twice:

    c2: the record's unit stood under the ancestor c2.ancestor_id on the record's date;
    c1: that ancestor was a child (depth 1) of one of the roots on that same date;

and is grouped again by (child, year, breakdown values): a few hundred rows come back. Records whose
unit is a root itself count under the root (the "(trực tiếp)" line), as `Placement` does. The result is
the same as `Tally.add` per group; `tests/test_placement_sql.py` and the 50k bench JSON check it.

With `by_root=True` (targets), the groups are placed under every root that held the unit on the date
(at any depth, itself included), so one query gives the yearly figure of every target unit at once.
"""

# ruff: noqa: S608 - only table names, column aliases and %s placeholders are formatted in; values are params

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from phoihop.orgs.models import UnitClosure

CLOSURE = UnitClosure._meta.db_table


def _year(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column}) AS integer)"
    return f"CAST(strftime('%%Y', {column}) AS integer)"


def _year_end(column: str) -> str:
    """31 December of the integer year in `column`, as a date the closure's columns compare with."""
    if connection.vendor == "postgresql":
        return f"make_date(CAST({column} AS integer), 12, 31)"
    return f"printf('%%04d-12-31', {column})"


def grouped_rows(
    inner: QuerySet, *, roots: list[int], dims: tuple[str, ...], yearly: bool = False, by_root: bool = False
) -> list[tuple]:
    """inner: a values() queryset with columns u (unit id), d (date; with `yearly` an integer year), the
    `dims` columns and n (the measure). Returns rows (placed unit id, year, *dims, sum of n)."""
    if not roots:
        return []
    sql, params = inner.query.sql_with_params()
    marks = ", ".join(["%s"] * len(roots))
    day = _year_end("s.d") if yearly else "s.d"
    year = "s.d" if yearly else _year("s.d")
    dim_cols = "".join(f", s.{d}" for d in dims)
    out_dims = "".join(f", p.{d}" for d in dims)
    # The grouped records are computed once (a materialised CTE): both branches below read them. CROSS
    # JOIN + WHERE: SQLite keeps that join order (records, then their unit's ancestors by index, then
    # whether that ancestor was a root's child), which it would otherwise invert and scan the CTE per
    # closure row; PostgreSQL plans it as the inner join it is.
    if by_root:
        placed = f"""
            SELECT c.ancestor_id AS placed, {year} AS y{dim_cols}, s.n
            FROM s CROSS JOIN {CLOSURE} c
            WHERE c.descendant_id = s.u AND c.ancestor_id IN ({marks})
                AND c.valid_from <= {day} AND c.valid_to > {day}"""
        all_params = [*params, *roots]
    else:
        placed = f"""
            SELECT c1.descendant_id AS placed, {year} AS y{dim_cols}, s.n
            FROM s CROSS JOIN {CLOSURE} c2 CROSS JOIN {CLOSURE} c1
            WHERE c2.descendant_id = s.u AND c2.valid_from <= {day} AND c2.valid_to > {day}
                AND c1.descendant_id = c2.ancestor_id AND c1.depth = 1
                AND c1.ancestor_id IN ({marks}) AND c1.valid_from <= {day} AND c1.valid_to > {day}
            UNION ALL
            SELECT s.u AS placed, {year} AS y{dim_cols}, s.n
            FROM s
            WHERE s.u IN ({marks})"""
        all_params = [*params, *roots, *roots]
    query = (
        f"WITH s AS MATERIALIZED ({sql}) "
        f"SELECT p.placed, p.y{out_dims}, SUM(p.n) FROM ({placed}) p GROUP BY p.placed, p.y{out_dims}"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, all_params)
        return cursor.fetchall()
