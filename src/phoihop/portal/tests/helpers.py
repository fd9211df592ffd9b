import io
from datetime import timedelta

from django.utils import timezone
from PIL import Image

from phoihop.portal import services
from phoihop.portal.models import Article


def publish(
    title: str = "Công đoàn Lào Cai ra quân",
    *,
    body: str = "<p>Nội dung</p>",
    summary: str = "",
    category=None,
    when=None,
    user=None,
) -> Article:
    article = services.create_article(user=user, title=title, body=body, summary=summary, category=category)
    services.change_status(user=user, article=article, status=Article.Status.REVIEW)
    return services.change_status(
        user=user,
        article=article,
        status=Article.Status.PUBLISHED,
        publish_at=when or timezone.now() - timedelta(minutes=1),
    )


def png_bytes(size=(40, 30), colour=(200, 30, 30), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()
