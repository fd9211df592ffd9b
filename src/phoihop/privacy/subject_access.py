"""Subject access (Law 91/2025/QH15, Decree 356/2025): one file of everything phoihop holds about one
person, and who read or changed it.

An admin produces it for a person in their scope. The file holds what that admin may see under the
same party-data rule as the person's page (`records.selectors.person_detail`): fields withheld from
this admin are listed by name under "withheld", so the person knows a fuller file exists with the unit
that keeps them. The download itself is written to the audit log.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from phoihop.accounts.scope import scope_for
from phoihop.audit.models import AuditEntry
from phoihop.audit.services import log_read
from phoihop.records.models import Admission, Person
from phoihop.records.selectors import PERSON_MODEL, person_detail

# Shown only to the units keeping the person's file (records.selectors' personal-data rule).
PERSONAL_FIELDS = tuple(
    f for f in ("birth_date", "gender", "ethnicity", "cccd") if f in {x.name for x in Person._meta.fields}
)
LEGAL_BASIS = "Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15; Nghị định 356/2025/NĐ-CP"


def _plain(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return getattr(value, "code", None) or str(value.pk)
    return value


def _row(obj: models.Model, *, skip: tuple[str, ...] = ()) -> dict:
    """A record's own fields; a foreign key by the code of what it names (not a database number)."""
    out = {}
    for f in obj._meta.concrete_fields:
        if f.primary_key or f.name in skip or f.name == "search_name":
            continue
        out[f.name] = _plain(getattr(obj, f.name)) if f.is_relation else _plain(getattr(obj, f.attname))
    return out


def _related_records(person: Person, scope, admission_access: str) -> dict[str, list[dict]]:
    """Every record that names the person, found from the model relations (so a model added later is
    included without editing this file), each within the admin's scope."""
    found: dict[str, list[dict]] = {}
    for rel in Person._meta.related_objects:
        model = rel.related_model
        if not (rel.one_to_many or rel.one_to_one) or model is Admission:
            continue
        rows = model._base_manager.filter(**{rel.field.name: person})
        if hasattr(model, "scope_paths"):
            rows = scope.filter(model.objects.filter(**{rel.field.name: person}))
        data = [_row(r, skip=(rel.field.name,)) for r in rows]
        if data:
            found[model._meta.label] = data
    admission = Admission.objects.unscoped().filter(person=person).first()
    if admission is not None and admission_access == "full":
        found[Admission._meta.label] = [_row(admission, skip=("person",))]
    elif admission is not None and admission_access == "fact":
        found[Admission._meta.label] = [{"admitted_on": admission.admitted_on.isoformat()}]
    return found


def _history(code: str, show_personal: bool) -> list[dict]:
    entries = AuditEntry.objects.filter(model=PERSON_MODEL, object_code=code).order_by("at", "id")
    out = []
    for e in entries:
        row = {
            "at": timezone.localtime(e.at).isoformat(),
            "account": e.actor_name,
            "action": e.action,
            "detail": e.detail,
            "ip_address": e.ip_address,
        }
        if show_personal:
            row |= {"before": e.before, "after": e.after}
        out.append(row)
    return out


def subject_access_file(*, actor, code: str, ip_address: str | None = None) -> dict:
    """The file for person `code` as `actor` may see it; Http404 outside their scope. Audited."""
    detail = person_detail(user=actor, code=code, ip_address=ip_address)
    person, scope = detail.person, scope_for(actor)
    withheld = [] if detail.show_personal else list(PERSONAL_FIELDS)
    if detail.admission_access != "full" and Admission.objects.unscoped().filter(person=person).exists():
        withheld.append("records.Admission")
    data = {
        "generated_at": timezone.localtime().isoformat(),
        "generated_by": actor.get_username(),
        "legal_basis": LEGAL_BASIS,
        "person": _row(person, skip=tuple(withheld)),
        "records": _related_records(person, scope, detail.admission_access),
        "history": _history(person.code, detail.show_personal),
        "withheld": withheld,
    }
    log_read(
        actor=actor,
        model=PERSON_MODEL,
        object_codes=[person.code],
        action=AuditEntry.Action.EXPORT,
        detail=_("Trích xuất dữ liệu cá nhân theo yêu cầu của chủ thể dữ liệu"),
        ip_address=ip_address,
    )
    return data
