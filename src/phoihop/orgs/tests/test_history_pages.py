"""A unit as it was on the chosen date (issue 14 item 5): ?on= typed dd/mm/yyyy, the name it had then,
and "đã giải thể ngày …" with its last day's units instead of an empty tree — also for the users of
the dissolved unit."""

from datetime import date

import pytest

from phoihop.orgs import services
from phoihop.orgs.models import Unit


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, response.content.decode()


@pytest.fixture
def bac_ha_merged(world):
    """Bắc Hà district is merged into Nam Sơn on 30/06/2025, its union moving along."""
    services.merge_unit(
        actor=None, unit=world.unit("LDLD-A-BAC"), target=world.unit("LDLD-A-NAM"), on=date(2025, 6, 30),
        move_children=True,
    )  # fmt: skip


def test_tree_and_unit_pages_read_dates_typed_dd_mm_yyyy(world, client):
    client.force_login(world.users["manager_a"])
    response, html = page(client, "/don-vi/?on=30/06/2018")
    assert response.context["day"] == date(2018, 6, 30) and not response.context["day_error"]
    assert 'value="30/06/2018"' in html  # the date box shows it back in the same order
    assert "?on=30/06/2018" in html  # and the links carry it on
    response, _ = page(client, "/don-vi/LDLD-A-BAC/?on=30/06/2018")
    assert response.context["day"] == date(2018, 6, 30)
    response, _ = page(client, "/don-vi/LDLD-A-BAC/?on=2018-06-30")  # ISO still read
    assert response.context["day"] == date(2018, 6, 30)
    response, html = page(client, "/don-vi/?on=31/02/2018")
    assert "không phải ngày hợp lệ" in html and response.context["day"] == response.context["today"]


def test_unit_page_shows_the_name_it_had_on_that_date(world, client):
    client.force_login(world.users["manager_a"])
    services.update_unit(
        actor=world.users["manager_a"], unit=world.unit("CDCS-BAC-1"), name="Công đoàn cơ sở Chè Bắc Hà mới",
        founded_on=date(2010, 1, 1),
    )  # fmt: skip
    _, html = page(client, "/don-vi/CDCS-BAC-1/?on=30/06/2018")
    assert "<h1>Công đoàn cơ sở Công ty Chè Bắc Hà</h1>" in html
    assert "nay là Công đoàn cơ sở Chè Bắc Hà mới" in html
    _, html = page(client, "/don-vi/LDLD-A-BAC/?on=30/06/2018")  # its parent's list of children too
    assert "Công đoàn cơ sở Công ty Chè Bắc Hà</a>" in html
    _, html = page(client, "/don-vi/CDCS-BAC-1/")  # today: today's name
    assert "<h1>Công đoàn cơ sở Chè Bắc Hà mới</h1>" in html


def test_dissolved_unit_says_so_and_shows_its_last_units_instead_of_an_empty_list(
    world, client, bac_ha_merged
):
    client.force_login(world.users["manager_a"])
    response, html = page(client, "/don-vi/LDLD-A-BAC/?on=01/01/2026")
    assert "Liên đoàn Lao động huyện Bắc Hà đã sáp nhập ngày 30/06/2025." in html
    assert (
        "Các đơn vị trực thuộc đã chuyển về:" in html and "Liên đoàn Lao động huyện Nam Sơn</a> (1)" in html
    )
    assert [u.code for u in response.context["last_children"]] == ["CDCS-BAC-1"]
    assert "Không có đơn vị trực thuộc vào ngày này." not in html


def test_dissolved_units_user_sees_a_notice_and_the_tree_of_its_last_day(world, client, bac_ha_merged):
    client.force_login(world.users["editor_bac"])
    response, html = page(client, "/don-vi/")
    assert "Liên đoàn Lao động huyện Bắc Hà đã sáp nhập ngày 30/06/2025." in html
    last = response.context["missing_tops"][0]["tree"]
    assert last["unit"].code == "LDLD-A-BAC" and [c["unit"].code for c in last["children"]] == ["CDCS-BAC-1"]
    assert "?on=30/06/2025" in html  # a link to the unit as it was on its last day
    _, html = page(client, "/don-vi/?on=30/06/2018")  # before the merger: the tree as it was, no notice
    assert "đã sáp nhập" not in html


def test_unit_not_yet_founded_says_when_it_was(world, client):
    Unit.objects.filter(code="CDCS-NAM-1").update(founded_on=date(2019, 1, 1))
    client.force_login(world.users["manager_a"])
    _, html = page(client, "/don-vi/CDCS-NAM-1/?on=01/06/2018")
    assert "Công đoàn cơ sở Điện lực Nam Sơn thành lập ngày 01/01/2019." in html
    assert "Đơn vị không hoạt động vào ngày 01/06/2018." in html
