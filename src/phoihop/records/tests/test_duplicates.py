"""One person, one record: the "có thể trùng" page finds likely duplicates within the user's scope; a
merge keeps both timelines and every record, is audited, and is undone from its audit entry."""

from datetime import date

import pytest
from django.test import Client

from phoihop.audit.models import AuditEntry
from phoihop.records.duplicates import MERGE_MODEL
from phoihop.records.models import Admission, Initiative, Person, Referral, TimelineEntry


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def twin(world):
    """The member of Bắc Hà entered again by Nam Sơn after a move in 2023, under another code."""
    hoa = world.people["P-BAC-1"]
    hoa.birth_date = date(1990, 5, 6)
    hoa.save()
    twin = Person.objects.create(
        code="P-NAM-9",
        full_name="NGUYEN THI HOA",  # the same name without diacritics
        birth_date=date(1990, 5, 6),
        grassroots_union=world.unit("CDCS-NAM-1"),
        enterprise=world.enterprises["DN-NAM"],
        union_joined_on=date(2023, 6, 1),
        cccd="001190000123",
    )
    Referral.objects.create(
        person=twin, referred_on=date(2024, 2, 1), referring_unit=world.unit("CDCS-NAM-1")
    )
    initiative = Initiative.objects.create(
        code="SK-1", name="Sáng kiến", unit=world.unit("CDCS-NAM-1"), year=2024
    )
    initiative.authors.add(twin)
    return twin


def _timeline(code):
    return [
        (e.starts_on, e.grassroots_union.code)
        for e in TimelineEntry.objects.unscoped().filter(person__code=code).order_by("starts_on")
    ]


def test_the_province_sees_the_pair_a_district_sees_only_its_own(world, twin):
    page = _client(world.users["manager_a"]).get("/ho-so/co-the-trung/").content.decode()
    assert "Cùng họ tên và ngày sinh" in page and "P-BAC-1" in page and "P-NAM-9" in page
    district = _client(world.users["editor_bac"]).get("/ho-so/co-the-trung/").content.decode()
    assert "P-NAM-9" not in district  # the other half lies outside Bắc Hà's scope
    assert "P-NAM-9" not in _client(world.users["outsider"]).get("/ho-so/co-the-trung/").content.decode()


def test_a_merge_keeps_both_timelines_and_every_record_and_is_undone_from_its_audit_entry(world, twin):
    manager = _client(world.users["manager_a"])
    manager.post("/ho-so/co-the-trung/", {"action": "merge", "keep": "P-BAC-1", "drop": "P-NAM-9"})
    assert not Person.objects.unscoped().filter(code="P-NAM-9").exists()
    hoa = Person.objects.unscoped().get(code="P-BAC-1")
    # Both timelines: Bắc Hà from 2015, Nam Sơn from 2023; nguoi is where she is now.
    assert _timeline("P-BAC-1") == [(date(2015, 3, 1), "CDCS-BAC-1"), (date(2023, 6, 1), "CDCS-NAM-1")]
    assert (hoa.grassroots_union.code, hoa.enterprise.code) == ("CDCS-NAM-1", "DN-NAM")
    assert hoa.cccd == "001190000123" and hoa.union_joined_on == date(2015, 3, 1)
    assert Referral.objects.unscoped().get().person == hoa
    assert list(Initiative.objects.unscoped().get().authors.values_list("code", flat=True)) == ["P-BAC-1"]
    entry = AuditEntry.objects.get(model=MERGE_MODEL)
    assert entry.object_code == "P-BAC-1 ← P-NAM-9" and entry.actor_name == "manager_a"

    page = manager.get("/ho-so/co-the-trung/").content.decode()
    assert "Gộp P-NAM-9 vào P-BAC-1" in page and "Hoàn tác" in page
    manager.post("/ho-so/co-the-trung/", {"action": "undo", "entry": entry.pk})
    twin_again = Person.objects.unscoped().get(code="P-NAM-9")
    hoa.refresh_from_db()
    assert (hoa.grassroots_union.code, hoa.cccd, twin_again.cccd) == ("CDCS-BAC-1", "", "001190000123")
    assert _timeline("P-BAC-1") == [] and _timeline("P-NAM-9") == []
    assert Referral.objects.unscoped().get().person == twin_again
    assert list(Initiative.objects.unscoped().get().authors.values_list("code", flat=True)) == ["P-NAM-9"]
    assert AuditEntry.objects.filter(model=MERGE_MODEL, detail=f"hoan-tac:{entry.pk}").count() == 1
    again = manager.post("/ho-so/co-the-trung/", {"action": "undo", "entry": entry.pk}, follow=True)
    assert "Lần gộp này đã được hoàn tác." in again.content.decode()  # not undone twice


def test_two_people_with_conflicting_party_admissions_are_not_merged(world, twin):
    Admission.objects.create(
        person=world.people["P-BAC-1"], admitted_on=date(2019, 1, 1), party_unit=world.unit("CB-DN-BAC")
    )
    Admission.objects.create(person=twin, admitted_on=date(2024, 5, 1), party_unit=world.unit("CB-DN-BAC"))
    page = _client(world.users["manager_a"]).post(
        "/ho-so/co-the-trung/", {"action": "merge", "keep": "P-BAC-1", "drop": "P-NAM-9"}, follow=True
    )
    text = page.content.decode()
    assert "hai lần kết nạp Đảng khác nhau" in text
    assert "P-BAC-1 kết nạp ngày 01/01/2019" in text and "P-NAM-9 kết nạp ngày 01/05/2024" in text
    assert Person.objects.unscoped().filter(code="P-NAM-9").exists()
    assert not AuditEntry.objects.filter(model=MERGE_MODEL).exists()


def test_a_viewer_cannot_merge(world, twin):
    viewer = _client(world.users["viewer_nam"])
    response = viewer.post("/ho-so/co-the-trung/", {"action": "merge", "keep": "P-NAM-9", "drop": "P-NAM-1"})
    assert response.status_code == 403
    assert Person.objects.unscoped().filter(code="P-NAM-9").exists()
