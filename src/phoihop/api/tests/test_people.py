"""A person's record through the API: the party-data rule and the read log."""

from datetime import date

import pytest

from phoihop.audit.models import AuditEntry
from phoihop.records.models import Admission, Referral

from .helpers import bearer

URL = "/api/v1/people/P-BAC-1"


@pytest.fixture
def admitted(world):
    """P-BAC-1 was referred by her grassroots union and admitted by the party cell of her enterprise."""
    person = world.people["P-BAC-1"]
    Referral.objects.create(
        person=person,
        referred_on=date(2020, 3, 1),
        referring_unit=world.unit("CDCS-BAC-1"),
        receiving_party_unit=world.unit("CB-DN-BAC"),
    )
    Admission.objects.create(
        person=person,
        admitted_on=date(2021, 5, 19),
        party_unit=world.unit("CB-DN-BAC"),
        decision_no="45-QĐ/ĐU",
        full_member_on=date(2022, 5, 19),
    )
    return person


def test_party_side_sees_the_whole_admission(world, admitted, client):
    body = client.get(URL, **bearer(world, "party_viewer")).json()
    assert body["admission"] == {
        "access": "full",
        "admitted": True,
        "admitted_on": "2021-05-19",
        "party_unit": {"code": "CB-DN-BAC", "name": "Chi bộ Công ty Chè Bắc Hà", "kind": "chi_bo_co_so"},
        "decision_no": "45-QĐ/ĐU",
        "full_member_on": "2022-05-19",
    }


def test_referring_union_learns_only_that_and_when_she_was_admitted(world, admitted, client):
    body = client.get(URL, **bearer(world, "editor_bac")).json()
    assert body["admission"] == {
        "access": "fact",
        "admitted": True,
        "admitted_on": "2021-05-19",
        "party_unit": None,
        "decision_no": None,
        "full_member_on": None,
    }
    assert body["personal_data_shown"] is True and body["ethnicity"] == "Tày"
    assert body["referrals"][0]["referring_unit"]["code"] == "CDCS-BAC-1"


def test_union_unit_that_did_not_refer_her_learns_nothing_of_the_party(world, client):
    Admission.objects.create(
        person=world.people["P-BAC-1"], admitted_on=date(2021, 5, 19), party_unit=world.unit("CB-DN-BAC")
    )
    body = client.get(URL, **bearer(world, "editor_bac")).json()
    assert body["admission"] is None


def test_other_district_gets_404(world, admitted, client):
    response = client.get(URL, **bearer(world, "viewer_nam"))
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy."}


def test_every_read_of_a_person_is_logged(world, admitted, client):
    client.get(URL, **bearer(world, "editor_bac"), REMOTE_ADDR="10.1.2.3")
    client.get(URL, **bearer(world, "party_viewer"))
    reads = AuditEntry.objects.filter(action="read", model="records.Person", object_code="P-BAC-1")
    assert sorted(reads.values_list("actor_name", flat=True)) == ["editor_bac", "party_viewer"]
    assert reads.get(actor_name="editor_bac").ip_address == "10.1.2.3"


def test_a_refused_read_is_not_logged_as_a_read(world, admitted, client):
    client.get(URL, **bearer(world, "viewer_nam"))
    assert not AuditEntry.objects.filter(action="read", actor_name="viewer_nam").exists()


def test_people_lists_log_the_people_shown(world, client):
    client.get("/api/v1/units/LDLD-A/people?page_size=1", **bearer(world, "manager_a"))
    reads = AuditEntry.objects.filter(action="read", actor_name="manager_a")
    assert list(reads.values_list("object_code", flat=True)) == ["P-BAC-1"]
