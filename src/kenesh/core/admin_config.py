from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class KeneshAdminSite(admin.AdminSite):
    site_header = _("Kenesh back office")
    site_title = _("Kenesh")
    index_title = _("Back office")

    def has_permission(self, request):
        return request.user.is_active and request.user.has_perm("access.use_admin")


class KeneshAdminConfig(AdminConfig):
    default_site = "kenesh.core.admin_config.KeneshAdminSite"
