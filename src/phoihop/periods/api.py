"""The period-report endpoints of periods.md, mounted under /api/v1/ by api/main.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from pydantic import StringConstraints

from . import selectors, services
from .models import PeriodReport, Status

NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, StringConstraints(max_length=4000, pattern=NO_NUL)]

router = Router(tags=["báo cáo định kỳ"])


class Error(Schema):
    detail: str = Field(..., description="Thông báo lỗi bằng tiếng Việt")


class PeriodOut(Schema):
    period: str
    from_: date = Field(..., alias="from")
    to: date
    due: date
    units: int
    draft: int
    submitted: int
    returned: int
    approved: int
    overdue: int


class CheckOut(Schema):
    rule: str
    level: str
    message: str


class UnitReportOut(Schema):
    program: str
    period: str
    unit: str
    status: str
    version: int
    submitted_at: datetime | None
    submitted_by: str | None
    decided_at: datetime | None
    decided_by: str | None
    comment: str
    indicators: dict[str, int | float | None]
    reported: dict[str, int | float | None]
    checks: list[CheckOut]


class SubmitIn(Schema):
    reported: dict[str, int | float | str | None] = Field(default_factory=dict)
    comment: Text = ""


class CommentIn(Schema):
    comment: Text = ""


class ReturnIn(Schema):
    comment: Annotated[
        str, StringConstraints(min_length=1, max_length=4000, pattern=NO_NUL, strip_whitespace=True)
    ]


class UnlockIn(Schema):
    reason: Annotated[
        str, StringConstraints(min_length=1, max_length=4000, pattern=NO_NUL, strip_whitespace=True)
    ]


READ = {200: UnitReportOut, 401: Error, 404: Error}
WRITE = {200: UnitReportOut, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}
UNIT_PATH = "/programs/{program}/periods/{period}/units/{unit}"


def report_out(program, period, unit, report: PeriodReport | None) -> dict:
    version = report.versions.order_by("-number").first() if report else None
    return {
        "program": program.code,
        "period": period.code,
        "unit": unit.code,
        "status": report.status if report else Status.DRAFT,
        "version": report.version if report else 0,
        "submitted_at": report.submitted_at if report else None,
        "submitted_by": report.submitted_by.get_username() if report and report.submitted_by else None,
        "decided_at": report.decided_at if report else None,
        "decided_by": report.decided_by.get_username() if report and report.decided_by else None,
        "comment": report.comment if report else "",
        "indicators": version.indicators if version else {},
        "reported": version.reported if version else services.stored_reported(program, period, unit),
        "checks": version.checks if version else [],
    }


def _lookup(request, program: str, period: str, unit: str):
    return selectors.unit_report_or_404(
        user=request.user, program_code=program, period_code=period, unit_code=unit
    )


def _act(request, program, period, unit, act, **kwargs):
    prog, per, reporter, _report = _lookup(request, program, period, unit)
    try:
        report = act(actor=request.user, program=prog, period=per, unit=reporter.unit, **kwargs)
    except services.Conflict as conflict:
        raise HttpError(409, conflict.message) from None
    return report_out(prog, per, reporter.unit, report)


@router.get(
    "/programs/{program}/periods",
    response={200: list[PeriodOut], 401: Error, 404: Error},
    url_name="program_periods",
    by_alias=True,
)
def program_periods(request, program: str):
    """Các kỳ báo cáo của chương trình: hạn nộp và số đơn vị theo trạng thái (trong phạm vi người gọi)."""
    found = selectors.program_or_404(user=request.user, code=program)
    return selectors.periods_summary(user=request.user, program=found)


@router.get(UNIT_PATH, response=READ, url_name="period_unit_report")
def unit_report(request, program: str, period: str, unit: str):
    """Báo cáo của một đơn vị trong một kỳ: trạng thái, phiên bản, số liệu đã chốt, kết quả kiểm tra."""
    prog, per, reporter, report = _lookup(request, program, period, unit)
    return report_out(prog, per, reporter.unit, report)


@router.post(UNIT_PATH + "/submit", response=WRITE, url_name="period_unit_submit")
def submit(request, program: str, period: str, unit: str, payload: SubmitIn):
    """Nộp báo cáo (biên tập viên, quản lý, quản trị của chính đơn vị). 409 khi đã nộp/duyệt, khi có lỗi
    kiểm tra, hoặc khi đơn vị trực thuộc chưa được duyệt."""
    return _act(
        request, program, period, unit, services.submit, reported=payload.reported, comment=payload.comment
    )


@router.post(UNIT_PATH + "/approve", response=WRITE, url_name="period_unit_approve")
def approve(request, program: str, period: str, unit: str, payload: CommentIn):
    """Duyệt báo cáo (quản lý, quản trị của đơn vị cấp trên; không bao giờ của chính đơn vị)."""
    return _act(request, program, period, unit, services.approve, comment=payload.comment)


@router.post(UNIT_PATH + "/return", response=WRITE, url_name="period_unit_return")
def return_report(request, program: str, period: str, unit: str, payload: ReturnIn):
    """Trả lại báo cáo với ý kiến (bắt buộc)."""
    return _act(request, program, period, unit, services.return_report, comment=payload.comment)


@router.post(UNIT_PATH + "/unlock", response=WRITE, url_name="period_unit_unlock")
def unlock(request, program: str, period: str, unit: str, payload: UnlockIn):
    """Mở khóa báo cáo đã duyệt với lý do (bắt buộc): trạng thái trở về `returned`; ghi nhật ký."""
    return _act(request, program, period, unit, services.unlock, reason=payload.reason)


__all__ = ["router", "ValidationError"]
