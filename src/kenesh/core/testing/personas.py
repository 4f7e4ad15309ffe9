"""Test helpers: one login per role, the way the tests tell the programme's story."""

from kenesh.access.models import Role, User

PASSWORD = "persona-password-1"

PERSONA_ROLES = {
    "administrator": Role.ADMINISTRATOR,
    "staff": Role.STAFF,
    "mentor": Role.MENTOR,
    "expert": Role.EXPERT,
    "young_expert": Role.EXPERT,
    "observer": Role.OBSERVER,
}


def make_persona(name: str) -> User:
    """A user with the role the persona ``name`` stands for."""
    return User.objects.create_user(
        username=name, password=PASSWORD, role=PERSONA_ROLES[name], first_name=name.title()
    )
