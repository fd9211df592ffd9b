"""Writes of the news portal. Each is one user-visible act, in a transaction, with its audit row."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phoihop.accounts.scope import scope_for
from phoihop.audit.services import log_change, log_instance, snapshot
from phoihop.core.text import fold, slugify_vi

from . import cache, report_article
from .html import clean_html, images_without_alt, text_of
from .images import prepare
from .models import Article, ArticleComment, ArticleImage, ArticleRevision, Category, Document, SiteInfo

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
        slug = slugify_vi(wanted, max_length=100)
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
    if (
        article.publish_at is not None
        and article.status != Article.Status.PUBLISHED
        and article.publish_at < timezone.now()
        and article.publish_at != getattr(article, "_stored_publish_at", None)
    ):
        errors["publish_at"] = _(
            "Thời điểm xuất bản %(at)s đã qua: hãy chọn một thời điểm trong tương lai, hoặc để trống để "
            "xuất bản ngay khi duyệt."
        ) % {"at": timezone.localtime(article.publish_at).strftime("%d/%m/%Y %H:%M")}
    if errors:
        raise ValidationError(errors)


def _save(article: Article, *, wanted_slug: str, user=None) -> None:
    article.body = clean_html(article.body)
    missing_alt = images_without_alt(article.body)
    if missing_alt:
        raise ValidationError(
            {
                "body": _(
                    "Nội dung: %(n)s ảnh chưa có mô tả cho người khiếm thị (alt); chọn ảnh, bấm “Sửa ảnh” "
                    "để nhập mô tả."
                )
                % {"n": missing_alt}
            }
        )
    article.summary = " ".join((article.summary or "").split())
    article.slug = _unique_slug(article.title, wanted_slug, exclude_pk=article.pk)
    article.search_text = search_text_for(article)
    article.save()
    _attach_uploads(article, user)
    _keep_revision(article, user)
    cache.invalidate()


REVISION_FIELDS = ("title", "summary", "body", "author_name", "photo_credit")


def _log_article(user, action: str, article: Article, *, before: dict | None, detail: str = "") -> None:
    """The audit row of a write to an article: its state before (None when created) and after."""
    log_instance(
        actor=user, action=action, instance=article, object_code=article.slug, before=before, detail=detail
    )


def _keep_revision(article: Article, user) -> None:
    """A revision row when the text differs from the last one kept."""
    last = article.revisions.order_by("-number").first()
    if last is not None and all(getattr(last, f) == getattr(article, f) for f in REVISION_FIELDS):
        return
    ArticleRevision.objects.create(
        article=article,
        number=(last.number + 1) if last else 1,
        saved_by=user if getattr(user, "is_authenticated", False) else None,
        **{f: getattr(article, f) for f in REVISION_FIELDS},
    )


def _attach_uploads(article: Article, user) -> None:
    """Pictures the user uploaded before the article existed (pasted into a new article) join it
    when its body shows them."""
    if not getattr(user, "is_authenticated", False):
        return
    for image in ArticleImage.objects.filter(article__isnull=True, uploaded_by=user):
        if image.image.url in article.body:
            image.article = article
            image.save(update_fields=["article"])


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
    _save(article, wanted_slug=slug, user=user)
    _log_article(user, "create", article, before=None)
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
    article._stored_publish_at = article.publish_at
    for name, value in changes.items():
        setattr(article, name, value)
    _validate(article)
    _save(article, wanted_slug=article.slug if wanted_slug is None else (wanted_slug or ""), user=user)
    _log_article(user, "update", article, before=before)
    return article


def four_eyes() -> bool:
    """Whether an article needs a second person to approve it: settings.PORTAL_FOUR_EYES, read from the
    environment's PHOIHOP_PORTAL_FOUR_EYES ("0" turns it off); on by default."""
    return bool(settings.PORTAL_FOUR_EYES)


def _is_writer(user, article: Article) -> bool:
    ids = {article.created_by_id, article.submitted_by_id} - {None}
    return getattr(user, "pk", None) in ids


def may_approve(user, article: Article) -> bool:
    return not (four_eyes() and user is not None and _is_writer(user, article))


