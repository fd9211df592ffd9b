"""Headless Chromium for the browser tests: Debian's `chromium` driven by Playwright (never
`playwright install`), axe-core from the pinned copy in tests/vendor, and a signed-in context.

    with chromium_browser() as browser: ...
    violations = axe_violations(page)      # [] when axe finds no WCAG 2.1 A/AA violation
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[3] / "tests" / "vendor" / "axe.min.js"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    # WCAG 2.5.3 "label in name" is an experimental axe rule, off unless asked for: the portal's
    # logo link failed it on every page.
    "rules": {"label-content-name-mismatch": {"enabled": True}},
}


def have_chromium() -> bool:
    return bool(shutil.which(CHROMIUM))


@contextmanager
def chromium_browser(timeout_ms: int = 180_000):
    """The browser; every context it opens waits generously (a loaded CI machine builds reports slowly)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        original = browser.new_context

        def new_context(**kwargs):
            context = original(**kwargs)
            context.set_default_timeout(timeout_ms)
            return context

        browser.new_context = new_context
        try:
            yield browser
        finally:
            browser.close()


def sign_in(live_server, context, user) -> None:
    """Give the browser context the session of `user` (Django's test client logs in, the cookie moves)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def axe_violations(page) -> list[str]:
    """Run axe-core in the page (the context must bypass the CSP to let its script in)."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("(options) => axe.run(document, options)", AXE_OPTIONS)
    return [f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]
