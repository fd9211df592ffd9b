"""The cycle in headless Chromium, as its two people do it: batxat (editor of the district) fills in and
submits, lanhdao (manager of the province federation) returns it with a comment, batxat resubmits,
lanhdao approves; the district's record of 2024 is then locked in its form; lanhdao unlocks with a reason,
batxat changes the record and submits version 3. Screenshots go to PHOIHOP_SHOTS_DIR (default: the test's
temporary folder) and, with PHOIHOP_SCREENSHOTS=1, to docs/screenshots/."""

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from phoihop.periods.models import PeriodReport
from phoihop.records.models import WelfareContribution
from phoihop.testing.screens import shoot
from phoihop.testing.world import PASSWORD

from .helpers import add_user, make_program, welfare

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]
UNIT = "/bao-cao-dinh-ky/CTPH-A-24/2024/LDLD-A-BAC/"


def test_district_editor_and_province_manager_go_through_the_cycle(live_server, world, monkeypatch, tmp_path):
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    make_program(world)
    add_user(world, "batxat", "editor", "LDLD-A-BAC")
    add_user(world, "lanhdao", "manager", "LDLD-A")
    welfare(world, "AS-BAC-1", "CDCS-BAC-1", date(2024, 5, 1), 2_000_000)
    shots = Path(os.environ.get("PHOIHOP_SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        errors = []

        def sign_in(username):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            return page

        def snap(page, name):
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
            shoot(page, f"periods-{name}.png", full_page=True)

        # batxat: the report page, fill in the reported figure, submit.
        editor = sign_in("batxat")
        editor.click("text=Báo cáo định kỳ")
        editor.click("a:has-text('2024')")
        editor.click("a:has-text('Liên đoàn Lao động huyện Bắc Hà')")
        assert "Chưa nộp" in editor.inner_text(".period-head")
        editor.fill("input[name='reported.tuyen_truyen']", "1.200")
        editor.fill("textarea[name=comment]", "Số liệu năm 2024 của huyện")
        snap(editor, "1-editor-fills-in")
        editor.click("button[value=submit]")
        assert "Đã nộp báo cáo" in editor.inner_text(".messages")
        assert "Đã nộp, chờ duyệt" in editor.inner_text(".period-head")
        assert editor.locator("button[value=approve]").count() == 0

        # lanhdao: the notification, the page, return with a comment.
        manager = sign_in("lanhdao")
        manager.click("a:has-text('Thông báo')")
        assert "chờ bạn duyệt" in manager.inner_text("main")
        manager.click("main a:has-text('Bắc Hà')")
        manager.fill("#id_return", "Đề nghị rà soát số tuyên truyền pháp luật")
        manager.click("button[value=return]")
        assert "Trả lại" in manager.inner_text(".period-head")

        # batxat: sees the comment, corrects, resubmits.
        editor.goto(f"{live_server.url}{UNIT}")
        assert "Đề nghị rà soát số tuyên truyền pháp luật" in editor.inner_text("main")
        snap(editor, "2-editor-sees-return")
        editor.fill("input[name='reported.tuyen_truyen']", "1100")
        editor.click("button[value=submit]")

        # lanhdao approves.
        manager.goto(f"{live_server.url}{UNIT}")
        manager.click("button[value=approve]")
        assert "Đã duyệt" in manager.inner_text(".period-head")
        snap(manager, "3-manager-approved")

        # batxat: the 2024 record is locked in its form, with who can unlock it.
        editor.goto(f"{live_server.url}/ho-so/an-sinh/AS-BAC-1/sua/")
        editor.fill("input[name=amount_vnd]", "2500000")
        editor.click("form.record-form button.primary")
        text = editor.inner_text("main")
        assert "khóa" in text and "Liên đoàn Lao động tỉnh An Phú" in text
        snap(editor, "4-editor-record-locked")
        assert WelfareContribution.objects.unscoped().get(code="AS-BAC-1").amount_vnd == 2_000_000

        # lanhdao unlocks with a reason; batxat changes the record and submits version 3.
        manager.goto(f"{live_server.url}{UNIT}")
        manager.fill("#id_unlock", "Bổ sung khoản đóng góp tháng 11")
        manager.click("button[value=unlock]")
        editor.goto(f"{live_server.url}/ho-so/an-sinh/AS-BAC-1/sua/")
        editor.fill("input[name=amount_vnd]", "2500000")
        editor.click("form.record-form button.primary")
        assert WelfareContribution.objects.unscoped().get(code="AS-BAC-1").amount_vnd == 2_500_000
        editor.goto(f"{live_server.url}{UNIT}")
        editor.click("button[value=submit]")
        assert PeriodReport.objects.unscoped().get(unit__code="LDLD-A-BAC").version == 3
        history = editor.inner_text("table.diff")
        assert "2.000.000" in history and "2.500.000" in history  # the frozen welfare figure changed
        snap(editor, "5-editor-version-3")

        manager.goto(f"{live_server.url}/bao-cao-dinh-ky/CTPH-A-24/2024/")
        assert manager.locator("svg").count() >= 1
        snap(manager, "6-manager-board")
        assert errors == []
        browser.close()
