"""Imports uploaded on the staff site, run in the background.

The upload view stores the file and an `ImportJob`, then `enqueue` puts an `import_job` task in the
job queue (phoihop.jobs: a row written in the upload's own transaction, so a job exists exactly when its
upload does) for `phoihop worker` to run — on this server or any other — or, when
`PHOIHOP_IMPORT_INLINE` is set (as most tests do), runs it inline once the upload has committed.
`run_job` calls the same engine as `phoihop import` (services.import_workbook) with the uploader as
actor and scope, so a district editor's rows of another district are errors naming them.

Live progress goes to a small JSON file next to the upload, not to the database: while the engine
writes, its transaction holds SQLite's write lock and any other writer would wait for it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
import zipfile
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from phoihop.accounts.scope import scope_for

from .models import ImportJob
from .problems import Problem
from .reader import MAX_RATIO, MAX_UNCOMPRESSED, SourceError, read_source
from .services import import_workbook
from .sheets import BY_KEY

log = logging.getLogger(__name__)

STALE_AFTER_SECONDS = 2 * 3600


def jobs_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def job_dir(job: ImportJob) -> Path:
    return Path(job.stored_path).parent


def enqueue(job: ImportJob) -> None:
    """Queue the job for a worker (in the current transaction), or run it inline after the commit."""
    if getattr(settings, "PHOIHOP_IMPORT_INLINE", False):
        transaction.on_commit(lambda: run_job(job.pk))
        return
    import_job.enqueue(job.pk)


@task()
def import_job(job_id: int) -> str:
    """The queued import. A worker that died while running it left the job marked running, and its
    transaction rolled back with it (nothing written): run by the next worker, it starts over."""
    ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.QUEUED
    )
    return run_job(job_id).status


# ---- progress -----------------------------------------------------------------------------------


def _progress_file(job: ImportJob) -> Path:
    return job_dir(job) / "progress.json"


def _publish(job: ImportJob, progress: int, phase: str) -> None:
    """Make the progress visible to the status endpoint (any process): a file always, and the job row
    when no transaction of ours is open."""
    job.progress, job.phase = progress, phase
    path = _progress_file(job)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"progress": progress, "phase": phase}), encoding="utf-8")
    os.replace(tmp, path)
    if not connection.in_atomic_block:
        ImportJob.objects.filter(pk=job.pk).update(progress=progress, phase=phase)


def live_progress(job: ImportJob) -> tuple[int, str]:
    """The latest progress of a running job, as the status endpoint shows it."""
    if not job.finished:
        try:
            data = json.loads(_progress_file(job).read_text(encoding="utf-8"))
            return int(data["progress"]), str(data["phase"])
        except (OSError, ValueError, KeyError):
            pass
    return job.progress, job.phase


def mark_stale(job: ImportJob) -> bool:
    """A running job whose process died (a restart) would poll forever; after two hours without any
    progress it is marked crashed. Returns True when it did so."""
    if job.finished:
        return False
    path = _progress_file(job)
    last = path.stat().st_mtime if path.exists() else job.created_at.timestamp()
    if time.time() - last < STALE_AFTER_SECONDS:
        return False
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.CRASHED,
        phase=_("Quá trình nhập bị gián đoạn; hãy tải lên lại."),
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return True


class Reporter:
    """The engine's progress(stage, done, total) mapped to 0–100 with a Vietnamese phase."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.last = (-1, "")

    def __call__(self, stage: str, done: int, total: int) -> None:
        total = max(total, 1)
        if stage == "parse":
            if done >= total:
                pct, phase = 60, _("Đang kiểm tra tham chiếu và quy tắc")
            else:
                pct = 5 + int(55 * done / total)
                phase = _("Đang đọc và kiểm tra trang %(done)s/%(total)s") % {
                    "done": done + 1,
                    "total": total,
                }
        elif stage == "write":
            pct = 65 + int(34 * done / total)
            phase = _("Đang ghi dữ liệu (trang %(done)s/%(total)s)") % {
                "done": min(done + 1, total),
                "total": total,
            }
        else:
            return
        if (pct, phase) != self.last:
            self.last = (pct, phase)
            _publish(self.job, pct, phase)


# ---- the job ------------------------------------------------------------------------------------


