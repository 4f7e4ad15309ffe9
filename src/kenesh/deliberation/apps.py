from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "kenesh.deliberation"
    verbose_name = _("Deliberation")

    def ready(self):
        from kenesh.people import merge

        # Both took part in one conversation: the other's participant (and votes) stays,
        # unlinked from any person until an undo.
        merge.register(
            "deliberation.Participant",
            "person",
            unique_with=("conversation",),
            label=_("Conversations taken part in"),
        )
        merge.register_count("deliberation.Vote", "participant__person", label=_("Votes"))
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
