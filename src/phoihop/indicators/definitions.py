"""Every indicator of indicators.md: one declaration and one aggregate query each.

Queries group records by (unit, date or year, breakdown dimensions) in the database; `Tally` then places
each group under the child of the scope that held its unit on the group's date — a loop over groups,
never over rows. Readings of the spec's open points are in docs/indicators.md.
"""

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from django.db import connection
from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.utils.translation import gettext_noop as _

from phoihop.orgs.models import Unit, UnitClosure
from phoihop.records.models import (
    Admission,
    Award,
    ContestEntry,
    CultureRecognition,
    DemocracyReport,
    Enrolment,
    Initiative,
    Person,
    Referral,
    TrainingClass,
    WelfareContribution,
    Work,
)

from .context import Context, at_date, ownership_on, union_on, workplace_on, year_end
from .placement_sql import (
    admissions_in_enterprises_facts,
    depth_one_links,
    distinct_counts,
    full_years,
    grouped_rows,
    member_facts,
    other_days,
    own_members_rows,
    placed_members_rows,
    record_rollup_rows,
    referred_admitted_counts,
    referred_admitted_facts,
    rollup_rows,
    yearly_members,
)
from .registry import Result, Tally, indicator, pct

PEOPLE_DIMS = ("gender", "ethnicity", "ownership")
_IN_PYTHON: ContextVar[bool] = ContextVar("indicators_placed_in_python", default=False)
_DIRECTLY: ContextVar[bool] = ContextVar("indicators_without_rollups", default=False)


@contextmanager
def placed_in_python() -> Iterator[None]:
    """Within this block, indicators place their groups group by group in Python (Context.child), the
    way they did before placement_sql: the reference the database placement is checked against
    (tests/test_placement_sql.py, bench/national_check.py). Not for by-root (targets) contexts."""
    token = _IN_PYTHON.set(True)
    try:
        yield
    finally:
        _IN_PYTHON.reset(token)


@contextmanager
def without_rollups() -> Iterator[None]:
    """Within this block, indicators read the records themselves, never a maintained rollup (records
    migration 0006): the database placement as it was before the rollup, which the rollup's figures
    are checked against (bench/national_check.py, tests/test_joined_rollup.py), targets included."""
    token = _DIRECTLY.set(True)
    try:
        yield
    finally:
        _DIRECTLY.reset(token)


def _rollup_usable() -> bool:
    return connection.vendor == "postgresql" and not _IN_PYTHON.get() and not _DIRECTLY.get()


def _sqlite_own(ctx: Context) -> bool:
    """SQLite, the report's own context (not the targets' by root, nor the Python reference placement's):
    where SQLite places figures in SQL or reads a family of them in one pass."""
    return connection.vendor == "sqlite" and not ctx.by_root and not _IN_PYTHON.get()


GRASSROOTS_PARTY = ("chi_bo_co_so", "dang_bo_co_so")


def _people_values(prefix: str, day: str) -> dict:
    """Gender, ethnicity, and the ownership of the person's workplace on the record's date `day`."""
    return {"g": F(f"{prefix}gender"), "e": F(f"{prefix}ethnicity"), "o": ownership_on(prefix, day)}


def _dims(row: dict) -> dict:
    return {"gender": row["g"], "ethnicity": row["e"], "ownership": row["o"] or "khong_doanh_nghiep"}


def _roots(ctx: Context, tree: str) -> list[int]:
    return [root.pk for root in ctx.roots(tree)]


def _links(ctx: Context, tree: str) -> list[tuple] | None:
    """The depth-1 closure links below the tree's roots, read once per context (every indicator of a
    report places its records under the same children). None in a by-root context and on SQLite, whose
    placement reads them in its own query (not needed)."""
    if ctx.by_root or connection.vendor != "postgresql":
        return None
    cache = ctx.__dict__.setdefault("_depth_one_links", {})
    if tree not in cache:
        cache[tree] = depth_one_links(list(dict.fromkeys(_roots(ctx, tree))))
    return cache[tree]


SMALL_SCOPE = 20_000  # units: below this, the database path keeps the scope's id semi-join


def _small(ctx: Context, tree: str) -> bool:
    """Whether the tree's scope holds few units (a district, a province): then the records are read
    through their unit index (an id semi-join) before placement, instead of scanning a national table.
    Counted once per context and tree."""
    cache = ctx.__dict__.setdefault("_small_scope", {})
    if tree not in cache:
        below = UnitClosure.objects.filter(ancestor__in=_roots(ctx, tree))
        cache[tree] = below[: SMALL_SCOPE + 1].count() <= SMALL_SCOPE
    return cache[tree]


def _ids(ctx: Context, tree: str):
    """The units that stood under the tree's roots on some day, as a closure subquery (never a list of
    ids written into the SQL: at national scale that is 150,000 literals to parse and plan)."""
    return UnitClosure.objects.filter(ancestor__in=_roots(ctx, tree)).values("descendant_id")


def _placed(ctx: Context, tree: str, inner, *, people: bool, yearly: bool = False) -> Tally:
    """A Tally filled from groups placed under the roots' children by the database."""
    dims = ("g", "e", "o") if people else ()
    rows = grouped_rows(
        inner,
        roots=_roots(ctx, tree),
        dims=dims,
        yearly=yearly,
        by_root=ctx.by_root,
        children=_links(ctx, tree),
        split=people,
    )
    return _tally_of(ctx, tree, rows, people=people)


def _codes(ctx: Context, ids: set[int]) -> dict[int, str]:
    """The codes of the units with these ids (placed units: the scope's children and roots, the same for
    every indicator of a report), looked up once per context."""
    known = ctx.__dict__.setdefault("_unit_codes", {})
    missing = ids - known.keys()
    if missing:
        known.update(Unit.objects.filter(pk__in=missing).values_list("pk", "code"))
    return known


