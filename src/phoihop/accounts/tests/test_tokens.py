"""API tokens: an expiry, a list page with revoke buttons, issuing audited, `phoihop user token --days`."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from phoihop.accounts.models import ApiToken
from phoihop.audit.models import AuditEntry

TOKENS = "/tai-khoan/ma-api/"
ME = "/api/v1/me"


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_issued_on_the_page_shown_once_and_audited(world, client):
    client.force_login(world.users["editor_bac"])
    response = client.post(TOKENS, {"name": "bảng tính", "days": "7"})
    key = response.context["new_key"]
    assert key.startswith("ph_") and key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert key not in client.get(TOKENS).content.decode()  # shown once
    token = ApiToken.objects.get(user=world.users["editor_bac"])
    assert timedelta(days=6, hours=23) < token.expires_at - timezone.now() <= timedelta(days=7)
    entry = AuditEntry.objects.get(model="accounts.ApiToken", action="create")
    assert (
        entry.actor_name == "editor_bac" and entry.after["prefix"] == key[:8] and key not in str(entry.after)
    )
    assert client.get(ME, **bearer(key)).json()["username"] == "editor_bac"


@pytest.mark.parametrize("days", ["0", "366", "-5", "mười", ""])
def test_bad_lifetime_is_refused_with_a_message(world, client, days):
    client.force_login(world.users["editor_bac"])
    response = client.post(TOKENS, {"name": "x", "days": days})
    assert response.status_code == 200 and response.context["new_key"] is None
    assert response.context["form"].errors["days"]
    assert not ApiToken.objects.exists()


def test_expired_token_gets_401(world, client):
    key = ApiToken.issue(world.users["editor_bac"], days=1)
    assert client.get(ME, **bearer(key)).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(ME, **bearer(key)).status_code == 401
    client.force_login(world.users["editor_bac"])
    assert "đã hết hạn" in client.get(TOKENS).content.decode()


def test_revoke_button_stops_the_token_and_only_the_owner_has_it(world, client):
    mine = ApiToken.issue(world.users["editor_bac"])
    other = ApiToken.issue(world.users["viewer_nam"])
    token = ApiToken.objects.get(key_hash=ApiToken.hash(mine))
    theirs = ApiToken.objects.get(key_hash=ApiToken.hash(other))
    client.force_login(world.users["editor_bac"])
    page = client.get(TOKENS).content.decode()
    assert token.prefix in page and theirs.prefix not in page
    assert client.post(f"{TOKENS}{theirs.pk}/thu-hoi/").status_code == 404
    assert client.get(f"{TOKENS}{token.pk}/thu-hoi/").status_code == 405
    assert client.post(f"{TOKENS}{token.pk}/thu-hoi/").status_code == 302
    assert client.get(ME, **bearer(mine)).status_code == 401
    assert client.get(ME, **bearer(other)).status_code == 200
    assert AuditEntry.objects.filter(
        model="accounts.ApiToken", action="delete", object_code="editor_bac"
    ).exists()


def test_command_prints_the_token_on_the_last_line_with_days(world, client):
    out = io.StringIO()
    call_command("user", "token", "editor_bac", "--days", "30", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    assert client.get(ME, **bearer(key)).status_code == 200
    token = ApiToken.objects.get(key_hash=ApiToken.hash(key))
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert AuditEntry.objects.filter(model="accounts.ApiToken", action="create", actor_name="system").exists()
    with pytest.raises(CommandError, match="Số ngày hiệu lực phải từ 1 đến 365"):
        call_command("user", "token", "editor_bac", "--days", "0", stdout=io.StringIO())
