"""Writes of the API app: revoking tokens."""

from django.db import transaction

from phoihop.accounts.models import ApiToken
from phoihop.audit.services import log_change


@transaction.atomic
def revoke_tokens(*, actor, user, prefix: str | None = None) -> int:
    """The user's API tokens (or the one starting with `prefix`) stop working at once: a call with them
    gets 401. Returns how many were revoked."""
    tokens = ApiToken.objects.filter(user=user)
    if prefix:
        tokens = tokens.filter(prefix=prefix[:8])
    prefixes = sorted(tokens.values_list("prefix", flat=True))
    if prefixes:
        tokens.delete()
        log_change(
            actor=actor,
            action="delete",
            model=ApiToken._meta.label,
            object_code=user.get_username(),
            before={"prefixes": prefixes},
            after=None,
        )
    return len(prefixes)
