"""Staff pages of the unit trees: the tree on a date, a unit, an enterprise, and the manager's acts.

Views parse, look the object up through the user's scope (outside it: 404, exactly as if it did not
exist — before any role check, so a 403 never reveals that a code exists), then call orgs.services.
"""

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from phoihop.accounts.scope import scope_for
from phoihop.audit.models import AuditEntry
from phoihop.core import params
from phoihop.core.text import fold

from . import forms, selectors, services
from .models import Enterprise, Transfer, Unit


def _param(request, name: str) -> str:
    # NUL cannot reach PostgreSQL in a query; nobody types it, so it is dropped.
    return request.GET.get(name, "").replace("\x00", "").strip()


def _unit_or_404(scope, code: str) -> Unit:
    if "\x00" in code:
        raise Http404
    return scope.get_unit_or_404(code)


def _day(request) -> tuple[date, str]:
    """The "as of" date from ?on=30/06/2018 (dd/mm/yyyy, as typed here; ISO 2018-06-30 is read too,
    core.params); today when absent, with a message when unreadable."""
    raw = _param(request, "on")
    today = timezone.localdate()
    if not raw:
        return today, ""
    day = params.parse_day(raw)
    if day is not None:
        return day, ""
    return today, _(
        "Ngày xem: '%(raw)s' không phải ngày hợp lệ (cần ngày/tháng/năm, ví dụ 30/06/2018); "
        "đang hiển thị ngày hôm nay."
    ) % {"raw": raw[:20]}


# ---- names and ends as of a date ---------------------------------------------------------------------
# Unit names carry no dates in the model: a rename is recorded only by orgs.services.update_unit's audit
# row (before/after, stamped when it was made). The name a unit had on a day is therefore the "before"
# name of the first rename recorded after that day, else its name now.


def names_on(units, day: date) -> dict[int, str]:
    """{unit pk: the name it bore on `day`} for the renamed ones among `units` (one query)."""
    by_code = {u.code: u for u in units}
    if not by_code or day >= timezone.localdate():
        return {}
    after = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    renames = AuditEntry.objects.filter(model="orgs.Unit", action=AuditEntry.Action.UPDATE, at__gte=after)
    if len(by_code) <= 500:  # a big tree (a national one) reads the few later edits instead of a huge IN
        renames = renames.filter(object_code__in=list(by_code))
    found: dict[int, str] = {}
    for code, before, after_values in renames.order_by("at", "pk").values_list(
        "object_code", "before", "after"
    ):
        if code not in by_code:
            continue
        old, new = (before or {}).get("name"), (after_values or {}).get("name")
        unit = by_code[code]
        if old and new and old != new and unit.pk not in found:
            found[unit.pk] = old
    return found


def _rename(units, day: date) -> None:
    """Sets `name_then` on each unit: its name on `day` (templates show it instead of today's)."""
    units = list(units)
    then = names_on(units, day)
    for unit in units:
        unit.name_then = then.get(unit.pk, unit.name)


def _tree_units(node: dict):
    yield node["unit"]
    for child in node["children"]:
        yield from _tree_units(child)


def _ended(unit: Unit, day: date, scope) -> dict | None:
    """Why `unit` is not on the tree of `day`: dissolved (or merged) before it, or not yet founded; with
    the day to look at instead and where its units went."""
    if unit.dissolved_on and day > unit.dissolved_on:
        last = unit.dissolved_on
        went = {}
        for child in selectors.children_on(unit, on=last):
            parent = selectors.parent_on(child, on=last + timedelta(days=1))
            if parent is not None and parent.pk != unit.pk:
                went.setdefault(
                    parent.pk, {"unit": parent, "count": 0, "visible": scope.covers_unit(parent)}
                )["count"] += 1
        return {"dissolved": True, "on": last, "look_on": last, "went": list(went.values())}
    if unit.founded_on and day < unit.founded_on:
        return {"dissolved": False, "on": unit.founded_on, "look_on": unit.founded_on, "went": []}
    return None


