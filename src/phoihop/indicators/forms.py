"""The choices above the targets grid and the dashboard: program, year, parent unit, indicator group."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from phoihop.records.models import Program
from phoihop.records.programs import default_program  # the program running today (periods.md)

from .selectors import MAIN_GROUP, default_year, group_choices, program_years


class ProgramChoiceForm(forms.Form):
    """Picks a program (default: the one running today, else the one that ended last) and a year inside
    it (default: this year, kept inside)."""

    chuong_trinh = forms.ChoiceField(label=_("Chương trình phối hợp"), required=False)
    nam = forms.TypedChoiceField(label=_("Năm"), coerce=int, required=False)

    def __init__(self, data, *, programs: list[Program], **kwargs):
        super().__init__(data, **kwargs)
        self.programs = {p.code: p for p in programs}
        self.fields["chuong_trinh"].choices = [(p.code, p.name) for p in programs]
        program = self.programs.get((data or {}).get("chuong_trinh")) or (
            default_program(among=programs) if programs else None
        )
        self.program_guess = program
        self.fields["nam"].choices = [(y, y) for y in program_years(program)] if program else []

    def clean(self):
        data = super().clean()
        data["program"] = self.programs.get(data.get("chuong_trinh") or "") or self.program_guess
        if data["program"] is None:
            raise forms.ValidationError(_("Chưa có chương trình phối hợp nào."))
        if not data.get("nam"):
            data["nam"] = default_year(data["program"])
        return data


class GridChoiceForm(ProgramChoiceForm):
    """Adds the parent unit whose children are the grid's rows, and the group of indicator columns."""

    don_vi = forms.ChoiceField(label=_("Đơn vị cấp trên"), required=False)
    nhom = forms.ChoiceField(label=_("Nhóm chỉ tiêu"), required=False)

    def __init__(self, data, *, programs, parents, default_parent, **kwargs):
        super().__init__(data, programs=programs, **kwargs)
        self.parents = {u.code: u for u in parents}
        self.default_parent = default_parent
        self.fields["don_vi"].choices = [(u.code, u.name) for u in parents]
        chosen = self.parents.get((data or {}).get("don_vi")) or default_parent
        self.fields["nhom"].choices = group_choices(chosen)

    def clean(self):
        data = super().clean()
        data["parent"] = self.parents.get(data.get("don_vi") or "") or self.default_parent
        data["nhom"] = data.get("nhom") or MAIN_GROUP
        return data


class BadChoice(Exception):
    def __init__(self, form):
        super().__init__("bad choice")
        self.form = form


def chosen(form_class, request, data, **kwargs):
    """The form over `data`; when a choice is not valid, say so and fall back to the defaults
    (a save never falls back: it must land on the program, year and unit the user saw)."""
    form = form_class(data, **kwargs)
    if form.is_valid():
        return form
    if request.method == "POST":
        raise BadChoice(form)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    form = form_class({}, **kwargs)
    if not form.is_valid():
        raise PermissionDenied(" ".join(e for errs in form.errors.values() for e in errs))
    return form
