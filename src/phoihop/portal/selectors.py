"""Reads of the news portal. Public reads show published articles only; editor reads take the user."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from phoihop.accounts.scope import scope_for
from phoihop.core.text import fold
from phoihop.orgs.models import Unit

from . import report_article
from .models import Article, Category

MAX_QUERY_WORDS = 8


def site_name() -> str:
    """The federation's name in the portal header: the setting, else the first province federation."""
    name = getattr(settings, "PORTAL_SITE_NAME", "")
    if name:
        return name
    unit = Unit.objects.filter(kind="ldld_tinh", parent__isnull=True).order_by("id").only("name").first()
    return unit.name if unit else "Liên đoàn Lao động tỉnh Lào Cai"


def public_articles(now: datetime | None = None) -> QuerySet[Article]:
    return Article.objects.public(now).select_related("category", "cover")


def article_row(slug: str):
    """The few columns an article page needs before its cached render: id, status, times, views."""
    return (
        Article.objects.filter(slug=slug)
        .values("id", "status", "publish_at", "updated_at", "view_count", "category__slug")
        .first()
    )


def latest(limit: int = 8, *, exclude_id: int | None = None) -> list[Article]:
    qs = public_articles()
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return list(qs[:limit])


def featured(limit: int = 3) -> list[Article]:
    items = list(public_articles().filter(featured=True)[:limit])
    if len(items) < limit:
        more = public_articles().exclude(pk__in=[a.pk for a in items])[: limit - len(items)]
        items.extend(more)
    return items


def categories_with_latest(per_category: int = 4) -> list[tuple[Category, list[Article]]]:
    out = []
    for category in Category.objects.all():
        items = list(public_articles().filter(category=category)[:per_category])
        if items:
            out.append((category, items))
    return out


def most_viewed(limit: int = 5) -> list[Article]:
    return list(public_articles().order_by("-view_count", "-publish_at")[:limit])


def categories() -> list[Category]:
    return list(Category.objects.all())


def search(query: str) -> QuerySet[Article]:
    """Public articles whose title, summary, body or author hold every word of the query, ignoring
    diacritics and case ("cong doan" finds "Công đoàn")."""
    words = [w for w in fold(query[:500]).split() if w][:MAX_QUERY_WORDS]
    qs = public_articles()
    if not words:
        return qs.none()
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word[:100])
    return qs.filter(condition)


# -- editors ------------------------------------------------------------------------------------------
def editor_articles(user, *, status: str = "", query: str = "") -> QuerySet[Article]:
    """Every article an editor may work on: those of units in their scope and those of no unit."""
    qs = Article.objects.select_related("category", "created_by")
    if not user.is_superuser:
        qs = qs.filter(Q(unit__isnull=True) | Q(unit__in=scope_for(user).visible_unit_ids()))
    if status in Article.Status.values:
        qs = qs.filter(status=status)
    if query:
        for word in fold(query[:200]).split()[:MAX_QUERY_WORDS]:
            qs = qs.filter(search_text__contains=word)
    return qs.order_by("-updated_at")


def is_scheduled(article: Article, now: datetime | None = None) -> bool:
    return (
        article.status == Article.Status.PUBLISHED
        and article.publish_at is not None
        and article.publish_at > (now or timezone.now())
    )


def _revision_lines(revision) -> list[str]:
    import re

    from .html import text_of

    lines = [f"# {revision.title}"]
    if revision.summary:
        lines.append(revision.summary)
    for block in re.split(r"</(?:p|h[1-6]|li|figure|tr|blockquote)>", revision.body or ""):
        text = text_of(block)
        if text:
            lines.append(text)
    for label, value in (("Tác giả", revision.author_name), ("Nguồn ảnh", revision.photo_credit)):
        if value:
            lines.append(f"{label}: {value}")
    return lines


def revision_diff(older, newer) -> list[tuple[str, str]]:
    """(kind, text) lines comparing two saved versions paragraph by paragraph: kind is "same", "add"
    or "del"; the first version is all "add"."""
    import difflib

    old = _revision_lines(older) if older else []
    new = _revision_lines(newer)
    out: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(("same", line) for line in old[a1:a2])
            continue
        out.extend(("del", line) for line in old[a1:a2])
        out.extend(("add", line) for line in new[b1:b2])
    return out


def site_info():
    """The footer's legally required details (an unsaved, empty row until staff fill them in)."""
    from .models import SiteInfo

    return SiteInfo.objects.order_by("id").first() or SiteInfo()


def public_documents() -> QuerySet:
    from .models import Document

    return Document.objects.filter(published=True).filter(
        Q(article__isnull=True)
        | Q(article__status=Article.Status.PUBLISHED, article__publish_at__lte=timezone.now())
    )


def related(article: Article, limit: int = 4) -> list[Article]:
    """Articles of the same section first, then the latest, never the article itself."""
    items = (
        list(public_articles().filter(category=article.category_id).exclude(pk=article.pk)[:limit])
        if article.category_id
        else []
    )
    if len(items) < limit:
        items += list(
            public_articles().exclude(pk__in=[article.pk, *[a.pk for a in items]])[: limit - len(items)]
        )
    return items


def existing_article_for(report: dict) -> Article | None:
    """The article already written from this report (same program, period and scope), if any."""
    return (
        Article.objects.filter(source=report_article.source_for(report)).first()
        or Article.objects.filter(
            title=report_article.title_for(report), category__slug=report_article.CATEGORY[1]
        ).first()
    )
