from datetime import date

import pytest

from phoihop.accounts.scope import ScopeNotApplied, scope_for
from phoihop.records.models import Person


def visible_people(world, username):
    return sorted(p.code for p in scope_for(world.users[username]).filter(Person.objects.all()))


def test_people_query_without_scope_fails_closed(world):
    with pytest.raises(ScopeNotApplied):
        list(Person.objects.all())
    with pytest.raises(ScopeNotApplied):
        Person.objects.count()


def test_district_viewer_sees_only_own_district_people(world):
    assert visible_people(world, "viewer_nam") == ["P-NAM-1"]
    assert visible_people(world, "editor_bac") == ["P-BAC-1"]


def test_province_manager_sees_province_but_not_outsider(world):
    assert visible_people(world, "manager_a") == ["P-BAC-1", "P-NAM-1"]
    assert visible_people(world, "outsider") == ["P-X-1"]


def test_scope_units_of_district(world):
    assert sorted(u.code for u in scope_for(world.users["editor_bac"]).units()) == [
        "CDCS-BAC-1",
        "LDLD-A-BAC",
    ]


def test_a_root_user_sees_each_record_once_when_its_enterprise_holds_two_units(world):
    # DN-BAC holds both a grassroots union and a party cell: the scope must not repeat its rows.
    from phoihop.records.models import CultureRecognition

    CultureRecognition.objects.create(
        enterprise=world.enterprises["DN-BAC"], year=2020, title="nep_song_van_hoa"
    )
    for username in ("manager_a", "party_viewer", "editor_bac"):
        scope = scope_for(world.users[username])
        assert scope.filter(CultureRecognition.objects.all()).count() == 1
        assert len(list(scope.filter(CultureRecognition.objects.all()))) == 1


def test_a_party_cell_sees_the_members_referred_to_it(world):
    from phoihop.records.models import Referral

    Referral.objects.create(
        person=world.people["P-NAM-1"],
        referred_on=date(2020, 5, 1),
        referring_unit=world.units["CDCS-NAM-1"],
        receiving_party_unit=world.units["CB-DN-BAC"],
    )
    seen = scope_for(world.users["party_viewer"]).filter(Person.objects.all())
    assert "P-NAM-1" in set(seen.values_list("code", flat=True))
