"""On the demo province: the province leader's records page counts what the report counts (issue 14:
it showed "0 Kết nạp đảng viên" next to a report of 4.884 admitted), and a dissolved district's user
is told so (issue 14 item 5)."""

import io
import json

import pytest
from django.core.management import call_command

from phoihop.accounts.models import User

pytestmark = pytest.mark.django_db


def report(*args) -> dict:
    out = io.StringIO()
    call_command("report", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def number(text: str) -> int:
    return int(text.replace(".", ""))


def test_province_leaders_admissions_count_is_the_reports_year_by_year(demo_province, client):
    client.force_login(User.objects.get(username="lanhdao"))
    admitted = report("--program", "CTPH-2017-2020")["indicators"]["union.referred_admitted"]
    assert admitted["value"] == 4884
    for year, value in admitted["by_year"].items():
        shown = client.get(f"/ho-so/ket-nap/?nam={year}").context["other"]
        assert number(shown["count"]) == value, year
    card = {c["kind"].slug: c for c in client.get("/ho-so/").context["cards"]}["ket-nap"]
    assert number(card["count"]) >= 4884  # every year, the 2021–2025 program's too; never 0
    assert (
        "Người do đơn vị bạn giới thiệu · chi tiết thuộc bên Đảng" in client.get("/ho-so/").content.decode()
    )


def test_dissolved_districts_user_sees_its_history_and_a_notice(demo_province, client):
    client.force_login(User.objects.get(username="batxat"))
    html = client.get("/don-vi/").content.decode()
    assert "Liên đoàn Lao động huyện Bát Xát đã giải thể ngày 30/06/2025." in html
    assert "Các đơn vị trực thuộc đã chuyển về:" in html
    records = client.get("/ho-so/").content.decode()
    assert "Liên đoàn Lao động huyện Bát Xát đã giải thể ngày 30/06/2025." in records
    assert 'href="/don-vi/LDLD-H-BATXAT/"' in records
    unit = client.get("/don-vi/LDLD-H-BATXAT/?on=30/06/2018")
    assert unit.status_code == 200 and unit.context["children"]  # its unions on that day


def test_picker_puts_each_district_before_its_unions(demo_province, client):
    client.force_login(User.objects.get(username="lanhdao"))
    options = client.get("/ho-so/nguoi/").context["unit_groups"][0].options
    codes = [o.code for o in options]
    district = codes.index("LDLD-H-BATXAT")
    assert options[district].depth == 1 and options[district].label.count("(giải thể 30/06/2025)") == 1
    # Bát Xát's unions moved to the province on 01/07/2025; they are listed under the district.
    assert codes[district + 1 : district + 18] and all(
        o.depth == 2 for o in options[district + 1 : district + 18]
    )
    assert len(set(o.label.strip("\u00a0") for o in options)) == len(options)  # no two alike
