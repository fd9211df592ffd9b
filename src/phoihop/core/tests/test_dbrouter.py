"""With read replicas configured, plain reads of a web request go to a replica; a writing request, the
same browser just after it, transactions and batch processes read the primary."""

import pytest
from django.db import connection
from django.test import RequestFactory

from phoihop.core import dbrouter, runtime
from phoihop.orgs.models import Unit


@pytest.fixture
def a_replica(settings, monkeypatch):
    settings.DATABASES = {**settings.DATABASES, "replica1": dict(settings.DATABASES["default"])}
    monkeypatch.setattr(runtime, "_batch", False)


def _reads_from(method: str, cookies: dict | None = None) -> str:
    seen = {}

    def view(request):
        seen["db"] = dbrouter.PrimaryReplicaRouter().db_for_read(Unit)
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = getattr(RequestFactory(), method)("/")
    request.COOKIES.update(cookies or {})
    response = dbrouter.PinToPrimaryMiddleware(view)(request)
    seen["pinned_cookie"] = dbrouter.PIN_COOKIE in response.cookies
    return seen


@pytest.mark.django_db(transaction=True)
def test_reads_of_a_get_go_to_the_replica_and_a_post_pins_the_browser_to_the_primary(a_replica):
    assert not connection.in_atomic_block
    assert _reads_from("get") == {"db": "replica1", "pinned_cookie": False}
    assert _reads_from("post") == {"db": "default", "pinned_cookie": True}
    assert _reads_from("get", {dbrouter.PIN_COOKIE: "1"})["db"] == "default"


def test_without_replicas_everything_reads_the_primary(db):
    assert dbrouter.PrimaryReplicaRouter().db_for_read(Unit) == "default"


def test_transactions_and_batch_processes_read_the_primary(a_replica, monkeypatch, db):
    assert connection.in_atomic_block  # the test's own transaction
    assert dbrouter.PrimaryReplicaRouter().db_for_read(Unit) == "default"
    monkeypatch.setattr(runtime, "_batch", True)
    assert dbrouter.PrimaryReplicaRouter().db_for_read(Unit) == "default"
