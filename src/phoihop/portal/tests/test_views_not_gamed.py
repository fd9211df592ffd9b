"""Views that cannot be gamed (issue 11, item 7): a browser is a cookie the site signed, one view per
browser and article per 30 minutes; without a valid cookie one per (address, user agent, article);
new browsers per address limited; rows hashed and pruned; exact across workers and restarts."""

import secrets
from datetime import timedelta

import pytest
from django.core import signing
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as fuzz
from hypothesis import strategies as st

from phoihop.portal import browsers, counting
from phoihop.portal.models import PrunedVisitors, ViewMark, Visitor, VisitorDay

from .conftest import BROWSER
from .helpers import publish
from .test_counting import new_browser, redis_url, shown_views, stored_views  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def restart():
    """A graceful stop (the exit hook writes what is buffered) and a new process's empty counters."""
    counting._at_exit()
    counting.reset_counters()


class PastSigner(signing.TimestampSigner):
    """Signs as if it were three years ago (the cookie lives two)."""

    def timestamp(self):
        return signing.b62_encode(int(timezone.now().timestamp()) - 3 * 365 * 24 * 3600)


def expired_cookie() -> str:
    return PastSigner(salt=browsers.SALT).sign_object(secrets.token_urlsafe(16))


def test_one_browser_reloading_20_times_adds_nothing_after_its_first_view():
    article = publish()
    browser = new_browser()
    assert shown_views(browser.get(article.get_absolute_url())) == 1
    for _ in range(20):
        assert shown_views(browser.get(article.get_absolute_url())) == 1
    counting.flush()
    assert stored_views(article) == 1
    # The same browser on another article is another view.
    other = publish("Tin khác")
    browser.get(other.get_absolute_url())
    counting.flush()
    assert stored_views(other) == 1


def test_50_cookieless_or_forged_cookie_loads_add_at_most_one_view():
    article = publish()
    url = article.get_absolute_url()
    real = new_browser().cookies["phv"].value
    forged = [
        "",  # no cookie at all
        "browser-0001-xxxxxxxxxxxx",  # an old-style id, unsigned
        real[:-1] + ("A" if real[-1] != "A" else "B"),  # a real cookie with its signature altered
        signing.dumps("attacker-chosen-id", key="not-the-site-key", salt=browsers.SALT),
        signing.dumps("attacker-chosen-id", salt="another-salt"),
        expired_cookie(),
    ]
    for i in range(50):
        client = Client(HTTP_USER_AGENT=BROWSER)
        if forged[i % len(forged)]:
            client.cookies["phv"] = forged[i % len(forged)]
        assert client.get(url).status_code == 200
    counting.flush()
    assert stored_views(article) == 1


def test_an_expired_cookie_is_a_new_browser():
    response = Client(HTTP_USER_AGENT=BROWSER, HTTP_COOKIE=f"phv={expired_cookie()}").get("/")
    assert response.cookies["phv"].value  # issued a fresh one


def test_a_new_browser_reloading_with_its_new_cookie_is_not_counted_twice():
    article = publish()
    client = Client(HTTP_USER_AGENT=BROWSER)
    client.get(article.get_absolute_url())  # no cookie yet: counted by address and user agent
    for _ in range(3):
        client.get(article.get_absolute_url())  # now with the cookie it was just given
    counting.flush()
    assert stored_views(article) == 1


def test_other_addresses_and_user_agents_without_cookie_count_once_each():
    article = publish()
    url = article.get_absolute_url()
    for address in ("203.0.113.5", "203.0.113.6"):
        for agent in (BROWSER, BROWSER.replace("126.0", "127.0")):
            for _ in range(3):
                Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address).get(url)
    counting.flush()
    assert stored_views(article) == 4


def test_new_browsers_per_address_are_limited(settings):
    settings.PORTAL_NEW_BROWSERS_PER_HOUR = 5
    issued = [
        "phv" in Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.7").get("/").cookies
        for _ in range(8)
    ]
    assert issued == [True] * 5 + [False] * 3
    # Another address has its own allowance; a browser already known keeps being counted.
    assert "phv" in Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.8").get("/").cookies
    counting.flush()
    assert Visitor.objects.count() == 6


def test_the_default_allowance_is_an_office_behind_one_address():
    assert browsers.new_browsers_per_hour() == 1000


def test_visitor_rows_hold_keyed_hashes_not_ids_or_addresses():
    article = publish()
    client = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="192.0.2.44")
    client.get(article.get_absolute_url())
    visitor_id = signing.loads(client.cookies["phv"].value, salt=browsers.SALT)
    counting.flush()
    visitor = Visitor.objects.get()
    assert visitor.key == browsers.keyed_hash("v", visitor_id) != visitor_id
    stored = [visitor.key, *VisitorDay.objects.values_list("key", flat=True)]
    stored += list(ViewMark.objects.values_list("key", flat=True))
    assert all(len(key) == 40 and "192.0.2.44" not in key and visitor_id not in key for key in stored)


def test_two_workers_count_one_browser_once():
    # Without Redis each worker buffers for itself; the marks in the database settle it at the batch.
    article = publish()
    browser = new_browser()
    browser.get(article.get_absolute_url())
    first_worker = counting.counters()
    counting.reset_counters()
    browser.get(article.get_absolute_url())  # lands on another worker, which has not seen it
    second_worker = counting.counters()
    assert second_worker is not first_worker
    first_worker.flush()
    second_worker.flush()
    assert stored_views(article) == 1


