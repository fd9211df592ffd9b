"""Placing records under the scope's children in the database.

An indicator's query gives its records as rows (unit, date, breakdown values, measure). Instead of
returning groups of them to Python — about a million at national scale — and looking each one up in
`Context.placement`, the rows are joined with a placement table derived from the closure alone:

    p(u, placed, f, t): a record of unit u dated f <= day < t counts under `placed` — the root's child
    that held u on that day (c1: the child's depth-1 link to a root; c2: u's link to the child; [f, t)
    the intersection of both intervals), or the root itself for its own records (f, t NULL);

and grouped by (placed, year, breakdown values) in the same pass: a few hundred rows come back. The
records are never grouped by day first and the closure is read once per query (about 150,000 rows at
national scale, a hash join on PostgreSQL), not probed twice per record group. The result is the same
as `Tally.add` per group (`Context.child`); `tests/test_placement_sql.py` compares every indicator with
that path on the demo, and `bench/national_check.py` on the national bench.

On PostgreSQL the records are read first and hashed against p. SQLite (the embedded, province-scale
database) builds no index on a materialised p and would scan it once per record, so there p is read
first and each of its rows seeks the records of its unit through their unit index (`grouped_rows`; the
members who joined through the people's (union, joining day) index: `placed_members_rows`).

With `by_root=True` (targets), p is the closure below every root (at any depth, itself included), so one
query gives the yearly figure of every target unit at once.
"""

# ruff: noqa: S608 - only table names, column aliases and %s placeholders are formatted in; values are params

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import QuerySet

from phoihop.orgs.models import Unit, UnitClosure

CLOSURE = UnitClosure._meta.db_table
UNIT = Unit._meta.db_table


def _year(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column}) AS integer)"
    # SQLite keeps a date as its ISO text: the year is its first four characters (strftime parses the
    # whole date, for each of a province's 21,000 members twice).
    return f"CAST(substr({column}, 1, 4) AS integer)"


def _year_end(column: str) -> str:
    """31 December of the integer year in `column`, as a date the closure's columns compare with."""
    if connection.vendor == "postgresql":
        return f"make_date(CAST({column} AS integer), 12, 31)"
    return f"printf('%%04d-12-31', {column})"


def depth_one_links(roots: list[int]) -> list[tuple]:
    """(child, valid_from, valid_to) of every closure link of depth 1 below the roots."""
    return list(
        UnitClosure.objects.filter(ancestor_id__in=roots, depth=1)
        .order_by("descendant_id", "valid_from")
        .values_list("descendant_id", "valid_from", "valid_to")
    )


def _placement(roots: list[int], *, by_root: bool, children: list[tuple] | None) -> tuple[str, list]:
    """Rows (u, placed, f, t): records of unit u dated f <= day < t count under `placed`; f and t NULL:
    on every day. Derived from the closure alone, so a few rows per unit of the scope whatever the
    number of records (at national scale about 150,000 rows, against millions of records)."""
    marks = ", ".join(["%s"] * len(roots))
    if by_root:
        # Every root that held the unit on the day, at any depth, itself included.
        return (
            f"""SELECT c.descendant_id AS u, c.ancestor_id AS placed, c.valid_from AS f, c.valid_to AS t
            FROM {CLOSURE} c WHERE c.ancestor_id IN ({marks})""",
            list(roots),
        )
    # c1: a child (depth 1) of a root — read first, on PostgreSQL a few dozen rows written in as VALUES so
    # that the planner knows how few they are and reads c2 (the units under each child) by the closure's
    # ancestor index; c2: a unit under that child. Both must hold on the record's day, so the pair holds
    # on the intersection of their intervals. A root's own records count under the root on every day
    # (the "(trực tiếp)" line). A pair whose intervals do not meet gets f >= t and matches no day; it is
    # not filtered out here, so that PostgreSQL estimates this table's size from the closure's
    # statistics (a range condition on c2 made it guess a few hundred rows for 150,000, and then plan
    # nested loops over millions of records).
    # Typed NULLs: alone (no children), the branch must still give f and t the closure's date type.
    own = (
        "SELECT u.id AS u, u.id AS placed, CAST(NULL AS date) AS f, CAST(NULL AS date) AS t"
        f" FROM {UNIT} u WHERE u.id IN ({marks})"
    )
    pairs = f"""
            SELECT c2.descendant_id AS u, c1.child AS placed,
                CASE WHEN c1.vf > c2.valid_from THEN c1.vf ELSE c2.valid_from END AS f,
                CASE WHEN c1.vt < c2.valid_to THEN c1.vt ELSE c2.valid_to END AS t
            FROM c1 CROSS JOIN {CLOSURE} c2
            WHERE c2.ancestor_id = c1.child"""
    if connection.vendor != "postgresql":
        # SQLite plans without estimates: c1 is read from the closure in the query itself. Written in, the
        # 324 children of a province's two roots (a party bloc holds its cells directly) were 1,300
        # parameters to bind and parse in each of a report's queries.
        c1 = f"SELECT descendant_id, valid_from, valid_to FROM {CLOSURE} WHERE ancestor_id IN ({marks}) AND depth = 1"
        return f"WITH c1 (child, vf, vt) AS ({c1}) {pairs} UNION ALL {own}", [*roots, *roots]
    if children is None:
        children = depth_one_links(roots)
    if not children:
        return own, list(roots)
    rows = ", ".join(["(%s, %s, %s)"] * len(children))
    ids = sorted({child for child, _f, _t in children})
    # `c2.ancestor_id IN (…)` repeats the join's condition with the ids written out: PostgreSQL then
    # estimates c2's rows from the closure's most-common ancestors (thousands per child) rather than
    # from the average (a handful), and hashes the placement table instead of looping over it.
    return (
        f"""WITH c1 (child, vf, vt) AS (VALUES {rows}){pairs} AND c2.ancestor_id IN ({", ".join(["%s"] * len(ids))})
            UNION ALL
            {own}""",
        [*(v for row in children for v in row), *ids, *roots],
    )


