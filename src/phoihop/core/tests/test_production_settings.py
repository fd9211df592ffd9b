"""Production settings: `phoihop check --deploy` is clean, sessions expire, security headers are sent."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

REPO = Path(__file__).resolve().parents[4]


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    phoihop = Path(sys.executable).with_name("phoihop")
    env = {
        **os.environ,
        "PHOIHOP_PRODUCTION": "1",
        "PHOIHOP_SECRET_KEY": secrets.token_urlsafe(60),
        "PHOIHOP_DATA_DIR": str(tmp_path),
        "PHOIHOP_ALLOWED_HOSTS": "phoihop.example.vn",
        "PHOIHOP_DEBUG": "0",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [str(phoihop), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_flag_turns_on_https_only_cookies_and_hsts(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.DEBUG)"
    )
    env = {
        **os.environ,
        "PHOIHOP_PRODUCTION": "1",
        "PHOIHOP_SECRET_KEY": secrets.token_urlsafe(60),
        "PHOIHOP_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "phoihop.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.split() == ["True", "True", "True", "31536000", "False"], out.stderr


def test_sessions_expire_after_a_working_day_and_with_the_browser():
    assert 3600 <= settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_signed_in_session_cookie_carries_the_expiry(world, client):
    from phoihop.testing.world import PASSWORD

    response = client.post("/tai-khoan/dang-nhap/", {"username": "viewer_nam", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert client.session.get_expire_at_browser_close()


def test_expired_session_signs_the_user_out(world, client):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(world.users["viewer_nam"])
    assert client.get("/don-vi/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/don-vi/")
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_pages_send_security_headers(world, client):
    client.force_login(world.users["viewer_nam"])
    response = client.get("/don-vi/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
