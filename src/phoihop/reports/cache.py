"""The report cache: `cached_report(**kwargs)` is `assemble.build_report(**kwargs)` through Django's cache
(Redis when REDIS_URL is set, shared by every server; otherwise each process's memory), under a key made
of the data version (jobs/dataversion.py), the arguments — program, period, scope and the rest — and the
active language, so a cached report is never served after a write committed before it was asked for, nor
in another language than the one it was built in. A report asked inside a transaction bypasses it."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.utils import translation

from phoihop.jobs.dataversion import current, report_key

from .assemble import build_report

REPORT_TTL = 24 * 3600


def cached_report(**kwargs) -> dict:
    if connection.in_atomic_block:
        # Inside a transaction the report may see the transaction's own uncommitted writes (and the
        # version is not bumped before the commit): neither read nor fill the cache.
        return build_report(**kwargs)
    # The language is part of the key: whatever of the report follows the active language (a label
    # through gettext, an extension's words) must never reach a user reading in the other one.
    key = report_key(current(), {**kwargs, "language": translation.get_language()})
    report = cache.get(key)
    if report is None:
        report = build_report(**kwargs)
        cache.set(key, report, REPORT_TTL)
    return report
