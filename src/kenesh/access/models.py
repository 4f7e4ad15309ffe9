import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    STAFF = "staff", _("Programme staff")
    MENTOR = "mentor", _("Mentor")
    EXPERT = "expert", _("Expert")
    OBSERVER = "observer", _("Observer (donor)")


class KeneshUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A login. What it may see and do follows from its one role (see access.predicates).

    Django's own ``is_staff`` flag is not used for access: the admin site asks the
    ``is_back_office`` predicate instead, so a role change is the only switch.
    """

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EXPERT)

    objects = KeneshUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username
