import logging
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from kenesh.access.decorators import PUBLIC, declared_access

logger = logging.getLogger(__name__)

# The admin site checks ``access.use_admin`` itself (see core.admin_config).
SELF_GUARDED_NAMESPACES = {"admin"}


class DenyByDefaultMiddleware:
    """Refuse every view that has not declared who may open it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            match is not None
            and match.namespaces
            and match.namespaces[0] in SELF_GUARDED_NAMESPACES
        ):
            return None
        access = declared_access(view_func)
        if access is PUBLIC:
            return None
        if access is None:
            logger.error("View %s declares no permission; refused.", match and match.view_name)
            raise PermissionDenied
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm(access):
            raise PermissionDenied
        return None


# Pages a session may open between the password and the second step.
BEFORE_SECOND_STEP = {
    "access:login",
    "access:logout",
    "access:two-step-verify",
    "set_language",
    "core:healthz",
    "core:favicon",
    "admin:logout",
}


class SecondStepMiddleware:
    """Hold a session that has the password but not yet its second step to the pages that
    finish signing in: a user with an authenticator is asked for a code, and staff and
    administrators without one are sent to set it up. Applies to every view, the admin's
    included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from kenesh.access import mfa

        user = request.user
        if not user.is_authenticated:
            return None
        verified = getattr(user, "is_verified", None)  # set by django_otp's OTPMiddleware
        if verified is not None and verified():
            return None
        step = request.session.get(mfa.PENDING_KEY)
        if step is None and mfa.is_required(user):
            step = mfa.pending_step(user)
            request.session[mfa.PENDING_KEY] = step
        if step is None or (step == mfa.ENROL and not mfa.is_required(user)):
            return None
        # The pages that finish signing in show no menu: nothing else opens yet.
        request.kenesh_signing_in = True
        name = request.resolver_match.view_name if request.resolver_match else None
        if name in BEFORE_SECOND_STEP or (step == mfa.ENROL and name == "access:two-step"):
            return None
        target = "access:two-step-verify" if step == mfa.VERIFY else "access:two-step"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
