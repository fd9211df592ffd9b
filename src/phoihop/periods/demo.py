"""The demo's period reports (called by demo.services.load_demo after the import): CTPH-2021-2025 with
yearly periods — most units approved for 2021–2023, some submitted, Bát Xát returned and Mường Khương
overdue for 2024 — and CTPH-2026-2030 created from it, quarterly, with a reported indicator.

Histories are written with the dates they would have had (submissions in January, decisions a few days
later), not through the services, which stamp "now". The frozen figures are each unit's share of the
program's report for the period (`by_unit`), which is what `report --scope UNIT` gives for it.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from phoihop.accounts.models import User
from phoihop.records.models import Program
from phoihop.reports.assemble import build_report

from . import services
from .models import PeriodReport, ReportAction, ReportedIndicator, ReportVersion, Status, ValidationRule
from .selectors import Period, periods_of, reporting_units

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SOURCE, NEW = "CTPH-2021-2025", "CTPH-2026-2030"
RETURNED_2024 = "LDLD-H-BATXAT"
OVERDUE_2024 = "LDLD-H-MUONGKHUONG"
SUBMITTED = {"2023": {"LDLD-H-SIMACAI"}, "2024": {"LDLD-H-BACHA", "LDLD-H-SAPA", "CDN-GD", "LDLD-H-VANBAN"}}
RETURN_COMMENT = (
    "Đề nghị LĐLĐ huyện Bát Xát rà soát lại số đoàn viên kết nạp mới trong quý IV và bổ sung "
    "số liệu đóng góp an sinh xã hội trước khi nộp lại."
)
REPORTED = (
    "reported.tuyen_truyen_phap_luat",
    "Số đoàn viên được tuyên truyền, phổ biến pháp luật",
    "lượt người",
)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=TZ)


def _figures(program: Program, period: Period) -> dict[str, dict]:
    report = build_report(program_code=program.code, date_from=period.date_from, date_to=period.date_to)
    kinds = report["units"]["kinds"]
    followed = set(program.indicator_codes or [])
    out: dict[str, dict] = {}
    for code, entry in report["indicators"].items():
        if followed and code not in followed:
            continue
        for unit_code, value in entry["by_unit"].items():
            out.setdefault(unit_code, {})[code] = value
    for values in out.values():
        for code in report["indicators"]:
            if followed and code not in followed:
                continue
            if values.get(code) is None:  # an indicator of the other tree counts nothing in this unit
                values[code] = None if kinds[code] == "pct" else 0
    return out


def _history(program, period, reporter, figures, *, status, submitted, decided, comment, reported, manager):
    unit = reporter.unit
    submitter = User.objects.filter(unit=unit, role__in=services_submitters()).first()
    name = submitter.get_username() if submitter else f"vanphong.{unit.code.lower()}"
    decider = manager if reporter.reports_to.pk == manager.unit_id else None
    decider_name = decider.get_username() if decider else f"lanhdao.{reporter.reports_to.code.lower()}"
    report = PeriodReport.objects.unscoped().create(
        program=program,
        period=period.code,
        date_from=period.date_from,
        date_to=period.date_to,
        unit=unit,
        status=status,
        version=1,
        submitted_at=_at(submitted),
        submitted_by=submitter,
        decided_at=_at(decided, 15) if decided else None,
        decided_by=decider if decided else None,
        comment=comment,
        state_changed_at=_at(decided or submitted, 15 if decided else 9),
    )
    ReportVersion.objects.create(
        report=report,
        number=1,
        submitted_at=_at(submitted),
        submitted_by=submitter,
        indicators=figures.get(unit.code, {}),
        reported=reported,
        checks=[],
    )
    ReportAction.objects.create(
        report=report, kind="submit", actor=submitter, actor_name=name, at=_at(submitted)
    )
    if decided:
        kind = "approve" if status == Status.APPROVED else "return"
        ReportAction.objects.create(
            report=report,
            kind=kind,
            actor=decider,
            actor_name=decider_name,
            at=_at(decided, 15),
            comment=comment,
        )


def services_submitters():
    return (User.Role.EDITOR, User.Role.MANAGER, User.Role.ADMIN)


@transaction.atomic
def ensure_demo_periods(*, seed: int = 2021) -> int:
    """Seeds the demo's period reports once; returns how many reports were written (0 when present)."""
    source = Program.objects.unscoped().filter(code=SOURCE).first()
    if source is None or PeriodReport.objects.unscoped().filter(program=source).exists():
        return 0
    rng = random.Random(seed)
    manager = User.objects.filter(username="lanhdao").first() or User.objects.filter(role="manager").first()
    admin = User.objects.filter(username="admin").first() or manager
    if not ValidationRule.objects.filter(program=source).exists():
        ValidationRule.objects.create(
            program=source,
            left="party.members_admitted_in_enterprises",
            operator="<=",
            right="union.outstanding_referred",
            level=ValidationRule.Level.WARNING,
            message="Số đảng viên kết nạp trong doanh nghiệp lớn hơn số đoàn viên ưu tú được giới thiệu",
        )
    written = 0
    for period in periods_of(source):
        if period.code == "2025":
            continue  # after the 2025 reorganisation the grassroots unions report directly; none has yet
        figures = _figures(source, period)
        for reporter in reporting_units(source, period):
            code = reporter.unit.code
            due = period.due
            late = rng.random() < 0.12
            submitted = (
                due + timedelta(days=rng.randint(2, 20)) if late else due - timedelta(days=rng.randint(1, 12))
            )
            decided = submitted + timedelta(days=rng.randint(2, 9))
            status, comment = Status.APPROVED, ""
            if period.code == "2024" and code == OVERDUE_2024:
                continue  # never submitted: overdue
            if code in SUBMITTED.get(period.code, ()):
                status, decided = Status.SUBMITTED, None
            if period.code == "2024" and code == RETURNED_2024:
                status, comment = Status.RETURNED, RETURN_COMMENT
            _history(
                source, period, reporter, figures, status=status, submitted=submitted, decided=decided,
                comment=comment, reported={}, manager=manager,
            )  # fmt: skip
            written += 1
    written += _new_program(source, admin, manager, rng)
    return written


