"""The dashboard (/chi-tieu/tong-quan/): figures for the user's scope, Vietnamese numbers, SVG charts
(the chart helpers themselves: indicators/tests/test_svg.py)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from phoihop.accounts.models import User
from phoihop.records.models import Person, Program, Referral, Target, WelfareContribution

URL = "/chi-tieu/tong-quan/"


@pytest.fixture
def program(world):
    """Program 2024–2025: Bắc Hà admits 3 members in 2024 and refers 2; Nam Sơn admits 1 in 2025."""
    joined = [("CDCS-BAC-1", date(2024, 3, 1))] * 3 + [("CDCS-NAM-1", date(2025, 5, 1))]
    for i, (union, day) in enumerate(joined):
        person = Person.objects.create(
            code=f"NEW-{i}",
            full_name=f"Người mới {i}",
            grassroots_union=world.unit(union),
            gender="nu",
            union_joined_on=day.replace(day=1 + i),
        )
        if union == "CDCS-BAC-1" and i < 2:
            Referral.objects.create(
                person=person, referred_on=date(2024, 9, 1), referring_unit=world.unit(union)
            )
    WelfareContribution.objects.create(
        code="W-1", unit=world.unit("CDCS-BAC-1"), date=date(2024, 5, 5), amount_vnd=2_500_000_000
    )
    return Program.objects.create(
        code="CT-A",
        name="Chương trình phối hợp An Phú 2024-2025",
        starts_on=date(2024, 1, 1),
        ends_on=date(2025, 12, 31),
        union_root=world.unit("LDLD-A"),
        party_root=world.unit("DUK-A"),
    )


def dashboard(client, user, **query):
    client.force_login(user)
    response = client.get(URL, query)
    assert response.status_code == 200
    return response


def cards(response) -> dict[str, str]:
    return {c.code: c.shown for c in response.context["board"].cards}


def test_dashboard_url_is_named_and_home_links_to_it(client, world, program):
    assert reverse("reports:dashboard") == URL
    client.force_login(world.users["viewer_nam"])
    assert f'href="{URL}"' in client.get("/lam-viec/", follow=True).content.decode()


def test_province_user_sees_the_whole_program(client, world, program):
    response = dashboard(client, world.users["manager_a"])
    board = response.context["board"]
    assert board.whole_program and board.program.code == "CT-A"
    assert cards(response)["union.members_admitted"] == "4"
    assert cards(response)["union.outstanding_referred"] == "2"
    assert (cards(response)["welfare.contributions_vnd"], board.cards[-1].suffix) == ("2,5", "tỷ đồng")
    page = response.content.decode()
    assert "Liên đoàn Lao động huyện Bắc Hà" in page and "Liên đoàn Lao động huyện Nam Sơn" in page
    assert "Theo tổ chức đảng" in page  # both signatories' sides


def test_district_user_sees_only_its_district(client, world, program):
    response = dashboard(client, world.users["editor_bac"])
    board = response.context["board"]
    assert not board.whole_program
    assert board.report["scope"] == ["LDLD-A-BAC"]
    assert cards(response)["union.members_admitted"] == "3"
    assert "party.members_admitted_in_enterprises" not in cards(response)
    page = response.content.decode()
    assert "Nam Sơn" not in page
    assert [t.side for t in board.tables] == ["union"]
    assert [r.name for r in board.tables[0].rows] == ["Công đoàn cơ sở Công ty Chè Bắc Hà"]


def test_outsider_sees_only_its_own_province(client, world, program):
    response = dashboard(client, world.users["outsider"])
    assert response.context["board"].report["scope"] == ["LDLD-X"]
    assert cards(response)["union.members_admitted"] == "0"
    assert "Bắc Hà" not in response.content.decode()


def test_user_without_a_unit_is_refused(client, world, program):
    nobody = User.objects.create_user("nobody", password="x", role="viewer")
    client.force_login(nobody)
    assert client.get(URL).status_code == 403


def test_latest_program_is_the_default_and_another_can_be_chosen(client, world, program):
    Program.objects.create(
        code="CT-OLD",
        name="Chương trình cũ",
        starts_on=date(2017, 1, 1),
        ends_on=date(2020, 12, 31),
        union_root=world.unit("LDLD-A"),
        party_root=world.unit("DUK-A"),
    )
    assert dashboard(client, world.users["manager_a"]).context["board"].program.code == "CT-A"
    old = dashboard(client, world.users["manager_a"], chuong_trinh="CT-OLD")
    assert old.context["board"].program.code == "CT-OLD"
    assert cards(old)["union.members_admitted"] == "0"


def test_charts_are_inline_svg_with_titles_and_vietnamese_text(client, world, program):
    page = dashboard(client, world.users["manager_a"]).content.decode()
    svgs = re.findall(r"<svg .*?</svg>", page, flags=re.S)
    assert len(svgs) >= 5
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    texts = " ".join(re.findall(r"<text [^>]*>(?:<title>.*?</title>)?([^<]*)</text>", page))
    assert "Số đoàn viên phát triển mới" in texts
    assert "Đoàn viên ưu tú được giới thiệu" in texts
    assert "Được kết nạp Đảng" in texts


def test_units_are_ranked_by_target_reached(client, world, program):
    Target.objects.create(
        indicator_code="union.members_admitted", unit=world.unit("LDLD-A-BAC"), year=2024, value=6
    )
    Target.objects.create(
        indicator_code="union.members_admitted", unit=world.unit("LDLD-A-NAM"), year=2024, value=4
    )
    Target.objects.create(
        indicator_code="union.members_admitted", unit=world.unit("LDLD-A"), year=2024, value=9
    )
    board = dashboard(client, world.users["manager_a"]).context["board"]
    assert board.ranking_year == 2024
    assert [(r["code"], r["reached_pct"]) for r in board.ranking] == [
        ("LDLD-A-BAC", 50.0),
        ("LDLD-A-NAM", 0.0),
    ]
    assert "LĐLĐ huyện Bắc Hà" in board.ranking_chart and "50%" in board.ranking_chart


@pytest.mark.django_db
def test_demo_province_dashboard_shows_the_article_figures(client):
    """The Lào Cai demo: the province sees 64 new grassroots unions and 6.065 new members for 2017–2020;
    the Bát Xát district user sees only Bát Xát."""
    from phoihop.demo.services import load_demo

    assert load_demo().ok
    admin = User.objects.get(username="admin")
    response = dashboard(client, admin, chuong_trinh="CTPH-2017-2020")
    shown = cards(response)
    assert shown["union.grassroots_founded"] == "64"
    assert shown["union.members_admitted"] == "6.065"
    assert shown["union.outstanding_referred"] == "7.675"
    assert shown["union.referred_admitted"] == "4.884"
    page = response.content.decode()
    assert "6.065" in page and "Liên đoàn Lao động huyện Bát Xát" in page and "Sa Pa" in page

    district = dashboard(client, User.objects.get(username="batxat"), chuong_trinh="CTPH-2017-2020")
    board = district.context["board"]
    assert board.report["scope"] == ["LDLD-H-BATXAT"]
    members = board.report["indicators"]["union.members_admitted"]["value"]
    full = response.context["board"].report["indicators"]["union.members_admitted"]
    assert members == full["by_unit"]["LDLD-H-BATXAT"] < 6065
    assert "Sa Pa" not in district.content.decode()

    grid = client.get("/chi-tieu/", {"chuong_trinh": "CTPH-2021-2025", "nam": 2022})
    assert grid.status_code == 200 and "Công đoàn cơ sở" in grid.content.decode()


def test_unit_table_lists_districts_and_sums_grassroots_held_directly(client, world, program):
    from phoihop.orgs.closure import rebuild_closure
    from phoihop.orgs.models import Unit

    direct = Unit.objects.create(
        code="CDCS-A-TT", name="CĐCS trực thuộc tỉnh", kind="cdcs", parent=world.unit("LDLD-A")
    )
    rebuild_closure()
    Person.objects.create(
        code="TT-1", full_name="Trực thuộc", grassroots_union=direct, union_joined_on=date(2024, 6, 1)
    )
    board = dashboard(client, world.users["manager_a"]).context["board"]
    union = board.tables[0]
    members = [c.code for c in union.columns].index("union.members_admitted")
    rows = {r.name: r.values[members] for r in union.rows}
    assert rows == {
        "Liên đoàn Lao động huyện Bắc Hà": 3,
        "Liên đoàn Lao động huyện Nam Sơn": 1,
        "Công đoàn ngành Giáo dục": 0,
        "Các đơn vị cơ sở trực thuộc (1 đơn vị)": 1,
    }
    assert union.total[members] == 5 == board.report["indicators"]["union.members_admitted"]["value"]


def test_pages_say_so_when_there_is_no_program_yet(client, world):
    client.force_login(world.users["manager_a"])
    for url in (URL, "/chi-tieu/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Chưa có chương trình phối hợp nào." in response.content.decode()
