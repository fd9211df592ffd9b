"""The standard workbook, declared once: every sheet, its columns, natural key and target model.
Import, export, the blank template and the English/Vietnamese labels all read these declarations.

What a clerk sees in Excel is declared here too (issue 14 item 2): each sheet's Vietnamese tab title
(`Sheet.title`, at most 31 characters), the Vietnamese label of every enumerated value
(`value_labels(column)`: the model choices' own labels, the indicator registry's labels for indicator
codes, "có"/"không" for yes/no) and the hidden sheet holding the drop-down lists (`LISTS_SHEET`).
The export writes labels; the import accepts the key or the label."""

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from phoihop.core import cells as p
from phoihop.core.text import fold
from phoihop.indicators.registry import REGISTRY
from phoihop.orgs.models import Enterprise, Transfer, Unit
from phoihop.records import models as r
from phoihop.records.identity import cccd_cell


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # Vietnamese; English through the catalogue (marked with gettext_noop)
    parse: p.Parser
    field: str | None = None  # model attribute; for references the ForeignKey name
    required: bool = False
    ref: str | None = None  # sheet key whose code this column names
    note: str = ""
    # value → Vietnamese label, for a column whose parser is not a choice but whose values are
    # enumerated elsewhere (indicator codes: the registry). Choice columns take their parser's choices.
    labels: Mapping[str, str] | None = dataclasses.field(default=None, compare=False)

    @property
    def choices(self) -> dict[str, str] | None:
        return getattr(self.parse, "choices", None)


@dataclass(frozen=True)
class Sheet:
    key: str
    label: str  # Vietnamese; English through the catalogue (marked with gettext_noop)
    model: type
    columns: tuple[Column, ...]
    key_columns: tuple[str, ...]
    unit_columns: tuple[str, ...] = ()  # columns naming the units that govern the row's scope
    extra: dict = field(default_factory=dict)
    short: str = ""  # the tab title when the label is longer than Excel's 31 characters
    # check(validator): the sheet's own checks across rows, run once per validation before anything is
    # written (a sheet an app above the workbook registers brings its own: periods/sheets.py).
    check: Callable | None = dataclasses.field(default=None, compare=False)

    @property
    def title(self) -> str:
        """The Vietnamese tab title in exported workbooks (Excel: ≤ 31 characters, none of []:*?/\\)."""
        return self.short or self.label

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def C(key, label, parse, field=None, *, required=False, ref=None, note="", labels=None):  # noqa: N802
    return Column(key, label, parse, field, required, ref, note, labels)


class _IndicatorLabels(Mapping):
    """Indicator code → its Vietnamese label, read from the indicator registry when asked (the registry
    fills in when the indicators app is ready, after this module is imported)."""

    _cache: tuple[int, dict[str, str]] = (0, {})

    def _registry(self) -> dict[str, str]:
        # Rebuilt only when the registry grew (it fills in once, when the app is ready): cells ask per row.
        if self._cache[0] != len(REGISTRY):
            self._cache = (len(REGISTRY), {code: ind.label for code, ind in REGISTRY.items()})
        return self._cache[1]

    def __getitem__(self, code: str) -> str:
        return self._registry()[code]

    def __iter__(self):
        return iter(self._registry())

    def __len__(self) -> int:
        return len(self._registry())


INDICATOR_LABELS: Mapping[str, str] = _IndicatorLabels()


def _labels(choices) -> dict[str, str]:
    return {c.value: str(c.label) for c in choices}


UNIT_KINDS = _labels(Unit.Kind)


def _defaulted(parse, default):
    """A parser whose blank cell (or absent column, on a new row) means `default` (periods.md)."""

    def parse_with_default(raw):
        return parse(raw)

    parse_with_default.default = default
    parse_with_default.choices = getattr(parse, "choices", None)
    return parse_with_default


REPORT_FREQUENCY = _defaulted(p.choice(_labels(r.ReportFrequency)), "nam")
DUE_DAYS = _defaulted(p.count, 15)
YEAR_NOTE = "Năm 4 chữ số"
DATE_NOTE = "YYYY-MM-DD hoặc DD/MM/YYYY"