def _new_program(source: Program, admin, manager, rng) -> int:
    if Program.objects.unscoped().filter(code=NEW).exists():
        return 0
    program = services.create_program_from(
        actor=admin,
        source=source,
        code=NEW,
        name="Chương trình phối hợp giữa LĐLĐ tỉnh và Đảng ủy Khối giai đoạn 2026-2030",
        starts_on=date(2026, 1, 1),
        ends_on=date(2030, 12, 31),
        frequency="quy",
        due_days=15,
    )
    ReportedIndicator.objects.create(
        program=program, code=REPORTED[0], label=REPORTED[1], unit_label=REPORTED[2], aggregation="sum"
    )
    written = 0
    # 2026: the first quarter approved for most, the second submitted by some, the third not yet.
    for period in periods_of(program)[:2]:
        figures = _figures(program, period)
        for reporter in reporting_units(program, period):
            if reporter.unit.kind != "ldld_huyen" and rng.random() < 0.6:
                continue  # many grassroots unions report late in the first year
            submitted = period.due - timedelta(days=rng.randint(0, 10))
            first = period.code.endswith("Q1")
            if not first and rng.random() < 0.5:
                continue
            decided = submitted + timedelta(days=rng.randint(2, 9)) if first else None
            _history(
                program, period, reporter, figures, status=Status.APPROVED if first else Status.SUBMITTED,
                submitted=submitted, decided=decided, comment="", manager=manager,
                reported={REPORTED[0]: rng.randint(2, 40) * 10},
            )  # fmt: skip
            written += 1
    return written
