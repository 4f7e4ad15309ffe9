"""Signed-in sessions: tracked per user, limited in time, refused once ended.

Each login writes a ``UserSession`` row and puts its code into Django's session; every
request of a signed-in user passes ``SessionLimitsMiddleware``, which refuses a session
whose row is gone (ended by its user, by staff, or by a role, status or password change)
or that has been idle or alive too long. Rows hold no secret and no full address.
"""

import hashlib
import ipaddress
import re
from datetime import timedelta

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kenesh.access.models import User, UserSession
from kenesh.access.predicates import is_authenticated
from kenesh.core.net import client_address

rules.add_perm("access.see_own_sessions", is_authenticated)

# The key in Django's session naming its UserSession row; it survives key rotation.
SESSION_ROW_KEY = "_kenesh_session"
# last_seen_at is written at most this often, not on every request.
SEEN_EVERY = timedelta(minutes=1)

_BROWSERS = (  # order matters: Edge and Opera also name Chrome, Chrome names Safari
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("YaBrowser/", "Yandex Browser"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("CriOS/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iOS"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def key_hash(session_key: str | None) -> str:
    return hashlib.sha256((session_key or "").encode()).hexdigest()


def device_summary(user_agent: str) -> str:
    """The browser and system families named in a User-Agent ("Firefox, Windows"), never
    the full string, which can single a person out."""
    user_agent = (user_agent or "")[:512]
    browser = next((name for token, name in _BROWSERS if token in user_agent), "")
    system = next((name for token, name in _SYSTEMS if token in user_agent), "")
    if not browser and not system:
        word = re.match(r"[A-Za-z][A-Za-z0-9_.-]{0,30}", user_agent)
        return word.group(0) if word else ""
    return ", ".join(part for part in (browser, system) if part)[:80]


def coarse_network(address: str) -> str:
    """The network an address belongs to: /24 for IPv4, /48 for IPv6; "" if unreadable."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def track_login(sender, request, user, **kwargs):
    """Receiver of ``user_logged_in``: write the new session's row."""
    if request is None or not hasattr(request, "session"):
        return
    session = request.session
    if session.session_key is None:
        session.save()
    now = timezone.now()
    # Rows of sessions that ran out unseen would otherwise pile up, and signing in again
    # within a session replaces its row: clear them now.
    UserSession.objects.filter(user=user).filter(
        Q(last_seen_at__lte=now - idle_limit())
        | Q(created_at__lte=now - age_limit())
        | Q(key_hash=key_hash(session.session_key))
    ).delete()
    previous = current_row(request)
    if previous is not None:
        previous.delete()
    row = UserSession.objects.create(
        user=user,
        key_hash=key_hash(session.session_key),
        created_at=now,
        last_seen_at=now,
        device=device_summary(request.META.get("HTTP_USER_AGENT", "")),
        network=coarse_network(client_address(request)),
    )
    session[SESSION_ROW_KEY] = str(row.code)


def track_logout(sender, request, user, **kwargs):
    """Receiver of ``user_logged_out``: the session's row goes with it."""
    row = current_row(request) if request is not None else None
    if row is not None:
        row.delete()


def current_row(request) -> UserSession | None:
    """The row of the session ``request`` came with, or None."""
    session = getattr(request, "session", None)
    code = session.get(SESSION_ROW_KEY) if session is not None else None
    if not code:
        return None
    try:
        return UserSession.objects.filter(code=code).first()
    except (ValidationError, ValueError):  # a malformed code names no row
        return None


def idle_limit() -> timedelta:
    return timedelta(minutes=settings.KENESH_SESSION_IDLE_MINUTES)


def age_limit() -> timedelta:
    return timedelta(hours=settings.KENESH_SESSION_MAX_HOURS)


def live_sessions_of(user):
    """The user's sessions that have not run out, most recently used first."""
    now = timezone.now()
    return UserSession.objects.filter(
        user=user, last_seen_at__gt=now - idle_limit(), created_at__gt=now - age_limit()
    ).order_by("-last_seen_at")


def get_user_for(viewer, code) -> User:
    """A user whose sessions ``viewer`` manages (the view's rule has already let them in);
    an unknown code is a 404."""
    return get_object_or_404(User, code=code)


def _why_ended(row: UserSession | None, now) -> str | None:
    """Why the session of ``row`` may not go on, as the user will read it; None if it may."""
    if row is None:
        return _("Your session has ended. Please sign in again.")
    idle = settings.KENESH_SESSION_IDLE_MINUTES
    if now - row.last_seen_at > idle_limit():
        return ngettext(
            "Your session ended after %(minutes)d minute without activity. Please sign in again.",
            "Your session ended after %(minutes)d minutes without activity. Please sign in again.",
            idle,
        ) % {"minutes": idle}
    hours = settings.KENESH_SESSION_MAX_HOURS
    if now - row.created_at > age_limit():
        return ngettext(
            "Your session ended %(hours)d hour after you signed in. Please sign in again.",
            "Your session ended %(hours)d hours after you signed in. Please sign in again.",
            hours,
        ) % {"hours": hours}
    return None


class SessionLimitsMiddleware:
    """Refuse a signed-in session that was ended or ran out; note when it was last used.

    Sits after ``AuthenticationMiddleware`` and ``MessageMiddleware``: it needs the user,
    and leaves its message for the login page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            refusal = self.check(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def check(self, request):
        row = current_row(request)
        if row is not None and row.user_id != request.user.pk:
            row = None
        now = timezone.now()
        reason = _why_ended(row, now)
        if reason is not None:
            if row is not None:
                row.delete()
            logout(request)
            messages.warning(request, reason)
            response = redirect_to_login(request.get_full_path())
            if request.headers.get("HX-Request"):
                # htmx would swap the login page into a fragment: send the whole page there.
                hx_response = HttpResponse(status=204)
                hx_response["HX-Redirect"] = response["Location"]
                return hx_response
            return response
        assert row is not None  # _why_ended ends a session without a row
        current_hash = key_hash(request.session.session_key)
        if now - row.last_seen_at >= SEEN_EVERY or row.key_hash != current_hash:
            # The key changes when Django rotates it (own password change): follow it.
            UserSession.objects.filter(pk=row.pk).update(last_seen_at=now, key_hash=current_hash)
        return None
