"""Article views and visitors, counted without a write transaction per page view.

Without Redis, each process keeps the hits in memory and a background thread writes them every second
in one transaction (`F()` increments, bulk upserts); the same write runs at exit (atexit, and SIGTERM
where no server owns that signal). A batch that fails to write goes back into the buffer. With
REDIS_URL, hits go to Redis (HINCRBY, sets) and every process's flusher moves them to the database
under a batch token recorded in the same transaction, so a batch is never written twice.

What a page shows is the stored figure plus the hits not yet written, so "Lượt xem" counts the page
view being shown. Visitors are browsers, known by the signed cookie `portal.browsers` issues; "online"
is seen in the last five minutes, "today" and "this week" (from Monday) are days in Asia/Ho_Chi_Minh.

A view is counted once per browser and article per `VIEW_WINDOW` (30 minutes); a load without a valid
cookie once per (address, user agent, article) per window (`portal.browsers` says who is who). The
counted keys are marked: in Redis (SET NX with the window as expiry, in the same script as the count);
without Redis in this process's memory and, at each batch, in the `ViewMark` table inside the batch's
transaction — an event whose key already had that article counted in the window (by another worker, or
before a restart) is dropped there, so the stored figure stays exact across processes and restarts.
"""

from __future__ import annotations

import atexit
import logging
import os
import secrets
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone

from . import browsers
from .models import Article, FlushBatch, PrunedVisitors, ViewMark, Visitor, VisitorDay

log = logging.getLogger(__name__)

ONLINE_WINDOW = timedelta(minutes=5)
FLUSH_INTERVAL = 1.0
EXACT_PENDING = 256  # up to this many buffered browsers, the visitor figures are recounted every time
MAX_LOCAL_MARKS = 200_000  # beyond it this process forgets its marks; the database's still hold
MARK_PRUNE_INTERVAL = 60.0

# One view (keys, article id, when): counted unless one of the keys had the article counted in the window.
ViewEvent = tuple[tuple[str, ...], int, datetime]


def view_window() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "PORTAL_VIEW_WINDOW_SECONDS", 30 * 60)))


@dataclass(frozen=True)
class VisitorStats:
    online: int
    today: int
    week: int
    total: int

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.online, self.today, self.week, self.total)


def local_day(now: datetime) -> date:
    return timezone.localtime(now).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def db_visitor_stats(now: datetime) -> VisitorStats:
    """The stored visitor figures at `now` (hits not yet flushed are not in them)."""
    today = local_day(now)
    monday = week_start(today)
    days = VisitorDay.objects.filter(day__gte=monday, day__lte=today)
    return VisitorStats(
        online=Visitor.objects.filter(last_seen__gte=now - ONLINE_WINDOW, last_seen__lte=now).count(),
        today=days.filter(day=today).count(),
        week=days.values("key").distinct().count(),
        total=Visitor.objects.filter(first_seen__lte=now).count() + pruned_visitors(),
    )


def pruned_visitors() -> int:
    return PrunedVisitors.objects.values_list("count", flat=True).first() or 0


def write_batch(
    views: dict[int, int],
    visitors: dict[str, tuple[datetime, datetime]],
    days: set,
    events: list[ViewEvent] | tuple = (),
) -> int:
    """One transaction: view increments, visitor upserts (first seen kept, last seen moved), visitor days.
    `views` are added as they are; `events` only when their keys had no view of the article counted in
    the window (see `count_events`). Returns the views written."""
    with transaction.atomic():
        if events:
            views = Counter(views)
            views.update(count_events(events))
        for article_id in sorted(views):
            Article.objects.filter(pk=article_id).update(view_count=F("view_count") + views[article_id])
        # The press staff's statistics page (portal.stats): the same views, per article and day.
        from .stats import record_daily_views

        record_daily_views(views, local_day(timezone.now()))
        if visitors:
            Visitor.objects.bulk_create(
                [Visitor(key=k, first_seen=first, last_seen=last) for k, (first, last) in visitors.items()],
                batch_size=500,
                update_conflicts=True,
                unique_fields=["key"],
                update_fields=["last_seen"],
            )
        if days:
            VisitorDay.objects.bulk_create(
                [VisitorDay(key=k, day=d) for k, d in days], batch_size=500, ignore_conflicts=True
            )
    return sum(views.values())


_marks_pruned_at = 0.0