@transaction.atomic
def change_status(
    *, user, article: Article, status: str, publish_at: datetime | None = None, comment: str = ""
) -> Article:
    """Moves an article along draft → review → published (or back to draft, with the reason). With
    four-eyes on, whoever wrote or sent the article for review cannot approve it. Publishing without a
    time publishes now; with a future time the article appears by itself then; a time already past is
    corrected to now."""
    check_may_edit(user, article)
    comment = (comment or "").strip()[:4000]
    if status not in TRANSITIONS.get(article.status, set()):
        raise ValidationError(
            {
                "status": _("Trạng thái: không thể chuyển từ “%(old)s” sang “%(new)s”.")
                % {"old": article.get_status_display(), "new": Article.Status(status).label}
            }
            if status in Article.Status.values
            else {"status": _("Trạng thái: giá trị không hợp lệ.")}
        )
    if status == Article.Status.PUBLISHED and not may_approve(user, article):
        raise ValidationError(
            {
                "status": _(
                    "Duyệt bài: bạn là người viết hoặc gửi duyệt bài này; theo quy định hai người, một biên tập "
                    "viên khác phải duyệt."
                )
            }
        )
    if article.status == Article.Status.REVIEW and status == Article.Status.DRAFT and not comment:
        raise ValidationError({"comment": _("Trả bài: hãy ghi lý do trả về để người viết sửa.")})
    before = snapshot(article)
    old_status = article.status
    article.status = status
    now = timezone.now()
    corrected = False
    if status == Article.Status.REVIEW:
        article.submitted_by = user if getattr(user, "is_authenticated", False) else None
    if status == Article.Status.PUBLISHED:
        article.approved_by = user if getattr(user, "is_authenticated", False) else None
        when = publish_at or article.publish_at or now
        if publish_at is None and when < now:
            when, corrected = now, article.publish_at is not None
        article.publish_at = when
    article.save(update_fields=["status", "publish_at", "submitted_by", "approved_by", "updated_at"])
    Document.objects.filter(article=article).update(published=status == Article.Status.PUBLISHED)
    if corrected:
        comment = (comment + " " + _("Thời điểm hẹn đã qua nên bài được xuất bản ngay lúc duyệt.")).strip()
    ArticleComment.objects.create(
        article=article,
        user=user if getattr(user, "is_authenticated", False) else None,
        from_status=old_status,
        to_status=status,
        text=comment,
    )
    article.publish_corrected = corrected
    cache.invalidate()
    _log_article(user, "update", article, before=before, detail=f"status {before['status']} → {status}")
    return article


