"""A move between grassroots unions (chuyển sinh hoạt công đoàn) as staff do it.

The sending union records "chuyển đi" (date, destination union, optionally the new workplace). When the
importing user's scope also covers the destination, the move is applied at once; otherwise it waits
under "chờ tiếp nhận" until the receiving union accepts or refuses it (with a reason). Applying a move
adds a timeline row on its date and makes `nguoi` follow (it is "where they are now"): the past stays
where it was. Every step writes its audit row, and passes the write gate (period locks included).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from phoihop.accounts.scope import Scope, check_write, scope_for
from phoihop.audit.models import AuditEntry
from phoihop.audit.services import log_change, log_instance, snapshot
from phoihop.orgs.models import Enterprise, Unit

from . import rules
from .models import Move, Person, TimelineEntry
from .timeline import base_row_for, entries_of, rebuild_intervals, standing_on


class MoveError(ValueError):
    """A move that cannot be recorded; the message (Vietnamese) names what is wrong."""


def _audit(actor, move: Move, action: str, before: dict | None, detail: str) -> None:
    code = f"{move.person.code} / {move.moved_on.isoformat()}"
    log_instance(actor=actor, action=action, instance=move, object_code=code, before=before, detail=detail)


def _check_destination(person: Person, day: date, source_id: int | None, target: Unit) -> None:
    broken = rules.unit_kind(Move, "to_union", target.code, target.kind)
    if broken is not None:
        raise MoveError(broken.message())
    if target.pk == source_id:
        raise MoveError(
            _(
                "%(name)s đã sinh hoạt tại %(code)s vào ngày %(day)s: không thể chuyển đến chính công đoàn này."
            )
            % {"name": person.full_name, "code": target.code, "day": day.strftime("%d/%m/%Y")}
        )
    if target.dissolved_on is not None and target.dissolved_on <= day:
        raise MoveError(
            _("Công đoàn %(code)s đã giải thể ngày %(when)s: không thể chuyển đến.")
            % {"code": target.code, "when": target.dissolved_on.strftime("%d/%m/%Y")}
        )
    if target.founded_on is not None and target.founded_on > day:
        raise MoveError(
            _("Công đoàn %(code)s thành lập ngày %(when)s, sau ngày chuyển.")
            % {"code": target.code, "when": target.founded_on.strftime("%d/%m/%Y")}
        )


@transaction.atomic
def record_move(
    *, actor, person: Person, moved_on: date, to_union: Unit, to_enterprise: Enterprise | None = None
) -> Move:
    """The sending union records the move. Within the user's own scope it is done in one step (the
    person's page shows the new union from that date); otherwise it waits for the receiving union."""
    if not getattr(actor, "is_authenticated", False) or not actor.can("write"):
        raise PermissionDenied
    for broken in rules.move({"moved_on": moved_on}):  # a sane date (core.dates), as the page says it
        raise MoveError(broken.message())
    scope = scope_for(actor)
    person = Person.objects.unscoped().select_for_update().get(pk=person.pk)
    entries = entries_of(person)
    source = standing_on(person, moved_on, entries).union_id
    if source is None or not scope.covers_unit(source):
        raise MoveError(
            _("Vào ngày %(day)s, %(name)s không sinh hoạt tại công đoàn cơ sở nào trong phạm vi của bạn.")
            % {"day": moved_on.strftime("%d/%m/%Y"), "name": person.full_name}
        )
    _check_destination(person, moved_on, source, to_union)
    broken = rules.after_birth("moved_on", moved_on, person.birth_date)
    if broken is not None:
        raise MoveError(broken.message())
    if entries and moved_on <= entries[-1].starts_on:
        raise MoveError(
            _("Ngày chuyển phải sau dòng quá trình cuối (%(day)s).")
            % {"day": entries[-1].starts_on.strftime("%d/%m/%Y")}
        )
    if Move.objects.unscoped().filter(person=person, status=Move.Status.PENDING).exists():
        raise MoveError(_("Người này đang có một lần chuyển chờ tiếp nhận."))
    move = Move(
        person=person,
        moved_on=moved_on,
        from_union_id=source,
        to_union=to_union,
        to_enterprise=to_enterprise,
        recorded_by=actor.get_username(),
    )
    check_write(actor, Move, before=None, after=move)
    move.save()
    _audit(actor, move, AuditEntry.Action.CREATE, None, _("Chuyển đi"))
    if not entries:
        _base_row(actor, person, moved_on)
    if scope.covers_unit(to_union):
        _apply(actor, move)
    return move


def _base_row(actor, person: Person, moved_on: date) -> None:
    """Written by the sender, whose unit and workplace these are (records.timeline.base_row_for)."""
    row = base_row_for(person, moved_on)
    if row is not None:
        _save_row(actor, person, row)