def grouped_rows(
    inner: QuerySet,
    *,
    roots: list[int],
    dims: tuple[str, ...],
    yearly: bool = False,
    by_root: bool = False,
    children: list[tuple] | None = None,
    split: bool = False,
    kept: dict[str, str] | None = None,
    sums: tuple[str, ...] = ("n",),
) -> list[tuple]:
    """inner: a values() queryset (or SQL and parameters) with columns u (unit id), d (date; with
    `yearly` an integer year), the `dims` columns and n (the measure) — one row per record or per group
    of records, either sums the same (on SQLite one row per record: see below). `sums`: the measure
    columns summed, when not n alone (each then one sum at the end of the row). `children`:
    depth_one_links(roots) when the caller has them already. Returns rows (placed unit id, year, *dims,
    sum of n); with `split` (dims g, e, o of counted records), those rows summed by `_split`. With `kept`
    (SQLite, dims g, e, o): name → a condition on the rows x (e.g. on their ownership x.o), and a dict
    name → `_split` rows of the rows meeting it, all from one pass over the records (`_split_each`)."""
    if not roots:
        return {} if kept is not None else []
    if kept is not None and connection.vendor == "postgresql":
        raise ValueError("kept: SQLite only")
    sql, params = inner if isinstance(inner, tuple) else inner.query.sql_with_params()
    placement, placement_params = _placement(list(dict.fromkeys(roots)), by_root=by_root, children=children)
    day = _year_end("s.d") if yearly else "s.d"
    year = "s.d" if yearly else _year("s.d")
    dims_sql = "".join(f", s.{d}" for d in dims)

    def placed(tables: str) -> str:
        return (
            f"SELECT p.placed, {year} AS y{dims_sql}, {', '.join(f'SUM(s.{c})' for c in sums)} FROM {tables} "
            f"WHERE p.u = s.u AND (p.f IS NULL OR (p.f <= {day} AND p.t > {day})) "
            f"GROUP BY p.placed, {year}{dims_sql}"
        )

    if connection.vendor != "postgresql":
        # SQLite (the province-scale embedded database) builds no index on a materialised table, so the
        # placement rows are read first (a few per unit of the scope: 1,300 for a province) and each seeks
        # its unit's records through the records' own unit index: SQLite flattens `inner` into this join,
        # which is why it must be one row per record (no GROUP BY, DISTINCT or LIMIT), and
        # tests/test_placement_sql.py holds every report query to that plan. Before, the records were
        # grouped by (unit, day, dims) and each group probed the closure twice (c2: its unit's ancestors;
        # c1: which of them a root's child): the referrals of a province's five years 0.041 s → 0.022 s.
        query = f"WITH p AS MATERIALIZED ({placement}) " + placed(f"p CROSS JOIN ({sql}) s")
        return _rows(query, [*placement_params, *params], split=split, kept=kept)
    # The records are joined with the placement rows of their unit (a hash join) and grouped by
    # (placed, year, dims) in the same pass: a few hundred rows come back, and the records are never
    # grouped by day first (at national scale, millions of groups).
    # The records are read first, on their own (their filters are the selective part), then hashed
    # against the placement table.
    # By root (the targets: every descendant of hundreds of target units, 227,000 rows at national scale)
    # the placement is left to the planner, which hashes it; materialised, it was sorted for a merge join
    # (grassroots founded for 442 target units: 0.18 s, now 0.11 s). The rows are the same either way.
    materialized = "" if by_root else "MATERIALIZED "
    query = f"WITH s AS MATERIALIZED ({sql}), p AS {materialized}({placement}) " + placed("s CROSS JOIN p")
    return _rows(query, [*params, *placement_params], split=split)


