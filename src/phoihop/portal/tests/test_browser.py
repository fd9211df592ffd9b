"""The portal as a reader sees it, in headless Chromium: the home page with the visitor block, an
article whose "Lượt xem" counts the reader once, however often the page is reloaded; screenshots kept in
docs/screenshots/."""

import re
import shutil

import pytest

from phoihop.portal import counting
from phoihop.portal.demo import load_demo_news
from phoihop.testing.screens import shoot

from .conftest import BROWSER

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


def test_reader_sees_news_visitor_block_and_a_view_counter_that_moves(live_server, monkeypatch):
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    articles = load_demo_news(report=None)
    article = articles[0]
    stored = article.__class__.objects.get(pk=article.pk).view_count

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        # Headless Chromium says "HeadlessChrome" and is never counted; a reader's browser says Chrome.
        page = browser.new_page(viewport={"width": 1280, "height": 800}, user_agent=BROWSER)
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{live_server.url}/")
        assert "Liên đoàn Lao động tỉnh Lào Cai" in page.title()
        block = page.locator("section.visitors")
        assert block.locator("h2").inner_text().upper() == "THỐNG KÊ TRUY CẬP"
        assert block.locator("[data-stat=total]").inner_text() == "1"
        assert block.locator("[data-stat=online]").inner_text() == "1"
        assert page.locator("a", has_text="Đăng nhập").first.get_attribute("href") == "/tai-khoan/dang-nhap/"
        shoot(page, "portal-home.png")

        page.click(f"a[href='{article.get_absolute_url()}'] >> nth=0")
        page.wait_for_url(re.compile(re.escape(article.get_absolute_url())))
        assert page.locator("h1").inner_text() == article.title
        assert page.locator("[data-views]").inner_text() == f"{stored + 1:,}".replace(",", ".")
        assert page.locator("figure figcaption").count() >= 1
        assert page.locator("section.latest li").count() >= 3
        shoot(page, "portal-article.png")
        page.reload()  # the same reader within half an hour: not another view
        assert page.locator("[data-views]").inner_text() == f"{stored + 1:,}".replace(",", ".")
        # The same browser is one visitor however many pages it opens.
        assert page.locator("[data-stat=total]").inner_text() == "1"
        assert errors == []
        browser.close()
    counting.flush()
    assert article.__class__.objects.get(pk=article.pk).view_count == stored + 1