def _save_row(actor, person: Person, row: TimelineEntry) -> None:
    check_write(actor, TimelineEntry, before=None, after=row)
    row.save()
    code = f"{person.code} / {row.starts_on.isoformat()}"
    log_instance(actor=actor, action=AuditEntry.Action.CREATE, instance=row, object_code=code, before=None)
    rebuild_intervals([person.pk])


def _apply(actor, move: Move) -> None:
    """Accept: a timeline row on the move's date; nguoi follows."""
    person = Person.objects.unscoped().select_for_update().get(pk=move.person_id)
    entries = entries_of(person)
    if not entries:  # record_move gave the person the row their nguoi columns stood for
        raise MoveError(_("Quá trình của người này chưa có dòng nào."))
    new_rows = []
    enterprise_id = move.to_enterprise_id or move.to_union.enterprise_id or person.enterprise_id
    new_rows.append(
        TimelineEntry(
            person=person,
            starts_on=move.moved_on,
            grassroots_union_id=move.to_union_id,
            enterprise_id=enterprise_id,
            reason=_("chuyển sinh hoạt"),
        )
    )
    before = snapshot(person)
    # nguoi is "where they are now": it follows the new last row. The move authorises this change, so
    # the receiving union needs no right over the person as they were (the sender's); it comes first so
    # the rows below name a person the receiving union now sees.
    person.grassroots_union_id, person.enterprise_id = move.to_union_id, enterprise_id
    person.save(update_fields=["grassroots_union", "enterprise", "search_name"])
    log_change(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        model=Person._meta.label,
        object_code=person.code,
        before={k: before[k] for k in ("grassroots_union_id", "enterprise_id")},
        after={"grassroots_union_id": move.to_union_id, "enterprise_id": enterprise_id},
        detail=_("chuyển sinh hoạt"),
    )
    for row in new_rows:
        _save_row(actor, person, row)
    previous = snapshot(move)
    move.status = Move.Status.ACCEPTED
    move.decided_by = actor.get_username()
    move.decided_at = timezone.now()
    move.save()
    _audit(actor, move, AuditEntry.Action.UPDATE, previous, _("Tiếp nhận"))


def _pending_for(actor, move_id: int) -> Move:
    scope = scope_for(actor)
    move = scope.get_or_404(Move.objects.select_related("person", "to_union"), pk=move_id)
    if not scope.covers_unit(move.to_union_id) or not actor.can("write"):
        raise PermissionDenied
    if move.status != Move.Status.PENDING:
        raise MoveError(_("Lần chuyển này đã được xử lý."))
    return move


@transaction.atomic
def accept_move(*, actor, move_id: int) -> Move:
    """The receiving union accepts: from the move's date the person is its member."""
    move = _pending_for(actor, move_id)
    entries = entries_of(move.person)
    if entries and move.moved_on <= entries[-1].starts_on:
        raise MoveError(
            _("Quá trình của người này đã có dòng ngày %(day)s, sau ngày chuyển.")
            % {"day": entries[-1].starts_on.strftime("%d/%m/%Y")}
        )
    _check_destination(move.person, move.moved_on, move.from_union_id, move.to_union)
    _apply(actor, move)
    return move


@transaction.atomic
def refuse_move(*, actor, move_id: int, reason: str) -> Move:
    """The receiving union refuses, saying why; the person stays where they were."""
    reason = (reason or "").strip()
    if not reason:
        raise MoveError(_("Cần ghi lý do từ chối."))
    move = _pending_for(actor, move_id)
    previous = snapshot(move)
    move.status, move.refusal_reason = Move.Status.REFUSED, reason[:300]
    move.decided_by, move.decided_at = actor.get_username(), timezone.now()
    check_write(actor, Move, before=previous | {"pk": move.pk}, after=move)
    move.save()
    _audit(actor, move, AuditEntry.Action.UPDATE, previous, _("Từ chối"))
    return move


# ---- reads -------------------------------------------------------------------------------------------


@dataclass
class MoveLists:
    pending: list[Move]  # waiting for this scope's answer
    incoming: list[Move]
    outgoing: list[Move]


def moves_for(*, scope: Scope, date_from: date | None = None, date_to: date | None = None) -> MoveLists:
    """The scope's moves in and out (dated within the period when given), and those waiting for it.
    A move within the scope is both in and out of it."""
    units = scope.units()
    rows: QuerySet[Move] = scope.filter(Move.objects.all()).select_related(
        "person", "from_union", "to_union", "to_enterprise"
    )
    dated = rows
    if date_from:
        dated = dated.filter(moved_on__gte=date_from)
    if date_to:
        dated = dated.filter(moved_on__lte=date_to)
    to_here, from_here = Q(to_union__in=units), Q(from_union__in=units)
    return MoveLists(
        pending=list(rows.filter(to_here, status=Move.Status.PENDING).order_by("moved_on", "pk")),
        incoming=list(dated.filter(to_here).order_by("-moved_on", "pk")),
        outgoing=list(dated.filter(from_here).order_by("-moved_on", "pk")),
    )
