from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "kenesh.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring and results")

    def ready(self):
        from kenesh.core.audit_display import label_values
        from kenesh.core.navigation import NavEntry, register
        from kenesh.monitoring.indicators import dimension_labels

        # The audit names the shared disaggregations by their labels, not their keys.
        label_values("monitoring.report.sharing_set", "shared", dimension_labels)

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