def _rows(query: str, params: list, *, split: bool, kept: dict[str, str] | None = None) -> list[tuple]:
    if kept is not None:
        return _split_each(query, params, kept)
    if split:
        return _split(query, params, none=None)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def yearly_members(
    units: QuerySet,
    achieved: QuerySet,
    *,
    roots: list[int],
    years: list[int],
    children: list[tuple] | None = None,
    one_unit_per_key: bool = False,
) -> list[tuple]:
    """For "the lowest year's share" indicators. units: a values() queryset with columns u (unit id),
    k (the member key), fo and di (founded, dissolved; NULL: open); achieved: a values() queryset with
    columns y (year) and k (key). A member counts in year Y when its unit existed during Y and stood
    under the roots' children on 31 December Y. Returns rows (placed unit id, year, members, achieved
    members) per child, and (None, year, members, achieved members) over the whole scope — keys counted
    once each. `one_unit_per_key`: the key is the unit itself, which stands under one child on a given
    day (the closure's rows of a unit and an ancestor never overlap): each (child, year, key) is then one
    row, and plain counts are the distinct counts, without the two sorts of COUNT(DISTINCT) over the
    700,000 (child, year, unit) rows of a national scope."""
    if not roots or not years:
        return []

    def count(column: str) -> str:
        return f"COUNT({column})" if one_unit_per_key else f"COUNT(DISTINCT {column})"

    units_sql, units_params = units.query.sql_with_params()
    achieved_sql, achieved_params = achieved.query.sql_with_params()
    placement, placement_params = _placement(list(dict.fromkeys(roots)), by_root=False, children=children)
    marks = ", ".join(["(%s, %s, %s)"] * len(years))
    year_params = [v for y in years for v in (y, date(y, 12, 31), date(y, 1, 1))]
    query = f"""
        WITH p AS MATERIALIZED ({placement}),
        yr (y, ye, ys) AS (VALUES {marks}),
        a AS MATERIALIZED (SELECT DISTINCT x.y, x.k FROM ({achieved_sql}) x),
        m AS MATERIALIZED (
            SELECT p.placed, yr.y, s.k, CASE WHEN a.k IS NULL THEN NULL ELSE s.k END AS ok
            FROM ({units_sql}) s CROSS JOIN yr CROSS JOIN p
                LEFT JOIN a ON a.y = yr.y AND a.k = s.k
            WHERE p.u = s.u AND (p.f IS NULL OR (p.f <= yr.ye AND p.t > yr.ye))
                AND (s.fo IS NULL OR s.fo <= yr.ye) AND (s.di IS NULL OR s.di >= yr.ys))
        SELECT m.placed, m.y, {count("m.k")}, {count("m.ok")} FROM m GROUP BY m.placed, m.y
        UNION ALL
        SELECT NULL, m.y, {count("m.k")}, {count("m.ok")} FROM m GROUP BY m.y"""
    all_params = [*placement_params, *year_params, *achieved_params, *units_params]
    if one_unit_per_key and connection.vendor == "postgresql":
        # Each (child, unit) pair counts in a run of years, [y0, y1]: those whose 31 December falls in
        # the placement's interval, from the unit's founding year to its dissolution year. The pairs are
        # grouped by run and the runs spread over the years, instead of one row per pair and year.
        first, last = min(years), max(years)
        query = f"""
        WITH p AS MATERIALIZED ({placement}),
        yr (y, ye, ys) AS (VALUES {marks}),
        a AS MATERIALIZED (SELECT DISTINCT x.y, x.k FROM ({achieved_sql}) x),
        pairs AS MATERIALIZED (
            SELECT p.placed, s.k,
                GREATEST({_year("p.f")}, {_year("s.fo")}, {first}) AS y0,
                LEAST({_year("p.t")} - 1, {_year("s.di")}, {last}) AS y1
            FROM ({units_sql}) s JOIN p ON p.u = s.u),
        runs AS (SELECT placed, y0, y1, COUNT(*) AS n FROM pairs WHERE y0 <= y1 GROUP BY placed, y0, y1),
        members AS (
            SELECT runs.placed, yr.y, SUM(runs.n) AS n FROM runs JOIN yr ON yr.y BETWEEN runs.y0 AND runs.y1
            GROUP BY runs.placed, yr.y),
        done AS (
            SELECT pairs.placed, a.y, COUNT(*) AS n FROM pairs JOIN a ON a.k = pairs.k AND a.y BETWEEN pairs.y0 AND pairs.y1
            GROUP BY pairs.placed, a.y),
        both_ AS MATERIALIZED (
            SELECT m.placed, m.y, m.n, COALESCE(d.n, 0) AS ok FROM members m
            LEFT JOIN done d ON d.placed = m.placed AND d.y = m.y)
        SELECT placed, y, n, ok FROM both_
        UNION ALL
        SELECT NULL, y, SUM(n), SUM(ok) FROM both_ GROUP BY y"""
        # GREATEST/LEAST skip NULLs: no founding or dissolution date, or a root's own row (no interval).
    with connection.cursor() as cursor:
        cursor.execute(query, all_params)
        return [(placed, year, int(n), int(ok)) for placed, year, n, ok in cursor.fetchall()]


# ---- members who joined: the maintained rollup (records migration 0006, PostgreSQL only) ------------
# `records_joined_rollup` holds, per ancestor unit (depth >= 1), year and breakdown, the people who joined
# while their union stood under that unit; database triggers keep it equal to the people, their timeline
# rows, the enterprises and the closure. A child's figure for a whole calendar year during which it stood
# under its root the whole year is then one row per breakdown instead of a pass over the people.

ROLLUP = "records_joined_rollup"


