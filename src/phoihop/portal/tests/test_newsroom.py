"""The newsroom as press staff use it: pasted HTML cleaned, plain paragraphs kept, the schedule checked,
returns with a reason, revisions with a diff, the preview as the portal page, the footer's legal
details, documents, statistics; and the portal's home page without repeats."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from phoihop.accounts.models import User
from phoihop.portal import counting, services
from phoihop.portal.models import Article, ArticleImage, DailyViews, Document

from .helpers import png_bytes, publish

pytestmark = pytest.mark.django_db

WORD_PASTE = """<html><head><style>p.MsoNormal{margin:0}</style><script>track()</script></head><body>
<p class="MsoNormal" style="color:red" onclick="x()">Đoạn một.<o:p></o:p></p>
<h2>Tiêu đề mục</h2><ul><li>Ý một</li></ul>
<table><tr><th>Huyện</th><th>Số CĐCS</th></tr><tr><td>Bát Xát</td><td>12</td></tr></table>
<img src="https://tracker.example/p.gif" width="1" height="1">
<a href="javascript:alert(1)">bấm</a></body></html>"""


def test_pasted_word_html_keeps_structure_and_loses_scripts_styles_pixels_and_javascript(world):
    article = services.create_article(user=world.users["news_a"], title="Dán từ Word", body=WORD_PASTE)
    body = article.body
    assert "<p>Đoạn một.</p>" in body and "<h2>Tiêu đề mục</h2>" in body and "<li>Ý một</li>" in body
    assert "<th>Huyện</th>" in body and "<td>12</td>" in body
    for gone in ("script", "track()", "style", "onclick", "tracker.example", "javascript:", "<img"):
        assert gone not in body


def test_paragraphs_separated_by_a_blank_line_stay_paragraphs(browser_client):
    article = publish("Tin gõ tay", body="Đoạn thứ nhất.\n\nĐoạn thứ hai,\ndòng hai.")
    html = browser_client.get(article.get_absolute_url()).content.decode()
    assert "<p>Đoạn thứ nhất.</p>\n<p>Đoạn thứ hai,<br>dòng hai.</p>" in html


def test_picture_without_alt_text_is_refused(world):
    user = world.users["news_a"]
    article = services.create_article(user=user, title="Ảnh thiếu mô tả")
    image = services.add_image(user=user, article=article, data=png_bytes(), name="a.png", alt="Ảnh")
    with pytest.raises(ValidationError) as error:
        services.update_article(
            user=user, article=article, body=f'<figure><img src="{image.image.url}"></figure>'
        )
    assert "1 ảnh chưa có mô tả" in error.value.message_dict["body"][0]


def test_a_time_in_the_past_is_refused_on_save_and_corrected_on_approval(client, world):
    user = world.users["news_a"]
    past = timezone.now() - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.create_article(user=user, title="Hẹn giờ sai", publish_at=past)
    assert "đã qua" in error.value.message_dict["publish_at"][0]
    later = timezone.now() + timedelta(minutes=5)
    article = services.create_article(user=user, title="Hẹn giờ", publish_at=later)
    services.change_status(user=user, article=article, status="review")
    Article.objects.filter(pk=article.pk).update(publish_at=past)  # the time passed while in review
    article.refresh_from_db()
    second = User.objects.create(username="duyet", role="news_editor", unit=user.unit)
    client.force_login(second)
    response = client.post(
        reverse("portal:editor_status", args=[article.pk]), {"status": "published"}, follow=True
    )
    assert "Thời điểm hẹn đã qua nên bài được xuất bản ngay lúc duyệt." in response.content.decode()
    article.refresh_from_db()
    assert article.status == "published" and article.publish_at > past + timedelta(hours=23)


def test_returning_an_article_needs_a_reason_which_the_writer_sees(client, world):
    user = world.users["news_a"]
    article = services.create_article(user=user, title="Bài cần sửa")
    services.change_status(user=user, article=article, status="review")
    reviewer = User.objects.create(username="duyet", role="news_editor", unit=user.unit)
    client.force_login(reviewer)
    url = reverse("portal:editor_status", args=[article.pk])
    response = client.post(url, {"status": "draft"}, follow=True)
    assert "hãy ghi lý do trả về" in response.content.decode()
    client.post(url, {"status": "draft", "comment": "Thiếu số liệu huyện Bát Xát"})
    client.force_login(user)
    html = client.get(reverse("portal:editor_edit", args=[article.pk])).content.decode()
    assert "Thiếu số liệu huyện Bát Xát" in html


def test_four_eyes_can_be_turned_off(world, settings):
    settings.PORTAL_FOUR_EYES = False
    user = world.users["news_a"]
    article = services.create_article(user=user, title="Một người duyệt")
    services.change_status(user=user, article=article, status="review")
    assert services.change_status(user=user, article=article, status="published").status == "published"


def test_revisions_are_kept_with_a_diff(client, world):
    user = world.users["news_a"]
    article = services.create_article(user=user, title="Bản tin", body="<p>Câu cũ.</p><p>Giữ nguyên.</p>")
    services.update_article(user=user, article=article, body="<p>Câu mới.</p><p>Giữ nguyên.</p>")
    services.update_article(user=user, article=article, body="<p>Câu mới.</p><p>Giữ nguyên.</p>")  # unchanged
    assert article.revisions.count() == 2
    client.force_login(user)
    html = client.get(reverse("portal:editor_revisions", args=[article.pk])).content.decode()
    assert "Câu cũ.</del>" in html and "Câu mới.</ins>" in html and "<p>Giữ nguyên.</p>" in html


def test_preview_is_the_portal_page_marked_as_preview(client, world):
    user = world.users["news_a"]
    category = services.ensure_category(name="Hoạt động", slug="hoat-dong")
    article = services.create_article(user=user, title="Bản nháp xem trước", category=category)
    client.force_login(user)
    response = client.get(reverse("portal:editor_preview", args=[article.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bản xem trước" in html and 'class="mainnav"' in html and "portal.css" in html
    assert 'href="/chuyen-muc/hoat-dong/" aria-current="page"' in html
    assert "\ue000" not in html


def test_footer_shows_the_legal_details_set_in_the_staff_site(client, world, browser_client):
    client.force_login(world.users["news_a"])
    response = client.post(
        reverse("portal:site_info"),
        {
            "governing_body": "Liên đoàn Lao động tỉnh Lào Cai",
            "address": "Số 1 Hoàng Liên, Lào Cai",
            "phone": "0214 3840 000",
            "email": "bientap@congdoan.example.vn",
            "licence": "Giấy phép số 12/GP-TTĐT ngày 01/3/2024 của Sở TT&TT Lào Cai",
            "responsible_person": "Nguyễn Văn A, Phó Chủ tịch",
        },
    )
    assert response.status_code == 302
    html = browser_client.get("/").content.decode()
    for text in (
        "Số 1 Hoàng Liên",
        "0214 3840 000",
        "bientap@congdoan.example.vn",
        "12/GP-TTĐT",
        "Nguyễn Văn A",
    ):
        assert text in html
    bad = client.post(reverse("portal:site_info"), {"email": "khong-phai-thu"})
    assert "Thư điện tử: địa chỉ không hợp lệ." in bad.content.decode()


def test_home_page_shows_each_article_once_and_highlights_the_current_section(browser_client):
    category = services.ensure_category(name="Tin hoạt động", slug="tin-hoat-dong")
    titles = [f"Tin số {i}" for i in range(14)]
    for i, title in enumerate(titles):
        publish(title, category=category, when=timezone.now() - timedelta(hours=i + 1))
    html = browser_client.get("/").content.decode()
    for title in titles:
        assert html.count(f">{title}</a>") <= 1, title
    assert 'href="/" aria-current="page"' in html
    section = browser_client.get("/chuyen-muc/tin-hoat-dong/").content.decode()
    assert 'href="/chuyen-muc/tin-hoat-dong/" aria-current="page"' in section
    assert 'href="/" aria-current' not in section
    assert 'rel="icon"' in html and 'rel="apple-touch-icon"' in html


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_documents_section_lists_published_pdfs_with_number_and_date(client, world, browser_client):
    client.force_login(world.users["news_a"])
    url = reverse("portal:documents_admin")
    ok = client.post(url, {"number": "15/KH-LĐLĐ", "title": "Kế hoạch tháng công nhân", "issued_on": "2025-04-01",
                           "file": SimpleUploadedFile("kh.pdf", _pdf()), "published": "on"})  # fmt: skip
    assert ok.status_code == 302
    not_pdf = client.post(
        url, {"title": "Ảnh", "issued_on": "2025-04-01", "file": SimpleUploadedFile("a.pdf", png_bytes())}
    )
    assert "Văn bản: tệp không phải PDF." in not_pdf.content.decode()
    html = browser_client.get("/van-ban/").content.decode()
    assert "15/KH-LĐLĐ" in html and "01/04/2025" in html and "Kế hoạch tháng công nhân" in html
    assert Document.objects.count() == 1
    pdf = browser_client.get(Document.objects.get().file.url)
    assert pdf.status_code == 200


def test_json_upload_for_pasted_pictures_and_refusal_of_oversized_ones(client, world):
    user = world.users["news_a"]
    client.force_login(user)
    url = reverse("portal:editor_upload_new")
    ok = client.post(
        url,
        {"image": SimpleUploadedFile("p.png", png_bytes()), "alt": "Ảnh dán"},
        HTTP_ACCEPT="application/json",
    )
    data = ok.json()
    assert ok.status_code == 200 and data["src"].startswith("/media/portal/") and data["alt"] == "Ảnh dán"
    big = client.post(
        url,
        {"image": SimpleUploadedFile("to.png", b"\x89PNG" + b"0" * (20 * 1024 * 1024))},
        HTTP_ACCEPT="application/json",
    )
    assert big.status_code == 400 and "vượt quá giới hạn 10 MB" in big.json()["error"]
    # The picture joins the article whose body shows it when the article is first saved.
    article = services.create_article(user=user, title="Bài mới có ảnh dán",
                                      body=f'<figure><img src="{data["src"]}" alt="Ảnh dán"></figure>')  # fmt: skip
    assert ArticleImage.objects.get().article == article


def test_statistics_page_shows_aggregates_by_day_article_and_section_with_csv(client, world, browser_client):
    category = services.ensure_category(name="Tin hoạt động", slug="tin-hoat-dong")
    article = publish("Tin được đọc", category=category)
    from django.test import Client

    from .conftest import BROWSER

    for n in range(3):  # three readers (one view per browser and article per window is counted)
        Client(HTTP_USER_AGENT=BROWSER.replace("Chrome/126", f"Chrome/{124 + n}")).get(
            article.get_absolute_url()
        )
    counting.flush()
    assert DailyViews.objects.get(article=article).views == 3
    client.force_login(world.users["news_a"])
    html = client.get(reverse("portal:visitor_stats")).content.decode()
    assert "Tin được đọc" in html and "<svg" in html and "Tin hoạt động" in html
    response = client.get(reverse("portal:visitor_stats"), {"csv": "bai"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["Bài viết", "Chuyên mục", "Lượt xem"], ["Tin được đọc", "Tin hoạt động", "3"]]
    days = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("portal:visitor_stats"), {"csv": "ngay"}).content.decode("utf-8-sig")
            )
        )
    )
    assert days[-1][1:] == ["3", "3"]  # today: three views, three visitors
    bad = client.get(reverse("portal:visitor_stats"), {"tu": "2025-13-40"})
    assert bad.status_code == 200 and "ngày không hợp lệ" in bad.content.decode()
    client.force_login(world.users["viewer_nam"])
    assert client.get(reverse("portal:visitor_stats")).status_code == 403


def test_visitors_per_day_outlive_the_pruned_visit_rows():
    from datetime import date

    from phoihop.portal import stats
    from phoihop.portal.models import VisitorDay

    old = date(2023, 3, 1)
    VisitorDay.objects.bulk_create([VisitorDay(key=f"k{i}", day=old) for i in range(3)])
    counting.prune_visitors(days=365)
    assert not VisitorDay.objects.filter(day=old).exists()
    [row] = stats.by_day(stats.period(old, old))
    assert row["visitors"] == 3


def test_a_scheduled_article_is_marked_in_the_list_and_hidden_until_its_time(client, world, browser_client):
    user = world.users["news_a"]
    article = services.create_article(
        user=user, title="Tin hẹn giờ", publish_at=timezone.now() + timedelta(days=2)
    )
    services.change_status(user=user, article=article, status="review")
    services.change_status(user=None, article=article, status="published")
    client.force_login(user)
    html = client.get(reverse("portal:editor_index")).content.decode()
    assert '<span class="badge scheduled">Hẹn giờ</span>' in html
    assert browser_client.get(article.get_absolute_url()).status_code == 404
