"""A news article written from a review report (phoihop.reports.assemble.build_report's JSON), as pure
functions of the report: its title, address, summary, pictures (the lead chart and the report's charts)
and body HTML. Nothing here reads or writes the database; portal/services.py
(`draft_article_from_report`) saves the draft, its pictures and the attached PDF."""

from __future__ import annotations

import io
import re
import textwrap
from datetime import date

from django.utils.html import escape

from phoihop.core import numbers
from phoihop.core.text import slugify_vi
from phoihop.reports import charts, narrative

CATEGORY = ("Phối hợp Công đoàn – Đảng", "phoi-hop-cong-doan-dang")


def title_for(report: dict) -> str:
    program = report.get("program_name") or report.get("program", "")
    years = numbers.period(report["period"]["from"], report["period"]["to"])
    if years.replace("–", "-") in program.replace("–", "-"):
        return f"Kết quả thực hiện {program}"[:300]
    return f"Kết quả thực hiện {program} giai đoạn {years}"[:300]


def _years(date_from: str, date_to: str) -> tuple[int, int]:
    return date.fromisoformat(date_from).year, date.fromisoformat(date_to).year


def title_for_period(program_name: str, date_from: str, date_to: str) -> str:
    return title_for({"program_name": program_name, "period": {"from": date_from, "to": date_to}})


def slug_for(title: str, date_from: str, date_to: str, scope_code: str = "") -> str:
    """The article's address with the period's years always at its end ("…-2021-2025"), so two periods
    of one program never share an address however long the title."""
    first, last = _years(date_from, date_to)
    years = f"{first}-{last}" if first != last else f"{first}"
    tail = "-".join(p for p in (slugify_vi(scope_code, 20) if scope_code else "", years) if p)
    stem = re.sub(r"-?\b(19|20)\d\d\b(-(19|20)\d\d\b)?", "", slugify_vi(title, 100)).strip("-")
    return f"{stem[: 99 - len(tail)].rstrip('-')}-{tail}"


def lead_chart(report: dict) -> bytes | None:
    """The lead picture made for the purpose: ONE chart of the period's counts from union member to party
    member, 16:9, large type, its title inside the picture so nothing is cut off in a 16:9 frame. The four
    counts are flows of the same period, not one cohort followed step by step, and the picture says so.
    Drawn with matplotlib's `Figure` (no pyplot: no global state shared between a server's threads)."""
    from matplotlib.figure import Figure  # loaded when a chart is drawn, not when a server starts

    steps = [(label, report["indicators"].get(code, {}).get("value") or 0) for code, label in charts.PIPELINE]
    if not any(v for _, v in steps):
        return None
    first, last = _years(report["period"]["from"], report["period"]["to"])
    fig = Figure(figsize=(12, 6.75), dpi=100, facecolor="white")
    ax = fig.add_subplot()
    labels = [label for label, _ in steps][::-1]
    values = [v for _, v in steps][::-1]
    bars = ax.barh(
        labels,
        values,
        color=[charts.BLUE, charts.GOLD, charts.RED, charts.GREY][: len(values)],
        hatch=["", "///", "xx", ".."][: len(values)],
        edgecolor="black",
        height=0.62,
    )
    ax.bar_label(bars, labels=[numbers.number(v) for v in values], padding=8, fontsize=22, fontweight="bold")
    ax.tick_params(axis="y", labelsize=20, length=0)
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.margins(x=0.18)
    period = f"{first}–{last}" if first != last else str(first)
    fig.suptitle(
        textwrap.fill(f"Phát triển đoàn viên và đảng viên, {period}", 48),
        fontsize=28,
        fontweight="bold",
        x=0.04,
        ha="left",
    )
    fig.text(0.04, 0.03, "Số phát sinh trong kỳ ở từng khâu, không phải cùng một nhóm người.", fontsize=15)
    fig.tight_layout(rect=(0.02, 0.07, 0.98, 0.9))
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=100)
    return out.getvalue()


def lead_chart_alt(report: dict) -> str:
    parts = [
        f"{label}: {numbers.number(report['indicators'].get(code, {}).get('value') or 0)}"
        for code, label in charts.PIPELINE
    ]
    return ("Biểu đồ thanh: " + "; ".join(parts) + ".")[:300]


def summary_for(report: dict) -> str:
    who = " và ".join(report.get("scope_names") or report.get("scope") or [])
    period = report["period"]
    return (
        f"Sơ kết, tổng kết chương trình phối hợp giữa {who} từ ngày {numbers.day(period['from'])} "
        f"đến ngày {numbers.day(period['to'])}: kết quả xây dựng tổ chức công đoàn, phát triển đảng viên "
        "trong doanh nghiệp, thi đua, khen thưởng, văn hóa doanh nghiệp, dân chủ cơ sở và an sinh xã hội."
    )[:1000]


def source_for(report: dict) -> str:
    """What the article records as its source: the report's program, period and scope."""
    period = report.get("period", {})
    return (
        f"report:{report.get('program', '')}:{period.get('from', '')}:{period.get('to', '')}:"
        f"{','.join(report.get('scope') or [])}"
    )[:200]


def document_title(report: dict) -> str:
    """The title of the report's PDF attached to the article ("Văn bản")."""
    program = report.get("program_name") or report.get("program", "")
    first, last = _years(report["period"]["from"], report["period"]["to"])
    return f"Báo cáo {program}" + (
        f" ({first}–{last})" if str(first) not in (report.get("program_name") or "") else ""
    )


def chart_pictures(report: dict) -> list[tuple[str, bytes, str]]:
    """The report's charts as (name, PNG, caption), in the report's order."""
    titles = charts.TITLES
    return [(name, png, titles.get(name, name)) for name, png in charts.chart_pngs(report).items()]


# Which content area's section each chart follows; the others close the article.
CHART_AFTER = {"organisation": "trend", "party": "pipeline", "awards": "ranking"}


def body_html(report: dict, figures: dict[str, str]) -> str:
    """The article's body: the opening, one section per content area with its paragraph, each chart's
    `figures[name]` (its <figure> HTML, made once the picture is saved) after its section."""
    opening = narrative.opening(report)
    parts = [f"<p>{escape(opening)}</p>"] if opening else []
    placed = set()
    area_keys = list((report.get("units", {}).get("area_titles") or {}).items())
    for section_title, text in narrative.narrative_paragraphs(report):
        parts.append(f"<h2>{escape(section_title)}</h2>")
        parts.append(f"<p>{escape(text)}</p>")
        area = next((key for key, label in area_keys if label == section_title), None)
        chart = CHART_AFTER.get(area or "")
        if chart in figures and chart not in placed:
            parts.append(figures[chart])
            placed.add(chart)
    for name, html in figures.items():
        if name not in placed:
            parts.append(html)
    return "\n".join(parts)