def run_job(job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:  # already run (or being run): running it twice would do nothing anyway
        return job
    job.status = ImportJob.Status.RUNNING
    _publish(job, 2, _("Đang đọc tệp"))
    try:
        _run(job)
    except Exception:
        log.exception("import job %s crashed", job.pk)
        job.status = ImportJob.Status.CRASHED
        job.phase = _("Lỗi hệ thống khi nhập; chưa có dữ liệu nào được ghi. Lỗi đã được ghi lại.")
    job.finished_at = timezone.now()
    if job.status == ImportJob.Status.SUCCEEDED:
        job.progress = 100
    job.save()
    _progress_file(job).unlink(missing_ok=True)
    # The upload carries personal data and is no longer needed: the records are in the database,
    # and for a rejected file the error workbook has what the user needs to fix it.
    Path(job.stored_path).unlink(missing_ok=True)
    return job


def _run(job: ImportJob) -> None:
    owner = job.owner
    with _source(job) as (source, early_problem):
        if early_problem is not None:
            result_errors, result_warnings, summary, ok = [early_problem], [], {}, False
        else:
            result = import_workbook(source, actor=owner, scope=scope_for(owner), progress=Reporter(job))
            result_errors, result_warnings, summary, ok = (
                result.errors,
                result.warnings,
                result.summary,
                result.ok,
            )
        # A file-level error names the source as the engine saw it: our stored path, not the user's name.
        result_errors = [
            replace(p, sheet=job.file_name) if p.sheet == str(source) else p for p in result_errors
        ]
        result_errors, result_warnings = _reading_order(result_errors), _reading_order(result_warnings)
        job.error_count, job.warning_count = len(result_errors), len(result_warnings)
        job.errors = [_problem_dict(p) for p in result_errors[: ImportJob.MAX_LISTED]]
        job.warnings = [_problem_dict(p) for p in result_warnings[: ImportJob.MAX_LISTED]]
        if ok:
            job.status = ImportJob.Status.SUCCEEDED
            job.summary = {
                key: {"label": BY_KEY[key].label if key in BY_KEY else key, **counts}
                for key, counts in summary.items()
            }
            job.phase = _("Đã nhập xong")
        else:
            _publish(job, 90, _("Đang tạo sổ đánh dấu lỗi"))
            job.error_file = _write_error_book(job, source, result_errors, result_warnings) or ""
            job.status = ImportJob.Status.REJECTED
            job.phase = _("Sổ dữ liệu có lỗi; chưa ghi dữ liệu nào")
            job.progress = 100


def _reading_order(problems: list[Problem]) -> list[Problem]:
    """Sheet by sheet (in the order the engine met them), then row by row, as the user fixes them."""
    sheets: dict[str, int] = {}
    for p in problems:
        sheets.setdefault(p.sheet, len(sheets))
    return sorted(problems, key=lambda p: (sheets[p.sheet], p.row if p.row is not None else 0))


def _problem_dict(p: Problem) -> dict:
    value = p.value
    if value is not None and not isinstance(value, str | int | float | bool):
        value = str(value)
    return {"sheet": p.sheet, "row": p.row, "column": p.column, "value": value, "message": p.message_vi}


def _write_error_book(job, source, errors, warnings) -> str | None:
    from .error_workbook import write_error_workbook

    try:
        raw = read_source(source) if source is not None else []
    except SourceError:
        raw = []
    if not raw:
        return None  # the file could not be read at all: the message on the page says why
    path = job_dir(job) / "loi.xlsx"
    write_error_workbook(path, raw_sheets=raw, errors=errors, warnings=warnings)
    return str(path)


@contextmanager
def _source(job: ImportJob):
    """What to hand the engine: the stored .xlsx/.csv path, or a folder of the .csv files of a .zip.
    Yields (source, problem): a problem when the .zip itself cannot be used."""
    stored = Path(job.stored_path)
    if stored.suffix.lower() != ".zip":
        yield str(stored), None
        return
    folder = Path(tempfile.mkdtemp(prefix="phoihop-import-", dir=job_dir(job)))
    try:
        try:
            _extract_csvs(stored, folder)
        except SourceError as bad:
            yield None, Problem(job.file_name, None, None, None, bad.message_vi, bad.message_en)
            return
        yield str(folder), None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _extract_csvs(archive_path: Path, folder: Path) -> None:
    """Extract the .csv members of a .zip flat into `folder`, refusing anything else, traversal
    tricks and archives that expand abnormally (zip bombs)."""
    try:
        archive = zipfile.ZipFile(archive_path)
    except (zipfile.BadZipFile, OSError) as error:
        raise SourceError(gettext_noop("Tệp .zip bị hỏng, không đọc được.")) from error
    with archive:
        members = [
            m
            for m in archive.infolist()
            if not m.is_dir()
            and not m.filename.startswith("__MACOSX/")
            and not Path(m.filename).name.startswith(".")
        ]
        others = [m.filename for m in members if not m.filename.lower().endswith(".csv")]
        if others:
            raise SourceError(
                gettext_noop(
                    "Tệp .zip chỉ được chứa các tệp .csv (mỗi trang một tệp); có tệp khác: %(files)s"
                ),
                files=", ".join(others[:5]),
            )
        if not members:
            raise SourceError(gettext_noop("Tệp .zip không có tệp .csv nào."))
        if sum(m.file_size for m in members) > MAX_UNCOMPRESSED or any(
            m.file_size > MAX_RATIO * max(m.compress_size, 1) + 1_000_000 for m in members
        ):
            raise SourceError(
                gettext_noop("Tệp .zip có nội dung nén bất thường (nghi 'bom nén'); từ chối đọc.")
            )
        names: set[str] = set()
        for member in members:
            name = Path(member.filename).name  # flat: no folders, no "../"
            if name.lower() in names:
                raise SourceError(gettext_noop("Tệp .zip có hai tệp cùng tên %(name)s."), name=name)
            names.add(name.lower())
            try:
                with archive.open(member) as src, open(folder / name, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1024 * 1024)
            except (zipfile.BadZipFile, OSError, ValueError) as error:
                raise SourceError(gettext_noop("Tệp .zip bị hỏng, không đọc được.")) from error
