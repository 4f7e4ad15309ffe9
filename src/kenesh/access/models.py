import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    STAFF = "staff", _("Programme staff")
    MENTOR = "mentor", _("Mentor")
    EXPERT = "expert", _("Expert")
    OBSERVER = "observer", _("Observer (donor)")


if TYPE_CHECKING:  # UserManager is generic in django-stubs only
    _UserManager = UserManager["User"]
else:
    _UserManager = UserManager


class KeneshUserManager(_UserManager):
    def create_superuser(
        self,
        username: str,
        email: str | None = None,
        password: str | None = None,
        **extra_fields: Any,
    ) -> "User":
        extra_fields.setdefault("role", Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A login. What it may see and do follows from its one role (see access.predicates).

    Django's own ``is_staff`` flag is not used for access: the admin site asks the
    ``is_back_office`` predicate instead, so a role change is the only switch.
    """

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EXPERT)

    objects: ClassVar[KeneshUserManager] = KeneshUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class UserSession(models.Model):
    """One signed-in session of a user, kept beside Django's own session.

    Holds no secret: the session key only as its SHA-256, the address cut to its
    network (/24, /48) and the browser as a family name. A session whose row is gone
    is refused (``access.sessions.SessionLimitsMiddleware``), so ending one is deleting it.
    """

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="signed_in_sessions", verbose_name=_("user")
    )
    key_hash = models.CharField(_("session key hash"), max_length=64, db_index=True)
    created_at = models.DateTimeField(_("started"))
    last_seen_at = models.DateTimeField(_("last seen"))
    device = models.CharField(_("device"), max_length=80, blank=True)
    network = models.CharField(_("network"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.device or '?'} · {self.created_at:%Y-%m-%d %H:%M}"
