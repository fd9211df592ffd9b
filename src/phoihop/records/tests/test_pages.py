"""The records pages: index, generic lists (scope, search, filters, sort, pagination), person page."""

from datetime import date

import pytest
from django.urls import reverse

from phoihop.accounts.models import User
from phoihop.audit.models import AuditEntry
from phoihop.records.kinds import KINDS
from phoihop.records.models import Admission, Person, Referral, WelfareContribution


def signed_in(client, user):
    client.force_login(user)
    return client


def test_index_lists_every_kind_with_counts_in_scope(client, world):
    page = signed_in(client, world.users["editor_bac"]).get(reverse("records:index"))
    assert page.status_code == 200
    text = page.content.decode()
    for kind in KINDS:
        assert reverse("records:list", args=[kind.slug]) in text
    assert [n for k, n in page.context["counts"] if k.slug == "nguoi"] == [1]


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.slug)
def test_every_list_and_create_page_opens(client, world, kind):
    # The add page is for the side whose units make such a record the writer's (admissions: the party's).
    admin = world.users["admin_a"]
    if "union" not in kind.trees:
        admin = User.objects.create(
            username="admin_duk", role="admin", unit=world.unit("DUK-A"), is_staff=True
        )
    signed_in(client, admin)
    assert client.get(reverse("records:list", args=[kind.slug]), {"q": "a", "nam": "2020"}).status_code == 200
    assert client.get(reverse("records:create", args=[kind.slug])).status_code == 200


def test_people_list_shows_only_people_in_scope(client, world):
    text = signed_in(client, world.users["editor_bac"]).get("/ho-so/nguoi/").content.decode()
    assert "Nguyễn Thị Hoa" in text
    assert "Trần Văn Nam" not in text and "Lê Văn Xa" not in text


def test_people_search_without_diacritics_and_by_code(client, world):
    signed_in(client, world.users["admin_a"])
    text = client.get("/ho-so/nguoi/", {"q": "tran van"}).content.decode()
    assert "Trần Văn Nam" in text and "Nguyễn Thị Hoa" not in text
    text = client.get("/ho-so/nguoi/", {"q": "p-bac"}).content.decode()
    assert "Nguyễn Thị Hoa" in text and "Trần Văn Nam" not in text


def test_unit_filter_takes_the_units_under_a_district(client, world):
    signed_in(client, world.users["admin_a"])
    text = client.get("/ho-so/nguoi/", {"don_vi": "LDLD-A-NAM"}).content.decode()
    assert "Trần Văn Nam" in text and "Nguyễn Thị Hoa" not in text


def test_unit_filter_outside_scope_is_404(client, world):
    signed_in(client, world.users["editor_bac"])
    assert client.get("/ho-so/nguoi/", {"don_vi": "LDLD-X"}).status_code == 404


def test_year_filter_sort_and_pagination(client, world):
    unit = world.unit("CDCS-BAC-1")
    for i in range(60):
        WelfareContribution.objects.create(
            code=f"AS-{i:03}", unit=unit, date=date(2020 + i % 2, 5, 1), amount_vnd=1_000_000 * (i + 1)
        )
    signed_in(client, world.users["editor_bac"])
    first = client.get("/ho-so/an-sinh/")
    assert first.context["page"].paginator.count == 60
    assert len(first.context["table"]) == 50
    second = client.get("/ho-so/an-sinh/", {"trang": 2})
    assert len(second.context["table"]) == 10
    only_2021 = client.get("/ho-so/an-sinh/", {"nam": 2021})
    assert only_2021.context["page"].paginator.count == 30
    biggest_first = client.get("/ho-so/an-sinh/", {"sap_xep": "-amount_vnd"})
    assert biggest_first.context["table"][0]["cells"][0]["text"] == "AS-059"
    assert biggest_first.context["table"][0]["cells"][3]["text"] == "60.000.000"
    # A sort key that is not a column is ignored rather than passed to the database.
    assert client.get("/ho-so/an-sinh/", {"sap_xep": "unit__users__password"}).status_code == 200


def test_unknown_kind_is_404(client, world):
    assert signed_in(client, world.users["admin_a"]).get("/ho-so/khong-co/").status_code == 404


