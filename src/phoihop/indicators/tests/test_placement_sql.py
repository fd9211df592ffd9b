"""Figures placed in the database equal the figures placed group by group in Python (Placement), for
the scope's children and for targets (every target unit in one query), across a transfer, and on the
demo for every indicator at several scopes and periods."""

from datetime import date

import pytest
from django.db import connection

from phoihop.demo.services import load_demo
from phoihop.indicators.context import Context
from phoihop.indicators.definitions import placed_in_python
from phoihop.indicators.registry import REGISTRY, NotPlacedInDatabase
from phoihop.orgs import services
from phoihop.orgs.models import Unit
from phoihop.records import timeline
from phoihop.records.models import Person, Referral, TimelineEntry, WelfareContribution

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved_world(world):
    u = world.unit
    for i, (union, joined) in enumerate([("CDCS-BAC-1", 2019), ("CDCS-BAC-1", 2021), ("CDCS-NAM-1", 2021)]):
        person = Person.objects.create(
            code=f"Q-{i}",
            full_name=f"Người {i}",
            grassroots_union=u(union),
            union_joined_on=date(joined, 5, 1),
        )
        Referral.objects.create(person=person, referred_on=date(joined, 6, 1), referring_unit=u(union))
    WelfareContribution.objects.create(code="W-1", unit=u("LDLD-A"), date=date(2021, 3, 1), amount_vnd=5)
    WelfareContribution.objects.create(code="W-2", unit=u("CDCS-BAC-1"), date=date(2019, 3, 1), amount_vnd=7)
    # From 2020 the Bắc Hà grassroots union stands under Nam Sơn.
    services.transfer_unit(actor=None, unit=u("CDCS-BAC-1"), new_parent=u("LDLD-A-NAM"), on=date(2020, 1, 1))
    return world


def test_children_figures_follow_the_transfer(moved_world):
    ctx = Context(
        date(2015, 1, 1), date(2022, 12, 31), [moved_world.unit("LDLD-A")], [moved_world.unit("DUK-A")]
    )
    members = REGISTRY["union.members_admitted"].compute(ctx)
    # 2015: the world's two; 2019 under Bắc Hà; 2021 both under Nam Sơn.
    assert members.by_unit["LDLD-A-BAC"] == 1 + 1 and members.by_unit["LDLD-A-NAM"] == 1 + 2
    welfare = REGISTRY["welfare.contributions_vnd"].compute(ctx)
    assert welfare.by_unit["LDLD-A"] == 5 and welfare.by_unit["LDLD-A-BAC"] == 7


def test_targets_in_one_query_equal_the_figures_of_each_unit_alone(moved_world):
    units = [moved_world.unit(c) for c in ("LDLD-A", "LDLD-A-BAC", "LDLD-A-NAM", "CDCS-BAC-1", "DUK-A")]
    together = Context(date(2015, 1, 1), date(2022, 12, 31), units, units, count_unitless=False, by_root=True)
    compared = 0
    for code, spec in REGISTRY.items():
        if spec.unit not in ("count", "vnd"):
            continue
        try:
            placed = spec.compute(together).by_unit_year
        except NotPlacedInDatabase:
            continue
        if placed is None:  # computed group by group (no group met here): targets compute it per unit
            continue
        for unit in units:
            alone = spec.compute(
                Context(date(2015, 1, 1), date(2022, 12, 31), [unit], [unit], count_unitless=False)
            )
            for year, figure in alone.by_year.items():
                assert placed.get((unit.code, year), 0) == figure, (code, unit.code, year)
                compared += 1
    assert compared > 100


def _figures(result) -> dict:
    """What a report shows of an indicator (by_unit_year exists only on the database path)."""
    return {
        "value": result.value,
        "by_year": result.by_year,
        "by_unit": result.by_unit,
        "breakdowns": result.breakdowns,
    }


def _each_indicator_equals_the_python_placement(ctx: Context) -> int:
    compared = 0
    for code, spec in REGISTRY.items():
        new = _figures(spec.compute(ctx))
        with placed_in_python():
            old = _figures(spec.compute(ctx))
        assert new == old, code
        compared += new["value"] not in (0, None)
    return compared


