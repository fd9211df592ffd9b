"""The record kinds the staff site lists and edits, declared once each: table columns, search fields,
the unit and year filters, and the form. The generic list/create/edit views read these declarations,
so a new kind is one `Kind(...)` here, not a new view and template."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from phoihop.accounts.scope import BOTH_TREES, write_paths
from phoihop.core import numbers
from phoihop.orgs.models import Unit

from . import forms as f
from . import models as r


@dataclass(frozen=True)
class Col:
    path: str  # attribute path, dots for relations: "grassroots_union.name"
    label: str
    sort: str | None = None  # ORM ordering path; None = not sortable
    money: bool = False

    def value(self, obj) -> str:
        value = obj
        for part in self.path.split("."):
            if value is None:
                break
            display = getattr(value, f"get_{part}_display", None)
            value = display() if display else getattr(value, part)
        return format_cell(value, money=self.money)


def format_cell(value, *, money: bool = False) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(_("Có")) if value else str(_("Không"))
    if isinstance(value, date):
        return date_format(value, "d/m/Y")
    if money and isinstance(value, int):
        return numbers.number(value)
    if hasattr(value, "all"):  # a many-to-many manager
        return "; ".join(str(getattr(v, "code", v)) for v in value.all())
    return str(value)


def _year_of(date_path: str) -> Callable[[int], Q]:
    return lambda year: Q(**{f"{date_path}__year": year})


def _year_field(year_path: str) -> Callable[[int], Q]:
    return lambda year: Q(**{year_path: year})


@dataclass(frozen=True)
class Kind:
    slug: str  # URL segment
    model: type[models.Model]
    form: type[f.RecordForm]
    columns: tuple[Col, ...]
    # Searched paths: "...search_name" columns match the folded query, "...code" ones the code as typed,
    # other text columns are folded in Python (they are short lists: works, classes, programs).
    search: tuple[str, ...]
    unit_path: str | None  # the unit the unit filter applies to
    year: Callable[[int], Q] | None
    related: tuple[str, ...] = ()
    key: str = "code"  # how the URL names one record: "code" or "pk"
    default_order: tuple = ()  # newest first: the record's date (or year) descending, see _newest
    # The person a row is about ("" for a person, "person__" for their records), for the personal
    # columns of the export and the printed list; None: no person.
    person_path: str | None = None
    print_title: str = ""  # the printed list's title; default "Danh sách" and the kind's name

    @property
    def title(self) -> str:
        return str(self.print_title or _("Danh sách %(what)s") % {"what": self.label})

    @property
    def label(self) -> str:
        return self.model._meta.verbose_name_plural

    @property
    def label_one(self) -> str:
        return self.model._meta.verbose_name

    def key_of(self, obj) -> str:
        return str(getattr(obj, self.key))

    @property
    def trees(self) -> frozenset[str]:
        """The trees ("union", "party") of the units that make a record of this kind its writer's: the
        unit fields on the model's write paths (accounts.scope), as the kind's form restricts them; an
        admission's party unit makes admissions the party's. Any unit allowed: both."""
        return _trees(self.model, self.form)


def _newest(*paths: str) -> tuple:
    """Lists are newest first: by the record's date (or year) descending, undated rows last."""
    return tuple(F(p).desc(nulls_last=True) for p in paths)


def _person_cols(prefix: str = "person.") -> tuple[Col, ...]:
    return (
        Col(f"{prefix}code", _("Mã người"), prefix.replace(".", "__") + "code"),
        Col(f"{prefix}full_name", _("Họ và tên"), prefix.replace(".", "__") + "search_name"),
    )