def _distinct_result(ctx: Context, tree: str, rows: list[tuple]) -> Result:
    """The Result a distinct Tally gives, from `placement_sql.distinct_counts` rows: every child listed
    (0 when none), then the other units placed under in the order of their first record."""
    out = Result(
        value=0, by_year={str(y): 0 for y in ctx.years}, by_unit=dict.fromkeys(ctx.children(tree), 0)
    )
    dims = {"gender": {}, "ethnicity": {}, "ownership": {}}
    units = sorted((first, int(value), n) for what, value, n, first in rows if what == "unit")
    codes = _codes(ctx, {unit for _first, unit, _n in units})
    for what, value, n, _first in rows:
        if what == "total":
            out.value = n
        elif what == "year":
            out.by_year[value] = n
        elif what in dims:
            dims[what][value] = n
    for _first, unit, n in units:
        out.by_unit[codes[unit]] = n
    out.by_year = dict(sorted(out.by_year.items()))
    out.breakdowns = {f"by_{d}": dict(sorted(values.items())) for d, values in dims.items()}
    return out


def _tally_of(ctx: Context, tree: str, rows: list[tuple], *, people: bool) -> Tally:
    """A Tally filled from rows (placed unit id, year, *breakdowns, n) placed by the database, or, among
    them, rows already summed (placement_sql._split): ('unit', placed, year, n) counted in the total,
    year and unit only, and (breakdown, value, n) counted in that breakdown only."""
    split = [row for row in rows if isinstance(row[0], str)]
    if split:
        rows = [row for row in rows if not isinstance(row[0], str)]
        summed = [(placed, year, n) for what, placed, year, n in (r for r in split if r[0] == "unit")]
        tally = _tally_of(ctx, tree, [*rows, *((p, y, None, n) for p, y, n in summed)], people=people)
        for what, value, n in (r for r in split if r[0] != "unit"):
            shown = (value or "khong_doanh_nghiep") if what == "ownership" else value
            tally.dims[what][shown or "?"] += int(n)
        return tally
    dims = ("g", "e", "o") if people else ()
    tally = Tally(ctx, tree, dims=PEOPLE_DIMS if people else ())
    tally.placed = True
    if ctx.by_root and people:
        # Targets read each unit's yearly figure only (by_unit_year): the breakdowns are summed away
        # here, instead of adding every (unit, year, breakdown) row — 150,000 of them for the national
        # program's targets — one by one.
        summed: dict[tuple, int] = defaultdict(int)
        for placed, year, *rest in rows:
            summed[(placed, year)] += int(rest[-1] or 0)
        rows, people, dims = [(placed, year, n) for (placed, year), n in summed.items()], False, ()
    codes = _codes(ctx, {r[0] for r in rows})
    for placed, year, *rest in sorted(rows, key=lambda r: r[0]):
        *values, n = rest
        if people and values == [None]:  # a summed row (above): no breakdowns
            tally.add_placed(codes[placed], int(year), int(n or 0))
            continue
        extra = _dims(dict(zip(dims, values, strict=True))) if people else None
        tally.add_placed(codes[placed], int(year), int(n or 0), dims=extra)
    return tally


def _count_groups(
    ctx, tree, qs, unit_field, date_field, *, people_prefix=None, amount=None, keep=None, prefilter=False
) -> Result:
    """Count rows (or sum `amount`) grouped by unit and date, with people breakdowns when asked.
    keep(unit id, date): a condition on the group's unit and date checked in Python, when any;
    without one, the groups are placed under the scope's children in the database. `prefilter`: qs is
    not limited to the scope's units yet — the Python path and a small scope on PostgreSQL add the id
    semi-join; a national scope on PostgreSQL does without (the placement join is that filter, and the
    semi-join's estimate misled the planner into nested loops over millions of records), and so does
    SQLite, whose placement rows seek their units' records."""
    # Targets (by_root) read each unit's yearly figure only: the people breakdowns, and the timeline row
    # that gives the workplace's ownership, are left out rather than grouped and summed away.
    dims = PEOPLE_DIMS if people_prefix is not None and not ctx.by_root else ()
    values = {"u": F(unit_field), "d": F(date_field)} | (
        _people_values(people_prefix, date_field) if dims else {}
    )
    measure = Sum(amount) if amount else Count("pk")
    if dims:  # the person's workplace on the record's date (indicators.context)
        qs = at_date(qs, people_prefix, date_field)
    if keep is None and not _IN_PYTHON.get():
        # One row per record, placed and grouped in one pass (placement_sql.grouped_rows). SQLite reads
        # the records of each placement row's unit by their unit index: the placement is the filter.
        if prefilter and connection.vendor == "postgresql" and _small(ctx, tree):
            qs = qs.filter(**{f"{unit_field}__in": _ids(ctx, tree)})
        inner = qs.values(**values, n=F(amount) if amount else Value(1)).order_by()
        return _placed(ctx, tree, inner, people=bool(dims)).result()
    if prefilter:
        qs = qs.filter(**{f"{unit_field}__in": _ids(ctx, tree)})
    tally = Tally(ctx, tree, dims=dims)
    for row in qs.values(**values).annotate(n=measure).order_by():
        if keep is None or keep(row["u"], row["d"]):
            tally.add(row["u"], row["d"], row["n"] or 0, dims=_dims(row) if dims else None)
    return tally.result()


