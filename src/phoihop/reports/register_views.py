"""Pages of the report register: the parts written by people, issuing a report, the register, an
issued report (its files, what changed since), the federation's templates."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import docx_template, official, register, services
from .assemble import ReportError
from .forms import ReportForm
from .official import DOCUMENT_LANGUAGE
from .register_forms import DraftForm, IssueForm, TemplateForm
from .selectors import report_for

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _choice(request):
    """The report chosen by the query string (as on the report page), or a 400 page."""
    form = ReportForm(request.GET or None, user=request.user)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    key = register.report_key(
        user=request.user,
        program_code=data["program"],
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        scope_code=data.get("scope") or None,
    )
    return form, key


def _writers_choice(request, template: str):
    """For a page that writes the chosen report (its parts, its issue): 404 unless the user may write the
    register; then (the choice, its key, None), or (the choice, None, the page's 400 saying what is wrong
    with it)."""
    if not register.may_write(request.user):
        raise Http404
    choice, key = _choice(request)
    if key is None:
        return choice, None, render(request, template, {"choice": choice}, status=400)
    return choice, key, None


def _query(key) -> str:
    program, start, end, scope = key
    params = {"program": program.code, "date_from": start.isoformat(), "date_to": end.isoformat()}
    if scope is not None:
        params["scope"] = scope.code
    return urlencode(params)


@login_required
def draft(request):
    """Parts I (note), III, IV and V of one report, written in the staff site; the last editor is shown."""
    choice, key, bad_choice = _writers_choice(request, "reports/draft.html")
    if bad_choice is not None:
        return bad_choice
    program, start, end, scope = key
    current = services.draft_for(program=program, date_from=start, date_to=end, scope=scope)
    if request.method == "POST":
        form = DraftForm(request.POST)
        if form.is_valid():
            services.save_draft(
                user=request.user,
                program=program,
                date_from=start,
                date_to=end,
                scope=scope,
                parts=form.parts(),
            )
            messages.success(request, _("Đã lưu các phần đánh giá, phương hướng, đề xuất."))
            return redirect(f"{reverse('reports:draft')}?{_query(key)}")
    else:
        form = DraftForm(initial=current.parts() if current else None)
    return render(
        request,
        "reports/draft.html",
        {"form": form, "draft": current, "key": key, "query": _query(key), "choice": choice},
    )


def _issue_defaults(report: dict, data: dict) -> dict:
    off = official.Official(data)
    initial = {
        "number": services.suggest_number(sides=off.sides, year=timezone.localdate().year),
        "issued_on": timezone.localdate(),
        "place": off.place,
        "kind": data["kind"],
        "recipients": "\n".join(line.lstrip("- ").rstrip(";.") for line in off.recipients),
    }
    for n, side in enumerate(off.sides):
        initial[f"authority_{n}"] = side["authority"]
        initial[f"title_{n}"] = side["title"]
    return initial


@login_required
def issue(request):
    """Issue the chosen report: number (the next of the body's sequence is suggested), date, place,
    signers and recipients; it is frozen with its files."""
    choice, key, bad_choice = _writers_choice(request, "reports/issue.html")
    if bad_choice is not None:
        return bad_choice
    program, start, end, scope = key
    try:
        with translation.override(DOCUMENT_LANGUAGE):
            report = report_for(
                user=request.user,
                program_code=program.code,
                date_from=start,
                date_to=end,
                scope_code=scope.code if scope else None,
            )
    except ReportError as error:
        choice.add_error(None, error.message)
        return render(request, "reports/issue.html", {"choice": choice}, status=400)
    sides = official.sides_for(report)
    with translation.override(DOCUMENT_LANGUAGE):
        prepared = official.prepare(report, previous=None)
        summary = official.Official(prepared).summary
    form = IssueForm(request.POST or None, sides=sides, initial=_issue_defaults(report, prepared))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            req = services.IssueRequest(
                number=form.cleaned_data["number"],
                issued_on=form.cleaned_data["issued_on"],
                place=form.cleaned_data["place"],
                kind=form.cleaned_data["kind"],
                signers=form.signers(),
                recipients=form.cleaned_data["recipients"].splitlines(),
            )
            try:
                with translation.override(DOCUMENT_LANGUAGE):
                    issued = services.issue_report(
                        user=request.user, report=report, program=program, scope=scope, req=req
                    )
            except services.RegisterError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Đã ban hành báo cáo số %(number)s.") % {"number": issued.number})
                return redirect("reports:issued", pk=issued.pk)
        status = 400
    return render(
        request,
        "reports/issue.html",
        {"form": form, "key": key, "query": _query(key), "summary": summary},
        status=status,
    )


@login_required
def register_list(request):
    return render(request, "reports/register.html", {"rows": register.issued_for(user=request.user)})


@login_required
def issued(request, pk: int):
    """An issued report as it was issued: number, date, signers, files with SHA-256, and the figures
    that have changed in the records since."""
    row = register.issued_one(user=request.user, pk=pk)
    return render(
        request,
        "reports/issued.html",
        {
            "row": row,
            "files": list(row.files.all()),
            "changes": services.changes_since(row),
            "summary": official.Official(row.data).summary if row.data.get("report") else row.number,
            "can_publish": request.user.can("news"),
        },
    )


@login_required
def issued_file(request, pk: int, fmt: str):
    row = register.issued_one(user=request.user, pk=pk)
    stored = row.files.filter(format=fmt).first()
    if stored is None:
        raise Http404
    response = HttpResponse(
        services.file_bytes(stored), content_type=CONTENT_TYPES.get(fmt, "application/octet-stream")
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"bao-cao-so-{row.sequence:02d}-{row.year}.{fmt}"
    )
    return response


@login_required
@require_POST
def publish(request, pk: int):
    row = register.issued_one(user=request.user, pk=pk)
    if not request.user.can("news"):
        raise Http404
    try:
        article = services.publish_to_portal(user=request.user, issued=row)
    except services.RegisterError as error:
        messages.error(request, error.message)
        return redirect("reports:issued", pk=row.pk)
    messages.success(request, _("Đã tạo bản nháp tin bài kèm tệp PDF của báo cáo."))
    return redirect("portal:editor_edit", pk=article.pk)


@login_required
def templates(request):
    """The federation's own .docx templates (admins): upload, see the placeholders; the built-in one to
    start from."""
    if not register.may_manage_templates(request.user):
        raise Http404
    form = TemplateForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.upload_template(
                    user=request.user,
                    unit=request.user.unit,
                    name=form.cleaned_data["name"],
                    data=form.cleaned_data["file"].read(),
                )
            except services.RegisterError as error:
                form.add_error("file", error.message)
            else:
                messages.success(
                    request, _("Đã tải lên mẫu báo cáo; các báo cáo ban hành từ nay dùng mẫu này.")
                )
                return redirect("reports:templates")
        status = 400
    return render(
        request,
        "reports/templates.html",
        {
            "form": form,
            "rows": register.templates_for(user=request.user),
            "known": sorted(docx_template.KNOWN),
            "required": sorted(docx_template.REQUIRED),
        },
        status=status,
    )


@login_required
def builtin_template(request):
    if not register.may_manage_templates(request.user):
        raise Http404
    response = HttpResponse(docx_template.builtin_bytes(), content_type=CONTENT_TYPES["docx"])
    response["Content-Disposition"] = content_disposition_header(True, "mau-bao-cao.docx")
    return response
