"""Visitor statistics for the press staff: aggregates only (views per article and day, visitors per
day); nothing about who read what is kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Sum
from django.utils import timezone

from .models import Article, DailyViews, DailyVisitors, VisitorDay


def record_daily_views(views: dict[int, int], day: date) -> None:
    """Adds a counter batch's views to each article's row for the day (called inside the batch's
    transaction by `counting.write_batch`)."""
    if not views:
        return
    existing = set(
        DailyViews.objects.filter(day=day, article_id__in=list(views)).values_list("article_id", flat=True)
    )
    for article_id in sorted(existing):
        DailyViews.objects.filter(day=day, article_id=article_id).update(views=F("views") + views[article_id])
    live = set(
        Article.objects.filter(pk__in=[a for a in views if a not in existing]).values_list("pk", flat=True)
    )
    DailyViews.objects.bulk_create(
        [DailyViews(article_id=a, day=day, views=views[a]) for a in sorted(live)], ignore_conflicts=False
    )


def keep_visitor_days(*, before: date) -> int:
    """Keeps the number of visitors of each day before `before` as an aggregate; called by
    `counting.prune_visitors` before it deletes those days' per-browser rows."""
    rows = (
        VisitorDay.objects.filter(day__lt=before)
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    kept = [DailyVisitors(day=day, visitors=n) for day, n in rows]
    DailyVisitors.objects.bulk_create(
        kept, update_conflicts=True, unique_fields=["day"], update_fields=["visitors"]
    )
    return len(kept)


@dataclass
class Period:
    start: date
    end: date

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


MAX_DAYS = 366


def period(start: date | None, end: date | None, *, today: date | None = None) -> Period:
    """The days asked for, defaulting to the last 30; at most a year, start before end."""
    end = end or today or timezone.localdate()
    start = start or end - timedelta(days=29)
    if start > end:
        start, end = end, start
    if (end - start).days >= MAX_DAYS:
        start = end - timedelta(days=MAX_DAYS - 1)
    return Period(start, end)


def by_day(p: Period) -> list[dict]:
    """One row a day: views of articles and distinct visitors (zero on days without any)."""
    views = dict(
        DailyViews.objects.filter(day__range=(p.start, p.end))
        .values("day")
        .annotate(n=Sum("views"))
        .values_list("day", "n")
    )
    visitors = dict(DailyVisitors.objects.filter(day__range=(p.start, p.end)).values_list("day", "visitors"))
    visitors.update(
        VisitorDay.objects.filter(day__range=(p.start, p.end))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    return [{"day": d, "views": views.get(d, 0), "visitors": visitors.get(d, 0)} for d in p.days]


def by_article(p: Period, limit: int = 50) -> list[dict]:
    return list(
        DailyViews.objects.filter(day__range=(p.start, p.end))
        .values("article_id", "article__title", "article__slug", "article__category__name")
        .annotate(views=Sum("views"))
        .order_by("-views", "article__title")[:limit]
    )


def by_section(p: Period) -> list[dict]:
    return list(
        DailyViews.objects.filter(day__range=(p.start, p.end))
        .values("article__category__name")
        .annotate(views=Sum("views"), articles=Count("article", distinct=True))
        .order_by("-views")
    )


def chart_bars(rows: list[dict], *, width: int = 720, height: int = 220) -> dict:
    """Geometry of the SVG bar chart (views as bars, visitors as a line), computed here so the
    template only draws."""
    top = max([r["views"] for r in rows] + [r["visitors"] for r in rows] + [1])
    n = max(len(rows), 1)
    step = width / n
    bars, points = [], []
    for i, row in enumerate(rows):
        h = round(row["views"] / top * (height - 20), 1)
        bars.append(
            {
                "x": round(i * step + step * 0.15, 1),
                "y": round(height - h, 1),
                "w": round(step * 0.7, 1),
                "h": h,
                "row": row,
            }
        )
        points.append(
            f"{round(i * step + step / 2, 1)},{round(height - row['visitors'] / top * (height - 20), 1)}"
        )
    return {"width": width, "height": height, "bars": bars, "line": " ".join(points), "top": top}
