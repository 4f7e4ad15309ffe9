"""A roster person's account, managed by programme staff (invite to sign in, role,
deactivate, reactivate), and the public page where an invited person sets a password."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kenesh.access.decorators import public, requires
from kenesh.access.models import Role
from kenesh.core.forms import add_service_errors, refusal_status
from kenesh.notifications import links
from kenesh.people import accounts
from kenesh.people.account_forms import ACTIONS, RoleForm, SetPasswordForm
from kenesh.people.rules import get_person_for


def _page(request, person, *, form=None, status=200):
    user = person.user
    state = accounts.state_of(person)
    initial = user.role if user else (Role.MENTOR if person.can_mentor else Role.EXPERT)
    context = {
        "person": person,
        "account": user,
        "state": state,
        "form": form or RoleForm(user=request.user, initial_role=initial),
        "may_manage": accounts.may_manage(request.user, user),
        "is_self": user is not None and user.pk == request.user.pk,
        "link_days": accounts.LINK_DAYS,
    }
    return render(request, "people/account.html", context, status=status)


@requires("people.manage_accounts")
@require_http_methods(["GET", "POST"])
def account(request, code):
    """The account of a roster person: its state, and what staff may do with it. Every
    refusal says why, in the reader's language, and changes nothing."""
    person = get_person_for(request.user, code, to="edit")
    if request.method == "GET":
        return _page(request, person)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        messages.error(request, _("Choose one of the actions offered; nothing was changed."))
        return _page(request, person, status=400)
    form = RoleForm(request.POST if action in ("invite", "role") else None, user=request.user)
    posted_role = request.POST.get("role", "")
    try:
        if action in ("invite", "role"):
            if posted_role in accounts.GUARDED_ROLES and posted_role not in dict(
                form.fields["role"].choices
            ):
                raise PermissionDenied(
                    _("Only administrators give the programme staff and administrator roles.")
                )
            if not form.is_valid():
                return _page(request, person, form=form, status=refusal_status(form))
            role = form.cleaned_data["role"]
            if action == "invite":
                accounts.invite(person=person, role=role, by=request.user)
                text = _("A mail with a link to set a password is on its way to %(email)s.") % {
                    "email": person.email
                }
            else:
                accounts.change_role(person=person, role=role, by=request.user)
                text = _("%(name)s is now: %(role)s. Their sessions were ended.") % {
                    "name": person.name, "role": Role(role).label,
                }  # fmt: skip
        else:
            active = action == "reactivate"
            accounts.set_active(person=person, active=active, by=request.user)
            text = (
                _("%(name)s can sign in again.") if active else
                _("%(name)s can no longer sign in and was signed out everywhere.")
            ) % {"name": person.name}  # fmt: skip
    except PermissionDenied as refused:
        messages.error(request, str(refused) or _("Only administrators manage this account."))
        return _page(request, person, form=form if form.is_bound else None, status=403)
    except ValidationError as error:
        if form.is_bound:
            add_service_errors(form, error)
        else:
            messages.error(request, " ".join(error.messages))
        return _page(request, person, form=form if form.is_bound else None, status=409)
    messages.success(request, text)
    return redirect("people:account", code=person.code)


@public
@require_http_methods(["GET", "POST"])
def account_welcome(request, token):
    """The link an invited person follows: choose a password. GET changes nothing (mail
    scanners follow links); the link works once, and only the latest one sent."""
    try:
        _link, user = accounts.read_link(token)
    except links.LinkRefused as refused:
        return render(
            request, "notifications/link_refused.html", {"reason": refused.message}, status=400
        )
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.set_password(token=token, password=form.cleaned_data["password1"])
        except links.LinkRefused as refused:
            return render(
                request, "notifications/link_refused.html", {"reason": refused.message},
                status=400,
            )  # fmt: skip
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            messages.success(
                request,
                _("Your password is set. Sign in as %(username)s.") % {"username": user.username},
            )
            return redirect("access:login")
    status = 200 if not form.is_bound or form.is_valid() else 400
    return render(request, "people/account_welcome.html",
                  {"form": form, "username": user.username}, status=status)  # fmt: skip
