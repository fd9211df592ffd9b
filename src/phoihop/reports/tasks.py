"""The report document as a background job (next to the code it runs; `phoihop worker` runs it).

`render_report_document.enqueue(...)` writes a row in the queue (inside the caller's transaction), the
worker runs it, `get_result(id)` reads its outcome from any server.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django_tasks import task

from .assemble import build_report
from .render import filename, render, renderer


def documents_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "report-documents"


@task()
def render_report_document(
    *,
    program_code: str,
    fmt: str,
    date_from: str | None = None,
    date_to: str | None = None,
    scope_code: str | None = None,
) -> dict:
    """Build the report and write it as `fmt` into the data folder; returns the file's path and name."""
    report = build_report(
        program_code=program_code, date_from=date_from, date_to=date_to, scope_code=scope_code
    )
    maker = renderer(fmt)
    folder = documents_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.{maker.extension}"
    path.write_bytes(render(report, fmt))
    return {"path": str(path), "name": filename(report, maker.extension), "content_type": maker.content_type}
