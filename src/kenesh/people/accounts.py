"""Accounts of roster people, managed from the roster: invite a person to sign in, change
their role, deactivate and reactivate them. Each change is in the audit trail.

An invitation makes a login linked to the person, with no usable password, and mails a
signed link (``notifications.links``) to set one. The link works once, for
``LINK_DAYS`` days, and only while it is the latest: sending a new one gives the account
a new unusable password, and the link carries a digest of the password hash it was made
for, so an older link no longer matches. Setting the password changes the hash too.

Who may do what: programme staff invite, change roles among expert, mentor and observer,
and deactivate such accounts; only administrators give or take away the staff and
administrator roles or touch such accounts. No one changes their own role or
deactivates themself (an administrator would lock the door behind them).
"""

import datetime
import hashlib

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kenesh.access.models import Role, User
from kenesh.access.predicates import is_administrator
from kenesh.access.services import end_sessions_after_access_change
from kenesh.core.audit import log_action
from kenesh.notifications import links
from kenesh.notifications import services as notify
from kenesh.notifications.models import Kind
from kenesh.people.models import Person

ACTION = "set_password"
LINK_DAYS = 7
# Roles only an administrator gives, takes away, or acts on.
GUARDED_ROLES = frozenset({Role.ADMINISTRATOR, Role.STAFF})


class LinkSuperseded(links.LinkRefused):
    """A set-password link made before a newer one, or before the password was set."""

    def __init__(self):
        super().__init__("superseded")

    @property
    def message(self) -> str:
        return _(
            "This link was replaced by a newer one, or your password is already set. "
            "Use the latest mail, or sign in."
        )


def roles_for(by: User) -> list[tuple[str, str]]:
    """The roles ``by`` may give, as (value, label) choices."""
    allowed = Role.choices if is_administrator(by) else [
        (value, label) for value, label in Role.choices if value not in GUARDED_ROLES
    ]  # fmt: skip
    return [(value, str(label)) for value, label in allowed]


def may_manage(by: User, user: User | None) -> bool:
    """Whether ``by`` may change the role or state of ``user``'s account."""
    if user is None:
        return True
    if user.pk == by.pk:
        return False
    return is_administrator(by) or user.role not in GUARDED_ROLES


def state_of(person: Person) -> str:
    """ "none", "invited" (no password set yet), "active" or "inactive"."""
    user = person.user
    if user is None:
        return "none"
    if not user.is_active:
        return "inactive"
    if not user.has_usable_password():
        return "invited"
    return "active"


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.pk}:{user.password}".encode()).hexdigest()[:16]


def _check_person(person: Person) -> None:
    if person.erased_at is not None or person.withdrawn_at is not None:
        raise ValidationError(
            _("This person was withdrawn or erased from the roster: they cannot be invited.")
        )
    if getattr(person, "merged_into_id", None):
        raise ValidationError(_("This record was merged into another: invite that one."))
    if not person.email:
        raise ValidationError(
            _("This person has no e-mail address. Add one to their profile, then invite them.")
        )


def _check_role(by: User, role: str) -> None:
    if role not in Role.values:
        raise ValidationError(_("Choose one of the roles offered."))
    if role in GUARDED_ROLES and not is_administrator(by):
        raise PermissionDenied(
            _("Only administrators give the programme staff and administrator roles.")
        )


@transaction.atomic
def invite(*, person: Person, role: str, by: User) -> User:
    """Make (or renew) ``person``'s login and mail them a link to set a password.

    A person whose account is already in use is not invited again (they have a
    password); a pending invitation is replaced by a new link. Raises ValidationError or
    PermissionDenied, with nothing written, when the invitation cannot be made."""
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    _check_person(person)
    _check_role(by, role)
    user = person.user
    renewed = user is not None
    if user is not None:
        changed = _renew_login(person, user, role=role, by=by)
    else:
        user = _new_login(person, role=role)
        changed = []
    user.set_unusable_password()
    user.save()
    if not renewed:
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    if "role" in changed:
        end_sessions_after_access_change(user=user, by=by, changed=changed)
    until = timezone.now() + datetime.timedelta(days=LINK_DAYS)
    token = links.make(action=ACTION, target=str(user.code), choice=_fingerprint(user),
                       until=until)  # fmt: skip
    log_action(
        person,
        "people.account.invited",
        by=by,
        data={"role": role, "renewed": renewed},
    )
    _mail_invitation(person, user, role=role, token=token)
    return user


