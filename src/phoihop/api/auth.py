"""Who is calling: a bearer token (`Authorization: Bearer ph_…`) or the staff site's session.

A token is looked up by its SHA-256 (`ApiToken.hash`); the token itself is never stored. A request
that carries an Authorization header with an unknown, expired, revoked (deleted) or inactive user's token is
refused with 401 even if a session cookie is present too, so a script never silently runs as whoever
is signed in in the browser. The session path checks CSRF on unsafe methods (ninja's SessionAuth).
"""

from datetime import timedelta

from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from phoihop.accounts.models import ApiToken

# Writing last_used_at on every call would serialise SQLite; once a minute is enough to see use.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        token = token.strip()
        found = (
            ApiToken.objects.select_related("user", "user__unit")
            .filter(key_hash=ApiToken.hash(token))
            .first()
            if token
            else None
        )
        now = timezone.now()
        if found is None or not found.user.is_active or found.expires_at <= now:
            raise AuthenticationError()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user  # selectors and the audit log read the caller from request.user
        return found.user


class StaffSession(SessionAuth):
    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


def auth_methods() -> list:
    return [BearerToken(), StaffSession(csrf=True)]
