"""Admins manage the accounts of their subtree in the staff site; everybody changes their own password."""

import html

import pytest

from phoihop.accounts.models import ApiToken, User
from phoihop.audit.models import AuditEntry
from phoihop.testing.world import PASSWORD

from .helpers import sign_in

USERS = "/tai-khoan/nguoi-dung/"
NEW = "/tai-khoan/nguoi-dung/them/"
PASSWORD_PAGE = "/tai-khoan/mat-khau/"


@pytest.fixture
def district_admin(world):
    user = User(username="qt_bac", role="admin", unit=world.unit("LDLD-A-BAC"), is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def edit_url(user) -> str:
    return f"{USERS}{user.pk}/"


def new_account(client, **overrides):
    data = {"username": "nv_moi", "role": "editor", "unit": "CDCS-BAC-1", "password1": "Tram-hoa-dua-no-7",
            "password2": "Tram-hoa-dua-no-7"}  # fmt: skip
    return client.post(NEW, data | overrides)


def test_district_admin_lists_only_accounts_of_their_subtree(world, client, district_admin):
    client.force_login(district_admin)
    world.users["viewer_nam"]  # Nam Sơn: a sibling district
    User.objects.create(username="cd_bac", role="viewer", unit=world.unit("CDCS-BAC-1"))
    body = client.get(USERS).content.decode()
    assert "cd_bac" in body and "editor_bac" in body
    assert "viewer_nam" not in body and "admin_a" not in body and "outsider" not in body
    assert client.get(edit_url(world.users["viewer_nam"])).status_code == 404
    assert client.get(edit_url(world.users["editor_bac"])).status_code == 200


def test_admin_creates_an_account_that_signs_in(world, client, district_admin):
    client.force_login(district_admin)
    response = new_account(client)
    assert response.status_code == 302
    created = User.objects.get(username="nv_moi")
    assert (created.role, created.unit.code) == ("editor", "CDCS-BAC-1")
    entry = AuditEntry.objects.get(model="accounts.User", object_code="nv_moi", action="create")
    assert entry.actor_name == "qt_bac" and "Tram" not in str(entry.after)
    assert entry.ip_address == "127.0.0.1"  # the test client's address
    client.logout()
    assert sign_in(client, "nv_moi", "Tram-hoa-dua-no-7").status_code == 302


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"unit": "CDCS-NAM-1"}, "Không có đơn vị mã 'CDCS-NAM-1' trong phạm vi của bạn."),
        ({"unit": "CDCS-X-1"}, "Không có đơn vị mã 'CDCS-X-1' trong phạm vi của bạn."),
        ({"unit": "KHONG-CO"}, "Không có đơn vị mã 'KHONG-CO' trong phạm vi của bạn."),
        ({"username": "editor_bac"}, "Tên đăng nhập 'editor_bac' đã có người dùng."),
        ({"username": "a b/c"}, "Tên đăng nhập"),
        ({"role": "superuser"}, "Hãy chọn một lựa chọn hợp lệ"),
        ({"password1": "nv_moi2025", "password2": "nv_moi2025"}, "quá giống"),
        ({"password1": "12345678901", "password2": "12345678901"}, "hoàn toàn là số"),
        ({"password2": "khac-han"}, "Hai lần nhập mật khẩu không khớp."),
    ],
)
def test_bad_account_input_gets_a_vietnamese_message_and_writes_nothing(
    world, client, district_admin, overrides, message
):
    client.force_login(district_admin)
    before = User.objects.count()
    response = new_account(client, **overrides)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert User.objects.count() == before


def test_admin_changes_role_and_unit_and_deactivates(world, client, district_admin):
    client.force_login(district_admin)
    target = world.users["editor_bac"]
    key = ApiToken.issue(target)
    response = client.post(edit_url(target), {"role": "viewer", "unit": "CDCS-BAC-1"})  # unchecked: locked
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.role, target.unit.code, target.is_active) == ("viewer", "CDCS-BAC-1", False)
    assert not ApiToken.objects.filter(key_hash=ApiToken.hash(key)).exists()
    entry = AuditEntry.objects.get(model="accounts.User", object_code="editor_bac", action="update")
    assert entry.before["role"] == "editor" and entry.after == {
        "unit": "CDCS-BAC-1",
        "role": "viewer",
        "is_active": False,
    }
    client.logout()
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in sign_in(client, "editor_bac").content.decode()


