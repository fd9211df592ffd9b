"""Staff pages about people across time: recording a move (chuyển đi), the moves in and out of a scope
with those waiting for it (chờ tiếp nhận), and the likely duplicates with their merge and its undoing.
Views parse, authorise and call records.moves / records.duplicates."""

from contextlib import contextmanager
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from phoihop.accounts.scope import scope_for
from phoihop.core import params

from . import duplicates, moves
from .forms import MoveForm
from .models import Person


def _require(request, action: str) -> None:
    if not request.user.can(action):
        raise PermissionDenied


@contextmanager
def _shown_as_message(request, error: type[Exception]):
    """The service's refusal (its `error`, or PermissionDenied with a reason) becomes a message on the
    page it redirects to; a PermissionDenied without words stays a 403."""
    try:
        yield
    except error as bad:
        messages.error(request, str(bad))
    except PermissionDenied as refused:
        if not str(refused):
            raise
        messages.error(request, str(refused))


def _day(raw: str) -> date | None:
    return params.read_day(raw or "")  # dd/mm/yyyy as typed here, or ISO


@login_required
def move_out(request, code: str):
    """Chuyển đi: the sending union records a move of one of its members."""
    _require(request, "read")
    scope = scope_for(request.user)
    person = scope.get_or_404(Person.objects.select_related("grassroots_union"), code=code)
    _require(request, "write")
    if not scope.covers_unit(person.grassroots_union_id):
        raise PermissionDenied
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            move = moves.record_move(
                actor=request.user,
                person=person,
                moved_on=form.cleaned_data["moved_on"],
                to_union=form.cleaned_data["to_union"],
                to_enterprise=form.cleaned_data["to_enterprise"],
            )
        except (moves.MoveError, PermissionDenied) as bad:
            if isinstance(bad, PermissionDenied) and not str(bad):
                raise
            form.add_error(None, str(bad))
        else:
            if move.status == move.Status.ACCEPTED:
                messages.success(request, _("Đã chuyển sinh hoạt đến %(u)s.") % {"u": move.to_union.name})
            else:
                messages.success(
                    request,
                    _("Đã ghi chuyển đi; chờ %(u)s tiếp nhận.") % {"u": move.to_union.name},
                )
            return redirect("records:person", person.code)
    return render(
        request,
        "records/move_form.html",
        {"p": person, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def move_lists(request):
    """Moves in and out of the user's scope in a period, and those waiting for its answer."""
    _require(request, "read")
    if request.method == "POST":
        _require(request, "write")
        action, raw_id = request.POST.get("action"), request.POST.get("move", "")
        if not raw_id.isdigit():
            raise PermissionDenied
        with _shown_as_message(request, moves.MoveError):
            if action == "accept":
                move = moves.accept_move(actor=request.user, move_id=int(raw_id))
                messages.success(request, _("Đã tiếp nhận %(name)s.") % {"name": move.person.full_name})
            elif action == "refuse":
                move = moves.refuse_move(
                    actor=request.user, move_id=int(raw_id), reason=request.POST.get("reason", "")
                )
                messages.success(
                    request, _("Đã từ chối tiếp nhận %(name)s.") % {"name": move.person.full_name}
                )
        return redirect("records:moves")
    date_from, date_to = _day(request.GET.get("tu")), _day(request.GET.get("den"))
    lists = moves.moves_for(scope=scope_for(request.user), date_from=date_from, date_to=date_to)
    return render(
        request,
        "records/moves.html",
        {
            "lists": lists,
            "date_from": date_from,
            "date_to": date_to,
            "may_write": request.user.can("write"),
        },
    )


@login_required
def duplicate_list(request):
    """Có thể trùng: likely duplicates in scope; merge two of them, or undo a recent merge."""
    _require(request, "read")
    scope = scope_for(request.user)
    if request.method == "POST":
        _require(request, "write")
        action = request.POST.get("action")
        with _shown_as_message(request, duplicates.MergeError):
            if action == "merge":
                entry = duplicates.merge_people(
                    actor=request.user,
                    keep_code=request.POST.get("keep", "").strip(),
                    drop_code=request.POST.get("drop", "").strip(),
                )
                messages.success(request, entry.detail)
            elif action == "undo" and request.POST.get("entry", "").isdigit():
                person = duplicates.undo_merge(actor=request.user, entry_id=int(request.POST["entry"]))
                messages.success(request, _("Đã hoàn tác: %(code)s trở lại.") % {"code": person.code})
        return redirect("records:duplicates")
    return render(
        request,
        "records/duplicates.html",
        {
            "groups": duplicates.duplicate_groups(scope=scope),
            "merges": duplicates.merges_for(scope=scope),
            "may_write": request.user.can("write"),
        },
    )