@login_required
def tree(request):
    """The unit trees of the user's scope as they stood on a date, or search results by name."""
    scope = scope_for(request.user)
    day, day_error = _day(request)
    query = _param(request, "q")[:100]
    context = {"day": day, "day_error": day_error, "query": query, "today": timezone.localdate()}
    if query:
        context["found_units"] = list(
            selectors.search_units(query, within=scope.units())
            .select_related("enterprise")
            .order_by("search_name")[:200]
        )
        _rename(context["found_units"], day)
        context["found_enterprises"] = (
            scope.enterprises().filter(search_name__contains=fold(query)).order_by("search_name")[:50]
        )
    else:
        tops = (
            selectors.roots_on(within=scope.units(), on=day)
            if scope.everything
            else Unit.objects.filter(pk__in=scope.unit_ids)
        )
        tops = list(tops.order_by("kind", "search_name"))
        trees = [selectors.subtree_on(top, on=day) for top in tops]
        context["trees"] = [t for t in trees if t is not None]
        # A user whose unit was dissolved (a district merged away in 2025) is told so, and sees the
        # tree of its last day instead of an empty page.
        context["missing_tops"] = []
        for top, t in zip(tops, trees, strict=True):
            if t is None:
                ended = _ended(top, day, scope)
                last_tree = selectors.subtree_on(top, on=ended["look_on"]) if ended else None
                if last_tree is not None:
                    _rename(_tree_units(last_tree), ended["look_on"])
                context["missing_tops"].append({"unit": top, "ended": ended, "tree": last_tree})
        for t in context["trees"]:
            _rename(_tree_units(t), day)
        context["open_all"] = request.GET.get("mo") == "tat-ca"
    return render(request, "orgs/tree.html", context)


@login_required
def unit_detail(request, code: str):
    scope = scope_for(request.user)
    unit = _unit_or_404(scope, code)
    day, day_error = _day(request)
    history = selectors.parent_history(unit)
    for step in history:
        step["visible"] = step["parent"] is not None and scope.covers_unit(step["parent"])
    children = list(
        selectors.children_on(unit, on=day)
        .filter(pk__in=scope.visible_unit_ids())
        .select_related("enterprise")
        .order_by("kind", "search_name")
    )
    ended = _ended(unit, day, scope)
    last_children = []
    if ended and ended["dissolved"]:
        # Instead of an empty list: the units it had on its last day (and, in the notice, where they went).
        last_children = list(
            selectors.children_on(unit, on=ended["on"])
            .filter(pk__in=scope.visible_unit_ids())
            .select_related("enterprise")
            .order_by("kind", "search_name")
        )
    _rename([unit], day)
    _rename(children, day)
    _rename(last_children, ended["on"] if ended else day)
    context = {
        "unit": unit,
        "day": day,
        "day_error": day_error,
        "exists_on_day": unit.exists_on(day),
        # A dissolved unit keeps its last parent in the closure; on later days it has none to show.
        "parent_on_day": selectors.parent_on(unit, on=day) if unit.exists_on(day) else None,
        # Only children the user may open (one that joined after the unit left their subtree is not theirs).
        "children": children,
        "ended": ended,
        "last_children": last_children,
        "renamed": unit.name_then != unit.name,
        "renames": _renames_of(unit),
        "history": history,
        "absorbed": scope.units().filter(merged_into=unit).order_by("dissolved_on"),
        "moves_in": Transfer.objects.filter(new_parent=unit, unit__in=scope.units())
        .select_related("unit")
        .order_by("-effective_on")[:50],
        "can_manage": request.user.can("manage_units"),
        "can_audit": request.user.can("audit"),
    }
    parent = context["parent_on_day"]
    context["parent_visible"] = parent is not None and scope.covers_unit(parent)
    merged = unit.merged_into
    context["merged_visible"] = merged is not None and scope.covers_unit(merged)
    return render(request, "orgs/unit.html", context)


def _renames_of(unit: Unit) -> list[dict]:
    """The unit's recorded renames, oldest first: [{on, old, new}]."""
    out = []
    for at, before, after in (
        AuditEntry.objects.filter(model="orgs.Unit", action=AuditEntry.Action.UPDATE, object_code=unit.code)
        .order_by("at", "pk")
        .values_list("at", "before", "after")
    ):
        old, new = (before or {}).get("name"), (after or {}).get("name")
        if old and new and old != new:
            out.append({"on": timezone.localdate(at), "old": old, "new": new})
    return out


@login_required
def enterprise_detail(request, code: str):
    scope = scope_for(request.user)
    try:
        enterprise = scope.enterprises().get(code=code.replace("\x00", "?"))
    except Enterprise.DoesNotExist as missing:
        raise Http404 from missing
    units = scope.units().filter(enterprise=enterprise).order_by("kind", "search_name")
    return render(request, "orgs/enterprise.html", {"enterprise": enterprise, "units": units})


# ---- the manager's acts ------------------------------------------------------------------------------


