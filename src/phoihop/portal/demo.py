"""Demo content for the portal: the 2017–2020 review article and a few news items with banners drawn
locally with Pillow. Running it again changes nothing."""

from __future__ import annotations

import io
import os
import textwrap
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from phoihop.core.text import slugify_vi

from . import cache, selectors, services
from .models import Article

CATEGORIES = [
    ("Phối hợp Công đoàn – Đảng", "phoi-hop-cong-doan-dang"),
    ("Tin hoạt động", "tin-hoat-dong"),
    ("Thi đua – Khen thưởng", "thi-dua-khen-thuong"),
    ("Văn hóa doanh nghiệp", "van-hoa-doanh-nghiep"),
    ("An sinh xã hội", "an-sinh-xa-hoi"),
]

NEWS = [
    {
        "title": "Thành lập Công đoàn cơ sở Công ty TNHH Chế biến chè Bát Xát",
        "category": "tin-hoat-dong",
        "colours": ("#0d4c92", "#1f6fc4"),
        "caption": "Lễ ra mắt Công đoàn cơ sở Công ty TNHH Chế biến chè Bát Xát",
        "summary": "LĐLĐ huyện Bát Xát trao quyết định công nhận Công đoàn cơ sở và Ban Chấp hành lâm thời "
        "với 46 đoàn viên đầu tiên.",
        "paragraphs": [
            "Sáng nay, Liên đoàn Lao động huyện Bát Xát tổ chức lễ ra mắt Công đoàn cơ sở Công ty TNHH "
            "Chế biến chè Bát Xát, trao quyết định công nhận đoàn viên và Ban Chấp hành lâm thời.",
            "Đây là công đoàn cơ sở thứ ba được thành lập trong doanh nghiệp ngoài nhà nước trên địa bàn "
            "huyện từ đầu năm, góp phần thực hiện chỉ tiêu phát triển đoàn viên của chương trình phối hợp.",
            "Phát biểu tại buổi lễ, đại diện Ban Giám đốc công ty cam kết tạo điều kiện để công đoàn hoạt "
            "động, chăm lo đời sống và bảo vệ quyền lợi hợp pháp của người lao động.",
        ],
        "views": 412,
        "days_ago": 2,
        "featured": True,
    },
    {
        "title": "Kết nạp 12 đoàn viên công đoàn ưu tú vào Đảng trong doanh nghiệp ngoài nhà nước",
        "category": "phoi-hop-cong-doan-dang",
        "colours": ("#9e0f14", "#c4161c"),
        "caption": "Các đảng viên mới tuyên thệ dưới cờ Đảng",
        "summary": "Đảng ủy Khối Cơ quan – Doanh nghiệp tỉnh tổ chức lễ kết nạp đảng viên mới cho 12 quần "
        "chúng ưu tú do công đoàn cơ sở giới thiệu.",
        "paragraphs": [
            "Thực hiện chương trình phối hợp giữa Liên đoàn Lao động tỉnh và Đảng ủy Khối, các công đoàn cơ "
            "sở đã giới thiệu đoàn viên ưu tú để chi bộ bồi dưỡng, xem xét kết nạp.",
            "12 đồng chí được kết nạp đều là công nhân, kỹ sư trực tiếp sản xuất, trong đó có 5 đồng chí là "
            "nữ và 3 đồng chí là người dân tộc thiểu số.",
        ],
        "views": 268,
        "days_ago": 5,
        "featured": True,
    },
    {
        "title": "Phát động thi đua “Lao động giỏi, lao động sáng tạo” năm 2025",
        "category": "thi-dua-khen-thuong",
        "colours": ("#b45309", "#d97706"),
        "caption": "Công nhân Nhà máy tuyển đồng Tằng Loỏng hưởng ứng phong trào thi đua",
        "summary": "Phong trào hướng tới mục tiêu mỗi công đoàn cơ sở có ít nhất một sáng kiến được áp dụng.",
        "paragraphs": [
            "Liên đoàn Lao động tỉnh phát động phong trào thi đua “Lao động giỏi, lao động sáng tạo” trong "
            "công nhân, viên chức, lao động toàn tỉnh năm 2025.",
            "Các sáng kiến được công nhận sẽ được đề nghị khen thưởng và nhân rộng trong doanh nghiệp cùng "
            "ngành.",
        ],
        "views": 175,
        "days_ago": 9,
    },
    {
        "title": "Hội thi Văn hóa doanh nghiệp Khu công nghiệp Tằng Loỏng",
        "category": "van-hoa-doanh-nghiep",
        "colours": ("#047857", "#10b981"),
        "caption": "Tiết mục văn nghệ của công nhân tại hội thi",
        "summary": "Tám doanh nghiệp tham gia hội thi với các phần thi giới thiệu, văn nghệ và ứng xử văn hóa "
        "nơi làm việc.",
        "paragraphs": [
            "Hội thi do Công đoàn các Khu công nghiệp tỉnh phối hợp tổ chức nhằm xây dựng môi trường làm "
            "việc văn minh, gắn bó giữa doanh nghiệp và người lao động.",
            "Ban tổ chức trao giải nhất cho Công ty Cổ phần Phân bón và Hóa chất Lào Cai.",
        ],
        "views": 96,
        "days_ago": 14,
    },
    {
        "title": "Trao 120 suất quà Tết cho đoàn viên, người lao động có hoàn cảnh khó khăn",
        "category": "an-sinh-xa-hoi",
        "colours": ("#7c2d12", "#c2410c"),
        "caption": "Trao quà Tết cho đoàn viên tại huyện Bắc Hà",
        "summary": "Mỗi suất quà gồm tiền mặt và nhu yếu phẩm trị giá 1.000.000 đồng, từ nguồn Quỹ Xã hội "
        "công đoàn và các nhà tài trợ.",
        "paragraphs": [
            "Nhân dịp Tết Nguyên đán, Liên đoàn Lao động tỉnh Lào Cai đã tổ chức thăm hỏi, trao 120 suất "
            "quà cho đoàn viên, người lao động có hoàn cảnh khó khăn tại các huyện vùng cao.",
            "Hoạt động nằm trong chương trình “Tết Sum vầy” được tổ chức hằng năm.",
        ],
        "views": 331,
        "days_ago": 20,
    },
]


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    import matplotlib

    folder = os.path.join(os.path.dirname(matplotlib.__file__), "mpl-data", "fonts", "ttf")
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(os.path.join(folder, name), size)


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def banner(caption: str, colours: tuple[str, str], *, size=(1200, 675)) -> bytes:
    """A simple coloured banner (PNG) with the caption in Vietnamese, drawn with DejaVu Sans."""
    width, height = size
    start, end = _hex(colours[0]), _hex(colours[1])
    image = Image.new("RGB", size, start)
    draw = ImageDraw.Draw(image)
    for x in range(width):
        t = x / (width - 1)
        draw.line(
            [(x, 0), (x, height)], fill=tuple(round(a + (b - a) * t) for a, b in zip(start, end, strict=True))
        )
    for i, r in enumerate((420, 300, 190)):
        draw.ellipse(
            (width - r - 40 + i * 30, -r // 2, width + r - 40, r + r // 2), outline=(255, 255, 255), width=2
        )
    draw.rectangle((0, height - 90, width, height), fill=(255, 255, 255))
    draw.rectangle((0, height - 96, width, height - 90), fill=(246, 195, 67))
    draw.text(
        (60, height - 66), "LIÊN ĐOÀN LAO ĐỘNG TỈNH LÀO CAI", font=_font(30, bold=True), fill=_hex(colours[0])
    )
    font = _font(54, bold=True)
    lines = textwrap.wrap(caption, width=32)[:4]
    y = (height - 96 - len(lines) * 70) // 2
    for line in lines:
        draw.text((62, y + 3), line, font=font, fill=(0, 0, 0))
        draw.text((60, y), line, font=font, fill=(255, 255, 255))
        y += 70
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _publish(article: Article, *, days_ago: int, views: int, featured: bool) -> None:
    services.change_status(user=None, article=article, status=Article.Status.REVIEW)
    services.change_status(
        user=None,
        article=article,
        status=Article.Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(days=days_ago, hours=3),
    )
    Article.objects.filter(pk=article.pk).update(view_count=views, featured=featured)


@transaction.atomic
def load_demo_news(*, report: dict | None) -> list[Article]:
    """The portal's demo news; an item already there (same address) is left as it is."""
    categories = {
        slug: services.ensure_category(name=name, slug=slug, position=i)
        for i, (name, slug) in enumerate(CATEGORIES)
    }
    out = []
    if report is not None:
        article = selectors.existing_article_for(report)
        if article is None:
            article = services.draft_article_from_report(user=None, report=report)
            services.update_article(
                user=None,
                article=article,
                author_name="Ban Tuyên giáo LĐLĐ tỉnh",
                photo_credit="Biểu đồ: phoihop",
            )
            _publish(article, days_ago=1, views=1253, featured=True)
        out.append(article)
    for item in NEWS:
        slug = slugify_vi(item["title"])
        article = Article.objects.filter(slug=slug).first()
        if article is None:
            article = services.create_article(
                user=None,
                title=item["title"],
                slug=slug,
                summary=item["summary"],
                category=categories[item["category"]],
                author_name="Phòng Tuyên giáo",
                photo_credit="Ban biên tập",
            )
            image = services.add_image(
                user=None,
                article=article,
                data=banner(item["caption"], item["colours"]),
                name="banner.png",
                caption=item["caption"],
                credit="Ban biên tập",
            )
            body = "".join(f"<p>{p}</p>" for p in item["paragraphs"][:1])
            body += services.figure_html(image)
            body += "".join(f"<p>{p}</p>" for p in item["paragraphs"][1:])
            services.update_article(user=None, article=article, body=body)
            _publish(
                article, days_ago=item["days_ago"], views=item["views"], featured=item.get("featured", False)
            )
        out.append(article)
    cache.invalidate()
    return out