def _from_record_rollup(
    ctx: Context,
    tree: str,
    kind: str,
    qs,
    unit_field: str,
    date_field: str,
    *,
    workplace: str | None = None,
) -> Result:
    """PostgreSQL: records of `kind` (records migration 0007: referrals, trainees), each counted for its
    unit on its date with the people breakdowns: whole calendar years from the maintained rollup, the
    period's other days (a year cut by the period or by a child's transfer) from the records, as
    `_count_groups` reads them. `qs`: the records of the period; `workplace`: which of them the figure
    keeps (placement_sql.OWNERSHIP_FILTERS), as `qs` itself does."""
    roots, links = _roots(ctx, tree), _links(ctx, tree)
    years = full_years(ctx.years, ctx.date_from, ctx.date_to, links)
    rows = record_rollup_rows(
        kind, roots=roots, years=years, by_root=ctx.by_root, links=links, workplace=workplace
    )
    rest = other_days(ctx.years, ctx.date_from, ctx.date_to, years)
    if rest:
        days = Q()
        for first, last in rest:
            days |= Q(**{f"{date_field}__gte": first, f"{date_field}__lte": last})
        qs = at_date(qs.filter(days), "person__", date_field)
        if _small(ctx, tree):
            qs = qs.filter(**{f"{unit_field}__in": _ids(ctx, tree)})
        values = {"u": F(unit_field), "d": F(date_field)} | _people_values("person__", date_field)
        inner = qs.values(**values, n=Value(1)).order_by()
        rows += grouped_rows(inner, roots=roots, dims=("g", "e", "o"), by_root=ctx.by_root, children=links)
    return _tally_of(ctx, tree, rows, people=True).result()


def _yearly_groups(ctx, tree, qs, unit_field, *, amount=None, unitless_ok=False, prefilter=False) -> Result:
    """Yearly records: grouped by unit and year, each dated 31 December of its year, placed in the
    database; unit-less ones (when they count) added by year. `prefilter` as in _count_groups."""
    measure = Sum(amount) if amount else Count("pk")
    qs = qs.filter(year__in=ctx.years)
    inner = qs.values(u=F(unit_field), d=F("year")).annotate(n=measure).order_by()
    if _IN_PYTHON.get():
        if prefilter:
            inner = inner.filter(**{f"{unit_field}__in": _ids(ctx, tree)})
        tally = Tally(ctx, tree)
        for row in inner.filter(**{f"{unit_field}__isnull": False}):
            tally.add(row["u"], year_end(row["d"]), row["n"] or 0)
    elif connection.vendor == "postgresql":
        if prefilter and _small(ctx, tree):
            inner = inner.filter(**{f"{unit_field}__in": _ids(ctx, tree)})
        tally = _placed(ctx, tree, inner, people=False, yearly=True)
    else:  # SQLite: one row per record, as placement_sql.grouped_rows reads them there
        rows = qs.values(u=F(unit_field), d=F("year"), n=F(amount) if amount else Value(1)).order_by()
        tally = _placed(ctx, tree, rows, people=False, yearly=True)
    if unitless_ok:
        unitless = qs.filter(**{f"{unit_field}__isnull": True}).values(y=F("year")).annotate(n=measure)
        for row in unitless.order_by("y"):
            tally.add_placed(None, row["y"], row["n"] or 0)
    return tally.result()


def _yearly_together(
    ctx: Context, code: str, name: str, qs, unit_field: str, figures: dict, *, unitless_ok: bool = False
) -> Result:
    """SQLite: `_yearly_groups` (tree S) of several figures over the same records `qs`, read in one pass:
    `figures` maps each code to (a condition on the records or None, the amount field or None), and each
    figure gets the groups holding at least one of its records, summed as its own query sums them. The
    first figure asked reads them all (cached in the context under `name`), the others take theirs."""
    cache = ctx.__dict__.setdefault("_yearly_together", {})
    if name not in cache:
        cases = {}
        for i, (keep, amount) in enumerate(figures.values()):
            measure = F(amount) if amount else Value(1)
            cases[f"c{i}"] = Value(1) if keep is None else Case(When(keep, then=Value(1)), default=Value(0))
            cases[f"s{i}"] = measure if keep is None else Case(When(keep, then=measure), default=None)
        qs = qs.filter(year__in=ctx.years)
        rows = grouped_rows(
            qs.values(u=F(unit_field), d=F("year"), **cases).order_by(),
            roots=_roots(ctx, "S"),
            dims=(),
            yearly=True,
            children=_links(ctx, "S"),
            sums=tuple(cases),
        )
        unitless = []
        if unitless_ok:
            found = qs.filter(**{f"{unit_field}__isnull": True}).values(y=F("year"))
            found = found.annotate(**{c: Sum(e) for c, e in cases.items()}).order_by("y")
            unitless = [(row["y"], *(row[c] for c in cases)) for row in found]
        results = {}
        for i, each in enumerate(figures):
            # A figure's groups: those with records it keeps (c > 0), each with its sum.
            mine = [(r[0], r[1], r[3 + 2 * i]) for r in rows if r[2 + 2 * i]]
            tally = _tally_of(ctx, "S", mine, people=False)
            for row in unitless:
                if row[1 + 2 * i]:
                    tally.add_placed(None, row[0], row[2 + 2 * i] or 0)
            results[each] = tally.result()
        cache[name] = results
    return cache[name][code]


def _period(field: str, ctx: Context) -> Q:
    return Q(**{f"{field}__gte": ctx.date_from, f"{field}__lte": ctx.date_to})


def _in_or_unitless(field: str, ctx: Context, tree: str) -> Q:
    q = Q(**{f"{field}__in": _ids(ctx, tree)})
    return q | Q(**{f"{field}__isnull": True}) if ctx.count_unitless else q


