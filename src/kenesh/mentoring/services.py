"""Writes to mentoring: applications, reviews, cohort decisions, mentorships."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kenesh.core.audit import log_action
from kenesh.mentoring import matching, scoring, selection
from kenesh.mentoring.models import (
    Application,
    ApplicationStatus,
    Assessment,
    CohortDecision,
    MentoringSession,
    Mentorship,
    Review,
)
from kenesh.people.models import Language
from kenesh.people.services import create_person


@transaction.atomic
def apply(*, call, data: dict, themes, cv, writing_sample) -> tuple[Application, bool]:
    """Record an application; a second one from the same email updates the first.
    Returns the application and whether it was new."""
    today = timezone.localdate()
    if not call.opens_on <= today <= call.closes_on:
        raise ValidationError(_("This call is not open for applications."))
    email = data["email"].strip().lower()
    application = Application.objects.select_for_update().filter(call=call, email=email).first()
    created = application is None
    application = application or Application(call=call, email=email)
    for field, value in data.items():
        if field != "email":
            setattr(application, field, value)
    application.consent_at = timezone.now()
    application.cv.save(cv.name, cv, save=False)
    application.writing_sample.save(writing_sample.name, writing_sample, save=False)
    application.full_clean(exclude=["person"])
    application.save()
    application.themes.set(themes)
    log_action(application, "mentoring.application." + ("submitted" if created else "updated"))
    subject = _("Kenesh: your application to “%(call)s”") % {"call": call.title}
    body = _(
        "Thank you, %(name)s. We received your application and will write when the "
        "selection is made."
    ) % {"name": application.name}
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    return application, created


@transaction.atomic
def review(*, application, by, scores: dict, comment: str, conflict: bool) -> Review:
    """Score an application on the call's rubric, or declare a conflict of interest and
    be left out of that application's ranking."""
    existing = Review.objects.filter(application=application, reviewer=by).first()
    if existing is not None and existing.conflict and not conflict:
        raise ValidationError(
            _("You declared a conflict of interest on this application; you cannot score it.")
        )
    row = existing or Review(application=application, reviewer=by)
    row.scores, row.comment, row.conflict = ({} if conflict else scores), comment, conflict
    row.full_clean()
    row.save()
    log_action(application, "mentoring.application.reviewed", by=by, data={"conflict": conflict})
    return row


def ranking(call) -> list[scoring.Ranked]:
    rows = Review.objects.filter(application__call=call, conflict=False).values_list(
        "reviewer_id", "application_id", "scores"
    )
    return scoring.normalise(list(rows), call.weights())


def propose(call, quotas: list[selection.Quota]) -> tuple[selection.Selection, dict]:
    """The optimiser's cohort for ``call`` under ``quotas``, from normalised scores."""
    ranked = {r.application: r for r in ranking(call)}
    applications = {a.pk: a for a in call.applications.filter(pk__in=ranked)}
    candidates = [
        selection.Candidate(
            pk,
            ranked[pk].score,
            {
                "country": a.country,
                "gender": a.gender,
                "sector": a.sector,
            },
        )
        for pk, a in applications.items()
    ]
    return selection.select_cohort(candidates, call.cohort_size, quotas), applications


@transaction.atomic
def decide(*, call, chosen: list[Application], quotas: list, result, override_reason: str, by):
    """Record the cohort. A cohort other than the optimiser's needs a written reason."""
    proposed = set(result.chosen) if result is not None else set()
    if {a.pk for a in chosen} != proposed and not override_reason.strip():
        raise ValidationError(_("Say why the cohort differs from the proposed one."))
    if len(chosen) != call.cohort_size:
        raise ValidationError(_("Choose exactly %(n)s people.") % {"n": call.cohort_size})
    decision = CohortDecision.objects.create(
        call=call,
        quotas=quotas,
        objective=result.objective if result else 0,
        unconstrained=result.unconstrained_objective if result else 0,
        reasons={str(k): str(v) for k, v in (result.reasons if result else {}).items()},
        override_reason=override_reason,
        by=by,
    )
    decision.chosen.set(chosen)
    call.applications.update(status=ApplicationStatus.NOT_SELECTED)
    call.applications.filter(pk__in=[a.pk for a in chosen]).update(
        status=ApplicationStatus.SELECTED
    )
    for application in chosen:
        if application.person_id is None:
            # The selected join the roster as emergent experts, with the consent they gave.
            person = create_person(
                by=by,
                name=application.name,
                name_latin=application.name,
                gender=application.gender,
                birth_year=application.birth_year,
                country=application.country,
                sector=application.sector,
                track="emergent",
                email=application.email,
                position="",
                themes=list(application.themes.all()),
                languages=list(Language.objects.filter(code__in=application.languages)),
            )
            person.data_processing_consent_at = application.consent_at
            person.save(update_fields=["data_processing_consent_at"])
            Application.objects.filter(pk=application.pk).update(person=person)
    log_action(
        call,
        "mentoring.cohort.decided",
        by=by,
        data={"chosen": [a.pk for a in chosen], "override": bool(override_reason)},
    )
    return decision


@transaction.atomic
def pair(*, mentees, mentors, call, by, weights=None) -> list[Mentorship]:
    """Match mentors (people who mentor, with a capacity each) to mentees and record
    the mentorships; staff can change pairs afterwards in the back office."""

    def profile(person):
        return (
            frozenset(person.languages.values_list("code", flat=True)),
            frozenset(person.themes.values_list("pk", flat=True)),
        )

    result = matching.match(
        [matching.Mentee(p.pk, *profile(p), p.country) for p in mentees],
        [matching.Mentor(p.pk, *profile(p), p.country, capacity) for p, capacity in mentors],
        weights or matching.Weights(),
    )
    created = []
    for mentee_pk, mentor_pk in result.pairs.items():
        mentorship, _new = Mentorship.objects.get_or_create(
            mentor_id=mentor_pk,
            mentee_id=mentee_pk,
            defaults={"call": call, "started_on": timezone.localdate()},
        )
        created.append(mentorship)
    log_action(call, "mentoring.pairs.made", by=by, data={"pairs": len(created)})
    return created


@transaction.atomic
def log_session(*, mentorship, by, date: datetime.date, mode: str, topics: str, notes: str):
    session = MentoringSession(
        mentorship=mentorship, date=date, mode=mode, topics=topics, notes=notes
    )
    session.full_clean()
    session.save()
    log_action(mentorship, "mentoring.session.logged", by=by)
    return session


@transaction.atomic
def assess(*, mentorship, by, stage: str, assessor: str, scores: dict) -> Assessment:
    """Record a skills assessment on the rubric (every skill, 1 to 5)."""
    assessment, _new = Assessment.objects.get_or_create(
        mentorship=mentorship, stage=stage, assessor=assessor
    )
    assessment.scores = scores
    assessment.full_clean()
    assessment.save()
    log_action(
        mentorship,
        "mentoring.assessment.recorded",
        by=by,
        data={"stage": stage, "assessor": assessor},
    )
    return assessment
