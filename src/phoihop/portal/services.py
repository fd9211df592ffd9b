"""Writes of the news portal. Each is one user-visible act, in a transaction, with its audit row."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phoihop.accounts.scope import scope_for
from phoihop.audit.services import log_change, snapshot
from phoihop.core.text import fold, slugify_vi

from . import cache
from .html import clean_html, text_of
from .images import prepare
from .models import Article, ArticleImage, Category

MODEL = "portal.Article"
EDITABLE_FIELDS = (
    "title",
    "slug",
    "category",
    "summary",
    "body",
    "author_name",
    "photo_credit",
    "featured",
    "publish_at",
    "cover",
)
# Which status may follow which: an article goes draft → review → published, and back to draft.
TRANSITIONS = {
    Article.Status.DRAFT: {Article.Status.REVIEW},
    Article.Status.REVIEW: {Article.Status.DRAFT, Article.Status.PUBLISHED},
    Article.Status.PUBLISHED: {Article.Status.DRAFT},
}


def can_edit_news(user) -> bool:
    return bool(user and user.is_authenticated and user.can("news"))


def check_may_edit(user, article: Article | None = None) -> None:
    """News editors and admins may edit the articles of units in their scope (or of no unit).
    `user=None` is system code (the demo loader), never a request."""
    if user is None:
        return
    if not can_edit_news(user):
        raise PermissionDenied(_("Bạn không có quyền biên tập tin."))
    if (
        article is not None
        and article.unit_id is not None
        and not scope_for(user).covers_unit(article.unit_id)
    ):
        raise PermissionDenied(_("Bài viết này thuộc đơn vị ngoài phạm vi của bạn."))


def search_text_for(article: Article) -> str:
    return fold(" ".join([article.title, article.summary, text_of(article.body), article.author_name]))


def _unique_slug(title: str, wanted: str, *, exclude_pk: int | None) -> str:
    taken = Article.objects.exclude(pk=exclude_pk)
    if wanted:
        slug = slugify_vi(wanted)
        other = taken.filter(slug=slug).first()
        if other is not None:
            raise ValidationError(
                {
                    "slug": _("Đường dẫn “%(slug)s” đã dùng cho bài “%(title)s”; hãy chọn đường dẫn khác.")
                    % {"slug": slug, "title": other.title}
                }
            )
        return slug
    base = slugify_vi(title, max_length=96)
    slug, n = base, 2
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _validate(article: Article) -> None:
    errors = {}
    article.title = " ".join((article.title or "").split())
    if not article.title:
        errors["title"] = _("Tiêu đề: không được để trống.")
    elif len(article.title) > 300:
        errors["title"] = _("Tiêu đề: tối đa 300 ký tự.")
    if len(article.summary or "") > 1000:
        errors["summary"] = _("Tóm tắt: tối đa 1.000 ký tự.")
    if len(article.body or "") > 500_000:
        errors["body"] = _("Nội dung: quá dài (tối đa 500.000 ký tự).")
    if errors:
        raise ValidationError(errors)


def _save(article: Article, *, wanted_slug: str) -> None:
    article.body = clean_html(article.body)
    article.summary = " ".join((article.summary or "").split())
    article.slug = _unique_slug(article.title, wanted_slug, exclude_pk=article.pk)
    article.search_text = search_text_for(article)
    article.save()
    cache.invalidate()


@transaction.atomic
def create_article(
    *,
    user,
    title: str,
    body: str = "",
    summary: str = "",
    slug: str = "",
    category: Category | None = None,
    author_name: str = "",
    photo_credit: str = "",
    featured: bool = False,
    publish_at: datetime | None = None,
    source: str = "",
) -> Article:
    """A new draft article; its address comes from the title without diacritics unless one is given."""
    check_may_edit(user)
    article = Article(
        title=title,
        body=body,
        summary=summary,
        category=category,
        author_name=author_name,
        photo_credit=photo_credit,
        featured=featured,
        publish_at=publish_at,
        source=source,
        status=Article.Status.DRAFT,
        unit=getattr(user, "unit", None),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    _validate(article)
    _save(article, wanted_slug=slug)
    log_change(
        actor=user,
        action="create",
        model=MODEL,
        object_code=article.slug,
        before=None,
        after=snapshot(article),
    )
    return article


@transaction.atomic
def update_article(*, user, article: Article, **changes) -> Article:
    """Changes the fields given (title, body, …); the body is sanitised again."""
    check_may_edit(user, article)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = snapshot(article)
    wanted_slug = changes.pop("slug", None)
    for name, value in changes.items():
        setattr(article, name, value)
    _validate(article)
    _save(article, wanted_slug=article.slug if wanted_slug is None else (wanted_slug or ""))
    log_change(
        actor=user,
        action="update",
        model=MODEL,
        object_code=article.slug,
        before=before,
        after=snapshot(article),
    )
    return article


@transaction.atomic
def change_status(*, user, article: Article, status: str, publish_at: datetime | None = None) -> Article:
    """Moves an article along draft → review → published (or back to draft). Publishing without a time
    publishes now; with a future time the article appears by itself then."""
    check_may_edit(user, article)
    if status not in TRANSITIONS.get(article.status, set()):
        raise ValidationError(
            {
                "status": _("Trạng thái: không thể chuyển từ “%(old)s” sang “%(new)s”.")
                % {"old": article.get_status_display(), "new": Article.Status(status).label}
            }
            if status in Article.Status.values
            else {"status": _("Trạng thái: giá trị không hợp lệ.")}
        )
    before = snapshot(article)
    article.status = status
    if status == Article.Status.PUBLISHED:
        article.publish_at = publish_at or article.publish_at or timezone.now()
    article.save(update_fields=["status", "publish_at", "updated_at"])
    cache.invalidate()
    log_change(
        actor=user,
        action="update",
        model=MODEL,
        object_code=article.slug,
        before=before,
        after=snapshot(article),
        detail=f"status {before['status']} → {status}",
    )
    return article


@transaction.atomic
def add_image(
    *, user, article: Article | None, data: bytes, name: str = "", caption: str = "", credit: str = ""
) -> ArticleImage:
    """Checks an uploaded picture, stores it resized with a thumbnail; the first one becomes the cover."""
    if article is not None:
        check_may_edit(user, article)
    else:
        check_may_edit(user)
    picture, thumb = prepare(data, name=name)
    image = ArticleImage(
        article=article,
        caption=" ".join(caption.split())[:300],
        credit=" ".join(credit.split())[:200],
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    image.image.save(picture.name, picture, save=False)
    image.thumbnail.save(thumb.name, thumb, save=False)
    image.save()
    if article is not None and article.cover_id is None:
        article.cover = image
        article.save(update_fields=["cover", "updated_at"])
        cache.invalidate()
    log_change(
        actor=user,
        action="create",
        model="portal.ArticleImage",
        object_code=image.image.name,
        before=None,
        after={k: str(v) if hasattr(v, "name") else v for k, v in snapshot(image).items()},
        detail=article.slug if article else "",
    )
    return image


def figure_html(image: ArticleImage) -> str:
    """The <figure> an editor pastes into a body for an uploaded picture."""
    from django.utils.html import escape

    caption = escape(image.caption)
    if image.credit:
        caption += f" <small>({escape(_('Ảnh'))}: {escape(image.credit)})</small>"
    return (
        f'<figure><img src="{image.image.url}" alt="{escape(image.caption)}" '
        f'width="{image.width}" height="{image.height}">'
        + (f"<figcaption>{caption}</figcaption>" if caption else "")
        + "</figure>"
    )


@transaction.atomic
def ensure_category(*, name: str, slug: str = "", position: int = 0) -> Category:
    category, _created = Category.objects.get_or_create(
        slug=slug or slugify_vi(name), defaults={"name": name, "position": position}
    )
    return category


def draft_article_from_report(*, user, report: dict) -> Article:
    """A draft article written from a review report: one section per content area with its paragraph,
    and the report's charts as pictures. The editor then reviews and publishes it."""
    from .report_article import compose_from_report

    return compose_from_report(user=user, report=report)
