from django import forms
from django.utils.translation import gettext_lazy as _

from phoihop.core.forms import DayField

from .models import IssuedReport, ReportDraft

TEXTAREA = forms.Textarea(attrs={"rows": 6, "cols": 90})


class DraftForm(forms.Form):
    """The parts written by people; one paragraph per line."""

    situation = forms.CharField(
        label=_("I. Tình hình, tổ chức thực hiện (bổ sung)"), required=False, widget=TEXTAREA
    )
    strengths = forms.CharField(label=_("III.1. Ưu điểm"), required=False, widget=TEXTAREA)
    shortcomings = forms.CharField(
        label=_("III.2. Hạn chế, khuyết điểm và nguyên nhân"), required=False, widget=TEXTAREA
    )
    lessons = forms.CharField(label=_("III.3. Bài học kinh nghiệm"), required=False, widget=TEXTAREA)
    directions = forms.CharField(label=_("IV. Phương hướng, nhiệm vụ"), required=False, widget=TEXTAREA)
    proposals = forms.CharField(label=_("V. Đề xuất, kiến nghị"), required=False, widget=TEXTAREA)

    def parts(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in ReportDraft.PARTS}


class IssueForm(forms.Form):
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=100)
    issued_on = DayField(label=_("Ngày ban hành"))  # typed dd/mm/yyyy (core.forms)
    place = forms.CharField(label=_("Địa danh"), max_length=100)
    kind = forms.ChoiceField(label=_("Loại báo cáo"), choices=IssuedReport.Kind.choices)
    recipients = forms.CharField(
        label=_("Nơi nhận (mỗi dòng một nơi)"), widget=forms.Textarea(attrs={"rows": 5, "cols": 60})
    )

    def __init__(self, *args, sides: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.sides = sides
        self.fields["issued_on"].error_messages["invalid"] = _("Ngày ban hành: cần một ngày hợp lệ.")
        for n, side in enumerate(sides):
            self.fields[f"authority_{n}"] = forms.CharField(
                label=_("Thẩm quyền ký — %(body)s") % {"body": side["name"]}, max_length=100, required=False
            )
            self.fields[f"title_{n}"] = forms.CharField(
                label=_("Chức vụ người ký"), max_length=100, required=False
            )
            self.fields[f"name_{n}"] = forms.CharField(
                label=_("Họ và tên người ký"), max_length=100, required=False
            )

    def signers(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "authority": data.get(f"authority_{n}", ""),
                "title": data.get(f"title_{n}", ""),
                "name": data.get(f"name_{n}", ""),
            }
            for n in range(len(self.sides))
        ]


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Tên mẫu"), max_length=200, required=False)
    file = forms.FileField(label=_("Tệp mẫu (.docx)"))
