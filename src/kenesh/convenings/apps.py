from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConveningsConfig(AppConfig):
    name = "kenesh.convenings"
    verbose_name = _("Convenings")

    def ready(self):
        from kenesh.people import merge

        merge.register("convenings.Participation", "person", unique_with=("convening",))
        from kenesh.convenings import digest
        from kenesh.notifications import digests

        digests.register(digest.UPCOMING)
        digests.register(digest.FOR_STAFF)
        from kenesh.convenings import personal_data as convenings_data
        from kenesh.core import personal_data

        personal_data.register("convenings", title=_("Convenings"), export=convenings_data.export)
        from kenesh.convenings import invitations
        from kenesh.core import periodic

        periodic.register("convenings.reminders", invitations.send_reminders, every=900)
        from kenesh.core.navigation import NavEntry, register

        register(
            NavEntry(
                _("Convenings"),
                "convenings:convening-list",
                "convenings.view_convenings",
                _("RCWG meetings, Track II dialogues, simulations and briefings."),
                order=30,
            )
        )
        register(
            NavEntry(
                _("Programme"),
                "convenings:overview",
                "convenings.view_overview",
                _("What the programme has convened, from its records."),
                order=40,
            )
        )
        register(
            NavEntry(
                _("My convenings"),
                "convenings:my-convenings",
                "convenings.view_own_convenings",
                _("Your invitations, answers and calendar."),
                order=80,
            )
        )