def full_years(years: list[int], start: date, end: date, links: list[tuple] | None) -> list[int]:
    """The years of the period the rollup answers: inside the period from 1 January to 31 December, and
    (a scope's children: `links`, depth-1 (child, from, to)) crossed by no change of a child's link —
    a child then stood under its root either the whole year or not at all."""
    out = []
    for year in years:
        first, last = date(year, 1, 1), date(year, 12, 31)
        if first < start or last > end:
            continue
        if links and any(first < day <= last for _c, vf, vt in links for day in (vf, vt)):
            continue
        out.append(year)
    return out


def other_days(years: list[int], start: date, end: date, full: list[int]) -> list[tuple[date, date]]:
    """The period's days outside `full` years, as merged ranges [first, last]."""
    ranges: list[tuple[date, date]] = []
    for year in years:
        if year in full:
            continue
        lo, hi = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
        if ranges and (lo - ranges[-1][1]).days == 1:
            ranges[-1] = (ranges[-1][0], hi)
        else:
            ranges.append((lo, hi))
    return ranges


def _c1(links: list[tuple]) -> tuple[str, list]:
    rows = ", ".join(["(%s, %s, %s)"] * len(links))
    return f"c1 (child, vf, vt) AS (VALUES {rows})", [v for link in links for v in link]


def rollup_rows(
    *, roots: list[int], years: list[int], by_root: bool, links: list[tuple] | None
) -> list[tuple]:
    """Rows (placed, year, gender, ethnicity, ownership, n) of the rollup for whole `years` under each
    root (by_root, the breakdowns summed away), or, under each root's child that held its units the
    whole year, `_split` rows. The units' own members (depth 0) are not in it: see `own_members_rows`."""
    if not years or not roots:
        return []
    if by_root:  # targets: each unit's yearly figure, the breakdowns summed away
        query = f"""SELECT r.unit_id, r.year, '', '', '', SUM(r.n) FROM {ROLLUP} r
            WHERE r.unit_id = ANY(%s) AND r.year = ANY(%s) AND r.n <> 0 GROUP BY r.unit_id, r.year"""
        params: list = [list(dict.fromkeys(roots)), years]
    else:
        if not links:
            return []
        c1, params = _c1(links)
        query = f"""WITH {c1}
            SELECT c1.child, r.year, r.gender, r.ethnicity, r.ownership, SUM(r.n) FROM c1 JOIN {ROLLUP} r
                ON r.unit_id = c1.child AND r.year = ANY(%s) AND r.n <> 0
                AND c1.vf <= make_date(r.year, 1, 1) AND c1.vt > make_date(r.year, 12, 31)
            GROUP BY c1.child, r.year, r.gender, r.ethnicity, r.ownership"""
        params.append(years)
        return _split(query, params, none="")
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return [(u, y, g, e, o or None, n) for u, y, g, e, o, n in cursor.fetchall()]


def _split(query: str, params: list, *, none: str) -> list[tuple]:
    """The rows (placed, year, gender, ethnicity, ownership, n) of `query` summed as a report reads them:
    ('unit', placed, year, n) per child and year, and ('gender' | 'ethnicity' | 'ownership', value, n)
    per breakdown value (`none`: the stored value of "no workplace", given as None) — a few hundred rows
    where the rows themselves are 12,000 for a national scope (3,200 for a province's members on SQLite,
    each a Tally.add_placed in Python)."""
    if connection.vendor == "postgresql":
        wrapped = f"""
        SELECT CASE WHEN GROUPING(x.placed) = 0 THEN 'unit' WHEN GROUPING(x.g) = 0 THEN 'gender'
                WHEN GROUPING(x.e) = 0 THEN 'ethnicity' ELSE 'ownership' END,
            x.placed, x.y, x.g, x.e, x.o, SUM(x.n)
        FROM ({query}) AS x (placed, y, g, e, o, n)
        GROUP BY GROUPING SETS ((x.placed, x.y), (x.g), (x.e), (x.o))"""
    else:  # SQLite has no grouping sets: the rows, materialised, grouped four times
        wrapped = f"""
        WITH x (placed, y, g, e, o, n) AS MATERIALIZED ({query})
        SELECT 'unit', x.placed, x.y, NULL, NULL, NULL, SUM(x.n) FROM x GROUP BY x.placed, x.y
        UNION ALL SELECT 'gender', NULL, NULL, x.g, NULL, NULL, SUM(x.n) FROM x GROUP BY x.g
        UNION ALL SELECT 'ethnicity', NULL, NULL, NULL, x.e, NULL, SUM(x.n) FROM x GROUP BY x.e
        UNION ALL SELECT 'ownership', NULL, NULL, NULL, NULL, x.o, SUM(x.n) FROM x GROUP BY x.o"""
    with connection.cursor() as cursor:
        cursor.execute(wrapped, params)
        found = cursor.fetchall()
    out = []
    for what, placed, year, g, e, o, n in found:
        if not n:
            continue
        if what == "unit":
            out.append((what, placed, year, n))
        else:
            value = {"gender": g, "ethnicity": e, "ownership": None if o == none else o}[what]
            out.append((what, value, n))
    return out


