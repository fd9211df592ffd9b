"""The date fields and the unit picker in headless Chromium: a date box shows dd/mm/yyyy whatever the
browser's language, with a calendar button whose pick is written back in that order; typing in "Tìm
đơn vị" narrows the unit picker, without diacritics."""

import shutil

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


def browse(live_server, user, locale="en-US"):
    from playwright.sync_api import sync_playwright

    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    manager = sync_playwright().start()
    browser = manager.chromium.launch(
        executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    )
    # An English-language browser: its own <input type=date> would show mm/dd/yyyy.
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale=locale)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    return manager, browser, context.new_page()


def test_date_box_is_dd_mm_yyyy_and_the_calendar_writes_that_order(live_server, world):
    manager, browser, page = browse(live_server, world.users["manager_a"])
    try:
        page.goto(f"{live_server.url}/don-vi/?on=30/06/2018")
        box = page.locator("#on")
        assert box.get_attribute("type") == "text" and box.input_value() == "30/06/2018"
        button = page.get_by_role("button", name="Chọn ngày trên lịch: Cây đơn vị vào ngày (ngày/tháng/năm)")
        assert button.is_visible()
        # What the calendar does when a day is picked: the hidden date input changes.
        page.locator(".day-picker-probe").evaluate(
            "el => { el.value = '2020-07-01'; el.dispatchEvent(new Event('change')); }"
        )
        assert box.input_value() == "01/07/2020"
        page.get_by_role("button", name="Xem").click()
        page.wait_for_url("**/don-vi/?*on=01%2F07%2F2020*")
        assert "Các đơn vị đang hoạt động ngày 01/07/2020" in page.content()
    finally:
        browser.close()
        manager.stop()


def test_typing_in_the_unit_search_narrows_the_picker(live_server, world):
    manager, browser, page = browse(live_server, world.users["manager_a"])
    try:
        page.goto(f"{live_server.url}/ho-so/nguoi/")
        page.get_by_label("Tìm đơn vị").fill("nam son")
        visible = page.locator("#don_vi option[data-search]:not([hidden])")
        codes = sorted(visible.evaluate_all("els => els.map(e => e.value)"))
        assert codes == ["CDCS-NAM-1", "LDLD-A-NAM"]
        assert page.locator("#don_vi").input_value() == "LDLD-A-NAM"  # the first match is picked
        page.get_by_role("button", name="Lọc").click()
        page.wait_for_url("**don_vi=LDLD-A-NAM*")
        assert "Trần Văn Nam" in page.content() and "Nguyễn Thị Hoa" not in page.content()
    finally:
        browser.close()
        manager.stop()
