from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "kenesh.deliberation"
    verbose_name = _("Deliberation")

    def ready(self):
        from kenesh.core.navigation import NavEntry, register

        register(
            NavEntry(
                _("Common ground"),
                "deliberation:conversation-list",
                "deliberation.view_conversations",
                _("Statements, votes, opinion groups and the ground they share."),
                order=50,
            )
        )
