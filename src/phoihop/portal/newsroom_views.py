"""Newsroom pages beside the articles: the portal's legal details, its documents, visitor statistics."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services, stats
from .editor_views import _errors_to_form, news_editor_required
from .forms import DocumentForm, SiteInfoForm, StatsForm
from .models import Document


@news_editor_required
def site_info(request):
    info = selectors.site_info()
    initial = {name: getattr(info, name) for name in SiteInfoForm.base_fields}
    form = SiteInfoForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_site_info(user=request.user, **form.cleaned_data)
        messages.success(request, _("Đã lưu thông tin cổng; chân trang hiển thị ngay."))
        return redirect("portal:site_info")
    return render(request, "portal/editor/site_info.html", {"form": form})


@news_editor_required
def documents(request):
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > services.MAX_PDF_BYTES:
            form.add_error(
                "file",
                _("Văn bản: tệp nặng %(size).1f MB, vượt quá giới hạn 20 MB.")
                % {"size": upload.size / 1048576},
            )
        else:
            try:
                services.add_document(
                    user=request.user,
                    title=form.cleaned_data["title"],
                    number=form.cleaned_data["number"],
                    issued_on=form.cleaned_data["issued_on"],
                    data=upload.read(),
                    published=form.cleaned_data["published"],
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Đã thêm văn bản."))
                return redirect("portal:documents_admin")
    items = Document.objects.select_related("article").order_by("-issued_on", "-id")[:200]
    return render(request, "portal/editor/documents.html", {"form": form, "documents": items})


@require_POST
@news_editor_required
def document_publish(request, pk: int):
    document = Document.objects.filter(pk=pk).select_related("article").first()
    if document is None or (
        document.article is not None
        and not selectors.editor_articles(request.user).filter(pk=document.article_id).exists()
    ):
        raise Http404
    services.set_document_published(
        user=request.user, document=document, published=request.POST.get("published") == "1"
    )
    messages.success(request, _("Đã cập nhật văn bản."))
    return redirect("portal:documents_admin")


@news_editor_required
def visitor_stats(request):
    """Views by day, article and section, visitors by day: table, SVG chart, CSV."""
    form = StatsForm(request.GET or None)
    start = end = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["tu"], form.cleaned_data["den"]
    elif form.is_bound:
        messages.error(request, _("Thống kê: ngày không hợp lệ; hiển thị 30 ngày gần nhất."))
    period = stats.period(start, end)
    days = stats.by_day(period)
    what = request.GET.get("csv", "")
    if what in ("ngay", "bai", "chuyen-muc"):
        return _csv(period, what, days)
    return render(
        request,
        "portal/editor/stats.html",
        {
            "form": form,
            "period": period,
            "days": days,
            "chart": stats.chart_bars(days),
            "articles": stats.by_article(period),
            "sections": stats.by_section(period),
            "total_views": sum(d["views"] for d in days),
            "total_visitor_days": sum(d["visitors"] for d in days),
        },
    )


def _csv(period, what: str, days: list[dict]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"thong-ke-{what}-{period.start}-{period.end}.csv"
    )
    response.write("\ufeff")  # Excel opens UTF-8 with the BOM
    writer = csv.writer(response)

    def safe(value):
        text = str(value)
        return "'" + text if text[:1] in ("=", "+", "-", "@") else text

    if what == "ngay":
        writer.writerow([_("Ngày"), _("Lượt xem"), _("Khách truy cập")])
        for d in days:
            writer.writerow([d["day"].isoformat(), d["views"], d["visitors"]])
    elif what == "bai":
        writer.writerow([_("Bài viết"), _("Chuyên mục"), _("Lượt xem")])
        for row in stats.by_article(period, limit=10_000):
            writer.writerow(
                [safe(row["article__title"]), safe(row["article__category__name"] or ""), row["views"]]
            )
    else:
        writer.writerow([_("Chuyên mục"), _("Số bài được xem"), _("Lượt xem")])
        for row in stats.by_section(period):
            writer.writerow(
                [
                    safe(row["article__category__name"] or _("(không chuyên mục)")),
                    row["articles"],
                    row["views"],
                ]
            )
    return response