def test_news_editor_may_not_browse_records(client, world):
    assert signed_in(client, world.users["news_a"]).get("/ho-so/nguoi/").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get("/ho-so/nguoi/")
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


# ---- the person page ----------------------------------------------------------------------------


@pytest.fixture
def admitted(world):
    hoa = world.people["P-BAC-1"]
    hoa.birth_date = date(1990, 7, 9)
    hoa.save()
    Referral.objects.create(person=hoa, referred_on=date(2019, 5, 1), referring_unit=world.unit("LDLD-A-BAC"))
    Admission.objects.create(
        person=hoa,
        admitted_on=date(2020, 3, 2),
        party_unit=world.unit("CB-DN-BAC"),
        decision_no="15-QĐ/ĐU",
        full_member_on=date(2021, 3, 2),
    )
    return hoa


def test_outsider_gets_404_on_person_page(client, world):
    assert signed_in(client, world.users["outsider"]).get("/ho-so/nguoi/P-BAC-1/").status_code == 404
    assert not AuditEntry.objects.filter(action="read").exists()


def test_person_page_read_is_logged(client, world, admitted):
    signed_in(client, world.users["editor_bac"]).get("/ho-so/nguoi/P-BAC-1/")
    entry = AuditEntry.objects.get(action="read")
    assert (entry.actor_name, entry.object_code, entry.ip_address) == ("editor_bac", "P-BAC-1", "127.0.0.1")


def test_union_referrer_sees_admitted_and_date_but_not_party_side(client, world, admitted):
    text = signed_in(client, world.users["editor_bac"]).get("/ho-so/nguoi/P-BAC-1/").content.decode()
    assert "Được kết nạp vào Đảng" in text and "02/03/2020" in text
    assert "Chi bộ Công ty Chè Bắc Hà" not in text
    assert "15-QĐ/ĐU" not in text and "02/03/2021" not in text


def test_party_bloc_sees_party_unit_decision_and_full_membership(client, world, admitted):
    text = signed_in(client, world.users["party_viewer"]).get("/ho-so/nguoi/P-BAC-1/").content.decode()
    assert "Chi bộ Công ty Chè Bắc Hà" in text
    assert "15-QĐ/ĐU" in text and "02/03/2021" in text


def test_personal_fields_shown_to_the_union_holding_the_member(client, world, admitted):
    text = signed_in(client, world.users["editor_bac"]).get("/ho-so/nguoi/P-BAC-1/").content.decode()
    assert "09/07/1990" in text and "Tày" in text


def test_personal_fields_hidden_from_a_referrer_that_does_not_hold_the_member(client, world):
    nam = world.people["P-NAM-1"]
    Referral.objects.create(person=nam, referred_on=date(2019, 5, 1), referring_unit=world.unit("LDLD-A-BAC"))
    text = signed_in(client, world.users["editor_bac"]).get("/ho-so/nguoi/P-NAM-1/").content.decode()
    assert "Trần Văn Nam" in text
    assert "Tày" not in text
    # …and they cannot open the edit form, which shows those fields.
    assert client.get("/ho-so/nguoi/P-NAM-1/sua/").status_code == 403


def test_person_list_does_not_count_as_a_read_of_each_person(client, world):
    signed_in(client, world.users["admin_a"]).get("/ho-so/nguoi/")
    # One row for the list view (issue 11), none per person shown.
    assert list(AuditEntry.objects.filter(action="read").values_list("object_code", flat=True)) == [""]
    assert Person.objects.unscoped().count() == 3


def test_a_root_user_sees_each_culture_recognition_once(client, world):
    # DN-BAC has two units (its union and its party cell): the row must not repeat per unit.
    from phoihop.records.models import CultureRecognition

    CultureRecognition.objects.create(
        enterprise=world.enterprises["DN-BAC"], year=2020, title="nep_song_van_hoa"
    )
    signed_in(client, world.users["admin_a"])
    assert client.get("/ho-so/van-hoa/").context["page"].paginator.count == 1
    counts = dict((k.slug, n) for k, n in client.get("/ho-so/").context["counts"])
    assert counts["van-hoa"] == 1
