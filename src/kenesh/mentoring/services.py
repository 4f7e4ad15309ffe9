"""Writes to mentoring: applications, reviews, cohort decisions, mentorships."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kenesh.access.models import User
from kenesh.core.audit import log_action
from kenesh.core.text import is_visible
from kenesh.core.uploads import store_files
from kenesh.mentoring import queries, selection
from kenesh.mentoring.models import (
    Application,
    ApplicationContent,
    ApplicationStatus,
    Assessment,
    Call,
    CohortDecision,
    MentoringSession,
    Mentorship,
    PendingApplication,
    Review,
)
from kenesh.mentoring.rules import REPLACEMENT_HOURS, assessors_for, replacement_token
from kenesh.notifications import services as notify
from kenesh.notifications.models import Kind
from kenesh.people.models import Language
from kenesh.people.services import create_person


def _delete_files_on_commit(*files) -> None:
    """Remove stored files once the rows that held them are gone for good."""
    names = [(f.storage, f.name) for f in files if f and f.name]

    def remove():
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(remove)


def _discard_expired_replacements() -> None:
    cutoff = timezone.now() - datetime.timedelta(hours=REPLACEMENT_HOURS)
    expired = list(PendingApplication.objects.filter(created_at__lt=cutoff))
    for pending in expired:
        _delete_files_on_commit(pending.cv, pending.writing_sample)
    PendingApplication.objects.filter(pk__in=[p.pk for p in expired]).delete()


def _mail(subject: str, body: str, to: str) -> None:
    """Write to an applicant, who may have no account, in the language they applied in."""
    notify.send(
        to=notify.Address(email=to),
        kind=Kind.APPLICATION,
        template="notifications/mail/plain",
        context={"subject": subject, "body": body},
    )


def _fill(target, *, data: dict, cv, writing_sample) -> None:
    for field, value in data.items():
        if field in ApplicationContent.CONTENT_FIELDS:
            setattr(target, field, value)
    target.consent_at = timezone.now()
    # Assigned, not saved: the files reach storage only when the row is saved, so a
    # refused application leaves no file behind.
    target.cv = cv
    target.writing_sample = writing_sample


@transaction.atomic
def apply(*, call, data: dict, themes, cv, writing_sample, site: str) -> None:
    """Take an application to ``call`` from anyone, without an account.

    A new address makes a new application. An address that applied to the call already
    (in any letter case) changes nothing at once: the new application waits, and a
    signed link good for ``REPLACEMENT_HOURS`` goes to that address, so only its owner
    can put it in place of the first; once the cohort is decided, the address is told
    that nothing can change. Either way the address gets one message, and the caller
    learns nothing of which case it was, so a page built on it cannot tell a visitor
    whether an address has applied. ``site`` is the platform's address for the link.
    """
    today = timezone.localdate()
    if not call.opens_on <= today <= call.closes_on:
        raise ValidationError(_("This call is not open for applications."))
    _discard_expired_replacements()
    email = data["email"].strip().lower()
    existing = (
        Application.objects.select_for_update()
        .filter(call=call, email__iexact=email)
        .order_by("pk")
        .first()
    )
    if existing is None:
        application = Application(call=call, email=email)
        _fill(application, data=data, cv=cv, writing_sample=writing_sample)
        application.full_clean(exclude=["person"])
        # Written before the row, all or none: a full disk is a clear refusal.
        store_files(application, "cv", "writing_sample")
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:
            # The same address applied a moment ago, in another request: treat it as known.
            _delete_files_on_commit(application.cv, application.writing_sample)
            existing = Application.objects.select_for_update().get(call=call, email=email)
        else:
            application.themes.set(themes)
            log_action(application, "mentoring.application.submitted")
            subject = _("Kenesh: your application to “%(call)s”") % {"call": call.title}
            body = _(
                "Thank you, %(name)s. We received your application and will write when the "
                "selection is made."
            ) % {"name": application.name}
            _mail(subject, body, email)
            return
    _hold_replacement(
        existing, data=data, themes=themes, cv=cv, writing_sample=writing_sample, site=site
    )


def _hold_replacement(application, *, data, themes, cv, writing_sample, site) -> None:
    call = application.call
    subject = _("Kenesh: a new application to “%(call)s” with your address") % {"call": call.title}
    if application.decided:
        body = _(
            "Someone, perhaps you, sent a new application to “%(call)s” with this email "
            "address. The selection for this call has been made, so your application can no "
            "longer be changed: nothing was changed and the new application was not kept."
        ) % {"call": call.title}
        log_action(application, "mentoring.application.replacement_refused")
        _mail(subject, body, application.email)
        return
    pending = PendingApplication(application=application)
    _fill(pending, data=data, cv=cv, writing_sample=writing_sample)
    pending.full_clean(exclude=["application"])
    store_files(pending, "cv", "writing_sample")
    # One replacement waits at a time: the newest; older links stop working.
    for older in application.replacements.all():
        _delete_files_on_commit(older.cv, older.writing_sample)
    application.replacements.all().delete()
    pending.save()
    pending.themes.set(themes)
    link = site.rstrip("/") + reverse(
        "mentoring:apply-confirm", kwargs={"token": replacement_token(pending)}
    )
    body = ngettext(
        "Someone, perhaps you, sent a new application to “%(call)s” with this email "
        "address. Your earlier application stays as it is unless you confirm the new one. "
        "To replace it, open this link within %(hours)s hour:\n\n%(link)s\n\n"
        "If it was not you, ignore this message: nothing will change.",
        "Someone, perhaps you, sent a new application to “%(call)s” with this email "
        "address. Your earlier application stays as it is unless you confirm the new one. "
        "To replace it, open this link within %(hours)s hours:\n\n%(link)s\n\n"
        "If it was not you, ignore this message: nothing will change.",
        REPLACEMENT_HOURS,
    ) % {"call": call.title, "hours": REPLACEMENT_HOURS, "link": link}
    log_action(application, "mentoring.application.replacement_held")
    _mail(subject, body, application.email)


@transaction.atomic
def replace_application(*, pending: PendingApplication) -> Application:
    """Put a confirmed replacement in place of the application it was sent for. The
    confirmation link proves the address; a decided application stays as it was."""
    application = Application.objects.select_for_update().get(pk=pending.application_id)
    if application.decided:
        raise ValidationError(
            _(
                "The selection for this call has been made, so your application can no "
                "longer be changed. Nothing was changed."
            ),
            code="decided",
        )
    _delete_files_on_commit(application.cv, application.writing_sample)
    for field in ApplicationContent.CONTENT_FIELDS:
        setattr(application, field, getattr(pending, field))
    application.full_clean(exclude=["person"])
    application.save()
    application.themes.set(pending.themes.all())
    # The files now belong to the application: drop the row, keep what it stored.
    PendingApplication.objects.filter(pk=pending.pk).delete()
    log_action(application, "mentoring.application.updated")
    return application


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


@transaction.atomic
def decide(
    *,
    call,
    chosen: list[Application],
    quotas: list[selection.Quota],
    result: selection.Selection | None,
    override_reason: str,
    by,
):
    """Record the cohort. A cohort other than the optimiser's needs a written reason;
    only applications with the reviews the call asks for can be chosen. The quotas and
    the optimiser's reasons are kept as codes and numbers (``selection.Recorded``), put
    into words in the reader's language when shown."""
    proposed = set(result.chosen) if result is not None else set()
    override_reason = override_reason.strip() if is_visible(override_reason) else ""
    _check_cohort(call=call, chosen=chosen, proposed=proposed, override_reason=override_reason)
    decision = CohortDecision.objects.create(
        call=call,
        quotas=selection.quotas_to_json(quotas),
        objective=result.objective if result else 0,
        unconstrained=result.unconstrained_objective if result else 0,
        reasons=selection.reasons_to_json(result.reasons if result else {}),
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
            _join_roster(application, by=by)
    log_action(
        call,
        "mentoring.cohort.decided",
        by=by,
        data={"chosen": [a.pk for a in chosen], "override": bool(override_reason)},
    )
    return decision


def _check_cohort(
    *, call: Call, chosen: list[Application], proposed: set[object], override_reason: str
) -> None:
    """Refuse (``ValidationError``) a cohort other than the ``proposed`` one without a
    reason, of the wrong size, or with applicants still awaiting their reviews."""
    if {a.pk for a in chosen} != proposed and not override_reason:
        raise ValidationError({"reason": _("Say why the cohort differs from the proposed one.")})
    if len(chosen) != call.cohort_size:
        raise ValidationError(
            {
                "chosen": ngettext(
                    "Choose exactly %(n)s person.", "Choose exactly %(n)s people.", call.cohort_size
                )
                % {"n": call.cohort_size}
            }
        )
    candidates = queries.standings(call).candidate_pks()
    waiting = [a.name for a in chosen if a.pk not in candidates or a.call_id != call.pk]
    if waiting:
        raise ValidationError(
            {
                "chosen": _("Not yet candidates (they await reviews): %(names)s.")
                % {"names": ", ".join(waiting)}
            }
        )


def _join_roster(application: Application, *, by: User | None) -> None:
    """Put a selected applicant on the roster as an emergent expert, with the consent
    they gave, and link the application to them."""
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


@transaction.atomic
def pair(
    *, mentees, mentors, call, by, weights=None, expected: str | None = None
) -> list[Mentorship]:
    """Record the mentorships the matching proposes (``queries.plan_pairs``): only for
    mentees without a mentor, within the places mentors have left in this call. With
    ``expected`` (the fingerprint of the proposal the user saw), write exactly that
    proposal or nothing. Staff can change a pair afterwards from its mentorship page."""
    Call.objects.select_for_update().filter(pk=call.pk).first()  # one pairing at a time
    plan = queries.plan_pairs(call=call, mentees=mentees, mentors=mentors, weights=weights)
    if expected is not None and expected != plan.fingerprint:
        if not plan.pairs:
            raise ValidationError(
                _("Everyone who can be matched has a mentor already; nothing was written."),
                code="nothing",
            )
        raise ValidationError(
            _(
                "The proposal changed since you looked at it (pairs or places changed); "
                "nothing was written. Check the new proposal and confirm it."
            ),
            code="stale",
        )
    made = []
    for proposed in plan.pairs:
        mentorship, new = Mentorship.objects.get_or_create(
            mentor=proposed.mentor,
            mentee=proposed.mentee,
            defaults={"call": call, "started_on": timezone.localdate()},
        )
        if new:
            made.append(mentorship)
    log_action(call, "mentoring.pairs.made", by=by, data={"pairs": len(made)})
    return made


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
def assess(*, mentorship, by, stage: str, scores: dict, assessor: str | None = None) -> Assessment:
    """Record a skills assessment on the rubric (every skill, 1 to 5). Who assesses
    follows from who records it: the mentee their self-assessment, the mentor theirs;
    staff may record either and must say which (``assessor``)."""
    allowed = assessors_for(by, mentorship)
    if not allowed:
        raise PermissionDenied
    if assessor is None and len(allowed) == 1:
        assessor = allowed[0]
    if assessor not in allowed:
        raise ValidationError(
            {"assessor": _("Say whose assessment this is: the mentor's or the self-assessment.")}
            if len(allowed) > 1
            else {"assessor": _("You can record only your own assessment.")}
        )
    assessment = (
        Assessment.objects.select_for_update()
        .filter(mentorship=mentorship, stage=stage, assessor=assessor)
        .first()
    ) or Assessment(mentorship=mentorship, stage=stage, assessor=assessor)
    assessment.scores = scores
    assessment.recorded_by = by
    assessment.full_clean()
    assessment.save()
    log_action(
        mentorship,
        "mentoring.assessment.recorded",
        by=by,
        data={"stage": stage, "assessor": assessor},
    )
    return assessment