SHEETS: list[Sheet] = [
    Sheet(
        "doanh_nghiep",
        gettext_noop("Doanh nghiệp"),
        Enterprise,
        (
            C("ma_doanh_nghiep", gettext_noop("Mã doanh nghiệp"), p.code, "code", required=True),
            C("ten", gettext_noop("Tên doanh nghiệp"), p.text(300), "name", required=True),
            C("ma_so_thue", gettext_noop("Mã số thuế"), p.tax_code, "tax_code", note="10 hoặc 13 chữ số"),
            C(
                "loai_hinh",
                gettext_noop("Loại hình"),
                p.choice(_labels(Enterprise.Ownership)),
                "ownership",
                required=True,
            ),
            C("dia_ban", gettext_noop("Địa bàn"), p.text(120), "area"),
            C("so_lao_dong", gettext_noop("Số lao động"), p.count, "workforce"),
        ),
        ("ma_doanh_nghiep",),
    ),
    Sheet(
        "don_vi",
        gettext_noop("Đơn vị"),
        Unit,
        (
            C("ma_don_vi", gettext_noop("Mã đơn vị"), p.code, "code", required=True),
            C("ten", gettext_noop("Tên đơn vị"), p.text(300), "name", required=True),
            C("loai", gettext_noop("Loại đơn vị"), p.choice(UNIT_KINDS), "kind", required=True),
            C(
                "ma_cap_tren",
                gettext_noop("Mã đơn vị cấp trên"),
                p.code,
                "parent",
                ref="don_vi",
                note="Cấp trên từ khi thành lập đến lần điều chuyển đầu tiên; trống nếu là cấp gốc",
            ),
            C(
                "ma_doanh_nghiep",
                gettext_noop("Mã doanh nghiệp"),
                p.code,
                "enterprise",
                ref="doanh_nghiep",
            ),
            C("dia_ban", gettext_noop("Địa bàn"), p.text(120), "area"),
            C(
                "ngay_thanh_lap",
                gettext_noop("Ngày thành lập"),
                p.parse_date,
                "founded_on",
                note=DATE_NOTE,
            ),
            C(
                "ngay_giai_the",
                gettext_noop("Ngày giải thể"),
                p.parse_date,
                "dissolved_on",
                note=DATE_NOTE,
            ),
            C(
                "ma_don_vi_tiep_nhan",
                gettext_noop("Mã đơn vị tiếp nhận"),
                p.code,
                "merged_into",
                ref="don_vi",
            ),
        ),
        ("ma_don_vi",),
        unit_columns=("ma_cap_tren",),
    ),
    Sheet(
        "dieu_chuyen",
        gettext_noop("Điều chuyển đơn vị"),
        Transfer,
        (
            C("ma_don_vi", gettext_noop("Mã đơn vị"), p.code, "unit", required=True, ref="don_vi"),
            C(
                "ngay_hieu_luc",
                gettext_noop("Ngày hiệu lực"),
                p.parse_date,
                "effective_on",
                required=True,
                note=DATE_NOTE,
            ),
            C(
                "ma_cap_tren_moi",
                gettext_noop("Mã đơn vị cấp trên mới"),
                p.code,
                "new_parent",
                required=True,
                ref="don_vi",
            ),
            C("so_quyet_dinh", gettext_noop("Số quyết định"), p.text(100), "decision_no"),
        ),
        ("ma_don_vi", "ngay_hieu_luc"),
        unit_columns=("ma_don_vi", "ma_cap_tren_moi"),
    ),
    Sheet(
        "nguoi",
        gettext_noop("Người"),
        r.Person,
        (
            C("ma_nguoi", gettext_noop("Mã người"), p.code, "code", required=True),
            C("ho_ten", gettext_noop("Họ và tên"), p.text(200), "full_name", required=True),
            C("ngay_sinh", gettext_noop("Ngày sinh"), p.parse_date, "birth_date", note=DATE_NOTE),
            C("gioi_tinh", gettext_noop("Giới tính"), p.choice(_labels(r.Person.Gender)), "gender"),
            C("dan_toc", gettext_noop("Dân tộc"), p.text(60), "ethnicity"),
            C(
                "ma_doanh_nghiep",
                gettext_noop("Mã doanh nghiệp"),
                p.code,
                "enterprise",
                ref="doanh_nghiep",
            ),
            C(
                "chu_doanh_nghiep",
                gettext_noop("Chủ doanh nghiệp"),
                p.yes_no,
                "is_business_owner",
                note="x/có hoặc để trống",
            ),
            C("ma_cdcs", gettext_noop("Mã CĐCS"), p.code, "grassroots_union", ref="don_vi"),
            C(
                "ngay_vao_cong_doan",
                gettext_noop("Ngày vào công đoàn"),
                p.parse_date,
                "union_joined_on",
                note=DATE_NOTE,
            ),
            C(
                "ngay_roi_cong_doan",
                gettext_noop("Ngày rời công đoàn"),
                p.parse_date,
                "union_left_on",
                note=DATE_NOTE,
            ),
            C("so_cccd", gettext_noop("Số CCCD"), cccd_cell, "cccd", note="12 chữ số; dữ liệu cá nhân"),
        ),
        ("ma_nguoi",),
        unit_columns=("ma_cdcs",),
    ),
    # A person's union and workplace over time. Its scope check is on the person (workbook.validate:
    # a member's earlier union may lie outside the scope that holds them now), so no unit_columns.
    Sheet(
        "qua_trinh",
        gettext_noop("Quá trình sinh hoạt công đoàn và nơi làm việc"),
        r.TimelineEntry,
        (
            C("ma_nguoi", gettext_noop("Mã người"), p.code, "person", required=True, ref="nguoi"),
            C("tu_ngay", gettext_noop("Từ ngày"), p.parse_date, "starts_on", required=True, note=DATE_NOTE),
            C("ma_cdcs", gettext_noop("Mã CĐCS"), p.code, "grassroots_union", ref="don_vi"),
            C(
                "ma_doanh_nghiep",
                gettext_noop("Mã doanh nghiệp"),
                p.code,
                "enterprise",
                ref="doanh_nghiep",
            ),
            C("ly_do", gettext_noop("Lý do"), p.text(200), "reason"),
        ),
        ("ma_nguoi", "tu_ngay"),
        short="Quá trình sinh hoạt, làm việc",
    ),
    Sheet(
        "chuong_trinh",
        gettext_noop("Chương trình phối hợp"),
        r.Program,
        (
            C("ma_chuong_trinh", gettext_noop("Mã chương trình"), p.code, "code", required=True),
            C("ten", gettext_noop("Tên chương trình"), p.text(300), "name", required=True),
            C("tu_ngay", gettext_noop("Từ ngày"), p.parse_date, "starts_on", required=True, note=DATE_NOTE),
            C(
                "den_ngay",
                gettext_noop("Đến ngày"),
                p.parse_date,
                "ends_on",
                required=True,
                note=DATE_NOTE,
            ),
            C(
                "ma_don_vi_cong_doan",
                gettext_noop("Bên công đoàn"),
                p.code,
                "union_root",
                required=True,
                ref="don_vi",
            ),
            C("ma_don_vi_dang", gettext_noop("Bên đảng"), p.code, "party_root", required=True, ref="don_vi"),
            C("ky_bao_cao", gettext_noop("Kỳ báo cáo"), REPORT_FREQUENCY, "frequency"),
            C("han_nop_sau_ngay", gettext_noop("Hạn nộp sau ngày"), DUE_DAYS, "due_days"),
        ),
        ("ma_chuong_trinh",),
        unit_columns=("ma_don_vi_cong_doan", "ma_don_vi_dang"),
    ),
    Sheet(
        "gioi_thieu",
        gettext_noop("Giới thiệu đoàn viên ưu tú"),
        r.Referral,
        (
            C("ma_nguoi", gettext_noop("Mã người"), p.code, "person", required=True, ref="nguoi"),
            C(
                "ngay_gioi_thieu",
                gettext_noop("Ngày giới thiệu"),
                p.parse_date,
                "referred_on",
                required=True,
                note=DATE_NOTE,
            ),
            C(
                "ma_don_vi_gioi_thieu",
                gettext_noop("Đơn vị giới thiệu"),
                p.code,
                "referring_unit",
                required=True,
                ref="don_vi",
            ),
            C(
                "ma_to_chuc_dang",
                gettext_noop("Tổ chức đảng tiếp nhận"),
                p.code,
                "receiving_party_unit",
                ref="don_vi",
            ),
        ),
        ("ma_nguoi", "ngay_gioi_thieu"),
        unit_columns=("ma_don_vi_gioi_thieu",),
    ),
    Sheet(
        "lop_boi_duong",
        gettext_noop("Lớp bồi dưỡng"),
        r.TrainingClass,
        (
            C("ma_lop", gettext_noop("Mã lớp"), p.code, "code", required=True),
            C("ten_lop", gettext_noop("Tên lớp"), p.text(300), "name", required=True),
            C(
                "ma_don_vi_to_chuc",
                gettext_noop("Đơn vị tổ chức"),
                p.code,
                "organiser",
                required=True,
                ref="don_vi",
            ),
            C(
                "ngay_bat_dau",
                gettext_noop("Ngày bắt đầu"),
                p.parse_date,
                "starts_on",
                required=True,
                note=DATE_NOTE,
            ),
            C("ngay_ket_thuc", gettext_noop("Ngày kết thúc"), p.parse_date, "ends_on", note=DATE_NOTE),
        ),
        ("ma_lop",),
        unit_columns=("ma_don_vi_to_chuc",),
    ),
    Sheet(
        "hoc_vien",
        gettext_noop("Học viên"),
        r.Enrolment,
        (
            C("ma_lop", gettext_noop("Mã lớp"), p.code, "training_class", required=True, ref="lop_boi_duong"),
            C("ma_nguoi", gettext_noop("Mã người"), p.code, "person", required=True, ref="nguoi"),
        ),
        ("ma_lop", "ma_nguoi"),
    ),
    Sheet(
        "ket_nap",
        gettext_noop("Kết nạp đảng viên"),
        r.Admission,
        (
            C("ma_nguoi", gettext_noop("Mã người"), p.code, "person", required=True, ref="nguoi"),
            C(
                "ngay_ket_nap",
                gettext_noop("Ngày kết nạp"),
                p.parse_date,
                "admitted_on",
                required=True,
                note=DATE_NOTE,
            ),
            C(
                "ma_to_chuc_dang",
                gettext_noop("Tổ chức đảng"),
                p.code,
                "party_unit",
                required=True,
                ref="don_vi",
            ),
            C("so_quyet_dinh", gettext_noop("Số quyết định"), p.text(100), "decision_no"),
            C(
                "ngay_chinh_thuc",
                gettext_noop("Ngày chuyển chính thức"),
                p.parse_date,
                "full_member_on",
                note=DATE_NOTE,
            ),
        ),
        ("ma_nguoi",),
        unit_columns=("ma_to_chuc_dang",),
    ),
    Sheet(
        "cong_trinh",
        gettext_noop("Công trình, sản phẩm"),
        r.Work,
        (
            C("ma_cong_trinh", gettext_noop("Mã công trình"), p.code, "code", required=True),
            C("ten", gettext_noop("Tên công trình, sản phẩm"), p.text(300), "name", required=True),
            C("ma_don_vi", gettext_noop("Đơn vị đăng ký"), p.code, "unit", required=True, ref="don_vi"),
            C("nam_dang_ky", gettext_noop("Năm đăng ký"), p.year, "year", required=True, note=YEAR_NOTE),
            C("phong_trao", gettext_noop("Phong trào thi đua"), p.text(300), "movement"),
        ),
        ("ma_cong_trinh",),
        unit_columns=("ma_don_vi",),
    ),
    Sheet(
        "sang_kien",
        gettext_noop("Sáng kiến"),
        r.Initiative,
        (
            C("ma_sang_kien", gettext_noop("Mã sáng kiến"), p.code, "code", required=True),
            C("ten", gettext_noop("Tên sáng kiến"), p.text(300), "name", required=True),
            C("ma_don_vi", gettext_noop("Đơn vị áp dụng"), p.code, "unit", required=True, ref="don_vi"),
            C("nam", gettext_noop("Năm công nhận"), p.year, "year", required=True, note=YEAR_NOTE),
            C(
                "gia_tri_lam_loi",
                gettext_noop("Giá trị làm lợi (đồng)"),
                p.money,
                "value_vnd",
                note="Số nguyên, ví dụ 17.000.000",
            ),
            C(
                "cap_cong_nhan",
                gettext_noop("Cấp công nhận"),
                p.choice(_labels(r.Initiative.Level)),
                "level",
                note="Trống = cơ sở",
            ),
            C(
                "tac_gia",
                gettext_noop("Tác giả"),
                p.code_list,
                "authors",
                ref="nguoi",
                note="Mã người, cách nhau bởi ;",
            ),
        ),
        ("ma_sang_kien",),
        unit_columns=("ma_don_vi",),
    ),
    Sheet(
        "hoi_thi",
        gettext_noop("Hội thi sáng tạo kỹ thuật"),
        r.ContestEntry,
        (
            C("ma_de_tai", gettext_noop("Mã đề tài"), p.code, "code", required=True),
            C("ten", gettext_noop("Tên đề tài"), p.text(300), "name", required=True),
            C("hoi_thi", gettext_noop("Hội thi"), p.text(300), "contest", required=True),
            C("cap", gettext_noop("Cấp"), p.choice(_labels(r.ContestEntry.Level)), "level", required=True),
            C("nam", gettext_noop("Năm"), p.year, "year", required=True, note=YEAR_NOTE),
            C("ma_don_vi", gettext_noop("Đơn vị"), p.code, "unit", ref="don_vi"),
            C("so_tac_gia", gettext_noop("Số tác giả"), p.count, "author_count", required=True),
            C("giai", gettext_noop("Giải"), p.choice(_labels(r.ContestEntry.Prize)), "prize"),
        ),
        ("ma_de_tai",),
        unit_columns=("ma_don_vi",),
    ),
    Sheet(
        "khen_thuong",
        gettext_noop("Khen thưởng"),
        r.Award,
        (
            C("ma_khen_thuong", gettext_noop("Mã khen thưởng"), p.code, "code", required=True),
            C(
                "doi_tuong",
                gettext_noop("Đối tượng"),
                p.choice(_labels(r.Award.Target)),
                "target",
                required=True,
            ),
            C(
                "ma_doanh_nghiep",
                gettext_noop("Mã doanh nghiệp"),
                p.code,
                "enterprise",
                ref="doanh_nghiep",
            ),
            C("ma_nguoi", gettext_noop("Mã người"), p.code, "person", ref="nguoi"),
            C(
                "nguoi_dung_dau",
                gettext_noop("Người đứng đầu doanh nghiệp"),
                p.yes_no,
                "is_enterprise_head",
            ),
            C("lao_dong_truc_tiep", gettext_noop("Lao động trực tiếp"), p.yes_no, "is_direct_worker"),
            C("cap", gettext_noop("Cấp khen"), p.choice(_labels(r.Award.Level)), "level", required=True),
            C(
                "hinh_thuc",
                gettext_noop("Hình thức"),
                p.open_choice(_labels(r.Award.Form)),
                "form",
                required=True,
            ),
            C("nam", gettext_noop("Năm"), p.year, "year", required=True, note=YEAR_NOTE),
            C("ma_don_vi", gettext_noop("Đơn vị đề nghị"), p.code, "proposing_unit", ref="don_vi"),
        ),
        ("ma_khen_thuong",),
        unit_columns=("ma_don_vi",),
    ),
    Sheet(
        "van_hoa",
        gettext_noop("Công nhận văn hóa"),
        r.CultureRecognition,
        (
            C(
                "ma_doanh_nghiep",
                gettext_noop("Mã doanh nghiệp"),
                p.code,
                "enterprise",
                required=True,
                ref="doanh_nghiep",
            ),
            C("nam", gettext_noop("Năm"), p.year, "year", required=True, note=YEAR_NOTE),
            C(
                "danh_hieu",
                gettext_noop("Danh hiệu"),
                p.choice(_labels(r.CultureRecognition.Title)),
                "title",
                required=True,
            ),
        ),
        ("ma_doanh_nghiep", "nam", "danh_hieu"),
    ),
    Sheet(
        "dan_chu",
        gettext_noop("Thực hiện Quy chế dân chủ ở cơ sở"),
        r.DemocracyReport,
        (
            C("ma_don_vi", gettext_noop("Mã đơn vị"), p.code, "unit", required=True, ref="don_vi"),
            C("nam", gettext_noop("Năm"), p.year, "year", required=True, note=YEAR_NOTE),
            C("da_thuc_hien", gettext_noop("Đã thực hiện"), p.yes_no, "implemented", required=True),
        ),
        ("ma_don_vi", "nam"),
        unit_columns=("ma_don_vi",),
        short="Quy chế dân chủ ở cơ sở",
    ),
    Sheet(
        "an_sinh",
        gettext_noop("An sinh xã hội, từ thiện"),
        r.WelfareContribution,
        (
            C("ma_dong_gop", gettext_noop("Mã đóng góp"), p.code, "code", required=True),
            C("ma_don_vi", gettext_noop("Đơn vị"), p.code, "unit", required=True, ref="don_vi"),
            C("ngay", gettext_noop("Ngày"), p.parse_date, "date", required=True, note=DATE_NOTE),
            C(
                "so_tien",
                gettext_noop("Số tiền (đồng)"),
                p.money,
                "amount_vnd",
                required=True,
                note="Số nguyên, ví dụ 17.000.000",
            ),
            C("noi_dung", gettext_noop("Nội dung"), p.text(300), "purpose"),
        ),
        ("ma_dong_gop",),
        unit_columns=("ma_don_vi",),
    ),
    Sheet(
        "chi_tieu",
        gettext_noop("Chỉ tiêu"),
        r.Target,
        (
            C(
                "ma_chi_tieu",
                gettext_noop("Mã chỉ tiêu"),
                p.text(80),
                "indicator_code",
                required=True,
                labels=INDICATOR_LABELS,
                note="Tên hoặc mã chỉ tiêu trong danh mục",
            ),
            C("ma_don_vi", gettext_noop("Đơn vị nhận chỉ tiêu"), p.code, "unit", required=True, ref="don_vi"),
            C("nam", gettext_noop("Năm"), p.year, "year", required=True, note=YEAR_NOTE),
            C("gia_tri", gettext_noop("Giá trị"), p.money, "value", required=True),
        ),
        ("ma_chi_tieu", "ma_don_vi", "nam"),
        unit_columns=("ma_don_vi",),
    ),
]

