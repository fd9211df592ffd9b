"""Rendered public pages kept in memory for a few seconds, with the live figures (views, visitors)
left as markers and filled in on every request: a page view costs one indexed read, not a render.

An article's page is keyed by its `updated_at`, so an edit or an unpublish shows at once in every
process; lists (home, categories) live `TTL` seconds, and this process's edits clear them at once.
"""

import threading
import time

TTL = 15.0
MAX_ENTRIES = 512
_lock = threading.Lock()
_pages: dict[tuple, tuple[float, int, str]] = {}
_generation = 0


_rows: dict[str, tuple[float, int, int, dict | None]] = {}
ROW_TTL = 1.0


def invalidate() -> None:
    global _generation
    with _lock:
        _generation += 1
        _pages.clear()
        _rows.clear()


def article_row(slug: str, epoch: int, load):
    """An article's row (id, status, times, stored views) from memory for up to a second, as long as no
    counter batch was written since (`epoch`): then the stored count still excludes the buffered hits.
    Most page views so open no database connection at all."""
    now = time.monotonic()
    with _lock:
        hit = _rows.get(slug)
        if hit is not None and hit[0] >= now and hit[1] == _generation and hit[2] == epoch:
            return hit[3]
        generation = _generation
    row = load(slug)
    with _lock:
        if len(_rows) >= MAX_ENTRIES:
            _rows.clear()
        _rows[slug] = (now + ROW_TTL, generation, epoch, row)
    return row


def get(key: tuple) -> str | None:
    now = time.monotonic()
    with _lock:
        hit = _pages.get(key)
        if hit is None or hit[0] < now or hit[1] != _generation:
            return None
        return hit[2]


def put(key: tuple, html: str, ttl: float = TTL) -> None:
    with _lock:
        if len(_pages) >= MAX_ENTRIES:
            _pages.clear()
        _pages[key] = (time.monotonic() + ttl, _generation, html)


def marker(name: str) -> str:
    # Private-use characters survive HTML escaping and never occur in content.
    return f"\ue000{name}\ue001"


def fill(html: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        html = html.replace(marker(name), value)
    return html
