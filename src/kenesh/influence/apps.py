from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InfluenceConfig(AppConfig):
    name = "kenesh.influence"
    verbose_name = _("Influence")

    def ready(self):
        from kenesh.influence import digest
        from kenesh.notifications import digests

        digests.register(digest.PART)
        from kenesh.core import sections
        from kenesh.core.navigation import NavEntry, register
        from kenesh.influence.views import briefing_section

        sections.register("convenings.briefing", briefing_section)
        from kenesh.influence.queries import printed_recommendations
        from kenesh.papers import printing

        printing.register_recommendations(printed_recommendations)

        register(
            NavEntry(
                _("Influence"),
                "influence:overview",
                "influence.view_influence",
                _("From papers to recommendations, briefings and evidenced outcomes."),
                order=70,
            )
        )
