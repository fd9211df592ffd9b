"""The move and duplicate pages in headless Chromium: the receiving union accepts a move waiting for it,
the person page then shows the history, and the likely duplicates page offers the merge."""

import shutil
from datetime import date

import pytest
from django.conf import settings
from django.test import Client

from phoihop.accounts.models import User
from phoihop.records.models import Move, Person
from phoihop.records.moves import record_move
from phoihop.testing.screens import shoot
from phoihop.testing.world import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


def test_the_receiving_union_accepts_a_move_and_sees_the_history(live_server, world):
    from playwright.sync_api import sync_playwright

    editor_nam = User(username="editor_nam", role="editor", unit=world.unit("LDLD-A-NAM"))
    editor_nam.set_password(PASSWORD)
    editor_nam.save()
    record_move(
        actor=world.users["editor_bac"],
        person=world.people["P-BAC-1"],
        moved_on=date(2024, 3, 1),
        to_union=world.unit("CDCS-NAM-1"),
    )
    Person.objects.create(
        code="P-NAM-9",
        full_name="Nguyễn Văn Nam",
        birth_date=date(1988, 4, 2),
        grassroots_union=world.unit("CDCS-NAM-1"),
        union_joined_on=date(2021, 1, 1),
    )
    nam = world.people["P-NAM-1"]
    nam.full_name, nam.birth_date = "NGUYEN VAN NAM", date(1988, 4, 2)
    nam.save()
    client = Client()
    client.force_login(editor_nam)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/ho-so/chuyen-sinh-hoat/")
        assert "Nguyễn Thị Hoa" in page.inner_text("main")
        shoot(page, "moves-waiting", full_page=True)
        page.click("button[value=accept]")
        page.wait_for_load_state()
        assert "Đã tiếp nhận Nguyễn Thị Hoa." in page.inner_text("body")
        page.goto(f"{live_server.url}/ho-so/nguoi/P-BAC-1/")
        text = page.inner_text("main")
        assert "Quá trình sinh hoạt công đoàn và nơi làm việc" in text and "01/03/2024" in text
        shoot(page, "person-history", full_page=True)
        page.goto(f"{live_server.url}/ho-so/co-the-trung/")
        assert "Cùng họ tên và ngày sinh" in page.inner_text("main")
        shoot(page, "duplicates", full_page=True)
        browser.close()
    assert Move.objects.unscoped().get().status == Move.Status.ACCEPTED
