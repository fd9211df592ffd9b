"""One dated tree: on the loaded demo, the two derivations of the closure table answer "where was unit U
on day D" exactly as the closure selectors (`orgs.selectors`) do — the demo generator's own
`Unit.parent_on` (which writes the workbook's `ma_cap_tren`/`dieu_chuyen`) and the indicators'
`Placement.child` — for every unit, on its founding, transfer and dissolution days, the days either
side of them, and the days the reports turn on."""

from datetime import date, timedelta

import pytest

from phoihop.demo.generator import P2_FROM, P_FROM, P_TO, REORG, DemoBuilder
from phoihop.indicators.context import build_placement
from phoihop.orgs import selectors
from phoihop.orgs.models import Unit

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
FIXED_DAYS = (date(2010, 6, 1), P_FROM, P_TO, P2_FROM, REORG, REORG + DAY, date(2026, 11, 20))


@pytest.fixture(scope="module")
def generated(demo_province):
    builder = DemoBuilder()
    builder.build()
    return builder.units


def days_of(unit) -> list[date]:
    """The days where a unit's place changes, the days either side of them, and the fixed days."""
    turns = [d for d in (unit.founded, unit.dissolved) if d] + [when for when, _ in unit.moves]
    return sorted({*FIXED_DAYS, *(t + shift for t in turns for shift in (-DAY, 0 * DAY, DAY))})


def test_the_demo_generator_places_every_unit_where_the_closure_does(generated):
    units = {u.code: u for u in Unit.objects.all()}
    assert set(generated) == set(units)  # every unit the generator made is in the database
    moved = [u for u in generated.values() if u.moves]
    dissolved = [u for u in generated.values() if u.dissolved]
    assert moved and dissolved  # the demo has transfers and dissolutions to check
    compared = 0
    for code, made in generated.items():
        for day in days_of(made):
            parent = selectors.parent_on(units[code], on=day)
            assert made.parent_on(day) == (parent.code if parent else None), (code, day)
            compared += 1
    assert compared > 10 * len(generated)


def test_the_indicators_placement_agrees_with_the_closure_selectors(generated):
    units = {u.code: u for u in Unit.objects.all()}
    checked_under = 0
    for root_code in ("LDLD-LC", "DUK-LC"):
        root = units[root_code]
        placement = build_placement(root)
        for code, made in generated.items():
            unit = units[code]
            for day in days_of(made):
                if unit.pk == root.pk:
                    expected = root.code
                else:
                    child = selectors.child_holding(root, unit, on=day)
                    expected = child.code if child else None
                assert placement.child(unit.pk, day) == expected, (root_code, code, day)
                checked_under += expected is not None
    assert checked_under > 1000  # most of the province's units, on most of their days


def test_a_grassroots_union_moved_up_at_the_reorganisation_is_placed_under_each_parent_in_turn(generated):
    # The district federations end on REORG; their grassroots unions stand under the province from the
    # next day: the placement moves them from the district's line to the province's own.
    moved = next(u for u in generated.values() if u.kind == "cdcs" and (REORG + DAY, "LDLD-LC") in u.moves)
    district = moved.parent_on(REORG)
    assert district.startswith("LDLD-H-") and moved.parent_on(REORG + DAY) == "LDLD-LC"
    placement = build_placement(Unit.objects.get(code="LDLD-LC"))
    unit = Unit.objects.get(code=moved.code)
    assert placement.child(unit.pk, REORG) == district
    assert placement.child(unit.pk, REORG + DAY) == moved.code  # now a child of the province itself


def test_the_children_of_many_parents_at_once_are_each_parents_children_on_the_day(generated):
    """`children_of_each_on` (the period reports' reporting units) gives, for every parent, exactly
    `children_on` of that parent, in code order — on the days the demo's units are founded, moved and
    dissolved, and the days either side; and so does `children_of_each_on_days` (a report's periods'
    last days at once) for each of those days, asked together."""
    parents = set(Unit.objects.values_list("pk", flat=True))
    days = sorted({d for made in generated.values() for d in days_of(made)})
    sampled = days[:: max(1, len(days) // 10)]
    together = selectors.children_of_each_on_days(parents, days=sampled)
    with_children = 0
    for day in sampled:
        many = selectors.children_of_each_on(parents, on=day)
        for parent in parents:
            expected = [u.code for u in selectors.children_on(parent, on=day).order_by("code")]
            assert [u.code for u in many.get(parent, [])] == expected, (parent, day)
            assert [u.code for u in together[day].get(parent, [])] == expected, (parent, day)
            with_children += bool(expected)
    assert with_children > 50
    # Every turning day asked together; thirty of them, spread over the years, equal each day asked alone.
    together = selectors.children_of_each_on_days(parents, days=days)
    for day in days[:: max(1, len(days) // 30)]:
        alone = selectors.children_of_each_on(parents, on=day)
        assert {p: [u.code for u in kids] for p, kids in together[day].items()} == {
            p: [u.code for u in kids] for p, kids in alone.items()
        }, day
