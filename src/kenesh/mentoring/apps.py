from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "kenesh.mentoring"
    verbose_name = _("Mentoring")

    def ready(self):
        from kenesh.people import merge

        merge.register("mentoring.Application", "person")
        as_mentor, as_mentee = _("Mentorships as mentor"), _("Mentorships as mentee")
        merge.register("mentoring.Mentorship", "mentor", unique_with=("mentee",), label=as_mentor)
        merge.register("mentoring.Mentorship", "mentee", unique_with=("mentor",), label=as_mentee)
        merge.register("mentoring.MentorChange", "from_mentor", label=_("Changes of mentor"))
        merge.register("mentoring.MentorChange", "to_mentor", label=_("Mentors taken over"))
        merge.register("mentoring.Testimonial", "person")
        from kenesh.core import personal_data
        from kenesh.mentoring import personal_data as mentoring_data

        personal_data.register(
            "mentoring",
            title=_("Mentoring"),
            export=mentoring_data.export,
            erase=mentoring_data.erase,
        )
        from kenesh.mentoring import retention

        retention.register_rules()
        from kenesh.core.navigation import NavEntry, register

        register(
            NavEntry(
                _("Young experts"),
                "mentoring:home",
                "mentoring.view_mentoring",
                _("Open calls, reviews, cohort selection, mentorships and growth."),
                order=65,
            )
        )
