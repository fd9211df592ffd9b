"""One person, one record: likely duplicates within a scope, and a merge that keeps both timelines and
every record, written to the audit log with everything needed to undo it from that entry.

Likely duplicates: the same CCCD, or the same name without diacritics (`search_name`) and the same birth
date. Only people whose personal fields the scope may see are compared (the birth date and CCCD are
personal data), so the page reveals nothing the person page would not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from phoihop.accounts.scope import Scope, check_write, personal_data_q, scope_for
from phoihop.audit.models import AuditEntry
from phoihop.audit.services import log_change, snapshot

from . import models as r
from .timeline import rebuild_intervals

MERGE_MODEL = "records.PersonMerge"  # the audit rows of merges (and of their undoing)
UNDO_PREFIX = "hoan-tac:"


class MergeError(ValueError):
    """A merge or undo that cannot be done; the message (Vietnamese) names the rows in conflict."""


@dataclass
class DuplicateGroup:
    reason: str
    people: list[r.Person]


def _comparable(scope: Scope):
    return scope.filter(r.Person.objects.all()).filter(personal_data_q(scope))


def duplicate_groups(*, scope: Scope, limit: int = 200) -> list[DuplicateGroup]:
    """Groups of two or more people in scope sharing a CCCD, or a folded name and a birth date."""
    people = _comparable(scope)
    groups: list[DuplicateGroup] = []
    same_id = people.exclude(cccd="").values("cccd").annotate(n=Count("pk")).filter(n__gt=1).order_by("cccd")
    for row in same_id[:limit]:
        members = list(people.filter(cccd=row["cccd"]).select_related("grassroots_union").order_by("code"))
        groups.append(DuplicateGroup(_("Cùng số CCCD"), members))
    same_name = (
        people.filter(birth_date__isnull=False)
        .values("search_name", "birth_date")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("search_name", "birth_date")
    )
    for row in same_name[:limit]:
        members = list(
            people.filter(search_name=row["search_name"], birth_date=row["birth_date"])
            .select_related("grassroots_union")
            .order_by("code")
        )
        groups.append(DuplicateGroup(_("Cùng họ tên và ngày sinh"), members))
    return groups


# ---- the merge ----------------------------------------------------------------------------------------

# Records that hang from a person by a plain foreign key: moved to the kept person.
MOVED = {
    "referrals": r.Referral,
    "enrolments": r.Enrolment,
    "admission": r.Admission,
    "awards": r.Award,
    "moves": r.Move,
    "timeline": r.TimelineEntry,
}
PERSONAL = ("birth_date", "gender", "ethnicity", "cccd", "union_joined_on", "union_left_on")


def _d(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def _row_of(person: r.Person) -> r.TimelineEntry | None:
    """The timeline row a person's nguoi columns stand for, when they have no rows (dated by joining)."""
    if person.union_joined_on is None or (
        person.grassroots_union_id is None and person.enterprise_id is None
    ):
        return None
    return r.TimelineEntry(
        person=person,
        starts_on=person.union_joined_on,
        grassroots_union_id=person.grassroots_union_id,
        enterprise_id=person.enterprise_id,
        reason=_("vào công đoàn"),
    )


def _conflicts(keep: r.Person, drop: r.Person) -> tuple[list[str], dict[str, list[int]]]:
    """Conflicting records (messages) and drop's records that duplicate keep's exactly (deleted)."""
    problems: list[str] = []
    duplicate: dict[str, list[int]] = {}
    a = r.Admission.objects.unscoped().filter(person=keep).first()
    b = r.Admission.objects.unscoped().filter(person=drop).first()
    if a and b:
        if (a.admitted_on, a.party_unit_id) != (b.admitted_on, b.party_unit_id):
            problems.append(
                _(
                    "Hai người có hai lần kết nạp Đảng khác nhau: %(a)s kết nạp ngày %(da)s tại %(ua)s, "
                    "%(b)s kết nạp ngày %(db)s tại %(ub)s."
                )
                % {
                    "a": keep.code,
                    "da": _d(a.admitted_on),
                    "ua": a.party_unit.code,
                    "b": drop.code,
                    "db": _d(b.admitted_on),
                    "ub": b.party_unit.code,
                }
            )
        else:
            duplicate["admission"] = [b.pk]
    kept_referrals = {
        x.referred_on: x.referring_unit_id for x in r.Referral.objects.unscoped().filter(person=keep)
    }
    for x in r.Referral.objects.unscoped().filter(person=drop):
        if x.referred_on in kept_referrals:
            if kept_referrals[x.referred_on] != x.referring_unit_id:
                problems.append(
                    _("Hai lần giới thiệu khác đơn vị cùng ngày %(day)s.") % {"day": _d(x.referred_on)}
                )
            else:
                duplicate.setdefault("referrals", []).append(x.pk)
    classes = set(
        r.Enrolment.objects.unscoped().filter(person=keep).values_list("training_class_id", flat=True)
    )
    for x in r.Enrolment.objects.unscoped().filter(person=drop):
        if x.training_class_id in classes:
            duplicate.setdefault("enrolments", []).append(x.pk)
    if keep.cccd and drop.cccd and keep.cccd != drop.cccd:
        problems.append(
            _("Hai số CCCD khác nhau: %(a)s có %(x)s, %(b)s có %(y)s.")
            % {"a": keep.code, "x": keep.cccd, "b": drop.code, "y": drop.cccd}
        )
    if r.Move.objects.unscoped().filter(person__in=[keep, drop], status=r.Move.Status.PENDING).exists():
        problems.append(_("Một trong hai người đang có lần chuyển chờ tiếp nhận."))
    return problems, duplicate


