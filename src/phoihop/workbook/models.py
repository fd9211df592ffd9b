from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One workbook uploaded on the staff site and imported in the background (workbook.tasks)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang xử lý")
        SUCCEEDED = "succeeded", _("Đã nhập xong")
        REJECTED = "rejected", _("Có lỗi, chưa ghi gì")
        CRASHED = "crashed", _("Lỗi hệ thống")

    FINISHED = frozenset({Status.SUCCEEDED, Status.REJECTED, Status.CRASHED})

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        on_delete=models.CASCADE,
        related_name="import_jobs",
    )
    file_name = models.CharField(_("tên tệp"), max_length=255)
    file_size = models.BigIntegerField(_("dung lượng (byte)"), default=0)
    stored_path = models.CharField(max_length=500, editable=False)  # the upload, under MEDIA_ROOT
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    phase = models.CharField(_("bước"), max_length=200, blank=True)
    # {sheet key: {"label": ..., "created": n, "updated": n, "unchanged": n}}
    summary = models.JSONField(_("kết quả"), default=dict, blank=True)
    # [{"sheet", "row", "column", "value", "message"}], at most MAX_LISTED; the error workbook has all
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("số lỗi"), default=0)
    warnings = models.JSONField(_("cảnh báo"), default=list, blank=True)
    warning_count = models.PositiveIntegerField(_("số cảnh báo"), default=0)
    error_file = models.CharField(max_length=500, blank=True, editable=False)
    created_at = models.DateTimeField(_("lúc tải lên"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)

    MAX_LISTED = 500

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lần nhập sổ dữ liệu")
        verbose_name_plural = _("các lần nhập sổ dữ liệu")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED
