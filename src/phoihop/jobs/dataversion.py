"""The data version, and the report cache keyed by it.

`current()` is one primary-key read; `bump()` adds one after the current transaction commits (a short
UPDATE of its own, so a long import never holds the row). Every write to the data apps bumps it: model
saves and deletes through signals, and the bulk paths that bypass signals (the import engine's
executemany, the closure's COPY) call `bump()` themselves.

`cached_report(**kwargs)` is `reports.assemble.build_report(**kwargs)` through Django's cache (Redis when
REDIS_URL is set, shared by every server; otherwise each process's memory), under a key made of the data
version and the arguments — program, period, scope and the rest — so a cached report is never served
after a write committed before it was asked for. A report asked inside a transaction bypasses it.
"""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import DataVersion

DATA_APPS = frozenset({"orgs", "records", "periods"})
REPORT_TTL = 24 * 3600


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


def report_key(version: int, kwargs: dict) -> str:
    args = json.dumps(kwargs, sort_keys=True, default=str)
    return f"phoihop:report:{version}:{hashlib.sha256(args.encode()).hexdigest()[:32]}"


def cached_report(**kwargs) -> dict:
    from phoihop.reports.assemble import build_report

    if connection.in_atomic_block:
        # Inside a transaction the report may see the transaction's own uncommitted writes (and the
        # version is not bumped before the commit): neither read nor fill the cache.
        return build_report(**kwargs)
    key = report_key(current(), kwargs)
    report = cache.get(key)
    if report is None:
        report = build_report(**kwargs)
        cache.set(key, report, REPORT_TTL)
    return report
