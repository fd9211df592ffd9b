"""The targets grid typed like a spreadsheet, in headless Chromium: Enter, Tab and arrows move between
cells, a tab-separated block pasted from Excel fills the cells from the focused one, one click saves."""

import shutil
from datetime import date

import pytest
from django.conf import settings
from django.test import Client

from phoihop.records.models import Program, Target

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


def test_keyboard_and_excel_paste_fill_the_grid_and_one_save_writes_it(live_server, world):
    from playwright.sync_api import sync_playwright

    Program.objects.create(
        code="CT-A",
        name="Chương trình phối hợp An Phú 2024-2025",
        starts_on=date(2024, 1, 1),
        ends_on=date(2025, 12, 31),
        union_root=world.unit("LDLD-A"),
        party_root=world.unit("DUK-A"),
    )
    client = Client()
    client.force_login(world.users["manager_a"])
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    ids = {code: world.unit(code).pk for code in ("LDLD-A-BAC", "LDLD-A-NAM", "CDN-A-GD")}

    def name(unit: str, indicator: str) -> str:
        return f"t:{ids[unit]}:{indicator}"

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context()
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{live_server.url}/chi-tieu/?chuong_trinh=CT-A&nam=2024")

        def focused() -> str:
            return page.evaluate("document.activeElement.name")

        page.click(f'input[name="{name("LDLD-A-BAC", "union.grassroots_founded")}"]')
        page.keyboard.type("2")
        page.keyboard.press("Enter")  # down to Nam Sơn
        assert focused() == name("LDLD-A-NAM", "union.grassroots_founded")
        page.keyboard.press("Tab")  # right
        assert focused() == name("LDLD-A-NAM", "union.members_admitted")
        page.keyboard.press("ArrowUp")
        assert focused() == name("LDLD-A-BAC", "union.members_admitted")
        page.keyboard.press("ArrowLeft")  # the whole value is selected on focus: moves left
        assert focused() == name("LDLD-A-BAC", "union.grassroots_founded")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowRight")
        assert focused() == name("LDLD-A-NAM", "union.members_admitted")

        # Two rows × two columns copied from Excel, pasted into Nam Sơn's members cell.
        page.evaluate(
            """() => {
                const data = new DataTransfer();
                data.setData("text/plain", "120\\t45\\r\\n1.500\\t60\\r\\n");
                document.activeElement.dispatchEvent(
                    new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
            }"""
        )
        value = page.input_value
        assert value(f'input[name="{name("LDLD-A-NAM", "union.members_admitted")}"]') == "120"
        assert value(f'input[name="{name("LDLD-A-NAM", "union.outstanding_referred")}"]') == "45"
        assert value(f'input[name="{name("CDN-A-GD", "union.members_admitted")}"]') == "1.500"
        assert value(f'input[name="{name("CDN-A-GD", "union.outstanding_referred")}"]') == "60"
        assert page.text_content("#changed-count").startswith("5 ")
        assert page.locator("td.changed").count() == 5

        page.click("button.primary")
        page.wait_for_url("**/chi-tieu/?*")
        assert "Đã lưu chỉ tiêu: 5 mới" in page.content()
        assert errors == []
        browser.close()

    saved = {
        (t.unit.code, t.indicator_code): int(t.value)
        for t in Target.objects.unscoped().select_related("unit")
    }
    assert saved == {
        ("LDLD-A-BAC", "union.grassroots_founded"): 2,
        ("LDLD-A-NAM", "union.members_admitted"): 120,
        ("LDLD-A-NAM", "union.outstanding_referred"): 45,
        ("CDN-A-GD", "union.members_admitted"): 1500,
        ("CDN-A-GD", "union.outstanding_referred"): 60,
    }
