"""The report register: drafts of the parts written by people, issued (frozen) reports and their files,
and the federation's own .docx templates."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from phoihop.orgs.models import Unit
from phoihop.records.models import Program


class ReportDraft(models.Model):
    """Parts III–V (and a note for part I) of one report — program, period and scope — as people write
    them; the last editor is kept."""

    program = models.ForeignKey(Program, verbose_name=_("chương trình"), on_delete=models.CASCADE)
    date_from = models.DateField(_("từ ngày"))
    date_to = models.DateField(_("đến ngày"))
    scope = models.ForeignKey(
        Unit, verbose_name=_("phạm vi"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    situation = models.TextField(_("tình hình, tổ chức thực hiện (bổ sung)"), blank=True)
    strengths = models.TextField(_("ưu điểm"), blank=True)
    shortcomings = models.TextField(_("hạn chế, khuyết điểm và nguyên nhân"), blank=True)
    lessons = models.TextField(_("bài học kinh nghiệm"), blank=True)
    directions = models.TextField(_("phương hướng, nhiệm vụ"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    PARTS = ("situation", "strengths", "shortcomings", "lessons", "directions", "proposals")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "date_from", "date_to", "scope"], name="report_draft_unique"
            ),
            models.UniqueConstraint(
                fields=["program", "date_from", "date_to"],
                condition=models.Q(scope__isnull=True),
                name="report_draft_unique_whole_program",
            ),
        ]
        verbose_name = _("bản thảo báo cáo")

    def __str__(self) -> str:
        return f"{self.program.code} {self.date_from}–{self.date_to}"

    def parts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.PARTS}


class ReportTemplate(models.Model):
    """A .docx template uploaded by a federation; the active one of the issuing body is used by every
    report it issues."""

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("tên mẫu"), max_length=200)
    file = models.FileField(_("tệp mẫu (.docx)"), upload_to="reports/mau/")
    sha256 = models.CharField(max_length=64)
    placeholders = models.JSONField(default=list)
    active = models.BooleanField(_("đang dùng"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("mẫu báo cáo")

    def __str__(self) -> str:
        return self.name


class IssuedReport(models.Model):
    """A report issued with a number and a date, frozen as issued: the document data (figures JSON,
    previous period, parts, heading and signers) and its files with their SHA-256."""

    class Kind(models.TextChoices):
        MID_TERM = "so_ket", _("Sơ kết")
        FINAL = "tong_ket", _("Tổng kết")

    program = models.ForeignKey(Program, verbose_name=_("chương trình"), on_delete=models.PROTECT)
    date_from = models.DateField(_("từ ngày"))
    date_to = models.DateField(_("đến ngày"))
    scope = models.ForeignKey(
        Unit, verbose_name=_("phạm vi"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issuer_key = models.CharField(max_length=200)  # the issuing body (or bodies): numbers count per key
    year = models.PositiveSmallIntegerField(_("năm"))
    sequence = models.PositiveIntegerField(_("số thứ tự"))
    number = models.CharField(_("số, ký hiệu"), max_length=100)
    issued_on = models.DateField(_("ngày ban hành"))
    place = models.CharField(_("địa danh"), max_length=100)
    kind = models.CharField(_("loại báo cáo"), max_length=10, choices=Kind.choices)
    signers = models.JSONField(default=list)
    recipients = models.JSONField(default=list)
    data = models.JSONField(default=dict)
    template = models.ForeignKey(ReportTemplate, null=True, blank=True, on_delete=models.PROTECT)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_key", "year", "sequence"], name="issued_report_number_unique"
            )
        ]
        verbose_name = _("báo cáo đã ban hành")

    def __str__(self) -> str:
        return self.number


class IssuedFile(models.Model):
    issued = models.ForeignKey(IssuedReport, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=10)
    file = models.FileField(upload_to="reports/issued/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["issued", "format"], name="issued_file_unique")]

    def __str__(self) -> str:
        return f"{self.issued.number} {self.format}"