def count_events(events: list[ViewEvent]) -> Counter:
    """The views among `events` to count, against the marks in the database (called inside the batch's
    transaction); marks the counted keys. Marks past the window are deleted once a minute."""
    global _marks_pruned_at
    window = view_window()
    articles = {article for _keys, article, _at in events}
    # Locking the articles' rows (in one order) makes two processes' batches for the same article take
    # turns, so the second reads the marks the first wrote (PostgreSQL; SQLite's write transactions are
    # IMMEDIATE and take turns anyway).
    articles = set(
        Article.objects.select_for_update()
        .filter(pk__in=articles)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    keys = sorted({key for keys, article, _at in events if article in articles for key in keys})
    oldest = min(at for _keys, _article, at in events) - window
    marks: dict[tuple[str, int], datetime] = {}
    for i in range(0, len(keys), 500):
        for key, article, at in ViewMark.objects.filter(
            key__in=keys[i : i + 500], article__in=articles, counted_at__gt=oldest
        ).values_list("key", "article_id", "counted_at"):
            marks[(key, article)] = at
    counted: Counter = Counter()
    changed: dict[tuple[str, int], datetime] = {}
    for keys_, article, at in sorted(events, key=lambda event: event[2]):
        if article not in articles:
            continue  # deleted since
        # Either side: batches of several processes (or one left over from before a restart) come in any order.
        if any(abs(at - marks.get((key, article), at - window)) < window for key in keys_):
            continue
        counted[article] += 1
        for key in keys_:
            marks[(key, article)] = changed[(key, article)] = at
    if changed:
        ViewMark.objects.bulk_create(
            [ViewMark(key=key, article_id=article, counted_at=at) for (key, article), at in changed.items()],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["key", "article"],
            update_fields=["counted_at"],
        )
    if time.monotonic() - _marks_pruned_at > MARK_PRUNE_INTERVAL:
        _marks_pruned_at = time.monotonic()
        ViewMark.objects.filter(counted_at__lt=timezone.now() - window).delete()
    return counted


def _stored_views(article_id: int) -> int:
    return Article.objects.filter(pk=article_id).values_list("view_count", flat=True).first() or 0


class LocalCounters:
    """The in-process buffer. `_epoch` is odd while a batch is being written (a sequence lock), so a
    reader can tell whether the stored figure it read already holds the buffered hits."""

    caches_rows = (
        True  # a stored count read in this epoch stays exact with the buffer (see cache.article_row)
    )

    def __init__(self):
        self._cond = threading.Condition()
        self._flush_lock = threading.Lock()  # one batch at a time (the writer thread and the exit hook)
        self.allow_new_browser = browsers.LocalBudget()
        self._reset()

    def _reset(self):
        self._epoch = 0
        self._views: Counter = Counter()
        self._inflight_views: Counter = Counter()
        self._events: list[ViewEvent] = []
        self._inflight_events: list[ViewEvent] = []
        # Views this process counted in the window, by (key, article): reloads are not even buffered.
        self._marks: dict[tuple[str, int], datetime] = {}
        self._marks_pruned_at = time.monotonic()
        self._visitors: dict[str, tuple[datetime, datetime]] = {}
        self._inflight_visitors: dict[str, tuple[datetime, datetime]] = {}
        self._new: set[str] = set()
        self._inflight_new: set[str] = set()
        self._days: set[tuple[str, date]] = set()
        self._inflight_days: set[tuple[str, date]] = set()
        # What this process already wrote, so a returning browser is not counted twice on screen.
        self._written_days: set[tuple[str, date]] = set()
        self._written_recent: dict[str, datetime] = {}
        self._stats: VisitorStats | None = None
        self._stats_at = 0.0
        self._pending_part: tuple[float, tuple[int, int, int, int]] | None = None
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()
        self._stopping = False

    # -- hits -------------------------------------------------------------------------------------
    def record(
        self,
        *,
        article_id: int | None,
        visitor: str | None,
        new_visitor: bool,
        now: datetime,
        view_keys: tuple[str, ...] = (),
    ) -> None:
        """A page load; with `view_keys`, the article's view counts only if none of the keys had it
        counted in the window (without keys it always counts)."""
        with self._cond:
            if article_id is not None and view_keys:
                if self._mark(view_keys, article_id, now):
                    self._views[article_id] += 1
                    self._events.append((view_keys, article_id, now))
            elif article_id is not None:
                self._views[article_id] += 1
            if visitor:
                first = self._visitors.get(visitor, (now, now))[0]
                self._visitors[visitor] = (first, now)
                self._days.add((visitor, local_day(now)))
                if new_visitor:
                    self._new.add(visitor)
        self._ensure_thread()

    def _mark(self, keys: tuple[str, ...], article_id: int, now: datetime) -> bool:
        # Called with self._cond held.
        window = view_window()
        if any(abs(now - self._marks.get((key, article_id), now - window)) < window for key in keys):
            return False
        if len(self._marks) >= MAX_LOCAL_MARKS:
            self._marks.clear()
        for key in keys:
            self._marks[(key, article_id)] = now
        return True

    def _prune_marks(self) -> None:
        # Called with self._cond held.
        if time.monotonic() - self._marks_pruned_at < MARK_PRUNE_INTERVAL:
            return
        self._marks_pruned_at = time.monotonic()
        cutoff = timezone.now() - view_window()
        self._marks = {mark: at for mark, at in self._marks.items() if at >= cutoff}

    def pending_views(self, article_id: int) -> int:
        with self._cond:
            return self._views[article_id] + self._inflight_views[article_id]

    def _wait_even(self) -> int:
        # Called with self._cond held. A batch write takes milliseconds; the deadline only guards
        # against a writer stuck in the database, after which the figure may be off until it finishes.
        deadline = time.monotonic() + 5.0
        while self._epoch % 2 and time.monotonic() < deadline:
            self._cond.wait(0.5)
        return self._epoch

    def begin_read(self) -> int:
        """Call before reading an article's stored count; pass the result to `end_read`."""
        with self._cond:
            return self._wait_even()

    def end_read(self, epoch: int, article_id: int, stored: int) -> int:
        """The count to show: `stored` (read after `begin_read`) plus the hits not written yet."""
        with self._cond:
            if self._epoch == epoch:
                return stored + self._views[article_id]
        return self.views_with_stored(article_id, lambda: _stored_views(article_id))

    def views_with_stored(self, article_id: int, read_stored) -> int:
        """The stored count (read by `read_stored()`) plus the hits not in it, consistently."""
        for _attempt in range(10):
            with self._cond:
                epoch = self._wait_even()
            stored = read_stored()
            with self._cond:
                if self._epoch == epoch:
                    return stored + self._views[article_id]
        return read_stored() + self.pending_views(article_id)

    # -- flushing -----------------------------------------------------------------------------------
    def flush(self) -> int:
        """Writes the buffered hits; returns how many page views were written."""
        with self._flush_lock:
            return self._flush()

    def _flush(self) -> int:
        with self._cond:
            if not (self._views or self._visitors or self._days):
                self._prune_marks()
                return 0
            self._inflight_views, self._views = self._views, Counter()
            self._inflight_events, self._events = self._events, []
            self._inflight_visitors, self._visitors = self._visitors, {}
            self._inflight_new, self._new = self._new, set()
            self._inflight_days, self._days = self._days, set()
            self._epoch += 1
        # Views with keys are checked against the database's marks; the others are added as they are.
        direct = self._inflight_views - Counter(article for _keys, article, _at in self._inflight_events)
        try:
            written = write_batch(
                dict(direct), self._inflight_visitors, self._inflight_days, self._inflight_events
            )
        except Exception:
            log.exception("portal counters: flush failed, keeping the hits for the next try")
            with self._cond:
                self._views.update(self._inflight_views)
                self._events = self._inflight_events + self._events
                self._inflight_events = []
                for key, (first, last) in self._inflight_visitors.items():
                    first0, last0 = self._visitors.get(key, (first, last))
                    self._visitors[key] = (min(first, first0), max(last, last0))
                self._new |= self._inflight_new
                self._days |= self._inflight_days
                self._inflight_views = Counter()
                self._clear_inflight_visitors()
                self._end_write()
            return 0
        with self._cond:
            # Article pages wait only for the write itself, not for the visitor figures below.
            self._inflight_views = Counter()
            self._inflight_events = []
            self._prune_marks()
            self._end_write()
        try:
            stats = db_visitor_stats(timezone.now())
        except Exception:
            log.exception("portal counters: reading the visitor figures failed")
            stats = None
        with self._cond:
            today = local_day(timezone.now())
            self._written_days = {p for p in self._written_days if p[1] >= week_start(today)}
            self._written_days |= self._inflight_days
            cutoff = timezone.now() - ONLINE_WINDOW
            self._written_recent = {k: t for k, t in self._written_recent.items() if t >= cutoff}
            self._written_recent.update({k: last for k, (_f, last) in self._inflight_visitors.items()})
            if stats is not None:
                self._stats, self._stats_at = stats, time.monotonic()
            else:
                self._stats_at = 0.0
            self._clear_inflight_visitors()
        return written

    def _end_write(self):
        self._epoch += 1
        self._cond.notify_all()

    def _clear_inflight_visitors(self):
        self._pending_part = None
        self._inflight_visitors = {}
        self._inflight_new = set()
        self._inflight_days = set()

    # -- visitor figures ----------------------------------------------------------------------------
    def visitor_stats(self, now: datetime | None = None) -> VisitorStats:
        explicit = now is not None
        now = now or timezone.now()
        with self._cond:
            stats, fresh = self._stats, time.monotonic() - self._stats_at < 5 * FLUSH_INTERVAL
        if explicit or stats is None or not fresh:
            with self._cond:
                self._wait_even()
            stats = db_visitor_stats(now)
            if not explicit:
                with self._cond:
                    self._stats, self._stats_at = stats, time.monotonic()
        with self._cond:
            pending = len(self._visitors) + len(self._inflight_visitors)
            cached = self._pending_part
            if explicit or pending <= EXACT_PENDING or cached is None or time.monotonic() - cached[0] > 0.1:
                part = self._pending_visitor_part(now)
                if not explicit:
                    self._pending_part = (time.monotonic(), part)
            else:
                # Under heavy traffic the buffered part is recounted at most ten times a second.
                part = cached[1]
        return VisitorStats(*(a + b for a, b in zip(stats.as_tuple(), part, strict=True)))

    def _pending_visitor_part(self, now: datetime) -> tuple[int, int, int, int]:
        """Browsers in the buffer that the stored figures do not hold yet (called with the lock held)."""
        visitors = {**self._inflight_visitors, **self._visitors}
        days = self._days | self._inflight_days
        today, monday, cutoff = local_day(now), week_start(local_day(now)), now - ONLINE_WINDOW
        online = sum(
            1
            for key, (_f, last) in visitors.items()
            if last >= cutoff and self._written_recent.get(key, cutoff - ONLINE_WINDOW) < cutoff
        )
        day_new = {k for k, d in days if d == today and (k, d) not in self._written_days}
        written_week = {k for k, d in self._written_days if monday <= d <= today}
        week_new = {k for k, d in days if monday <= d <= today and k not in written_week}
        return online, len(day_new), len(week_new), len(self._new) + len(self._inflight_new)

    # -- the background writer ----------------------------------------------------------------------
    def _ensure_thread(self):
        if self._thread is not None or self._stopping or not getattr(settings, "PORTAL_FLUSH_THREAD", True):
            return
        with self._cond:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="portal-counters", daemon=True)
                self._thread.start()

    def _run(self):
        while not self._stopping:
            self._wake.wait(FLUSH_INTERVAL)
            self._wake.clear()
            try:
                self.flush()
            finally:
                close_old_connections()
                connection.close()

    def stop(self):
        """Final flush (at exit): stops the thread's loop and writes what is left."""
        self._stopping = True
        self._wake.set()
        for _attempt in range(3):
            if not self.flush() and not (self._views or self._visitors or self._days):
                break


