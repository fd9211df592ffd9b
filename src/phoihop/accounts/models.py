import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class User(AbstractUser):
    """A staff member: one role on one unit; they see that unit's subtree and nothing else."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Quản trị")
        MANAGER = "manager", _("Quản lý")
        EDITOR = "editor", _("Cập nhật dữ liệu")
        VIEWER = "viewer", pgettext_lazy("role", "Xem")
        NEWS_EDITOR = "news_editor", _("Biên tập tin")

    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    # What each role may do, in one table; views ask `user.can(...)`.
    PERMISSIONS = {
        "admin": {"read", "write", "import", "report", "manage_units", "set_targets", "audit", "news"},
        "manager": {"read", "write", "import", "report", "manage_units", "set_targets"},
        "editor": {"read", "write", "import", "report"},
        "viewer": {"read", "report"},
        "news_editor": {"report", "news"},
    }

    def can(self, action: str) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return action in self.PERMISSIONS.get(self.role, set())


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User) -> str:
        key = "ph_" + secrets.token_urlsafe(32)
        cls.objects.create(user=user, key_hash=cls.hash(key), prefix=key[:8])
        return key