def test_database_placement_equals_python_placement_across_a_transfer(moved_world):
    u = moved_world.unit
    for roots in (["LDLD-A"], ["LDLD-A-NAM"], ["CDCS-BAC-1"]):
        ctx = Context(date(2015, 1, 1), date(2022, 12, 31), [u(c) for c in roots], [u("DUK-A")])
        _each_indicator_equals_the_python_placement(ctx)


def test_database_placement_equals_python_placement_on_the_demo():
    assert load_demo().ok
    lc, duk, batxat = (Unit.objects.get(code=c) for c in ("LDLD-LC", "DUK-LC", "LDLD-H-BATXAT"))
    compared = 0
    for start, end, unions, party, unitless in (
        (date(2017, 1, 1), date(2020, 12, 31), [lc], [duk], True),
        (date(2021, 1, 1), date(2025, 12, 31), [lc], [duk], True),
        (date(2019, 1, 1), date(2019, 12, 31), [lc], [duk], True),
        (date(2017, 1, 1), date(2025, 12, 31), [batxat], [batxat], False),
        (date(2021, 1, 1), date(2025, 12, 31), [duk], [duk], False),
    ):
        ctx = Context(start, end, unions, party, count_unitless=unitless)
        compared += _each_indicator_equals_the_python_placement(ctx)
    assert compared > 60  # the demo gives most indicators a figure: the comparison is not of zeros


@pytest.fixture
def timeline_world(moved_world):
    """moved_world, with people whose union on the day they joined is not the union they are in now
    (their timeline, `qua_trinh`), so that a placement reading their present union gives other figures."""
    u, enterprises = moved_world.unit, moved_world.enterprises
    for code, joined, now, rows in [
        # Joined in Bắc Hà's union in 2019 (under Bắc Hà then), in Nam Sơn's since 2021.
        (
            "T-1",
            date(2019, 4, 1),
            "CDCS-NAM-1",
            [(2018, "CDCS-BAC-1", "DN-BAC"), (2021, "CDCS-NAM-1", "DN-NAM")],
        ),
        # Joined in Nam Sơn's union in 2021, in Bắc Hà's since 2022.
        (
            "T-2",
            date(2021, 3, 1),
            "CDCS-BAC-1",
            [(2020, "CDCS-NAM-1", "DN-NAM"), (2022, "CDCS-BAC-1", "DN-BAC")],
        ),
        # In no union on the day they joined (their row says so): counted nowhere.
        ("T-3", date(2020, 7, 1), "CDCS-NAM-1", [(2020, None, None), (2021, "CDCS-NAM-1", "DN-NAM")]),
        # In the outsider province's union that day: not under An Phú.
        ("T-4", date(2019, 8, 1), "CDCS-BAC-1", [(2019, "CDCS-X-1", "DN-X"), (2020, "CDCS-BAC-1", "DN-BAC")]),
    ]:
        person = Person.objects.create(
            code=code,
            full_name=code,
            grassroots_union=u(now),
            enterprise=enterprises["DN-NAM"],
            gender="nu",
            union_joined_on=joined,
        )
        for year, union, enterprise in rows:
            TimelineEntry.objects.create(
                person=person,
                starts_on=date(year, 1, 1),
                grassroots_union=u(union) if union else None,
                enterprise=enterprises[enterprise] if enterprise else None,
            )
        timeline.rebuild_intervals([person.pk])
    # On the day Bắc Hà's union moved under Nam Sơn: counted under Nam Sơn (a placement row's first day).
    Referral.objects.create(person=person, referred_on=date(2020, 1, 1), referring_unit=u("CDCS-BAC-1"))
    return moved_world


