from datetime import date

import pytest

from phoihop.orgs import selectors
from phoihop.orgs.closure import CycleError, rebuild_closure
from phoihop.orgs.models import Transfer, Unit


def codes(qs):
    return sorted(u.code for u in qs)


def move(world, code, parent, on):
    Transfer.objects.create(unit=world.unit(code), new_parent=world.unit(parent), effective_on=on)
    rebuild_closure()


def test_units_under_province_on_a_date(world):
    assert codes(selectors.units_under(world.unit("LDLD-A"), on=date(2018, 6, 1))) == [
        "CDCS-BAC-1",
        "CDCS-NAM-1",
        "CDN-A-GD",
        "LDLD-A",
        "LDLD-A-BAC",
        "LDLD-A-NAM",
    ]


def test_unit_not_yet_founded_is_not_under_anyone(world):
    assert "CDCS-BAC-1" not in codes(selectors.units_under(world.unit("LDLD-A"), on=date(2009, 12, 31)))


def test_grassroots_union_moved_to_other_district_counts_there_from_the_transfer_date(world):
    move(world, "CDCS-BAC-1", "LDLD-A-NAM", date(2020, 7, 1))
    assert (
        selectors.child_holding(world.unit("LDLD-A"), world.unit("CDCS-BAC-1"), on=date(2020, 6, 30)).code
        == "LDLD-A-BAC"
    )
    assert (
        selectors.child_holding(world.unit("LDLD-A"), world.unit("CDCS-BAC-1"), on=date(2020, 7, 1)).code
        == "LDLD-A-NAM"
    )
    assert selectors.parent_on(world.unit("CDCS-BAC-1"), on=date(2019, 1, 1)).code == "LDLD-A-BAC"


def test_unit_taken_in_from_other_province_counts_only_from_transfer(world):
    move(world, "CDCS-X-1", "LDLD-A-BAC", date(2020, 1, 1))
    assert "CDCS-X-1" not in codes(selectors.units_under(world.unit("LDLD-A"), on=date(2019, 12, 31)))
    assert "CDCS-X-1" in codes(selectors.units_under(world.unit("LDLD-A"), on=date(2020, 1, 1)))
    assert "CDCS-X-1" in codes(selectors.units_under(world.unit("LDLD-X"), on=date(2019, 12, 31)))


def test_ended_district_still_holds_its_grassroots_unions_for_earlier_dates(world):
    district = world.unit("LDLD-A-BAC")
    district.dissolved_on = date(2025, 6, 30)
    district.save()
    move(world, "CDCS-BAC-1", "LDLD-A", date(2025, 7, 1))
    assert (
        selectors.child_holding(world.unit("LDLD-A"), world.unit("CDCS-BAC-1"), on=date(2018, 5, 1)).code
        == "LDLD-A-BAC"
    )
    assert (
        selectors.child_holding(world.unit("LDLD-A"), world.unit("CDCS-BAC-1"), on=date(2025, 8, 1)).code
        == "CDCS-BAC-1"
    )
    assert "LDLD-A-BAC" not in codes(selectors.children_on(world.unit("LDLD-A"), on=date(2025, 8, 1)))


def test_transfer_making_a_unit_its_own_ancestor_is_refused(world):
    Transfer.objects.create(
        unit=world.unit("LDLD-A-BAC"), new_parent=world.unit("CDCS-BAC-1"), effective_on=date(2020, 1, 1)
    )
    with pytest.raises(CycleError):
        rebuild_closure()


def test_moves_back_and_forth_at_different_times_are_not_a_cycle(world):
    move(world, "CDCS-NAM-1", "LDLD-A-BAC", date(2019, 1, 1))
    move(world, "CDCS-NAM-1", "LDLD-A-NAM", date(2021, 1, 1))
    history = selectors.parent_history(Unit.objects.get(code="CDCS-NAM-1"))
    assert [h["parent"].code for h in history] == ["LDLD-A-NAM", "LDLD-A-BAC", "LDLD-A-NAM"]


def test_search_ignores_diacritics(world):
    found = selectors.search_units("bac ha", within=Unit.objects.all())
    assert "LDLD-A-BAC" in codes(found)
