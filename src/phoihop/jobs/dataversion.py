"""The data version, which keys the report cache (reports/cache.py).

`current()` is one primary-key read; `bump()` adds one after the current transaction commits (a short
UPDATE of its own, so a long import never holds the row). Every write to the data apps bumps it: model
saves and deletes through signals, and the bulk paths that bypass signals (the import engine's
executemany, the closure's COPY) call `bump()` themselves.

`report_key(version, kwargs)` is the cache key of a report asked with `kwargs` at `version`: a cached
report is never served after a write committed before it was asked for (the overview's one exception,
an earlier version shown as such while a worker builds the current one, is reports.cache.overview_report).
"""

from __future__ import annotations

import hashlib
import json

from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import DataVersion

DATA_APPS = frozenset({"orgs", "records", "periods"})


def current() -> int:
    # From the primary even where reads go to replicas: a lagging replica would serve a retired report.
    row = DataVersion.objects.using("default").filter(pk=1).values_list("version", flat=True).first()
    return row or 0


def _bump_now() -> None:
    if not DataVersion.objects.filter(pk=1).update(version=F("version") + 1):
        DataVersion.objects.get_or_create(pk=1, defaults={"version": 1})


def bump() -> None:
    """Retire every cached report once the current transaction (if any) commits."""
    transaction.on_commit(_bump_now)


def _changed(sender, **kwargs) -> None:
    if sender._meta.app_label in DATA_APPS:
        bump()


def connect() -> None:
    post_save.connect(_changed, dispatch_uid="phoihop-dataversion-save")
    post_delete.connect(_changed, dispatch_uid="phoihop-dataversion-delete")
    m2m_changed.connect(_changed, dispatch_uid="phoihop-dataversion-m2m")


def args_digest(kwargs: dict) -> str:
    """A report's arguments as a short digest: the part of its cache keys that names what was asked."""
    args = json.dumps(kwargs, sort_keys=True, default=str)
    return hashlib.sha256(args.encode()).hexdigest()[:32]


def report_key(version: int, kwargs: dict) -> str:
    return f"phoihop:report:{version}:{args_digest(kwargs)}"
