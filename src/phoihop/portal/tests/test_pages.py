from datetime import timedelta
from xml.etree import ElementTree

import defusedxml.ElementTree as SafeXML
import pytest
from django.utils import timezone

from phoihop.portal import services
from phoihop.portal.models import Article

from .helpers import png_bytes, publish

pytestmark = pytest.mark.django_db


def test_home_shows_latest_news_categories_visitor_block_and_sign_in(browser_client):
    category = services.ensure_category(name="Tin hoạt động", slug="tin-hoat-dong")
    publish("Đại hội Công đoàn tỉnh Lào Cai", category=category)
    html = browser_client.get("/").content.decode()
    assert "Liên đoàn Lao động tỉnh Lào Cai" in html
    assert "Đại hội Công đoàn tỉnh Lào Cai" in html
    assert "Tin hoạt động" in html
    for label in ("Thống kê truy cập", "Đang online", "Hôm nay", "Trong tuần", "Tất cả"):
        assert label in html
    assert 'href="/tai-khoan/dang-nhap/"' in html
    assert "\ue000" not in html  # every live figure was filled in


def test_article_page_has_title_date_views_body_credits_latest_and_open_graph(browser_client):
    other = publish("Tin cũ hơn", when=timezone.now() - timedelta(days=2))
    article = publish("Kết nạp đảng viên mới", body="<p>Nội dung bài</p>", summary="Tóm tắt ngắn")
    image = services.add_image(
        user=None, article=article, data=png_bytes(), name="a.png", caption="Lễ kết nạp", credit="Minh Anh"
    )
    services.update_article(user=None, article=article, body=article.body + services.figure_html(image),
                            author_name="Thu Hà", photo_credit="Minh Anh")  # fmt: skip
    response = browser_client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Kết nạp đảng viên mới</h1>" in html
    assert "Lượt xem: <strong data-views>1</strong>" in html
    assert "<figcaption>Lễ kết nạp" in html and image.image.url in html
    assert "Thu Hà" in html and "Ảnh: Minh Anh" in html
    assert "Thông tin mới nhất" in html and other.title in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Kết nạp đảng viên mới">' in html
    assert 'property="og:image" content="http://testserver/media/' in html
    assert browser_client.get(image.image.url).status_code == 200


def test_new_browser_gets_a_visitor_cookie(browser_client):
    response = browser_client.get("/")
    assert response.cookies["phv"]["httponly"]
    assert len(response.cookies["phv"].value) >= 16


def test_drafts_review_and_scheduled_articles_are_not_public(browser_client):
    draft = services.create_article(user=None, title="Bản nháp bí mật")
    assert browser_client.get(draft.get_absolute_url()).status_code == 404
    services.change_status(user=None, article=draft, status="review")
    assert browser_client.get(draft.get_absolute_url()).status_code == 404
    later = publish("Hẹn giờ xuất bản", when=timezone.now() + timedelta(hours=2))
    assert browser_client.get(later.get_absolute_url()).status_code == 404
    assert "Bản nháp bí mật" not in browser_client.get("/").content.decode()
    assert "Hẹn giờ" not in browser_client.get("/rss.xml").content.decode()


def test_unpublishing_takes_the_page_down_at_once(browser_client):
    article = publish("Tin sẽ gỡ")
    assert browser_client.get(article.get_absolute_url()).status_code == 200
    services.change_status(user=None, article=article, status="draft")
    assert browser_client.get(article.get_absolute_url()).status_code == 404


def test_category_listing_paginates(browser_client):
    category = services.ensure_category(name="Thi đua", slug="thi-dua")
    for i in range(12):
        publish(f"Tin thi đua số {i:02d}", category=category, when=timezone.now() - timedelta(hours=i + 1))
    first = browser_client.get("/chuyen-muc/thi-dua/").content.decode()
    second = browser_client.get("/chuyen-muc/thi-dua/?trang=2").content.decode()
    assert "Tin thi đua số 00" in first and "Tin thi đua số 11" not in first
    assert "Tin thi đua số 11" in second and "Trang 2/2" in second
    assert browser_client.get("/chuyen-muc/thi-dua/?trang=9").status_code == 404
    assert browser_client.get("/chuyen-muc/thi-dua/?trang=abc").status_code == 400  # issue 11: 400 + message
    assert browser_client.get("/chuyen-muc/khong-co/").status_code == 404


