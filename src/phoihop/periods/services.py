"""The acts on a period report: submit, approve, return, unlock (periods.md). Each runs in one
transaction, writes its audit row and its history line, and notifies the people who act next.

Errors: `PermissionDenied` (the role or unit may not do this: API 403), `Conflict` (the report's state
forbids it: 409), `ValidationError` (bad input, the field named: 422).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phoihop.accounts.models import User
from phoihop.accounts.scope import scope_for
from phoihop.audit.models import AuditEntry
from phoihop.audit.services import log_change
from phoihop.indicators.registry import REGISTRY
from phoihop.orgs.models import Unit, UnitClosure
from phoihop.records.models import Program, Target
from phoihop.reports.assemble import build_report

from . import checks
from .models import (
    LOCKING,
    Notification,
    PeriodReport,
    ReportAction,
    ReportedIndicator,
    ReportedValue,
    ReportVersion,
    Status,
    ValidationRule,
)
from .selectors import Period, Reporter, reporter_of


class Conflict(Exception):
    """The report's state forbids the act (API 409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---- figures ----------------------------------------------------------------------------------------


def compute_figures(program: Program, period: Period, unit: Unit) -> dict:
    """The program's indicators for the unit's subtree and the period, exactly as
    `phoihop report --program P --scope UNIT --from --to` gives them."""
    report = build_report(
        program_code=program.code, date_from=period.date_from, date_to=period.date_to, scope_code=unit.code
    )
    followed = set(program.indicator_codes or [])
    return {
        code: entry["value"]
        for code, entry in report["indicators"].items()
        if not followed or code in followed
    }


def reported_labels(program: Program) -> dict[str, str]:
    return dict(program.reported_indicators.values_list("code", "label"))


def earlier_values(program: Program, unit: Unit, before) -> list[dict]:
    """The unit's approved figures of earlier periods of the program (for the outlier flag)."""
    out = []
    for report in PeriodReport.objects.unscoped().filter(
        program=program, unit=unit, status=Status.APPROVED, date_to__lt=before
    ):
        version = report.versions.order_by("-number").first()
        if version:
            out.append({**version.indicators, **version.reported})
    return out


def checks_for(program: Program, period: Period, unit: Unit, indicators: dict, reported: dict) -> list[dict]:
    values = {**indicators, **reported}
    found = checks.run_rules(program.validation_rules.all(), values)
    labels = {code: spec.label for code, spec in REGISTRY.items()} | reported_labels(program)
    found += checks.outliers(values, earlier_values(program, unit, period.date_from), labels)
    return found


# ---- permissions ----------------------------------------------------------------------------------


def _may_submit(actor, unit: Unit) -> bool:
    return actor.is_superuser or (actor.unit_id == unit.pk and actor.can("write"))


def may_decide(actor, unit: Unit) -> bool:
    """A manager or admin of a unit above (never of the unit itself)."""
    if not actor.is_authenticated:
        return False
    if actor.is_superuser:
        return True
    return (
        actor.role in (User.Role.MANAGER, User.Role.ADMIN)
        and actor.unit_id != unit.pk
        and UnitClosure.objects.filter(ancestor=actor.unit_id, descendant=unit.pk, depth__gt=0).exists()
    )


def may_submit(actor, unit: Unit) -> bool:
    return actor.is_authenticated and _may_submit(actor, unit)


def _require_scope(actor, unit: Unit) -> None:
    if not scope_for(actor).covers_unit(unit):
        from django.http import Http404

        raise Http404


# ---- the acts -----------------------------------------------------------------------------------


def _report_row(program: Program, period: Period, unit: Unit, *, lock: bool = True) -> PeriodReport:
    report, _created = PeriodReport.objects.unscoped().get_or_create(
        program=program,
        period=period.code,
        unit=unit,
        defaults={"date_from": period.date_from, "date_to": period.date_to},
    )
    if lock:
        report = PeriodReport.objects.unscoped().select_for_update().get(pk=report.pk)
    return report


def _act(report: PeriodReport, actor, kind: str, comment: str, before: dict, now) -> None:
    ReportAction.objects.create(
        report=report, kind=kind, actor=actor, actor_name=actor.get_username(), at=now, comment=comment
    )
    log_change(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        model="periods.PeriodReport",
        object_code=f"{report.program.code} / {report.period} / {report.unit.code}",
        before=before,
        after={"status": report.status, "version": report.version},
        detail=f"{kind}: {comment}" if comment else kind,
    )


def _state(report: PeriodReport) -> dict:
    return {"status": report.status, "version": report.version}


