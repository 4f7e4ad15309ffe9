"""Role predicates every app builds its rules on.

Each predicate takes a user (possibly anonymous) and answers from the role alone; apps
combine them with facts about their own objects in their ``rules.py``.
"""

import rules

from kenesh.access.models import Role


def _role(user) -> str | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMINISTRATOR
    return user.role


@rules.predicate
def is_authenticated(user) -> bool:
    return _role(user) is not None


@rules.predicate
def is_administrator(user) -> bool:
    return _role(user) == Role.ADMINISTRATOR


@rules.predicate
def is_staff(user) -> bool:
    """Programme staff; administrators are staff too."""
    return _role(user) in {Role.ADMINISTRATOR, Role.STAFF}


@rules.predicate
def is_mentor(user) -> bool:
    return _role(user) == Role.MENTOR


@rules.predicate
def is_expert(user) -> bool:
    return _role(user) == Role.EXPERT


@rules.predicate
def is_observer(user) -> bool:
    """Donors and observers: aggregates only, never personal data."""
    return _role(user) == Role.OBSERVER


is_member = is_staff | is_mentor | is_expert
"""People inside the programme, who may see personal data within their consent."""

is_back_office = is_administrator
"""Who may use the Django admin: administrators only. Programme staff do all their work
from the product's own pages (issue 13); the admin is too powerful to hand them."""

rules.add_perm("access.use_admin", is_back_office)
rules.add_perm("access.manage_users", is_administrator)
rules.add_perm("access.change_own_password", is_authenticated)
rules.add_perm("access.manage_own_two_step", is_authenticated)
