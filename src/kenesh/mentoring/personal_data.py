"""What mentoring holds on a person: applications (linked, or sent from their address),
reviews they wrote, mentorships, sessions, assessments and testimonials. Registered in
``MentoringConfig.ready()``.

Erasure pseudonymises the applications and deletes their files (CV, writing sample) once
the erasure is committed; country, gender, sector and year of birth stay, so selection
statistics stay correct. Testimonials, the person's own words, are deleted. Mentorships
stay, linked to the pseudonymised person.
"""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kenesh.core.personal_data import Section
from kenesh.mentoring.models import (
    Application,
    Assessment,
    MentoringSession,
    Mentorship,
    PendingApplication,
    Review,
    Testimonial,
)
from kenesh.people.subject import pseudonym_for


def _applications(person):
    condition = Q(person=person)
    if person.email:
        condition |= Q(email__iexact=person.email)
    return Application.objects.filter(condition).select_related("call")


def export(person) -> list[Section]:
    applications = _applications(person)
    mentorships = Mentorship.objects.filter(Q(mentor=person) | Q(mentee=person)).select_related(
        "mentor", "mentee"
    )
    sessions = MentoringSession.objects.filter(mentorship__in=mentorships)
    assessments = Assessment.objects.filter(mentorship__in=mentorships)
    sections = [
        Section(
            "applications",
            _("Applications"),
            (
                ("call", _("Call")),
                ("name", _("Full name")),
                ("email", _("Email")),
                ("country", _("Country")),
                ("gender", _("Gender")),
                ("sector", _("Sector")),
                ("birth_year", _("Year of birth")),
                ("organisation", _("Organisation")),
                ("motivation", _("Motivation")),
                ("cv", _("CV")),
                ("writing_sample", _("Writing sample")),
                ("status", _("Status")),
                ("submitted", pgettext_lazy("submission date", "Submitted")),
            ),
            [
                {
                    "call": a.call.title,
                    "name": a.name,
                    "email": a.email,
                    "country": a.get_country_display(),
                    "gender": a.get_gender_display(),
                    "sector": a.get_sector_display(),
                    "birth_year": a.birth_year,
                    "organisation": a.organization,
                    "motivation": a.motivation,
                    "cv": bool(a.cv),
                    "writing_sample": bool(a.writing_sample),
                    "status": a.get_status_display(),
                    "submitted": a.created_at,
                }
                for a in applications
            ],
        ),
        Section(
            "mentorships",
            _("Mentorships"),
            (
                ("mentor", _("Mentor")),
                ("mentee", _("Young expert")),
                ("started", pgettext_lazy("mentorship start date", "Started")),
            ),
            [
                {"mentor": m.mentor.name, "mentee": m.mentee.name, "started": m.started_on}
                for m in mentorships
            ],
        ),
        Section(
            "mentoring_sessions",
            _("Mentoring sessions"),
            (("date", _("Date")), ("mode", _("How")), ("topics", _("Topics"))),
            [{"date": s.date, "mode": s.get_mode_display(), "topics": s.topics} for s in sessions],
        ),
        Section(
            "assessments",
            _("Assessments"),
            (("stage", _("Stage")), ("by", _("By")), ("scores", _("Scores"))),
            [
                {
                    "stage": a.get_stage_display(),
                    "by": a.get_assessor_display(),
                    "scores": [f"{key}: {value}" for key, value in sorted(a.scores.items())],
                }
                for a in assessments
            ],
        ),
        Section(
            "testimonials",
            _("Testimonials"),
            (
                ("quote", _("Quote")),
                ("attribution", _("Attribution")),
                ("consent", _("Consent given")),
            ),
            [
                {
                    "quote": t.quote,
                    "attribution": t.get_attribution_display(),
                    "consent": t.consent_at,
                }
                for t in Testimonial.objects.filter(person=person)
            ],
        ),
    ]
    if person.user_id:
        reviews = Review.objects.filter(reviewer_id=person.user_id).select_related("application")
        sections.append(
            Section(
                "application_reviews",
                _("Application reviews written"),
                (
                    ("application", _("Application")),
                    ("comment", _("Comment")),
                    ("conflict", _("Conflict of interest")),
                ),
                [
                    {
                        "application": str(r.application.code),
                        "comment": r.comment,
                        "conflict": r.conflict,
                    }
                    for r in reviews
                ],
            )
        )
    return [section for section in sections if section.rows]


def _delete_files_on_commit(files) -> None:
    names = [(f.storage, f.name) for f in files if f]

    def delete():
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(delete)


def erase(person, by) -> None:
    """Pseudonymise the person's applications and delete their files after commit."""
    pseudonym = pseudonym_for(person)
    files = []
    for application in _applications(person):
        pending = PendingApplication.objects.filter(application=application)
        for replacement in pending:
            files += [replacement.cv, replacement.writing_sample]
        pending.delete()
        files += [application.cv, application.writing_sample]
        Application.objects.filter(pk=application.pk).update(
            name=pseudonym,
            email=f"erased-{application.code.hex[:12]}@erased.invalid",
            organization="",
            motivation="",
            cv="",
            writing_sample="",
            person=person,
        )
    Testimonial.objects.filter(person=person).delete()
    _delete_files_on_commit(files)