# ---- organisation building -----------------------------------------------------------------------


@indicator(
    "union.grassroots_founded",
    _("Số CĐCS thành lập mới"),
    area="organisation",
    tree="U",
)
def grassroots_founded(ctx: Context) -> Result:
    qs = Unit.objects.filter(_period("founded_on", ctx), kind="cdcs")
    return _count_groups(ctx, "U", qs, "pk", "founded_on", prefilter=True)


@indicator(
    "union.members_admitted",
    _("Số đoàn viên phát triển mới"),
    area="organisation",
    tree="U",
)
def members_admitted(ctx: Context) -> Result:
    # The union the person belonged to on the day they joined, not the one they are in now.
    qs = at_date(
        Person.objects.unscoped().filter(_period("union_joined_on", ctx)), "", "union_joined_on"
    ).annotate(union_then=union_on("", "union_joined_on"))
    if _rollup_usable():
        return _members_from_rollup(ctx, qs)
    if connection.vendor != "postgresql" and not _IN_PYTHON.get():
        # SQLite: the placement rows seek the people by their union (placement_sql.placed_members_rows);
        # targets read each unit's yearly figure only, so the breakdowns are not grouped for them.
        rows = placed_members_rows(
            roots=_roots(ctx, "U"),
            start=ctx.date_from,
            end=ctx.date_to,
            by_root=ctx.by_root,
            children=_links(ctx, "U"),
            dims=not ctx.by_root,
        )
        return _tally_of(ctx, "U", rows, people=True).result()
    return _count_groups(ctx, "U", qs, "union_then", "union_joined_on", people_prefix="", prefilter=True)


def _members_from_rollup(ctx: Context, qs) -> Result:
    """PostgreSQL: whole calendar years from the maintained rollup (records_joined_rollup: the members
    under each unit below it) plus the members of the roots and children themselves; the period's other
    days — a year cut by the period or by a child's transfer — from the people, as `_count_groups` does."""
    roots, links = _roots(ctx, "U"), _links(ctx, "U")
    years = full_years(ctx.years, ctx.date_from, ctx.date_to, links)
    rows = rollup_rows(roots=roots, years=years, by_root=ctx.by_root, links=links)
    rows += own_members_rows(roots=roots, years=years, by_root=ctx.by_root, links=links)
    rest = other_days(ctx.years, ctx.date_from, ctx.date_to, years)
    if rest and _small(ctx, "U"):
        # A district's or province's people of those days, read by their union (the indexes).
        units = list(_ids(ctx, "U").values_list("descendant_id", flat=True))
        inner = member_facts(units, rest)
        rows += grouped_rows(inner, roots=roots, dims=("g", "e", "o"), by_root=ctx.by_root, children=links)
    elif rest:
        days = Q()
        for first, last in rest:
            days |= Q(union_joined_on__gte=first, union_joined_on__lte=last)
        values = {"u": F("union_then"), "d": F("union_joined_on")} | _people_values("", "union_joined_on")
        inner = qs.filter(days).values(**values, n=Value(1)).order_by()
        rows += grouped_rows(inner, roots=roots, dims=("g", "e", "o"), by_root=ctx.by_root, children=links)
    return _tally_of(ctx, "U", rows, people=True).result()


@indicator(
    "union.outstanding_referred",
    _("Số đoàn viên ưu tú giới thiệu cho Đảng"),
    area="party",
    tree="U",
)
def outstanding_referred(ctx: Context) -> Result:
    qs = Referral.objects.unscoped().filter(_period("referred_on", ctx))
    if _rollup_usable():
        return _from_record_rollup(ctx, "U", "referral", qs, "referring_unit", "referred_on")
    return _count_groups(
        ctx, "U", qs, "referring_unit", "referred_on", people_prefix="person__", prefilter=True
    )


@indicator(
    "union.referred_admitted",
    _("Số đoàn viên ưu tú được kết nạp Đảng"),
    area="party",
    tree="U",
)
def referred_admitted(ctx: Context) -> Result:
    qs = Referral.objects.unscoped().filter(
        person__admission__admitted_on__gte=ctx.date_from,
        person__admission__admitted_on__lte=ctx.date_to,
        referred_on__lte=F("person__admission__admitted_on"),
    )
    tally = Tally(ctx, "U", distinct=True, dims=PEOPLE_DIMS)
    qs = at_date(qs, "person__", "person__admission__admitted_on")
    if _rollup_usable() and not ctx.by_root:
        # Each referral placed (on its own date) and the people counted once each in the database; the
        # people's columns from the admitted people's table (records migration 0008). A national scope's
        # placement is its own filter; a small scope's referrals are read by unit.
        inner = referred_admitted_facts(
            start=ctx.date_from, end=ctx.date_to, union_roots=_roots(ctx, "U") if _small(ctx, "U") else None
        )
        return _distinct_result(
            ctx, "U", distinct_counts(inner, roots=_roots(ctx, "U"), children=_links(ctx, "U"))
        )
    if _sqlite_own(ctx):
        # The same rows on SQLite, the placement rows leading (placement_sql.referred_admitted_counts).
        rows = referred_admitted_counts(roots=_roots(ctx, "U"), start=ctx.date_from, end=ctx.date_to)
        return _distinct_result(ctx, "U", rows)
    rows = qs.filter(referring_unit__in=_ids(ctx, "U")).values(
        "person_id",
        "referring_unit_id",
        "referred_on",
        a=F("person__admission__admitted_on"),
        **_people_values("person__", "person__admission__admitted_on"),
    )
    for row in rows.order_by("referred_on"):
        tally.add(
            row["referring_unit_id"],
            row["a"],
            key=row["person_id"],
            dims=_dims(row),
            placed_on=row["referred_on"],
        )
    return tally.result()