def test_a_graceful_restart_loses_nothing_and_forgets_nobody():
    article = publish()
    readers = [new_browser() for _ in range(5)]
    for reader in readers:
        reader.get(article.get_absolute_url())
    assert stored_views(article) == 0  # buffered
    restart()
    assert stored_views(article) == 5
    for reader in readers:  # the same browsers within the half hour, served by the new process
        reader.get(article.get_absolute_url())
    new_browser().get(article.get_absolute_url())
    restart()
    assert stored_views(article) == 6


def test_a_view_counts_again_after_the_window():
    article = publish()
    browser = counting.counters()
    now = timezone.now()
    keys = (browsers.keyed_hash("v", "reader"),)
    for minutes in (0, 10, 29, 31, 45, 62):
        browser.record(
            article_id=article.pk,
            visitor=keys[0],
            new_visitor=False,
            now=now + timedelta(minutes=minutes),
            view_keys=keys,
        )
    counting.flush()
    assert stored_views(article) == 3  # at 0, 31 and 62 minutes


def test_prune_visitors_deletes_old_rows_and_keeps_the_total(settings):
    settings.PORTAL_VISITOR_RETENTION_DAYS = 30
    c = counting.counters()
    now = timezone.now()
    for i, days_ago in enumerate((200, 40, 31, 5, 0)):
        key = browsers.keyed_hash("v", f"browser-{i}")
        c.record(article_id=None, visitor=key, new_visitor=True, now=now - timedelta(days=days_ago))
    counting.flush()
    before = counting.db_visitor_stats(now).total
    call_command("prune_visitors")
    assert Visitor.objects.count() == 2
    assert not VisitorDay.objects.filter(day__lt=(now - timedelta(days=30)).date()).exists()
    assert PrunedVisitors.objects.get().count == 3
    assert counting.db_visitor_stats(now).total == before == 5


# -- Redis ----------------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_redis_counts_once_per_browser_and_once_without_cookie(settings, redis_url):  # noqa: F811
    settings.PORTAL_REDIS_URL = redis_url
    counting.reset_counters()
    assert isinstance(counting.counters(), counting.RedisCounters)
    article = publish()
    url = article.get_absolute_url()
    browser = new_browser()
    for _ in range(20):
        browser.get(url)
    for _ in range(50):
        Client(HTTP_USER_AGENT=BROWSER, HTTP_COOKIE="phv=forged").get(url)
    for _ in range(3):
        new_browser().get(url)
    restart()  # the marks live in Redis: the new process knows the browser
    browser.get(url)
    counting.flush()
    assert stored_views(article) == 1 + 1 + 3


@pytest.mark.django_db(transaction=True)
def test_redis_limits_new_browsers_per_address_across_processes(settings, redis_url):  # noqa: F811
    settings.PORTAL_REDIS_URL = redis_url
    settings.PORTAL_NEW_BROWSERS_PER_HOUR = 3
    counting.reset_counters()
    issued = []
    for _ in range(2):
        issued += ["phv" in Client(HTTP_USER_AGENT=BROWSER).get("/").cookies for _ in range(2)]
        counting.reset_counters()  # the next process
    assert issued == [True, True, True, False]


def test_behind_a_trusted_proxy_the_forwarded_address_counts_and_is_believed_from_nobody_else(settings):
    article = publish()
    url = article.get_absolute_url()

    def cookieless(peer, forwarded):
        Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded).get(url)

    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    for reader in ("203.0.113.1", "203.0.113.2", "203.0.113.2"):
        cookieless("10.0.0.1", reader)
    counting.flush()
    assert stored_views(article) == 2  # two readers behind the proxy
    # A client that is not the proxy cannot pose as many readers by writing the header itself.
    for made_up in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        cookieless("192.0.2.9", made_up)
    counting.flush()
    assert stored_views(article) == 3


def test_a_window_of_zero_counts_every_view(settings):
    # PHOIHOP_VIEW_WINDOW_SECONDS=0 (the benchmark's setting, to compare with counters that count every hit).
    settings.PORTAL_VIEW_WINDOW_SECONDS = 0
    article = publish()
    browser = new_browser()
    for _ in range(3):
        browser.get(article.get_absolute_url())
    counting.flush()
    assert stored_views(article) == 3


@fuzz(max_examples=200, deadline=None)
@given(cookie=st.text(max_size=300), agent=st.text(max_size=300), address=st.text(max_size=60))
def test_any_cookie_user_agent_or_address_is_read_without_error(cookie, agent, address):
    request = RequestFactory().get("/", HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    request.COOKIES["phv"] = cookie
    browser = browsers.identify(request, budget=lambda _address: True)
    assert browser is None or (len(browser.visitor) == 40 and all(len(k) == 40 for k in browser.view_keys))


def test_batches_arriving_out_of_order_still_count_once_per_window():
    # A worker's batch written after a later one of another worker (e.g. the old worker's exit flush
    # after a graceful restart): its earlier view of the same browser is the same view.
    article = publish()
    keys = (browsers.keyed_hash("v", "reader"),)
    now = timezone.now()
    later, earlier = counting.LocalCounters(), counting.LocalCounters()
    later.record(article_id=article.pk, visitor=keys[0], new_visitor=False, now=now, view_keys=keys)
    earlier.record(
        article_id=article.pk,
        visitor=keys[0],
        new_visitor=False,
        now=now - timedelta(minutes=5),
        view_keys=keys,
    )
    later.flush()
    earlier.flush()
    assert stored_views(article) == 1