def _merged_timeline(keep, drop) -> tuple[list[r.TimelineEntry], list[str], list[int]]:
    """Rows to create for keep (implicit nguoi rows), conflicts, and drop's rows equal to keep's (deleted)."""
    rows = {
        p.pk: list(r.TimelineEntry.objects.unscoped().filter(person=p).order_by("starts_on"))
        for p in (keep, drop)
    }
    created = []
    for p in (keep, drop):
        if not rows[p.pk] and (implicit := _row_of(p)) is not None:
            implicit.person = keep
            rows[p.pk] = [implicit]
            created.append(implicit)
    problems, same = [], []
    kept = {e.starts_on: e for e in rows[keep.pk]}
    for e in rows[drop.pk]:
        other = kept.get(e.starts_on)
        if other is None:
            continue
        if (other.grassroots_union_id, other.enterprise_id) != (e.grassroots_union_id, e.enterprise_id):
            problems.append(
                _("Quá trình của %(a)s và %(b)s có hai dòng khác nhau cùng ngày %(day)s.")
                % {"a": keep.code, "b": drop.code, "day": _d(e.starts_on)}
            )
        elif e.pk:
            same.append(e.pk)
        else:
            created.remove(e)
    return created, problems, same


@transaction.atomic
def merge_people(*, actor, keep_code: str, drop_code: str) -> AuditEntry:
    """`drop` is merged into `keep`: every record of drop now belongs to keep, both timelines are kept,
    keep's blank personal fields take drop's, and drop's code disappears. The audit entry can undo it."""
    if not getattr(actor, "is_authenticated", False) or not actor.can("write"):
        raise PermissionDenied
    scope = scope_for(actor)
    if keep_code == drop_code:
        raise MergeError(_("Hãy chọn hai người khác nhau."))
    people = {
        p.code: p
        for p in _comparable(scope).filter(code__in=[keep_code, drop_code]).select_for_update(of=("self",))
    }
    if len(people) != 2:
        raise MergeError(_("Không tìm thấy một trong hai người trong phạm vi của bạn."))
    keep, drop = people[keep_code], people[drop_code]
    check_write(actor, r.Person, before=drop, after=None)
    problems, duplicate = _conflicts(keep, drop)
    created, timeline_problems, same_rows = _merged_timeline(keep, drop)
    problems += timeline_problems
    if problems:
        raise MergeError(" ".join(problems))
    if same_rows:
        duplicate["timeline"] = same_rows

    keep_before, drop_before = snapshot(keep), snapshot(drop)
    dropped = {
        name: [snapshot(x) for x in MOVED[name].objects.unscoped().filter(pk__in=ids)]
        for name, ids in duplicate.items()
    }
    for name, ids in duplicate.items():
        MOVED[name].objects.unscoped().filter(pk__in=ids).delete()
    moved = {
        name: list(model.objects.unscoped().filter(person=drop).values_list("pk", flat=True))
        for name, model in MOVED.items()
    }
    through = r.Initiative.authors.through
    authored = list(through.objects.filter(person=drop).values_list("initiative_id", flat=True))
    shared = set(through.objects.filter(person=keep).values_list("initiative_id", flat=True)) & set(authored)
    for row in created:
        row.save()
    for name, model in MOVED.items():
        model.objects.unscoped().filter(pk__in=moved[name]).update(person=keep)
    through.objects.filter(person=drop).exclude(initiative_id__in=shared).update(person=keep)
    for field in PERSONAL:
        if getattr(keep, field) in (None, "") and getattr(drop, field) not in (None, ""):
            setattr(keep, field, getattr(drop, field))
    if drop.union_joined_on and keep.union_joined_on:
        keep.union_joined_on = min(keep.union_joined_on, drop.union_joined_on)
    last = r.TimelineEntry.objects.unscoped().filter(person=keep).order_by("-starts_on").first()
    if last is not None:  # nguoi is where the person is now: the latest row of both timelines
        keep.grassroots_union_id, keep.enterprise_id = last.grassroots_union_id, last.enterprise_id
    r.Person.objects.unscoped().filter(pk=drop.pk).delete()
    keep.save()
    check_write(actor, r.Person, before=keep_before | {"pk": keep.pk}, after=keep)
    rebuild_intervals([keep.pk])
    return log_change(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        model=MERGE_MODEL,
        object_code=f"{keep.code} ← {drop.code}",
        before={
            "keep": keep_before,
            "drop": drop_before,
            "moved": moved,
            "authored": authored,
            "shared": sorted(shared),
            "dropped": dropped,
            "created_timeline": [row.pk for row in created],
        },
        after={"keep": snapshot(keep)},
        detail=_("Gộp %(drop)s vào %(keep)s") % {"drop": drop.code, "keep": keep.code},
    )


