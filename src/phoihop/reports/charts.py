"""The report's charts as PNG images, drawn with matplotlib's object API (`matplotlib.figure.Figure`, never
the state-machine interface: no global state shared between the threads of a server) in DejaVu Sans, which covers every
Vietnamese letter.

`chart_pngs(report)` returns {name: PNG bytes} for the charts the figures support: the yearly trend of
the main counts, the union → party flows of each year (referred, trained, admitted in that year — flows
of the same period, not one cohort followed step by step), and the ranking of units against their
targets (only when the period has targets). Every series has its own hatch as well as its colour, so a
black-and-white print keeps them apart; count axes show whole numbers only. The DOCX, PDF and HTML
documents and the portal article all use these.
"""

from __future__ import annotations

import hashlib
import io
import json
import textwrap
from collections import defaultdict

from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext

from phoihop.core import numbers as fmt
from phoihop.indicators import chart_specs as specs

# What each chart draws is declared once, in the indicators app (`indicators/chart_specs.py`), for the
# dashboard's SVG and these PNGs alike; this module only draws.
TREND_SERIES = specs.yearly_series()
FLOWS = specs.FLOWS
# The four counts of the period from union member to party member, for pages that list them side by side
# (the portal's lead picture): (code, short label msgid). They are flows of the same period, not one
# cohort: see FLOWS_NOTE in narrative.py before drawing them as a funnel.
PIPELINE = tuple((s.code, s.short) for s in specs.PIPELINE.series)
# name → title msgid of the pictures `chart_pngs` draws
TITLES = {"trend": specs.RESULTS_TREND.title, "pipeline": FLOWS.title, "ranking": specs.TARGET_RANKING.title}
RED, BLUE, GOLD, GREY = "#b3261e", "#1f4e8c", "#d9a400", "#6b7280"
FONT = 9


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _tidy(ax, *, counts_on: str | None = "y") -> None:
    """Light axes; a count axis gets whole-number ticks only."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.tick_params(labelsize=FONT - 1)
    axis = {"y": ax.yaxis, "x": ax.xaxis}.get(counts_on or "")
    if axis is not None:
        axis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.number(int(v))))


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)
    return buf.getvalue()


def _trend(report: dict):
    """One small bar chart per yearly series the report has a figure for."""
    indicators = report["indicators"]
    series = [s for s in TREND_SERIES if indicators.get(s.code, {}).get("value")]
    if not series:
        return None
    cols = 3 if len(series) > 2 else len(series)
    rows = (len(series) + cols - 1) // cols
    fig = _figure(7.2, 2.6 * rows)
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax, one in zip(axes.flat, series, strict=False):
        years = list(indicators[one.code]["by_year"])
        values = [v or 0 for v in one.by_year(indicators, years)]
        union = one.code.startswith("union")
        bars = ax.bar(
            years,
            values,
            color=RED if union else BLUE,
            hatch="" if union else "///",
            edgecolor="black",
            linewidth=0.6,
            width=0.6,
        )
        ax.bar_label(bars, labels=[fmt.number(v) for v in values], fontsize=FONT - 2, padding=1)
        ax.set_title(textwrap.fill(one.display_label, 24), loc="left", fontsize=FONT, fontweight="bold")
        ax.margins(y=0.2)
        _tidy(ax)
    for ax in list(axes.flat)[len(series) :]:
        ax.set_visible(False)
    return fig


# Colour and hatch of each flow, in the order FLOWS declares them (a black-and-white print keeps them apart).
FLOW_STYLES = ((BLUE, ""), (GOLD, "///"), (RED, "xx"))


def _flows(report: dict):
    """Grouped bars per year: referred, trained and admitted within that year."""
    indicators = report["indicators"]
    styles = dict(zip(FLOWS.series, FLOW_STYLES, strict=True))
    present = FLOWS.present(indicators)
    if not present:
        return None
    years = list((indicators[present[0].code].get("by_year") or {}).keys())
    if not years:
        return None
    fig = _figure(7.2, 3.0)
    ax = fig.subplots()
    width = 0.8 / len(present)
    for i, one in enumerate(present):
        colour, hatch = styles[one]
        values = [v or 0 for v in one.by_year(indicators, years)]
        xs = [n + (i - (len(present) - 1) / 2) * width for n in range(len(years))]
        bars = ax.bar(
            xs,
            values,
            width=width,
            color=colour,
            hatch=hatch,
            edgecolor="black",
            linewidth=0.6,
            label=one.display_short,
        )
        ax.bar_label(bars, labels=[fmt.number(v) for v in values], fontsize=FONT - 2, padding=1)
    ax.set_xticks(range(len(years)), years)
    ax.set_ylabel(FLOWS.display_axis, fontsize=FONT)
    ax.legend(fontsize=FONT - 1, frameon=False, ncols=len(present), loc="upper left")
    ax.margins(y=0.25)
    _tidy(ax)
    return fig


def ranking_rows(report: dict) -> list[tuple[str, float]]:
    """(unit name, mean % of target reached over its targets in the period), best first."""
    reached = defaultdict(list)
    for row in report.get("targets", []):
        if row.get("reached_pct") is not None:
            reached[row.get("unit_name") or row["unit"]].append(row["reached_pct"])
    return sorted(((u, round(sum(v) / len(v), 1)) for u, v in reached.items()), key=lambda r: -r[1])


# A ranking of more units than this shows the best and the worst half of it (a national program's targets
# fall on hundreds of units: a bar each made a picture metres long, 10 s to draw); the targets table of the
# report lists every unit.
RANKED_SHOWN = 30


def _ranking(report: dict):
    rows = ranking_rows(report)
    if not rows:
        return None
    total = len(rows)
    if total > RANKED_SHOWN:
        half = RANKED_SHOWN // 2
        rows = rows[:half] + rows[-half:]
    fig = _figure(7.2, 0.34 * len(rows) + 1.0)
    ax = fig.subplots()
    names = [textwrap.shorten(name, 42, placeholder="…") for name, _ in rows][::-1]
    values = [v for _, v in rows][::-1]
    bars = ax.barh(
        names,
        values,
        color=[BLUE if v >= specs.TARGET_RANKING.reference else GOLD for v in values],
        hatch=["" if v >= specs.TARGET_RANKING.reference else "///" for v in values],
        edgecolor="black",
        linewidth=0.6,
        height=0.6,
    )
    ax.bar_label(bars, labels=[fmt.percent(v) for v in values], padding=3, fontsize=FONT - 1)
    ax.axvline(specs.TARGET_RANKING.reference, color=GREY, linewidth=0.9, linestyle="--")
    label = specs.TARGET_RANKING.display_axis
    if total > RANKED_SHOWN:
        label += "\n" + gettext(
            "%(shown)s đơn vị cao nhất và %(shown)s đơn vị thấp nhất trong %(total)s đơn vị"
        ) % {
            "shown": RANKED_SHOWN // 2,
            "total": fmt.number(total),
        }
    ax.set_xlabel(label, fontsize=FONT - 1)
    ax.margins(x=0.12)
    _tidy(ax, counts_on="x")
    return fig


def chart_figures(report: dict) -> dict:
    """{name: matplotlib Figure} of the charts the report's figures support, in document order."""
    out = {}
    for name, draw in (("trend", _trend), ("pipeline", _flows), ("ranking", _ranking)):
        fig = draw(report)
        if fig is not None:
            out[name] = fig
    return out


def chart_pngs(report: dict) -> dict[str, bytes]:
    """The pictures, drawn once per report content and language (Django's cache: every view of a report
    page, and each of its documents, shows the same three; drawing them takes a second or more)."""
    content = json.dumps(
        {k: v for k, v in report.items() if k != "generated_at"}, sort_keys=True, default=str
    )
    key = f"charts:{translation.get_language()}:{hashlib.sha256(content.encode()).hexdigest()}"
    pngs = cache.get(key)
    if pngs is None:
        pngs = {name: _png(fig) for name, fig in chart_figures(report).items()}
        cache.set(key, pngs, CHARTS_TTL)
    return pngs


CHARTS_TTL = 24 * 3600


def titled_pngs(report: dict) -> list[tuple[str, bytes]]:
    """(title in the active language, PNG) of each chart the report's figures support."""
    return [(gettext(TITLES[name]), png) for name, png in chart_pngs(report).items()]
