"""Who may call the API: a valid bearer token or a signed-in session; everyone else gets 401."""

from django.test import Client

from phoihop.accounts.models import ApiToken
from phoihop.api.services import revoke_tokens
from phoihop.audit.models import AuditEntry

ME = "/api/v1/me"


def test_valid_token_calls_as_its_user(world, client):
    key = ApiToken.issue(world.users["editor_bac"])
    response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json() == {
        "username": "editor_bac",
        "role": "editor",
        "unit": {"code": "LDLD-A-BAC", "name": "Liên đoàn Lao động huyện Bắc Hà", "kind": "ldld_huyen"},
    }
    assert ApiToken.objects.get(user=world.users["editor_bac"]).last_used_at is not None


def test_no_credentials_get_401_in_vietnamese(world, client):
    response = client.get("/api/v1/units/LDLD-A")
    assert response.status_code == 401
    assert "Chưa xác thực" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_invalid_token_gets_401(world, client):
    for header in ("Bearer ph_khong-dung", "Bearer ", "Bearer"):
        response = client.get(ME, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert "Chưa xác thực" in response.json()["detail"]


def test_revoked_token_stops_working_and_the_revocation_is_audited(world, client):
    key = ApiToken.issue(world.users["editor_bac"])
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    assert revoke_tokens(actor=world.users["admin_a"], user=world.users["editor_bac"], prefix=key) == 1
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    entry = AuditEntry.objects.get(model="accounts.ApiToken")
    assert (entry.action, entry.object_code, entry.actor_name) == ("delete", "editor_bac", "admin_a")


def test_token_of_a_deactivated_user_gets_401(world, client):
    key = ApiToken.issue(world.users["editor_bac"])
    world.users["editor_bac"].is_active = False
    world.users["editor_bac"].save()
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_a_bad_token_is_refused_even_beside_a_valid_session(world, client):
    client.force_login(world.users["manager_a"])
    assert client.get(ME).json()["username"] == "manager_a"
    assert client.get(ME, HTTP_AUTHORIZATION="Bearer ph_sai").status_code == 401


def test_session_write_needs_the_csrf_token(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["manager_a"])
    body = {"new_parent": "LDLD-A-NAM", "effective_on": "2020-07-01"}
    refused = browser.post("/api/v1/units/CDCS-BAC-1/transfers", body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    browser.get("/don-vi/")  # any page sets the CSRF cookie
    accepted = browser.post(
        "/api/v1/units/CDCS-BAC-1/transfers",
        body,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value,
    )
    assert accepted.status_code == 201


def test_token_write_needs_no_csrf(world):
    key = ApiToken.issue(world.users["manager_a"])
    api = Client(enforce_csrf_checks=True)
    response = api.post(
        "/api/v1/units/CDCS-BAC-1/transfers",
        {"new_parent": "LDLD-A-NAM", "effective_on": "2020-07-01"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 201
