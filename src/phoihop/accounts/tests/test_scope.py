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
