"""Moves and the timeline through the API: chuyển đi by the sending union, the answer of a receiving
union outside its scope, and the history each side may read."""

import json

import pytest

from phoihop.accounts.models import User
from phoihop.records.models import Move
from phoihop.testing.world import PASSWORD

from .helpers import bearer


@pytest.fixture
def editor_nam(world):
    user = User(username="editor_nam", role="editor", unit=world.unit("LDLD-A-NAM"))
    user.set_password(PASSWORD)
    user.save()
    world.users["editor_nam"] = user
    return user


def _post(client, url, body, headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_a_move_across_scopes_through_the_api(client, world, editor_nam):
    sender, receiver = bearer(world, "editor_bac"), bearer(world, "editor_nam")
    made = _post(
        client, "/api/v1/people/P-BAC-1/moves", {"moved_on": "2024-03-01", "to_union": "CDCS-NAM-1"}, sender
    )
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "cho"
    move_id = made.json()["id"]
    refused = _post(client, f"/api/v1/moves/{move_id}/decision", {"accept": False}, receiver)
    assert refused.status_code == 422 and "lý do" in refused.content.decode()
    assert _post(client, f"/api/v1/moves/{move_id}/decision", {"accept": True}, sender).status_code == 403
    accepted = _post(client, f"/api/v1/moves/{move_id}/decision", {"accept": True}, receiver)
    assert accepted.json()["status"] == "nhan"

    now = client.get("/api/v1/people/P-BAC-1", **receiver).json()
    assert now["grassroots_union"]["code"] == "CDCS-NAM-1"
    assert [(h["starts_on"], h["grassroots_union"]["code"]) for h in now["history"]] == [
        ("2015-03-01", "CDCS-BAC-1"),
        ("2024-03-01", "CDCS-NAM-1"),
    ]
    former = client.get("/api/v1/people/P-BAC-1", **sender).json()
    assert former["grassroots_union"] is None and former["enterprise"] is None
    assert [h["grassroots_union"]["code"] for h in former["history"]] == ["CDCS-BAC-1"]


def test_bad_moves_through_the_api_write_nothing(client, world):
    headers = bearer(world, "editor_bac")
    same = _post(
        client, "/api/v1/people/P-BAC-1/moves", {"moved_on": "2024-03-01", "to_union": "CDCS-BAC-1"}, headers
    )
    assert same.status_code == 422 and "chính công đoàn này" in same.content.decode()
    missing = _post(
        client, "/api/v1/people/P-BAC-1/moves", {"moved_on": "2024-03-01", "to_union": "KHONG"}, headers
    )
    assert missing.status_code == 422
    outside = _post(
        client, "/api/v1/people/P-X-1/moves", {"moved_on": "2024-03-01", "to_union": "CDCS-BAC-1"}, headers
    )
    assert outside.status_code == 404
    assert not Move.objects.unscoped().exists()
