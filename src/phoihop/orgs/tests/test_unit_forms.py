"""The manager's acts on units: validated in Vietnamese naming the field, audited, the tree rebuilt."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from phoihop.audit.models import AuditEntry
from phoihop.orgs import selectors, services
from phoihop.orgs.closure import rebuild_closure
from phoihop.orgs.models import Transfer, Unit


@pytest.fixture
def manager(world, client):
    client.force_login(world.users["manager_a"])
    return client


def errors_of(response) -> str:
    assert response.status_code == 400, response.status_code
    return " ".join(str(e) for errors in response.context["form"].errors.values() for e in errors)


def under(ancestor: str, on: date) -> list[str]:
    return sorted(u.code for u in selectors.units_under(Unit.objects.get(code=ancestor), on=on))


# ---- found a unit ---------------------------------------------------------------------------------------


def test_manager_founds_a_grassroots_union_and_it_is_audited(world, manager):
    response = manager.post(
        "/don-vi/LDLD-A-BAC/thanh-lap-don-vi-truc-thuoc/",
        {"code": "CDCS-BAC-2", "name": "Công đoàn cơ sở Công ty Chè Bắc Hà 2", "kind": "cdcs",
         "founded_on": "2023-03-08", "enterprise": "DN-BAC", "area": "Bắc Hà"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/don-vi/CDCS-BAC-2/"
    unit = Unit.objects.get(code="CDCS-BAC-2")
    assert unit.parent.code == "LDLD-A-BAC" and unit.enterprise.code == "DN-BAC"
    assert "CDCS-BAC-2" in under("LDLD-A", date(2023, 3, 8))
    assert "CDCS-BAC-2" not in under("LDLD-A", date(2023, 3, 7))
    entry = AuditEntry.objects.get(model="orgs.Unit", object_code="CDCS-BAC-2")
    assert entry.action == "create" and entry.actor_name == "manager_a"
    assert entry.after["founded_on"] == "2023-03-08"


def test_child_cannot_be_founded_before_its_parent(world, manager):
    response = manager.post(
        "/don-vi/LDLD-A-BAC/thanh-lap-don-vi-truc-thuoc/",
        {"code": "CDCS-CU", "name": "Công đoàn cũ", "kind": "cdcs", "founded_on": "1999-05-01"},
    )
    message = errors_of(response)
    assert message.startswith("Ngày thành lập:") and "trước cấp trên" in message and "01/01/2001" in message
    assert not Unit.objects.filter(code="CDCS-CU").exists()
    assert not AuditEntry.objects.exists()


def test_found_form_refuses_duplicate_code_wrong_kind_and_absurd_dates(world, manager):
    url = "/don-vi/LDLD-A-BAC/thanh-lap-don-vi-truc-thuoc/"
    base = {"code": "CDCS-MOI", "name": "Công đoàn mới", "kind": "cdcs", "founded_on": "2020-01-01"}
    assert "Mã đơn vị: mã 'CDCS-BAC-1' đã có." in errors_of(manager.post(url, {**base, "code": "CDCS-BAC-1"}))
    assert errors_of(manager.post(url, {**base, "kind": "ldld_huyen"})).startswith("Loại đơn vị:")
    assert errors_of(manager.post(url, {**base, "founded_on": "1800-01-01"})).startswith("Ngày thành lập:")
    assert errors_of(manager.post(url, {**base, "founded_on": "hôm qua"})).startswith("Ngày thành lập:")
    assert errors_of(manager.post(url, {**base, "enterprise": "DN-X"})).startswith("Doanh nghiệp:")
    assert not Unit.objects.filter(code="CDCS-MOI").exists()


# ---- transfer -------------------------------------------------------------------------------------------


def test_transfer_moves_the_unit_from_that_day_and_is_audited(world, manager):
    response = manager.post(
        "/don-vi/CDCS-BAC-1/dieu-chuyen/",
        {"new_parent": "LDLD-A-NAM", "on": "2020-07-01", "decision_no": "88/QĐ"},
    )
    assert response.status_code == 302
    assert "CDCS-BAC-1" in under("LDLD-A-BAC", date(2020, 6, 30))
    assert "CDCS-BAC-1" not in under("LDLD-A-BAC", date(2020, 7, 1))
    assert "CDCS-BAC-1" in under("LDLD-A-NAM", date(2020, 7, 1))
    entry = AuditEntry.objects.get(model="orgs.Transfer")
    assert entry.object_code == "CDCS-BAC-1@2020-07-01" and entry.after["new_parent"] == "LDLD-A-NAM"


def test_transfer_to_a_parent_not_existing_that_day_is_refused(world, manager):
    Unit.objects.create(code="LDLD-A-MOI", name="LĐLĐ huyện Mới", kind="ldld_huyen",
                        parent=world.unit("LDLD-A"), founded_on=date(2021, 1, 1))  # fmt: skip
    rebuild_closure()
    response = manager.post(
        "/don-vi/CDCS-BAC-1/dieu-chuyen/", {"new_parent": "LDLD-A-MOI", "on": "2020-07-01"}
    )
    message = errors_of(response)
    assert message.startswith("Đơn vị cấp trên mới:") and "không hoạt động vào ngày 01/07/2020" in message
    assert not Transfer.objects.exists()


def test_transfer_outside_scope_or_to_a_wrong_kind_names_the_field(world, manager):
    url = "/don-vi/CDCS-BAC-1/dieu-chuyen/"
    outside = errors_of(manager.post(url, {"new_parent": "LDLD-X", "on": "2020-07-01"}))
    assert outside == "Đơn vị cấp trên mới: không có đơn vị này trong phạm vi của bạn."
    party = errors_of(
        manager.post("/don-vi/LDLD-A-BAC/dieu-chuyen/", {"new_parent": "LDLD-A-NAM", "on": "2020-07-01"})
    )
    assert party.startswith("Đơn vị cấp trên mới:") and "không thể là cấp trên trực tiếp" in party
    before = errors_of(manager.post(url, {"new_parent": "LDLD-A-NAM", "on": "2005-01-01"}))
    assert before.startswith("Ngày hiệu lực:") and "trước ngày thành lập" in before
    assert not Transfer.objects.exists()


def test_a_unit_cannot_become_its_own_ancestor(world):
    # An odd but importable shape: a sector union standing under a district federation.
    sector = world.unit("CDN-A-GD")
    Transfer.objects.create(unit=sector, new_parent=world.unit("LDLD-A-BAC"), effective_on=date(2015, 1, 1))
    rebuild_closure()
    with pytest.raises(ValidationError) as refused:
        services.transfer_unit(
            actor=world.users["manager_a"],
            unit=world.unit("LDLD-A-BAC"),
            new_parent=sector,
            on=date(2018, 1, 1),
        )
    message = refused.value.message_dict["new_parent"][0]
    assert message.startswith("Đơn vị cấp trên mới:") and "cấp trên của chính nó" in message
    assert Transfer.objects.count() == 1
    # Moving A under B in one year and B under A years after B left is not a cycle.
    Transfer.objects.create(unit=sector, new_parent=world.unit("LDLD-A"), effective_on=date(2019, 1, 1))
    rebuild_closure()
    with pytest.raises(ValidationError) as wrong_kind:
        services.transfer_unit(
            actor=None, unit=world.unit("LDLD-A-BAC"), new_parent=sector, on=date(2020, 1, 1)
        )
    assert "cấp trên của chính nó" not in str(wrong_kind.value)  # refused for the kind, not a cycle


# ---- dissolve and merge ---------------------------------------------------------------------------------


def test_dissolve_ends_the_unit_after_that_day(world, manager):
    response = manager.post("/don-vi/CDCS-NAM-1/giai-the/", {"on": "2022-12-31"})
    assert response.status_code == 302
    assert "CDCS-NAM-1" in under("LDLD-A", date(2022, 12, 31))
    assert "CDCS-NAM-1" not in under("LDLD-A", date(2023, 1, 1))
    entry = AuditEntry.objects.get(model="orgs.Unit", object_code="CDCS-NAM-1")
    assert entry.before["dissolved_on"] is None and entry.after["dissolved_on"] == "2022-12-31"


def test_dissolve_refuses_a_unit_with_units_under_it_and_dates_before_founding(world, manager):
    busy = errors_of(manager.post("/don-vi/LDLD-A-NAM/giai-the/", {"on": "2022-12-31"}))
    assert busy.startswith("Ngày giải thể:") and "Điện lực Nam Sơn" in busy
    early = errors_of(manager.post("/don-vi/CDCS-NAM-1/giai-the/", {"on": "2009-01-01"}))
    assert early.startswith("Ngày giải thể:") and "trước ngày thành lập" in early
    assert Unit.objects.get(code="LDLD-A-NAM").dissolved_on is None


def test_merging_a_district_hands_its_units_to_the_target(world, manager):
    response = manager.post(
        "/don-vi/LDLD-A-BAC/sap-nhap/", {"target": "LDLD-A-NAM", "on": "2022-12-31", "move_children": "on"}
    )
    assert response.status_code == 302
    bac = Unit.objects.get(code="LDLD-A-BAC")
    assert bac.dissolved_on == date(2022, 12, 31) and bac.merged_into.code == "LDLD-A-NAM"
    assert "CDCS-BAC-1" in under("LDLD-A-BAC", date(2022, 12, 31))
    assert "CDCS-BAC-1" in under("LDLD-A-NAM", date(2023, 1, 1))
    assert Transfer.objects.get(unit__code="CDCS-BAC-1").effective_on == date(2023, 1, 1)
    assert AuditEntry.objects.filter(model="orgs.Transfer", object_code="CDCS-BAC-1@2023-01-01").exists()
    assert (
        AuditEntry.objects.get(model="orgs.Unit", object_code="LDLD-A-BAC").detail == "merge into LDLD-A-NAM"
    )


def test_merge_target_must_exist_and_be_of_a_compatible_kind(world, manager):
    url = "/don-vi/CDCS-BAC-1/sap-nhap/"
    missing = errors_of(manager.post(url, {"target": "KHONG-CO", "on": "2022-12-31"}))
    assert missing.startswith("Đơn vị tiếp nhận:")
    district = errors_of(manager.post(url, {"target": "LDLD-A-NAM", "on": "2022-12-31"}))
    assert district.startswith("Đơn vị tiếp nhận:")  # a grassroots union merges into a grassroots union
    with pytest.raises(ValidationError) as refused:
        services.merge_unit(
            actor=None, unit=world.unit("CDCS-BAC-1"), target=world.unit("CB-DN-BAC"), on=date(2022, 12, 31)
        )
    assert "không cùng cấp" in refused.value.message_dict["target"][0]
    assert Unit.objects.get(code="CDCS-BAC-1").dissolved_on is None


def test_merge_into_a_grassroots_union(world, manager):
    response = manager.post("/don-vi/CDCS-BAC-1/sap-nhap/", {"target": "CDCS-NAM-1", "on": "2022-12-31"})
    assert response.status_code == 302
    unit = Unit.objects.get(code="CDCS-BAC-1")
    assert (unit.dissolved_on, unit.merged_into.code) == (date(2022, 12, 31), "CDCS-NAM-1")


# ---- edit ------------------------------------------------------------------------------------------------


def test_edit_renames_and_refuses_a_founding_date_after_a_childs(world, manager):
    ok = manager.post(
        "/don-vi/LDLD-A-BAC/sua/", {"name": "LĐLĐ huyện Bắc Hà (mới)", "founded_on": "2001-01-01"}
    )
    assert ok.status_code == 302
    assert Unit.objects.get(code="LDLD-A-BAC").name == "LĐLĐ huyện Bắc Hà (mới)"
    entry = AuditEntry.objects.get(model="orgs.Unit", action="update")
    assert entry.before["name"] == "Liên đoàn Lao động huyện Bắc Hà"
    late = errors_of(manager.post("/don-vi/LDLD-A-BAC/sua/", {"name": "x", "founded_on": "2015-01-01"}))
    assert late.startswith("Ngày thành lập:") and "01/01/2010" in late


# ---- who may ----------------------------------------------------------------------------------------------


def test_forms_are_for_managers_and_admins_of_the_scope(world, client):
    client.force_login(world.users["editor_bac"])
    assert client.get("/don-vi/CDCS-BAC-1/dieu-chuyen/").status_code == 403
    assert client.post("/don-vi/CDCS-BAC-1/giai-the/", {"on": "2022-12-31"}).status_code == 403
    assert client.get("/don-vi/CDCS-X-1/dieu-chuyen/").status_code == 404  # outside: not found, not forbidden
    client.force_login(world.users["outsider"])
    assert client.get("/don-vi/CDCS-BAC-1/sua/").status_code == 404
    assert Unit.objects.get(code="CDCS-BAC-1").dissolved_on is None
