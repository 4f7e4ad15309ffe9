"""What access holds on a person: their login. Registered in ``AccessConfig.ready()``.

Never exported: the password hash, one-time-password secrets, session keys.
"""

from typing import Protocol

from django.utils.translation import gettext_lazy as _

from kenesh.access.models import User
from kenesh.access.services import DEACTIVATED, end_sessions
from kenesh.core.personal_data import Section


class _Person(Protocol):
    """A roster Person (the people app is above this one): its login, if any."""

    user_id: int | None


def _user(person: _Person) -> User | None:
    return User.objects.filter(pk=person.user_id).first() if person.user_id else None


def export(person: _Person) -> list[Section]:
    user = _user(person)
    if user is None:
        return []
    return [
        Section(
            "login",
            _("Login"),
            (
                ("username", _("Username")),
                ("email", _("Email")),
                ("role", _("Role")),
                ("active", _("Active")),
                ("joined", _("Joined")),
                ("last_login", _("Last signed in")),
                ("sessions", _("Signed-in sessions")),
            ),
            [
                {
                    "username": user.username,
                    "email": user.email,
                    "role": user.get_role_display(),
                    "active": user.is_active,
                    "joined": user.date_joined,
                    "last_login": user.last_login,
                    "sessions": user.signed_in_sessions.count(),
                }
            ],
        )
    ]


def erase(person: _Person, by: User | None) -> None:
    """Sign the login out everywhere and leave it unusable, its names and address gone."""
    user = _user(person)
    if user is None:
        return
    end_sessions(user=user, by=by, reason=DEACTIVATED)
    user.username = f"erased-{user.code.hex[:12]}"
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
