from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "kenesh.deliberation"
    verbose_name = _("Deliberation")

    def ready(self):
        from kenesh.deliberation import digest
        from kenesh.notifications import digests

        digests.register(digest.PART)
        from kenesh.core import personal_data
        from kenesh.deliberation import personal_data as deliberation_data

        personal_data.register(
            "deliberation", title=_("Deliberation"), export=deliberation_data.export
        )
        from kenesh.deliberation import retention

        retention.register_rules()
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
