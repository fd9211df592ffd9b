"""An admin downloads, for one person of their scope, everything phoihop holds about them and who read it."""

import json
from datetime import date

import pytest

from phoihop.accounts.models import User
from phoihop.audit.models import AuditEntry
from phoihop.records.models import Admission, Award, Referral
from phoihop.records.selectors import PERSON_MODEL
from phoihop.testing.world import PASSWORD

URL = "/du-lieu-ca-nhan/{}/"


@pytest.fixture
def district_admin(world):
    user = User(username="qt_bac", role="admin", unit=world.unit("LDLD-A-BAC"), is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def download(client, code):
    response = client.get(URL.format(code))
    return response, (json.loads(response.content) if response.status_code == 200 else None)


def test_file_holds_the_record_related_rows_and_who_read_it(world, client, district_admin):
    person = world.people["P-BAC-1"]
    person.birth_date = date(1990, 4, 2)
    person.save()
    Referral.objects.unscoped().create(
        person=person, referred_on=date(2020, 1, 1), referring_unit=world.unit("CDCS-BAC-1")
    )
    Award.objects.unscoped().create(code="KT-1", target="ca_nhan", person=person, level="co_so", form="giay_khen",
                                    year=2022, proposing_unit=world.unit("CDCS-BAC-1"))  # fmt: skip
    reader = client
    reader.force_login(world.users["editor_bac"])
    assert reader.get("/ho-so/nguoi/P-BAC-1/").status_code == 200  # editor_bac reads the page
    client.force_login(district_admin)
    response, data = download(client, "P-BAC-1")
    assert response["Content-Disposition"] == 'attachment; filename="du-lieu-ca-nhan-P-BAC-1.json"'
    assert "no-store" in response["Cache-Control"]
    assert data["person"]["full_name"] == "Nguyễn Thị Hoa" and data["person"]["birth_date"] == "1990-04-02"
    assert data["person"]["grassroots_union"] == "CDCS-BAC-1" and data["withheld"] == []
    assert data["records"]["records.Referral"][0]["referring_unit"] == "CDCS-BAC-1"
    assert data["records"]["records.Award"][0]["code"] == "KT-1"
    readers = {(h["account"], h["action"]) for h in data["history"]}
    assert ("editor_bac", "read") in readers
    export = AuditEntry.objects.filter(model=PERSON_MODEL, object_code="P-BAC-1", action="export").get()
    assert export.actor_name == "qt_bac" and "chủ thể dữ liệu" in export.detail


def test_union_admin_gets_no_party_side_details(world, client, district_admin):
    person = world.people["P-BAC-1"]
    Referral.objects.unscoped().create(
        person=person, referred_on=date(2020, 1, 1), referring_unit=world.unit("CDCS-BAC-1")
    )
    Admission.objects.unscoped().create(person=person, admitted_on=date(2022, 5, 1), party_unit=world.unit("CB-DN-BAC"),
                                        decision_no="QD-123")  # fmt: skip
    client.force_login(district_admin)
    _, data = download(client, "P-BAC-1")
    assert data["records"]["records.Admission"] == [{"admitted_on": "2022-05-01"}]
    assert "QD-123" not in json.dumps(data) and "records.Admission" in data["withheld"]


def test_outside_the_scope_is_404_and_other_roles_are_refused(world, client, district_admin):
    client.force_login(district_admin)
    assert client.get(URL.format("P-NAM-1")).status_code == 404  # sibling district
    assert client.get(URL.format("P-X-1")).status_code == 404  # outsider province
    assert client.get(URL.format("KHONG-CO-MA")).status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()
    for username in ("editor_bac", "manager_a", "viewer_nam"):
        client.force_login(world.users[username])
        assert client.get(URL.format("P-BAC-1")).status_code == 403
    client.force_login(world.users["outsider"])
    assert client.get(URL.format("P-BAC-1")).status_code == 403


def test_lookup_form_leads_to_the_download(world, client, district_admin):
    client.force_login(district_admin)
    assert "Mã người" in client.get("/du-lieu-ca-nhan/").content.decode()
    response = client.get("/du-lieu-ca-nhan/", {"ma": " P-BAC-1 "})
    assert response.status_code == 302 and response.url == URL.format("P-BAC-1")
