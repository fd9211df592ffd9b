"""The whole-program reports of the programs running today, built again by a worker after each change.

The overview of a national or provincial leader is their program's whole report: from the cache it is
instant, but the first view after any write builds it cold (at national scale 1.6 s: over the overview's
1 s). A worker's heartbeat (jobs.worker.after_each_beat, every few seconds) rebuilds it into the cache
once per data version, for the running programs whose roots head their trees (a national program; in a
province on its own, the province's; when none runs, the one the overview opens on) — the largest reports; those of the units below cost under a second
cold. One worker at a time does it (a cache lock); nothing is done while the version is unchanged."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from phoihop.jobs.dataversion import current
from phoihop.records.models import Program
from phoihop.records.programs import default_program

from .cache import cached_report, refresh_report

WARMED_KEY = "phoihop:reports-warmed"
LOCK_KEY = "phoihop:reports-warming"
LOCK_SECONDS = 300
# A done refresh (reports.cache.refresh_report) leaves a row in the queue's table that nobody reads.
DONE_REFRESHES_KEPT = timedelta(hours=1)


def programs_to_warm() -> list[Program]:
    """The programs whose roots head their trees that an overview opens on: those running today, or when
    none is, the one the overview opens on then (records.programs.default_program)."""
    today = timezone.localdate()
    heads = list(
        Program.objects.unscoped()
        .filter(Q(union_root__parent__isnull=True) | Q(party_root__parent__isnull=True))
        .order_by("code")
    )
    running = [p for p in heads if p.starts_on <= today <= p.ends_on]
    chosen = default_program(among=heads) if heads and not running else None
    return running or ([chosen] if chosen else [])


def warm_current_reports() -> list[str]:
    """Build the reports not yet cached at the current data version; the codes of those built. Only where
    the cache is shared by every process (settings.WARM_REPORTS: Redis)."""
    if not settings.WARM_REPORTS:
        return []
    version = current()
    if cache.get(WARMED_KEY) == version or not cache.add(LOCK_KEY, 1, LOCK_SECONDS):
        return []
    built = []
    try:
        with translation.override("vi"):  # the overview's language by default (the cache key holds it)
            for program in programs_to_warm():
                cached_report(program_code=program.code, scope_code=None)
                built.append(program.code)
        cache.set(WARMED_KEY, version, None)
    finally:
        cache.delete(LOCK_KEY)
    return built


def forget_done_refreshes() -> int:
    """Delete the queue's rows of refreshes that ended well over DONE_REFRESHES_KEPT ago; how many. A
    failed one is kept, for whoever looks into why."""
    deleted, _ = (
        DBTaskResult.objects.successful()
        .filter(task_path=refresh_report.module_path, finished_at__lt=timezone.now() - DONE_REFRESHES_KEPT)
        .delete()
    )
    return deleted
