"""The write gate (accounts.scope.WriteGate): scope, role and registered rules, before and after."""

from datetime import date

import pytest

from phoihop.accounts import scope as gate_module
from phoihop.accounts.scope import Refusal, WriteGate, may_see, may_write, register_write_rule, write_refusal
from phoihop.orgs.models import Unit
from phoihop.records.models import Admission, Person, Referral, Target

pytestmark = pytest.mark.django_db


def _person_state(person, **changes):
    state = {
        "pk": person.pk,
        "grassroots_union_id": person.grassroots_union_id,
        "enterprise_id": person.enterprise_id,
    }
    return state | changes


def test_editor_may_change_own_member_but_not_move_them_out(world):
    editor, person = world.users["editor_bac"], world.people["P-BAC-1"]
    assert may_write(editor, person)
    out = write_refusal(
        editor,
        Person,
        before=person,
        after=_person_state(person, grassroots_union_id=world.unit("CDCS-NAM-1").pk),
    )
    assert out is not None and out.reason == "not_found" and out.field == "grassroots_union"


def test_editor_may_not_pull_another_districts_person_in(world):
    editor, foreign = world.users["editor_bac"], world.people["P-NAM-1"]
    out = write_refusal(
        editor,
        Person,
        before=foreign,
        after=_person_state(foreign, grassroots_union_id=world.unit("CDCS-BAC-1").pk),
    )
    assert out is not None and out.reason == "hidden"


def test_a_foreign_person_is_refused_exactly_like_a_missing_one(world):
    editor = world.users["editor_bac"]
    state = {"person_id": world.people["P-NAM-1"].pk, "referring_unit_id": world.unit("CDCS-BAC-1").pk}
    missing = {"person_id": 10**9, "referring_unit_id": world.unit("CDCS-BAC-1").pk}
    foreign, absent = (
        write_refusal(editor, Referral, after=state),
        write_refusal(editor, Referral, after=missing),
    )
    assert foreign is not None and absent is not None
    assert (foreign.reason, foreign.message, foreign.field) == (absent.reason, absent.message, absent.field)


def test_party_side_may_not_clear_a_persons_union(world):
    person = world.people["P-BAC-1"]
    Admission.objects.create(person=person, admitted_on=date(2020, 1, 1), party_unit=world.unit("CB-DN-BAC"))
    party_editor = type(world.users["editor_bac"]).objects.create(
        username="party_editor", role="editor", unit=world.unit("DUK-A")
    )
    assert may_see(party_editor, person)
    out = write_refusal(
        party_editor, Person, before=person, after=_person_state(person, grassroots_union_id=None)
    )
    assert out is not None and out.reason == "not_yours"


@pytest.mark.parametrize(
    ("username", "model", "allowed"),
    [
        ("editor_bac", Unit, False),
        ("manager_a", Unit, True),
        ("editor_bac", Target, False),
        ("manager_a", Target, True),
        ("viewer_nam", Person, False),
    ],
)
def test_roles_decide_before_scope(world, username, model, allowed):
    user = world.users[username]
    unit = world.unit("CDCS-BAC-1")
    state = {"parent_id": unit.pk} if model is Unit else {"unit_id": unit.pk, "grassroots_union_id": unit.pk}
    assert may_write(user, model, after=state) is allowed


def test_manager_renames_own_unit_but_cannot_move_it_out(world):
    manager = world.users["manager_a"]
    root = world.unit("LDLD-A")
    district = world.unit("LDLD-A-BAC")
    assert may_write(manager, root)  # own root, parent (none) kept
    assert not may_write(
        manager, Unit, before=district, after={"pk": district.pk, "parent_id": world.unit("LDLD-X").pk}
    )
    assert not may_write(manager, Unit, after={"parent_id": None})  # a new root: superusers only


def test_registered_rule_is_asked(world, monkeypatch):
    monkeypatch.setattr(gate_module, "_WRITE_RULES", [])

    def locked(*, model, **_kwargs):
        if model is Person:
            return Refusal("locked", "Kỳ đã khóa.")
        return None

    register_write_rule(locked)
    register_write_rule(locked)
    assert len(gate_module._WRITE_RULES) == 1
    out = write_refusal(world.users["editor_bac"], world.people["P-BAC-1"])
    assert out == Refusal("locked", "Kỳ đã khóa.")


def test_bulk_gate_answers_like_the_single_one(world):
    editor = world.users["editor_bac"]
    bulk = WriteGate(editor, bulk=True)
    for person in world.people.values():
        assert bulk.may_write(Person, before=person, after=person) == may_write(editor, person)
