"""Staff pages for news editors: list, write, upload pictures, move along the workflow, preview."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from phoihop.accounts.scope import scope_for
from phoihop.core import params
from phoihop.records.models import Program
from phoihop.reports.assemble import ReportError, parse_day
from phoihop.reports.render import render as render_report
from phoihop.reports.selectors import programs_for, report_for

from . import selectors, services
from .editor_i18n import editor_messages
from .forms import ArticleForm, ImageForm, ReportDraftForm, StatusForm
from .models import Article
from .report_article import slug_for, title_for_period


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
        params.page_number(request)
    )
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
            "now": timezone.now(),
        },
    )


def _with_upload_url(form, article: Article | None):
    url = (
        reverse("portal:editor_upload", kwargs={"pk": article.pk})
        if article
        else reverse("portal:editor_upload_new")
    )
    form.fields["body"].widget.attrs["data-upload-url"] = url
    return form


@news_editor_required
def editor_new(request):
    form = _with_upload_url(ArticleForm.for_article(None, request.POST or None), None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.create_article(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã tạo bản nháp “%(title)s”.") % {"title": article.title})
            return redirect("portal:editor_edit", pk=article.pk)
    return render(
        request,
        "portal/editor/edit.html",
        {"form": form, "article": None, "editor_messages": editor_messages()},
    )


@news_editor_required
def editor_edit(request, pk: int):
    article = _article_or_404(request.user, pk)
    form = _with_upload_url(ArticleForm.for_article(article, request.POST or None), article)
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
            "editor_messages": editor_messages(),
            "image_form": ImageForm(),
            "images": list(article.images.all()),
            "transitions": [
                (s, Article.Status(s).label) for s in services.TRANSITIONS.get(article.status, ())
            ],
            "may_approve": services.may_approve(request.user, article),
            "four_eyes": services.four_eyes(),
            "comments": list(article.comments.select_related("user")[:20]),
            "documents": list(article.documents.all()),
            "revision_count": article.revisions.count(),
            "scheduled": selectors.is_scheduled(article),
            "future_publish": bool(article.publish_at and article.publish_at > timezone.now()),
        },
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@news_editor_required
def editor_upload(request, pk: int | None = None):
    """A picture for the article's gallery (resized, with a thumbnail). The editor's script sends
    pasted pictures here and gets JSON back; the gallery form gets the edit page again."""
    article = _article_or_404(request.user, pk) if pk is not None else None
    as_json = _wants_json(request)
    back = redirect("portal:editor_edit", pk=pk) if pk is not None else redirect("portal:editor_new")

    def fail(message: str):
        if as_json:
            return JsonResponse({"error": message}, status=400)
        messages.error(request, message)
        return back

    form = ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        return fail(_("Ảnh: chưa chọn tệp ảnh."))
    upload = form.cleaned_data["image"]
    if upload.size > 10 * 1024 * 1024:
        return fail(
            _("Ảnh: tệp “%(name)s” nặng %(size).1f MB, vượt quá giới hạn 10 MB.")
            % {"name": upload.name, "size": upload.size / 1048576}
        )
    if not as_json and not form.cleaned_data["alt"].strip():
        return fail(_("Ảnh: hãy nhập mô tả ảnh cho người khiếm thị (alt) — ví dụ: “Đoàn viên nhận quà Tết”."))
    try:
        image = services.add_image(
            user=request.user,
            article=article,
            data=upload.read(),
            name=upload.name,
            caption=form.cleaned_data["caption"],
            credit=form.cleaned_data["credit"],
            alt=form.cleaned_data["alt"],
            cover=form.cleaned_data["cover"] or None,
        )
    except ValidationError as error:
        return fail(error.messages[0])
    if as_json:
        return JsonResponse(
            {
                "id": image.pk,
                "src": image.image.url,
                "thumbnail": image.thumbnail.url,
                "width": image.width,
                "height": image.height,
                "alt": image.alt,
            }
        )
    messages.success(request, _("Đã tải ảnh lên thư viện ảnh; bấm “Chèn” để đưa ảnh vào nội dung."))
    return back


@require_POST
@news_editor_required
def editor_status(request, pk: int):
    article = _article_or_404(request.user, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Trạng thái: giá trị không hợp lệ."))
        return redirect("portal:editor_edit", pk=pk)
    try:
        services.change_status(
            user=request.user,
            article=article,
            status=form.cleaned_data["status"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("Bài viết chuyển sang “%(status)s”.") % {"status": article.get_status_display()}
        )
        if getattr(article, "publish_corrected", False):
            messages.warning(request, _("Thời điểm hẹn đã qua nên bài được xuất bản ngay lúc duyệt."))
    return redirect("portal:editor_edit", pk=pk)


@news_editor_required
def editor_revisions(request, pk: int):
    """The article's saved versions, each compared with the one before it."""
    article = _article_or_404(request.user, pk)
    revisions = list(article.revisions.select_related("saved_by"))
    number = request.GET.get("so", "")
    chosen = next((r for r in revisions if str(r.number) == number), revisions[0] if revisions else None)
    previous = next((r for r in revisions if chosen and r.number < chosen.number), None)
    return render(
        request,
        "portal/editor/revisions.html",
        {
            "article": article,
            "revisions": revisions,
            "chosen": chosen,
            "previous": previous,
            "diff": selectors.revision_diff(previous, chosen) if chosen else [],
        },
    )


