import re
import shutil
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client

from phoihop.portal import counting
from phoihop.portal.models import Article, Visitor, VisitorDay

from .conftest import BROWSER
from .helpers import publish

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
VIEWS = re.compile(r"Lượt xem: <strong data-views>([\d.]+)</strong>")


def shown_views(response) -> int:
    return int(VIEWS.search(response.content.decode()).group(1).replace(".", ""))


def stored_views(article) -> int:
    return Article.objects.values_list("view_count", flat=True).get(pk=article.pk)


def new_browser(**extra) -> Client:
    """A browser that opened the home page first, so it holds the cookie the site issued."""
    client = Client(HTTP_USER_AGENT=BROWSER, **extra)
    assert client.get("/").status_code == 200
    assert client.cookies["phv"].value
    return client


@pytest.mark.django_db(transaction=True)
def test_400_new_browsers_from_16_threads_each_opening_home_then_the_article_add_exactly_400_views(
    settings, concurrent_sqlite
):
    settings.PORTAL_FLUSH_THREAD = True  # the background writer runs while the pages are loaded
    article = publish("Đại hội Công đoàn tỉnh")
    url = article.get_absolute_url()
    statuses = []

    def load(i):
        try:
            statuses.append(new_browser().get(url).status_code)
        finally:
            connection.close()  # this thread's own connection (PostgreSQL would keep it open)

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(load, range(400)))
    counting.counters().stop()
    counting.flush()
    assert statuses == [200] * 400
    assert stored_views(article) == 400  # one office address, one user agent: 400 browsers all the same
    assert Visitor.objects.count() == 400


@pytest.mark.django_db
def test_page_shows_views_not_yet_written():
    article = publish()
    first = new_browser().get(article.get_absolute_url())
    second = new_browser().get(article.get_absolute_url())
    assert (shown_views(first), shown_views(second)) == (1, 2)
    assert stored_views(article) == 0
    assert counting.flush() == 2
    assert stored_views(article) == 2
    assert shown_views(new_browser().get(article.get_absolute_url())) == 3


AUTOMATED = [
    "Googlebot/2.1 (+http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse",
    "Scrapy/2.11.0 (+https://scrapy.org)",
    "axios/1.6.2",
    "Java/17.0.2",
    "python-requests/2.31.0",
    "curl/8.4.0",
    "Wget/1.21.4",
    "Go-http-client/1.1",
    "okhttp/4.12.0",
    "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
    "",
]
PEOPLE = [
    BROWSER,
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) coc_coc_browser/117.0.0 "
    "Chrome/111.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-A536E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile "
    "Safari/537.36",
]


@pytest.mark.django_db
def test_automated_clients_and_clients_without_user_agent_are_never_counted(client):
    article = publish()
    for agent in AUTOMATED:
        response = client.get(article.get_absolute_url(), HTTP_USER_AGENT=agent)
        assert response.status_code == 200
        assert "phv" not in response.cookies, agent
    counting.flush()
    assert stored_views(article) == 0
    assert Visitor.objects.count() == 0


@pytest.mark.django_db
def test_people_s_browsers_are_counted():
    article = publish()
    for agent in PEOPLE:
        Client(HTTP_USER_AGENT=agent).get(article.get_absolute_url())
    counting.flush()
    assert stored_views(article) == len(PEOPLE)


