"""Forms of the period-report pages and of the program's settings in the staff site."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from phoihop.core.forms import DayField
from phoihop.indicators.registry import REGISTRY
from phoihop.records.models import Program, ReportFrequency

from . import checks
from .models import ReportedIndicator, ValidationRule

SLUG_RE = re.compile(r"^reported\.[a-z0-9_]+$")


class ProgramCreateForm(forms.Form):
    source = forms.ModelChoiceField(
        label=_("Tạo từ chương trình"),
        queryset=Program.objects.none(),
        required=False,
        empty_label=_("(không — chương trình mới hoàn toàn)"),
    )
    code = forms.RegexField(label=_("Mã chương trình"), regex=r"^[A-Za-z0-9._-]{1,64}$", max_length=64)
    name = forms.CharField(label=_("Tên chương trình"), max_length=300)
    starts_on = DayField(label=_("Từ ngày"))  # typed dd/mm/yyyy (core.forms)
    ends_on = DayField(label=_("Đến ngày"))
    frequency = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=ReportFrequency.choices)
    due_days = forms.IntegerField(label=_("Hạn nộp sau ngày"), min_value=0, max_value=365, initial=15)

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Program.objects.unscoped().filter(pk__in=[p.pk for p in programs])
        self.fields["code"].error_messages["invalid"] = _(
            "Mã chương trình: chỉ chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới."
        )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("Đến ngày: ngày kết thúc phải sau ngày bắt đầu."))
        return data


class ProgramSettingsForm(forms.ModelForm):
    indicator_codes = forms.MultipleChoiceField(
        label=_("Chỉ tiêu theo dõi (để trống: mọi chỉ tiêu của danh mục)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Program
        fields = ["name", "frequency", "due_days", "report_levels", "indicator_codes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator_codes"].choices = [
            (c, f"{s.display_label} ({c})") for c, s in REGISTRY.items()
        ]
        self.fields["report_levels"].widget.attrs.update(min=1, max=3)

    def clean_report_levels(self):
        value = self.cleaned_data["report_levels"]
        if not 1 <= value <= 3:
            raise ValidationError(_("Số cấp báo cáo: từ 1 đến 3."))
        return value


class ReportedIndicatorForm(forms.ModelForm):
    class Meta:
        model = ReportedIndicator
        fields = ["code", "label", "unit_label", "aggregation"]

    def has_changed(self):
        """An empty extra row (only its preselected choices) is no new reported indicator."""
        return any(name in self.changed_data for name in ("code", "label")) or bool(self.instance.pk)

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.startswith("reported."):
            code = "reported." + code
        if not SLUG_RE.match(code):
            raise ValidationError(_("Mã: dạng reported.<tên>, chỉ chữ thường không dấu, số và gạch dưới."))
        return code


class ValidationRuleForm(forms.ModelForm):
    class Meta:
        model = ValidationRule
        fields = ["left", "operator", "right", "level", "message"]

    def __init__(self, *args, known_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.known_codes = set(known_codes)

    def has_changed(self):
        """An empty extra row (only its preselected operator and level) is no new rule."""
        return any(name in self.changed_data for name in ("left", "right", "message")) or bool(
            self.instance.pk
        )

    def _side(self, name):
        text = self.cleaned_data.get(name, "")
        try:
            codes = checks.codes_in(text)
        except checks.ExpressionError as bad:
            raise ValidationError(str(bad)) from None
        unknown = [c for c in codes if c not in self.known_codes]
        if unknown:
            raise ValidationError(_("Không có chỉ tiêu: %(codes)s") % {"codes": ", ".join(unknown)})
        return text

    def clean_left(self):
        return self._side("left")

    def clean_right(self):
        return self._side("right")


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