def _renew_login(person: Person, user: User, *, role: str, by: User) -> list[str]:
    """Give ``person``'s login, not yet in use, ``role`` (unsaved), or refuse: a login
    with a password, one ``by`` may not manage, or a deactivated one. What changes."""
    if user.has_usable_password():
        raise ValidationError(
            _("%(name)s already has an account with a password.") % {"name": person.name}
        )
    if not may_manage(by, user):
        raise PermissionDenied(_("Only administrators manage this account."))
    if not user.is_active:
        raise ValidationError(_("This account is deactivated. Reactivate it first."))
    changed = ["password"]
    if user.role != role:
        user.role = role
        changed.append("role")
    return changed


def _new_login(person: Person, *, role: str) -> User:
    """An unsaved login for ``person`` signing in as their e-mail address; refused when
    another account already signs in as it."""
    username = person.email.strip().lower()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            _(
                "Another account already signs in as %(username)s. Link that account to "
                "this person instead (an administrator can), or change the e-mail address."
            )
            % {"username": username}
        )
    return User(username=username, email=username, first_name=person.name[:150], role=role)


def _mail_invitation(person: Person, user: User, *, role: str, token: str) -> None:
    """Mail ``person`` the link to set a password, once the invitation is committed."""
    url = notify.absolute(reverse("people:account-welcome", args=[token]))
    message_key = f"account-invitation:{user.code}:{_fingerprint(user)}"
    transaction.on_commit(
        lambda: notify.send(
            to=person,
            kind=Kind.ACCOUNT,
            template="people/mail/account_invitation",
            context={
                "link": url,
                "username": user.username,
                "days": LINK_DAYS,
                "role": Role(role).label,
            },
            key=message_key,
            force_mail=True,
        )
    )


def read_link(token: str) -> tuple[links.Link, User]:
    """The set-password link ``token`` stands for and its user; raises LinkRefused."""
    link = links.read(token, action=ACTION)
    user = User.objects.filter(code=link.target).first()
    if user is None or not user.is_active:
        raise links.LinkRefused("expired")
    if links.is_spent(link) or link.choice != _fingerprint(user):
        raise LinkSuperseded()
    return link, user


@transaction.atomic
def set_password(*, token: str, password: str) -> User:
    """Set the password a link was sent for, and spend the link. Raises LinkRefused or
    ValidationError (the password validators' messages), with nothing written."""
    link, user = read_link(token)
    user = User.objects.select_for_update().get(pk=user.pk)
    if link.choice != _fingerprint(user):
        raise LinkSuperseded()
    validate_password(password, user)
    if not links.spend(link):
        raise LinkSuperseded()
    user.set_password(password)
    user.save(update_fields=["password"])
    person = Person.objects.filter(user=user).first()
    log_action(person or user, "people.account.activated", by=user)
    return user


def _locked_user(person: Person, by: User) -> User:
    person = Person.objects.select_related("user").get(pk=person.pk)
    if person.user is None:
        raise ValidationError(_("This person has no account."))
    user = User.objects.select_for_update().get(pk=person.user_id)
    if user.pk == by.pk:
        raise PermissionDenied(_("You cannot change your own account here."))
    if not may_manage(by, user):
        raise PermissionDenied(_("Only administrators manage this account."))
    return user


@transaction.atomic
def change_role(*, person: Person, role: str, by: User) -> User:
    """Give ``person``'s account another role; their sessions end (they sign in anew)."""
    _check_role(by, role)
    user = _locked_user(person, by)
    if user.role == role:
        raise ValidationError(_("The account has this role already."))
    before = user.role
    user.role = role
    user.save(update_fields=["role"])
    end_sessions_after_access_change(user=user, by=by, changed=["role"])
    log_action(person, "people.account.role_changed", by=by, data={"from": before, "role": role})
    return user


@transaction.atomic
def set_active(*, person: Person, active: bool, by: User) -> User:
    """Deactivate (signed out everywhere, cannot sign in) or reactivate an account."""
    user = _locked_user(person, by)
    if user.is_active == active:
        raise ValidationError(
            _("The account is active already.") if active else
            _("The account is deactivated already.")
        )  # fmt: skip
    user.is_active = active
    user.save(update_fields=["is_active"])
    end_sessions_after_access_change(user=user, by=by, changed=["is_active"])
    action = "people.account.reactivated" if active else "people.account.deactivated"
    log_action(person, action, by=by)
    return user
