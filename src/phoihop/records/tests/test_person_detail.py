"""person_detail: scope, the party-data rule, and the read log."""

from datetime import date

import pytest
from django.http import Http404

from phoihop.audit.models import AuditEntry
from phoihop.records.models import Admission, Referral
from phoihop.records.selectors import people_for, person_detail


@pytest.fixture
def admitted(world):
    """Hoa (CĐCS Bắc Hà) referred by LĐLĐ huyện Bắc Hà, admitted by the party cell of her company."""
    hoa = world.people["P-BAC-1"]
    Referral.objects.create(person=hoa, referred_on=date(2019, 5, 1), referring_unit=world.unit("LDLD-A-BAC"))
    Admission.objects.create(
        person=hoa,
        admitted_on=date(2020, 3, 2),
        party_unit=world.unit("CB-DN-BAC"),
        decision_no="15-QĐ/ĐU",
        full_member_on=date(2021, 3, 2),
    )
    return hoa


def test_union_referrer_sees_only_that_the_person_was_admitted_and_when(world, admitted):
    detail = person_detail(user=world.users["editor_bac"], code="P-BAC-1")
    assert detail.is_admitted and detail.admitted_on == date(2020, 3, 2)
    assert detail.admission is None and not detail.sees_party_side
    kinds = [e.kind for e in detail.timeline]
    assert kinds == ["joined", "referred", "admitted"]
    admitted_event = detail.timeline[-1]
    assert admitted_event.unit is None and admitted_event.detail == ""


def test_party_bloc_sees_party_unit_decision_and_full_membership(world, admitted):
    detail = person_detail(user=world.users["party_viewer"], code="P-BAC-1")
    assert detail.sees_party_side
    assert detail.admission.party_unit.code == "CB-DN-BAC"
    assert detail.admission.decision_no == "15-QĐ/ĐU"
    assert [e.kind for e in detail.timeline][-2:] == ["admitted", "full_member"]
    assert detail.show_personal


def test_outsider_gets_404(world):
    with pytest.raises(Http404):
        person_detail(user=world.users["outsider"], code="P-BAC-1")
    with pytest.raises(Http404):
        person_detail(user=world.users["viewer_nam"], code="P-BAC-1")


def test_news_editor_may_not_read_people(world):
    with pytest.raises(Http404):
        person_detail(user=world.users["news_a"], code="P-BAC-1")


def test_every_read_is_logged(world):
    person_detail(user=world.users["viewer_nam"], code="P-NAM-1")
    entry = AuditEntry.objects.get(action="read")
    assert entry.actor == world.users["viewer_nam"]
    assert entry.object_code == "P-NAM-1" and entry.model == "records.Person"


def test_people_search_is_diacritic_insensitive_and_scoped(world):
    admin = world.users["admin_a"]
    assert [p.code for p in people_for(scope=admin, query="nguyen thi")] == ["P-BAC-1"]
    assert [p.code for p in people_for(scope=admin, query="TRẦN")] == ["P-NAM-1"]
    assert [p.code for p in people_for(scope=admin)] == ["P-BAC-1", "P-NAM-1"]
    assert [p.code for p in people_for(scope=world.users["editor_bac"])] == ["P-BAC-1"]
    assert [p.code for p in people_for(scope=admin, unit_code="LDLD-A-NAM")] == ["P-NAM-1"]