@pytest.mark.parametrize("query", ["cong doan", "CÔNG ĐOÀN", "Công Đoàn lào cai", "cong   doan"])
def test_search_ignores_diacritics_and_case(browser_client, query):
    publish("Công đoàn Lào Cai tổ chức hội thi")
    publish("Tin khác hẳn")
    html = browser_client.get("/tim-kiem/", {"q": query}).content.decode()
    assert "Công đoàn Lào Cai tổ chức hội thi" in html
    assert "Tin khác hẳn" not in html.split("Thông tin mới nhất")[0]


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "' OR 1=1 --",
        '"; DROP TABLE portal_article; --',
        "%_%",
        "\\",
        "ᾮ" * 300,
        "<script>alert(1)</script>",
        "\x00",
    ],
)
def test_search_with_long_or_hostile_input_answers_200(browser_client, query):
    publish("Công đoàn")
    response = browser_client.get("/tim-kiem/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert Article.objects.count() == 1


def test_rss_and_atom_feeds_are_valid_xml_with_the_articles(browser_client):
    publish("Tin trong nguồn tin", summary="Tóm tắt")
    rss = SafeXML.fromstring(browser_client.get("/rss.xml").content)
    assert rss.tag == "rss"
    assert [i.findtext("title") for i in rss.iter("item")] == ["Tin trong nguồn tin"]
    assert rss.find("channel/item/link").text.startswith("http://testserver/tin-tuc/")
    atom = SafeXML.fromstring(browser_client.get("/atom.xml").content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert atom.tag == "{http://www.w3.org/2005/Atom}feed"
    assert [e.findtext("a:title", namespaces=ns) for e in atom.findall("a:entry", ns)] == [
        "Tin trong nguồn tin"
    ]


def test_sitemap_lists_public_articles_only(browser_client):
    shown = publish("Tin công khai")
    services.create_article(user=None, title="Tin nháp")
    response = browser_client.get("/sitemap.xml")
    root = SafeXML.fromstring(response.content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    assert f"http://testserver{shown.get_absolute_url()}" in locs
    assert not any("tin-nhap" in loc for loc in locs)
    assert "Sitemap: http://testserver/sitemap.xml" in browser_client.get("/robots.txt").content.decode()
    assert isinstance(root, ElementTree.Element)


def test_unknown_article_is_a_clean_404(browser_client):
    response = browser_client.get("/tin-tuc/khong-co-bai-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


def test_only_the_portals_pictures_are_served_from_media(browser_client, settings):
    private = settings.MEDIA_ROOT / "imports" / "abc123"
    private.mkdir(parents=True)
    (private / "so-du-lieu.xlsx").write_bytes(b"PK personal data")
    assert browser_client.get("/media/imports/abc123/so-du-lieu.xlsx").status_code == 404
    assert browser_client.get("/media/portal/../imports/abc123/so-du-lieu.xlsx").status_code == 404
    assert browser_client.get("/media/portal/../../../etc/passwd").status_code == 404


def test_scheduled_article_appears_by_itself_when_its_time_comes(browser_client, monkeypatch):
    from phoihop.portal import views

    article = publish("Tin hẹn giờ", when=timezone.now() + timedelta(hours=1))
    assert browser_client.get(article.get_absolute_url()).status_code == 404
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(views.timezone, "now", lambda: later)
    assert browser_client.get(article.get_absolute_url()).status_code == 200


def test_head_requests_are_answered_and_not_counted(browser_client):
    from phoihop.portal import counting

    article = publish()
    assert browser_client.head(article.get_absolute_url()).status_code == 200
    assert browser_client.head("/").status_code == 200
    counting.flush()
    assert Article.objects.get(pk=article.pk).view_count == 0
