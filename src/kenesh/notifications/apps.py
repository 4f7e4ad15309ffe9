from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "kenesh.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from kenesh.core import periodic, personal_data
        from kenesh.core.navigation import NavEntry, register
        from kenesh.notifications import digests, services
        from kenesh.notifications import personal_data as notifications_data

        personal_data.register(
            "notifications", title=_("Messages and notifications"), order=90,
            export=notifications_data.export, erase=notifications_data.erase,
        )  # fmt: skip
        periodic.register("notifications.retry", services.retry_due_messages, every=60)
        periodic.register("notifications.digests", digests.send_due_digests, every=300)
        register(
            NavEntry(
                _("Outbox"),
                "notifications:outbox",
                "notifications.view_outbox",
                _("Every message the platform sent or tried to send."),
                order=95,
            )
        )