def _split_each(query: str, params: list, kept: dict[str, str]) -> dict[str, list[tuple]]:
    """SQLite: for each name of `kept`, the `_split` rows (none=None) of the rows of `query` that meet its
    condition — the rows materialised once and grouped four times per name (the three trainee figures
    read the same enrolments, each keeping those whose workplace it counts)."""
    selects = []
    for i, condition in enumerate(kept.values()):
        where = f"WHERE {condition}"
        selects += [
            f"SELECT {i}, 'unit', x.placed, x.y, NULL, NULL, NULL, SUM(x.n) FROM x {where} GROUP BY x.placed, x.y",
            f"SELECT {i}, 'gender', NULL, NULL, x.g, NULL, NULL, SUM(x.n) FROM x {where} GROUP BY x.g",
            f"SELECT {i}, 'ethnicity', NULL, NULL, NULL, x.e, NULL, SUM(x.n) FROM x {where} GROUP BY x.e",
            f"SELECT {i}, 'ownership', NULL, NULL, NULL, NULL, x.o, SUM(x.n) FROM x {where} GROUP BY x.o",
        ]
    wrapped = f"WITH x (placed, y, g, e, o, n) AS MATERIALIZED ({query}) " + " UNION ALL ".join(selects)
    with connection.cursor() as cursor:
        cursor.execute(wrapped, params)
        found = cursor.fetchall()
    names = list(kept)
    out: dict[str, list[tuple]] = {name: [] for name in names}
    for i, what, placed, year, g, e, o, n in found:
        if not n:
            continue
        if what == "unit":
            out[names[i]].append((what, placed, year, n))
        else:
            out[names[i]].append((what, {"gender": g, "ethnicity": e, "ownership": o}[what], n))
    return out


def _joined_branches(
    *,
    lead: str,
    placed: tuple[str, str],
    match: tuple[str, str],
    days: str,
    breakdowns: bool = True,
    grouped: bool = False,
) -> str:
    """Rows (u, d, g, e, o, n) — `placed` (the union, or where the caller places it), the joining day,
    gender, ethnicity, workplace ownership on that day, 1 — of the people who joined on `days` (a
    condition on p.union_joined_on) in a union that `match` accepts: records.timeline's rule in two
    branches, people without a timeline row for that day by their own union column (`match[0]` on
    p.grassroots_union_id), the others by their timeline rows (`match[1]` on t.grassroots_union_id), each
    read through its union index. `lead`: a table read first, whose rows the matches name. Without
    `breakdowns`, rows (u, d, n): the people's own row and their workplace are not read (SQLite reads the
    people's ids and days from the union index alone). With `grouped` (SQLite), each branch gives its
    rows grouped: (u, y, g, e, o, n) with y the joining year and n how many — grouped where the rows are
    read, instead of every row passing through the union to be grouped after it (a province's 21,000
    people who joined: 0.038 -> 0.029 s); the two branches may give the same group, the caller sums."""
    people, row = (
        ", p.gender AS g, p.ethnicity AS e, en.ownership AS o",
        ", p.gender, p.ethnicity, en.ownership",
    )
    workplace = " LEFT JOIN orgs_enterprise en ON en.id = {}.enterprise_id"
    if not breakdowns:
        people = row = workplace = ""
    day, name, one, group = "p.union_joined_on", "d", "1", ["", ""]
    if grouped:
        day, name, one = _year("p.union_joined_on"), "y", "COUNT(*)"
        group = [f" GROUP BY {placed[i]}, {day}{row}" for i in (0, 1)]
    return f"""
        SELECT {placed[0]} AS u, {day} AS {name}{people}, {one} AS n
        FROM {lead}records_person p{workplace.format("p")}
        WHERE {match[0]} AND ({days})
            AND NOT EXISTS (SELECT 1 FROM records_timelineentry t WHERE t.person_id = p.id
                AND t.valid_from <= p.union_joined_on AND t.valid_to > p.union_joined_on){group[0]}
        UNION ALL
        SELECT {placed[1]}, {day}{row}, {one}
        FROM {lead}records_timelineentry t JOIN records_person p ON p.id = t.person_id{workplace.format("t")}
        WHERE {match[1]} AND ({days})
            AND t.valid_from <= p.union_joined_on AND t.valid_to > p.union_joined_on{group[1]}"""


def member_facts(units: list[int], days: list[tuple[date, date]]) -> tuple[str, list]:
    """SQL and parameters of rows (u, d, g, e, o, n) — union on the joining day, that day, gender,
    ethnicity, workplace ownership, 1 — of the people who joined on one of the `days` ranges [first,
    last] while belonging to one of `units` (PostgreSQL: `_joined_branches` over an array of ids) —
    where the rule as one CASE (`union_on`) can only be computed, not looked up, for every person who
    joined that day."""
    on = " OR ".join(["p.union_joined_on BETWEEN %s AND %s"] * len(days))
    bounds = [v for span in days for v in span]
    sql = _joined_branches(
        lead="",
        placed=("p.grassroots_union_id", "t.grassroots_union_id"),
        match=("p.grassroots_union_id = ANY(%s)", "t.grassroots_union_id = ANY(%s)"),
        days=on,
    )
    return sql, [units, *bounds, units, *bounds]


