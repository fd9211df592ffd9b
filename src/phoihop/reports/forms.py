from django import forms
from django.utils.translation import gettext_lazy as _

from phoihop.core.forms import DayField
from phoihop.records.programs import default_program  # the program running today comes first

from .selectors import programs_for, units_for


class ReportForm(forms.Form):
    program = forms.ChoiceField(label=_("Chương trình"))
    # dd/mm/yyyy whatever the browser's locale (ISO, as the page's own links carry it, is read too)
    date_from = DayField(label=_("Từ ngày"), required=False)
    date_to = DayField(label=_("Đến ngày"), required=False)
    scope = forms.ChoiceField(label=_("Phạm vi"), required=False)
    approved_only = forms.BooleanField(label=_("Chỉ số liệu đã duyệt"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [(p.code, f"{p.name} ({p.code})") for p in programs_for(user=user)]
        if (current := default_program()) is not None:
            self.fields["program"].initial = current.code
        self.fields["scope"].choices = [("", _("Theo chương trình (hoặc đơn vị của tôi)"))] + [
            (u.code, f"{u.name} ({u.code})") for u in units_for(user=user)
        ]
        self.fields["date_from"].error_messages["invalid"] = _("Từ ngày: cần một ngày hợp lệ.")
        self.fields["date_to"].error_messages["invalid"] = _("Đến ngày: cần một ngày hợp lệ.")
        self.fields["program"].error_messages["invalid_choice"] = _(
            "Chương trình: không có chương trình này."
        )
        self.fields["scope"].error_messages["invalid_choice"] = _(
            "Phạm vi: đơn vị này không thuộc phạm vi của bạn."
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("Đến ngày: ngày kết thúc phải sau ngày bắt đầu."))
        return data
