"""Pages listing signed-in sessions: one's own, and any user's for administrators.

Administrators, who manage users (docs/access.md: "back office, with users"), see and end
anyone's sessions; programme staff do not, as they do not manage users either.
"""

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from kenesh.access import services
from kenesh.access.decorators import requires
from kenesh.access.sessions import current_row, get_user_for, live_sessions_of


def _chosen_session(request, user):
    """The live session of ``user`` the form names, or None (unknown, ended, malformed)."""
    try:
        code = uuid.UUID(str(request.POST.get("session", "")))
    except ValueError:
        return None
    return live_sessions_of(user).filter(code=code).first()


def _end_from_form(request, *, user, reason, keep):
    """End what the posted form asks, and say so; nothing changes on a bad request."""
    if request.POST.get("end") == "all":
        ended = services.end_sessions(user=user, by=request.user, reason=reason, keep=keep)
        messages.success(
            request,
            ngettext("%(count)d session ended.", "%(count)d sessions ended.", ended)
            % {"count": ended},
        )
        return
    session = _chosen_session(request, user)
    if session is None or (keep is not None and session.pk == keep.pk):
        messages.error(request, _("That session has already ended, or is not one you can end."))
        return
    services.end_session(session=session, by=request.user, reason=reason)
    messages.success(request, _("The session was ended."))


@requires("access.see_own_sessions")
@require_http_methods(["GET", "POST"])
def my_sessions(request):
    """The signed-in user's sessions, this one marked; the others can be ended."""
    current = current_row(request)
    if request.method == "POST":
        _end_from_form(request, user=request.user, reason=services.ENDED_BY_USER, keep=current)
        return redirect("access:my-sessions")
    return render(
        request,
        "access/sessions.html",
        {"sessions": live_sessions_of(request.user), "current": current},
    )


@requires("access.manage_users")
@require_http_methods(["GET", "POST"])
def user_sessions(request, code):
    """A user's sessions, for an administrator, who may end one or all of them."""
    user = get_user_for(request.user, code)
    if request.method == "POST":
        _end_from_form(request, user=user, reason=services.ENDED_BY_STAFF, keep=None)
        return redirect("access:user-sessions", code=user.code)
    return render(
        request,
        "access/sessions_user.html",
        {
            "subject": user,
            "sessions": live_sessions_of(user),
            "current": current_row(request),
            "admin_url": reverse("admin:access_user_change", args=[user.pk]),
        },
    )
