from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from kenesh.access import mfa, services, sessions
from kenesh.access.decorators import public, requires
from kenesh.access.forms import CodeForm, EnrolForm, LoginForm


def _next_url(request, default="core:home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def _with_next(name: str, next_url: str) -> str:
    from urllib.parse import urlencode

    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class LoginView(auth_views.LoginView):
    """The password; then, where the account has one, the second step."""

    template_name = "access/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self):
        url = super().get_success_url()
        step = self.request.session.get(mfa.PENDING_KEY)
        if step == mfa.VERIFY:
            return _with_next("access:two-step-verify", url)
        if step == mfa.ENROL:
            return _with_next("access:two-step", url)
        return url


login = public(sensitive_post_parameters("password")(LoginView.as_view()))
logout = public(auth_views.LogoutView.as_view())


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password: this session goes on, every other one ends (Django
    already refuses them; their rows go too, and the ending is audited)."""

    template_name = "access/password_change.html"
    success_url = "/"

    def form_valid(self, form):
        response = super().form_valid(form)
        services.end_sessions(
            user=form.user,
            by=form.user,
            reason=services.PASSWORD_CHANGED,
            keep=sessions.current_row(self.request),
        )
        return response


password_change = requires("access.change_own_password")(PasswordChangeView.as_view())


def locked_out(request, original_response=None, credentials=None):
    """What django-axes answers while an account and address are locked: a page in the
    reader's language, with 429."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    minutes = round(cool_off.total_seconds() / 60) if cool_off else 0
    return render(request, "access/locked_out.html", {"minutes": minutes}, status=429)


@requires("access.manage_own_two_step")
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_step_verify(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified() or request.session.get(mfa.PENDING_KEY) != mfa.VERIFY:
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if mfa.is_locked_out(request, user):
            auth_logout(request)
            return locked_out(request)
        if form.is_valid():
            try:
                mfa.verify_second_step(request=request, code=form.cleaned_data["code"])
            except ValidationError as error:
                form.add_error("code", error)
                if getattr(request, "axes_locked_out", False):
                    auth_logout(request)
                    return locked_out(request)
            else:
                return redirect(next_url)
    return render(
        request,
        "access/two_step_verify.html",
        {"form": form, "next": next_url},
    )


@requires("access.manage_own_two_step")
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_step(request):
    """Two-step sign-in: set it up, renew the recovery codes, or turn it off."""
    user = request.user
    next_url = _next_url(request, default="access:two-step")
    action = request.POST.get("action") if request.method == "POST" else None
    enrolled = mfa.has_two_step(user)
    enrol_form = EnrolForm(request.POST if action == "enrol" else None)
    renew_form = CodeForm(request.POST if action == "renew" else None, prefix="renew")
    disable_form = CodeForm(request.POST if action == "disable" else None, prefix="disable")
    for form in (renew_form, disable_form):
        form.fields["code"].widget.attrs.pop("autofocus", None)
    status = 200
    if action == "enrol" and not enrolled and enrol_form.is_valid():
        try:
            codes = mfa.enrol_authenticator(
                user=user,
                hex_key=mfa.offered_secret(request),
                code=enrol_form.cleaned_data["code"],
                request=request,
            )
        except ValidationError as error:
            enrol_form.add_error("code", error)
        else:
            return _show_codes(request, codes, next_url, first=True)
    elif action == "renew" and enrolled and renew_form.is_valid():
        try:
            codes = mfa.renew_recovery_codes(user=user, code=renew_form.cleaned_data["code"])
        except ValidationError as error:
            renew_form.add_error("code", error)
        else:
            return _show_codes(request, codes, next_url, first=False)
    elif action == "disable" and enrolled and disable_form.is_valid():
        try:
            mfa.disable_two_step(user=user, code=disable_form.cleaned_data["code"], request=request)
        except ValidationError as error:
            disable_form.add_error("code", error)
        else:
            messages.success(request, _("Two-step sign-in is off."))
            return redirect("access:two-step")
    elif action is not None and action not in {"enrol", "renew", "disable"}:
        status = 400
    context = {
        "enrolled": enrolled,
        "required": mfa.is_required(user),
        "next": next_url,
        "enrol_form": enrol_form,
        "renew_form": renew_form,
        "disable_form": disable_form,
    }
    if enrolled:
        context["recovery_left"] = mfa.recovery_codes_left(user)
    else:
        secret = mfa.offered_secret(request)
        context["secret_text"] = mfa.secret_as_text(secret)
        context["qr_svg"] = mfa.qr_svg(mfa.provisioning_uri(user, secret))
    return render(request, "access/two_step.html", context, status=status)


def _show_codes(request, codes, next_url, *, first):
    return render(
        request,
        "access/recovery_codes.html",
        {"codes": codes, "next": next_url, "first": first},
    )
