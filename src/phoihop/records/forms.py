"""Data-entry forms for the records. Every form is bound to the user's Scope: references are typed as
codes (as in the workbook) and resolved inside that scope, so a unit, person or enterprise outside it is
"not found"; money is whole, non-negative VND (the workbook's own rule). The record rules — sane dates
and years (`core.dates`), the order of a record's dates, fields one value makes necessary — are those of
`records.rules`, which the workbook import and the API apply too."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from phoihop.accounts.scope import Scope
from phoihop.core import cells as parsers
from phoihop.core import dates
from phoihop.core.codes import check_code
from phoihop.core.forms import DayInput
from phoihop.orgs.models import Enterprise, Unit

from . import models as r
from . import rules

SUGGESTIONS = 500  # longest list of codes offered under a code field


# ---- fields -------------------------------------------------------------------------------------


class CodeField(forms.Field):
    """A reference typed as its code, resolved within the user's scope.

    source: "unit" (units in scope), "any_unit" (every unit; for the other side of a relation, such
    as the party unit a union refers a member to), "person", "enterprise", "training_class".
    """

    WHAT = {
        "unit": _("đơn vị"),
        "any_unit": _("đơn vị"),
        "person": _("người"),
        "enterprise": _("doanh nghiệp"),
        "training_class": _("lớp"),
    }

    def __init__(self, *, source: str, **kwargs):
        self.source = source
        # The unit kinds it accepts and the rule saying so (records.rules.UNIT_KINDS), set by RecordForm
        # from the form's model and the field's name: (model, field name), or None for any kind.
        self.kinds: frozenset[str] = frozenset()
        self.rule: tuple[type, str] | None = None
        self.queryset = None
        self.suggestions: list[tuple[str, str]] = []
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("placeholder", _("mã %(what)s") % {"what": self.WHAT[source]})
        self.widget.attrs.setdefault("autocomplete", "off")

    def bind(self, scope: Scope) -> None:
        qs = {
            "unit": lambda: scope.units(),
            "any_unit": lambda: Unit.objects.all(),
            "person": lambda: scope.filter(r.Person.objects.all()),
            "enterprise": lambda: scope.enterprises(),
            "training_class": lambda: scope.filter(r.TrainingClass.objects.all()),
        }[self.source]()
        # A unit of another kind is found, then refused by its rule (the import's message, not "not found").
        self.queryset = qs
        offered = qs.filter(kind__in=self.kinds) if self.kinds else qs
        # Typing a code is quick for those who know it; a short list helps those who do not.
        self.suggestions = []
        if self.source in ("unit", "enterprise", "training_class"):
            first = list(offered.order_by("code").values_list("code", "name")[: SUGGESTIONS + 1])
            if len(first) <= SUGGESTIONS:
                self.suggestions = first

    def prepare_value(self, value):
        if isinstance(value, models.Model):
            return value.code
        if isinstance(value, int):
            model = self._model()
            manager = model.objects.unscoped() if hasattr(model.objects, "unscoped") else model.objects
            return manager.filter(pk=value).values_list("code", flat=True).first() or ""
        return value

    def _model(self):
        return {"person": r.Person, "enterprise": Enterprise, "training_class": r.TrainingClass}.get(
            self.source, Unit
        )

    def to_python(self, value):
        code = str(value or "").strip()
        if not code:
            return None
        found = self.queryset.filter(code=code).first()
        if found is None:
            raise ValidationError(
                _("Không tìm thấy %(what)s có mã “%(code)s” trong phạm vi của bạn."),
                code="not_found",
                params={"what": self.WHAT[self.source], "code": code},
            )
        broken = rules.unit_kind(*self.rule, code, found.kind) if self.rule else None
        if broken is not None:
            raise ValidationError(broken.message(), code="unit_kind")
        return found

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")


class PersonCodesField(forms.CharField):
    """Several person codes separated by `;` (the initiative's authors), each in scope."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.queryset = None

    def bind(self, scope: Scope) -> None:
        self.queryset = scope.filter(r.Person.objects.all())

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "; ".join(p.code if isinstance(p, models.Model) else str(p) for p in value)
        return value

    def to_python(self, value):
        codes = [c.strip() for c in (super().to_python(value) or "").split(";") if c.strip()]
        found = {p.code: p for p in self.queryset.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError(
                _("Không tìm thấy người có mã %(codes)s trong phạm vi của bạn."),
                params={"codes": ", ".join(f"“{c}”" for c in missing)},
            )
        return [found[c] for c in dict.fromkeys(codes)]


class MoneyField(forms.CharField):
    """Whole, non-negative VND, typed as 17.000.000 or 17000000."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parsers.money(value)
        except parsers.CellError as bad:
            if bad.statement:  # what is wrong with the value ("'1,234' không rõ: …"), said as it is
                raise ValidationError(capfirst(bad.sentence) + ".", code="invalid") from bad
            raise ValidationError(
                _("Cần %(expected)s."), params={"expected": bad.expected_vi}, code="invalid"
            ) from bad


class YearField(forms.IntegerField):
    """A year; its bounds are those of `core.dates`, checked by `records.rules` with the whole record."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.error_messages["invalid"] = _("Cần năm 4 chữ số.")
        self.widget.attrs.setdefault("min", dates.EARLIEST_YEAR)


class DayField(forms.DateField):
    """A date typed as DD/MM/YYYY (or picked). Its bounds (`core.dates`: not before 1929, not after
    today unless it is a planned date) are checked by `records.rules` with the whole record; a form
    outside `RecordForm` checks them itself (`MoveForm`)."""

    widget = DayInput  # dd/mm/yyyy whatever the browser's language (core.forms)

    def __init__(self, *, future: bool = False, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d/%m/%Y"])
        super().__init__(**kwargs)
        self.future = future  # a planned date (records.rules says which): the picker may go ahead
        self.error_messages["invalid"] = _("Cần ngày dạng ngày/tháng/năm, ví dụ 15/03/2021.")


# ---- the base form ------------------------------------------------------------------------------


class RecordForm(forms.ModelForm):
    """A record's form, bound to the user's scope. `owner_fields` name the units of which at least one
    must be in scope (so the record stays visible to the one entering it)."""

    owner_fields: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        """A unit code field accepts the kinds records.rules.UNIT_KINDS gives its model's field."""
        super().__init_subclass__(**kwargs)
        model = getattr(getattr(cls, "Meta", None), "model", None)
        for name, field in vars(cls).get("declared_fields", {}).items():
            rule = rules.UNIT_KINDS.get((model, name))
            if isinstance(field, CodeField) and rule is not None:
                field.kinds, field.rule = rule[0], (model, name)

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        if self.instance.pk and "code" in self.fields:
            # The code is the record's key in the workbook and the audit log; it is not edited.
            self.fields["code"].disabled = True
        elif "code" in self.fields:
            self.fields["code"].validators.append(check_code)  # the one alphabet (core.codes)
        for name, field in self.fields.items():
            if hasattr(field, "bind"):
                field.bind(scope)
            field.error_messages["required"] = _("Chưa nhập “%(label)s”.") % {"label": field.label or name}
            if isinstance(field, forms.TypedChoiceField | forms.ChoiceField):
                field.error_messages["invalid_choice"] = _("“%(value)s” không phải lựa chọn hợp lệ.")

    def _post_clean(self):
        # The model's own unique checks query the default manager, which demands a scope and would
        # only see the user's part; codes are unique across the whole system, so check them unscoped.
        self.instance.validate_unique = _no_check
        self.instance.validate_constraints = _no_check
        super()._post_clean()
        for field, message in unique_problems(self.instance):
            self.add_error(field if field in self.fields else None, message)

    def clean(self):
        data = super().clean()
        self._apply_rules(data)
        fields = [f for f in self.owner_fields if f in self.fields]
        if not fields or any(f in self.errors for f in fields):
            return data
        owners = [data.get(f) for f in fields]
        if any(self.scope.covers_unit(u) for u in owners if u is not None):
            return data
        if self.scope.holds_root and all(u is None for u in owners):
            return data  # province-level rows may name no unit
        if len(fields) == 1:
            message = _("Cần nhập “%(label)s” thuộc phạm vi của bạn.")
        else:
            message = _("Ít nhất một trong “%(label)s” phải thuộc phạm vi của bạn.")
        label = " / ".join(str(self.fields[f].label) for f in fields)
        self.add_error(fields[0], message % {"label": label})
        return data

    def rule_facts(self) -> dict:
        """What the kind's rules read beyond the record's values (records.rules)."""
        return {}

    def _apply_rules(self, data) -> None:
        """The kind's rules (records.rules) over the record as it would be saved: the form's values, the
        stored ones for fields the form lacks. A field that already has an error is not judged again."""
        values = rules.model_values(self.instance)
        values.update({name: data.get(name) for name in self.fields})
        for broken in rules.check(self._meta.model, values, **self.rule_facts()):
            field = broken.field if broken.field in self.fields else None
            if field is not None and self.has_error(field):
                continue
            self.add_error(field, broken.message())


def _no_check(*args, **kwargs) -> None:
    return None


def unique_problems(instance: models.Model) -> list[tuple[str, str]]:
    """(field name, message) for each unique field or constraint another row already holds."""
    model = type(instance)
    manager = model.objects.unscoped() if hasattr(model.objects, "unscoped") else model.objects
    opts = model._meta
    checks = [(f.name,) for f in opts.fields if f.unique and not f.primary_key]
    checks += [tuple(c.fields) for c in opts.constraints if isinstance(c, models.UniqueConstraint)]
    problems = []
    for names in checks:
        fields = [opts.get_field(n) for n in names]
        lookup = {f.attname: getattr(instance, f.attname) for f in fields}
        if any(v in (None, "") for v in lookup.values()):
            continue
        if manager.filter(**lookup).exclude(pk=instance.pk).exists():
            labels = ", ".join(str(f.verbose_name) for f in fields)
            message = _("Đã có %(what)s với %(labels)s này.") % {
                "what": opts.verbose_name,
                "labels": labels,
            }
            problems.append((names[-1] if len(names) == 1 else names[0], message))
    return problems


# ---- one form per kind --------------------------------------------------------------------------


class PersonForm(RecordForm):
    owner_fields = ("grassroots_union",)
    birth_date = DayField(label=_("Ngày sinh"), required=False)
    grassroots_union = CodeField(source="unit", label=_("Công đoàn cơ sở"), required=False)
    enterprise = CodeField(source="enterprise", label=_("Doanh nghiệp"), required=False)
    union_joined_on = DayField(label=_("Ngày vào công đoàn"), required=False)
    union_left_on = DayField(label=_("Ngày rời công đoàn"), required=False)

    class Meta:
        model = r.Person
        fields = [
            "code",
            "full_name",
            "birth_date",
            "gender",
            "ethnicity",
            "enterprise",
            "is_business_owner",
            "grassroots_union",
            "union_joined_on",
            "union_left_on",
            "cccd",
        ]
        help_texts = {"cccd": _("12 chữ số; dữ liệu cá nhân, có thể để trống.")}

    def clean_cccd(self):
        from .identity import CccdError, clean_cccd

        try:
            return clean_cccd(self.cleaned_data.get("cccd"))
        except CccdError as bad:
            raise ValidationError(_(bad.message)) from bad

    def clean(self):
        data = super().clean()
        self._check_timeline(data)
        return data

    def rule_facts(self) -> dict:
        has_timeline = bool(self.instance.pk) and (
            r.TimelineEntry.objects.unscoped().filter(person=self.instance).exists()
        )
        return {"has_timeline": has_timeline}

    def _check_timeline(self, data) -> None:
        """With a timeline, nguoi is its last row: a change of union or workplace is a move."""
        if not self.instance.pk:
            return
        last = r.TimelineEntry.objects.unscoped().filter(person=self.instance).order_by("-starts_on").first()
        if last is None:
            return
        union, enterprise = data.get("grassroots_union"), data.get("enterprise")
        if (getattr(union, "pk", None), getattr(enterprise, "pk", None)) != (
            last.grassroots_union_id,
            last.enterprise_id,
        ):
            self.add_error(
                "grassroots_union",
                _(
                    "Người này có quá trình sinh hoạt (dòng cuối từ %(day)s): công đoàn và doanh nghiệp "
                    "hiện tại phải khớp dòng đó; hãy dùng “Chuyển sinh hoạt” để ghi một lần chuyển."
                )
                % {"day": last.starts_on.strftime("%d/%m/%Y")},
            )


class TimelineEntryForm(RecordForm):
    """A row of a person's timeline (qua_trinh) entered by hand: a workplace change, leaving the union,
    a stretch recorded late. The person's nguoi columns follow the last row (records.timeline).
    Moves between unions are better recorded as moves (Chuyển sinh hoạt), which the receiver confirms."""

    person = CodeField(source="person", label=_("Người"))
    starts_on = DayField(label=_("Từ ngày"))
    # An earlier union may lie outside the scope holding the person now.
    grassroots_union = CodeField(source="any_unit", label=_("Công đoàn cơ sở"), required=False)
    enterprise = CodeField(source="enterprise", label=_("Doanh nghiệp"), required=False)

    class Meta:
        model = r.TimelineEntry
        fields = ["person", "starts_on", "grassroots_union", "enterprise", "reason"]

    def clean(self):
        data = super().clean()
        person, day = data.get("person"), data.get("starts_on")
        broken = rules.after_birth("starts_on", day, person.birth_date if person is not None else None)
        if broken is not None and not self.has_error("starts_on"):
            self.add_error("starts_on", broken.message())
        return data


class MoveForm(forms.Form):
    """Chuyển đi: the date and the receiving grassroots union (any, by code: it may lie outside the
    sender's scope), optionally the new workplace."""

    moved_on = DayField(label=_("Ngày chuyển"))
    to_union = forms.CharField(label=_("Mã công đoàn cơ sở tiếp nhận"), max_length=64)
    to_enterprise = forms.CharField(
        label=_("Mã doanh nghiệp nơi làm việc mới"), max_length=64, required=False
    )

    def clean_moved_on(self):
        day = self.cleaned_data.get("moved_on")
        for broken in rules.move({"moved_on": day}):
            raise ValidationError(broken.message())
        return day

    def clean_to_union(self):
        code = self.cleaned_data["to_union"].strip()
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise ValidationError(_("Không có đơn vị mã %(code)s.") % {"code": code})
        return unit

    def clean_to_enterprise(self):
        code = (self.cleaned_data.get("to_enterprise") or "").strip()
        if not code:
            return None
        found = Enterprise.objects.filter(code=code).first()
        if found is None:
            raise ValidationError(_("Không có doanh nghiệp mã %(code)s.") % {"code": code})
        return found


class ReferralForm(RecordForm):
    owner_fields = ("referring_unit",)
    person = CodeField(source="person", label=_("Người được giới thiệu"))
    referred_on = DayField(label=_("Ngày giới thiệu"))
    referring_unit = CodeField(source="unit", label=_("Đơn vị giới thiệu"))
    receiving_party_unit = CodeField(source="any_unit", label=_("Tổ chức đảng tiếp nhận"), required=False)

    class Meta:
        model = r.Referral
        fields = ["person", "referred_on", "referring_unit", "receiving_party_unit"]


class TrainingClassForm(RecordForm):
    owner_fields = ("organiser",)
    organiser = CodeField(source="unit", label=_("Đơn vị tổ chức"))
    starts_on = DayField(label=_("Ngày bắt đầu"), future=True)
    ends_on = DayField(label=_("Ngày kết thúc"), future=True, required=False)

    class Meta:
        model = r.TrainingClass
        fields = ["code", "name", "organiser", "starts_on", "ends_on"]


class EnrolmentForm(RecordForm):
    training_class = CodeField(source="training_class", label=_("Lớp"))
    person = CodeField(source="person", label=_("Học viên"))

    class Meta:
        model = r.Enrolment
        fields = ["training_class", "person"]


class AdmissionForm(RecordForm):
    owner_fields = ("party_unit",)
    person = CodeField(source="person", label=_("Người được kết nạp"))
    admitted_on = DayField(label=_("Ngày kết nạp"))
    party_unit = CodeField(source="unit", label=_("Tổ chức đảng"))
    full_member_on = DayField(label=_("Ngày chuyển chính thức"), required=False)

    class Meta:
        model = r.Admission
        fields = ["person", "admitted_on", "party_unit", "decision_no", "full_member_on"]


class WorkForm(RecordForm):
    owner_fields = ("unit",)
    unit = CodeField(source="unit", label=_("Đơn vị đăng ký"))
    year = YearField(label=_("Năm đăng ký"))

    class Meta:
        model = r.Work
        fields = ["code", "name", "unit", "year", "movement"]


class InitiativeForm(RecordForm):
    owner_fields = ("unit",)
    unit = CodeField(source="unit", label=_("Đơn vị áp dụng"))
    year = YearField(label=_("Năm công nhận"))
    value_vnd = MoneyField(label=_("Giá trị làm lợi (đồng)"), required=False)
    authors = PersonCodesField(
        label=_("Tác giả"), required=False, help_text=_("Mã người, cách nhau bởi dấu ;")
    )

    class Meta:
        model = r.Initiative
        fields = ["code", "name", "unit", "year", "value_vnd", "level", "authors"]

    def clean_value_vnd(self):
        return self.cleaned_data.get("value_vnd") or 0


class ContestEntryForm(RecordForm):
    owner_fields = ("unit",)
    unit = CodeField(source="unit", label=_("Đơn vị"), required=False)
    year = YearField(label=_("Năm"))

    class Meta:
        model = r.ContestEntry
        fields = ["code", "name", "contest", "level", "year", "unit", "author_count", "prize"]


class AwardForm(RecordForm):
    owner_fields = ("proposing_unit",)
    enterprise = CodeField(source="enterprise", label=_("Doanh nghiệp"), required=False)
    person = CodeField(source="person", label=_("Người"), required=False)
    form = forms.ChoiceField(label=_("Hình thức"), choices=r.Award.Form.choices)
    year = YearField(label=_("Năm"))
    proposing_unit = CodeField(source="unit", label=_("Đơn vị đề nghị"), required=False)

    class Meta:
        model = r.Award
        fields = [
            "code",
            "target",
            "enterprise",
            "person",
            "is_enterprise_head",
            "is_direct_worker",
            "level",
            "form",
            "year",
            "proposing_unit",
        ]


class CultureRecognitionForm(RecordForm):
    enterprise = CodeField(source="enterprise", label=_("Doanh nghiệp"))
    year = YearField(label=_("Năm"))

    class Meta:
        model = r.CultureRecognition
        fields = ["enterprise", "year", "title"]


class DemocracyReportForm(RecordForm):
    owner_fields = ("unit",)
    unit = CodeField(source="unit", label=_("Đơn vị"))
    year = YearField(label=_("Năm"))

    class Meta:
        model = r.DemocracyReport
        fields = ["unit", "year", "implemented"]


class WelfareContributionForm(RecordForm):
    owner_fields = ("unit",)
    unit = CodeField(source="unit", label=_("Đơn vị"))
    date = DayField(label=_("Ngày"))
    amount_vnd = MoneyField(label=_("Số tiền (đồng)"))

    class Meta:
        model = r.WelfareContribution
        fields = ["code", "unit", "date", "amount_vnd", "purpose"]


class ProgramForm(RecordForm):
    owner_fields = ("union_root", "party_root")
    starts_on = DayField(label=_("Từ ngày"), future=True)
    ends_on = DayField(label=_("Đến ngày"), future=True)
    union_root = CodeField(source="any_unit", label=_("Bên công đoàn"))
    party_root = CodeField(source="any_unit", label=_("Bên đảng"))

    class Meta:
        model = r.Program
        fields = ["code", "name", "starts_on", "ends_on", "union_root", "party_root"]
