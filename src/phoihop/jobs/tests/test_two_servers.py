"""Two `phoihop serve` processes on two ports, one PostgreSQL, one Redis (db 7), one `phoihop worker`:
page views counted exactly across both, an upload queued on one server followed on the other and run
by the worker, and the report cache (in Redis) retired by a write made through the other server.

PostgreSQL and Redis only (skipped otherwise). Two free ports chosen by the system (PHOIHOP_TEST_PORTS=a,b
to name them)."""

import http.cookiejar
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

REDIS_URL = os.environ.get("PHOIHOP_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


def _free_ports(count: int) -> list[int]:
    """Ports nothing listens on now (the system's choice), so that two checkouts testing at once do not
    meet on fixed ports."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _ports() -> list[int]:
    given = os.environ.get("PHOIHOP_TEST_PORTS")
    return [int(p) for p in given.split(",")] if given else _free_ports(2)


def _redis_up() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).ping()
        return True
    except Exception:  # noqa: BLE001 - any failure means no Redis to test with
        return False


@pytest.fixture
def cluster(transactional_db, tmp_path):
    if connection.vendor != "postgresql" or not _redis_up():
        pytest.skip("needs PostgreSQL and Redis")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    db = connection.settings_dict
    env = os.environ | {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": REDIS_URL,
        "PHOIHOP_DATA_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    code = "from phoihop.cli import main; main()"
    processes = []
    ports = _ports()
    for port in ports:
        cmd = [sys.executable, "-c", code, "serve", "--port", str(port), "--workers", "2", "--threads", "2"]
        processes.append(subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))  # noqa: S603
    worker = subprocess.Popen([sys.executable, "-c", code, "worker", "--interval", "0.2"], env=env)  # noqa: S603
    try:
        for port in ports:
            _wait_for(port)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in [*processes, worker]:
            process.terminate()
        for process in [*processes, worker]:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_for(port: int) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"no server on port {port}")


class Browser:
    def __init__(self, agent: str = "phoihop-test"):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.agent = agent

    def get(self, url: str) -> tuple[int, bytes]:
        request = urllib.request.Request(url, headers={"User-Agent": self.agent})  # noqa: S310 - http only
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def post(self, url: str, data: bytes, content_type: str) -> int:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        headers = {
            "User-Agent": self.agent,
            "Content-Type": content_type,
            "X-CSRFToken": token,
            "Referer": url,
        }
        request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - http only
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def sign_in(self, base: str, username: str, password: str) -> None:
        self.get(f"{base}/tai-khoan/dang-nhap/")
        form = urllib.parse.urlencode({"username": username, "password": password}).encode()
        assert self.post(f"{base}/tai-khoan/dang-nhap/", form, "application/x-www-form-urlencoded") in (
            200,
            302,
        )


def _multipart(field: str, name: str, payload: bytes) -> tuple[bytes, str]:
    boundary = "phoihop-boundary-7"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + payload
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def _workbook(people: list[tuple[str, str]]) -> bytes:
    """A one-sheet workbook (.xlsx) adding people to CDCS-BAC-1, joined in 2015."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "don_vi"
    book.active.append(["ma_don_vi", "ten", "loai", "ma_cap_tren"])
    sheet = book.create_sheet("nguoi")
    sheet.append(["ma_nguoi", "ho_ten", "ma_cdcs", "ngay_vao_cong_doan"])
    for code, name in people:
        sheet.append([code, name, "CDCS-BAC-1", "2015-06-01"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_two_servers_share_counts_jobs_and_the_report_cache(cluster):
    from phoihop.portal.models import Article
    from phoihop.records.models import Program
    from phoihop.testing.world import PASSWORD, build_world

    world = build_world()
    Program.objects.create(
        code="CT-1",
        name="Chương trình 1",
        starts_on=date(2015, 1, 1),
        ends_on=date(2015, 12, 31),
        union_root=world.unit("LDLD-A"),
        party_root=world.unit("DUK-A"),
    )
    article = Article.objects.create(
        title="Tin một", slug="tin-mot", status=Article.Status.PUBLISHED, publish_at=timezone.now()
    )
    a, b = cluster

    # Views: 5 browsers on server A, 4 on server B, each counted once across both.
    for i in range(5):
        assert Browser(f"agent-a-{i}").get(f"{a}/tin-tuc/{article.slug}/")[0] == 200
    for i in range(4):
        assert Browser(f"agent-b-{i}").get(f"{b}/tin-tuc/{article.slug}/")[0] == 200
    deadline = time.time() + 20
    while time.time() < deadline and Article.objects.get(pk=article.pk).view_count != 9:
        time.sleep(0.3)
    assert Article.objects.get(pk=article.pk).view_count == 9

    # The report on server A, twice: the second answer comes from Redis.
    staff = Browser()
    staff.sign_in(a, "admin_a", PASSWORD)
    report_url = "/bao-cao/tai-ve.json?program=CT-1"
    status, body = staff.get(a + report_url)
    assert status == 200, body[:300]
    assert json.loads(body)["indicators"]["union.members_admitted"]["value"] == 2
    assert staff.get(a + report_url)[1] == body

    # An upload on server B: queued there, followed on server A, run by the worker.
    editor = Browser()
    editor.sign_in(b, "editor_bac", PASSWORD)
    payload, content_type = _multipart("file", "nguoi.xlsx", _workbook([("P-NEW-1", "Người Một")]))
    assert editor.post(f"{b}/so-du-lieu/", payload, content_type) in (200, 302)
    from phoihop.workbook.models import ImportJob

    job = ImportJob.objects.get()
    editor_on_a = Browser()
    editor_on_a.sign_in(a, "editor_bac", PASSWORD)
    deadline, state = time.time() + 60, {}
    while time.time() < deadline:
        state = json.loads(editor_on_a.get(f"{a}/so-du-lieu/nhap/{job.pk}/trang-thai/")[1])
        if state.get("finished"):
            break
        time.sleep(0.3)
    assert state.get("status") == "succeeded", state

    # The write retired the cached report: server A now counts the new member.
    again = json.loads(staff.get(a + report_url)[1])
    assert again["indicators"]["union.members_admitted"]["value"] == 3
    assert re.search(
        rb"phoihop:report", b"".join(__import__("redis").Redis.from_url(REDIS_URL).keys("*report*"))
    )