def test_admin_cannot_move_an_account_out_of_their_subtree_or_lock_themselves(world, client, district_admin):
    client.force_login(district_admin)
    target = world.users["editor_bac"]
    refused = client.post(edit_url(target), {"role": "editor", "unit": "LDLD-A", "is_active": "on"})
    assert "Không có đơn vị mã 'LDLD-A' trong phạm vi của bạn." in html.unescape(refused.content.decode())
    target.refresh_from_db()
    assert target.unit.code == "LDLD-A-BAC"
    self_lock = client.post(edit_url(district_admin), {"role": "admin", "unit": "LDLD-A-BAC"})
    assert "không thể tự đổi" in self_lock.content.decode()
    district_admin.refresh_from_db()
    assert district_admin.is_active


def test_superuser_accounts_are_out_of_an_admins_reach(world, client, district_admin):
    root = User.objects.create(username="goc", is_superuser=True, role="admin", unit=world.unit("CDCS-BAC-1"))
    client.force_login(district_admin)
    assert "goc" not in client.get(USERS).content.decode()
    assert client.get(edit_url(root)).status_code == 404
    # And no role above their own is offered: the choices are the admin's grantable roles.
    manager = world.users["manager_a"]
    assert "admin" not in manager.grantable_roles() and "manager" in manager.grantable_roles()


def test_reset_password_shows_a_new_one_once(world, client, district_admin):
    client.force_login(district_admin)
    target = world.users["editor_bac"]
    response = client.post(edit_url(target), {"action": "reset"})
    assert "no-store" in response["Cache-Control"]
    new = response.context["new_password"]
    assert new in response.content.decode()
    client.logout()
    assert sign_in(client, "editor_bac").status_code == 200  # the old one no longer works
    assert sign_in(client, "editor_bac", new).status_code == 302
    entry = AuditEntry.objects.get(model="accounts.User", object_code="editor_bac", detail="Đặt lại mật khẩu")
    assert new not in str(entry.before) + str(entry.after) + entry.detail


def test_non_admins_cannot_manage_accounts(world, client):
    for username in ("manager_a", "editor_bac", "viewer_nam"):
        client.force_login(world.users[username])
        assert client.get(USERS).status_code == 403
        assert client.get(NEW).status_code == 403
        assert client.get(edit_url(world.users["viewer_nam"])).status_code == 404


def test_every_user_changes_their_own_password(world, client):
    client.force_login(world.users["viewer_nam"])
    wrong = client.post(
        PASSWORD_PAGE,
        {"old_password": "sai", "new_password1": "Suoi-mo-xanh-9", "new_password2": "Suoi-mo-xanh-9"},
    )
    assert wrong.status_code == 200 and "Mật khẩu cũ không chính xác" in wrong.content.decode()
    similar = client.post(
        PASSWORD_PAGE,
        {"old_password": PASSWORD, "new_password1": "viewer_nam1", "new_password2": "viewer_nam1"},
    )
    assert "quá giống" in similar.content.decode()
    ok = client.post(
        PASSWORD_PAGE,
        {"old_password": PASSWORD, "new_password1": "Suoi-mo-xanh-9", "new_password2": "Suoi-mo-xanh-9"},
    )
    assert ok.status_code == 302
    assert client.get("/lam-viec/", follow=True).status_code == 200  # still signed in on this browser
    client.logout()
    assert sign_in(client, "viewer_nam", "Suoi-mo-xanh-9").status_code == 302
    assert AuditEntry.objects.filter(object_code="viewer_nam", detail="Đổi mật khẩu").count() == 1
