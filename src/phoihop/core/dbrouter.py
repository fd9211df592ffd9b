"""Reads from PostgreSQL read replicas, writes to the primary (several-server layout, docs/deploy.md).

PHOIHOP_REPLICA_URLS (comma-separated postgres:// URLs) adds the aliases replica1, replica2, …; without it
everything uses "default" and this router changes nothing. A read goes to a replica unless it must see
the latest writes:
- inside a transaction (it may read what the transaction wrote);
- in a batch process (commands, the worker: core.runtime) — imports and jobs read what they write;
- during a request that writes (any method but GET/HEAD/OPTIONS), and for PIN_SECONDS after it in the
  same browser (a cookie), so the page a form redirects to shows the change despite replication lag.
"""

from __future__ import annotations

import random
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

from . import runtime

PIN_COOKIE = "phoihop_primary"
PIN_SECONDS = 10
_pinned: ContextVar[bool] = ContextVar("phoihop_pinned", default=False)


def replicas() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        aliases = replicas()
        if not aliases or _pinned.get() or runtime.is_batch() or connections["default"].in_atomic_block:
            return "default"
        return random.choice(aliases)  # noqa: S311 - load spreading, not security

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class PinToPrimaryMiddleware:
    """Pins a writing request, and the same browser for PIN_SECONDS after it, to the primary."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        writes = request.method not in self.SAFE
        token = _pinned.set(writes or PIN_COOKIE in request.COOKIES)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if writes and replicas():
            response.set_cookie(PIN_COOKIE, "1", max_age=PIN_SECONDS, httponly=True, samesite="Lax")
        return response
