"""Public pages of the news portal: server-rendered, cached as shells, live figures filled per request."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import SuspiciousFileOperation
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.static import serve

from phoihop.core import params
from phoihop.core.numbers import number

from . import cache, counting, selectors
from .html import clean_html
from .models import Article, Category

PAGE_SIZE = 10
STAT_NAMES = ("online", "today", "week", "total")


def _stat_markers() -> dict[str, str]:
    return {name: cache.marker(name) for name in STAT_NAMES}


def _live_values(request) -> dict[str, str]:
    stats = counting.counters().visitor_stats()
    return {name: number(getattr(stats, name)) for name in STAT_NAMES}


def _common(request, current: str = "") -> dict:
    return {
        "site_name": selectors.site_name(),
        "site_info": selectors.site_info(),
        "current": current,
        "nav_categories": selectors.categories(),
        "stats": _stat_markers(),
        "canonical": request.build_absolute_uri(request.path),
        "now": timezone.localtime(),
    }


def _shell(request, key: tuple, template: str, context_fn, current: str = "") -> str:
    """The page rendered with markers for the live figures, from the cache when fresh."""
    full_key = (*key, request.get_host(), get_language(), request.is_secure())
    html = cache.get(full_key)
    if html is None:
        html = render_to_string(template, {**_common(request, current), **context_fn()}, request=request)
        cache.put(full_key, html)
    return html


def _respond(request, html: str, extra: dict[str, str] | None = None, status: int = 200) -> HttpResponse:
    values = _live_values(request)
    if extra:
        values.update(extra)
    response = HttpResponse(cache.fill(html, values), status=status)
    response["Cache-Control"] = "no-cache"
    counting.set_visitor_cookie(request, response)
    return response


@require_safe
def home(request):
    counting.count_request(request)

    def context():
        # Each article appears once on the page: featured, then the latest, then the sections, then
        # "Đọc nhiều" take only what is not shown yet.
        featured = selectors.featured(3)
        shown = {a.pk for a in featured}
        latest = [a for a in selectors.latest(20) if a.pk not in shown][:6]
        shown |= {a.pk for a in latest}
        sections = []
        for category, items in selectors.categories_with_latest(12):
            items = [a for a in items if a.pk not in shown][:4]
            shown |= {a.pk for a in items}
            if items:
                sections.append((category, items))
        most_viewed = [a for a in selectors.most_viewed(30) if a.pk not in shown][:5]
        return {"featured": featured, "latest": latest, "sections": sections, "most_viewed": most_viewed}

    return _respond(request, _shell(request, ("home",), "portal/home.html", context, current="home"))


@require_safe
def article(request, slug: str):
    counters = counting.counters()
    epoch = counters.begin_read()
    if counters.caches_rows:
        row = cache.article_row(slug, epoch, selectors.article_row)
    else:
        row = selectors.article_row(slug)
    now = timezone.now()
    if (
        row is None
        or row["status"] != Article.Status.PUBLISHED
        or not row["publish_at"]
        or row["publish_at"] > now
    ):
        raise Http404
    counting.count_request(request, article_id=row["id"])
    views = counters.end_read(epoch, row["id"], row["view_count"])

    def context():
        item = selectors.public_articles().prefetch_related("images").get(pk=row["id"])
        return _article_context(item)

    current = f"category:{row['category__slug']}" if row.get("category__slug") else ""
    html = _shell(request, ("article", row["id"], row["updated_at"]), "portal/article.html", context, current)
    return _respond(request, html, {"views": number(views)})


def _article_context(item: Article) -> dict:
    return {
        "article": item,
        "body": clean_html(item.body),
        "views": cache.marker("views"),
        "latest": selectors.latest(8, exclude_id=item.pk),
        "related": selectors.related(item),
        "documents": list(item.documents.all()),
    }


def render_article_page(request, item: Article, *, preview: bool) -> HttpResponse:
    """The portal's article page for an article that may not be public yet (the newsroom's preview):
    the same template and layout, never cached or counted, marked as a preview."""
    context = {
        **_common(request, f"category:{item.category.slug}" if item.category_id else ""),
        **_article_context(item),
        "preview": preview,
    }
    html = render_to_string("portal/article.html", context, request=request)
    values = _live_values(request)
    values["views"] = number(item.view_count)
    response = HttpResponse(cache.fill(html, values))
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def category(request, slug: str):
    counting.count_request(request)
    page_number = params.page_number(request)  # ?trang=¹ or 10⁹: 400 with a message, not a 500

    def context():
        item = get_object_or_404(Category, slug=slug)
        paginator = Paginator(selectors.public_articles().filter(category=item), PAGE_SIZE)
        try:
            page = paginator.page(page_number)
        except EmptyPage as empty:
            raise Http404 from empty
        return {"category": item, "page": page, "latest": selectors.latest(6), "crumbs": [(None, item.name)]}

    html = _shell(
        request, ("category", slug, page_number), "portal/category.html", context, current=f"category:{slug}"
    )
    return _respond(request, html)


@require_safe
def documents(request):
    """ "Văn bản": published documents (PDF) with their number and date, newest first."""
    counting.count_request(request)
    page_number = params.page_number(request)  # ?trang=¹ or 10⁹: 400 with a message, not a 500

    def context():
        paginator = Paginator(selectors.public_documents().select_related("article"), 20)
        try:
            page = paginator.page(page_number)
        except EmptyPage as empty:
            raise Http404 from empty
        return {"page": page, "latest": selectors.latest(6), "crumbs": [(None, _("Văn bản"))]}

    html = _shell(request, ("documents", page_number), "portal/documents.html", context, current="documents")
    return _respond(request, html)


@require_safe
def favicon(request):
    return redirect(static("portal/icons/favicon.ico"), permanent=True)


@require_safe
def search(request):
    counting.count_request(request)
    query = request.GET.get("q", "")[:200].strip()
    page_number = params.page_number(request)
    results = selectors.search(query) if query else Article.objects.none()
    paginator = Paginator(results, PAGE_SIZE)
    page = paginator.get_page(page_number)
    html = render_to_string(
        "portal/search.html",
        {
            **_common(request, "search"),
            "query": query,
            "page": page,
            "latest": selectors.latest(6),
            "crumbs": [(None, _("Tìm kiếm"))],
        },
        request=request,
    )
    return _respond(request, html)


class LatestRss(Feed):
    feed_type = Rss201rev2Feed
    description = "Tin tức mới nhất"

    def title(self):
        return selectors.site_name()

    def link(self):
        return "/"

    def items(self):
        return selectors.public_articles()[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author_name or None

    def item_categories(self, item):
        return [item.category.name] if item.category else []


class LatestAtom(LatestRss):
    feed_type = Atom1Feed
    subtitle = LatestRss.description


@require_safe
def robots(request):
    sitemap = request.build_absolute_uri("/sitemap.xml")
    body = f"User-agent: *\nDisallow: /tai-khoan/\nDisallow: /tin-tuc-bien-tap/\nSitemap: {sitemap}\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


@require_safe
def media(request, path: str):
    """The portal's uploaded pictures, MEDIA_ROOT/portal/ only (the WSGI server has no other way to
    reach them); the rest of MEDIA_ROOT holds private uploads and is never served."""
    try:
        response = serve(request, path, document_root=Path(settings.MEDIA_ROOT) / "portal")
    except SuspiciousFileOperation as outside:
        raise Http404 from outside
    response["Cache-Control"] = "public, max-age=604800"
    response["X-Content-Type-Options"] = "nosniff"
    return response
