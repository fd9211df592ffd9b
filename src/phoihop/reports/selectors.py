"""Reports a signed-in user may make. Programs (names and periods) are visible to every staff user;
the figures are not. The program's whole report (aggregate figures, no personal data) belongs to its
two partners: a user whose scope covers either of the program's roots sees it. Anybody else gets the report of their own unit's subtree, and may narrow it to any unit
their scope covers, never widen it."""

from __future__ import annotations

from django.http import Http404

from phoihop.accounts.scope import scope_for
from phoihop.orgs.models import Unit
from phoihop.records.models import Program

from .assemble import ReportError
from .cache import cached_report


def programs_for(*, user):
    if not user.is_authenticated:
        return Program.objects.none()
    return Program.objects.unscoped().order_by("-starts_on")


def program_scope_code(*, user, program: Program) -> str | None:
    """Whose figures a user gets for a program: None (the whole program, both roots) for users whose
    scope covers either of its roots — the two signatories share the program's review — else the
    code of the user's own unit. Raises Http404 for a user without a unit."""
    scope = scope_for(user)
    if (
        scope.everything
        or scope.covers_unit(program.union_root_id)
        or scope.covers_unit(program.party_root_id)
    ):
        return None
    if user.unit_id is None:
        raise Http404
    return user.unit.code


def report_for(
    *,
    user,
    program_code: str,
    date_from=None,
    date_to=None,
    scope_code: str | None = None,
    approved_only: bool = False,
) -> dict:
    """The JSON report as `phoihop report` makes it, cut to what the user may see. Raises ReportError
    for bad input and Http404 for a unit outside the user's scope."""
    scope = scope_for(user)
    if scope_code:
        unit = Unit.objects.filter(code=scope_code).first()
        if unit is None or not scope.covers_unit(unit):
            raise Http404
    else:
        program = programs_for(user=user).filter(code=program_code).first()
        if program is None:
            raise ReportError(f"Không có chương trình phối hợp mã '{program_code}'.")
        partner = user.unit_id in (program.union_root_id, program.party_root_id)
        if not partner and not (
            scope.covers_unit(program.union_root_id) and scope.covers_unit(program.party_root_id)
        ):
            if user.unit_id is None:
                raise Http404
            scope_code = user.unit.code
    return cached_report(
        program_code=program_code,
        date_from=date_from,
        date_to=date_to,
        scope_code=scope_code,
        approved_only=approved_only,
    )
