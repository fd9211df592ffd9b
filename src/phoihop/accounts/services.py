"""Writes of accounts: each one a user-visible act, audited in the same transaction.

Passwords and token keys never reach the audit log; the entry says what happened to whom.
"""

import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phoihop.audit.services import log_change
from phoihop.orgs.models import Unit

from .models import ApiToken, User
from .scope import scope_for

USER_MODEL = User._meta.label  # "accounts.User"
TOKEN_MODEL = ApiToken._meta.label
MAX_TOKEN_DAYS = 365


@transaction.atomic
def save_user(*, username: str, unit_code: str, role: str, password: str | None, actor=None) -> User:
    """Create the account, or change its unit, role and password; the change is audited."""
    try:
        unit = Unit.objects.get(code=unit_code)
    except Unit.DoesNotExist as missing:
        raise ValidationError(_("Không có đơn vị mã '%(code)s'.") % {"code": unit_code}) from missing
    if role not in User.Role.values:
        raise ValidationError(_("Vai trò '%(role)s' không hợp lệ.") % {"role": role})
    user, created = User.objects.get_or_create(username=username)
    before = None if created else {"unit": user.unit.code if user.unit else None, "role": user.role}
    user.unit, user.role = unit, role
    user.is_staff = role == User.Role.ADMIN
    if password:
        validate_password(password, user)
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.save()
    log_change(
        actor=actor,
        action="create" if created else "update",
        model="accounts.User",
        object_code=username,
        before=before,
        after={"unit": unit.code, "role": role},
    )
    return user


def _account_state(user: User) -> dict:
    return {
        "unit": user.unit.code if user.unit else None,
        "role": user.role,
        "is_active": user.is_active,
    }


def _check_grant(*, actor: User, target: User | None, unit: Unit, role: str) -> None:
    """An admin acts on accounts of their subtree only, places them in their subtree only, and never
    grants a role above their own. Raises ValidationError naming what is wrong."""
    if not actor.can("manage_users"):
        raise PermissionDenied(_("Chỉ quản trị được quản lý tài khoản."))
    scope = scope_for(actor)
    if (
        target is not None
        and not scope.everything
        and (target.is_superuser or not scope.covers_unit(target.unit))
    ):
        raise PermissionDenied(_("Tài khoản này không thuộc phạm vi của bạn."))
    if not scope.covers_unit(unit):
        raise ValidationError(_("Đơn vị '%(code)s' không thuộc phạm vi của bạn.") % {"code": unit.code})
    if role not in User.Role.values:
        raise ValidationError(_("Vai trò '%(role)s' không hợp lệ.") % {"role": role})
    if role not in actor.grantable_roles():
        raise ValidationError(_("Bạn không được cấp vai trò cao hơn vai trò của mình."))


@transaction.atomic
def create_user(
    *, actor: User, username: str, unit: Unit, role: str, password: str, ip_address: str | None = None
) -> User:
    """An admin opens an account on a unit of their subtree; the user signs in with `password`."""
    username = username.strip()
    _check_grant(actor=actor, target=None, unit=unit, role=role)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("Tên đăng nhập '%(name)s' đã có người dùng.") % {"name": username})
    user = User(username=username, unit=unit, role=role, is_staff=role == User.Role.ADMIN)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    log_change(
        ip_address=ip_address,
        actor=actor,
        action="create",
        model=USER_MODEL,
        object_code=username,
        before=None,
        after=_account_state(user),
    )
    return user


@transaction.atomic
def update_user(
    *, actor: User, target: User, unit: Unit, role: str, is_active: bool, ip_address: str | None = None
) -> User:
    """An admin changes an account's unit, role or whether it may sign in. An admin cannot change
    their own account this way (they would lock themselves out)."""
    _check_grant(actor=actor, target=target, unit=unit, role=role)
    if target.pk == actor.pk and (unit != target.unit or role != target.role or not is_active):
        raise ValidationError(_("Bạn không thể tự đổi vai trò, đơn vị hoặc khóa tài khoản của chính mình."))
    before = _account_state(target)
    target.unit, target.role, target.is_active = unit, role, is_active
    target.is_staff = role == User.Role.ADMIN
    target.save(update_fields=["unit", "role", "is_active", "is_staff"])
    if not is_active:
        ApiToken.objects.filter(user=target).delete()  # a locked account's scripts stop too
    after = _account_state(target)
    if after != before:
        log_change(
            ip_address=ip_address,
            actor=actor,
            action="update",
            model=USER_MODEL,
            object_code=target.username,
            before=before,
            after=after,
        )
    return target