# ---- party development ---------------------------------------------------------------------------


@indicator(
    "party.cells_founded_in_enterprises",
    _("Số tổ chức đảng thành lập trong doanh nghiệp"),
    area="party",
    tree="B",
)
def cells_founded(ctx: Context) -> Result:
    qs = Unit.objects.filter(_period("founded_on", ctx), kind__in=GRASSROOTS_PARTY, enterprise__isnull=False)
    return _count_groups(ctx, "B", qs, "pk", "founded_on", prefilter=True)


def _admissions_in_enterprises(ctx: Context, *, owners: bool = False) -> Result:
    """Admissions whose admitting unit, or one of its ancestors in B on the admission date, sits in an
    enterprise (`owners`: of business owners only). In PostgreSQL: an EXISTS over the closure rows of
    enterprise-holding ancestors, the people's columns from the admitted people's table (records
    migration 0008), placed once per context for both indicators (with the owner flag as one more
    breakdown). The reference path (placed_in_python) reads the enterprise-holding stretches
    of the tree once and checks each (unit, date) group against them."""
    party_ids = _ids(ctx, "B")
    qs = Admission.objects.unscoped().filter(_period("admitted_on", ctx), party_unit__in=party_ids)
    # SQLite (province scale, fast enough) keeps the Python check and with it the order its report lists
    # the units placed under that are not children of the period (byte-identical reports).
    if _rollup_usable():
        cache = ctx.__dict__.setdefault("_admissions_in_enterprises", {})
        if "rows" not in cache:
            inner = admissions_in_enterprises_facts(
                party_roots=_roots(ctx, "B"), start=ctx.date_from, end=ctx.date_to
            )
            cache["rows"] = grouped_rows(
                inner,
                roots=_roots(ctx, "B"),
                dims=("g", "e", "o", "b"),
                by_root=ctx.by_root,
                children=_links(ctx, "B"),
            )
        rows = [(*row[:5], row[6]) for row in cache["rows"] if row[5] or not owners]
        return _tally_of(ctx, "B", rows, people=True).result()
    if _sqlite_own(ctx):
        cache = ctx.__dict__.setdefault("_admissions_in_enterprises_sqlite", {})
        if not cache:
            cache.update(_admissions_in_enterprises_both(ctx, qs, party_ids))
        return cache[owners]
    if owners:
        qs = qs.filter(person__is_business_owner=True)
    stretches: dict[int, list[tuple[date, date]]] = defaultdict(list)
    below_enterprises = UnitClosure.objects.filter(ancestor__in=party_ids, ancestor__enterprise__isnull=False)
    for unit, start, end in below_enterprises.values_list("descendant_id", "valid_from", "valid_to"):
        stretches[unit].append((start, end))

    def in_enterprise_then(unit_id: int, day: date) -> bool:
        return any(start <= day < end for start, end in stretches.get(unit_id, ()))

    if connection.vendor == "sqlite":
        # The admissions of units that never stood under an enterprise-holding unit, which the check
        # drops (three in four of a province's), are not read at all.
        qs = qs.filter(party_unit__in=below_enterprises.values("descendant_id"))
    return _count_groups(
        ctx, "B", qs, "party_unit", "admitted_on", people_prefix="person__", keep=in_enterprise_then
    )


def _admissions_in_enterprises_both(ctx: Context, qs, party_ids) -> dict[bool, Result]:
    """SQLite: both figures of `_admissions_in_enterprises` (owners False, True) from one read of the
    admissions and of the enterprise-holding stretches: the groups carry the business-owner flag, every
    kept group counts in the first figure and those of owners in the second too (the reference path
    reads and checks them once per figure)."""
    stretches: dict[int, list[tuple[date, date]]] = defaultdict(list)
    below_enterprises = UnitClosure.objects.filter(ancestor__in=party_ids, ancestor__enterprise__isnull=False)
    for unit, start, end in below_enterprises.values_list("descendant_id", "valid_from", "valid_to"):
        stretches[unit].append((start, end))
    # The admissions of units that never stood under an enterprise-holding unit, which the check drops
    # (three in four of a province's), are not read at all.
    qs = at_date(
        qs.filter(party_unit__in=below_enterprises.values("descendant_id")), "person__", "admitted_on"
    )
    values = {"u": F("party_unit"), "d": F("admitted_on")} | _people_values("person__", "admitted_on")
    every, owners = Tally(ctx, "B", dims=PEOPLE_DIMS), Tally(ctx, "B", dims=PEOPLE_DIMS)
    groups = qs.values(**values, b=F("person__is_business_owner")).annotate(n=Count("pk"))
    for row in groups.order_by():
        unit, day = row["u"], row["d"]
        if any(start <= day < end for start, end in stretches.get(unit, ())):
            dims = _dims(row)
            every.add(unit, day, row["n"] or 0, dims=dims)
            if row["b"]:
                owners.add(unit, day, row["n"] or 0, dims=dims)
    return {False: every.result(), True: owners.result()}


@indicator(
    "party.members_admitted_in_enterprises",
    _("Số đảng viên kết nạp trong doanh nghiệp"),
    area="party",
    tree="B",
)
def admitted_in_enterprises(ctx: Context) -> Result:
    return _admissions_in_enterprises(ctx)


@indicator(
    "party.business_owners_admitted",
    _("Trong đó: chủ doanh nghiệp"),
    area="party",
    tree="B",
)
def owners_admitted(ctx: Context) -> Result:
    return _admissions_in_enterprises(ctx, owners=True)