class RedisCounters:
    """The same interface over Redis, shared by every process; the database is written in batches."""

    caches_rows = False

    PREFIX = "phoihop:portal:"
    _MOVE = """
    local moved = 0
    for i, key in ipairs(KEYS) do
      if redis.call('EXISTS', key) == 1 then redis.call('RENAME', key, key .. ':' .. ARGV[1]); moved = 1 end
    end
    if moved == 1 then redis.call('SADD', KEYS[1] .. ':batches', ARGV[1]) end
    return moved
    """
    # KEYS[1] the views hash, KEYS[2..] the marks of the view's keys; ARGV: window in seconds, article.
    _VIEW = """
    for i = 2, #KEYS do
      if redis.call('EXISTS', KEYS[i]) == 1 then return 0 end
    end
    for i = 2, #KEYS do redis.call('SET', KEYS[i], '1', 'EX', ARGV[1]) end
    redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
    return 1
    """

    def __init__(self, url: str):
        import redis

        self.redis = redis.Redis.from_url(url)
        self._move = self.redis.register_script(self._MOVE)
        self._view = self.redis.register_script(self._VIEW)
        self._stats: VisitorStats | None = None
        self._stats_at = 0.0
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._wake = threading.Event()

    def k(self, name: str) -> str:
        return self.PREFIX + name

    @property
    def _batch_keys(self) -> list[str]:
        return [self.k("views"), self.k("visitors"), self.k("new"), self.k("days")]

    def allow_new_browser(self, address_hash: str) -> bool:
        """One more new browser for this address this hour, shared by every process."""
        key = self.k(f"new-browsers:{address_hash}:{int(time.time() // 3600)}")
        pipe = self.redis.pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, 3600)
        used, _ = pipe.execute()
        return used <= browsers.new_browsers_per_hour()

    def record(
        self,
        *,
        article_id: int | None,
        visitor: str | None,
        new_visitor: bool,
        now: datetime,
        view_keys: tuple[str, ...] = (),
    ) -> None:
        ts = now.timestamp()
        pipe = self.redis.pipeline(transaction=True)
        window = int(view_window().total_seconds())
        if article_id is not None and view_keys and window > 0:
            marks = [self.k(f"seen:{article_id}:{key}") for key in view_keys]
            self._view(keys=[self.k("views"), *marks], args=[window, article_id], client=pipe)
        elif article_id is not None:
            pipe.hincrby(self.k("views"), str(article_id), 1)
        if visitor:
            day = local_day(now).isoformat()
            pipe.hset(self.k("visitors"), visitor, ts)
            pipe.zadd(self.k("online"), {visitor: ts})
            pipe.sadd(self.k("days"), f"{visitor}|{day}")
            pipe.sadd(self.k(f"day:{day}"), visitor)
            pipe.expire(self.k(f"day:{day}"), 9 * 24 * 3600)
            if new_visitor:
                pipe.sadd(self.k("new"), visitor)
        pipe.execute()
        self._ensure_thread()

    def _batches(self) -> list[str]:
        return [b.decode() for b in self.redis.smembers(self.k("views") + ":batches")]

    def pending_views(self, article_id: int) -> int:
        names = [self.k("views")] + [f"{self.k('views')}:{b}" for b in self._batches()]
        pipe = self.redis.pipeline(transaction=False)
        for name in names:
            pipe.hget(name, str(article_id))
        return sum(int(v or 0) for v in pipe.execute())

    def views_with_stored(self, article_id: int, read_stored) -> int:
        return read_stored() + self.pending_views(article_id)

    def begin_read(self) -> int:
        return 0

    def end_read(self, epoch: int, article_id: int, stored: int) -> int:
        return stored + self.pending_views(article_id)

    def flush(self) -> int:
        """Moves the pending counters under a batch token, writes them with the token in one
        transaction, then drops them; a batch left by a crash is finished (or dropped) next time."""
        written = 0
        token = secrets.token_hex(8)
        self._move(keys=self._batch_keys, args=[token])
        for batch in self._batches():
            written += self._write(batch)
        return written

    def _write(self, token: str) -> int:
        names = [f"{key}:{token}" for key in self._batch_keys]
        views_key, visitors_key, new_key, days_key = names
        if not FlushBatch.objects.filter(token=token).exists():
            views = {int(a): int(n) for a, n in self.redis.hgetall(views_key).items()}
            visitors = {}
            for key, ts in self.redis.hgetall(visitors_key).items():
                last = datetime.fromtimestamp(float(ts), tz=timezone.get_current_timezone())
                visitors[key.decode()] = (last, last)
            days = set()
            for member in self.redis.smembers(days_key):
                key, day = member.decode().rsplit("|", 1)
                days.add((key, date.fromisoformat(day)))
            # Returning browsers keep their stored first visit: the upsert only moves last_seen.
            with transaction.atomic():
                write_batch(views, visitors, days)
                FlushBatch.objects.create(token=token)
            written = sum(views.values())
        else:
            written = 0
        self.redis.delete(*names)
        self.redis.srem(self.k("views") + ":batches", token)
        return written

    def visitor_stats(self, now: datetime | None = None) -> VisitorStats:
        explicit = now is not None
        now = now or timezone.now()
        if not explicit and self._stats is not None and time.monotonic() - self._stats_at < FLUSH_INTERVAL:
            return self._stats
        stored = db_visitor_stats(now)
        today = local_day(now)
        monday = week_start(today)
        day_keys = [self.k(f"day:{monday + timedelta(days=i)}") for i in range((today - monday).days + 1)]
        pipe = self.redis.pipeline(transaction=False)
        pipe.zcount(self.k("online"), (now - ONLINE_WINDOW).timestamp(), now.timestamp())
        pipe.scard(self.k(f"day:{today}"))
        pipe.sunion(day_keys)
        pipe.scard(self.k("new"))
        for batch in self._batches():
            pipe.scard(f"{self.k('new')}:{batch}")
        online, today_n, week_members, new, *inflight_new = pipe.execute()
        stats = VisitorStats(
            online=max(stored.online, online),
            today=max(stored.today, today_n),
            week=max(stored.week, len(week_members)),
            total=stored.total + new + sum(inflight_new),
        )
        if not explicit:
            self._stats, self._stats_at = stats, time.monotonic()
            self.redis.zremrangebyscore(self.k("online"), 0, (now - ONLINE_WINDOW).timestamp())
        return stats

    def _ensure_thread(self):
        if self._thread is not None or self._stopping or not getattr(settings, "PORTAL_FLUSH_THREAD", True):
            return
        self._thread = threading.Thread(target=self._run, name="portal-counters-redis", daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stopping:
            self._wake.wait(FLUSH_INTERVAL)
            try:
                self.flush()
            except Exception:
                log.exception("portal counters: Redis flush failed; the batch stays in Redis")
            finally:
                connection.close()

    def stop(self):
        self._stopping = True
        try:
            self.flush()
        except Exception:
            log.exception("portal counters: final Redis flush failed; the batch stays in Redis")


_counters: LocalCounters | RedisCounters | None = None
_counters_lock = threading.Lock()


def counters() -> LocalCounters | RedisCounters:
    global _counters
    if _counters is None:
        with _counters_lock:
            if _counters is None:
                url = getattr(settings, "PORTAL_REDIS_URL", None) or getattr(settings, "REDIS_URL", "")
                _counters = RedisCounters(url) if url else LocalCounters()
    return _counters


def reset_counters() -> None:
    """Forget the counters object (tests switching settings, and the child after a fork)."""
    global _counters
    _counters = None


def flush() -> int:
    return counters().flush()


def _at_exit():
    if _counters is not None:
        try:
            _counters.stop()
        except Exception:
            log.exception("portal counters: final flush failed")


def _after_fork():
    # Threads do not survive fork; the child starts its own buffer and writer.
    global _counters
    _counters = None


def install_exit_hooks() -> None:
    """atexit flush everywhere; a SIGTERM that would kill the process at once exits cleanly instead,
    so the atexit flush runs. Servers (gunicorn) that own SIGTERM keep their handler and exit cleanly."""
    atexit.register(_at_exit)
    os.register_at_fork(after_in_child=_after_fork)
    if threading.current_thread() is threading.main_thread():
        try:
            if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
                signal.signal(signal.SIGTERM, _exit_on_sigterm)
        except (ValueError, OSError):
            pass


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


# -- the request side ----------------------------------------------------------------------------------
def count_request(request, response=None, *, article_id: int | None = None, now: datetime | None = None):
    """Counts this page load — the browser as a visitor and, on an article, a view if this browser (or,
    without a valid cookie, this address and user agent) had none of it counted in the window — unless
    an automated client made it or its address is over its new browsers for the hour. Returns the
    `browsers.Browser`, or None when nothing was counted."""
    if request.method != "GET":
        return None
    c = counters()
    browser = browsers.identify(request, budget=c.allow_new_browser)
    if browser is None:
        return None
    c.record(
        article_id=article_id,
        visitor=browser.visitor,
        new_visitor=browser.new,
        now=now or timezone.now(),
        view_keys=browser.view_keys,
    )
    request.portal_browser = browser
    return browser


def set_visitor_cookie(request, response) -> None:
    """Sets the signed cookie on the response of a new browser's first page."""
    browser = getattr(request, "portal_browser", None)
    if browser is not None and browser.new:
        browsers.set_cookie(request, response, browser)


def prune_visitors(*, days: int, now: datetime | None = None) -> tuple[int, int]:
    """Deletes browsers not seen for `days` days and their visit days past that age, and view marks past
    the window; the all-time total keeps the deleted browsers. Returns (browsers, visit days) deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=days)
    with transaction.atomic():
        _total, deleted = Visitor.objects.filter(last_seen__lt=cutoff).delete()
        browsers_deleted = deleted.get(Visitor._meta.label, 0)
        if browsers_deleted:
            PrunedVisitors.objects.get_or_create(pk=1)
            PrunedVisitors.objects.filter(pk=1).update(count=F("count") + browsers_deleted)
        from .stats import keep_visitor_days  # the statistics page's per-day figures outlive the rows

        keep_visitor_days(before=local_day(cutoff))
        days_deleted, _ = VisitorDay.objects.filter(day__lt=local_day(cutoff)).delete()
        ViewMark.objects.filter(counted_at__lt=now - view_window()).delete()
    return browsers_deleted, days_deleted
