import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from PIL import Image

from phoihop.audit.models import AuditEntry
from phoihop.portal import services
from phoihop.portal.models import Article, ArticleImage

from .helpers import png_bytes

pytestmark = pytest.mark.django_db


def signed_in(client, world, username):
    client.force_login(world.users[username])
    return world.users[username]


def test_staff_nav_shows_news_for_news_editor(client, world):
    signed_in(client, world, "news_a")
    html = client.get(reverse("site:home"), follow=True).content.decode()
    assert reverse("portal:editor_index") in html


@pytest.mark.parametrize("username", ["viewer_nam", "editor_bac", "manager_a", "outsider"])
def test_users_without_news_role_cannot_edit(client, world, username):
    signed_in(client, world, username)
    article = services.create_article(user=None, title="Tin của ban biên tập")
    assert client.get(reverse("portal:editor_index")).status_code == 403
    assert client.get(reverse("portal:editor_edit", args=[article.pk])).status_code == 403
    response = client.post(reverse("portal:editor_new"), {"title": "Tin chen ngang"})
    assert response.status_code == 403
    assert (
        client.post(reverse("portal:editor_status", args=[article.pk]), {"status": "review"}).status_code
        == 403
    )
    assert not Article.objects.filter(title="Tin chen ngang").exists()
    with pytest.raises(PermissionDenied):
        services.update_article(user=world.users[username], article=article, title="Sửa lén")


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("portal:editor_index"))
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_news_editor_writes_sends_for_review_and_publishes(client, world):
    user = signed_in(client, world, "news_a")
    response = client.post(
        reverse("portal:editor_new"),
        {
            "title": "Hội nghị Ban Chấp hành Công đoàn",
            "body": "<p>Nội dung</p><script>x()</script>",
            "summary": "Tóm tắt",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "portal:editor_edit", args=[article.pk]
    )
    assert article.slug == "hoi-nghi-ban-chap-hanh-cong-doan"
    assert article.status == "draft" and "script" not in article.body
    assert article.unit == user.unit
    assert client.get(article.get_absolute_url()).status_code == 404
    client.post(reverse("portal:editor_status", args=[article.pk]), {"status": "review"})
    assert client.get(article.get_absolute_url()).status_code == 404
    # Four-eyes (on by default): the writer cannot approve their own article …
    response = client.post(
        reverse("portal:editor_status", args=[article.pk]), {"status": "published"}, follow=True
    )
    assert "một biên tập viên khác phải duyệt" in response.content.decode()
    article.refresh_from_db()
    assert article.status == "review"
    # … a second news editor can.
    from phoihop.accounts.models import User

    second = User.objects.create(username="bientap_2", role="news_editor", unit=user.unit)
    client.force_login(second)
    client.post(reverse("portal:editor_status", args=[article.pk]), {"status": "published"})
    article.refresh_from_db()
    assert article.status == "published" and article.publish_at is not None
    assert article.approved_by == second and article.submitted_by == user
    assert client.get(article.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0").status_code == 200
    actions = list(AuditEntry.objects.filter(model="portal.Article").values_list("detail", flat=True))
    assert "status review → published" in actions and "status draft → review" in actions


def test_draft_cannot_jump_straight_to_published(client, world):
    signed_in(client, world, "news_a")
    article = services.create_article(user=world.users["news_a"], title="Tin chưa duyệt")
    response = client.post(
        reverse("portal:editor_status", args=[article.pk]), {"status": "published"}, follow=True
    )
    assert "không thể chuyển từ “Bản nháp” sang “Đã xuất bản”" in response.content.decode()
    article.refresh_from_db()
    assert article.status == "draft"


def test_editor_of_another_province_cannot_touch_this_provinces_articles(world):
    from phoihop.accounts.models import User

    foreign = User.objects.create(username="bientap_x", role="news_editor", unit=world.units["LDLD-X"])
    article = services.create_article(user=world.users["news_a"], title="Tin tỉnh An Phú")
    with pytest.raises(PermissionDenied):
        services.update_article(user=foreign, article=article, title="Đổi")
    from phoihop.portal.selectors import editor_articles

    assert list(editor_articles(foreign)) == []


def test_slug_clash_gets_a_suffix_or_a_clear_message(world):
    user = world.users["news_a"]
    first = services.create_article(user=user, title="Công đoàn Lào Cai")
    second = services.create_article(user=user, title="Công  đoàn LÀO CAI")
    assert (first.slug, second.slug) == ("cong-doan-lao-cai", "cong-doan-lao-cai-2")
    with pytest.raises(ValidationError) as error:
        services.create_article(user=user, title="Khác", slug="cong-doan-lao-cai")
    assert (
        "Đường dẫn “cong-doan-lao-cai” đã dùng cho bài “Công đoàn Lào Cai”"
        in error.value.message_dict["slug"][0]
    )


def test_empty_title_is_refused_with_the_field_named(client, world):
    signed_in(client, world, "news_a")
    response = client.post(reverse("portal:editor_new"), {"title": "   "})
    assert response.status_code == 200
    assert Article.objects.count() == 0


def _upload(client, article, data, name="anh.png", alt="Lễ ra quân"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("portal:editor_upload", args=[article.pk]),
        {
            "image": SimpleUploadedFile(name, data),
            "caption": "Chú thích",
            "credit": "Tác giả ảnh",
            "alt": alt,
        },
        follow=True,
    ).content.decode()


def test_good_upload_is_resized_with_thumbnail_and_becomes_the_cover(client, world, settings):
    signed_in(client, world, "news_a")
    article = services.create_article(user=world.users["news_a"], title="Tin có ảnh")
    html = _upload(client, article, png_bytes(size=(3000, 2000)))
    assert "Đã tải ảnh lên" in html
    image = ArticleImage.objects.get()
    assert (image.width, image.height) == (1600, 1067)
    assert Image.open(image.thumbnail.path).size == (480, 270)
    assert str(settings.MEDIA_ROOT) in image.image.path
    article.refresh_from_db()
    assert article.cover == image
    assert image.alt == "Lễ ra quân"
    # The gallery offers the picture to the editor's "Chèn" (insert) button.
    assert f'data-insert-image data-src="{image.image.url}" data-alt="Lễ ra quân"' in html


def test_upload_without_alt_text_is_refused(client, world):
    signed_in(client, world, "news_a")
    article = services.create_article(user=world.users["news_a"], title="Tin có ảnh")
    html = _upload(client, article, png_bytes(), alt="")
    assert "hãy nhập mô tả ảnh cho người khiếm thị" in html
    assert ArticleImage.objects.count() == 0


def _huge_png() -> bytes:
    # A 10,000 × 10,000 picture (100 megapixels) that compresses to a few hundred kilobytes.
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4 not a picture", "tai-lieu.pdf", "không phải là ảnh hoặc tệp ảnh bị hỏng"),
        (png_bytes()[:60], "hong.png", "không phải là ảnh hoặc tệp ảnh bị hỏng"),
        (b"", "rong.png", "rỗng"),
        (b"\x89PNG" + b"0" * (10 * 1024 * 1024 + 10), "to.png", "vượt quá giới hạn 10 MB"),
        (_huge_png(), "khong-lo.png", "vượt quá giới hạn 40 triệu điểm ảnh"),
        (png_bytes(fmt="BMP"), "anh.bmp", "không phải ảnh JPEG, PNG, GIF hay WebP"),
    ],
)
def test_bad_uploads_are_refused_with_vietnamese_messages(client, world, data, name, message):
    signed_in(client, world, "news_a")
    article = services.create_article(user=world.users["news_a"], title="Tin thử ảnh")
    html = _upload(client, article, data, name)
    assert message in html
    assert ArticleImage.objects.count() == 0


def test_preview_shows_a_draft_to_its_editor_only(client, world):
    signed_in(client, world, "news_a")
    article = services.create_article(
        user=world.users["news_a"], title="Nháp xem trước", body="<p>Xem trước</p>"
    )
    assert "Xem trước" in client.get(reverse("portal:editor_preview", args=[article.pk])).content.decode()
    client.logout()
    signed_in(client, world, "viewer_nam")
    assert client.get(reverse("portal:editor_preview", args=[article.pk])).status_code == 403