@indicator(
    "party.training_classes",
    _("Số lớp bồi dưỡng kết nạp Đảng"),
    area="party",
    tree="B",
)
def training_classes(ctx: Context) -> Result:
    qs = TrainingClass.objects.unscoped().filter(_period("starts_on", ctx))
    return _count_groups(ctx, "B", qs, "organiser", "starts_on", prefilter=True)


def _trainees(ctx: Context):
    return Enrolment.objects.unscoped().filter(
        training_class__starts_on__gte=ctx.date_from,
        training_class__starts_on__lte=ctx.date_to,
    )


def _trainees_at_start(ctx: Context, name: str, on):
    """The trainees as they stood on their class's first day, with `on(...)` of that day (the workplace,
    its ownership) annotated as `name`; those without one are left out."""
    return (
        at_date(_trainees(ctx), "person__", "training_class__starts_on")
        .annotate(**{name: on("person__", "training_class__starts_on")})
        .filter(**{f"{name}__isnull": False})
    )


def _count_trainees(ctx: Context, enrolments, workplace: str | None = None) -> Result:
    """The trainees among `enrolments`, each counted for the class's organiser on its first day.
    `workplace`: which trainees `enrolments` keeps, for the rollup (placement_sql.OWNERSHIP_FILTERS)."""
    if _rollup_usable():
        return _from_record_rollup(
            ctx,
            "B",
            "enrolment",
            enrolments,
            "training_class__organiser",
            "training_class__starts_on",
            workplace=workplace,
        )
    if _sqlite_own(ctx):
        return _tally_of(ctx, "B", _trainees_kept(ctx)[workplace], people=True).result()
    return _count_groups(
        ctx,
        "B",
        enrolments,
        "training_class__organiser",
        "training_class__starts_on",
        people_prefix="person__",
        prefilter=True,
    )


# The trainees each figure keeps, by their workplace's ownership on the class's first day (`o`, the
# ownership of the workplace `workplace_on` gives: NULL exactly when there is none), as
# placement_sql.OWNERSHIP_FILTERS keeps them in the rollup.
TRAINEES_KEPT = {None: "1 = 1", "workplace": "x.o IS NOT NULL", "non_state": "x.o <> 'nha_nuoc'"}


def _trainees_kept(ctx: Context) -> dict:
    """SQLite: the `_split` rows of the three trainee figures (TRAINEES_KEPT), from one pass over the
    period's enrolments placed as `_count_groups` places them, read once per context."""
    cache = ctx.__dict__.setdefault("_trainees_kept", {})
    if "rows" not in cache:
        day = "training_class__starts_on"
        values = {"u": F("training_class__organiser"), "d": F(day)} | _people_values("person__", day)
        inner = at_date(_trainees(ctx), "person__", day).values(**values, n=Value(1)).order_by()
        cache["rows"] = grouped_rows(
            inner, roots=_roots(ctx, "B"), dims=("g", "e", "o"), children=_links(ctx, "B"), kept=TRAINEES_KEPT
        )
    return cache["rows"]


@indicator("party.trainees", _("Số học viên"), area="party", tree="B")
def trainees(ctx: Context) -> Result:
    return _count_trainees(ctx, _trainees(ctx))


@indicator(
    "party.trainees_from_enterprises",
    _("Trong đó: quần chúng trong doanh nghiệp"),
    area="party",
    tree="B",
)
def trainees_from_enterprises(ctx: Context) -> Result:
    return _count_trainees(ctx, _trainees_at_start(ctx, "workplace", workplace_on), "workplace")


@indicator(
    "party.trainees_from_non_state",
    _("Trong đó: doanh nghiệp ngoài khu vực nhà nước"),
    area="party",
    tree="B",
)
def trainees_from_non_state(ctx: Context) -> Result:
    qs = _trainees_at_start(ctx, "ownership", ownership_on).exclude(ownership="nha_nuoc")
    return _count_trainees(ctx, qs, "non_state")


# ---- emulation, initiatives, contests --------------------------------------------------------------


@indicator(
    "emulation.works_registered",
    _("Số công trình, sản phẩm đăng ký"),
    area="emulation",
)
def works_registered(ctx: Context) -> Result:
    return _yearly_groups(ctx, "S", Work.objects.unscoped(), "unit", prefilter=True)


def _initiatives(ctx: Context):
    return Initiative.objects.unscoped()


INITIATIVES = {
    "emulation.initiatives_applied": (None, None),
    "emulation.initiatives_value_vnd": (None, "value_vnd"),
    "emulation.initiatives_provincial": (Q(level="tinh"), None),
}


def _initiative_figure(ctx: Context, code: str) -> Result | None:
    if not _sqlite_own(ctx):
        return None
    return _yearly_together(ctx, code, "initiatives", _initiatives(ctx), "unit", INITIATIVES)


@indicator("emulation.initiatives_applied", _("Số sáng kiến được áp dụng"), area="emulation")
def initiatives_applied(ctx: Context) -> Result:
    if (together := _initiative_figure(ctx, "emulation.initiatives_applied")) is not None:
        return together
    return _yearly_groups(ctx, "S", _initiatives(ctx), "unit", prefilter=True)


@indicator(
    "emulation.initiatives_value_vnd",
    _("Giá trị làm lợi (đồng)"),
    unit="vnd",
    area="emulation",
)
def initiatives_value(ctx: Context) -> Result:
    if (together := _initiative_figure(ctx, "emulation.initiatives_value_vnd")) is not None:
        return together
    return _yearly_groups(ctx, "S", _initiatives(ctx), "unit", amount="value_vnd", prefilter=True)