@pytest.mark.django_db
def test_a_failed_write_keeps_the_hits_for_the_next_one(monkeypatch):
    article = publish()
    new_browser().get(article.get_absolute_url())
    real = counting.write_batch

    def broken(*args, **kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr(counting, "write_batch", broken)
    assert counting.flush() == 0
    assert shown_views(new_browser().get(article.get_absolute_url())) == 2
    monkeypatch.setattr(counting, "write_batch", real)
    assert counting.flush() == 2
    assert stored_views(article) == 2


@pytest.mark.django_db
def test_exit_hook_writes_what_is_left():
    article = publish()
    for _ in range(3):
        new_browser().get(article.get_absolute_url())
    counting._at_exit()
    assert stored_views(article) == 3


def test_sigterm_without_a_server_handler_exits_cleanly_so_atexit_runs():
    with pytest.raises(SystemExit):
        counting._exit_on_sigterm(15, None)


@pytest.mark.django_db
def test_visitors_are_browsers_by_cookie_not_address(browser_client):
    browser_client.get("/")
    browser_client.get("/")  # same browser: the cookie came back
    other = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="127.0.0.1")  # same address, another browser
    other.get("/")
    stats = counting.counters().visitor_stats()
    assert stats.today == 2 and stats.total == 2 and stats.online == 2
    counting.flush()
    assert counting.db_visitor_stats(datetime.now(HCM)) == counting.VisitorStats(2, 2, 2, 2)
    assert counting.counters().visitor_stats() == counting.VisitorStats(2, 2, 2, 2)


@pytest.mark.django_db
def test_visitor_figures_across_day_and_week_boundaries_in_ho_chi_minh_time():
    c = counting.counters()

    def hit(key, local):
        c.record(article_id=None, visitor=f"{key}-padding-padding", new_visitor=False, now=local)

    # Sunday 2025-03-09 23:58 local is Sunday 16:58 UTC; Monday begins a new week at 00:00 local (17:00 UTC).
    sunday_late = datetime(2025, 3, 9, 23, 58, tzinfo=HCM)
    monday_early = datetime(2025, 3, 10, 0, 2, tzinfo=HCM)
    monday_noon = datetime(2025, 3, 10, 12, 0, tzinfo=HCM)
    tuesday = datetime(2025, 3, 11, 9, 0, tzinfo=HCM)
    hit("a", sunday_late)
    hit("b", sunday_late)
    counting.flush()
    assert c.visitor_stats(sunday_late + timedelta(minutes=1)) == counting.VisitorStats(2, 2, 2, 2)

    hit("a", monday_early)
    counting.flush()
    # 00:03 Monday: a and b were seen in the last five minutes (b at 23:58 Sunday); today and this
    # week hold only a, since the week starts on Monday in Asia/Ho_Chi_Minh (17:00 UTC on Sunday).
    assert c.visitor_stats(monday_early + timedelta(minutes=1)) == counting.VisitorStats(2, 1, 1, 2)
    assert c.visitor_stats(monday_early + timedelta(minutes=4)) == counting.VisitorStats(1, 1, 1, 2)

    hit("c", monday_noon)
    counting.flush()
    assert c.visitor_stats(monday_noon + timedelta(minutes=10)) == counting.VisitorStats(0, 2, 2, 3)

    hit("c", tuesday)
    hit("d", tuesday)
    counting.flush()
    assert c.visitor_stats(tuesday) == counting.VisitorStats(2, 2, 3, 4)
    assert VisitorDay.objects.filter(day="2025-03-10").count() == 2
    # The first visit is kept when a browser comes back.
    assert Visitor.objects.get(key="a-padding-padding").first_seen == sunday_late


@pytest.mark.django_db
def test_unwritten_visitors_are_in_the_figures_once(monkeypatch):
    c = counting.counters()
    now = datetime(2025, 6, 4, 10, 0, tzinfo=HCM)
    monkeypatch.setattr(counting.timezone, "now", lambda: now)
    c.record(article_id=None, visitor="known-visitor-0001", new_visitor=True, now=now)
    c.flush()
    now += timedelta(minutes=1)
    c.record(article_id=None, visitor="known-visitor-0001", new_visitor=False, now=now)
    c.record(article_id=None, visitor="fresh-visitor-0002", new_visitor=True, now=now)
    stats = c.visitor_stats()
    assert stats == counting.VisitorStats(online=2, today=2, week=2, total=2)


@pytest.mark.django_db
def test_flush_counters_command(browser_client):
    from django.core.management import call_command

    article = publish()
    browser_client.get(article.get_absolute_url())
    call_command("flush_counters")
    assert stored_views(article) == 1


