"""Writes of the API app: revoking tokens (the accounts app owns tokens; kept here for callers)."""

from phoihop.accounts.services import revoke_tokens

__all__ = ["revoke_tokens"]
