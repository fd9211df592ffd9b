"""The audit log page: admins only, filtered, paginated, within the admin's scope."""

import html
from datetime import timedelta

import pytest
from django.utils import timezone

from phoihop.audit.models import AuditEntry
from phoihop.audit.services import log_change, log_read


@pytest.fixture
def entries(world):
    log_change(actor=world.users["editor_bac"], action="update", model="records.Person", object_code="P-BAC-1",
               before={"full_name": "A"}, after={"full_name": "B"})  # fmt: skip
    log_read(actor=world.users["viewer_nam"], model="records.Person", object_codes=["P-NAM-1"])
    log_change(actor=world.users["outsider"], action="create", model="orgs.Unit", object_code="CDCS-X-2",
               before=None, after={"name": "X"})  # fmt: skip
    log_change(
        actor=None, action="import", model="workbook", object_code="so-du-lieu.xlsx", before=None, after=None
    )


def rows(response) -> list[tuple[str, str, str]]:
    return [(e.actor_name, e.action, e.object_code) for e in response.context["page"].object_list]


def test_admin_sees_the_log_of_their_province_only(world, entries, client):
    client.force_login(world.users["admin_a"])
    response = client.get("/nhat-ky/")
    assert response.status_code == 200
    assert sorted(rows(response)) == [
        ("editor_bac", "update", "P-BAC-1"),
        ("system", "import", "so-du-lieu.xlsx"),
        ("viewer_nam", "read", "P-NAM-1"),
    ]
    assert "CDCS-X-2" not in response.content.decode()


def test_filters_by_user_model_action_code_and_dates(world, entries, client):
    client.force_login(world.users["admin_a"])
    assert rows(client.get("/nhat-ky/?user=viewer_nam")) == [("viewer_nam", "read", "P-NAM-1")]
    assert rows(client.get("/nhat-ky/?action=update")) == [("editor_bac", "update", "P-BAC-1")]
    assert len(rows(client.get("/nhat-ky/?model=records.Person"))) == 2
    assert rows(client.get("/nhat-ky/?object_code=P-BAC-1")) == [("editor_bac", "update", "P-BAC-1")]
    today = timezone.localdate()
    assert len(rows(client.get(f"/nhat-ky/?from={today}&to={today}"))) == 3
    assert rows(client.get(f"/nhat-ky/?from={today + timedelta(days=1)}")) == []
    bad = client.get("/nhat-ky/?from=hom-qua&action=xoa-het")
    assert bad.status_code == 200
    page = html.unescape(bad.content.decode())
    assert "Từ ngày: 'hom-qua' không phải ngày hợp lệ." in page
    assert "Hành động: giá trị không hợp lệ." in page


def test_log_is_paginated(world, client):
    log_read(
        actor=world.users["editor_bac"], model="records.Person", object_codes=[f"P-{i}" for i in range(120)]
    )
    client.force_login(world.users["admin_a"])
    first = client.get("/nhat-ky/")
    assert len(rows(first)) == 50 and first.context["page"].paginator.num_pages == 3
    assert "Trang 1 / 3" in first.content.decode()
    last = client.get("/nhat-ky/?user=editor_bac&page=3")
    assert len(rows(last)) == 20
    assert "user=editor_bac&amp;page=2" in last.content.decode()


def test_district_admin_sees_only_accounts_of_the_district(world, entries, client):
    from phoihop.accounts.models import User

    admin = User.objects.create_user(
        "admin_bac", password="x-long-pass-1", role="admin", unit=world.unit("LDLD-A-BAC")
    )
    client.force_login(admin)
    assert rows(client.get("/nhat-ky/")) == [("editor_bac", "update", "P-BAC-1")]


def test_other_roles_are_refused_and_anonymous_sent_to_sign_in(world, entries, client):
    for username in ("manager_a", "editor_bac", "viewer_nam", "news_a"):
        client.force_login(world.users[username])
        assert client.get("/nhat-ky/").status_code == 403, username
    client.logout()
    response = client.get("/nhat-ky/")
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_nav_shows_the_log_to_admins_only(world, client):
    client.force_login(world.users["admin_a"])
    assert 'href="/nhat-ky/"' in client.get("/don-vi/").content.decode()
    client.force_login(world.users["manager_a"])
    assert 'href="/nhat-ky/"' not in client.get("/don-vi/").content.decode()


def test_changes_made_on_the_unit_pages_appear_in_the_log(world, client):
    client.force_login(world.users["admin_a"])
    client.post("/don-vi/CDCS-NAM-1/giai-the/", {"on": "2022-12-31"})
    response = client.get("/nhat-ky/?model=orgs.Unit")
    assert rows(response) == [("admin_a", "update", "CDCS-NAM-1")]
    assert AuditEntry.objects.get(model="orgs.Unit").detail == "dissolve"
