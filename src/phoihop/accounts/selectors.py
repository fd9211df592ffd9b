"""Reads of accounts, always through the reader's scope (accounts.scope)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import ApiToken, User
from .scope import scope_for


def managed_users(*, actor, query: str = "") -> QuerySet[User]:
    """The accounts an admin manages: those held on a unit of their subtree (superusers: all).
    Superuser accounts are managed by superusers only."""
    if not getattr(actor, "is_authenticated", False) or not actor.can("manage_users"):
        return User.objects.none()
    scope = scope_for(actor)
    users = User.objects.select_related("unit")
    if not scope.everything:
        users = users.filter(unit__in=scope.visible_unit_ids(), is_superuser=False)
    if query := query.strip():
        users = users.filter(Q(username__icontains=query) | Q(unit__code__icontains=query))
    return users.order_by("username")


def managed_user_or_404(*, actor, pk: int) -> User:
    try:
        return managed_users(actor=actor).get(pk=pk)
    except User.DoesNotExist as missing:
        raise Http404 from missing


def tokens_of(*, user) -> QuerySet[ApiToken]:
    """A user's own API tokens, newest first (expired ones included, marked by the page)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_or_404(*, user, pk: int) -> ApiToken:
    try:
        return tokens_of(user=user).get(pk=pk)
    except ApiToken.DoesNotExist as missing:
        raise Http404 from missing
