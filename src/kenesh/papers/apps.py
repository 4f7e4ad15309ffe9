from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PapersConfig(AppConfig):
    name = "kenesh.papers"
    verbose_name = _("Policy papers")

    def ready(self):
        from kenesh.people import merge

        merge.register("papers.Authorship", "person", unique_with=("paper",))
        from kenesh.notifications import digests
        from kenesh.papers import digest

        digests.register(digest.PART)
        from kenesh.core import personal_data
        from kenesh.papers import personal_data as papers_data

        personal_data.register("papers", title=_("Papers"), export=papers_data.export)
        from kenesh.core import periodic
        from kenesh.papers import reminders

        periodic.register("papers.review_reminders", reminders.send_review_reminders, every=3600)
        from kenesh.core.navigation import NavEntry, register

        register(
            NavEntry(
                _("Papers"),
                "papers:paper-list",
                "papers.view_papers",
                _("Policy papers co-written across generations, from draft to published."),
                order=60,
            )
        )
