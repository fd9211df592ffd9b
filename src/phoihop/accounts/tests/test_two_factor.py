"""TOTP two-factor sign-in: required for admin and manager where production settings are on, optional
for the others, and a half-signed-in session sees nothing of the staff site or the API."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from phoihop.audit.models import AuditEntry

from .helpers import SETUP, VERIFY, code_for, sign_in

HOME = "/lam-viec/"
ME = "/api/v1/me"


@pytest.fixture
def required(settings):
    settings.REQUIRE_2FA = True


def enrol(client, username):
    """Walk the enrolment page as the user would: open it, read the key, type the code."""
    page = client.get(SETUP)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    assert page.context["secret"] in page.content.decode()
    response = client.post(SETUP, {"code": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def opens_home(client) -> bool:
    """The signed-in start page opens: it forwards to the role's landing page (issue 14), not to the
    sign-in or two-factor pages."""
    response = client.get(HOME, follow=True)
    return response.status_code == 200 and not response.request["PATH_INFO"].startswith("/tai-khoan/")


def test_outside_production_password_alone_signs_in_every_role(world, client):
    for username in ("admin_a", "manager_a", "viewer_nam"):
        client.logout()
        assert sign_in(client, username).url == HOME
        assert opens_home(client)


def test_manager_must_enrol_before_any_page_opens_when_required(world, client, required):
    response = sign_in(client, "manager_a")
    assert response.status_code == 302 and response.url.startswith(SETUP)
    # Half signed in: the staff site answers as to a visitor, the API as to a caller without credentials.
    assert client.get(HOME).url.startswith("/tai-khoan/dang-nhap/")
    assert client.get("/ho-so/").status_code == 302
    assert client.get(ME).status_code == 401
    assert client.get("/tai-khoan/dang-nhap/").url.startswith(SETUP)
    body = client.get(SETUP).content.decode()
    assert "Vai trò của bạn bắt buộc xác thực hai bước" in body
    enrol(client, "manager_a")
    assert opens_home(client)
    assert client.get(ME).json()["username"] == "manager_a"
    entry = AuditEntry.objects.get(model="accounts.User", object_code="manager_a")
    assert entry.detail == "Bật xác thực hai bước"


def test_enrolled_user_gives_the_code_after_the_password(world, client, required):
    sign_in(client, "admin_a")
    device = enrol(client, "admin_a")
    client.logout()
    response = sign_in(client, "admin_a")
    assert response.url.startswith(VERIFY)
    assert not opens_home(client)
    wrong = client.post(VERIFY, {"code": "000000" if code_for(device, 1) != "000000" else "111111"})
    assert "Mã xác thực không đúng" in wrong.content.decode()
    assert not opens_home(client)
    letters = client.post(VERIFY, {"code": "abcdef"})
    assert "Mã xác thực không đúng" in letters.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the two wrong codes above slow the next try down
    device.throttling_failure_timestamp = None
    device.save()
    ok = client.post(VERIFY, {"code": code_for(device, 1)})
    assert ok.status_code == 302 and ok.url == HOME
    assert opens_home(client)


def test_a_code_is_accepted_once(world, client, required):
    sign_in(client, "admin_a")
    device = enrol(client, "admin_a")
    used = code_for(device)
    client.logout()
    sign_in(client, "admin_a")
    replay = client.post(VERIFY, {"code": used})
    assert "Mã xác thực không đúng" in replay.content.decode()


def test_viewer_may_enrol_and_turn_it_off_but_a_manager_may_not(world, client, required):
    sign_in(client, "viewer_nam")
    assert opens_home(client)  # optional for a viewer
    device = enrol(client, "viewer_nam")
    off = client.post(SETUP, {"code": code_for(device, 1)})
    assert off.status_code == 302
    assert not TOTPDevice.objects.filter(user__username="viewer_nam").exists()

    client.logout()
    sign_in(client, "manager_a")
    device = enrol(client, "manager_a")
    refused = client.post(SETUP, {"code": code_for(device, 1)}, follow=True)
    assert "không thể tắt" in refused.content.decode()
    assert TOTPDevice.objects.filter(user__username="manager_a", confirmed=True).exists()


def test_wrong_code_at_enrolment_enrols_nothing(world, client, required):
    sign_in(client, "manager_a")
    client.get(SETUP)
    response = client.post(SETUP, {"code": "12"})
    assert "Mã xác thực không đúng" in response.content.decode()
    assert not TOTPDevice.objects.filter(user__username="manager_a", confirmed=True).exists()
    assert not opens_home(client)


def test_django_admin_signs_in_through_the_staff_sign_in(world, client, required):
    from phoihop.accounts.models import User

    User.objects.create_superuser("goc", password="Mat-khau-goc-2025")
    response = client.get("/quan-tri-he-thong/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/tai-khoan/dang-nhap/")
    sign_in(client, "goc", "Mat-khau-goc-2025")
    assert client.get("/quan-tri-he-thong/").status_code == 302  # half signed in: no admin site
    device = enrol(client, "goc")
    assert device.confirmed and client.get("/quan-tri-he-thong/").status_code == 200