def save_reported_values(*, actor, program: Program, period: Period, unit: Unit, raw: dict) -> dict:
    """Keeps the values a unit typed before it submits (the same rows the sheet so_lieu_bao_cao fills)."""
    values, errors = checks.parse_reported(raw, reported_labels(program))
    if errors:
        raise ValidationError(errors)
    for code, value in values.items():
        ReportedValue.objects.unscoped().update_or_create(
            program_code=program.code,
            period=period.code,
            unit=unit,
            indicator_code=code,
            defaults={"value": value},
        )
    return values


def stored_reported(program: Program, period: Period, unit: Unit) -> dict:
    out = {}
    for code, value in (
        ReportedValue.objects.unscoped()
        .filter(program_code=program.code, period=period.code, unit=unit)
        .values_list("indicator_code", "value")
    ):
        out[code] = int(value) if value == value.to_integral_value() else float(value)
    return out


@transaction.atomic
def submit(
    *, actor, program: Program, period: Period, unit: Unit, reported: dict | None = None, comment: str = ""
) -> PeriodReport:
    """The unit's figures are frozen as a new version and the report goes to the level above."""
    _require_scope(actor, unit)
    if not _may_submit(actor, unit):
        raise PermissionDenied(
            _("Chỉ biên tập viên, quản lý hoặc quản trị của chính đơn vị mới nộp được báo cáo.")
        )
    reporter = reporter_of(program, period, unit)
    if reporter is None:
        raise Conflict(
            _("%(unit)s không báo cáo kỳ %(period)s.") % {"unit": unit.name, "period": period.code}
        )
    report = _report_row(program, period, unit)
    if report.status in LOCKING:
        raise Conflict(
            _("Báo cáo kỳ %(period)s của %(unit)s đã %(status)s; không nộp lại được.")
            % {"period": period.code, "unit": unit.name, "status": report.get_status_display().lower()}
        )
    _check_children(program, period, reporter)
    entered = dict(stored_reported(program, period, unit))
    if reported:
        entered.update(
            save_reported_values(actor=actor, program=program, period=period, unit=unit, raw=reported)
        )
    indicators = compute_figures(program, period, unit)
    found = checks_for(program, period, unit, indicators, entered)
    errors = [c for c in found if c["level"] == ValidationRule.Level.ERROR]
    if errors:
        raise Conflict(_("Chưa nộp được: ") + "; ".join(c["message"] for c in errors))
    before, now = _state(report), timezone.now()
    report.version += 1
    report.status = Status.SUBMITTED
    report.submitted_at, report.submitted_by = now, actor
    report.decided_at = report.decided_by = None
    report.comment = comment or ""
    report.state_changed_at = now
    report.save()
    ReportVersion.objects.create(
        report=report,
        number=report.version,
        submitted_at=now,
        submitted_by=actor,
        indicators=indicators,
        reported=entered,
        checks=found,
        comment=comment or "",
    )
    _act(report, actor, ReportAction.Kind.SUBMIT, comment or "", before, now)
    _notify(report)
    return report


def _check_children(program: Program, period: Period, reporter: Reporter) -> None:
    if not reporter.children:
        return
    approved = set(
        PeriodReport.objects.unscoped()
        .filter(program=program, period=period.code, unit__in=reporter.children, status=Status.APPROVED)
        .values_list("unit_id", flat=True)
    )
    waiting = Unit.objects.filter(pk__in=set(reporter.children) - approved).order_by("code")
    if waiting:
        raise Conflict(
            _("Chưa nộp được: báo cáo của các đơn vị trực thuộc chưa được duyệt: %(units)s.")
            % {"units": ", ".join(u.name for u in waiting)}
        )


def _decision(actor, report: PeriodReport | None, *, allowed: tuple, what: str) -> PeriodReport:
    if report is None or report.status not in allowed:
        status = report.get_status_display().lower() if report else Status.DRAFT.label.lower()
        raise Conflict(
            _("Không %(what)s được: báo cáo đang ở trạng thái '%(status)s'.")
            % {"what": what, "status": status}
        )
    return report


def _check_decider(actor, unit: Unit) -> None:
    _require_scope(actor, unit)
    if not may_decide(actor, unit):
        raise PermissionDenied(
            _(
                "Chỉ quản lý hoặc quản trị của đơn vị cấp trên mới duyệt, trả lại hoặc mở khóa được báo cáo này."
            )
        )


def _locked_row(program: Program, period: Period, unit: Unit) -> PeriodReport | None:
    return (
        PeriodReport.objects.unscoped()
        .select_for_update()
        .filter(program=program, period=period.code, unit=unit)
        .first()
    )


@transaction.atomic
def approve(*, actor, program: Program, period: Period, unit: Unit, comment: str = "") -> PeriodReport:
    """The report is approved; its figures count in the province's report and stay locked."""
    return _decide(
        actor, program, period, unit, allowed=(Status.SUBMITTED,), what=_("duyệt"),
        status=Status.APPROVED, kind=ReportAction.Kind.APPROVE, comment=comment,
    )  # fmt: skip


