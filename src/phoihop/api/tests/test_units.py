"""Units and enterprises through the API: the caller's scope, the tree on a date, writes through services."""

from datetime import date

from phoihop.audit.models import AuditEntry
from phoihop.orgs.closure import rebuild_closure
from phoihop.orgs.models import Transfer, Unit

from .helpers import bearer


def test_unit_detail_shows_the_parent_only_when_in_scope(world, client):
    district = client.get("/api/v1/units/LDLD-A-BAC", **bearer(world, "editor_bac")).json()
    assert district["name"] == "Liên đoàn Lao động huyện Bắc Hà"
    assert district["kind"] == "ldld_huyen" and district["tree"] == "union"
    assert district["founded_on"] == "2001-01-01" and district["exists_today"] is True
    assert district["parent"] is None  # the province is outside a district user's scope
    province = client.get("/api/v1/units/LDLD-A-BAC", **bearer(world, "manager_a")).json()
    assert province["parent"]["code"] == "LDLD-A"


def test_children_on_a_date_follow_transfers(world, client):
    Transfer.objects.create(
        unit=world.unit("CDCS-BAC-1"), new_parent=world.unit("LDLD-A-NAM"), effective_on=date(2020, 7, 1)
    )
    rebuild_closure()
    auth = bearer(world, "manager_a")

    def children(code, on=None):
        url = f"/api/v1/units/{code}/children" + (f"?on={on}" if on else "")
        body = client.get(url, **auth).json()
        return [c["code"] for c in body["children"]]

    assert children("LDLD-A-BAC", "2020-06-30") == ["CDCS-BAC-1"]
    assert children("LDLD-A-BAC", "2020-07-01") == []
    assert children("LDLD-A-NAM", "2020-07-01") == ["CDCS-BAC-1", "CDCS-NAM-1"]
    assert children("LDLD-A-NAM") == ["CDCS-BAC-1", "CDCS-NAM-1"]  # default: today
    assert children("LDLD-A-BAC", "2009-12-31") == []  # not founded yet


def test_bad_date_is_a_422_in_vietnamese_naming_the_parameter(world, client):
    response = client.get("/api/v1/units/LDLD-A/children?on=31-02-2020", **bearer(world, "manager_a"))
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Dữ liệu gửi lên không hợp lệ."
    assert body["errors"][0]["field"] == "on"
    assert "Tham số 'on'" in body["errors"][0]["message"]


def test_people_of_a_unit_are_paginated_and_scoped(world, client):
    auth = bearer(world, "manager_a")
    first = client.get("/api/v1/units/LDLD-A/people?page_size=1", **auth).json()
    assert first["count"] == 2 and first["page"] == 1 and first["page_size"] == 1
    assert [p["code"] for p in first["items"]] == ["P-BAC-1"]
    second = client.get("/api/v1/units/LDLD-A/people?page_size=1&page=2", **auth).json()
    assert [p["code"] for p in second["items"]] == ["P-NAM-1"]
    assert client.get("/api/v1/units/LDLD-A/people?page=9", **auth).json()["items"] == []
    district = client.get("/api/v1/units/LDLD-A-BAC/people", **bearer(world, "editor_bac")).json()
    assert [p["code"] for p in district["items"]] == ["P-BAC-1"]
    assert district["items"][0]["grassroots_union"]["code"] == "CDCS-BAC-1"
    too_big = client.get("/api/v1/units/LDLD-A/people?page_size=5000", **auth)
    assert too_big.status_code == 422


def test_people_on_a_date_are_members_that_day(world, client):
    auth = bearer(world, "manager_a")

    def codes(on):
        body = client.get(f"/api/v1/units/LDLD-A/people?on={on}", **auth).json()
        return [p["code"] for p in body["items"]]

    assert codes("2015-02-28") == []  # they joined on 2015-03-01
    assert codes("2015-03-01") == ["P-BAC-1", "P-NAM-1"]


def test_people_search_without_diacritics(world, client):
    body = client.get("/api/v1/units/LDLD-A/people?q=nguyen thi", **bearer(world, "manager_a")).json()
    assert [p["full_name"] for p in body["items"]] == ["Nguyễn Thị Hoa"]


def test_people_list_needs_a_reading_role(world, client):
    response = client.get("/api/v1/units/LDLD-A/people", **bearer(world, "news_a"))
    assert response.status_code == 403
    assert "Vai trò" in response.json()["detail"]


def test_enterprise_detail_lists_units_in_scope(world, client):
    body = client.get("/api/v1/enterprises/DN-BAC", **bearer(world, "editor_bac")).json()
    assert body["ownership"] == "ngoai_nha_nuoc" and body["is_non_state"] is True
    assert [u["code"] for u in body["units"]] == ["CDCS-BAC-1"]  # the party cell is not in their scope
    party = client.get("/api/v1/enterprises/DN-BAC", **bearer(world, "party_viewer")).json()
    assert [u["code"] for u in party["units"]] == ["CB-DN-BAC"]


def test_transfer_through_the_api_is_validated_audited_and_changes_the_tree(world, client):
    auth = bearer(world, "manager_a")
    url = "/api/v1/units/CDCS-BAC-1/transfers"
    created = client.post(
        url,
        {"new_parent": "LDLD-A-NAM", "effective_on": "2021-01-01", "decision_no": "12/QĐ"},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201
    assert created.json()["new_parent"]["code"] == "LDLD-A-NAM"
    assert AuditEntry.objects.filter(model="orgs.Transfer", object_code="CDCS-BAC-1@2021-01-01").exists()
    children = client.get("/api/v1/units/LDLD-A-NAM/children?on=2021-01-01", **auth).json()["children"]
    assert "CDCS-BAC-1" in [c["code"] for c in children]

    outside = client.post(
        url, {"new_parent": "LDLD-X", "effective_on": "2022-01-01"}, content_type="application/json", **auth
    )
    assert outside.status_code == 422
    assert outside.json()["errors"][0]["field"] == "new_parent"
    assert "Đơn vị cấp trên mới" in outside.json()["detail"]


def test_transfer_needs_the_manage_units_role(world, client):
    response = client.post(
        "/api/v1/units/CDCS-BAC-1/transfers",
        {"new_parent": "LDLD-A-NAM", "effective_on": "2021-01-01"},
        content_type="application/json",
        **bearer(world, "editor_bac"),
    )
    assert response.status_code == 403
    assert not Transfer.objects.exists()


def test_openapi_document_declares_schemas_and_both_ways_to_sign_in(world, client):
    document = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/units/{code}", "/api/v1/units/{code}/children", "/api/v1/units/{code}/people",
            "/api/v1/people/{code}", "/api/v1/enterprises/{code}"} <= set(document["paths"])  # fmt: skip
    schemes = document["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    person = document["paths"]["/api/v1/people/{code}"]["get"]["responses"]
    assert {"200", "401", "404"} <= set(person)
    assert "PersonOut" in document["components"]["schemas"]


def test_unit_outside_scope_and_missing_unit_answer_alike(world, client):
    auth = bearer(world, "editor_bac")
    outsider = client.get("/api/v1/units/CDCS-X-1", **auth)
    missing = client.get("/api/v1/units/KHONG-CO", **auth)
    assert outsider.status_code == missing.status_code == 404
    assert outsider.json() == missing.json() == {"detail": "Không tìm thấy."}
    assert Unit.objects.filter(code="CDCS-X-1").exists()
