from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "kenesh.people"
    verbose_name = _("People")

    def ready(self):
        from kenesh.people import subject

        subject.register()
        from kenesh.people import retention

        retention.register_rules()
        from kenesh.people import merge

        # notifications sits below people and imports none of it: register its link here.
        merge.register("notifications.Message", "person", label=_("Messages"))
        from kenesh.core.navigation import NavEntry, register

        register(
            NavEntry(
                _("Roster"),
                "people:roster",
                "people.view_roster",
                _("Seasoned and emergent experts of the network, with search and filters."),
                order=10,
            )
        )
        register(
            NavEntry(
                _("Diversity"),
                "people:diversity",
                "people.view_diversity",
                _("Who the network is made of: country, gender, track and sector."),
                order=20,
            )
        )
        register(
            NavEntry(
                _("My profile"),
                "people:profile",
                "people.edit_own_profile",
                _("Your profile, working languages and consents."),
                order=90,
            )
        )