def _manageable(request, code: str) -> tuple[Unit, object]:
    scope = scope_for(request.user)
    unit = _unit_or_404(scope, code)  # 404 first: a role check must not reveal that a code exists
    if not request.user.can("manage_units"):
        raise PermissionDenied(_("Chỉ quản trị và quản lý được thay đổi đơn vị."))
    return unit, scope


def _act(request, *, unit, form, title, intro, submit, run, done, danger=False):
    """Show the form; on a valid POST call `run(cleaned_data)`, mapping the service's field errors."""
    if request.method == "POST" and form.is_valid():
        try:
            result = run(form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, done)
            return redirect("orgs:unit", code=getattr(result, "code", unit.code))
    return render(
        request,
        "orgs/form.html",
        {"unit": unit, "form": form, "title": title, "intro": intro, "submit": submit, "danger": danger},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def create_child(request, code: str):
    parent, scope = _manageable(request, code)
    form = forms.UnitCreateForm(request.POST or None, parent=parent, enterprises=scope.enterprises())
    return _act(
        request,
        unit=parent,
        form=form,
        title=_("Thành lập đơn vị trực thuộc %(name)s") % {"name": parent.name},
        intro=_("Đơn vị mới thuộc %(name)s từ ngày thành lập.") % {"name": parent.name},
        submit=_("Thành lập"),
        run=lambda data: services.create_unit(actor=request.user, parent=parent, **data),
        done=_("Đã thành lập đơn vị."),
    )


@login_required
def edit(request, code: str):
    unit, scope = _manageable(request, code)
    initial = {
        "name": unit.name,
        "founded_on": unit.founded_on,
        "enterprise": unit.enterprise.code if unit.enterprise else None,
        "area": unit.area,
    }
    enterprises = scope.enterprises()
    if unit.enterprise_id:
        enterprises = enterprises | Enterprise.objects.filter(pk=unit.enterprise_id)
    form = forms.UnitEditForm(request.POST or None, initial=initial, enterprises=enterprises)
    return _act(
        request,
        unit=unit,
        form=form,
        title=_("Sửa thông tin %(name)s") % {"name": unit.name},
        intro=_("Loại đơn vị và cấp trên không sửa ở đây: dùng điều chuyển, sáp nhập hoặc giải thể."),
        submit=_("Lưu"),
        run=lambda data: services.update_unit(actor=request.user, unit=unit, **data),
        done=_("Đã lưu thông tin đơn vị."),
    )


@login_required
def dissolve(request, code: str):
    unit, _scope = _manageable(request, code)
    form = forms.DissolveForm(request.POST or None)
    return _act(
        request,
        unit=unit,
        form=form,
        title=_("Giải thể %(name)s") % {"name": unit.name},
        intro=_(
            "Sau ngày giải thể đơn vị không còn trên cây đơn vị và trong báo cáo; số liệu trước đó giữ nguyên."
        ),
        submit=_("Giải thể"),
        run=lambda data: services.dissolve_unit(actor=request.user, unit=unit, on=data["on"]),
        done=_("Đã ghi nhận giải thể."),
        danger=True,
    )


@login_required
def merge(request, code: str):
    unit, scope = _manageable(request, code)
    form = forms.MergeForm(request.POST or None, unit=unit, units=scope.units())
    return _act(
        request,
        unit=unit,
        form=form,
        title=_("Sáp nhập %(name)s vào đơn vị khác") % {"name": unit.name},
        intro=_("Đơn vị kết thúc vào ngày sáp nhập; đơn vị tiếp nhận phải cùng cấp và đang hoạt động."),
        submit=_("Sáp nhập"),
        run=lambda data: services.merge_unit(actor=request.user, unit=unit, **data),
        done=_("Đã ghi nhận sáp nhập."),
        danger=True,
    )


@login_required
def transfer(request, code: str):
    unit, scope = _manageable(request, code)
    form = forms.TransferForm(request.POST or None, unit=unit, units=scope.units())
    return _act(
        request,
        unit=unit,
        form=form,
        title=_("Điều chuyển %(name)s") % {"name": unit.name},
        intro=_(
            "Từ ngày hiệu lực đơn vị (cùng các đơn vị trực thuộc) thuộc cấp trên mới; số liệu các kỳ trước giữ nguyên."
        ),
        submit=_("Điều chuyển"),
        run=lambda data: services.transfer_unit(actor=request.user, unit=unit, **data),
        done=_("Đã ghi nhận điều chuyển."),
    )
