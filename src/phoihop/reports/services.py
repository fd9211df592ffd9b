"""Writes of the report register. Each service runs in one transaction and writes its audit row; bad
input raises `RegisterError` with a Vietnamese message and writes nothing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

import nh3
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from phoihop.audit.services import log_change

from . import docx_template, official
from .assemble import ReportError
from .models import IssuedFile, IssuedReport, ReportDraft, ReportTemplate

FORMATS = ("docx", "pdf", "xlsx", "json")
MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


class RegisterError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def clean_text(text: str) -> str:
    """A part written by people is plain text: any markup pasted from elsewhere is dropped (nh3), lines
    kept."""
    text = nh3.clean(text or "", tags=set())
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()


# ---- drafts ---------------------------------------------------------------------------------------------
def draft_for(*, program, date_from: date, date_to: date, scope) -> ReportDraft | None:
    return ReportDraft.objects.filter(
        program=program, date_from=date_from, date_to=date_to, scope=scope
    ).first()


@transaction.atomic
def save_draft(*, user, program, date_from: date, date_to: date, scope, parts: dict[str, str]) -> ReportDraft:
    """The parts written by people for one report are saved; the page shows who edited them last."""
    draft = draft_for(program=program, date_from=date_from, date_to=date_to, scope=scope)
    before = draft.parts() if draft else None
    if draft is None:
        draft = ReportDraft(program=program, date_from=date_from, date_to=date_to, scope=scope)
    for name in ReportDraft.PARTS:
        setattr(draft, name, clean_text(parts.get(name, "")))
    draft.updated_by = user
    draft.save()
    log_change(
        actor=user,
        action="update" if before else "create",
        model="reports.ReportDraft",
        object_code=f"{program.code}:{date_from}:{date_to}:{scope.code if scope else ''}",
        before=before,
        after=draft.parts(),
    )
    return draft


# ---- numbers ------------------------------------------------------------------------------------------
def issuer_key(sides: list[dict]) -> str:
    return "+".join(s["unit"] for s in sides)


def suggest_number(*, sides: list[dict], year: int) -> str:
    """The next number of the issuing body's sequence for the year, e.g. '15/BC-LĐLĐ'."""
    last = (
        IssuedReport.objects.filter(issuer_key=issuer_key(sides), year=year)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    return official.format_number((last or 0) + 1, sides)


# ---- templates ---------------------------------------------------------------------------------------
@transaction.atomic
def upload_template(*, user, unit, name: str, data: bytes) -> ReportTemplate:
    """A federation's own .docx template, checked (every placeholder known, none missing) and made the
    one its reports use from now on."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise RegisterError(_("Mẫu báo cáo: tệp vượt quá 10 MB."))
    try:
        used = docx_template.check_template(data)
    except docx_template.TemplateProblem as problem:
        raise RegisterError(problem.message) from problem
    name = " ".join((name or "").split())[:200] or _("Mẫu báo cáo")
    ReportTemplate.objects.filter(unit=unit, active=True).update(active=False)
    template = ReportTemplate(
        unit=unit,
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        placeholders=sorted(used),
        uploaded_by=user,
    )
    template.file.save(f"{unit.code}-{template.sha256[:12]}.docx", ContentFile(data), save=False)
    template.save()
    log_change(
        actor=user,
        action="create",
        model="reports.ReportTemplate",
        object_code=template.file.name,
        before=None,
        after={"name": name, "sha256": template.sha256, "placeholders": template.placeholders},
    )
    return template


def active_template(sides: list[dict]) -> ReportTemplate | None:
    """The issuing body's template (the federation side's for a joint report), if it uploaded one."""
    codes = [s["unit"] for s in sides]
    return (
        ReportTemplate.objects.filter(unit__code__in=codes, active=True)
        .order_by("-uploaded_at", "-id")
        .first()
    )


# ---- issuing -----------------------------------------------------------------------------------------
@dataclass
class IssueRequest:
    number: str
    issued_on: date
    place: str
    kind: str
    signers: list[dict]
    recipients: list[str]


def check_request(
    req: IssueRequest, *, program, date_from: date, date_to: date, sides: list[dict]
) -> list[str]:
    """Every reason not to issue, in Vietnamese."""
    problems = []
    if date_from < program.starts_on or date_to > program.ends_on:
        problems.append(
            _(
                "Kỳ báo cáo %(start)s – %(end)s nằm ngoài thời gian của chương trình "
                "(%(p_start)s – %(p_end)s)."
            )
            % {
                "start": f"{date_from:%d/%m/%Y}",
                "end": f"{date_to:%d/%m/%Y}",
                "p_start": f"{program.starts_on:%d/%m/%Y}",
                "p_end": f"{program.ends_on:%d/%m/%Y}",
            }
        )
    sequence = official.sequence_of(req.number)
    if not req.number.strip() or sequence is None:
        problems.append(_("Số, ký hiệu: cần dạng như 15/BC-LĐLĐ (số thứ tự rồi ký hiệu)."))
    elif IssuedReport.objects.filter(
        issuer_key=issuer_key(sides), year=req.issued_on.year, sequence=sequence
    ).exists():
        used = IssuedReport.objects.get(
            issuer_key=issuer_key(sides), year=req.issued_on.year, sequence=sequence
        )
        problems.append(
            _("Số %(number)s đã dùng cho báo cáo ban hành ngày %(day)s; hãy chọn số khác.")
            % {"number": used.number, "day": f"{used.issued_on:%d/%m/%Y}"}
        )
    if not req.place.strip():
        problems.append(_("Địa danh: không được để trống."))
    if req.kind not in official.KINDS:
        problems.append(_("Loại báo cáo: chọn Sơ kết hoặc Tổng kết."))
    if len(req.signers) < len(sides):
        problems.append(_("Cần người ký cho từng cơ quan ban hành."))
    for n, signer in enumerate(req.signers[: len(sides)], 1):
        if not (signer.get("name") or "").strip():
            problems.append(_("Người ký %(n)s: chưa có họ và tên.") % {"n": n})
        if not (signer.get("title") or "").strip():
            problems.append(_("Người ký %(n)s: chưa có chức vụ.") % {"n": n})
    return problems


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@transaction.atomic
def issue_report(*, user, report: dict, program, scope, req: IssueRequest) -> IssuedReport:
    """The report is issued: numbered, dated, signed, its document data and files frozen with their
    SHA-256. Later corrections to the records never change it. Raises RegisterError (nothing issued)."""
    from .render import render

    date_from, date_to = (
        date.fromisoformat(report["period"]["from"]),
        date.fromisoformat(report["period"]["to"]),
    )
    sides = official.sides_for(report)
    problems = check_request(req, program=program, date_from=date_from, date_to=date_to, sides=sides)
    template = active_template(sides)
    template_bytes = None
    if template is not None:
        with template.file.open("rb") as handle:
            template_bytes = handle.read()
        try:
            docx_template.check_template(template_bytes)
        except docx_template.TemplateProblem as problem:
            problems.append(problem.message)
    if problems:
        raise RegisterError(" ".join(problems))
    draft = draft_for(program=program, date_from=date_from, date_to=date_to, scope=scope)
    number = req.number.strip()
    issue = {
        "number": number,
        "date": req.issued_on.isoformat(),
        "place": req.place.strip(),
        "signers": [
            {k: (s.get(k) or "").strip() for k in ("authority", "title", "name")} for s in req.signers
        ],
        "recipients": [r.strip() for r in req.recipients if r.strip()],
    }
    data = official.prepare(report, parts=draft.parts() if draft else None, issue=issue, kind=req.kind)
    issued = IssuedReport(
        program=program,
        date_from=date_from,
        date_to=date_to,
        scope=scope,
        issuer_key=issuer_key(sides),
        year=req.issued_on.year,
        sequence=official.sequence_of(number),
        number=number,
        issued_on=req.issued_on,
        place=issue["place"],
        kind=req.kind,
        signers=issue["signers"],
        recipients=issue["recipients"],
        data=data,
        template=template,
        issued_by=user,
    )
    try:
        with transaction.atomic():
            issued.save()
    except IntegrityError as clash:  # two clerks took the same number at the same moment
        raise RegisterError(
            _("Số %(number)s vừa được dùng; hãy chọn số khác.") % {"number": number}
        ) from clash
    stem = f"{issued.year}-{issued.sequence:03d}-{issued.pk}"
    for fmt in FORMATS:
        if fmt == "json":
            body = json.dumps(report, ensure_ascii=False, indent=2).encode()
        else:
            body = render(None, fmt, data=data, template=template_bytes if fmt == "docx" else None)
        stored = IssuedFile(issued=issued, format=fmt, sha256=_sha(body), size=len(body))
        stored.file.save(f"bao-cao-{stem}.{fmt}", ContentFile(body), save=False)
        stored.save()
    log_change(
        actor=user,
        action="create",
        model="reports.IssuedReport",
        object_code=number,
        before=None,
        after={
            "number": number,
            "issued_on": issue["date"],
            "program": program.code,
            "period": report["period"],
            "scope": report["scope"],
            "files": {f.format: f.sha256 for f in issued.files.all()},
        },
    )
    return issued


def file_bytes(stored: IssuedFile) -> bytes:
    with stored.file.open("rb") as handle:
        return handle.read()


# ---- what changed since ------------------------------------------------------------------------------
def changes_since(issued: IssuedReport) -> list[dict]:
    """Indicator figures that differ between the frozen report and the records now: label, year
    ("" for the whole period), value issued, value now."""
    from .assemble import build_report

    frozen = (issued.data or {}).get("report")
    if not frozen:
        return []
    try:
        fresh = build_report(
            program_code=issued.program.code,
            date_from=issued.date_from,
            date_to=issued.date_to,
            scope_code=issued.scope.code if issued.scope else None,
        )
    except ReportError:
        return []
    out = []
    for code, then in frozen["indicators"].items():
        now = fresh["indicators"].get(code) or {}
        if then.get("value") != now.get("value"):
            out.append(
                {"label": then["label"], "year": "", "issued": then.get("value"), "now": now.get("value")}
            )
        for year, value in (then.get("by_year") or {}).items():
            if value != (now.get("by_year") or {}).get(year):
                out.append(
                    {"label": then["label"], "year": year, "issued": value, "now": now["by_year"].get(year)}
                )
    return out


# ---- publishing --------------------------------------------------------------------------------------
# The news portal sits above the reports (docs/architecture.md, layers): it says how an issued report
# becomes a draft article by registering its writer here when Django starts (portal/apps.py), so the
# reports never import the portal.
_article_writer = None


def register_article_writer(writer) -> None:
    """Set the function that writes a draft article from a report (call it from an AppConfig.ready()):

    writer(*, user, report, title, pdf, document_number, document_date) -> the article"""
    global _article_writer
    _article_writer = writer


def publish_to_portal(*, user, issued: IssuedReport):
    """A draft portal article written from the issued report (its frozen figures), with the issued PDF
    attached under the report's number. Returns the article; the news editor publishes it."""
    if _article_writer is None:
        raise ImproperlyConfigured("No article writer registered (phoihop.portal is not installed).")
    pdf = next((file_bytes(f) for f in issued.files.all() if f.format == "pdf"), None)
    if pdf is None or not (issued.data or {}).get("report"):
        raise RegisterError(_("Báo cáo này không có tệp PDF đã ban hành để đăng."))
    article = _article_writer(
        user=user,
        report=issued.data["report"],
        title=f"Báo cáo {official.Official(issued.data).summary}"[:300],
        pdf=pdf,
        document_number=issued.number,
        document_date=issued.issued_on,
    )
    log_change(
        actor=user,
        action="update",
        model="reports.IssuedReport",
        object_code=issued.number,
        before=None,
        after={"published_as_article": article.pk},
        detail="portal",
    )
    return article
