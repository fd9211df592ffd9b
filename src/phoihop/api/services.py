"""Writes of the API app. Records are written through the staff site's own forms (`records.kinds`), so
the API applies exactly the rules of the pages and the workbook import (`records.rules`, sane dates of
`core.dates`) with the same Vietnamese messages, and the same write gate and audit rows
(`records.services`). Revoking tokens belongs to the accounts app; it is kept here for callers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from phoihop.accounts.scope import scope_for
from phoihop.accounts.services import revoke_tokens
from phoihop.records import selectors as record_selectors
from phoihop.records import services as record_services
from phoihop.records.kinds import BY_SLUG

__all__ = ["revoke_tokens", "save_record"]


def _as_form_value(value):
    """JSON values as a page's form posts them: text (a date as 2021-03-15 or 15/03/2021, a reference
    as its code, several person codes separated by ';'), true/false for a yes/no field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def save_record(
    *, actor, kind: str, key: str | None, values: dict, ip_address: str | None = None
) -> tuple[models.Model, bool]:
    """Create a record of `kind` (key None) or change the record named `key`: the caller's lists show
    it and the audit log records it, as if entered on the staff page. Fields absent from `values` keep
    their stored value. Returns the record and whether it was created. Bad values raise
    ValidationError keyed by field (the form's own messages); nothing is written."""
    found = BY_SLUG.get(kind)
    if found is None:
        raise ValidationError({"kind": _("Không có loại hồ sơ '%(kind)s'.") % {"kind": kind}})
    if not actor.can("write"):
        raise PermissionDenied(_("Vai trò của bạn không được làm việc này."))
    scope = scope_for(actor)
    instance = None
    if key is not None:
        if found.key == "pk" and not key.isdigit():
            raise Http404
        instance = scope.get_or_404(found.model.objects.all(), **{found.key: key})
        if found.slug == "nguoi":
            # As on the page: only those who see the personal fields may edit them (the read is logged).
            detail = record_selectors.person_detail(user=actor, code=key, ip_address=ip_address)
            if not detail.show_personal:
                raise PermissionDenied(_("Vai trò của bạn không được làm việc này."))
    stored = found.form(instance=instance, scope=scope)
    data = {name: stored[name].value() for name in stored.fields} if instance is not None else {}
    unknown = sorted(set(values) - set(stored.fields))
    if unknown:
        raise ValidationError(
            {
                name: _("Trường '%(field)s' không có trong loại hồ sơ này.") % {"field": name}
                for name in unknown
            }
        )
    data.update({name: _as_form_value(value) for name, value in values.items()})
    form = found.form(data, instance=instance, scope=scope)
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    record = form.save(commit=False)
    authors = form.cleaned_data.get("authors")
    if instance is None:
        record_services.create_record(actor=actor, instance=record, authors=authors)
    else:
        record_services.update_record(actor=actor, instance=record, authors=authors)
    return record, instance is None
