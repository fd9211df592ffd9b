from django import forms
from django.utils.translation import gettext_lazy as _

from phoihop.accounts.scope import scope_for
from phoihop.core.forms import DayField
from phoihop.records import unit_picker
from phoihop.records.programs import default_program  # the program running today comes first

from .selectors import programs_for


class ReportForm(forms.Form):
    program = forms.ChoiceField(label=_("Chương trình"))
    # dd/mm/yyyy whatever the browser's locale (ISO, as the page's own links carry it, is read too)
    date_from = DayField(label=_("Từ ngày"), required=False)
    date_to = DayField(label=_("Đến ngày"), required=False)
    # The scope: the records' unit picker (a national user's 150,000 units are not all listed: the levels
    # above the grassroots, and any unit through the search box — typed, or sent as tim_don_vi).
    tim_don_vi = forms.CharField(
        label=_("Tìm đơn vị"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "id": "tim_don_vi",
                "placeholder": _("gõ tên hoặc mã"),
                "aria-controls": "id_scope",
            }
        ),
    )
    scope = forms.CharField(
        label=_("Phạm vi"),
        required=False,
        widget=unit_picker.PickerSelect(attrs={"data-unit-picker": _("đơn vị khớp")}),
    )
    approved_only = forms.BooleanField(label=_("Chỉ số liệu đã duyệt"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [(p.code, f"{p.name} ({p.code})") for p in programs_for(user=user)]
        if (current := default_program()) is not None:
            self.fields["program"].initial = current.code
        # Offered: the picker's units of the user's scope, and the unit asked for when the scope holds it
        # (a grassroots unit found through the search): what is offered is what may be chosen.
        scope = scope_for(user)
        search = (self.data.get("tim_don_vi") or "") if self.is_bound else ""
        groups = unit_picker.build(scope, search=search)
        self.offered = {o.code for g in groups for o in g.options}
        chosen = (self.data.get("scope") or "").strip() if self.is_bound else ""
        extra = []
        if chosen and chosen not in self.offered:
            unit = scope.units().filter(code=chosen).only("code", "name").first()
            if unit is not None:
                extra = [(unit.code, f"{unit.name} ({unit.code})")]
                self.offered.add(unit.code)
        self.fields["scope"].widget.set_groups(groups, _("Theo chương trình (hoặc đơn vị của tôi)"), extra)
        self.fields["date_from"].error_messages["invalid"] = _("Từ ngày: cần một ngày hợp lệ.")
        self.fields["date_to"].error_messages["invalid"] = _("Đến ngày: cần một ngày hợp lệ.")
        self.fields["program"].error_messages["invalid_choice"] = _(
            "Chương trình: không có chương trình này."
        )

    def clean_scope(self):
        code = self.cleaned_data["scope"].strip()
        if code and code not in self.offered:
            raise forms.ValidationError(_("Phạm vi: đơn vị này không thuộc phạm vi của bạn."))
        return code

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("Đến ngày: ngày kết thúc phải sau ngày bắt đầu."))
        return data