def placed_members_rows(
    *,
    roots: list[int],
    start: date,
    end: date,
    by_root: bool,
    children: list[tuple] | None = None,
    dims: bool = True,
) -> list[tuple]:
    """SQLite: the people who joined `start`..`end`, placed as `grouped_rows` places them: `_split` rows,
    or without `dims` rows (placed, year, n). The
    placement rows (u, placed, f, t) are read first and each seeks the people of union u who joined in
    the period through the people's (union, joining day) index and the timeline's union index
    (`_joined_branches`): about 1,300 seeks for a province, instead of every person who joined that
    period (21,000 of 50,000) computing their union on the day, grouped by day and then probing the
    closure twice (0.16 s → 0.07 s for a province's five years at 50,000 people)."""
    if not roots:
        return []
    placement, placement_params = _placement(list(dict.fromkeys(roots)), by_root=by_root, children=children)
    days = "p.union_joined_on BETWEEN %s AND %s AND (pl.f IS NULL OR (pl.f <= p.union_joined_on AND pl.t > p.union_joined_on))"
    facts = _joined_branches(
        lead="pl CROSS JOIN ",  # CROSS JOIN: SQLite keeps the placement rows first
        placed=("pl.placed", "pl.placed"),
        match=("p.grassroots_union_id = pl.u", "t.grassroots_union_id = pl.u"),
        days=days,
        breakdowns=dims,
        grouped=True,
    )
    if dims:  # `_split` sums the groups, those of both branches alike
        query = f"WITH pl AS MATERIALIZED ({placement}) SELECT x.u, x.y, x.g, x.e, x.o, x.n FROM ({facts}) x"
    else:
        query = f"""WITH pl AS MATERIALIZED ({placement})
            SELECT x.u, x.y, SUM(x.n) FROM ({facts}) x GROUP BY x.u, x.y"""
    return _rows(query, [*placement_params, start, end, start, end], split=dims)


def own_members_rows(
    *, roots: list[int], years: list[int], by_root: bool, links: list[tuple] | None
) -> list[tuple]:
    """Rows (placed, year, gender, ethnicity, ownership, n) of the people who joined in `years` while
    belonging to a root itself or (not by_root) to a root's child itself, placed as `grouped_rows` places
    them: a root's under the root, a child's under the child on the days its link holds. Read through the
    union indexes of the people and of the timeline rows (records.timeline's rule, in two branches)."""
    if not years or not roots:
        return []
    links = [] if by_root else (links or [])
    units = list(dict.fromkeys([*roots, *(child for child, _f, _t in links)]))
    facts, params = member_facts(units, [(date(min(years), 1, 1), date(max(years), 12, 31))])
    placed = "SELECT s.u AS placed, s.d, s.g, s.e, s.o FROM s WHERE s.u = ANY(%s)"
    params.append(list(dict.fromkeys(roots)))
    head = f"WITH s AS MATERIALIZED ({facts})"
    if links:
        c1, c1_params = _c1(links)
        head += f", {c1}"
        params[len(params) - 1 : len(params) - 1] = c1_params  # the VALUES come before the roots
        placed += """ UNION ALL
            SELECT c1.child, s.d, s.g, s.e, s.o FROM s JOIN c1
                ON s.u = c1.child AND c1.vf <= s.d AND c1.vt > s.d"""
    query = f"""{head}
        SELECT x.placed, {_year("x.d")} AS y, x.g, x.e, x.o, COUNT(*) FROM ({placed}) x
        WHERE {_year("x.d")} = ANY(%s)
        GROUP BY x.placed, {_year("x.d")}, x.g, x.e, x.o"""
    params.append(years)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


# ---- referrals and trainees: the maintained rollup (records migration 0007, PostgreSQL only) ----------
RECORD_ROLLUP = "records_record_rollup"
NO_WORKPLACE = "-"
# Which workplaces on the record's day a figure keeps: every record, those with a workplace, those
# whose workplace is not state-owned.
OWNERSHIP_FILTERS = {
    None: "",
    "workplace": f" AND r.ownership <> '{NO_WORKPLACE}'",
    "non_state": f" AND r.ownership NOT IN ('{NO_WORKPLACE}', 'nha_nuoc')",
}


