"""The program overview (/chi-tieu/tong-quan/): parse, authorise, call reports/dashboard.py."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from phoihop.accounts.scope import scope_for
from phoihop.indicators.forms import ProgramChoiceForm, chosen
from phoihop.indicators.selectors import programs as all_programs

from .dashboard import build_dashboard


@login_required
def dashboard(request):
    """Headline figures, yearly trends, the union → party pipeline, target ranking and the unit table
    of one program, for the signed-in user's scope."""
    scope = scope_for(request.user)
    if not scope.everything and not scope.unit_ids:  # a user without a unit has no dashboard
        raise PermissionDenied(_("Tài khoản chưa được gán đơn vị."))
    programs = all_programs()
    if not programs:
        return render(request, "indicators/no_program.html", {"title": _("Tổng quan")})
    form = chosen(ProgramChoiceForm, request, request.GET, programs=programs)
    program = form.cleaned_data["program"]
    year = form.cleaned_data["nam"] if request.GET.get("nam") else None
    board = build_dashboard(user=request.user, program=program, ranking_year=year)
    return render(request, "reports/dashboard.html", {"form": form, "board": board})
