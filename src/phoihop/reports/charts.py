"""The report's charts as PNG images, drawn with matplotlib in DejaVu Sans (full Vietnamese coverage).

`chart_pngs(report)` returns {name: PNG bytes} for the charts the figures support: the yearly trend of
the main counts, the union → party pipeline, and the ranking of units against their targets (only when
the period has targets). The HTML, DOCX and PDF documents and the portal article all use these.
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
PIPELINE = (
    ("union.members_admitted", "Đoàn viên mới"),
    ("union.outstanding_referred", "Được giới thiệu"),
    ("party.trainees", "Được bồi dưỡng"),
    ("union.referred_admitted", "Được kết nạp"),
)
TITLES = {
    "trend": "Kết quả chính theo năm",
    "pipeline": "Từ đoàn viên đến đảng viên",
    "ranking": "Mức đạt chỉ tiêu bình quân theo đơn vị",
}
RED, BLUE, GOLD, GREY = "#b3261e", "#1f4e8c", "#d9a400", "#6b7280"


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titleweight": "bold",
            "axes.titlesize": 9,
        }
    )
    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight")
    fig.clf()
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buf.getvalue()


def _trend(plt, report: dict) -> bytes | None:
    series = [(c, report["indicators"][c]) for c in TREND if report["indicators"].get(c, {}).get("value")]
    if not series:
        return None
    cols = 3
    rows = (len(series) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(7.2, 2.5 * rows), squeeze=False)
    for ax, (code, entry) in zip(axes.flat, series, strict=False):
        years = list(entry["by_year"])
        values = [entry["by_year"][y] or 0 for y in years]
        bars = ax.bar(years, values, color=RED if code.startswith("union") else BLUE, width=0.6)
        ax.bar_label(bars, labels=[fmt.number(v) for v in values], fontsize=7, padding=1)
        ax.set_title(textwrap.fill(entry["label"], 30), loc="left")
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.margins(y=0.2)
    for ax in list(axes.flat)[len(series) :]:
        ax.set_visible(False)
    fig.tight_layout()
    return _png(fig)


def _pipeline(plt, report: dict) -> bytes | None:
    steps = [(label, report["indicators"].get(code, {}).get("value") or 0) for code, label in PIPELINE]
    if not any(v for _, v in steps):
        return None
    fig, ax = plt.subplots(figsize=(7.2, 2.2))
    labels = [label for label, _ in steps][::-1]
    values = [v for _, v in steps][::-1]
    bars = ax.barh(labels, values, color=[BLUE, GOLD, RED, RED][: len(values)], height=0.6)
    ax.bar_label(bars, labels=[fmt.number(v) for v in values], padding=3)
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    ax.margins(x=0.15)
    fig.tight_layout()
    return _png(fig)


def ranking_rows(report: dict) -> list[tuple[str, float]]:
    """(unit name, mean % of target reached over its targets in the period), best first."""
    reached = defaultdict(list)
    for row in report.get("targets", []):
        if row.get("reached_pct") is not None:
            reached[row.get("unit_name") or row["unit"]].append(row["reached_pct"])
    return sorted(((u, round(sum(v) / len(v), 1)) for u, v in reached.items()), key=lambda r: -r[1])


def _ranking(plt, report: dict) -> bytes | None:
    rows = ranking_rows(report)
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(7.2, 0.32 * len(rows) + 0.8))
    names = [name for name, _ in rows][::-1]
    values = [v for _, v in rows][::-1]
    bars = ax.barh(names, values, color=[BLUE if v >= 100 else GOLD for v in values], height=0.6)
    ax.bar_label(bars, labels=[fmt.percent(v) for v in values], padding=3, fontsize=8)
    ax.axvline(100, color=GREY, linewidth=0.8, linestyle="--")
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    ax.margins(x=0.12)
    fig.tight_layout()
    return _png(fig)


def chart_pngs(report: dict) -> dict[str, bytes]:
    plt = _pyplot()
    out = {}
    for name, draw in (("trend", _trend), ("pipeline", _pipeline), ("ranking", _ranking)):
        png = draw(plt, report)
        if png:
            out[name] = png
    return out
