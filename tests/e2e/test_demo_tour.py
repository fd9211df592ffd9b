"""End to end: `phoihop up` on a fresh data folder brings the system up with the demo province, and
each demo sign-in sees what its scope allows in headless Chromium, and nothing more.

With PHOIHOP_SCREENSHOTS=1 the test also refreshes (phoihop.testing.screens) the README's guided-tour pictures in docs/screenshots/.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from phoihop.testing.screens import shoot

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# A browser test: it drives Chromium against `phoihop up` on an embedded database of its own (DATABASE_URL
# is taken out of the server's environment), so it proves the same on every leg and runs on the first only.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]
PASSWORD = "phoihop-demo-2025"  # noqa: S105 - the published demo password


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """`phoihop up` as the README runs it, on an empty embedded database of its own."""
    folder = tmp_path_factory.mktemp("up")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["PHOIHOP_DATA_DIR"] = str(folder)
    log = open(folder / "up.log", "w")  # noqa: SIM115 - closed at teardown
    server = subprocess.Popen(
        [sys.executable, "-m", "phoihop.cli", "up", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/", timeout=2)  # noqa: S310 - our own local server
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail((folder / "up.log").read_text())
            time.sleep(0.5)
    else:
        pytest.fail("phoihop up did not answer within 180 s")
    yield base, (folder / "up.log")
    server.terminate()
    server.wait(timeout=30)
    log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


def signed_in(browser, base: str, username: str):
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto(base + "/tai-khoan/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/dang-nhap/" not in page.url, f"{username} could not sign in: {page.inner_text('main')[:300]}"
    return page


def status(page, url: str) -> int:
    """The status of the page itself: a redirect to the sign-in page counts as 302, not as its 200."""
    response = page.goto(url)
    return 302 if "/dang-nhap/" in page.url and "/dang-nhap/" not in url else response.status


def test_up_prints_the_address_and_the_demo_sign_ins(site):
    base, log = site
    text = log.read_text()
    assert base.replace("http://", "") in text
    for username in ("admin", "lanhdao", "batxat", "cdcs", "dangkhoi", "bientap"):
        assert f"  {username} " in text


def test_the_public_portal_shows_the_review_article(site, browser):
    base, _ = site
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto(base + "/")
    assert "Thống kê truy cập" in page.content()
    shoot(page, "tour-1-portal")
    page.click("text=Kết quả thực hiện Chương trình phối hợp")
    page.wait_for_url("**/tin-tuc/**")
    page.wait_for_load_state()
    assert "Lượt xem" in page.content()
    assert "6.065" in page.content()
    page.close()


def test_the_province_manager_sees_the_whole_program(site, browser):
    base, _ = site
    page = signed_in(browser, base, "lanhdao")
    assert status(page, base + "/chi-tieu/tong-quan/") == 200
    shoot(page, "tour-2-dashboard")
    assert status(page, base + "/bao-cao/?program=CTPH-2017-2020") == 200
    assert "6.065" in page.content() and "trên 17 tỷ đồng" in page.content()
    shoot(page, "tour-3-report")
    assert status(page, base + "/don-vi/LDLD-H-BATXAT/") == 200
    assert status(page, base + "/nhat-ky/") in (403, 404)  # the log is the administrator's
    page.close()


def test_the_administrator_reads_the_audit_log_but_not_the_party_side(site, browser):
    base, _ = site
    page = signed_in(browser, base, "admin")
    assert status(page, base + "/nhat-ky/") == 200
    assert status(page, base + "/don-vi/DUK-LC/") == 404
    assert status(page, base + "/don-vi/?q=bat+xat") == 200
    assert "Bát Xát" in page.content()
    shoot(page, "tour-4-units")
    page.close()


def test_a_district_editor_sees_the_district_and_nothing_beyond(site, browser):
    base, _ = site
    page = signed_in(browser, base, "batxat")
    assert status(page, base + "/don-vi/LDLD-H-BATXAT/") == 200
    assert status(page, base + "/don-vi/LDLD-H-SAPA/") == 404
    assert status(page, base + "/don-vi/LDLD-LC/") == 404
    assert status(page, base + "/bao-cao/?program=CTPH-2017-2020") == 200
    assert "LIÊN ĐOÀN LAO ĐỘNG HUYỆN BÁT XÁT" in page.content()  # the district's own report
    assert page.locator('#id_scope option[value="LDLD-H-BATXAT"]').count() == 1  # offered as a scope
    assert page.locator('#id_scope option[value="LDLD-H-SAPA"]').count() == 0
    assert "6.065" not in page.content()
    assert status(page, base + "/so-du-lieu/") == 200
    shoot(page, "tour-5-upload")
    assert status(page, base + "/nhat-ky/") in (403, 404)
    page.close()


def test_a_grassroots_viewer_sees_only_its_union(site, browser):
    base, _ = site
    page = signed_in(browser, base, "cdcs")
    assert status(page, base + "/don-vi/CDCS-DN-001/") == 200
    assert status(page, base + "/don-vi/LDLD-H-BATXAT/") == 404
    assert status(page, base + "/so-du-lieu/") == 200
    assert page.locator("input[type=file]").count() == 0  # a viewer may export, never import
    page.close()


def test_the_party_bloc_viewer_sees_the_party_side_and_the_joint_report(site, browser):
    base, _ = site
    page = signed_in(browser, base, "dangkhoi")
    assert status(page, base + "/don-vi/DUK-LC/") == 200
    assert status(page, base + "/don-vi/LDLD-H-BATXAT/") == 404
    assert status(page, base + "/bao-cao/?program=CTPH-2017-2020") == 200
    assert "6.065" in page.content()
    page.close()


def test_the_news_editor_edits_news(site, browser):
    base, _ = site
    page = signed_in(browser, base, "bientap")
    assert status(page, base + "/tin-tuc-bien-tap/") == 200
    shoot(page, "tour-6-news-editor")
    page.close()
    viewer = signed_in(browser, base, "cdcs")
    assert status(viewer, base + "/tin-tuc-bien-tap/") in (403, 404)
    viewer.close()
