from importlib import import_module

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kenesh.access import services, sessions
from kenesh.access.models import User

# Access comes from roles, not Django's groups and permission tables.
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "role", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:2],  # type: ignore[index]  # Django's UserAdmin sets them
        (_("Role"), {"fields": ("role", "is_active", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        (_("Signed-in sessions"), {"fields": ("sessions_link",)}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "role", "password1", "password2")}),
    )
    readonly_fields = ("sessions_link",)

    @admin.display(description=_("Where the user is signed in"))
    def sessions_link(self, obj):
        if obj is None or obj.pk is None:
            return ""
        return format_html(
            '<a href="{}">{}</a>',
            reverse("access:user-sessions", kwargs={"code": obj.code}),
            _("See and end this user's sessions"),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _log_access_change(obj, by=request.user, form=form, change=change)
        if change:
            services.end_sessions_after_access_change(
                user=obj, by=request.user, changed=form.changed_data
            )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            # A password set by someone else ends every session of the user; an
            # administrator setting their own keeps the session they are using.
            user = self.get_object(request, unquote(id))
            assert user is not None  # the password was just changed: the user exists
            own = user.pk == request.user.pk
            services.end_sessions(
                user=user,
                by=request.user,
                reason=services.PASSWORD_CHANGED if own else services.PASSWORD_SET_BY_OTHER,
                keep=sessions.current_row(request) if own else None,
            )
        return response

    def has_module_permission(self, request):
        return request.user.has_perm("access.manage_users")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("access.manage_users")

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission
    has_delete_permission = has_view_permission


def _log_access_change(user, *, by, form, change) -> None:
    """Record a new sign-in, a changed role, (de)activation and superuser status, with
    the role before and after (the sessions these end are recorded by ``services``)."""
    from kenesh.core.audit import log_action

    if not change:
        log_action(user, "access.user.created", by=by, data={"role": user.role})
        return
    if "role" in form.changed_data:
        data = {"from": form.initial.get("role"), "to": user.role}
        log_action(user, "access.user.role_changed", by=by, data=data)
    if "is_active" in form.changed_data:
        action = "access.user.reactivated" if user.is_active else "access.user.deactivated"
        log_action(user, action, by=by)
    if "is_superuser" in form.changed_data:
        granted = user.is_superuser
        action = "access.user.superuser_granted" if granted else "access.user.superuser_revoked"
        log_action(user, action, by=by)


# Authenticator secrets and recovery codes stay out of the back office: people manage
# their own on the two-step sign-in page.
# (Their admin modules register them on import; import them first, then take them out.)
import_module("django_otp.plugins.otp_totp.admin")
import_module("django_otp.plugins.otp_static.admin")
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
