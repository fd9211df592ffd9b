"""Pages of period reports: the board of a program's period, a unit's report, the program's settings
and creation from an earlier program, and the notifications. Thin: parse, look up in scope, call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import modelformset_factory
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from phoihop.audit.models import AuditEntry
from phoihop.audit.services import log_change
from phoihop.indicators.registry import REGISTRY
from phoihop.indicators.svg import hbar_chart, vn_percent
from phoihop.records.programs import default_program

from . import selectors, services
from .forms import (
    DecisionForm,
    ProgramCreateForm,
    ProgramSettingsForm,
    ReportedIndicatorForm,
    ValidationRuleForm,
)
from .models import Notification, PeriodReport, ReportedIndicator, Status, ValidationRule


def _current_period(program, today):
    """The last ended period in which somebody already acted, else the last ended one, else the first."""
    periods = selectors.periods_of(program)
    if not periods:
        raise Http404
    ended = [p for p in periods if p.date_to < today]
    acted = set(PeriodReport.objects.unscoped().filter(program=program).values_list("period", flat=True))
    return next((p for p in reversed(ended) if p.code in acted), None) or (ended[-1] if ended else periods[0])


@login_required
def index(request):
    """The board of the program running today (or the one chosen), at its last ended period."""
    programs = selectors.programs_for(user=request.user)
    if not programs:
        return render(request, "periods/index.html", {"programs": []})
    today = timezone.localdate()
    code = request.GET.get("chuong_trinh")
    program = next((p for p in programs if p.code == code), None) or default_program(
        today=today, among=programs
    )
    return board(request, program.code, _current_period(program, today).code)


@login_required
def board(request, program: str, period: str):
    found = selectors.program_or_404(user=request.user, code=program)
    per = selectors.period_or_404(found, period)
    today = timezone.localdate()
    rows = selectors.board(user=request.user, program=found, period=per, today=today)
    counts = selectors.board_counts(rows)
    chart = hbar_chart(
        title=_("Tính đầy đủ và kịp thời"),
        items=[
            (_("Đã duyệt (đầy đủ)"), counts["completeness_pct"] or 0),
            (_("Nộp đúng hạn (kịp thời)"), counts["timeliness_pct"] or 0),
        ],
        fmt=vn_percent,
        reference=100,
        reference_label="100 %",
    )
    context = {
        "program": found,
        "period": per,
        "periods": selectors.periods_of(found),
        "programs": selectors.programs_for(user=request.user),
        "rows": rows,
        "counts": counts,
        "chart": chart,
        "today": today,
        "may_configure": _may_configure(request.user, found),
    }
    return render(request, "periods/board.html", context)


def _figures(values: dict) -> list[dict]:
    out = []
    for code, value in values.items():
        spec = REGISTRY.get(code)
        out.append({"code": code, "label": spec.display_label if spec else code, "value": value})
    return out


@login_required
@require_http_methods(["GET", "POST"])
def unit_report(request, program: str, period: str, unit: str):
    """A unit's report for a period: figures, reported indicators, checks, comment, versions; submit;
    approve / return / unlock for the level above."""
    prog, per, reporter, report = selectors.unit_report_or_404(
        user=request.user, program_code=program, period_code=period, unit_code=unit
    )
    status = report.status if report else Status.DRAFT
    error, status_code = None, 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        comment = request.POST.get("comment", "").strip()
        raw = {
            code: request.POST.get(code, "")
            for code in prog.reported_indicators.values_list("code", flat=True)
            if request.POST.get(code, "") != ""
        }
        acts = {
            "save": lambda: services.save_reported_values(
                actor=request.user, program=prog, period=per, unit=reporter.unit, raw=raw
            ),
            "submit": lambda: services.submit(
                actor=request.user,
                program=prog,
                period=per,
                unit=reporter.unit,
                reported=raw,
                comment=comment,
            ),
            "approve": lambda: services.approve(
                actor=request.user, program=prog, period=per, unit=reporter.unit, comment=comment
            ),
            "return": lambda: services.return_report(
                actor=request.user, program=prog, period=per, unit=reporter.unit, comment=comment
            ),
            "unlock": lambda: services.unlock(
                actor=request.user, program=prog, period=per, unit=reporter.unit, reason=comment
            ),
        }
        if action not in acts:
            error, status_code = _("Không rõ thao tác."), 400
        elif action == "save" and not services.may_submit(request.user, reporter.unit):
            raise PermissionDenied(
                _("Chỉ biên tập viên, quản lý hoặc quản trị của chính đơn vị mới nhập được.")
            )
        else:
            try:
                with transaction.atomic():
                    acts[action]()
            except services.Conflict as conflict:
                error, status_code = conflict.message, 409
            except ValidationError as invalid:
                error, status_code = "; ".join(invalid.messages), 400
            else:
                done = {
                    "save": _("Đã lưu số liệu (chưa nộp)."),
                    "submit": _("Đã nộp báo cáo; cấp trên sẽ xem xét."),
                    "approve": _("Đã duyệt báo cáo."),
                    "return": _("Đã trả lại báo cáo cho đơn vị."),
                    "unlock": _("Đã mở khóa báo cáo; đơn vị có thể sửa và nộp lại."),
                }
                messages.success(request, done[action])
                return redirect("periods:unit", prog.code, per.code, reporter.unit.code)
        prog, per, reporter, report = selectors.unit_report_or_404(
            user=request.user, program_code=program, period_code=period, unit_code=unit
        )
        status = report.status if report else Status.DRAFT
    latest = report.versions.order_by("-number").first() if report else None
    editable = status in (Status.DRAFT, Status.RETURNED)
    if editable:
        indicators = services.compute_figures(prog, per, reporter.unit)
        entered = {
            **(latest.reported if latest else {}),
            **services.stored_reported(prog, per, reporter.unit),
        }
        checks = services.checks_for(prog, per, reporter.unit, indicators, entered)
    else:
        indicators, entered, checks = latest.indicators, latest.reported, latest.checks
    if request.method == "POST" and error:
        entered = {**entered, **{k: v for k, v in request.POST.items() if k.startswith("reported.")}}
    reported = [
        {"code": r.code, "label": r.label, "unit": r.unit_label, "value": entered.get(r.code, "")}
        for r in prog.reported_indicators.all()
    ]
    children = []
    if reporter.children:
        children = [
            r
            for r in selectors.board(user=request.user, program=prog, period=per)
            if r.reporter.unit.pk in reporter.children
        ]
    context = {
        "program": prog,
        "period": per,
        "reporter": reporter,
        "report": report,
        "status": status,
        "status_label": Status(status).label,
        "figures": _figures(indicators),
        "frozen": not editable,
        "reported": reported,
        "checks": checks,
        "history": selectors.history(report),
        "actions": list(report.actions.all()) if report else [],
        "children": children,
        "may_submit": editable and services.may_submit(request.user, reporter.unit),
        "may_decide": services.may_decide(request.user, reporter.unit),
        "error": error,
        "comment": request.POST.get("comment", "") if error else "",
        "decision": DecisionForm(),
        "overdue": (timezone.localdate() - per.due).days
        if editable and timezone.localdate() > per.due
        else 0,
    }
    return render(request, "periods/unit.html", context, status=status_code)


# ---- programs in the staff site --------------------------------------------------------------------


def _may_configure(user, program) -> bool:
    """A manager or admin of one of the program's two partners (its roots)."""
    if user.is_superuser:
        return True
    return user.role in ("manager", "admin") and user.unit_id in (
        program.union_root_id,
        program.party_root_id,
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_create(request):
    """A new program, from an earlier one: indicator set, reported indicators, rules, target skeleton."""
    if not request.user.is_superuser and request.user.role not in ("manager", "admin"):
        raise PermissionDenied(_("Chỉ quản lý hoặc quản trị mới tạo được chương trình."))
    programs = [p for p in selectors.programs_for(user=request.user) if _may_configure(request.user, p)]
    if not programs and not request.user.is_superuser:
        raise PermissionDenied(
            _("Chỉ quản lý hoặc quản trị của bên công đoàn hoặc bên đảng mới tạo được chương trình.")
        )
    form = ProgramCreateForm(
        request.POST or None, programs=programs, initial={"source": programs[0].pk if programs else None}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source = data["source"] or (programs[0] if programs else None)
        if source is None:
            form.add_error("source", _("Cần chọn chương trình trước để lấy hai bên phối hợp."))
        else:
            try:
                program = services.create_program_from(
                    actor=request.user,
                    source=data["source"],
                    code=data["code"],
                    name=data["name"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    frequency=data["frequency"],
                    due_days=data["due_days"],
                    union_root=source.union_root,
                    party_root=source.party_root,
                )
            except ValidationError as invalid:
                for field, errors in invalid.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Đã tạo chương trình %(code)s.") % {"code": program.code})
                return redirect("periods:program", program.code)
    return render(request, "periods/program_create.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def program_settings(request, program: str):
    """Reporting frequency and deadline, followed indicators, reported indicators, validation rules."""
    found = selectors.program_or_404(user=request.user, code=program)
    if not _may_configure(request.user, found):
        raise PermissionDenied(_("Chỉ quản lý hoặc quản trị của hai bên phối hợp mới sửa được chương trình."))
    data = request.POST or None
    form = ProgramSettingsForm(data, instance=found, prefix="ct")
    Reported = modelformset_factory(ReportedIndicator, form=ReportedIndicatorForm, extra=2, can_delete=True)
    Rules = modelformset_factory(ValidationRule, form=ValidationRuleForm, extra=2, can_delete=True)
    reported = Reported(data, queryset=found.reported_indicators.all(), prefix="bc")
    known = set(REGISTRY) | set(found.reported_indicators.values_list("code", flat=True))
    if data:
        known |= {
            f.cleaned_data.get("code") for f in reported.forms if reported.is_valid() and f.cleaned_data
        }
    rules = Rules(
        data, queryset=found.validation_rules.all(), prefix="qt", form_kwargs={"known_codes": known}
    )
    if request.method == "POST" and form.is_valid() and reported.is_valid() and rules.is_valid():
        with transaction.atomic():
            form.save()
            for item in reported.save(commit=False):
                item.program = found
                item.save()
            for item in reported.deleted_objects:
                item.delete()
            for item in rules.save(commit=False):
                item.program = found
                item.save()
            for item in rules.deleted_objects:
                item.delete()
            log_change(
                actor=request.user,
                action=AuditEntry.Action.UPDATE,
                model="records.Program",
                object_code=found.code,
                before=None,
                after={
                    "frequency": found.frequency,
                    "due_days": found.due_days,
                    "reported": sorted(found.reported_indicators.values_list("code", flat=True)),
                    "rules": [str(r) for r in found.validation_rules.all()],
                },
                detail="program settings",
            )
        messages.success(request, _("Đã lưu cài đặt chương trình."))
        return redirect("periods:program", found.code)
    context = {"program": found, "form": form, "reported": reported, "rules": rules}
    return render(request, "periods/program.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    if request.method == "POST":
        services.mark_read(user=request.user)
        return redirect("periods:notifications")
    items = Notification.objects.filter(user=request.user)[:200]
    waiting = selectors.reports_awaiting(request.user)
    return render(request, "periods/notifications.html", {"items": items, "waiting": waiting})