def record_rollup_rows(
    kind: str,
    *,
    roots: list[int],
    years: list[int],
    by_root: bool,
    links: list[tuple] | None,
    workplace: str | None = None,
) -> list[tuple]:
    """Rows of `kind` ('referral', 'enrolment') for whole `years`: (placed, year, '', '', '', n) under
    each root at any depth (by_root), or, under each root's child that held the record's unit the whole
    year and the roots' own records, `_split` rows (the roots' own records alone: plain rows)."""
    if not years or not roots:
        return []
    keep = OWNERSHIP_FILTERS[workplace]
    roots = list(dict.fromkeys(roots))
    own = f"""SELECT r.unit_id, r.year, r.gender, r.ethnicity, r.ownership, SUM(r.n) FROM {RECORD_ROLLUP} r
        WHERE r.kind = %s AND r.unit_id = ANY(%s) AND r.year = ANY(%s) AND r.n <> 0{keep}{{own}}
        GROUP BY r.unit_id, r.year, r.gender, r.ethnicity, r.ownership"""
    if by_root:  # targets: each unit's yearly figure, the breakdowns summed away
        query = f"""SELECT r.unit_id, r.year, '', '', '', SUM(r.n) FROM {RECORD_ROLLUP} r
            WHERE r.kind = %s AND r.unit_id = ANY(%s) AND r.year = ANY(%s) AND r.n <> 0{keep}
            GROUP BY r.unit_id, r.year"""
        params = [kind, roots, years]
    elif not links:
        query, params = own.format(own=" AND r.own"), [kind, roots, years]
    else:
        c1, params = _c1(links)
        query = f"""WITH {c1}
            SELECT c1.child, r.year, r.gender, r.ethnicity, r.ownership, SUM(r.n) FROM c1 JOIN {RECORD_ROLLUP} r
                ON r.kind = %s AND r.unit_id = c1.child AND r.year = ANY(%s) AND r.n <> 0{keep}
                AND c1.vf <= make_date(r.year, 1, 1) AND c1.vt > make_date(r.year, 12, 31)
            GROUP BY c1.child, r.year, r.gender, r.ethnicity, r.ownership
            UNION ALL {own.format(own=" AND r.own")}"""
        params += [kind, years, kind, roots, years]
        return _split(query, params, none=NO_WORKPLACE)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return [(u, y, g, e, None if o == NO_WORKPLACE else o, n) for u, y, g, e, o, n in cursor.fetchall()]


def distinct_counts(inner: QuerySet, *, roots: list[int], children: list[tuple] | None = None) -> list[tuple]:
    """For figures counting people once each: `inner`, a values() queryset with columns u (unit id), d
    (the day the record is placed on, as `grouped_rows` places), k (the key counted), y (the year it
    counts in) and g, e, o (breakdowns); its records are read first, then hashed against the placement.
    Returns rows (what, value, distinct keys, first day): what 'total' (value None), 'year', 'unit'
    (value: the placed unit id; first day: the earliest record placed there), 'gender', 'ethnicity',
    'ownership' (values as a report shows them: '?' for none, no workplace as 'khong_doanh_nghiep')."""
    if not roots:
        return []
    sql, params = inner if isinstance(inner, tuple) else inner.query.sql_with_params()
    placement, placement_params = _placement(list(dict.fromkeys(roots)), by_root=False, children=children)
    query = f"""
        WITH s AS MATERIALIZED ({sql}), p AS MATERIALIZED ({placement}),
        x AS MATERIALIZED (
            SELECT p.placed, s.k, s.y, s.d, {_DISTINCT_DIMS}
            FROM s CROSS JOIN p WHERE p.u = s.u AND (p.f IS NULL OR (p.f <= s.d AND p.t > s.d)))
        {_DISTINCT_COUNTS}"""
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, *placement_params])
        return cursor.fetchall()


# The breakdowns as a report shows them ('?' for none, no workplace as 'khong_doanh_nghiep'), from the
# columns g, e, o of `s`; and the rows `distinct_counts` returns, from the placed records `x` (placed, k, y,
# d, g, e, o).
_DISTINCT_DIMS = """COALESCE(NULLIF(s.g, ''), '?') AS g, COALESCE(NULLIF(s.e, ''), '?') AS e,
                COALESCE(NULLIF(s.o, ''), 'khong_doanh_nghiep') AS o"""
_DISTINCT_COUNTS = """SELECT 'total', NULL, COUNT(DISTINCT x.k), CAST(NULL AS date) FROM x
        UNION ALL SELECT 'year', CAST(x.y AS text), COUNT(DISTINCT x.k), NULL FROM x GROUP BY x.y
        UNION ALL SELECT 'unit', CAST(x.placed AS text), COUNT(DISTINCT x.k), MIN(x.d) FROM x GROUP BY x.placed
        UNION ALL SELECT 'gender', x.g, COUNT(DISTINCT x.k), NULL FROM x GROUP BY x.g
        UNION ALL SELECT 'ethnicity', x.e, COUNT(DISTINCT x.k), NULL FROM x GROUP BY x.e
        UNION ALL SELECT 'ownership', x.o, COUNT(DISTINCT x.k), NULL FROM x GROUP BY x.o"""