BY_KEY = {s.key: s for s in SHEETS}
# Sheet names match by key, label or tab title, folded like headers.
SHEET_NAMES = (
    {fold(s.key): s for s in SHEETS} | {fold(s.label): s for s in SHEETS} | {fold(s.title): s for s in SHEETS}
)


def register_sheet(sheet: Sheet) -> None:
    """Add a sheet declared by an app above the workbook (periods: `so_lieu_bao_cao`), after the standard
    ones; call it from the app's AppConfig.ready(), before any workbook is read or written."""
    if sheet.key in BY_KEY:
        return
    SHEETS.append(sheet)
    BY_KEY[sheet.key] = sheet
    SHEET_NAMES.update({fold(name): sheet for name in (sheet.key, sheet.label, sheet.title)})


# The hidden sheet of exported workbooks holding the drop-down lists (choice labels, unit and enterprise
# codes). It is not a sheet of the standard workbook: the importer skips it.
LISTS_SHEET = "_danh_muc"
YES_NO_LABELS = {True: "có", False: "không"}


def value_labels(column: Column) -> Mapping[str, str] | None:
    """The column's enumerated values, key → Vietnamese label (what exports write and drop-downs offer),
    or None when its values are not enumerated."""
    if column.labels is not None:
        return column.labels
    return column.choices


def label_of(column: Column, value):
    """The Vietnamese label an export writes for a stored value (the value itself when it has none)."""
    if column.parse is p.yes_no:
        return YES_NO_LABELS[bool(value)]
    labels = value_labels(column)
    if labels is not None and value in labels:
        return labels[value]
    return value


def key_of(column: Column, raw):
    """The key a cell holding a value's key or Vietnamese label stands for (the cell as it is when it is
    neither): for the importer, before the column's parser."""
    labels = value_labels(column)
    if labels is None or not isinstance(raw, str) or raw in labels:
        return raw
    lookup = _LOOKUPS.get(id(column))
    if lookup is None:
        lookup = _LOOKUPS[id(column)] = {fold(k): k for k in labels} | {fold(v): k for k, v in labels.items()}
    return lookup.get(fold(raw), raw)


_LOOKUPS: dict[int, dict[str, str]] = {}  # id(column) → folded key or label → key (columns live forever)
