"""The organisation registry: enterprises, the union tree and the party tree, dated.

A unit's parent changes over time. `Unit.parent` is the parent from founding until the first
`Transfer`; each `Transfer` sets a new parent from its effective date on. `UnitClosure` is derived
from both (see `orgs.closure`) and answers "descendants of X on date D" in one indexed join.
"""

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from phoihop.core.text import fold

FAR_PAST = date(1, 1, 1)
FAR_FUTURE = date(9999, 12, 31)


class SearchedByName(models.Model):
    """A row shown as "name (code)" and found by its folded name: `search_name` follows `name` on every
    save (the raw writers of the import fold it the same way)."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)


class Enterprise(SearchedByName):
    class Ownership(models.TextChoices):
        STATE = "nha_nuoc", _("Nhà nước")
        NON_STATE = "ngoai_nha_nuoc", _("Ngoài nhà nước")
        FDI = "fdi", _("Có vốn đầu tư nước ngoài")
        COOPERATIVE = "hop_tac_xa", _("Hợp tác xã")

    code = models.CharField(_("mã doanh nghiệp"), max_length=64, unique=True)
    name = models.CharField(_("tên doanh nghiệp"), max_length=300)
    search_name = models.CharField(max_length=300, db_index=True, editable=False)
    tax_code = models.CharField(_("mã số thuế"), max_length=20, blank=True)
    ownership = models.CharField(_("loại hình"), max_length=20, choices=Ownership.choices)
    area = models.CharField(_("địa bàn"), max_length=120, blank=True)
    workforce = models.PositiveIntegerField(_("số lao động"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("doanh nghiệp")
        verbose_name_plural = _("doanh nghiệp")

    @property
    def is_non_state(self) -> bool:
        return self.ownership != self.Ownership.STATE


class Unit(SearchedByName):
    class Kind(models.TextChoices):
        NATIONAL_FEDERATION = "tong_ldld", _("Tổng Liên đoàn Lao động Việt Nam")
        PROVINCE_FEDERATION = "ldld_tinh", _("Liên đoàn Lao động tỉnh")
        DISTRICT_FEDERATION = "ldld_huyen", _("Liên đoàn Lao động huyện/thị xã/thành phố")
        SECTOR_UNION = "cd_nganh", _("Công đoàn ngành và tương đương")
        GRASSROOTS_UNION = "cdcs", _("Công đoàn cơ sở")
        NATIONAL_PARTY = "trung_uong", _("Trung ương")
        PROVINCE_PARTY = "dang_bo_tinh", _("Đảng bộ tỉnh (Tỉnh ủy)")
        PARTY_BLOC = "dang_uy_khoi", _("Đảng ủy Khối")
        OTHER_PARTY_COMMITTEE = "dang_uy_khac", _("Cấp ủy khác (huyện ủy, thành ủy, ...)")
        GRASSROOTS_PARTY_COMMITTEE = "dang_bo_co_so", _("Đảng bộ cơ sở")
        GRASSROOTS_PARTY_CELL = "chi_bo_co_so", _("Chi bộ cơ sở")
        DEPENDENT_PARTY_CELL = "chi_bo_truc_thuoc", _("Chi bộ trực thuộc")

    class Tree(models.TextChoices):
        UNION = "union", _("Công đoàn")
        PARTY = "party", _("Đảng")

    UNION_KINDS = frozenset({"tong_ldld", "ldld_tinh", "ldld_huyen", "cd_nganh", "cdcs"})
    PARTY_KINDS = frozenset(
        {
            "trung_uong",
            "dang_bo_tinh",
            "dang_uy_khoi",
            "dang_uy_khac",
            "dang_bo_co_so",
            "chi_bo_co_so",
            "chi_bo_truc_thuoc",
        }
    )
    # Kinds that may stand at the top of a tree: the national roots, and the kinds that are a root
    # wherever they have no parent (a province's workbook without the national levels).
    ROOT_KINDS = frozenset(
        {"tong_ldld", "trung_uong", "ldld_tinh", "dang_bo_tinh", "dang_uy_khoi", "dang_uy_khac"}
    )
    NATIONAL_KINDS = frozenset({"tong_ldld", "trung_uong"})
    GRASSROOTS_KINDS = frozenset({"cdcs", "chi_bo_co_so", "dang_bo_co_so"})

    code = models.CharField(_("mã đơn vị"), max_length=64, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=300)
    search_name = models.CharField(max_length=300, db_index=True, editable=False)
    kind = models.CharField(_("loại đơn vị"), max_length=24, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        help_text=_("Cấp trên từ khi thành lập đến lần điều chuyển đầu tiên."),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="founded_children",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("doanh nghiệp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    area = models.CharField(_("địa bàn"), max_length=120, blank=True)
    founded_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    dissolved_on = models.DateField(_("ngày giải thể"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị tiếp nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="absorbed_units",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        indexes = [models.Index(fields=["kind", "founded_on"])]

    @classmethod
    def tree_of(cls, kind: str) -> str:
        """The tree ("union" or "party") a unit of this kind belongs to."""
        return cls.Tree.UNION if kind in cls.UNION_KINDS else cls.Tree.PARTY

    @property
    def tree(self) -> str:
        return self.tree_of(self.kind)

    def exists_on(self, day: date) -> bool:
        founded = self.founded_on or FAR_PAST
        return founded <= day and (self.dissolved_on is None or day <= self.dissolved_on)


# Units side by side are listed in this order (the tree page, the unit picker, the report's units): level
# by level, the union's kind before the party's at each level, so federations and sector unions come
# before grassroots units. Within one tree it is the order of Unit.Kind.
KIND_ORDER = {
    kind: i
    for i, kind in enumerate(
        [
            "tong_ldld",
            "trung_uong",
            "ldld_tinh",
            "dang_bo_tinh",
            "dang_uy_khoi",
            "dang_uy_khac",
            "ldld_huyen",
            "cd_nganh",
            "dang_bo_co_so",
            "chi_bo_co_so",
            "cdcs",
            "chi_bo_truc_thuoc",
        ]
    )
}


class Transfer(models.Model):
    """Sheet `dieu_chuyen`: from `effective_on` on, `unit` stands under `new_parent`."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="transfers"
    )
    effective_on = models.DateField(_("ngày hiệu lực"))
    new_parent = models.ForeignKey(
        Unit, verbose_name=_("đơn vị cấp trên mới"), on_delete=models.PROTECT, related_name="transfers_in"
    )
    decision_no = models.CharField(_("số quyết định"), max_length=100, blank=True)

    class Meta:
        ordering = ["unit", "effective_on"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "effective_on"], name="transfer_unique_unit_date")
        ]
        verbose_name = _("điều chuyển đơn vị")
        verbose_name_plural = _("điều chuyển đơn vị")

    def __str__(self) -> str:
        return f"{self.unit.code} → {self.new_parent.code} ({self.effective_on:%d/%m/%Y})"


class UnitClosure(models.Model):
    """Derived: `ancestor` is an ancestor of `descendant` (or the unit itself, depth 0) on every
    day in [valid_from, valid_to). Never edited by hand; `orgs.closure.rebuild_closure` writes it."""

    ancestor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="descendant_links")
    descendant = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="ancestor_links")
    depth = models.PositiveSmallIntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField()  # exclusive

    class Meta:
        indexes = [
            models.Index(fields=["ancestor", "descendant", "valid_from", "valid_to"], name="closure_down"),
            models.Index(fields=["descendant", "depth", "valid_from", "valid_to"], name="closure_up"),
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id} ⊇ {self.descendant_id} [{self.valid_from}, {self.valid_to})"
