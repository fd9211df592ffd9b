"""The public news portal: categories, articles, their images, and the view and visitor counters.

Counters are written in batches by `portal.counting` (never one write per page view); what a page
shows is the stored figure plus the hits not yet flushed.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    name = models.CharField(_("tên chuyên mục"), max_length=120, unique=True)
    slug = models.SlugField(_("đường dẫn"), max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    description = models.CharField(_("mô tả"), max_length=300, blank=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("chuyên mục")
        verbose_name_plural = _("chuyên mục")

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet):
    def public(self, now=None):
        """Published articles whose publish time has come (scheduled ones appear by themselves)."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=now or timezone.now())


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        REVIEW = "review", _("Chờ duyệt")
        PUBLISHED = "published", _("Đã xuất bản")

    title = models.CharField(_("tiêu đề"), max_length=300)
    slug = models.SlugField(_("đường dẫn"), max_length=100, unique=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("chuyên mục"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    summary = models.TextField(_("tóm tắt"), max_length=1000, blank=True)
    body = models.TextField(_("nội dung"), blank=True, help_text=_("HTML đã được làm sạch."))
    search_text = models.TextField(editable=False, blank=True)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(_("thời điểm xuất bản"), null=True, blank=True, db_index=True)
    featured = models.BooleanField(_("tin nổi bật"), default=False)
    author_name = models.CharField(_("tác giả"), max_length=200, blank=True)
    photo_credit = models.CharField(_("nguồn ảnh"), max_length=200, blank=True)
    cover = models.ForeignKey(
        "ArticleImage",
        verbose_name=_("ảnh đại diện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("nguồn dữ liệu"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    view_count = models.PositiveBigIntegerField(_("lượt xem"), default=0)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("bài viết")
        verbose_name_plural = _("bài viết")
        indexes = [models.Index(fields=["status", "publish_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("portal:article", kwargs={"slug": self.slug})

    def is_public(self, now=None) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= (now or timezone.now())
        )


class ArticleImage(models.Model):
    """An uploaded picture, checked and resized; `thumbnail` is the small copy for lists."""

    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(_("ảnh"), upload_to="portal/", width_field="width", height_field="height")
    thumbnail = models.ImageField(upload_to="portal/thumbs/", blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("chú thích"), max_length=300, blank=True)
    alt = models.CharField(_("mô tả ảnh cho người khiếm thị"), max_length=300, blank=True)
    credit = models.CharField(_("nguồn ảnh"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("ảnh")
        verbose_name_plural = _("ảnh")

    def __str__(self) -> str:
        return self.caption or self.image.name


class ArticleRevision(models.Model):
    """The article's text as saved, one row per save that changed it: the source of the diff page."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    photo_credit = models.CharField(max_length=200, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="portal_revision_unique")]

    def __str__(self) -> str:
        return f"{self.article_id} #{self.number}"


class ArticleComment(models.Model):
    """A step of the workflow with what the person said: sent for review, returned (with the reason),
    approved."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    text = models.TextField(_("nhận xét"), blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.article_id} {self.from_status}→{self.to_status}"

    @property
    def step(self) -> str:
        """ "Chờ duyệt → Đã xuất bản", in the reader's language."""
        labels = dict(Article.Status.choices)
        return (
            f"{labels.get(self.from_status, self.from_status)} → {labels.get(self.to_status, self.to_status)}"
        )


class Document(models.Model):
    """A published document (PDF) listed in the portal's "Văn bản" section, with its number and date;
    one attached to an article is published with it."""

    number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    title = models.CharField(_("trích yếu"), max_length=400)
    issued_on = models.DateField(_("ngày ban hành"))
    file = models.FileField(_("tệp PDF"), upload_to="portal/van-ban/")
    size = models.PositiveIntegerField(default=0)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    published = models.BooleanField(_("đã công bố"), default=False)
    source = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class SiteInfo(models.Model):
    """The portal's legally required details (Nghị định 72/2013, Điều 20 for news sites), set by staff:
    one row."""

    governing_body = models.CharField(_("cơ quan chủ quản"), max_length=300, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=100, blank=True)
    email = models.EmailField(_("thư điện tử"), max_length=200, blank=True)
    licence = models.CharField(_("giấy phép"), max_length=300, blank=True)
    responsible_person = models.CharField(_("người chịu trách nhiệm nội dung"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thông tin cổng")
        verbose_name_plural = _("thông tin cổng")

    def __str__(self) -> str:
        return self.governing_body


class DailyViews(models.Model):
    """Views of one article on one (local) day: an aggregate, nothing about who read it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField(db_index=True)
    views = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "day"], name="portal_dailyviews_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.article_id} {self.views}"


class DailyVisitors(models.Model):
    """How many browsers came on a day, kept when the per-browser visit days are pruned."""

    day = models.DateField(unique=True)
    visitors = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day} {self.visitors}"


class Visitor(models.Model):
    """A browser, known by its signed cookie (not its address); `key` is the keyed hash of the cookie's id
    (portal.browsers), never the id itself."""

    key = models.CharField(max_length=40, unique=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("khách truy cập")
        verbose_name_plural = _("khách truy cập")

    def __str__(self) -> str:
        return self.key


class VisitorDay(models.Model):
    """That a browser came on a (local, Asia/Ho_Chi_Minh) day: the source of "today" and "this week"."""

    key = models.CharField(max_length=40)
    day = models.DateField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "key"], name="portal_visitorday_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.key}"


class FlushBatch(models.Model):
    """A Redis counter batch already written, so a batch interrupted after its commit is never counted twice."""

    token = models.CharField(max_length=64, unique=True)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.token


class ViewMark(models.Model):
    """That a view of an article by this key (a browser, or an address with its user agent, as a keyed
    hash) was counted at `counted_at`: another view by the same key within the counting window is not
    counted. Rows past the window are deleted by the counter batches and `phoihop prune_visitors`."""

    key = models.CharField(max_length=40)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    counted_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "article"], name="portal_viewmark_unique")]

    def __str__(self) -> str:
        return f"{self.key} {self.article_id} {self.counted_at:%Y-%m-%d %H:%M}"


class PrunedVisitors(models.Model):
    """How many browsers the retention command removed (one row), so the all-time total still holds them."""

    count = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.count)
