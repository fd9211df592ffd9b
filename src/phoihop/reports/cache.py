"""The report cache: `cached_report(**kwargs)` is `assemble.build_report(**kwargs)` through Django's cache
(Redis when REDIS_URL is set, shared by every server; otherwise each process's memory), under a key made
of the data version (jobs/dataversion.py), the arguments — program, period, scope and the rest — and the
active language, so a cached report is never served after a write committed before it was asked for, nor
in another language than the one it was built in. A report asked inside a transaction bypasses it.

`overview_report(**kwargs)` is the overview's way in, and the one exception: where the cache is shared
and a worker keeps it (settings.WARM_REPORTS), a view that finds no report at the current version but
the one built at an earlier version gets that one at once, marked as not current, and queues
`refresh_report` for a worker to build the current one. A leader's overview thus never waits for a cold
national report (1.5–2 s) after each change; the page says when its figures were computed. Were no worker
to run the refresh within REFRESH_GRACE seconds, the next view builds the report itself."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation
from django_tasks import task

from phoihop.jobs.dataversion import args_digest, current, report_key

from .assemble import build_report

REPORT_TTL = 24 * 3600
# How long an overview keeps showing an earlier version's report while the refresh it queued waits for a
# worker: past this the view builds the current report itself (no worker running, a worker stuck).
REFRESH_GRACE = 30


def _asked(kwargs: dict) -> dict:
    # The language is part of the key: whatever of the report follows the active language (a label
    # through gettext, an extension's words) must never reach a user reading in the other one.
    return {**kwargs, "language": translation.get_language()}


def _latest_key(asked: dict) -> str:
    """Where the version of the newest report built for these arguments is kept."""
    return f"phoihop:report-latest:{args_digest(asked)}"


def _build_and_keep(kwargs: dict, asked: dict, version: int) -> dict:
    report = build_report(**kwargs)
    cache.set(report_key(version, asked), report, REPORT_TTL)
    cache.set(_latest_key(asked), version, REPORT_TTL)
    return report


def _at_current(kwargs: dict) -> tuple[dict, int, dict | None]:
    """(the arguments as keyed, the current data version, the report cached at it or None)."""
    asked = _asked(kwargs)
    version = current()
    return asked, version, cache.get(report_key(version, asked))


def cached_report(**kwargs) -> dict:
    if connection.in_atomic_block:
        # Inside a transaction the report may see the transaction's own uncommitted writes (and the
        # version is not bumped before the commit): neither read nor fill the cache.
        return build_report(**kwargs)
    asked, version, report = _at_current(kwargs)
    return report if report is not None else _build_and_keep(kwargs, asked, version)


def overview_report(**kwargs) -> tuple[dict, bool]:
    """(report, current): the report at the current data version, or — where a worker keeps the shared
    cache — the newest one built earlier, with False, while `refresh_report` builds the current one."""
    if connection.in_atomic_block or not settings.WARM_REPORTS:
        return cached_report(**kwargs), True
    asked, version, report = _at_current(kwargs)
    if report is not None:
        return report, True
    earlier = cache.get(_latest_key(asked))
    report = cache.get(report_key(earlier, asked)) if earlier is not None else None
    if report is None:  # never built (or evicted): nothing to show meanwhile
        return _build_and_keep(kwargs, asked, version), True
    queued_key = f"phoihop:report-refresh:{version}:{args_digest(asked)}"
    if cache.add(queued_key, time.time(), REPORT_TTL):
        refresh_report.enqueue(language=asked["language"], **kwargs)
    elif time.time() - (cache.get(queued_key) or 0) > REFRESH_GRACE:
        return _build_and_keep(kwargs, asked, version), True
    return report, False


@task()
def refresh_report(*, language: str, **kwargs) -> None:
    """Build the report at the current version into the cache (queued by `overview_report`)."""
    with translation.override(language):
        cached_report(**kwargs)
