import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
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
        "admin": {
            "read",
            "write",
            "import",
            "report",
            "manage_units",
            "set_targets",
            "audit",
            "news",
            "manage_users",
        },
        "manager": {"read", "write", "import", "report", "manage_units", "set_targets"},
        "editor": {"read", "write", "import", "report"},
        "viewer": {"read", "report"},
        "news_editor": {"report", "news"},
    }

    # Who may grant what: an admin never grants a role above their own (superusers grant any).
    ROLE_RANK = {"admin": 4, "manager": 3, "editor": 2, "news_editor": 1, "viewer": 1}

    def grantable_roles(self) -> list[str]:
        if self.is_superuser:
            return list(self.Role.values)
        mine = self.ROLE_RANK.get(self.role, 0)
        return [r for r in self.Role.values if self.ROLE_RANK[r] <= mine]

    def can(self, action: str) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return action in self.PERMISSIONS.get(self.role, set())


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once. It stops
    working at `expires_at`; revoking deletes it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    name = models.CharField(_("ghi chú"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn"))
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, *, days: int | None = None, name: str = "") -> str:
        """A new token for `user`, valid `days` days (API_TOKEN_DAYS by default). Not audited: the
        product issues tokens through `accounts.services.issue_token`, which is."""
        key = "ph_" + secrets.token_urlsafe(32)
        lifetime = timedelta(days=settings.API_TOKEN_DAYS if days is None else days)
        cls.objects.create(
            user=user, key_hash=cls.hash(key), prefix=key[:8], name=name, expires_at=timezone.now() + lifetime
        )
        return key