@indicator(
    "emulation.initiatives_provincial",
    _("Số sáng kiến cấp tỉnh"),
    area="emulation",
)
def initiatives_provincial(ctx: Context) -> Result:
    if (together := _initiative_figure(ctx, "emulation.initiatives_provincial")) is not None:
        return together
    return _yearly_groups(ctx, "S", _initiatives(ctx).filter(level="tinh"), "unit", prefilter=True)


def _contest(ctx: Context, level: str, **extra):
    return ContestEntry.objects.unscoped().filter(_in_or_unitless("unit", ctx, "S"), level=level, **extra)


CONTESTS = {
    "emulation.provincial_contest_projects": (Q(level="tinh"), None),
    "emulation.provincial_contest_authors": (Q(level="tinh"), "author_count"),
    "emulation.national_contest_projects": (Q(level="toan_quoc"), None),
    "emulation.national_second_prizes": (Q(level="toan_quoc", prize="nhi"), None),
    "emulation.national_consolation_prizes": (Q(level="toan_quoc", prize="khuyen_khich"), None),
}


def _contest_figure(ctx: Context, code: str) -> Result | None:
    if not _sqlite_own(ctx):
        return None
    entries = ContestEntry.objects.unscoped().filter(
        _in_or_unitless("unit", ctx, "S"), level__in=("tinh", "toan_quoc")
    )
    return _yearly_together(ctx, code, "contests", entries, "unit", CONTESTS, unitless_ok=True)


@indicator(
    "emulation.provincial_contest_projects",
    _("Số đề tài dự hội thi cấp tỉnh"),
    area="emulation",
)
def provincial_contest_projects(ctx: Context) -> Result:
    if (together := _contest_figure(ctx, "emulation.provincial_contest_projects")) is not None:
        return together
    return _yearly_groups(ctx, "S", _contest(ctx, "tinh"), "unit", unitless_ok=True)


@indicator(
    "emulation.provincial_contest_authors",
    _("Số tác giả, đồng tác giả"),
    area="emulation",
)
def provincial_contest_authors(ctx: Context) -> Result:
    if (together := _contest_figure(ctx, "emulation.provincial_contest_authors")) is not None:
        return together
    return _yearly_groups(ctx, "S", _contest(ctx, "tinh"), "unit", amount="author_count", unitless_ok=True)


@indicator(
    "emulation.national_contest_projects",
    _("Số đề tài dự hội thi toàn quốc"),
    area="emulation",
)
def national_contest_projects(ctx: Context) -> Result:
    if (together := _contest_figure(ctx, "emulation.national_contest_projects")) is not None:
        return together
    return _yearly_groups(ctx, "S", _contest(ctx, "toan_quoc"), "unit", unitless_ok=True)


@indicator("emulation.national_second_prizes", _("Giải Nhì toàn quốc"), area="emulation")
def national_second_prizes(ctx: Context) -> Result:
    if (together := _contest_figure(ctx, "emulation.national_second_prizes")) is not None:
        return together
    return _yearly_groups(ctx, "S", _contest(ctx, "toan_quoc", prize="nhi"), "unit", unitless_ok=True)


@indicator(
    "emulation.national_consolation_prizes",
    _("Giải Khuyến khích toàn quốc"),
    area="emulation",
)
def national_consolation_prizes(ctx: Context) -> Result:
    if (together := _contest_figure(ctx, "emulation.national_consolation_prizes")) is not None:
        return together
    return _yearly_groups(
        ctx, "S", _contest(ctx, "toan_quoc", prize="khuyen_khich"), "unit", unitless_ok=True
    )


def _awards(ctx: Context, **filters):
    return Award.objects.unscoped().filter(_in_or_unitless("proposing_unit", ctx, "S"), **filters)


@indicator(
    "emulation.creative_labor_certificates",
    _("Số Bằng Lao động sáng tạo"),
    area="emulation",
)
def creative_labor_certificates(ctx: Context) -> Result:
    return _yearly_groups(
        ctx, "S", _awards(ctx, form="bang_lao_dong_sang_tao"), "proposing_unit", unitless_ok=True
    )


# ---- awards ----------------------------------------------------------------------------------------

HIGH_LEVELS = ("ubnd_tinh", "nha_nuoc")


def _distinct_awards(ctx: Context, key_field: str, **filters) -> Result:
    tally = Tally(ctx, "S", distinct=True)
    qs = _awards(ctx, level__in=HIGH_LEVELS, year__in=ctx.years, **filters)
    for unit, year, key in qs.values_list("proposing_unit", "year", key_field).distinct().order_by():
        tally.add(unit, year_end(year), key=key, unitless_ok=True)
    return tally.result()


@indicator(
    "awards.enterprises",
    _("Số doanh nghiệp được khen (UBND tỉnh, Nhà nước)"),
    area="awards",
)
def awarded_enterprises(ctx: Context) -> Result:
    return _distinct_awards(ctx, "enterprise", target="doanh_nghiep", enterprise__isnull=False)


@indicator(
    "awards.enterprise_heads",
    _("Số người đứng đầu doanh nghiệp được khen"),
    area="awards",
)
def awarded_heads(ctx: Context) -> Result:
    return _distinct_awards(ctx, "person", target="ca_nhan", is_enterprise_head=True, person__isnull=False)


