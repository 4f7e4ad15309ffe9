from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class KeneshAdminSite(admin.AdminSite):
    site_header = _("Kenesh back office")
    site_title = _("Kenesh")
    index_title = _("Back office")

    def has_permission(self, request):
        return request.user.is_active and request.user.has_perm("access.use_admin")

    def register(self, model_or_iterable, admin_class=None, **options):
        """Register as usual, with every write recorded in the audit trail too."""
        from kenesh.core.admin_audit import AuditedAdminMixin

        base = admin_class or admin.ModelAdmin
        if not issubclass(base, AuditedAdminMixin):
            base = type(base.__name__, (AuditedAdminMixin, base), {})
        super().register(model_or_iterable, base, **options)


class KeneshAdminConfig(AdminConfig):
    default_site = "kenesh.core.admin_config.KeneshAdminSite"
