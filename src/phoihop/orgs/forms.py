"""Forms of the unit pages. They parse input only; the rules of units live in orgs.rules (called by
orgs.services, which also holds the questions about the dated tree).

Choices of units and enterprises come from the user's scope, so a code outside it is refused with the
same message as a code that does not exist.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from phoihop.core.forms import DayField

from .models import Unit
from .rules import ALLOWED_PARENTS, MERGE_LEVEL


def _date_field(label, *, required=True, help_text=""):
    return DayField(  # typed dd/mm/yyyy (core.forms)
        label=label,
        required=required,
        help_text=help_text,
        error_messages={
            "required": _("%(label)s: không được để trống.") % {"label": label},
            "invalid": _("%(label)s: nhập ngày dạng ngày/tháng/năm.") % {"label": label},
        },
    )


class UnitChoiceField(forms.ModelChoiceField):
    def __init__(self, *, label, queryset, **kwargs):
        super().__init__(
            queryset=queryset,
            to_field_name="code",
            label=label,
            empty_label=_("— chọn đơn vị —"),
            error_messages={
                "required": _("%(label)s: hãy chọn một đơn vị.") % {"label": label},
                "invalid_choice": _("%(label)s: không có đơn vị này trong phạm vi của bạn.")
                % {"label": label},
            },
            **kwargs,
        )

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class EnterpriseChoiceField(forms.ModelChoiceField):
    def __init__(self, *, queryset):
        label = _("Doanh nghiệp")
        super().__init__(
            queryset=queryset,
            to_field_name="code",
            required=False,
            label=label,
            empty_label=_("— không thuộc doanh nghiệp —"),
            error_messages={
                "invalid_choice": _("%(label)s: không có doanh nghiệp này trong phạm vi của bạn.")
                % {"label": label}
            },
        )

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


def _text(label, *, max_length, required=True):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={
            "required": _("%(label)s: không được để trống.") % {"label": label},
            "max_length": _("%(label)s: tối đa %(n)s ký tự.") % {"label": label, "n": max_length},
        },
    )


class UnitCreateForm(forms.Form):
    code = _text(_("Mã đơn vị"), max_length=64)
    name = _text(_("Tên đơn vị"), max_length=300)
    kind = forms.ChoiceField(label=_("Loại đơn vị"))
    founded_on = _date_field(_("Ngày thành lập"))
    enterprise = EnterpriseChoiceField(queryset=None)
    area = _text(_("Địa bàn"), max_length=120, required=False)

    def __init__(self, *args, parent: Unit, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind, label) for kind, label in Unit.Kind.choices if parent.kind in ALLOWED_PARENTS.get(kind, ())
        ]
        self.fields["kind"].error_messages["invalid_choice"] = _(
            "Loại đơn vị: loại này không thể đứng dưới %(parent)s."
        ) % {"parent": parent.get_kind_display()}
        self.fields["enterprise"].queryset = enterprises


class UnitEditForm(forms.Form):
    name = _text(_("Tên đơn vị"), max_length=300)
    founded_on = _date_field(_("Ngày thành lập"), required=False)
    enterprise = EnterpriseChoiceField(queryset=None)
    area = _text(_("Địa bàn"), max_length=120, required=False)

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises


class DissolveForm(forms.Form):
    on = _date_field(_("Ngày giải thể"), help_text=_("Ngày cuối cùng đơn vị còn hoạt động."))


class MergeForm(forms.Form):
    target = UnitChoiceField(label=_("Đơn vị tiếp nhận"), queryset=Unit.objects.none())
    on = _date_field(
        _("Ngày sáp nhập"),
        help_text=_("Ngày cuối cùng đơn vị còn hoạt động; từ ngày hôm sau đơn vị tiếp nhận quản lý."),
    )
    move_children = forms.BooleanField(
        label=_("Chuyển các đơn vị trực thuộc sang đơn vị tiếp nhận"), required=False, initial=True
    )

    def __init__(self, *args, unit: Unit, units, **kwargs):
        super().__init__(*args, **kwargs)
        level = MERGE_LEVEL.get(unit.kind)
        kinds = [kind for kind, lvl in MERGE_LEVEL.items() if lvl == level]
        self.fields["target"].queryset = units.filter(kind__in=kinds, dissolved_on__isnull=True).exclude(
            pk=unit.pk
        )


class TransferForm(forms.Form):
    new_parent = UnitChoiceField(label=_("Đơn vị cấp trên mới"), queryset=Unit.objects.none())
    on = _date_field(_("Ngày hiệu lực"), help_text=_("Từ ngày này đơn vị thuộc cấp trên mới."))
    decision_no = _text(_("Số quyết định"), max_length=100, required=False)

    def __init__(self, *args, unit: Unit, units, **kwargs):
        super().__init__(*args, **kwargs)
        # Every unit of the same tree that can hold units is offered; orgs.services says which kinds fit
        # and refuses a move that would make the unit its own ancestor.
        holders = set().union(*ALLOWED_PARENTS.values())
        tree = Unit.UNION_KINDS if unit.kind in Unit.UNION_KINDS else Unit.PARTY_KINDS
        self.fields["new_parent"].queryset = units.filter(
            kind__in=holders & tree, dissolved_on__isnull=True
        ).exclude(pk=unit.pk)