def referred_admitted_counts(*, roots: list[int], start: date, end: date) -> list[tuple]:
    """SQLite: `distinct_counts` rows of the people admitted `start`..`end` on or after a referral, each
    referral placed on its own day, the admission's year, and the person's breakdowns on the admission
    day (records.timeline's rule: their timeline row of that day, else their own columns). As
    `grouped_rows` does on SQLite, the placement rows are read first and each seeks its unit's referrals
    by their unit index, instead of the scope's referrals coming back to Python as rows (2,000 for a
    province's five years) and each placed by `Context.child`."""
    if not roots:
        return []
    placement, placement_params = _placement(list(dict.fromkeys(roots)), by_root=False, children=None)
    query = f"""
        WITH p AS MATERIALIZED ({placement}),
        x AS MATERIALIZED (
            SELECT p.placed, s.k, s.y, s.d, {_DISTINCT_DIMS}
            FROM p CROSS JOIN (
                SELECT r.referring_unit_id AS u, r.referred_on AS d, r.person_id AS k,
                    {_year("a.admitted_on")} AS y, pe.gender AS g, pe.ethnicity AS e,
                    CASE WHEN t.id IS NULL THEN en.ownership ELSE en2.ownership END AS o
                FROM records_referral r JOIN records_admission a ON a.person_id = r.person_id
                    JOIN records_person pe ON pe.id = r.person_id
                    LEFT JOIN records_timelineentry t ON t.person_id = r.person_id
                        AND t.valid_from <= a.admitted_on AND t.valid_to > a.admitted_on
                    LEFT JOIN orgs_enterprise en ON en.id = pe.enterprise_id
                    LEFT JOIN orgs_enterprise en2 ON en2.id = t.enterprise_id
                WHERE a.admitted_on BETWEEN %s AND %s AND r.referred_on <= a.admitted_on) s
            WHERE p.u = s.u AND (p.f IS NULL OR (p.f <= s.d AND p.t > s.d)))
        {_DISTINCT_COUNTS}"""
    with connection.cursor() as cursor:
        cursor.execute(query, [*placement_params, start, end])
        return cursor.fetchall()


# ---- admissions: the admitted people's columns (records migration 0008, PostgreSQL only) ---------------
# `records_admitted_person` holds gender, ethnicity, workplace and business owner of the people who have an
# admission, kept by triggers: the admission queries join it instead of probing the people table 50,000
# times. Their workplace on a day follows records.timeline's rule as `indicators.context` writes it.

_ADMITTED_OWNERSHIP = "CASE WHEN t.id IS NULL THEN en.ownership ELSE en2.ownership END"
_ADMITTED_JOINS = """
    LEFT JOIN records_timelineentry t
        ON t.person_id = ap.person_id AND t.valid_from <= a.admitted_on AND t.valid_to > a.admitted_on
    LEFT JOIN orgs_enterprise en ON en.id = ap.enterprise_id
    LEFT JOIN orgs_enterprise en2 ON en2.id = t.enterprise_id"""


def admissions_in_enterprises_facts(*, party_roots: list[int], start: date, end: date) -> tuple[str, list]:
    """SQL and parameters of rows (u, d, g, e, o, b, n) of the admissions dated `start`..`end` by a unit
    that stood under the party roots on some day and had, on the admission day, an ancestor (or itself)
    among those units sitting in an enterprise; b: the person is a business owner."""
    scope = f"SELECT descendant_id FROM {CLOSURE} WHERE ancestor_id = ANY(%s)"
    sql = f"""
        SELECT a.party_unit_id AS u, a.admitted_on AS d, ap.gender AS g, ap.ethnicity AS e,
            {_ADMITTED_OWNERSHIP} AS o, ap.is_business_owner AS b, 1 AS n
        FROM records_admission a JOIN records_admitted_person ap ON ap.person_id = a.person_id{_ADMITTED_JOINS}
        WHERE a.admitted_on BETWEEN %s AND %s AND a.party_unit_id IN ({scope})
            AND EXISTS (SELECT 1 FROM {CLOSURE} c JOIN {UNIT} x ON x.id = c.ancestor_id
                WHERE c.descendant_id = a.party_unit_id AND x.enterprise_id IS NOT NULL
                    AND c.ancestor_id IN ({scope})
                    AND c.valid_from <= a.admitted_on AND c.valid_to > a.admitted_on)"""
    roots = list(dict.fromkeys(party_roots))
    return sql, [start, end, roots, roots]


def referred_admitted_facts(*, start: date, end: date, union_roots: list[int] | None) -> tuple[str, list]:
    """SQL and parameters of rows (u, d, k, y, g, e, o) of the referrals of people admitted `start`..`end`
    on or after the referral: the referring unit, the referral's day, the person, the admission's year and
    the person's breakdowns on the admission day. `union_roots`: read only the referrals of units under
    them (a small scope), else every referral (the placement is the filter)."""
    sql = f"""
        SELECT r.referring_unit_id AS u, r.referred_on AS d, r.person_id AS k,
            CAST(EXTRACT(YEAR FROM a.admitted_on) AS integer) AS y, ap.gender AS g, ap.ethnicity AS e,
            {_ADMITTED_OWNERSHIP} AS o
        FROM records_referral r JOIN records_admission a ON a.person_id = r.person_id
            JOIN records_admitted_person ap ON ap.person_id = r.person_id{_ADMITTED_JOINS}
        WHERE a.admitted_on BETWEEN %s AND %s AND r.referred_on <= a.admitted_on"""
    params: list = [start, end]
    if union_roots is not None:
        sql += (
            f" AND r.referring_unit_id IN (SELECT descendant_id FROM {CLOSURE} WHERE ancestor_id = ANY(%s))"
        )
        params.append(list(dict.fromkeys(union_roots)))
    return sql, params
