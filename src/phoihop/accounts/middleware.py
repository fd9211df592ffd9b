"""Half-signed-in sessions (password given, second factor owed) see the site as a visitor does."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .twofactor import second_factor_pending

# Pages a half-signed-in user may open: give the code, enrol a device, sign out.
OPEN_ROUTES = ("accounts:otp_verify", "accounts:otp_setup", "accounts:logout")


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths: frozenset[str] | None = None

    def open_paths(self) -> frozenset[str]:
        if self._open_paths is None:
            self._open_paths = frozenset(reverse(name) for name in OPEN_ROUTES)
        return self._open_paths

    def __call__(self, request):
        user = request.user  # lazy (django-otp's wrapper); evaluated only when a view asks
        request.user = SimpleLazyObject(lambda: self._gate(request, user))
        return self.get_response(request)

    def _gate(self, request, user):
        pending = second_factor_pending(user)  # evaluates the lazy user
        real = getattr(user, "_wrapped", user)
        if not pending:
            return real
        request.pending_second_factor_user = real
        if request.path_info in self.open_paths():
            return real
        return AnonymousUser()


def pending_user(request):
    """The account waiting for its second factor in this session, if any."""
    request.user.is_authenticated  # noqa: B018 - evaluates the lazy user, which sets the attribute
    return getattr(request, "pending_second_factor_user", None)