@transaction.atomic
def add_image(
    *,
    user,
    article: Article | None,
    data: bytes,
    name: str = "",
    caption: str = "",
    credit: str = "",
    alt: str = "",
    cover: bool | None = None,
) -> ArticleImage:
    """Checks an uploaded picture, stores it resized with a thumbnail; the first one becomes the cover
    (unless `cover` says otherwise). A text alternative is required (the caption serves when none is
    given)."""
    if article is not None:
        check_may_edit(user, article)
    else:
        check_may_edit(user)
    alt = " ".join((alt or caption or "").split())[:300]
    if not alt:
        raise ValidationError(
            _("Ảnh: hãy nhập mô tả ảnh cho người khiếm thị (alt) — ví dụ: “Đoàn viên nhận quà Tết”."),
            code="image",
        )
    picture, thumb = prepare(data, name=name)
    image = ArticleImage(
        article=article,
        alt=alt,
        caption=" ".join(caption.split())[:300],
        credit=" ".join(credit.split())[:200],
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    image.image.save(picture.name, picture, save=False)
    image.thumbnail.save(thumb.name, thumb, save=False)
    image.save()
    if article is not None and (cover or (cover is None and article.cover_id is None)):
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
        f'<figure><img src="{image.image.url}" alt="{escape(image.alt or image.caption)}" '
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


def free_slug(slug: str) -> str:
    """`slug`, or `slug-2`, `slug-3`… when an article already has it."""
    candidate, n = slug, 2
    while Article.objects.filter(slug=candidate).exists():
        candidate = f"{slug[: 96 - len(str(n))].rstrip('-')}-{n}"
        n += 1
    return candidate


@transaction.atomic
def draft_article_from_report(
    *,
    user,
    report: dict,
    title: str = "",
    slug: str = "",
    pdf: bytes | None = None,
    document_number: str = "",
    document_date: date | None = None,
) -> Article:
    """A draft article written from a review report: one section per content area with its paragraph,
    the report's charts as pictures placed by their section, a lead chart made for the front page
    (cover only, not in the body) and the report's PDF attached (published with the article in "Văn
    bản"). The editor then reviews and publishes it. The words and pictures are
    portal/report_article.py's; this saves them."""
    category = ensure_category(name=report_article.CATEGORY[0], slug=report_article.CATEGORY[1], position=0)
    period = report.get("period", {})
    title = title or report_article.title_for(report)
    article = create_article(
        user=user,
        title=title,
        slug=slug or free_slug(report_article.slug_for(title, period["from"], period["to"])),
        summary=report_article.summary_for(report),
        category=category,
        author_name="Ban biên tập",
        photo_credit="Biểu đồ: Ban biên tập, lập từ số liệu báo cáo",
        source=report_article.source_for(report),
    )
    lead = report_article.lead_chart(report)
    if lead:
        add_image(
            user=user,
            article=article,
            data=lead,
            name="lead.png",
            caption="Từ đoàn viên đến đảng viên",
            alt=report_article.lead_chart_alt(report),
            cover=True,
        )
    figures = {}
    for name, png, caption in report_article.chart_pictures(report):
        image = add_image(
            user=user,
            article=article,
            data=png,
            name=f"{name}.png",
            caption=caption,
            cover=False if lead else None,
        )
        figures[name] = figure_html(image)
    if pdf:
        add_document(
            user=user,
            title=report_article.document_title(report),
            number=document_number,
            issued_on=document_date or timezone.localdate(),
            data=pdf,
            article=article,
            source=article.source,
        )
    return update_article(user=user, article=article, body=report_article.body_html(report, figures))


@transaction.atomic
def update_site_info(*, user, **fields) -> SiteInfo:
    """Saves the portal's legally required details shown in its footer."""
    check_may_edit(user)
    info = SiteInfo.objects.order_by("id").first() or SiteInfo()
    before = snapshot(info) if info.pk else None
    for name, value in fields.items():
        setattr(info, name, " ".join(str(value or "").split()))
    info.save()
    cache.invalidate()
    log_instance(
        actor=user, action="update" if before else "create", instance=info, object_code="site", before=before
    )
    return info


MAX_PDF_BYTES = 20 * 1024 * 1024


@transaction.atomic
def add_document(
    *,
    user,
    title: str,
    issued_on: date,
    data: bytes,
    number: str = "",
    article: Article | None = None,
    published: bool = False,
    source: str = "",
) -> Document:
    """A PDF for the "Văn bản" section: published now, or with the article it is attached to."""
    from django.core.files.base import ContentFile

    check_may_edit(user, article)
    title = " ".join((title or "").split())[:400]
    if not title:
        raise ValidationError({"title": _("Văn bản: trích yếu không được để trống.")})
    if len(data) > MAX_PDF_BYTES:
        raise ValidationError(
            {
                "file": _("Văn bản: tệp nặng %(size).1f MB, vượt quá giới hạn 20 MB.")
                % {"size": len(data) / 1048576}
            }
        )
    if not data.startswith(b"%PDF-"):
        raise ValidationError({"file": _("Văn bản: tệp không phải PDF.")})
    document = Document(
        number=" ".join((number or "").split())[:100],
        title=title,
        issued_on=issued_on,
        article=article,
        published=published or (article is not None and article.is_public()),
        size=len(data),
        source=source[:200],
    )
    document.file.save(
        f"{timezone.localdate():%Y}/{slugify_vi(title, 60)}.pdf", ContentFile(data), save=False
    )
    document.save()
    cache.invalidate()
    log_change(
        actor=user,
        action="create",
        model="portal.Document",
        object_code=document.file.name,
        before=None,
        after={k: str(v) for k, v in snapshot(document).items()},
    )
    return document


@transaction.atomic
def set_document_published(*, user, document: Document, published: bool) -> Document:
    check_may_edit(user, document.article)
    before = snapshot(document)
    document.published = published
    document.save(update_fields=["published"])
    cache.invalidate()
    log_change(
        actor=user,
        action="update",
        model="portal.Document",
        object_code=document.file.name,
        before={k: str(v) for k, v in before.items()},
        after={k: str(v) for k, v in snapshot(document).items()},
    )
    return document
