"""The workbook page: upload a workbook (imported in the background, see tasks.py), follow its
progress, read the result or the errors, download the error workbook, the blank template and an
export of the user's scope."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phoihop.accounts.scope import scope_for
from phoihop.core import numbers
from phoihop.core.client_ip import client_ip

from . import tasks
from .export import write_csv_zip
from .models import ImportJob
from .services import export_workbook, log_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCEPTED = (".xlsx", ".zip", ".csv")


def max_upload_bytes() -> int:
    return settings.PHOIHOP_MAX_UPLOAD_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp sổ dữ liệu"),
        error_messages={"required": gettext_lazy("Hãy chọn tệp sổ dữ liệu để tải lên.")},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = Path(upload.name).name
        if not name.lower().endswith(ACCEPTED):
            raise forms.ValidationError(
                _("Tệp “%(name)s” không đúng loại: chỉ nhận tệp Excel .xlsx hoặc tệp .zip chứa các tệp .csv.")
                % {"name": name}
            )
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _(
                    "Tệp “%(name)s” nặng %(size)s MB, vượt giới hạn %(limit)s MB. Hãy tách sổ thành nhiều tệp nhỏ hơn."
                )
                % {"name": name, "size": _mb(upload.size), "limit": _mb(limit)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": name})
        return upload


def _mb(size: int) -> str:
    value = size / (1024 * 1024)
    return numbers.number(value, decimals=0 if value >= 10 or value == int(value) else 1)


def _n(value: int) -> str:
    """12345 → "12.345", as Vietnamese readers group thousands."""
    return numbers.number(value)


def _human_size(size: int) -> str:
    return f"{_mb(size)} MB" if size >= 100 * 1024 else f"{max(1, round(size / 1024))} KB"


def _require(request, action: str) -> None:
    if not request.user.can(action):
        raise PermissionDenied


def _store(upload) -> Path:
    """Save the upload under MEDIA_ROOT/imports/<random>/ (not served publicly)."""
    folder = tasks.jobs_dir() / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(upload.name).suffix.lower()
    path = folder / f"upload{suffix}"
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


@login_required
def upload(request):
    _require(request, "read")
    may_import = request.user.can("import")
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST":
        if not may_import:
            raise PermissionDenied
        if form.is_valid():
            file = form.cleaned_data["file"]
            with transaction.atomic():
                job = ImportJob.objects.create(
                    owner=request.user,
                    file_name=Path(file.name).name[:255],
                    file_size=file.size,
                    stored_path=str(_store(file)),
                )
                tasks.enqueue(job)
            return redirect("workbook:job", job.pk)
    jobs = ImportJob.objects.filter(owner=request.user)[:10]
    return render(
        request,
        "workbook/upload.html",
        {
            "form": form,
            "may_import": may_import,
            "jobs": jobs,
            "max_mb": _mb(max_upload_bytes()),
            "max_bytes": max_upload_bytes(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _own_job(request, pk: int) -> ImportJob:
    """A job is visible to the user who uploaded it (superusers see all); others get 404."""
    job = get_object_or_404(ImportJob.objects.select_related("owner"), pk=pk)
    if job.owner_id != request.user.pk and not request.user.is_superuser:
        raise Http404
    tasks.mark_stale(job)
    return job


@login_required
def job_page(request, pk: int):
    job = _own_job(request, pk)
    progress, phase = tasks.live_progress(job)
    counts = ("created", "updated", "unchanged")
    totals = {k: _n(sum(s.get(k, 0) for s in job.summary.values())) for k in counts}
    summary = [
        {"key": key, "label": s.get("label", key), **{k: _n(s.get(k, 0)) for k in counts}}
        for key, s in job.summary.items()
    ]
    return render(
        request,
        "workbook/job.html",
        {
            "job": job,
            "progress": progress,
            "phase": phase,
            "totals": totals,
            "summary": summary,
            "size": _human_size(job.file_size),
        },
    )


@login_required
def job_status(request, pk: int):
    job = _own_job(request, pk)
    progress, phase = tasks.live_progress(job)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "finished": job.finished,
            "progress": 100 if job.finished else progress,
            "phase": phase,
            "error_count": job.error_count,
            "warning_count": job.warning_count,
            "summary": job.summary,
            "errors": job.errors[:50],
            "error_file": reverse("workbook:job_errors", args=[job.pk]) if job.error_file else None,
        }
    )


@login_required
def job_errors(request, pk: int):
    job = _own_job(request, pk)
    if not job.error_file or not Path(job.error_file).exists():
        raise Http404
    stem = Path(job.file_name).stem or "so-du-lieu"
    return FileResponse(
        open(job.error_file, "rb"), as_attachment=True, filename=f"{stem}-loi.xlsx", content_type=XLSX
    )


@login_required
def template(request):
    _require(request, "read")
    return _xlsx_response(lambda path: export_workbook(path, template=True), "so-du-lieu-mau-trong.xlsx")


@login_required
def export(request):
    """The user's scope as a workbook. Only the roles that keep the data (those who may import) may take
    it; a person's personal data is empty unless the user may see it on the person's page; the export is
    logged once, with its scope, sheets and row counts."""
    _require(request, "import")
    scope = scope_for(request.user)
    stamp = timezone.localdate().strftime("%Y%m%d")
    unit = request.user.unit.code if request.user.unit_id else "tat-ca"

    def build(path):
        with transaction.atomic():
            counts: dict[str, int] = {}
            export_workbook(path, scope=scope, counts=counts)
            log_export(actor=request.user, scope_code=unit, counts=counts, ip_address=client_ip(request))

    return _xlsx_response(build, f"so-du-lieu-{unit}-{stamp}.xlsx")


@login_required
def export_csv(request):
    """The same export as export(), as one .csv per sheet in a .zip (what the upload form takes back)."""
    _require(request, "import")
    scope = scope_for(request.user)
    stamp = timezone.localdate().strftime("%Y%m%d")
    unit = request.user.unit.code if request.user.unit_id else "tat-ca"
    handle = tempfile.NamedTemporaryFile(suffix=".zip")  # removed when the response closes it
    with transaction.atomic():
        counts = write_csv_zip(handle, scope=scope)  # rows read a batch at a time, written to the file
        log_export(actor=request.user, scope_code=unit, counts=counts, ip_address=client_ip(request))
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"so-du-lieu-{unit}-{stamp}.zip", content_type="application/zip"
    )


def _xlsx_response(build, filename: str) -> FileResponse:
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # removed when the response closes it
    build(Path(handle.name))
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)
