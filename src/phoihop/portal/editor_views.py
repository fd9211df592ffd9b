"""Staff pages for news editors: list, write, upload pictures, move along the workflow, preview."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from phoihop.accounts.scope import scope_for

from . import selectors, services
from .forms import ArticleForm, ImageForm, ReportDraftForm
from .html import clean_html
from .models import Article


def news_editor_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not services.can_edit_news(request.user):
            raise PermissionDenied(_("Bạn không có quyền biên tập tin."))
        return view(request, *args, **kwargs)

    return wrapper


def _article_or_404(user, pk: int) -> Article:
    try:
        return selectors.editor_articles(user).get(pk=pk)
    except Article.DoesNotExist as missing:
        raise Http404 from missing


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            for err in errs:
                form.add_error(field if field in form.fields else None, err.messages[0])
    else:
        form.add_error(None, error.messages[0])


@news_editor_required
def editor_index(request):
    status = request.GET.get("trang_thai", "")
    query = request.GET.get("q", "")[:200]
    page = Paginator(selectors.editor_articles(request.user, status=status, query=query), 25).get_page(
        request.GET.get("trang")
    )
    from phoihop.records.models import Program

    programs = scope_for(request.user).filter(Program.objects.all()).order_by("-starts_on")
    return render(
        request,
        "portal/editor/index.html",
        {
            "page": page,
            "status": status,
            "query": query,
            "statuses": Article.Status.choices,
            "programs": list(programs.values_list("code", "name")),
        },
    )


@news_editor_required
def editor_new(request):
    form = ArticleForm.for_article(None, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.create_article(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã tạo bản nháp “%(title)s”.") % {"title": article.title})
            return redirect("portal:editor_edit", pk=article.pk)
    return render(request, "portal/editor/edit.html", {"form": form, "article": None})


@news_editor_required
def editor_edit(request, pk: int):
    article = _article_or_404(request.user, pk)
    form = ArticleForm.for_article(article, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_article(user=request.user, article=article, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã lưu bài viết."))
            return redirect("portal:editor_edit", pk=article.pk)
    return render(
        request,
        "portal/editor/edit.html",
        {
            "form": form,
            "article": article,
            "image_form": ImageForm(),
            "images": [(image, services.figure_html(image)) for image in article.images.all()],
            "transitions": [
                (s, Article.Status(s).label) for s in services.TRANSITIONS.get(article.status, ())
            ],
            "scheduled": selectors.is_scheduled(article),
        },
    )


@require_POST
@news_editor_required
def editor_upload(request, pk: int):
    article = _article_or_404(request.user, pk)
    form = ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Ảnh: chưa chọn tệp ảnh."))
        return redirect("portal:editor_edit", pk=pk)
    upload = form.cleaned_data["image"]
    if upload.size > 10 * 1024 * 1024:
        messages.error(request, _("Ảnh: tệp “%(name)s” vượt quá giới hạn 10 MB.") % {"name": upload.name})
        return redirect("portal:editor_edit", pk=pk)
    try:
        services.add_image(
            user=request.user,
            article=article,
            data=upload.read(),
            name=upload.name,
            caption=form.cleaned_data["caption"],
            credit=form.cleaned_data["credit"],
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Đã tải ảnh lên; chép đoạn mã của ảnh vào nội dung để chèn."))
    return redirect("portal:editor_edit", pk=pk)


@require_POST
@news_editor_required
def editor_status(request, pk: int):
    article = _article_or_404(request.user, pk)
    try:
        services.change_status(user=request.user, article=article, status=request.POST.get("status", ""))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("Bài viết chuyển sang “%(status)s”.") % {"status": article.get_status_display()}
        )
    return redirect("portal:editor_edit", pk=pk)


@news_editor_required
def editor_preview(request, pk: int):
    article = _article_or_404(request.user, pk)
    return render(
        request,
        "portal/editor/preview.html",
        {"article": article, "body": clean_html(article.body), "site_name": selectors.site_name()},
    )


@require_POST
@login_required
def draft_from_report(request):
    """Builds the review report for the user's scope (the report page's own rule, reports.selectors)
    and turns it into a draft article."""
    from phoihop.reports.assemble import ReportError
    from phoihop.reports.selectors import report_for

    if not services.can_edit_news(request.user):
        raise PermissionDenied(_("Bạn không có quyền biên tập tin."))
    form = ReportDraftForm(request.POST)
    back = redirect("portal:editor_index")
    if not form.is_valid():
        messages.error(request, _("Chương trình: chưa chọn chương trình phối hợp."))
        return back
    data = form.cleaned_data
    try:
        report = report_for(
            user=request.user,
            program_code=data["program"],
            date_from=data["date_from"] or None,
            date_to=data["date_to"] or None,
            scope_code=data["scope"].strip() or None,
        )
        article = services.draft_article_from_report(user=request.user, report=report)
    except ReportError as error:
        messages.error(request, error.message)
        return back
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return back
    messages.success(request, _("Đã tạo bản nháp từ báo cáo; hãy đọc lại trước khi gửi duyệt."))
    return redirect("portal:editor_edit", pk=article.pk)
