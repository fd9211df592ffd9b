from datetime import date

import pytest
from django.urls import reverse

from phoihop.portal import services
from phoihop.portal.demo import NEWS, load_demo_news
from phoihop.portal.models import Article, ArticleImage
from phoihop.records.models import Program
from phoihop.reports.assemble import build_report

from .helpers import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(world):
    return Program.objects.create(
        code="CTPH-2017-2020",
        name="Chương trình phối hợp giai đoạn 2017-2020",
        starts_on=date(2017, 1, 1),
        ends_on=date(2020, 12, 31),
        union_root=world.units["LDLD-A"],
        party_root=world.units["DUK-A"],
    )


def test_draft_from_report_has_a_section_per_area_and_the_charts(world, program, monkeypatch):
    from phoihop.reports import charts, narrative

    monkeypatch.setattr(
        narrative,
        "narrative_paragraphs",
        lambda report: [
            ("Xây dựng tổ chức công đoàn", "Thành lập mới 64 CĐCS."),
            ("Phát triển đảng viên, tổ chức đảng", "Kết nạp 202 đảng viên."),
        ],
    )
    monkeypatch.setattr(charts, "chart_pngs", lambda report: {"trend": png_bytes(), "pipeline": png_bytes()})
    report = build_report(program_code="CTPH-2017-2020")
    for code, value in zip(
        ("union.members_admitted", "union.outstanding_referred", "party.trainees", "union.referred_admitted"),
        (1500, 300, 250, 202),
        strict=True,
    ):
        report["indicators"].setdefault(code, {})["value"] = value
    article = services.draft_article_from_report(user=world.users["news_a"], report=report)
    assert article.status == "draft"
    assert article.title == "Kết quả thực hiện Chương trình phối hợp giai đoạn 2017-2020"
    assert "<h2>Xây dựng tổ chức công đoàn</h2>" in article.body
    assert "Kết nạp 202 đảng viên." in article.body
    assert article.body.count("<figure>") == 2 and "<figcaption>Kết quả chính theo năm" in article.body
    # Two charts in the body; the cover is the lead chart made for the front page, not in the body.
    assert article.images.count() == 3 and article.cover is not None
    assert article.cover.image.url not in article.body and (article.cover.width, article.cover.height) == (
        1200,
        675,
    )
    assert article.slug.endswith("-2017-2020")
    assert article.cover.alt.startswith("Biểu đồ thanh: Đoàn viên mới: 1.500; Được giới thiệu: 300")
    assert "cong doan" in article.search_text


def test_report_button_makes_a_draft_and_opens_it(client, world, program):
    client.force_login(world.users["news_a"])
    page = client.get(reverse("portal:draft_from_report"), {"program": "CTPH-2017-2020"}).content.decode()
    assert 'name="slug" value="ket-qua-thuc-hien-chuong-trinh-phoi-hop-giai-doan-2017-2020"' in page
    response = client.post(
        reverse("portal:draft_from_report"),
        {
            "program": "CTPH-2017-2020",
            "confirm": "1",
            "title": "Tổng kết 2017–2020",
            "slug": "tong-ket-2017-2020",
        },
    )
    article = Article.objects.get()
    assert (article.title, article.slug) == ("Tổng kết 2017–2020", "tong-ket-2017-2020")
    # The report's PDF is attached, published with the article.
    document = article.documents.get()
    assert document.file.read(5) == b"%PDF-" and not document.published
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:editor_edit", args=[article.pk])
    assert article.status == "draft" and article.source.startswith("report:CTPH-2017-2020")
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"program": "KHONG-CO"}, "Không có chương trình phối hợp mã"),
        ({"program": "CTPH-2017-2020", "date_from": "2020-13-45"}, "không hợp lệ, cần dạng YYYY-MM-DD"),
        (
            {"program": "CTPH-2017-2020", "date_from": "2020-01-01", "date_to": "2019-01-01"},
            "Kỳ báo cáo không hợp lệ",
        ),
        ({}, "Chương trình: chưa chọn"),
    ],
)
def test_report_button_with_bad_input_says_why_and_writes_nothing(client, world, program, data, message):
    client.force_login(world.users["news_a"])
    response = client.post(reverse("portal:draft_from_report"), {**data, "confirm": "1"}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Article.objects.count() == 0


def test_report_button_refuses_other_roles_and_other_provinces(client, world, program):
    client.force_login(world.users["viewer_nam"])
    assert (
        client.post(
            reverse("portal:draft_from_report"), {"program": "CTPH-2017-2020", "confirm": "1"}
        ).status_code
        == 403
    )
    client.force_login(world.users["news_a"])
    response = client.post(
        reverse("portal:draft_from_report"), {"program": "CTPH-2017-2020", "scope": "LDLD-X", "confirm": "1"}
    )
    assert response.status_code == 404
    assert Article.objects.count() == 0


def test_demo_news_is_published_with_banners_and_loading_twice_changes_nothing(
    world, program, browser_client
):
    report = build_report(program_code="CTPH-2017-2020")
    load_demo_news(report=report)
    count, images = Article.objects.count(), ArticleImage.objects.count()
    assert count == len(NEWS) + 1
    assert all(a.is_public() for a in Article.objects.all())
    assert Article.objects.filter(view_count__gt=0).count() == count
    load_demo_news(report=report)
    assert (Article.objects.count(), ArticleImage.objects.count()) == (count, images)
    html = browser_client.get("/").content.decode()
    assert "Kết quả thực hiện Chương trình phối hợp" in html
    assert "Trao 120 suất quà Tết" in html


def test_two_periods_and_a_clashing_slug(client, world, program):
    """Every program and period gets its own address with the years; a clashing one is refused with a
    message and the form shown again, nothing written."""
    Program.objects.create(
        code="CTPH-2021-2025",
        name="Chương trình phối hợp giai đoạn 2021-2025",
        starts_on=date(2021, 1, 1),
        ends_on=date(2025, 12, 31),
        union_root=world.units["LDLD-A"],
        party_root=world.units["DUK-A"],
    )
    client.force_login(world.users["news_a"])
    url = reverse("portal:draft_from_report")
    for code in ("CTPH-2017-2020", "CTPH-2021-2025"):
        assert client.post(url, {"program": code, "confirm": "1"}).status_code == 302
    slugs = sorted(Article.objects.values_list("slug", flat=True))
    assert slugs == [
        "ket-qua-thuc-hien-chuong-trinh-phoi-hop-giai-doan-2017-2020",
        "ket-qua-thuc-hien-chuong-trinh-phoi-hop-giai-doan-2021-2025",
    ]
    response = client.post(url, {"program": "CTPH-2021-2025", "confirm": "1", "again": "1", "slug": slugs[0]})
    assert response.status_code == 200
    assert "đã dùng cho bài" in response.content.decode()
    assert Article.objects.count() == 2
    # The form proposes a free address for a second draft of the same period.
    page = client.get(url, {"program": "CTPH-2021-2025"}).content.decode()
    assert 'value="ket-qua-thuc-hien-chuong-trinh-phoi-hop-giai-doan-2021-2025-2"' in page
