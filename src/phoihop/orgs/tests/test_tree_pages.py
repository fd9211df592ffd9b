"""The unit tree page and the unit page, as of a date."""

from datetime import date

import pytest

from phoihop.orgs.closure import rebuild_closure
from phoihop.orgs.models import Transfer, Unit


def signed_in(client, world, username="manager_a"):
    client.force_login(world.users[username])
    return client


def tree_codes(node) -> dict:
    """{unit code: [child codes]} of the nested nodes the page rendered."""
    found = {node["unit"].code: [c["unit"].code for c in node["children"]]}
    for child in node["children"]:
        found.update(tree_codes(child))
    return found


def page_tree(response) -> dict:
    found = {}
    for node in response.context["trees"]:
        found.update(tree_codes(node))
    return found


@pytest.fixture
def moved(world):
    """CDCS-BAC-1 moves from the Bắc Hà district to Nam Sơn on 1 July 2020."""
    Transfer.objects.create(
        unit=world.unit("CDCS-BAC-1"),
        new_parent=world.unit("LDLD-A-NAM"),
        effective_on=date(2020, 7, 1),
        decision_no="88/QĐ-LĐLĐ",
    )
    rebuild_closure()


def test_tree_shows_each_unit_under_its_parent_of_that_day(world, moved, client):
    signed_in(client, world)
    before = page_tree(client.get("/don-vi/?on=2020-06-30"))
    after = page_tree(client.get("/don-vi/?on=2020-07-01"))
    assert before["LDLD-A-BAC"] == ["CDCS-BAC-1"] and before["LDLD-A-NAM"] == ["CDCS-NAM-1"]
    assert after["LDLD-A-BAC"] == [] and sorted(after["LDLD-A-NAM"]) == ["CDCS-BAC-1", "CDCS-NAM-1"]


def test_tree_leaves_out_units_not_yet_founded_or_dissolved(world, client):
    Unit.objects.filter(code="CDCS-NAM-1").update(dissolved_on=date(2019, 12, 31))
    signed_in(client, world)
    old = client.get("/don-vi/?on=2009-12-31")
    assert "CDCS-BAC-1" not in page_tree(old)  # founded 2010
    assert "Công đoàn cơ sở Công ty Chè Bắc Hà" not in old.content.decode()
    assert "CDCS-NAM-1" in page_tree(client.get("/don-vi/?on=2019-12-31"))
    later = client.get("/don-vi/?on=2020-01-01")
    assert "CDCS-NAM-1" not in page_tree(later)
    assert "Công đoàn cơ sở Công ty Chè Bắc Hà" in later.content.decode()


def test_tree_defaults_to_today_and_shows_only_the_users_subtree(world, client):
    signed_in(client, world, "viewer_nam")
    response = client.get("/don-vi/")
    assert page_tree(response) == {"LDLD-A-NAM": ["CDCS-NAM-1"], "CDCS-NAM-1": []}
    html = response.content.decode()
    assert "<details" in html and "<summary>" in html  # expand and collapse without script
    assert "Bắc Hà" not in html and "Xa Xôi" not in html


def test_unreadable_date_falls_back_to_today_with_a_message(world, client):
    signed_in(client, world)
    response = client.get("/don-vi/?on=31/13/2020")
    assert response.status_code == 200
    assert "không phải ngày hợp lệ" in response.content.decode()
    assert response.context["day"] == response.context["today"]


def test_search_without_diacritics_finds_units_in_scope_only(world, client):
    Unit.objects.create(
        code="CDCS-LC", name="Công đoàn cơ sở Cảng Lào Cai", kind="cdcs", parent=world.unit("LDLD-A-BAC")
    )
    Unit.objects.create(
        code="CDCS-X-LC", name="Công đoàn Lào Cai Xa Xôi", kind="cdcs", parent=world.unit("LDLD-X")
    )
    rebuild_closure()
    signed_in(client, world)
    html = client.get("/don-vi/?q=lao cai").content.decode()
    assert "Công đoàn cơ sở Cảng Lào Cai" in html
    assert "Công đoàn Lào Cai Xa Xôi" not in html
    signed_in(client, world, "viewer_nam")
    assert "Cảng Lào Cai" not in client.get("/don-vi/?q=LAO CAI").content.decode()


def test_search_finds_enterprises_too(world, client):
    signed_in(client, world, "editor_bac")
    html = client.get("/don-vi/?q=che bac ha").content.decode()
    assert "Công ty TNHH Chè Bắc Hà" in html and "/don-vi/doanh-nghiep/DN-BAC/" in html


def test_unit_page_shows_children_on_a_date_and_the_history_of_parents(world, moved, client):
    signed_in(client, world)
    page = client.get("/don-vi/CDCS-BAC-1/").content.decode()
    assert "Lịch sử cấp trên" in page
    assert "Liên đoàn Lao động huyện Bắc Hà" in page and "Liên đoàn Lao động huyện Nam Sơn" in page
    assert "01/07/2020" in page and "88/QĐ-LĐLĐ" in page
    district = client.get("/don-vi/LDLD-A-NAM/?on=2020-06-30")
    assert [u.code for u in district.context["children"]] == ["CDCS-NAM-1"]
    district = client.get("/don-vi/LDLD-A-NAM/?on=2020-07-01")
    assert sorted(u.code for u in district.context["children"]) == ["CDCS-BAC-1", "CDCS-NAM-1"]
    assert "điều chuyển đến" in district.content.decode()


def test_unit_page_hides_parents_outside_the_users_scope(world, client):
    signed_in(client, world, "editor_bac")
    page = client.get("/don-vi/LDLD-A-BAC/").content.decode()
    assert "ngoài phạm vi của bạn" in page
    assert "Liên đoàn Lao động tỉnh An Phú" not in page
    assert "Sửa thông tin" not in page  # an editor does not manage units


def test_unit_page_links_to_its_enterprise(world, client):
    signed_in(client, world)
    page = client.get("/don-vi/CDCS-BAC-1/").content.decode()
    assert 'href="/don-vi/doanh-nghiep/DN-BAC/"' in page
    enterprise = client.get("/don-vi/doanh-nghiep/DN-BAC/").content.decode()
    assert "Công ty TNHH Chè Bắc Hà" in enterprise and "Ngoài nhà nước" in enterprise
    assert "Công đoàn cơ sở Công ty Chè Bắc Hà" in enterprise


def test_pages_need_sign_in(world, client):
    for url in ("/don-vi/", "/don-vi/LDLD-A/", "/don-vi/doanh-nghiep/DN-BAC/"):
        response = client.get(url)
        assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_superuser_sees_every_root(world, client):
    from phoihop.accounts.models import User

    root = User.objects.create_superuser("root", password="x-very-long-1")
    client.force_login(root)
    tops = [node["unit"].code for node in client.get("/don-vi/").context["trees"]]
    assert {"LDLD-A", "DUK-A", "LDLD-X"} <= set(tops)


def test_dissolved_unit_shows_no_parent_after_its_end(world, client):
    Unit.objects.filter(code="CDCS-NAM-1").update(dissolved_on=date(2019, 12, 31))
    signed_in(client, world)
    assert client.get("/don-vi/CDCS-NAM-1/?on=2019-12-31").context["parent_on_day"].code == "LDLD-A-NAM"
    later = client.get("/don-vi/CDCS-NAM-1/?on=2020-01-01")
    assert later.context["parent_on_day"] is None
    assert "Đơn vị không hoạt động vào ngày 01/01/2020." in later.content.decode()