def _restore(model, data: dict):
    """A model instance from an audit snapshot (values as JSON: dates as ISO text)."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.attname in data:
            values[field.attname] = field.to_python(data[field.attname])
    return model(**values)


def merges_for(*, scope: Scope, limit: int = 20) -> list[AuditEntry]:
    """Recent merges whose kept person the scope sees and that are not undone yet."""
    undone = AuditEntry.objects.filter(model=MERGE_MODEL, detail__startswith=UNDO_PREFIX).values_list(
        "detail", flat=True
    )
    done = {int(d[len(UNDO_PREFIX) :]) for d in undone if d[len(UNDO_PREFIX) :].isdigit()}
    entries = AuditEntry.objects.filter(model=MERGE_MODEL, action=AuditEntry.Action.UPDATE).exclude(
        detail__startswith=UNDO_PREFIX
    )
    visible = (
        set(scope.filter(r.Person.objects.all()).values_list("pk", flat=True))
        if not scope.everything
        else None
    )
    out = []
    for entry in entries.order_by("-at", "-pk")[:200]:
        keep_pk = (entry.after or {}).get("keep", {}).get("id")
        if entry.pk in done or (visible is not None and keep_pk not in visible):
            continue
        out.append(entry)
        if len(out) >= limit:
            break
    return out


@transaction.atomic
def undo_merge(*, actor, entry_id: int) -> r.Person:
    """Puts both people back as they were before the merge the audit entry describes."""
    if not getattr(actor, "is_authenticated", False) or not actor.can("write"):
        raise PermissionDenied
    entry = AuditEntry.objects.select_for_update(of=("self",)).filter(pk=entry_id, model=MERGE_MODEL).first()
    if entry is None or (entry.detail or "").startswith(UNDO_PREFIX):
        raise MergeError(_("Không tìm thấy lần gộp này."))
    if AuditEntry.objects.filter(model=MERGE_MODEL, detail=f"{UNDO_PREFIX}{entry.pk}").exists():
        raise MergeError(_("Lần gộp này đã được hoàn tác."))
    data = entry.before or {}
    keep_pk = data["keep"]["id"]
    scope = scope_for(actor)
    keep = scope.filter(r.Person.objects.filter(pk=keep_pk)).select_for_update(of=("self",)).first()
    if keep is None:
        raise MergeError(_("Không tìm thấy lần gộp này."))
    drop = _restore(r.Person, data["drop"])
    if r.Person.objects.unscoped().filter(Q(pk=drop.pk) | Q(code=drop.code)).exists():
        raise MergeError(
            _("Mã người %(code)s đã được dùng lại sau khi gộp: không thể hoàn tác.") % {"code": drop.code}
        )
    # keep first gives back what it took (a CCCD is unique), then drop comes back with its own pk.
    restored_keep = _restore(r.Person, data["keep"])
    restored_keep.save()
    drop.save(force_insert=True)
    for name, model in MOVED.items():
        model.objects.unscoped().filter(pk__in=data["moved"].get(name, [])).update(person=drop)
    through = r.Initiative.authors.through
    taken = set(data.get("authored", [])) - set(data.get("shared", []))
    through.objects.filter(person=keep_pk, initiative_id__in=taken).delete()
    through.objects.bulk_create(
        [through(initiative_id=i, person_id=drop.pk) for i in data.get("authored", [])], ignore_conflicts=True
    )
    r.TimelineEntry.objects.unscoped().filter(pk__in=data.get("created_timeline", [])).delete()
    for name, rows in data.get("dropped", {}).items():
        for row in rows:
            _restore(MOVED[name], row).save(force_insert=True)
    rebuild_intervals([keep_pk, drop.pk])
    check_write(actor, r.Person, before=None, after=drop)
    log_change(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        model=MERGE_MODEL,
        object_code=entry.object_code,
        before=entry.after,
        after={"keep": snapshot(restored_keep), "drop": snapshot(drop)},
        detail=f"{UNDO_PREFIX}{entry.pk}",
    )
    return drop