def test_members_are_placed_by_their_union_on_the_day_they_joined(timeline_world):
    """SQLite seeks the members who joined from the placement rows (placement_sql.placed_members_rows),
    PostgreSQL reads its rollup; both equal the Python placement over the timeline, and the hand count."""
    u = timeline_world.unit
    ctx = Context(date(2015, 1, 1), date(2022, 12, 31), [u("LDLD-A")], [u("DUK-A")])
    spec = REGISTRY["union.members_admitted"]
    members = spec.compute(ctx)
    with placed_in_python():
        assert _figures(spec.compute(ctx)) == _figures(members)
    # Bắc Hà: P-BAC-1 (2015), Q-0 (2019), T-1 (2019, in Bắc Hà's union that day though in Nam Sơn's now);
    # Nam Sơn: P-NAM-1 (2015), Q-1 (2021, its union moved under Nam Sơn in 2020), Q-2 and T-2 (2021).
    assert members.by_unit["LDLD-A-BAC"] == 3 and members.by_unit["LDLD-A-NAM"] == 4
    assert members.value == 7  # T-3 (no union that day) and T-4 (the outsider's union) are not counted
    # T-1's workplace on the day (Bắc Hà's non-state company), not the state-owned one of now; the Q-*
    # people have none.
    assert members.breakdowns["by_ownership"] == {"khong_doanh_nghiep": 3, "nha_nuoc": 2, "ngoai_nha_nuoc": 2}
    assert members.breakdowns["by_gender"] == {"?": 3, "nam": 1, "nu": 3}

    referred = REGISTRY["union.outstanding_referred"].compute(ctx)
    assert referred.by_unit["LDLD-A-NAM"] == 2 + 1 and referred.by_unit["LDLD-A-BAC"] == 1
    assert _each_indicator_equals_the_python_placement(ctx) >= 3  # members, referrals, welfare

    units = [u(c) for c in ("LDLD-A", "LDLD-A-BAC", "LDLD-A-NAM", "CDCS-BAC-1")]
    together = Context(date(2015, 1, 1), date(2022, 12, 31), units, units, count_unitless=False, by_root=True)
    placed = spec.compute(together).by_unit_year
    for unit in units:
        alone = spec.compute(
            Context(date(2015, 1, 1), date(2022, 12, 31), [unit], [unit], count_unitless=False)
        )
        assert {y: n for (code, y), n in placed.items() if code == unit.code and n} == {
            y: n for y, n in alone.by_year.items() if n
        }, unit.code
    # CDCS-BAC-1 (a target unit, its own members): P-BAC-1 in 2015, Q-0 and T-1 in 2019, Q-1 in 2021.
    assert {y: n for (code, y), n in placed.items() if code == "CDCS-BAC-1" and n} == {
        "2015": 1,
        "2019": 2,
        "2021": 1,
    }


def test_sqlite_reads_each_placement_rows_records_by_their_unit_index(moved_world):
    """On SQLite the placement rows come first and each seeks its unit's records (placement_sql
    .grouped_rows): the records' query is flattened into that join, never computed once per placement
    row (a co-routine or a materialised table scanned for each of them)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's plan")
    u = moved_world.unit
    queries = []

    def keep(execute, sql, params, many, context):
        if sql.startswith("WITH p AS MATERIALIZED"):
            queries.append((sql, params))
        return execute(sql, params, many, context)

    for by_root in (False, True):
        roots = [u("LDLD-A"), u("DUK-A")]
        ctx = Context(
            date(2015, 1, 1), date(2022, 12, 31), roots, roots, count_unitless=False, by_root=by_root
        )
        with connection.execute_wrapper(keep):
            for spec in REGISTRY.values():
                try:
                    spec.compute(ctx)
                except NotPlacedInDatabase:
                    pass
    assert len(queries) > 20
    for sql, params in queries:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = [row[3] for row in cursor.fetchall()]
        assert not [step for step in plan if step in ("SCAN s", "CO-ROUTINE s", "MATERIALIZE s")], (sql, plan)
        assert "SCAN p" in plan or any(step.startswith("SEARCH p USING") for step in plan), plan


def test_sqlite_reads_the_members_who_joined_from_the_unions_covering_index(moved_world):
    """On SQLite the people who joined are read with their gender, ethnicity and workplace from the
    union index alone (records migration 0011), never row by row from the people's table."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's plan")
    roots = [moved_world.unit("LDLD-A"), moved_world.unit("DUK-A")]
    ctx = Context(date(2015, 1, 1), date(2022, 12, 31), roots, roots, count_unitless=False)
    queries = []

    def keep(execute, sql, params, many, context):
        if "records_person p" in sql:
            queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        REGISTRY["union.members_admitted"].compute(ctx)
    assert len(queries) == 1
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + queries[0][0], queries[0][1])
        plan = [row[3] for row in cursor.fetchall()]
    assert any(
        step.startswith("SEARCH p USING COVERING INDEX records_person_joined_covering (grassroots_union_id=?")
        for step in plan
    ), plan
