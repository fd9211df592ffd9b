"""Article views and visitors, counted without a write transaction per page view.

Without Redis, each process keeps the hits in memory and a background thread writes them every second
in one transaction (`F()` increments, bulk upserts); the same write runs at exit (atexit, and SIGTERM
where no server owns that signal). A batch that fails to write goes back into the buffer. With
REDIS_URL, hits go to Redis (HINCRBY, sets) and every process's flusher moves them to the database
under a batch token recorded in the same transaction, so a batch is never written twice.

What a page shows is the stored figure plus the hits not yet written, so "Lượt xem" counts the page
view being shown. Visitors are browsers, known by the `phv` cookie; "online" is seen in the last five
minutes, "today" and "this week" (from Monday) are days in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
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

from .models import Article, FlushBatch, Visitor, VisitorDay

log = logging.getLogger(__name__)

COOKIE = "phv"
COOKIE_AGE = 2 * 365 * 24 * 3600
ONLINE_WINDOW = timedelta(minutes=5)
FLUSH_INTERVAL = 1.0
EXACT_PENDING = 256  # up to this many buffered browsers, the visitor figures are recounted every time
_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,40}$")
# Known crawlers and link previewers (matched case-insensitively in the User-Agent).
CRAWLERS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|facebookexternalhit|facebookcatalog|embedly|bingpreview|"
    r"mediapartners|adsbot|feedfetcher|yandex|baidu|sogou|exabot|ia_archiver|archive\.org|"
    r"semrush|ahrefs|mj12|petalbot|bytespider|gptbot|ccbot|claudebot|perplexity|applebot|"
    r"duckduckbot|seznambot|zalo.*bot|coccocbot|python-requests|curl/|wget/|httpclient|okhttp|"
    r"go-http-client|headless.*lighthouse|pingdom|uptimerobot|statuscake|monitor",
    re.IGNORECASE,
)


def is_crawler(user_agent: str) -> bool:
    return not user_agent or bool(CRAWLERS.search(user_agent))


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
        total=Visitor.objects.filter(first_seen__lte=now).count(),
    )


def write_batch(views: dict[int, int], visitors: dict[str, tuple[datetime, datetime]], days: set) -> None:
    """One transaction: view increments, visitor upserts (first seen kept, last seen moved), visitor days."""
    with transaction.atomic():
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
        self._reset()

    def _reset(self):
        self._epoch = 0
        self._views: Counter = Counter()
        self._inflight_views: Counter = Counter()
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
        self, *, article_id: int | None, visitor: str | None, new_visitor: bool, now: datetime
    ) -> None:
        with self._cond:
            if article_id is not None:
                self._views[article_id] += 1
            if visitor:
                first = self._visitors.get(visitor, (now, now))[0]
                self._visitors[visitor] = (first, now)
                self._days.add((visitor, local_day(now)))
                if new_visitor:
                    self._new.add(visitor)
        self._ensure_thread()

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
                return 0
            self._inflight_views, self._views = self._views, Counter()
            self._inflight_visitors, self._visitors = self._visitors, {}
            self._inflight_new, self._new = self._new, set()
            self._inflight_days, self._days = self._days, set()
            self._epoch += 1
        try:
            write_batch(dict(self._inflight_views), self._inflight_visitors, self._inflight_days)
        except Exception:
            log.exception("portal counters: flush failed, keeping the hits for the next try")
            with self._cond:
                self._views.update(self._inflight_views)
                for key, (first, last) in self._inflight_visitors.items():
                    first0, last0 = self._visitors.get(key, (first, last))
                    self._visitors[key] = (min(first, first0), max(last, last0))
                self._new |= self._inflight_new
                self._days |= self._inflight_days
                self._inflight_views = Counter()
                self._clear_inflight_visitors()
                self._end_write()
            return 0
        written = sum(self._inflight_views.values())
        with self._cond:
            # Article pages wait only for the write itself, not for the visitor figures below.
            self._inflight_views = Counter()
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

    def __init__(self, url: str):
        import redis

        self.redis = redis.Redis.from_url(url)
        self._move = self.redis.register_script(self._MOVE)
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

    def record(
        self, *, article_id: int | None, visitor: str | None, new_visitor: bool, now: datetime
    ) -> None:
        ts = now.timestamp()
        pipe = self.redis.pipeline(transaction=True)
        if article_id is not None:
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
def visitor_key(request) -> tuple[str, bool]:
    """The browser's id from its cookie, or a new one (then the response sets the cookie)."""
    key = request.COOKIES.get(COOKIE, "")
    if _KEY_RE.match(key):
        return key, False
    return secrets.token_urlsafe(16), True


def count_request(request, response=None, *, article_id: int | None = None, now: datetime | None = None):
    """Counts this page load (a view of the article, if any, and the visitor) unless a crawler made it;
    sets the visitor cookie on `response` when the browser has none."""
    if request.method != "GET" or is_crawler(request.META.get("HTTP_USER_AGENT", "")):
        return None
    key, new = visitor_key(request)
    counters().record(article_id=article_id, visitor=key, new_visitor=new, now=now or timezone.now())
    request.portal_visitor = (key, new)
    return key, new


def set_visitor_cookie(request, response) -> None:
    key, new = getattr(request, "portal_visitor", ("", False))
    if new:
        response.set_cookie(
            COOKIE, key, max_age=COOKIE_AGE, httponly=True, samesite="Lax", secure=request.is_secure()
        )
