"""The charts are declared once (`indicators/chart_specs.py`): the report documents' pictures draw the
series the declarations name, labelled as they say, in the reader's language."""

from django.utils import translation

from phoihop.indicators import chart_specs as specs
from phoihop.indicators.registry import REGISTRY
from phoihop.reports import charts

YEARS = ["2021", "2022"]


def report_with(figures: dict[str, dict[str, int]]) -> dict:
    """A report whose indicators have the given yearly figures (value = their sum), the rest empty."""
    indicators = {code: {"value": 0, "by_year": dict.fromkeys(YEARS, 0), "by_unit": {}} for code in REGISTRY}
    for code, by_year in figures.items():
        indicators[code] = {"value": sum(by_year.values()), "by_year": by_year, "by_unit": {}}
    return {"indicators": indicators, "targets": []}


def test_every_charted_series_is_an_indicator_of_the_registry():
    charted = {
        s.code
        for chart in (specs.PEOPLE_TREND, specs.RESULTS_TREND, specs.PIPELINE, specs.FLOWS)
        for s in chart.series
    }
    assert charted <= set(REGISTRY)
    assert set(specs.FLOWS.series) < set(specs.PIPELINE.series)  # the flows are the pipeline's stages


def test_money_is_drawn_in_millions_and_says_so():
    welfare = next(s for s in specs.RESULTS_TREND.series if s.code == "welfare.contributions_vnd")
    figures = {"welfare.contributions_vnd": {"by_year": {"2021": 175_386_250_000}}}
    assert welfare.by_year(figures, YEARS) == [175_386, None]
    assert welfare.display_label == "Tổng số tiền ủng hộ, an sinh xã hội (triệu đồng)"


def test_the_document_trend_has_one_panel_per_declared_series_with_a_figure_titled_from_the_registry():
    report = report_with(
        {
            "union.members_admitted": {"2021": 12, "2022": 30},
            "emulation.initiatives_applied": {"2021": 4, "2022": 0},
            "party.trainees": {"2021": 9, "2022": 9},  # in no yearly chart: not drawn
        }
    )
    trend = charts.chart_figures(report)["trend"]
    titles = [ax.get_title(loc="left").replace("\n", " ") for ax in trend.axes if ax.get_visible()]
    assert titles == ["Số đoàn viên phát triển mới", "Số sáng kiến được áp dụng"]
    members = next(ax for ax in trend.axes if ax.get_title(loc="left").startswith("Số đoàn viên"))
    assert [t.get_text() for t in members.texts] == ["12", "30"]  # the bars' figures


def test_the_document_flows_are_the_declared_stages_with_their_short_labels_in_the_readers_language():
    report = report_with(
        {
            "union.outstanding_referred": {"2021": 1200, "2022": 1300},
            "union.referred_admitted": {"2021": 800, "2022": 900},
        }
    )
    flows = charts.chart_figures(report)["pipeline"]
    legend = [t.get_text() for t in flows.axes[0].get_legend().get_texts()]
    assert legend == ["Được giới thiệu", "Được kết nạp"]  # trainees have no figure: no bars
    bar_labels = [t.get_text() for t in flows.axes[0].texts]
    assert "1.200" in bar_labels and "900" in bar_labels  # figures written as a Vietnamese reader does
    with translation.override("en"):
        english = charts.chart_figures(report)["pipeline"]
        assert "1,200" in [t.get_text() for t in english.axes[0].texts]
        assert english.axes[0].get_ylabel() == translation.gettext("Số người")


def test_a_ranking_of_hundreds_of_units_shows_the_best_and_the_worst_fifteen():
    report = report_with({})
    report["targets"] = [
        {"unit": f"U{i:03d}", "unit_name": f"Đơn vị {i:03d}", "reached_pct": float(i)} for i in range(442)
    ]
    ranking = charts.chart_figures(report)["ranking"]
    ax = ranking.axes[0]
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert len(names) == charts.RANKED_SHOWN
    assert "Đơn vị 441" in names and "Đơn vị 427" in names and "Đơn vị 000" in names and "Đơn vị 014" in names
    assert "Đơn vị 200" not in names
    assert "15 đơn vị cao nhất và 15 đơn vị thấp nhất trong 442 đơn vị" in ax.get_xlabel()


def test_the_pictures_of_a_report_are_drawn_once(monkeypatch):
    report = report_with({"union.members_admitted": {"2021": 12, "2022": 30}})
    drawn = []
    monkeypatch.setattr(charts, "_png", lambda fig: drawn.append(fig) or b"\x89PNG")
    first = charts.chart_pngs(report)
    assert charts.chart_pngs({**report, "generated_at": "later"}) == first
    assert len(drawn) == len(first) == 1
    report["indicators"]["union.members_admitted"]["by_year"]["2022"] = 31
    charts.chart_pngs(report)  # other figures: drawn again
    assert len(drawn) == 2
