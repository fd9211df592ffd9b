"""The targets grid (/chi-tieu/): parse, authorise, call. (The dashboard is reports/dashboard_views.py.)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from phoihop.accounts.scope import scope_for

from . import selectors
from .forms import BadChoice, GridChoiceForm, chosen
from .services import Cell, TargetsInvalid, can_set_targets, save_targets


def _scope_or_403(user):
    scope = scope_for(user)
    if not scope.everything and not scope.unit_ids:
        raise PermissionDenied(_("Tài khoản chưa được gán đơn vị."))
    return scope


def _posted_cells(post) -> list[Cell]:
    """Cells are posted as t:<unit id>:<indicator code>; anything else is ignored."""
    cells = []
    for key, raw in post.items():
        parts = key.split(":", 2)
        if len(parts) == 3 and parts[0] == "t" and parts[1].isdigit():
            cells.append(Cell(int(parts[1]), parts[2], raw))
    return cells


@login_required
@require_http_methods(["GET", "POST"])
def targets(request):
    """The grid of targets: child units × indicators for one program year, editable by managers."""
    scope = _scope_or_403(request.user)
    programs = selectors.programs()
    if not programs:
        return render(request, "indicators/no_program.html", {"title": _("Chỉ tiêu")})
    parents = selectors.parent_choices(scope)
    own = request.user.unit
    default_parent = own or programs[0].union_root
    if default_parent not in parents:
        parents = [default_parent, *parents]
    editable = can_set_targets(request.user)
    if request.method == "POST" and not editable:
        raise PermissionDenied(_("Chỉ quản lý hoặc quản trị mới được giao chỉ tiêu."))
    data = request.POST if request.method == "POST" else request.GET
    try:
        form = chosen(
            GridChoiceForm, request, data, programs=programs, parents=parents, default_parent=default_parent
        )
    except BadChoice as bad:
        labels = {name: field.label for name, field in bad.form.fields.items()}
        problems = "; ".join(f"{labels.get(f, '')}: {' '.join(e)}" for f, e in bad.form.errors.items())
        return HttpResponseBadRequest(_("Không lưu được: %(problems)s") % {"problems": problems})
    choice = form.cleaned_data
    program, year, parent, group = choice["program"], choice["nam"], choice["parent"], choice["nhom"]
    posted, errors, status = None, None, 200
    if request.method == "POST":
        cells = _posted_cells(request.POST)
        try:
            result = save_targets(user=request.user, program=program, year=year, cells=cells)
        except TargetsInvalid as invalid:
            posted = {c.key: c.raw for c in cells}
            errors, status = invalid.errors, 400
            for key, message in invalid.errors.items():
                if not key.startswith("t:"):
                    messages.error(request, message)
        else:
            if result.written:
                messages.success(
                    request,
                    _("Đã lưu chỉ tiêu: %(c)s mới, %(u)s sửa, %(d)s xóa.")
                    % {"c": result.created, "u": result.updated, "d": result.deleted},
                )
            else:
                messages.info(request, _("Không có ô nào thay đổi."))
            query = {"chuong_trinh": program.code, "nam": year, "don_vi": parent.code, "nhom": group}
            return HttpResponseRedirect(f"{reverse('indicators:targets')}?{urlencode(query)}")
    grid = selectors.target_grid(
        scope=scope, program=program, year=year, parent=parent, group=group, posted=posted, errors=errors
    )
    context = {"form": form, "grid": grid, "editable": editable}
    return render(request, "indicators/targets.html", context, status=status)