@indicator(
    "awards.direct_worker_share_pct",
    _("Tỷ lệ khen công nhân, lao động trực tiếp (%)"),
    unit="pct",
    area="awards",
)
def direct_worker_share(ctx: Context) -> Result:
    everyone, direct = Tally(ctx, "S"), Tally(ctx, "S")
    qs = _awards(ctx, target="ca_nhan", year__in=ctx.years)
    for row in qs.values("proposing_unit", "year", "is_direct_worker").annotate(n=Count("pk")).order_by():
        day = year_end(row["year"])
        everyone.add(row["proposing_unit"], day, row["n"], unitless_ok=True)
        if row["is_direct_worker"]:
            direct.add(row["proposing_unit"], day, row["n"], unitless_ok=True)
    a, d = everyone.result(), direct.result()
    return Result(
        value=pct(d.value, a.value),
        by_year={y: pct(d.by_year.get(y, 0), n) for y, n in a.by_year.items()},
        by_unit={u: pct(d.by_unit.get(u, 0), n) for u, n in a.by_unit.items()},
    )


# ---- yearly minimum percentages ------------------------------------------------------------------


def _yearly_minimum(ctx: Context, tree: str, units, achieved, *, one_unit_per_key: bool = False) -> Result:
    """units: values(u=unit id, k=member key, fo=founded, di=dissolved); achieved: values(y=year, k=key).
    For each year: 100 × achieved members / members; the value and each child's figure is the lowest
    year. Members are placed and counted in the database (placement_sql.yearly_members)."""
    if _IN_PYTHON.get():
        return _yearly_minimum_in_python(ctx, tree, units, achieved)
    rows = yearly_members(
        units,
        achieved,
        roots=_roots(ctx, tree),
        years=ctx.years,
        children=_links(ctx, tree),
        one_unit_per_key=one_unit_per_key,
    )
    codes = _codes(ctx, {r[0] for r in rows if r[0]})
    totals: dict[int, tuple[int, int]] = {}
    per_child: dict[str, list[float | None]] = defaultdict(list)
    for placed, year, members, done in rows:
        if placed is None:
            totals[int(year)] = (members, done)
        else:
            per_child[codes[placed]].append(pct(done, members))
    by_year = {str(y): pct(totals[y][1], totals[y][0]) if y in totals else None for y in ctx.years}
    present = [v for v in by_year.values() if v is not None]
    by_unit = {}
    for child in ctx.children(tree):
        figures = [f for f in per_child.get(child, []) if f is not None]
        by_unit[child] = min(figures) if figures else None
    return Result(value=min(present) if present else None, by_year=by_year, by_unit=by_unit)


def _yearly_minimum_in_python(ctx: Context, tree: str, units, achieved) -> Result:
    """The same figures, each unit placed per year by Context.child (the reference)."""
    done = set(achieved.values_list("y", "k"))
    totals: dict[int, set] = defaultdict(set)
    per_child: dict[str, dict[int, set]] = defaultdict(lambda: defaultdict(set))
    for unit_id, key, founded, dissolved in units.values_list("u", "k", "fo", "di"):
        for year in ctx.years:
            if (founded and founded > date(year, 12, 31)) or (dissolved and dissolved < date(year, 1, 1)):
                continue
            child = ctx.child(tree, unit_id, year_end(year))
            if child is not None:
                totals[year].add(key)
                per_child[child][year].add(key)

    def ratio(members: set, year: int) -> float | None:
        return pct(sum(1 for k in members if (year, k) in done), len(members))

    by_year = {str(y): ratio(totals.get(y, set()), y) for y in ctx.years}
    present = [v for v in by_year.values() if v is not None]
    by_unit = {}
    for child in ctx.children(tree):
        figures = [f for y, m in per_child.get(child, {}).items() if (f := ratio(m, y)) is not None]
        by_unit[child] = min(figures) if figures else None
    return Result(value=min(present) if present else None, by_year=by_year, by_unit=by_unit)


def _unit_rows(key: str, **where):
    """The units `where` selects as `_yearly_minimum` reads them: id (u), what is counted (k: `key`, the
    unit itself or its enterprise), founding (fo) and dissolution (di)."""
    return Unit.objects.filter(**where).values(u=F("pk"), k=F(key), fo=F("founded_on"), di=F("dissolved_on"))


@indicator(
    "culture.min_yearly_recognition_pct",
    _("Tỷ lệ doanh nghiệp đạt Nếp sống văn hóa (năm thấp nhất, %)"),
    unit="pct",
    area="culture",
    tree="B",
)
def culture_recognition(ctx: Context) -> Result:
    units = _unit_rows("enterprise_id", kind__in=GRASSROOTS_PARTY, enterprise__isnull=False)
    achieved = CultureRecognition.objects.unscoped().filter(title="nep_song_van_hoa", year__in=ctx.years)
    return _yearly_minimum(ctx, "B", units, achieved.values(y=F("year"), k=F("enterprise_id")))


@indicator(
    "democracy.min_yearly_implementation_pct",
    _("Tỷ lệ đơn vị thực hiện QCDC (năm thấp nhất, %)"),
    unit="pct",
    area="democracy",
)
def democracy_implementation(ctx: Context) -> Result:
    units = _unit_rows("pk", kind__in=("cdcs", *GRASSROOTS_PARTY))
    achieved = DemocracyReport.objects.unscoped().filter(implemented=True, year__in=ctx.years)
    return _yearly_minimum(
        ctx, "S", units, achieved.values(y=F("year"), k=F("unit_id")), one_unit_per_key=True
    )


# ---- welfare ---------------------------------------------------------------------------------------


@indicator(
    "welfare.contributions_vnd",
    _("Tổng số tiền ủng hộ, an sinh xã hội (đồng)"),
    unit="vnd",
    area="welfare",
)
def welfare(ctx: Context) -> Result:
    qs = WelfareContribution.objects.unscoped().filter(_period("date", ctx))
    return _count_groups(ctx, "S", qs, "unit", "date", amount="amount_vnd", prefilter=True)
