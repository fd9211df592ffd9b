from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .assemble import ReportError
from .forms import ReportForm
from .official import DOCUMENT_LANGUAGE
from .render import available, filename, renderer
from .render import render as render_document
from .render.html import context as document_context
from .selectors import report_for


def _report(request, form):
    data = form.cleaned_data
    return report_for(
        user=request.user,
        program_code=data["program"],
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        scope_code=data.get("scope") or None,
        approved_only=bool(data.get("approved_only")),
    )


@login_required
def index(request):
    """Choose program, period and scope; read the report; download it in any format."""
    form = ReportForm(request.GET or None, user=request.user)
    formats = [(i, available()[i].verbose_name) for i in ("pdf", "docx", "xlsx", "html")]
    context = {"form": form, "formats": [*formats, ("json", _("Dữ liệu JSON"))]}
    status = 200
    if form.is_bound and form.is_valid():
        try:
            with translation.override(DOCUMENT_LANGUAGE):
                report = _report(request, form)
        except ReportError as error:
            form.add_error(None, error.message)
            status = 400 if error.kind == "usage" else 404
        else:
            with translation.override(DOCUMENT_LANGUAGE):
                context.update(document_context(report))
            context["report"] = report
            context["query"] = request.GET.urlencode()
            try:
                context["publish_url"] = reverse("portal:draft_from_report")
            except NoReverseMatch:  # the portal is not installed
                context["publish_url"] = None
            context["can_publish"] = request.user.role in ("admin", "manager", "news_editor")
            context["can_write"] = request.user.can("write")
    elif form.is_bound:
        status = 400
    return render(request, "reports/index.html", context, status=status)


@login_required
def download(request, fmt: str):
    form = ReportForm(request.GET or None, user=request.user)
    if fmt not in (*available(), "json") or not form.is_valid():
        return render(request, "reports/index.html", {"form": form}, status=400)
    try:
        with translation.override(DOCUMENT_LANGUAGE):
            report = _report(request, form)
    except ReportError as error:
        form.add_error(None, error.message)
        return render(
            request, "reports/index.html", {"form": form}, status=400 if error.kind == "usage" else 404
        )
    if fmt == "json":
        import json

        body, content_type = json.dumps(report, ensure_ascii=False, indent=2).encode(), "application/json"
        name = filename(report, "json")
    else:
        maker = renderer(fmt)
        with translation.override(DOCUMENT_LANGUAGE):
            document = render_document(report, fmt)
        body, content_type, name = (
            document,
            maker.content_type,
            filename(report, maker.extension),
        )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
