from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "kenesh.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring and results")

    def ready(self):
        from kenesh.core.navigation import NavEntry, register

        # monitoring.view_report is held by staff (who also hold view_monitoring) and by
        # donors (observers), who see the dashboard through the reports shared with them.
        register(
            NavEntry(
                _("Results"),
                "monitoring:home",
                "monitoring.view_report",
                _("Theory of change, indicators against targets, and programme reports."),
                order=75,
            )
        )