@transaction.atomic
def return_report(*, actor, program: Program, period: Period, unit: Unit, comment: str) -> PeriodReport:
    """The report goes back to the unit with the comment; its period opens again."""
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Trả lại báo cáo cần ghi ý kiến (lý do trả lại).")})
    return _decide(
        actor, program, period, unit, allowed=(Status.SUBMITTED,), what=_("trả lại"),
        status=Status.RETURNED, kind=ReportAction.Kind.RETURN, comment=comment,
    )  # fmt: skip


@transaction.atomic
def unlock(*, actor, program: Program, period: Period, unit: Unit, reason: str) -> PeriodReport:
    """An approved (or submitted) report is opened again with a reason: status `returned`."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Mở khóa cần ghi lý do.")})
    return _decide(
        actor, program, period, unit, allowed=(Status.APPROVED, Status.SUBMITTED), what=_("mở khóa"),
        status=Status.RETURNED, kind=ReportAction.Kind.UNLOCK, comment=reason,
    )  # fmt: skip


def _decide(
    actor,
    program: Program,
    period: Period,
    unit: Unit,
    *,
    allowed: tuple,
    what: str,
    status: str,
    kind: str,
    comment: str,
) -> PeriodReport:
    """A decider's act on the unit's report (approve, return, unlock): the decider checked, the row locked
    and in an allowed state, then the new status, the act's row and the notices."""
    _check_decider(actor, unit)
    report = _decision(actor, _locked_row(program, period, unit), allowed=allowed, what=what)
    before, now = _state(report), timezone.now()
    report.status = status
    report.decided_at, report.decided_by = now, actor
    report.comment = comment or ""
    report.state_changed_at = now
    report.save()
    _act(report, actor, kind, comment or "", before, now)
    _notify(report)
    return report


def _notify(report: PeriodReport) -> None:
    """Tell the people who act next, once the act is committed (a rolled-back act tells nobody)."""
    from .remind import on_state_change

    transaction.on_commit(lambda: on_state_change(report))


# ---- programs ------------------------------------------------------------------------------------


@transaction.atomic
def create_program_from(
    *,
    actor,
    source: Program | None,
    code: str,
    name: str,
    starts_on,
    ends_on,
    frequency: str,
    due_days: int,
    union_root: Unit | None = None,
    party_root: Unit | None = None,
) -> Program:
    """A new program; from an earlier one it takes the followed indicators, reported indicators,
    validation rules and a target skeleton (each target of the source's last year, for every year of the
    new program, to be adjusted on the targets page)."""
    if not actor.is_superuser and actor.role not in (User.Role.ADMIN, User.Role.MANAGER):
        raise PermissionDenied(_("Chỉ quản lý hoặc quản trị mới tạo được chương trình."))
    if Program.objects.unscoped().filter(code=code).exists():
        raise ValidationError({"code": _("Đã có chương trình mã '%(code)s'.") % {"code": code}})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("Ngày kết thúc trước ngày bắt đầu.")})
    program = Program.objects.unscoped().create(
        code=code,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        frequency=frequency,
        due_days=due_days,
        union_root=union_root or source.union_root,
        party_root=party_root or source.party_root,
        indicator_codes=list(source.indicator_codes) if source else [],
        report_levels=source.report_levels if source else 1,
        created_from=source,
    )
    if source is not None:
        for item in source.reported_indicators.all():
            ReportedIndicator.objects.create(
                program=program, code=item.code, label=item.label, unit_label=item.unit_label,
                aggregation=item.aggregation,
            )  # fmt: skip
        for rule in source.validation_rules.all():
            ValidationRule.objects.create(
                program=program, left=rule.left, operator=rule.operator, right=rule.right, level=rule.level,
                message=rule.message,
            )  # fmt: skip
        _target_skeleton(source, program)
    log_change(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        model="records.Program",
        object_code=program.code,
        before=None,
        after={"code": code, "name": name, "from": source.code if source else None},
    )
    return program


def _target_skeleton(source: Program, program: Program) -> None:
    last_year = source.ends_on.year
    targets = Target.objects.unscoped().filter(year=last_year)
    if program.indicator_codes:
        targets = targets.filter(indicator_code__in=program.indicator_codes)
    existing = set(
        Target.objects.unscoped()
        .filter(year__gte=program.starts_on.year, year__lte=program.ends_on.year)
        .values_list("indicator_code", "unit_id", "year")
    )
    new = []
    for target in targets:
        for year in range(program.starts_on.year, program.ends_on.year + 1):
            if (target.indicator_code, target.unit_id, year) not in existing:
                new.append(Target(indicator_code=target.indicator_code, unit_id=target.unit_id, year=year,
                                  value=target.value))  # fmt: skip
    Target.objects.bulk_create(new)


def mark_read(*, user, notification_ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
