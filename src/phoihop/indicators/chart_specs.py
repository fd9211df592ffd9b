"""The program's charts, declared once: which indicators each chart draws, what kind of chart it is, its
series and their labels. The dashboard draws them as inline SVG (`indicators/svg.py`, composed in
`reports/dashboard.py`) and the report documents as PNG images (`reports/charts.py`, matplotlib);
neither lists indicators of its own.

Titles and labels are Vietnamese gettext msgids, translated when drawn (`display_title`,
`display_label`). A series without a label of its own shows its indicator's registry label
(`Indicator.display_label`); `short` is the label where room is tight (a legend under grouped bars,
the portal's lead picture).
"""

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop

from .registry import REGISTRY, Indicator

# What a chart is: lines over the years; one small bar chart per series over the years; bars grouped
# by year, one per series; stages of a pipeline (one figure each); units ranked against a reference.
LINES, BARS, GROUPED, STAGES, RANKING = "lines", "bars", "grouped", "stages", "ranking"


@dataclass(frozen=True)
class Series:
    code: str  # the indicator drawn
    label: str = ""  # msgid; "" = the indicator's registry label
    short: str = ""  # msgid for tight places; "" = `label`
    scale: int = 1  # drawn divided by this (money in millions keeps bar labels short)

    @property
    def indicator(self) -> Indicator:
        return REGISTRY[self.code]

    @property
    def display_label(self) -> str:
        if self.label:
            return gettext(self.label)
        label = self.indicator.display_label
        if self.scale == 10**6:  # the registry says "(đồng)"; the chart draws millions
            label = label.replace("(đồng)", gettext("(triệu đồng)"))
        return label

    @property
    def display_short(self) -> str:
        return gettext(self.short) if self.short else self.display_label

    def by_year(self, indicators: dict, years: list[str]) -> list[int | float | None]:
        """The series' figure of each year (None where the report has none)."""
        by_year = indicators.get(self.code, {}).get("by_year") or {}
        return [self._scaled(by_year.get(year)) for year in years]

    def _scaled(self, value):
        if value is None or self.scale == 1:
            return value
        return round(value / self.scale)


@dataclass(frozen=True)
class Chart:
    name: str
    title: str  # msgid
    kind: str
    series: tuple[Series, ...] = ()
    axis: str = ""  # msgid of the value axis, where one is drawn
    reference: float | None = None  # a line drawn at this value (100 % of a target)

    @property
    def display_title(self) -> str:
        return gettext(self.title)

    @property
    def display_axis(self) -> str:
        return gettext(self.axis) if self.axis else ""

    def present(self, indicators: dict) -> tuple[Series, ...]:
        """The series the report has a figure for (a chart leaves out what is empty)."""
        return tuple(s for s in self.series if indicators.get(s.code, {}).get("value"))


MEMBERS = Series(
    "union.members_admitted", gettext_noop("Đoàn viên phát triển mới"), gettext_noop("Đoàn viên mới")
)
REFERRED = Series(
    "union.outstanding_referred",
    gettext_noop("Đoàn viên ưu tú được giới thiệu"),
    gettext_noop("Được giới thiệu"),
)
TRAINED = Series(
    "party.trainees", gettext_noop("Học viên lớp bồi dưỡng kết nạp Đảng"), gettext_noop("Được bồi dưỡng")
)
ADMITTED = Series("union.referred_admitted", gettext_noop("Được kết nạp Đảng"), gettext_noop("Được kết nạp"))

# The people counts year by year: one line each on the dashboard.
PEOPLE_TREND = Chart(
    "people_trend",
    gettext_noop("Phát triển đoàn viên và giới thiệu cho Đảng theo năm"),
    LINES,
    (Series(MEMBERS.code), Series(REFERRED.code), Series(ADMITTED.code)),
)
# The other main results year by year: one small bar chart each.
RESULTS_TREND = Chart(
    "results_trend",
    gettext_noop("Kết quả chính theo năm"),
    BARS,
    (
        Series("union.grassroots_founded"),
        Series("party.members_admitted_in_enterprises"),
        Series("emulation.initiatives_applied"),
        Series("welfare.contributions_vnd", scale=10**6),
    ),
)
# From union member to party member. The four counts are flows of the same period, not one cohort
# followed step by step (narrative.FLOWS_NOTE): the dashboard shows them as stages with the share each
# takes of the stage it comes from.
PIPELINE = Chart(
    "pipeline",
    gettext_noop("Từ đoàn viên công đoàn đến đảng viên"),
    STAGES,
    (MEMBERS, REFERRED, TRAINED, ADMITTED),
)
# The same flows toward the party, year by year (the new members are the pool, not a flow to the party).
FLOWS = Chart(
    "flows",
    gettext_noop("Giới thiệu, bồi dưỡng và kết nạp phát sinh trong từng năm"),
    GROUPED,
    PIPELINE.series[1:],
    axis=gettext_noop("Số người"),
)
# Units against their targets: the mean share reached, with a line at 100 %.
TARGET_RANKING = Chart(
    "ranking",
    gettext_noop("Mức đạt chỉ tiêu bình quân theo đơn vị"),
    RANKING,
    axis=gettext_noop("Tỷ lệ đạt chỉ tiêu (nét đứt: 100%; gạch chéo: chưa đạt)"),
    reference=100,
)


def yearly_series() -> tuple[Series, ...]:
    """Every series drawn year by year (the report documents draw them as small multiples)."""
    return PEOPLE_TREND.series + RESULTS_TREND.series
