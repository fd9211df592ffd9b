"""Records of a coordination program, one model per sheet of the standard workbook.

Every model names the units that govern who may see it in `scope_paths` (see accounts.scope) and
uses the fail-closed `ScopedManager`. Money is whole VND in BigIntegerField.
"""

from datetime import date

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from phoihop.accounts.scope import ScopedManager
from phoihop.core.text import fold
from phoihop.orgs.models import Enterprise, Unit


class ScopedRecord(models.Model):
    scope_paths: tuple[str, ...] = ("unit",)
    objects = ScopedManager()

    class Meta:
        abstract = True


# ---- people and the union → party pipeline ---------------------------------------------------


class Person(ScopedRecord):
    """Sheet `nguoi`. Personal data: ethnicity and party membership are sensitive (Decree 13/2023)."""

    class Gender(models.TextChoices):
        MALE = "nam", _("Nam")
        FEMALE = "nu", _("Nữ")

    scope_paths = (
        "grassroots_union",
        "referrals__referring_unit",
        "referrals__receiving_party_unit",  # the party unit a member was referred to prepares them
        "admission__party_unit",
        "enrolments__training_class__organiser",
        # A union the person belonged to keeps seeing them (records.timeline limits what it sees).
        "timeline__grassroots_union",
    )
    # Who holds the person's file now: a former union is not told where the person went, so the
    # workbook export (nguoi is "where they are now") leaves out people it knows only from the past.
    export_scope_paths = tuple(p for p in scope_paths if not p.startswith("timeline__"))

    code = models.CharField(_("mã người"), max_length=64, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=200)
    # Found by trigram (`search_name__contains`, orgs migration 0003's GIN index on PostgreSQL) and by (name, birth
    # date) for duplicates: that composite index serves equality and order too, so no index of its own.
    search_name = models.CharField(max_length=200, editable=False)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    gender = models.CharField(_("giới tính"), max_length=3, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=60, blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("doanh nghiệp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    is_business_owner = models.BooleanField(_("chủ doanh nghiệp"), default=False)
    grassroots_union = models.ForeignKey(
        Unit,
        verbose_name=_("công đoàn cơ sở"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        db_index=False,  # the (grassroots_union, union_joined_on) index below leads with it
    )
    union_joined_on = models.DateField(_("ngày vào công đoàn"), null=True, blank=True)
    union_left_on = models.DateField(_("ngày rời công đoàn"), null=True, blank=True)
    # Citizen identity number: personal data, shown only with the personal fields (records.selectors).
    cccd = models.CharField(_("số CCCD"), max_length=12, blank=True, default="")

    class Meta:
        ordering = ["code"]
        verbose_name = _("người")
        verbose_name_plural = _("người")
        indexes = [
            models.Index(fields=["grassroots_union", "union_joined_on"]),
            models.Index(fields=["search_name", "birth_date"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["cccd"], condition=~Q(cccd=""), name="person_unique_cccd"),
            # records.rules says it to the user; the database keeps it whatever the way in.
            models.CheckConstraint(
                condition=Q(union_left_on__isnull=True)
                | Q(union_joined_on__isnull=True)
                | Q(union_left_on__gte=F("union_joined_on")),
                name="person_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.code})"

    def save(self, *args, **kwargs):
        self.search_name = fold(self.full_name)
        super().save(*args, **kwargs)


FAR_PAST, FAR_FUTURE = date(1, 1, 1), date(9999, 12, 31)


class TimelineEntry(ScopedRecord):
    """Sheet `qua_trinh`: from `starts_on` on, the person belongs to `grassroots_union` (None: not a
    member) and works at `enterprise`. `valid_from`/`valid_to` (exclusive) are derived by
    records.timeline.rebuild_intervals so "the union on date D" is one range join: the first row also
    covers every earlier day, the last one every later day. People without rows have the `nguoi`
    columns on every date."""

    # Seen by the union of the row (a former union: its own stretch), the person's union now (the whole
    # file moves with them) and the admitting party unit; written only by the union side.
    scope_paths = ("grassroots_union", "person__grassroots_union", "person__admission__party_unit")
    write_paths = ("grassroots_union", "person__grassroots_union")

    person = models.ForeignKey(
        Person, verbose_name=_("người"), on_delete=models.CASCADE, related_name="timeline"
    )
    starts_on = models.DateField(_("từ ngày"))
    grassroots_union = models.ForeignKey(
        Unit,
        verbose_name=_("công đoàn cơ sở"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="timeline_members",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("doanh nghiệp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="timeline_people",
    )
    reason = models.CharField(_("lý do"), max_length=200, blank=True)
    valid_from = models.DateField(default=FAR_PAST, editable=False)
    valid_to = models.DateField(default=FAR_FUTURE, editable=False)

    class Meta:
        ordering = ["person", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["person", "starts_on"], name="timeline_unique_person_date")
        ]
        indexes = [
            models.Index(fields=["person", "valid_from", "valid_to"]),
            models.Index(fields=["grassroots_union", "valid_from"]),
        ]
        verbose_name = _("quá trình sinh hoạt")
        verbose_name_plural = _("quá trình sinh hoạt công đoàn và nơi làm việc")

    def __str__(self) -> str:
        return f"{self.person_id} {self.starts_on}"


class Move(ScopedRecord):
    """A move between grassroots unions (chuyển sinh hoạt) as staff record it: the sending union
    records it; a receiving union outside the sender's scope accepts or refuses it."""

    class Status(models.TextChoices):
        PENDING = "cho", _("Chờ tiếp nhận")
        ACCEPTED = "nhan", _("Đã tiếp nhận")
        REFUSED = "tu_choi", _("Từ chối")

    scope_paths = ("from_union", "to_union")

    person = models.ForeignKey(
        Person, verbose_name=_("người"), on_delete=models.CASCADE, related_name="moves"
    )
    moved_on = models.DateField(_("ngày chuyển"))
    from_union = models.ForeignKey(
        Unit, verbose_name=_("công đoàn chuyển đi"), on_delete=models.PROTECT, related_name="moves_out"
    )
    to_union = models.ForeignKey(
        Unit, verbose_name=_("công đoàn tiếp nhận"), on_delete=models.PROTECT, related_name="moves_in"
    )
    to_enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("nơi làm việc mới"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moves_in",
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    refusal_reason = models.CharField(_("lý do từ chối"), max_length=300, blank=True)
    recorded_by = models.CharField(max_length=150, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-moved_on", "pk"]
        indexes = [
            models.Index(fields=["to_union", "status"]),
            models.Index(fields=["from_union", "moved_on"]),
        ]
        verbose_name = _("chuyển sinh hoạt công đoàn")
        verbose_name_plural = _("chuyển sinh hoạt công đoàn")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.from_union_id} → {self.to_union_id} ({self.moved_on})"


class Referral(ScopedRecord):
    """Sheet `gioi_thieu`: a union unit refers an outstanding member to the Party."""

    scope_paths = ("referring_unit", "receiving_party_unit")

    person = models.ForeignKey(
        Person, verbose_name=_("người"), on_delete=models.CASCADE, related_name="referrals"
    )
    referred_on = models.DateField(_("ngày giới thiệu"))
    referring_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị giới thiệu"), on_delete=models.PROTECT, related_name="referrals_made"
    )
    receiving_party_unit = models.ForeignKey(
        Unit,
        verbose_name=_("tổ chức đảng tiếp nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )

    class Meta:
        ordering = ["referred_on"]
        constraints = [
            models.UniqueConstraint(fields=["person", "referred_on"], name="referral_unique_person_date")
        ]
        verbose_name = _("giới thiệu đoàn viên ưu tú")
        verbose_name_plural = _("giới thiệu đoàn viên ưu tú")

    def __str__(self) -> str:
        return f"{self.person_id} ← {self.referring_unit_id} ({self.referred_on})"


class TrainingClass(ScopedRecord):
    """Sheet `lop_boi_duong`: a party-awareness class."""

    scope_paths = ("organiser",)

    code = models.CharField(_("mã lớp"), max_length=64, unique=True)
    name = models.CharField(_("tên lớp"), max_length=300)
    organiser = models.ForeignKey(
        Unit, verbose_name=_("đơn vị tổ chức"), on_delete=models.PROTECT, related_name="training_classes"
    )
    starts_on = models.DateField(_("ngày bắt đầu"))
    ends_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "code"]
        verbose_name = _("lớp bồi dưỡng")
        verbose_name_plural = _("lớp bồi dưỡng")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="class_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Enrolment(ScopedRecord):
    """Sheet `hoc_vien`."""

    scope_paths = ("training_class__organiser",)

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("lớp"), on_delete=models.CASCADE, related_name="enrolments"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("học viên"), on_delete=models.CASCADE, related_name="enrolments"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["training_class", "person"], name="enrolment_unique")]
        verbose_name = _("học viên")
        verbose_name_plural = _("học viên")

    def __str__(self) -> str:
        return f"{self.training_class_id} / {self.person_id}"


class Admission(ScopedRecord):
    """Sheet `ket_nap`: one admission to the Party per person. Visible only to the party subtree."""

    scope_paths = ("party_unit",)

    person = models.OneToOneField(
        Person, verbose_name=_("người"), on_delete=models.CASCADE, related_name="admission"
    )
    admitted_on = models.DateField(_("ngày kết nạp"))
    party_unit = models.ForeignKey(
        Unit, verbose_name=_("tổ chức đảng"), on_delete=models.PROTECT, related_name="admissions"
    )
    decision_no = models.CharField(_("số quyết định"), max_length=100, blank=True)
    full_member_on = models.DateField(_("ngày chuyển chính thức"), null=True, blank=True)

    class Meta:
        ordering = ["admitted_on"]
        verbose_name = _("kết nạp đảng viên")
        verbose_name_plural = _("kết nạp đảng viên")
        indexes = [models.Index(fields=["party_unit", "admitted_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(full_member_on__isnull=True) | Q(full_member_on__gte=F("admitted_on")),
                name="admission_full_after_admitted",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ({self.admitted_on})"


# ---- emulation, initiatives, contests, awards --------------------------------------------------


class Work(ScopedRecord):
    """Sheet `cong_trinh`: a work or product registered in an emulation movement."""

    code = models.CharField(_("mã công trình"), max_length=64, unique=True)
    name = models.CharField(_("tên công trình, sản phẩm"), max_length=300)
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị đăng ký"), on_delete=models.PROTECT, related_name="works"
    )
    year = models.PositiveSmallIntegerField(_("năm đăng ký"))
    movement = models.CharField(_("phong trào thi đua"), max_length=300, blank=True)

    class Meta:
        ordering = ["year", "code"]
        verbose_name = _("công trình, sản phẩm")
        verbose_name_plural = _("công trình, sản phẩm")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Initiative(ScopedRecord):
    """Sheet `sang_kien`."""

    class Level(models.TextChoices):
        GRASSROOTS = "co_so", _("Cơ sở")
        PROVINCIAL = "tinh", _("Tỉnh")
        NATIONAL = "toan_quoc", _("Toàn quốc")

    code = models.CharField(_("mã sáng kiến"), max_length=64, unique=True)
    name = models.CharField(_("tên sáng kiến"), max_length=300)
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị áp dụng"), on_delete=models.PROTECT, related_name="initiatives"
    )
    year = models.PositiveSmallIntegerField(_("năm công nhận"))
    value_vnd = models.BigIntegerField(_("giá trị làm lợi (đồng)"), default=0)
    level = models.CharField(
        _("cấp công nhận"), max_length=10, choices=Level.choices, default=Level.GRASSROOTS
    )
    authors = models.ManyToManyField(
        Person, verbose_name=_("tác giả"), blank=True, related_name="initiatives"
    )

    class Meta:
        ordering = ["year", "code"]
        verbose_name = _("sáng kiến")
        verbose_name_plural = _("sáng kiến")
        indexes = [models.Index(fields=["unit", "year"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ContestEntry(ScopedRecord):
    """Sheet `hoi_thi`: an entry in a technical-innovation contest."""

    class Level(models.TextChoices):
        PROVINCIAL = "tinh", _("Tỉnh")
        NATIONAL = "toan_quoc", _("Toàn quốc")

    class Prize(models.TextChoices):
        FIRST = "nhat", _("Giải Nhất")
        SECOND = "nhi", _("Giải Nhì")
        THIRD = "ba", _("Giải Ba")
        CONSOLATION = "khuyen_khich", _("Giải Khuyến khích")

    code = models.CharField(_("mã đề tài"), max_length=64, unique=True)
    name = models.CharField(_("tên đề tài"), max_length=300)
    contest = models.CharField(_("hội thi"), max_length=300)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contest_entries",
    )
    author_count = models.PositiveIntegerField(_("số tác giả"))
    prize = models.CharField(_("giải"), max_length=15, choices=Prize.choices, blank=True)

    class Meta:
        ordering = ["year", "code"]
        verbose_name = _("đề tài dự hội thi")
        verbose_name_plural = _("đề tài dự hội thi")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Award(ScopedRecord):
    """Sheet `khen_thuong`: an award to an enterprise or a person."""

    class Target(models.TextChoices):
        ENTERPRISE = "doanh_nghiep", _("Doanh nghiệp")
        PERSON = "ca_nhan", _("Cá nhân")

    class Level(models.TextChoices):
        GRASSROOTS = "co_so", _("Cơ sở")
        CONFEDERATION = "tong_ldld", _("Tổng LĐLĐ Việt Nam")
        PROVINCE = "ubnd_tinh", _("UBND tỉnh")
        STATE = "nha_nuoc", _("Nhà nước")

    class Form(models.TextChoices):
        MERIT_CERTIFICATE = "bang_khen", _("Bằng khen")
        CERTIFICATE = "giay_khen", _("Giấy khen")
        EMULATION_FLAG = "co_thi_dua", _("Cờ thi đua")
        ORDER = "huan_chuong", _("Huân chương")
        CREATIVE_LABOUR = "bang_lao_dong_sang_tao", _("Bằng Lao động sáng tạo")

    scope_paths = ("proposing_unit",)

    code = models.CharField(_("mã khen thưởng"), max_length=64, unique=True)
    target = models.CharField(_("đối tượng"), max_length=15, choices=Target.choices)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("doanh nghiệp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("người"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    is_enterprise_head = models.BooleanField(_("người đứng đầu doanh nghiệp"), default=False)
    is_direct_worker = models.BooleanField(_("lao động trực tiếp"), default=False)
    level = models.CharField(_("cấp khen"), max_length=10, choices=Level.choices)
    form = models.CharField(_("hình thức"), max_length=40)
    year = models.PositiveSmallIntegerField(_("năm"))
    proposing_unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị đề nghị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards_proposed",
    )

    class Meta:
        ordering = ["year", "code"]
        verbose_name = _("khen thưởng")
        verbose_name_plural = _("khen thưởng")

    def __str__(self) -> str:
        return self.code


# ---- yearly recognitions and welfare -----------------------------------------------------------


class CultureRecognition(ScopedRecord):
    """Sheet `van_hoa`."""

    class Title(models.TextChoices):
        CULTURAL_LIFESTYLE = "nep_song_van_hoa", _("Nếp sống văn hóa")
        CULTURAL_STANDARD = "dat_chuan_van_hoa", _("Doanh nghiệp đạt chuẩn văn hóa")

    scope_paths = ("enterprise__units",)

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("doanh nghiệp"),
        on_delete=models.CASCADE,
        related_name="culture_recognitions",
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("danh hiệu"), max_length=20, choices=Title.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enterprise", "year", "title"], name="culture_unique")]
        verbose_name = _("công nhận văn hóa")
        verbose_name_plural = _("công nhận văn hóa")

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year} {self.title}"


class DemocracyReport(ScopedRecord):
    """Sheet `dan_chu`: whether a unit implemented the grassroots-democracy rules in a year."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="democracy"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    implemented = models.BooleanField(_("đã thực hiện"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="democracy_unique")]
        verbose_name = _("thực hiện quy chế dân chủ")
        verbose_name_plural = _("thực hiện quy chế dân chủ")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}"


class WelfareContribution(ScopedRecord):
    """Sheet `an_sinh`."""

    code = models.CharField(_("mã đóng góp"), max_length=64, unique=True)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="welfare")
    date = models.DateField(_("ngày"))
    amount_vnd = models.BigIntegerField(_("số tiền (đồng)"))
    purpose = models.CharField(_("nội dung"), max_length=300, blank=True)

    class Meta:
        ordering = ["date", "code"]
        verbose_name = _("đóng góp an sinh xã hội")
        verbose_name_plural = _("đóng góp an sinh xã hội")

    def __str__(self) -> str:
        return self.code


# ---- programs and targets ----------------------------------------------------------------------


class ReportFrequency(models.TextChoices):
    YEAR = "nam", _("Năm")
    HALF = "6thang", _("6 tháng")
    QUARTER = "quy", _("Quý")


class Program(ScopedRecord):
    """Sheet `chuong_trinh`: a coordination program between a union root and a party root."""

    scope_paths = ("union_root", "party_root")

    code = models.CharField(_("mã chương trình"), max_length=64, unique=True)
    name = models.CharField(_("tên chương trình"), max_length=300)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    union_root = models.ForeignKey(
        Unit, verbose_name=_("bên công đoàn"), on_delete=models.PROTECT, related_name="programs_as_union"
    )
    party_root = models.ForeignKey(
        Unit, verbose_name=_("bên đảng"), on_delete=models.PROTECT, related_name="programs_as_party"
    )
    # Period reports (periods.md): how often units report, and how many days after a period ends.
    frequency = models.CharField(
        _("kỳ báo cáo"), max_length=6, choices=ReportFrequency.choices, default=ReportFrequency.YEAR
    )
    due_days = models.PositiveSmallIntegerField(_("hạn nộp sau ngày"), default=15)
    # How many levels under each root report (1: the roots' children; 2: their children too, to them).
    report_levels = models.PositiveSmallIntegerField(_("số cấp báo cáo"), default=1)
    # The catalogue indicators the program follows; empty means all of them.
    indicator_codes = models.JSONField(_("chỉ tiêu theo dõi"), default=list, blank=True)
    created_from = models.ForeignKey(
        "self", verbose_name=_("tạo từ chương trình"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("chương trình phối hợp")
        verbose_name_plural = _("chương trình phối hợp")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="program_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Target(ScopedRecord):
    """Sheet `chi_tieu`: a target for one indicator, one unit and one year."""

    indicator_code = models.CharField(_("mã chỉ tiêu"), max_length=80)
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị nhận chỉ tiêu"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("giá trị"), max_digits=20, decimal_places=2)

    class Meta:
        ordering = ["year", "unit", "indicator_code"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_code", "unit", "year"], name="target_unique")
        ]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.unit_id} {self.year}"