KINDS: tuple[Kind, ...] = (
    Kind(
        "nguoi",
        r.Person,
        f.PersonForm,
        (
            Col("code", _("Mã người"), "code"),
            Col("full_name", _("Họ và tên"), "search_name"),
            Col("grassroots_union.name", _("Công đoàn cơ sở"), "grassroots_union__search_name"),
            Col("enterprise.name", _("Doanh nghiệp"), "enterprise__search_name"),
            Col("union_joined_on", _("Ngày vào công đoàn"), "union_joined_on"),
        ),
        ("search_name", "code"),
        "grassroots_union",
        _year_of("union_joined_on"),
        related=("grassroots_union", "enterprise"),
        default_order=_newest("union_joined_on"),
        person_path="",
        print_title=_("Danh sách đoàn viên công đoàn"),
    ),
    Kind(
        "qua-trinh",
        r.TimelineEntry,
        f.TimelineEntryForm,
        (
            *_person_cols(),
            Col("starts_on", _("Từ ngày"), "starts_on"),
            Col("grassroots_union.name", _("Công đoàn cơ sở"), "grassroots_union__search_name"),
            Col("enterprise.name", _("Doanh nghiệp"), "enterprise__search_name"),
            Col("reason", _("Lý do")),
        ),
        ("person__search_name", "person__code"),
        "grassroots_union",
        _year_of("starts_on"),
        related=("person", "grassroots_union", "enterprise"),
        key="pk",
        default_order=_newest("starts_on"),
        person_path="person__",
    ),
    Kind(
        "gioi-thieu",
        r.Referral,
        f.ReferralForm,
        (
            *_person_cols(),
            Col("referred_on", _("Ngày giới thiệu"), "referred_on"),
            Col("referring_unit.name", _("Đơn vị giới thiệu"), "referring_unit__search_name"),
            Col("receiving_party_unit.name", _("Tổ chức đảng tiếp nhận")),
        ),
        ("person__search_name", "person__code"),
        "referring_unit",
        _year_of("referred_on"),
        related=("person", "referring_unit", "receiving_party_unit"),
        key="pk",
        default_order=_newest("referred_on"),
        person_path="person__",
        print_title=_("Danh sách đoàn viên ưu tú được giới thiệu cho Đảng"),
    ),
    Kind(
        "lop-boi-duong",
        r.TrainingClass,
        f.TrainingClassForm,
        (
            Col("code", _("Mã lớp"), "code"),
            Col("name", _("Tên lớp"), "name"),
            Col("organiser.name", _("Đơn vị tổ chức"), "organiser__search_name"),
            Col("starts_on", _("Ngày bắt đầu"), "starts_on"),
            Col("ends_on", _("Ngày kết thúc"), "ends_on"),
        ),
        ("code", "name"),
        "organiser",
        _year_of("starts_on"),
        related=("organiser",),
        default_order=_newest("starts_on"),
        print_title=_("Danh sách lớp bồi dưỡng nhận thức về Đảng"),
    ),
    Kind(
        "hoc-vien",
        r.Enrolment,
        f.EnrolmentForm,
        (
            Col("training_class.code", _("Mã lớp"), "training_class__code"),
            Col("training_class.name", _("Tên lớp")),
            *_person_cols(),
        ),
        ("person__search_name", "person__code", "training_class__code"),
        "training_class__organiser",
        _year_of("training_class__starts_on"),
        related=("person", "training_class"),
        key="pk",
        default_order=(*_newest("training_class__starts_on"), "training_class__code", "person__search_name"),
        person_path="person__",
        print_title=_("Danh sách học viên lớp bồi dưỡng nhận thức về Đảng"),
    ),
    Kind(
        "ket-nap",
        r.Admission,
        f.AdmissionForm,
        (
            *_person_cols(),
            Col("admitted_on", _("Ngày kết nạp"), "admitted_on"),
            Col("party_unit.name", _("Tổ chức đảng"), "party_unit__search_name"),
            Col("decision_no", _("Số quyết định")),
            Col("full_member_on", _("Ngày chuyển chính thức"), "full_member_on"),
        ),
        ("person__search_name", "person__code", "decision_no"),
        "party_unit",
        _year_of("admitted_on"),
        related=("person", "party_unit"),
        key="pk",
        default_order=_newest("admitted_on"),
        person_path="person__",
        print_title=_("Danh sách đảng viên được kết nạp"),
    ),
    Kind(
        "cong-trinh",
        r.Work,
        f.WorkForm,
        (
            Col("code", _("Mã công trình"), "code"),
            Col("name", _("Tên công trình, sản phẩm"), "name"),
            Col("unit.name", _("Đơn vị đăng ký"), "unit__search_name"),
            Col("year", _("Năm"), "year"),
            Col("movement", _("Phong trào thi đua")),
        ),
        ("code", "name", "movement"),
        "unit",
        _year_field("year"),
        related=("unit",),
        default_order=_newest("year"),
    ),
    Kind(
        "sang-kien",
        r.Initiative,
        f.InitiativeForm,
        (
            Col("code", _("Mã sáng kiến"), "code"),
            Col("name", _("Tên sáng kiến"), "name"),
            Col("unit.name", _("Đơn vị áp dụng"), "unit__search_name"),
            Col("year", _("Năm"), "year"),
            Col("value_vnd", _("Giá trị làm lợi (đồng)"), "value_vnd", money=True),
            Col("level", _("Cấp công nhận"), "level"),
        ),
        ("code", "name"),
        "unit",
        _year_field("year"),
        related=("unit",),
        default_order=_newest("year"),
    ),
    Kind(
        "hoi-thi",
        r.ContestEntry,
        f.ContestEntryForm,
        (
            Col("code", _("Mã đề tài"), "code"),
            Col("name", _("Tên đề tài"), "name"),
            Col("contest", _("Hội thi"), "contest"),
            Col("level", _("Cấp"), "level"),
            Col("year", _("Năm"), "year"),
            Col("unit.name", _("Đơn vị")),
            Col("prize", _("Giải"), "prize"),
        ),
        ("code", "name", "contest"),
        "unit",
        _year_field("year"),
        related=("unit",),
        default_order=_newest("year"),
    ),
    Kind(
        "khen-thuong",
        r.Award,
        f.AwardForm,
        (
            Col("code", _("Mã khen thưởng"), "code"),
            Col("target", _("Đối tượng"), "target"),
            Col("enterprise.name", _("Doanh nghiệp")),
            Col("person.full_name", _("Người")),
            Col("level", _("Cấp khen"), "level"),
            Col("form", _("Hình thức"), "form"),
            Col("year", _("Năm"), "year"),
            Col("proposing_unit.name", _("Đơn vị đề nghị")),
        ),
        ("code", "person__search_name", "enterprise__search_name"),
        "proposing_unit",
        _year_field("year"),
        related=("enterprise", "person", "proposing_unit"),
        default_order=_newest("year"),
        print_title=_("Danh sách khen thưởng"),
    ),
    Kind(
        "van-hoa",
        r.CultureRecognition,
        f.CultureRecognitionForm,
        (
            Col("enterprise.code", _("Mã doanh nghiệp"), "enterprise__code"),
            Col("enterprise.name", _("Doanh nghiệp"), "enterprise__search_name"),
            Col("year", _("Năm"), "year"),
            Col("title", _("Danh hiệu"), "title"),
        ),
        ("enterprise__search_name", "enterprise__code"),
        "enterprise__units",
        _year_field("year"),
        related=("enterprise",),
        key="pk",
        default_order=(*_newest("year"), "enterprise__code"),
    ),
    Kind(
        "dan-chu",
        r.DemocracyReport,
        f.DemocracyReportForm,
        (
            Col("unit.code", _("Mã đơn vị"), "unit__code"),
            Col("unit.name", _("Đơn vị"), "unit__search_name"),
            Col("year", _("Năm"), "year"),
            Col("implemented", _("Đã thực hiện"), "implemented"),
        ),
        ("unit__search_name", "unit__code"),
        "unit",
        _year_field("year"),
        related=("unit",),
        key="pk",
        default_order=(*_newest("year"), "unit__code"),
    ),
    Kind(
        "an-sinh",
        r.WelfareContribution,
        f.WelfareContributionForm,
        (
            Col("code", _("Mã đóng góp"), "code"),
            Col("unit.name", _("Đơn vị"), "unit__search_name"),
            Col("date", _("Ngày"), "date"),
            Col("amount_vnd", _("Số tiền (đồng)"), "amount_vnd", money=True),
            Col("purpose", _("Nội dung")),
        ),
        ("code", "purpose"),
        "unit",
        _year_of("date"),
        related=("unit",),
        default_order=_newest("date"),
    ),
    Kind(
        "chuong-trinh",
        r.Program,
        f.ProgramForm,
        (
            Col("code", _("Mã chương trình"), "code"),
            Col("name", _("Tên chương trình"), "name"),
            Col("starts_on", _("Từ ngày"), "starts_on"),
            Col("ends_on", _("Đến ngày"), "ends_on"),
            Col("union_root.name", _("Bên công đoàn")),
            Col("party_root.name", _("Bên đảng")),
        ),
        ("code", "name"),
        "union_root",
        lambda year: Q(starts_on__year__lte=year, ends_on__year__gte=year),
        related=("union_root", "party_root"),
        default_order=_newest("starts_on"),
    ),
)

BY_SLUG: dict[str, Kind] = {k.slug: k for k in KINDS}
_FORMS = {k.model: k.form for k in KINDS}


def _trees(model, form) -> frozenset[str]:
    trees: set[str] = set()
    for path in write_paths(model):
        head, _sep, rest = path.partition("__")
        if rest:  # a unit of a related record (an enrolment's class's organiser): that record's trees
            related = model._meta.get_field(head).related_model
            trees |= _trees(related, _FORMS[related]) if related in _FORMS else BOTH_TREES
            continue
        kinds = getattr(form.base_fields.get(head), "kinds", ())
        trees |= {Unit.tree_of(k) for k in kinds} if kinds else BOTH_TREES
    return frozenset(trees) or BOTH_TREES