@news_editor_required
def editor_preview(request, pk: int):
    """The article exactly as the portal will show it (its page, layout and menu), marked as a preview."""
    from .views import render_article_page

    article = _article_or_404(request.user, pk)
    return render_article_page(request, article, preview=True)


@login_required
def draft_from_report(request):
    """Step 1 (GET): the title and address the draft will get, editable. Step 2 (POST with "confirm"):
    builds the review report for the user's scope (the report page's own rule, reports.selectors),
    its PDF, and the draft article."""
    if not services.can_edit_news(request.user):
        raise PermissionDenied(_("Bạn không có quyền biên tập tin."))
    form = ReportDraftForm(request.POST or request.GET or None)
    back = redirect("portal:editor_index")
    if not form.is_valid():
        messages.error(request, _("Chương trình: chưa chọn chương trình phối hợp."))
        return back
    data = form.cleaned_data
    program = programs_for(user=request.user).filter(code=data["program"]).first()
    if program is None:
        messages.error(
            request, _("Không có chương trình phối hợp mã “%(code)s”.") % {"code": data["program"]}
        )
        return back
    try:
        start = parse_day(data["date_from"] or None, name=_("Từ ngày")) or program.starts_on
        end = parse_day(data["date_to"] or None, name=_("Đến ngày")) or program.ends_on
    except ReportError as error:
        messages.error(request, error.message)
        return back
    if end < start:
        messages.error(
            request,
            _("Kỳ báo cáo không hợp lệ: ngày kết thúc %(end)s trước ngày bắt đầu %(start)s.")
            % {"end": end.strftime("%d/%m/%Y"), "start": start.strftime("%d/%m/%Y")},
        )
        return back
    date_from, date_to = start.isoformat(), end.isoformat()
    title_default = title_for_period(program.name, date_from, date_to)
    slug_default = services.free_slug(slug_for(title_default, date_from, date_to, data["scope"].strip()))
    context = {
        "program": program,
        "date_from": date_from,
        "date_to": date_to,
        "start": start,
        "end": end,
        "scope": data["scope"].strip(),
        "title": data["title"] or title_default,
        "slug": data["slug"] or slug_default,
        "errors": [],
    }
    if request.method != "POST" or not request.POST.get("confirm"):
        return render(request, "portal/editor/from_report.html", context)
    try:
        report = report_for(
            user=request.user,
            program_code=program.code,
            date_from=date_from,
            date_to=date_to,
            scope_code=data["scope"].strip() or None,
        )
        existing = selectors.existing_article_for(report)
        if existing is not None and not request.POST.get("again"):
            context["existing"] = existing
            return render(request, "portal/editor/from_report.html", context)
        article = services.draft_article_from_report(
            user=request.user,
            report=report,
            title=data["title"],
            slug=data["slug"],
            pdf=render_report(report, "pdf"),
        )
    except ReportError as error:
        context["errors"] = [error.message]
        return render(request, "portal/editor/from_report.html", context)
    except ValidationError as error:
        context["errors"] = error.messages
        return render(request, "portal/editor/from_report.html", context)
    messages.success(request, _("Đã tạo bản nháp từ báo cáo; hãy đọc lại trước khi gửi duyệt."))
    return redirect("portal:editor_edit", pk=article.pk)
