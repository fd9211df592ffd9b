"""A draft news article written from a review report (phoihop.reports.assemble.build_report's JSON)."""

from __future__ import annotations

from django.db import transaction
from django.utils.html import escape

from phoihop.core import numbers

from .models import Article, Category

CATEGORY = ("Phối hợp Công đoàn – Đảng", "phoi-hop-cong-doan-dang")


def title_for(report: dict) -> str:
    program = report.get("program_name") or report.get("program", "")
    years = numbers.period(report["period"]["from"], report["period"]["to"])
    if years.replace("–", "-") in program.replace("–", "-"):
        return f"Kết quả thực hiện {program}"[:300]
    return f"Kết quả thực hiện {program} giai đoạn {years}"[:300]


def summary_for(report: dict) -> str:
    who = " và ".join(report.get("scope_names") or report.get("scope") or [])
    period = report["period"]
    return (
        f"Sơ kết, tổng kết chương trình phối hợp giữa {who} từ ngày {numbers.day(period['from'])} "
        f"đến ngày {numbers.day(period['to'])}: kết quả xây dựng tổ chức công đoàn, phát triển đảng viên "
        "trong doanh nghiệp, thi đua, khen thưởng, văn hóa doanh nghiệp, dân chủ cơ sở và an sinh xã hội."
    )[:1000]


def _paragraphs(report: dict) -> tuple[str, list[tuple[str, str]]]:
    from phoihop.reports import narrative

    return narrative.opening(report), narrative.narrative_paragraphs(report)


def _charts(report: dict) -> tuple[dict[str, bytes], dict[str, str]]:
    from phoihop.reports import charts

    return charts.chart_pngs(report), charts.TITLES


@transaction.atomic
def compose_from_report(*, user, report: dict) -> Article:
    from .services import add_image, create_article, ensure_category, figure_html, update_article

    opening, paragraphs = _paragraphs(report)
    pngs, titles = _charts(report)
    category = ensure_category(name=CATEGORY[0], slug=CATEGORY[1], position=0)
    article = create_article(
        user=user,
        title=title_for(report),
        summary=summary_for(report),
        category=category,
        author_name="Ban biên tập",
        photo_credit="Biểu đồ lập từ số liệu báo cáo",
        source=f"report:{report.get('program', '')}:{report.get('period', {}).get('from', '')}:"
        f"{report.get('period', {}).get('to', '')}:{','.join(report.get('scope', []))}"[:200],
    )
    figures = {}
    for name, png in pngs.items():
        caption = titles.get(name, name)
        image = add_image(
            user=user, article=article, data=png, name=f"{name}.png", caption=caption, credit="phoihop"
        )
        figures[name] = figure_html(image)
    parts = [f"<p>{escape(opening)}</p>"] if opening else []
    placed = set()
    chart_after = {"organisation": "trend", "party": "pipeline", "awards": "ranking"}
    area_keys = list((report.get("units", {}).get("area_titles") or {}).items())
    for title, text in paragraphs:
        parts.append(f"<h2>{escape(title)}</h2>")
        parts.append(f"<p>{escape(text)}</p>")
        area = next((key for key, label in area_keys if label == title), None)
        chart = chart_after.get(area or "")
        if chart in figures and chart not in placed:
            parts.append(figures[chart])
            placed.add(chart)
    for name, html in figures.items():
        if name not in placed:
            parts.append(html)
    return update_article(user=user, article=article, body="\n".join(parts))


def existing_article_for(report: dict) -> Article | None:
    """The article already written from this report (same program, period and scope), if any."""
    return Article.objects.filter(title=title_for(report), category__slug=CATEGORY[1]).first()


__all__ = ["compose_from_report", "existing_article_for", "Category"]
