from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kenesh.core"
    verbose_name = _("Platform")

    def ready(self):
        from kenesh.core.navigation import NavEntry, register

        register(
            NavEntry(
                _("Audit log"),
                "core:audit-log",
                "core.view_audit",
                _("Who did what to which record, and when, as plain sentences."),
                order=95,
            )
        )
