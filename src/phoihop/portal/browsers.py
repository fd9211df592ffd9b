"""Who loaded a portal page, for counting: a browser the site knows, a new one, or a client not counted.

A browser is a cookie the site issued and signed (`django.core.signing`, salted): its value is a random
id, so a cookie made up or altered by a client is worth nothing. A request without a valid cookie (none,
forged or expired) is a new browser: it is issued a cookie if its address has not had more than
`PORTAL_NEW_BROWSERS_PER_HOUR` new ones this hour, and otherwise is not counted at all. Its page view is
counted at most once per (address, user agent, article) per window, whatever cookies it sends later in
that window. Known automated clients (crawlers, previewers, headless browsers, HTTP libraries) are
recognised by the maintained `crawlerdetect` list and never counted; neither is a request without a
user agent.

Nothing about a browser is stored as it came: visitor ids, addresses and user agents are reduced to a
keyed hash (BLAKE2b keyed from SECRET_KEY) before they reach memory, Redis or the database.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from crawlerdetect import CrawlerDetect
from django.conf import settings
from django.core import signing

from phoihop.core.client_ip import client_ip

SALT = "phoihop.portal.visitor"
COOKIE_AGE = 2 * 365 * 24 * 3600
DEFAULT_NEW_BROWSERS_PER_HOUR = 1000
_detector = CrawlerDetect()


def cookie_name() -> str:
    return getattr(settings, "PORTAL_VISITOR_COOKIE", "phv")


def is_automated(user_agent: str) -> bool:
    """A crawler, link previewer, headless browser or HTTP library (or no user agent at all)."""
    return not user_agent.strip() or _detector.is_crawler(user_agent[:1000])


_hash_keys: dict[str, bytes] = {}


def keyed_hash(*parts: str) -> str:
    """40 hex characters; the same parts give the same hash while SECRET_KEY stays the same."""
    secret = settings.SECRET_KEY
    key = _hash_keys.get(secret)
    if key is None:
        key = hashlib.blake2b(secret.encode(), digest_size=32, person=b"phoihop-portal").digest()
        _hash_keys.clear()
        _hash_keys[secret] = key
    data = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, key=key, digest_size=20).hexdigest()


@dataclass(frozen=True)
class Browser:
    """The counting identity of one page load."""

    visitor: str  # keyed hash of the browser's id: the Visitor row's key
    view_keys: tuple[str, ...]  # a view is counted when none of these saw the article in the window
    cookie: str | None = None  # the signed value to set when the browser is new

    @property
    def new(self) -> bool:
        return self.cookie is not None


def client_address(request) -> str:
    return client_ip(request) or ""  # X-Forwarded-For only from a listed proxy (PHOIHOP_TRUSTED_PROXIES)


def identify(request, *, budget) -> Browser | None:
    """The browser behind `request`, or None when the load is not counted (automated client, or a new
    browser from an address over its hourly allowance). `budget(address_hash)` says whether the address
    may have one more new browser this hour (and takes it)."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    if is_automated(user_agent):
        return None
    raw = request.COOKIES.get(cookie_name())
    if raw:
        try:
            visitor_id = signing.loads(raw, salt=SALT, max_age=COOKIE_AGE)
        except signing.BadSignature:  # forged, altered or expired (SignatureExpired is a BadSignature)
            visitor_id = None
        if isinstance(visitor_id, str) and visitor_id:
            visitor = keyed_hash("v", visitor_id)
            return Browser(visitor=visitor, view_keys=(visitor,))
    address = client_address(request)
    if not budget(keyed_hash("a", address)):
        return None
    visitor_id = secrets.token_urlsafe(16)
    visitor = keyed_hash("v", visitor_id)
    anonymous = keyed_hash("u", address, user_agent[:1000])
    # The new cookie's own key is marked too, so the same browser reloading with it in the window is
    # not counted again.
    return Browser(
        visitor=visitor, view_keys=(anonymous, visitor), cookie=signing.dumps(visitor_id, salt=SALT)
    )


def set_cookie(request, response, browser: Browser) -> None:
    response.set_cookie(
        cookie_name(),
        browser.cookie,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure() or cookie_name().startswith("__Host-"),
        path="/",
    )


def new_browsers_per_hour() -> int:
    return int(getattr(settings, "PORTAL_NEW_BROWSERS_PER_HOUR", DEFAULT_NEW_BROWSERS_PER_HOUR))


class LocalBudget:
    """New browsers per address and hour, in this process (with Redis the count is shared)."""

    MAX_ADDRESSES = 100_000

    def __init__(self):
        self._lock = threading.Lock()
        self._hour = -1
        self._counts: dict[str, int] = {}

    def __call__(self, address_hash: str) -> bool:
        hour = int(time.time() // 3600)
        with self._lock:
            if hour != self._hour or len(self._counts) > self.MAX_ADDRESSES:
                self._hour, self._counts = hour, {}
            used = self._counts.get(address_hash, 0)
            if used >= new_browsers_per_hour():
                return False
            self._counts[address_hash] = used + 1
            return True