# -- Redis ----------------------------------------------------------------------------------------------
@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if not server:
        pytest.skip("redis-server is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/3"
    proc.terminate()
    proc.wait(5)


@pytest.mark.django_db(transaction=True)
def test_redis_counters_are_exact_under_concurrency_and_never_written_twice(
    settings, redis_url, concurrent_sqlite
):
    settings.PORTAL_REDIS_URL = redis_url
    counting.reset_counters()
    article = publish("Tin trong Redis")
    c = counting.counters()
    assert isinstance(c, counting.RedisCounters)
    url = article.get_absolute_url()

    def load(i):
        try:
            return new_browser().get(url).status_code
        finally:
            connection.close()

    flusher_done = threading.Event()

    def flush_repeatedly():
        while not flusher_done.is_set():
            c.flush()
            time.sleep(0.01)
        connection.close()

    flusher = threading.Thread(target=flush_repeatedly)
    flusher.start()
    with ThreadPoolExecutor(max_workers=16) as pool:
        assert set(pool.map(load, range(200))) == {200}
    flusher_done.set()
    flusher.join()
    c.flush()
    assert stored_views(article) == 200
    assert Visitor.objects.count() == 200
    # A batch moved aside but interrupted after its commit is dropped, not counted again.
    c.redis.hset(c.k("views") + ":crashed", str(article.pk), 5)
    c.redis.sadd(c.k("views") + ":batches", "crashed")
    from phoihop.portal.models import FlushBatch

    FlushBatch.objects.create(token="crashed")
    c.flush()
    assert stored_views(article) == 200
    c._stats = None  # the figures shown are cached for a second
    assert c.visitor_stats().total == 200


def test_hits_recorded_while_batches_are_written_are_counted_once_and_shown_consistently(monkeypatch):
    from collections import Counter

    stored = Counter()

    def slow_write(views, visitors, days, events=()):
        for article_id, n in views.items():
            stored[article_id] += n
            time.sleep(0.0005)  # a write that takes a while, with the batch half applied
        return sum(views.values())

    monkeypatch.setattr(counting, "write_batch", slow_write)
    monkeypatch.setattr(counting, "db_visitor_stats", lambda now: counting.VisitorStats(0, 0, 0, 0))
    c = counting.LocalCounters()
    stop = threading.Event()
    shown_problems = []

    def flusher():
        while not stop.is_set():
            c.flush()

    def reader():
        last = 0
        while not stop.is_set():
            shown = c.views_with_stored(1, lambda: stored[1])
            if shown < last:
                shown_problems.append((last, shown))
            last = shown

    def browser(i):
        for _ in range(250):
            c.record(article_id=1 + i % 2, visitor=None, new_visitor=False, now=datetime.now(HCM))

    # Two writers, as when the exit hook flushes while the background writer is busy.
    threads = [
        threading.Thread(target=flusher),
        threading.Thread(target=flusher),
        threading.Thread(target=reader),
    ]
    for t in threads:
        t.start()
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(browser, range(16)))
    stop.set()
    for t in threads:
        t.join()
    c.flush()
    assert stored == {1: 2000, 2: 2000}
    assert shown_problems == []  # the figure shown never went back while batches moved to the database


@pytest.mark.django_db
def test_many_new_browsers_in_one_second_are_shown_and_then_stored():
    c = counting.counters()
    now = datetime.now(HCM)
    for i in range(1000):
        c.record(article_id=None, visitor=f"new-browser-{i:06d}", new_visitor=True, now=now)
    assert c.visitor_stats().total == 1000
    c.record(article_id=None, visitor="one-more-browser-x", new_visitor=True, now=now)
    assert c.visitor_stats().total in (1000, 1001)  # recounted at most ten times a second at this size
    c.flush()
    assert c.visitor_stats() == counting.VisitorStats(1001, 1001, 1001, 1001)
