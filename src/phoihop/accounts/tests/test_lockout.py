"""Sign-in lockout (django-axes): five failures for one user name from one address lock that pair."""

import pytest
from axes.models import AccessAttempt

from phoihop.testing.world import PASSWORD

LOGIN = "/tai-khoan/dang-nhap/"


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture(autouse=True)
def _fresh_attempts(db):
    AccessAttempt.objects.all().delete()


def test_wrong_password_shows_vietnamese_error_before_the_limit(world, client):
    response = attempt(client, "viewer_nam", "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_five_failures_lock_the_user_name_from_that_address_even_with_the_right_password(world, client):
    for _ in range(5):
        attempt(client, "viewer_nam", "sai-mat-khau")
    response = attempt(client, "viewer_nam", PASSWORD)
    body = response.content.decode()
    assert response.status_code in (403, 429)
    assert "Tạm khóa đăng nhập" in body and "30 phút" in body
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(world, client):
    for _ in range(4):
        attempt(client, "viewer_nam", "sai-mat-khau")
    response = attempt(client, "viewer_nam", PASSWORD)
    assert response.status_code == 302


def test_lock_is_per_user_name_and_address(world, client):
    for _ in range(5):
        attempt(client, "viewer_nam", "sai-mat-khau")
    # The same person from another address, and another user from the same address, still sign in.
    assert attempt(client, "viewer_nam", PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()
    assert attempt(client, "editor_bac", PASSWORD).status_code == 302
