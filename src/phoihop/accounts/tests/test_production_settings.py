"""What production settings turn on, read from a fresh process as `phoihop serve` would start it."""

import json
import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest

PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
from django.db import connection
connection.ensure_connection()
print(json.dumps({k: getattr(s, k) for k in (
    "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "LANGUAGE_COOKIE_NAME", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE", "REQUIRE_2FA")}))
"""


def run(code_or_args, data_dir: Path, production: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PHOIHOP_TESTING")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "phoihop.settings",
        "PHOIHOP_DATA_DIR": str(data_dir),
        "PHOIHOP_PRODUCTION": "1" if production else "0",
        "PHOIHOP_SECRET_KEY": secrets.token_urlsafe(60),
        "PHOIHOP_ALLOWED_HOSTS": "phoihop.example.vn",
    }
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else code_or_args
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("production", [True, False])
def test_cookies_are_host_prefixed_and_2fa_required_only_in_production(tmp_path, production):
    result = run(PRINT_SETTINGS, tmp_path, production)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout.strip().splitlines()[-1])
    names = [got["SESSION_COOKIE_NAME"], got["CSRF_COOKIE_NAME"], got["LANGUAGE_COOKIE_NAME"]]
    if production:
        assert all(n.startswith("__Host-") for n in names)
        assert got["SESSION_COOKIE_SECURE"] and got["CSRF_COOKIE_SECURE"] and got["LANGUAGE_COOKIE_SECURE"]
        assert got["REQUIRE_2FA"]
    else:
        assert not any(n.startswith("__Host-") for n in names)  # plain http on a laptop keeps working
        assert not got["REQUIRE_2FA"]


def test_check_deploy_is_clean_in_production(tmp_path):
    result = run(["-m", "django", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_data_folder_database_and_key_are_readable_by_the_owner_only(tmp_path):
    data = tmp_path / "du-lieu"
    result = run(PRINT_SETTINGS, data, False)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "phoihop.sqlite3").stat().st_mode) == 0o600


def test_an_older_world_readable_database_is_closed_at_start(tmp_path):
    data = tmp_path / "cu"
    data.mkdir(mode=0o755)
    (data / "phoihop.sqlite3").touch(mode=0o644)
    (data / "phoihop.sqlite3").chmod(0o644)
    result = run(PRINT_SETTINGS, data, False)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "phoihop.sqlite3").stat().st_mode) == 0o600
