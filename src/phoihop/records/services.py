"""Writes of records entered by hand on the staff site. Each runs in one transaction with its audit row
(before/after snapshot), and refuses a write the user's role or scope does not allow."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from phoihop.accounts.scope import check_write
from phoihop.audit.models import AuditEntry
from phoihop.audit.services import log_change, snapshot

from . import models as r


def audit_code(instance: models.Model) -> str:
    """The record's natural key as users know it (the workbook's key columns)."""
    if code := getattr(instance, "code", None):
        return code
    if isinstance(instance, r.Referral):
        return f"{instance.person.code} / {instance.referred_on.isoformat()}"
    if isinstance(instance, r.Enrolment):
        return f"{instance.training_class.code} / {instance.person.code}"
    if isinstance(instance, r.Admission):
        return instance.person.code
    if isinstance(instance, r.TimelineEntry):
        return f"{instance.person.code} / {instance.starts_on.isoformat()}"
    if isinstance(instance, r.CultureRecognition):
        return f"{instance.enterprise.code} / {instance.year} / {instance.title}"
    if isinstance(instance, r.DemocracyReport):
        return f"{instance.unit.code} / {instance.year}"
    return str(instance.pk)


def _snapshot(instance: models.Model) -> dict:
    data = snapshot(instance)
    data.pop("search_name", None)
    if isinstance(instance, r.Initiative) and instance.pk:
        data["authors"] = sorted(instance.authors.values_list("code", flat=True))
    return data


def _check_may_write(actor, model, *, before, after) -> None:
    """The write gate (accounts.scope): the role, the record as it is and as it would be, other apps' rules."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    check_write(actor, model, before=before, after=after)


def _save(instance: models.Model, authors) -> None:
    instance.save()
    if authors is not None and isinstance(instance, r.Initiative):
        instance.authors.set(authors)


def _follow_timeline(actor, instance: models.Model) -> None:
    """A timeline row written by hand: nguoi follows the last row (records.timeline), audited."""
    if not isinstance(instance, r.TimelineEntry):
        return
    from .timeline import after_row_saved

    changed = after_row_saved(instance)
    if changed:
        log_change(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            model=r.Person._meta.label,
            object_code=instance.person.code,
            before=changed["before"],
            after=changed["after"],
            detail="qua_trinh",
        )


@transaction.atomic
def create_record(*, actor, instance: models.Model, authors=None) -> models.Model:
    """The new record appears in the user's lists; the audit log shows who created it and its values."""
    if isinstance(instance, r.TimelineEntry):
        from .timeline import base_row_for

        # A first row dated later would also stand for the time before it: keep that time as it was.
        base = base_row_for(instance.person, instance.starts_on)
        if base is not None:
            _create(actor, base, None)
    return _create(actor, instance, authors)


def _create(actor, instance: models.Model, authors) -> models.Model:
    _check_may_write(actor, type(instance), before=None, after=instance)
    _save(instance, authors)
    _follow_timeline(actor, instance)
    log_change(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        model=instance._meta.label,
        object_code=audit_code(instance),
        before=None,
        after=_snapshot(instance),
    )
    return instance


@transaction.atomic
def update_record(*, actor, instance: models.Model, authors=None) -> models.Model:
    """The record takes the new values; the audit log keeps the values before and after."""
    model = type(instance)
    stored = model.objects.unscoped().select_for_update().get(pk=instance.pk)
    _check_may_write(actor, model, before=stored, after=instance)
    before = _snapshot(stored)
    _save(instance, authors)
    _follow_timeline(actor, instance)
    after = _snapshot(instance)
    if before == after:
        return instance
    log_change(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        model=instance._meta.label,
        object_code=audit_code(instance),
        before=before,
        after=after,
        detail=", ".join(k for k in after if before.get(k) != after[k]),
    )
    return instance


# Lists whose rows show people or party data: each view of one is logged (issue 11).
PERSONAL_LISTS = {
    "records.Person",
    "records.TimelineEntry",
    "records.Referral",
    "records.Enrolment",
    "records.Admission",
    "records.Award",
}


def log_list_view(*, actor, model: str, filters: dict, rows: int, ip_address: str | None = None) -> None:
    """One audit row per view of a list showing personal or party data, with its filters and size."""
    if model not in PERSONAL_LISTS:
        return
    AuditEntry.objects.create(
        actor=actor,
        actor_name=actor.get_username(),
        action=AuditEntry.Action.READ,
        model=model,
        object_code="",
        after={"filters": filters, "rows": rows},
        detail="xem danh sách",
        ip_address=ip_address,
    )
