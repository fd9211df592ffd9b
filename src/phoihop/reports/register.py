"""Reads of the report register, scoped like the report itself: the whole program's reports belong to
its two partners (users whose scope covers both roots or who sit on one of them), a unit's reports to
the users whose scope covers that unit."""

from __future__ import annotations

from datetime import date

from django.http import Http404

from phoihop.accounts.scope import scope_for
from phoihop.orgs.models import Unit
from phoihop.records.models import Program

from .models import IssuedReport, ReportTemplate


def is_partner(*, user, program: Program) -> bool:
    """The rule of `selectors.report_for` for the whole program's report."""
    scope = scope_for(user)
    return user.unit_id in (program.union_root_id, program.party_root_id) or (
        scope.covers_unit(program.union_root_id) and scope.covers_unit(program.party_root_id)
    )


def report_key(
    *, user, program_code: str, date_from: date | None, date_to: date | None, scope_code: str | None
):
    """(program, from, to, scope unit or None for the whole program) of the report the user gets for
    these choices. Raises Http404 for what the user may not see."""
    program = Program.objects.unscoped().filter(code=program_code).first()
    if program is None:
        raise Http404
    scope = None
    if scope_code:
        scope = Unit.objects.filter(code=scope_code).first()
        if scope is None or not scope_for(user).covers_unit(scope):
            raise Http404
    elif not is_partner(user=user, program=program):
        if user.unit_id is None:
            raise Http404
        scope = user.unit
    return program, date_from or program.starts_on, date_to or program.ends_on, scope


def may_see(*, user, issued: IssuedReport) -> bool:
    if issued.scope_id is None:
        return is_partner(user=user, program=issued.program)
    return scope_for(user).covers_unit(issued.scope_id)


def may_write(user) -> bool:
    return user.is_authenticated and user.can("write")


def may_manage_templates(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == "admin") and user.unit_id is not None


def issued_for(*, user) -> list[IssuedReport]:
    rows = IssuedReport.objects.select_related("program", "scope", "issued_by").order_by("-issued_on", "-id")
    return [r for r in rows if may_see(user=user, issued=r)]


def issued_one(*, user, pk: int) -> IssuedReport:
    issued = IssuedReport.objects.select_related("program", "scope", "issued_by").filter(pk=pk).first()
    if issued is None or not may_see(user=user, issued=issued):
        raise Http404
    return issued


def templates_for(*, user) -> list[ReportTemplate]:
    if user.unit_id is None:
        return []
    return list(ReportTemplate.objects.filter(unit=user.unit).select_related("uploaded_by"))
