from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phoihop.audit.services import log_change
from phoihop.orgs.models import Unit

from .models import User


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
