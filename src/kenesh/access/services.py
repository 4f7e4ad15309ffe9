"""Writes of the access app: ending signed-in sessions, each recorded in the audit trail.

The audit entry names the user, who ended the sessions, why and how many, never a
session key or an address.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kenesh.access.models import User, UserSession
from kenesh.access.sessions import key_hash
from kenesh.core.audit import log_action

ROLE_CHANGED = "role_changed"
DEACTIVATED = "deactivated"
PASSWORD_SET_BY_OTHER = "password_set_by_other"
PASSWORD_CHANGED = "password_changed"
ENDED_BY_USER = "ended_by_user"
ENDED_BY_STAFF = "ended_by_staff"

# Fields whose change alters what a user may see: every session of theirs ends with it.
ACCESS_FIELDS = frozenset({"role", "is_active", "is_superuser"})


def _delete_stored_sessions(hashes: set[str]) -> None:
    """Delete Django's own session records with these key hashes, so that an ended
    session holds no data even if the refusing middleware were ever left out."""
    if not hashes or settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return
    from django.contrib.sessions.models import Session

    keys = Session.objects.filter(expire_date__gt=timezone.now()).values_list(
        "session_key", flat=True
    )
    doomed = [key for key in keys.iterator() if key_hash(key) in hashes]
    Session.objects.filter(session_key__in=doomed).delete()


@transaction.atomic
def end_sessions(
    *, user: User, by: User | None, reason: str, keep: UserSession | None = None
) -> int:
    """End every signed-in session of ``user`` but ``keep``; return how many ended."""
    rows = UserSession.objects.filter(user=user)
    if keep is not None:
        rows = rows.exclude(pk=keep.pk)
    hashes = set(rows.values_list("key_hash", flat=True))
    ended, _by_model = rows.delete()
    _delete_stored_sessions(hashes)
    log_action(user, "access.sessions.ended", by=by, data={"reason": reason, "count": ended})
    return ended


@transaction.atomic
def end_session(*, session: UserSession, by: User | None, reason: str) -> None:
    """End one signed-in session."""
    user = session.user
    _delete_stored_sessions({session.key_hash})
    session.delete()
    log_action(user, "access.sessions.ended", by=by, data={"reason": reason, "count": 1})


def end_sessions_after_access_change(
    *, user: User, by: User | None, changed: Iterable[str]
) -> int | None:
    """End ``user``'s sessions if ``changed`` (field names) alters their access: a new
    role starts from a new sign-in, and a deactivated user is signed out everywhere.
    Return how many ended, or None when nothing that matters changed."""
    changed = ACCESS_FIELDS & set(changed)
    if not changed:
        return None
    if "is_active" in changed and not user.is_active:
        return end_sessions(user=user, by=by, reason=DEACTIVATED)
    if changed & {"role", "is_superuser"}:
        return end_sessions(user=user, by=by, reason=ROLE_CHANGED)
    return None  # reactivated: no session to end
