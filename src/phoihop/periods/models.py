"""Period reports (periods.md): what a unit sends to the level above for one period of a program.

Periods themselves are derived from the program (frequency, dates), not stored; a `PeriodReport` row
exists once somebody acted on a unit's report (a unit with no row is in `draft`). Each submission is a
`ReportVersion` with the figures frozen at that moment.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from phoihop.accounts.scope import ScopedManager
from phoihop.orgs.models import Unit
from phoihop.records.models import Program


class ReportedIndicator(models.Model):
    """A number units enter because no record yields it ("Số đoàn viên được tuyên truyền pháp luật")."""

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Cộng các kỳ")
        MAX = "max", _("Lớn nhất các kỳ")
        LAST = "last", _("Kỳ cuối")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="reported_indicators")
    code = models.CharField(_("mã"), max_length=80, help_text="reported.<slug>")
    label = models.CharField(_("tên chỉ tiêu"), max_length=300)
    unit_label = models.CharField(_("đơn vị tính"), max_length=40, default="người")
    aggregation = models.CharField(
        _("cộng dồn các kỳ"), max_length=4, choices=Aggregation.choices, default=Aggregation.SUM
    )

    class Meta:
        ordering = ["program", "code"]
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="reported_indicator_unique")]
        verbose_name = _("chỉ tiêu báo cáo")
        verbose_name_plural = _("chỉ tiêu báo cáo")

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class ValidationRule(models.Model):
    """`left operator right`, each side a sum of indicator codes and numbers, run at submission."""

    class Operator(models.TextChoices):
        LE = "<=", "≤"
        LT = "<", "<"
        GE = ">=", "≥"
        GT = ">", ">"
        EQ = "==", "="
        NE = "!=", "≠"

    class Level(models.TextChoices):
        ERROR = "error", _("Lỗi (chặn nộp)")
        WARNING = "warning", _("Cảnh báo")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="validation_rules")
    left = models.CharField(_("vế trái"), max_length=300)
    operator = models.CharField(_("phép so sánh"), max_length=2, choices=Operator.choices)
    right = models.CharField(_("vế phải"), max_length=300)
    level = models.CharField(_("mức"), max_length=7, choices=Level.choices, default=Level.ERROR)
    message = models.CharField(_("thông báo"), max_length=300)

    class Meta:
        ordering = ["program", "pk"]
        verbose_name = _("quy tắc kiểm tra")
        verbose_name_plural = _("quy tắc kiểm tra")

    def __str__(self) -> str:
        return f"{self.left} {self.operator} {self.right}"


class Status(models.TextChoices):
    DRAFT = "draft", _("Chưa nộp")
    SUBMITTED = "submitted", _("Đã nộp, chờ duyệt")
    RETURNED = "returned", _("Trả lại")
    APPROVED = "approved", _("Đã duyệt")


LOCKING = (Status.SUBMITTED, Status.APPROVED)


class PeriodReport(models.Model):
    """One unit's report for one period of one program (the row appears at the first act on it)."""

    scope_paths = ("unit",)

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="period_reports")
    period = models.CharField(_("kỳ"), max_length=8)  # 2024, 2024H1, 2024Q1
    date_from = models.DateField(_("từ ngày"))
    date_to = models.DateField(_("đến ngày"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="period_reports")
    status = models.CharField(_("trạng thái"), max_length=9, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("phiên bản"), default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(_("ý kiến"), blank=True)
    # When the status last changed: reminders are sent once per state change.
    state_changed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["program", "period", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["program", "period", "unit"], name="period_report_unique")
        ]
        indexes = [models.Index(fields=["status", "date_from", "date_to"])]
        verbose_name = _("báo cáo định kỳ")
        verbose_name_plural = _("báo cáo định kỳ")

    def __str__(self) -> str:
        return f"{self.program.code} {self.period} {self.unit.code}"


class ReportVersion(models.Model):
    """One submission: the figures as they were at that moment, never changed afterwards."""

    report = models.ForeignKey(PeriodReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    indicators = models.JSONField(default=dict)  # catalogue code → value, as `report --scope` gives it
    reported = models.JSONField(default=dict)  # reported.<slug> → value
    checks = models.JSONField(default=list)  # [{"rule", "level", "message"}]
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_version_unique")]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


class ReportAction(models.Model):
    """The history of a report as its readers see it (the audit log keeps the same acts)."""

    class Kind(models.TextChoices):
        SUBMIT = "submit", _("Nộp")
        APPROVE = "approve", _("Duyệt")
        RETURN = "return", _("Trả lại")
        UNLOCK = "unlock", _("Mở khóa")

    report = models.ForeignKey(PeriodReport, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=7, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    at = models.DateTimeField()
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["report", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.report} {self.kind}"


class ReportedValue(models.Model):
    """A reported indicator's value a unit entered before submitting (form or sheet `so_lieu_bao_cao`)."""

    scope_paths = ("unit",)

    # The program by its code, as the sheet names it (the sheet's columns are plain values, no reference).
    program_code = models.CharField(_("mã chương trình"), max_length=64)
    period = models.CharField(_("kỳ"), max_length=8)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="reported_values")
    indicator_code = models.CharField(_("mã chỉ tiêu"), max_length=80)
    value = models.DecimalField(_("giá trị"), max_digits=20, decimal_places=2)

    objects = ScopedManager()

    class Meta:
        ordering = ["program_code", "period", "unit", "indicator_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["program_code", "period", "unit", "indicator_code"], name="reported_value_unique"
            )
        ]
        verbose_name = _("số liệu báo cáo")
        verbose_name_plural = _("số liệu báo cáo")

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.period} {self.unit_id}"


class Notification(models.Model):
    """A line in the staff site's notifications; `key` makes each reminder appear once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=200)
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once")]

    def __str__(self) -> str:
        return self.text