@transaction.atomic
def reset_password(*, actor: User, target: User, ip_address: str | None = None) -> str:
    """A new random password for `target`, shown once to the admin; the old one stops working and
    the account's two-factor device is kept (the password alone never suffices where 2FA is on)."""
    if target.unit is None:
        if not actor.is_superuser:
            raise PermissionDenied(_("Tài khoản này không thuộc phạm vi của bạn."))
    else:
        _check_grant(actor=actor, target=target, unit=target.unit, role=target.role)
    password = "-".join(secrets.token_urlsafe(4) for _i in range(3))
    _set_password(
        actor=actor, user=target, password=password, detail=_("Đặt lại mật khẩu"), ip_address=ip_address
    )
    return password


@transaction.atomic
def change_own_password(*, user: User, new_password: str, ip_address: str | None = None) -> None:
    """The signed-in user's new password (already checked by the form: old password, rules)."""
    _set_password(
        actor=user, user=user, password=new_password, detail=_("Đổi mật khẩu"), ip_address=ip_address
    )


def _set_password(*, actor, user: User, password: str, detail: str, ip_address: str | None) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    _log_account_event(actor=actor, user=user, detail=detail, ip_address=ip_address)


def _log_account_event(*, actor, user: User, detail: str, ip_address: str | None) -> None:
    """An act on the account that the log names without its values (a password, a second factor)."""
    log_change(
        ip_address=ip_address,
        actor=actor, action="update", model=USER_MODEL, object_code=user.username, before=None, after=None,
        detail=detail,
    )  # fmt: skip


def log_second_factor(*, user: User, enrolled: bool, ip_address: str | None = None) -> None:
    detail = _("Bật xác thực hai bước") if enrolled else _("Tắt xác thực hai bước")
    _log_account_event(actor=user, user=user, detail=detail, ip_address=ip_address)


@transaction.atomic
def issue_token(
    *, actor, user: User, days: int | None = None, name: str = "", ip_address: str | None = None
) -> str:
    """A new API token for `user`, valid `days` days; returned once, audited (prefix and expiry only)."""
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationError(
            _("Số ngày hiệu lực phải từ 1 đến %(max)d (nhận được %(days)s).")
            % {"max": MAX_TOKEN_DAYS, "days": days}
        )
    if not user.is_active:
        raise ValidationError(_("Tài khoản '%(name)s' đã bị khóa.") % {"name": user.username})
    key = ApiToken.issue(user, days=days, name=name.strip()[:100])
    token = ApiToken.objects.get(key_hash=ApiToken.hash(key))
    log_change(
        ip_address=ip_address,
        actor=actor, action="create", model=TOKEN_MODEL, object_code=user.username, before=None,
        after={"prefix": token.prefix, "name": token.name, "expires_at": token.expires_at.isoformat()},
    )  # fmt: skip
    return key


@transaction.atomic
def revoke_tokens(*, actor, user: User, prefix: str | None = None) -> int:
    """The user's API tokens (or the one starting with `prefix`) stop working at once: a call with them
    gets 401. Returns how many were revoked."""
    tokens = ApiToken.objects.filter(user=user)
    if prefix:
        tokens = tokens.filter(prefix=prefix[:8])
    prefixes = sorted(tokens.values_list("prefix", flat=True))
    if prefixes:
        tokens.delete()
        log_change(
            actor=actor, action="delete", model=TOKEN_MODEL, object_code=user.get_username(),
            before={"prefixes": prefixes}, after=None,
        )  # fmt: skip
    return len(prefixes)


@transaction.atomic
def revoke_token(*, actor, token: ApiToken, ip_address: str | None = None) -> None:
    """One token stops working at once (the list page's button)."""
    prefix, owner = token.prefix, token.user
    token.delete()
    log_change(
        ip_address=ip_address,
        actor=actor, action="delete", model=TOKEN_MODEL, object_code=owner.get_username(),
        before={"prefixes": [prefix]}, after=None,
    )  # fmt: skip
