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

import io
import textwrap
from collections import defaultdict

from phoihop.core import numbers as fmt

TREND = (
    "union.grassroots_founded",
    "union.members_admitted",
    "union.outstanding_referred",
    "union.referred_admitted",
    "party.members_admitted_in_enterprises",
    "emulation.initiatives_applied",
)
FLOWS = (
    ("union.outstanding_referred", "Được giới thiệu", "#1f4e8c", ""),
    ("party.trainees", "Được bồi dưỡng", "#d9a400", "///"),
    ("union.referred_admitted", "Được kết nạp", "#b3261e", "xx"),
)
# The four counts of the period from union member to party member, for pages that list them side by side
# (the portal's lead picture). They are flows of the same period, not one cohort: see FLOWS_NOTE in
# narrative.py before drawing them as a funnel.
PIPELINE = (
    ("union.members_admitted", "Đoàn viên mới"),
    ("union.outstanding_referred", "Được giới thiệu"),
    ("party.trainees", "Được bồi dưỡng"),
    ("union.referred_admitted", "Được kết nạp"),
)
TITLES = {
    "trend": "Kết quả chính theo năm",
    "pipeline": "Giới thiệu, bồi dưỡng và kết nạp phát sinh trong từng năm",
    "ranking": "Mức đạt chỉ tiêu bình quân theo đơn vị",
}
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


def _trend(report: dict) -> bytes | None:
    series = [(c, report["indicators"][c]) for c in TREND if report["indicators"].get(c, {}).get("value")]
    if not series:
        return None
    cols = 3 if len(series) > 2 else len(series)
    rows = (len(series) + cols - 1) // cols
    fig = _figure(7.2, 2.6 * rows)
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax, (code, entry) in zip(axes.flat, series, strict=False):
        years = list(entry["by_year"])
        values = [entry["by_year"][y] or 0 for y in years]
        union = code.startswith("union")
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
        ax.set_title(textwrap.fill(entry["label"], 24), loc="left", fontsize=FONT, fontweight="bold")
        ax.margins(y=0.2)
        _tidy(ax)
    for ax in list(axes.flat)[len(series) :]:
        ax.set_visible(False)
    return _png(fig)


def _flows(report: dict) -> bytes | None:
    """Grouped bars per year: referred, trained and admitted within that year."""
    present = [
        (code, label, colour, hatch)
        for code, label, colour, hatch in FLOWS
        if report["indicators"].get(code, {}).get("value")
    ]
    if not present:
        return None
    years = list((report["indicators"][present[0][0]].get("by_year") or {}).keys())
    if not years:
        return None
    fig = _figure(7.2, 3.0)
    ax = fig.subplots()
    width = 0.8 / len(present)
    for i, (code, label, colour, hatch) in enumerate(present):
        by_year = report["indicators"][code].get("by_year") or {}
        values = [by_year.get(y) or 0 for y in years]
        xs = [n + (i - (len(present) - 1) / 2) * width for n in range(len(years))]
        bars = ax.bar(
            xs, values, width=width, color=colour, hatch=hatch, edgecolor="black", linewidth=0.6, label=label
        )
        ax.bar_label(bars, labels=[fmt.number(v) for v in values], fontsize=FONT - 2, padding=1)
    ax.set_xticks(range(len(years)), years)
    ax.set_ylabel("Số người", fontsize=FONT)
    ax.legend(fontsize=FONT - 1, frameon=False, ncols=len(present), loc="upper left")
    ax.margins(y=0.25)
    _tidy(ax)
    return _png(fig)


def ranking_rows(report: dict) -> list[tuple[str, float]]:
    """(unit name, mean % of target reached over its targets in the period), best first."""
    reached = defaultdict(list)
    for row in report.get("targets", []):
        if row.get("reached_pct") is not None:
            reached[row.get("unit_name") or row["unit"]].append(row["reached_pct"])
    return sorted(((u, round(sum(v) / len(v), 1)) for u, v in reached.items()), key=lambda r: -r[1])


def _ranking(report: dict) -> bytes | None:
    rows = ranking_rows(report)
    if not rows:
        return None
    fig = _figure(7.2, 0.34 * len(rows) + 1.0)
    ax = fig.subplots()
    names = [textwrap.shorten(name, 42, placeholder="…") for name, _ in rows][::-1]
    values = [v for _, v in rows][::-1]
    bars = ax.barh(
        names,
        values,
        color=[BLUE if v >= 100 else GOLD for v in values],
        hatch=["" if v >= 100 else "///" for v in values],
        edgecolor="black",
        linewidth=0.6,
        height=0.6,
    )
    ax.bar_label(bars, labels=[fmt.percent(v) for v in values], padding=3, fontsize=FONT - 1)
    ax.axvline(100, color=GREY, linewidth=0.9, linestyle="--")
    ax.set_xlabel("% chỉ tiêu (nét đứt: 100%; gạch chéo: chưa đạt)", fontsize=FONT - 1)
    ax.margins(x=0.12)
    _tidy(ax, counts_on="x")
    return _png(fig)


def chart_pngs(report: dict) -> dict[str, bytes]:
    out = {}
    for name, draw in (("trend", _trend), ("pipeline", _flows), ("ranking", _ranking)):
        png = draw(report)
        if png:
            out[name] = png
    return out
