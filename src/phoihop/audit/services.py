"""Writing the audit log. Call these inside the same transaction as the change they describe."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.db import models

from .models import AuditEntry


def snapshot(instance: models.Model) -> dict:
    """A JSON-safe dict of a model instance's concrete fields (foreign keys by id)."""
    data = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, date | datetime):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        data[field.attname] = value
    return data


def _actor_fields(actor) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_name": "system"}
    return {"actor": actor, "actor_name": actor.get_username()}


def log_change(
    *,
    actor,
    action: str,
    model: str,
    object_code: str,
    before: dict | None,
    after: dict | None,
    detail: str = "",
    ip_address: str | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        **_actor_fields(actor),
        action=action,
        model=model,
        object_code=object_code,
        before=before,
        after=after,
        detail=detail,
        ip_address=ip_address,
    )


def log_instance(
    *, actor, action: str, instance: models.Model, object_code: str, before: dict | None, detail: str = ""
) -> AuditEntry:
    """`log_change` for a write to one saved instance: the model is its label (app.Model), the state after
    its `snapshot`."""
    return log_change(
        actor=actor,
        action=action,
        model=instance._meta.label,
        object_code=object_code,
        before=before,
        after=snapshot(instance),
        detail=detail,
    )


def log_changes(*, actor, entries: Iterable[dict]) -> int:
    """Bulk form of `log_change` for imports: entries are dicts of action/model/object_code/before/after."""
    who = _actor_fields(actor)
    rows = [AuditEntry(**who, **entry) for entry in entries]
    AuditEntry.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def log_read(
    *,
    actor,
    model: str,
    object_codes: Iterable[str],
    action: str = AuditEntry.Action.READ,
    detail: str = "",
    ip_address: str | None = None,
) -> None:
    """Record that `actor` read (or exported) the personal data of these records."""
    who = _actor_fields(actor)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                **who, action=action, model=model, object_code=code, detail=detail, ip_address=ip_address
            )
            for code in object_codes
        ],
        batch_size=2000,
    )
