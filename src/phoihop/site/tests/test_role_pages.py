"""Issue 14 item 2, with every demo sign-in: the menu offers only what the role may open, each role
lands on its page (the news editor in the newsroom), every link of the landing page opens (no 403, no
500), and a refusal is a Vietnamese page that says why."""

import re

import pytest
from django.urls import reverse

from phoihop.accounts.models import User
from phoihop.demo.services import DEMO_USERS

pytestmark = pytest.mark.django_db

ROLES = [username for username, *_ in DEMO_USERS]
SKIP = ("/dang-xuat", "/static/", "/media/", "mailto:", "#", "javascript:")


def nav_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S).group(0)
    return {label: url for url, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)}


def page_links(html: str) -> set[str]:
    links = set(re.findall(r'<a [^>]*href="([^"]+)"', html))
    return {u.replace("&amp;", "&") for u in links if u.startswith("/") and not u.startswith(SKIP)}


@pytest.mark.parametrize("username", ROLES)
def test_every_link_of_each_roles_landing_page_opens(demo_province, client, username):
    client.force_login(User.objects.get(username=username))
    start = client.get(reverse("site:home"))
    assert start.status_code == 302
    landing = client.get(start["Location"])
    assert landing.status_code == 200
    html = landing.content.decode()
    failures = {}
    for url in sorted(page_links(html)):
        response = client.get(url)
        if response.status_code in (403, 500) or response.status_code >= 500:
            failures[url] = response.status_code
    assert len(page_links(html)) >= 3 and not failures, failures


def test_the_news_editor_lands_in_the_newsroom_and_sees_no_records_menu(demo_province, client):
    client.force_login(User.objects.get(username="bientap"))
    assert client.get(reverse("site:home"))["Location"] == reverse("portal:editor_index")
    menu = nav_links(client.get(reverse("portal:editor_index")).content.decode())
    assert "Tin tức" in menu and "Hồ sơ" not in menu and "Sổ dữ liệu" not in menu


@pytest.mark.parametrize("username", ["lanhdao", "batxat", "cdcs", "dangkhoi"])
def test_roles_without_news_see_no_newsroom_and_land_on_the_one_overview(demo_province, client, username):
    client.force_login(User.objects.get(username=username))
    assert client.get(reverse("site:home"))["Location"] == reverse("reports:dashboard")
    menu = nav_links(client.get(reverse("reports:dashboard")).content.decode())
    assert "Tin tức" not in menu
    assert list(menu).count("Tổng quan") == 1 and menu["Tổng quan"] == reverse("reports:dashboard")


def test_a_refusal_is_a_vietnamese_page_that_says_why(demo_province, client):
    client.force_login(User.objects.get(username="lanhdao"))
    response = client.get(reverse("audit:log"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Bạn không có quyền mở trang này" in html and "Chỉ quản trị được xem nhật ký." in html
    assert 'class="mainnav"' in html  # the staff layout, not a bare "403 Forbidden"
