"""Writes to a mentorship from its page: milestones, the plan, a change of mentor and
testimonials.

Each service is atomic, takes the actor, checks everything before writing (a refusal is
a ``ValidationError`` naming the field, and nothing is written) and leaves an audit entry
on the mentorship, so its page shows the whole story to staff. Who may call which service
is decided by ``rules.get_mentorship_for`` / ``get_milestone_for`` in the views; the
services check again what the data must satisfy whoever calls them.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kenesh.core.audit import log_action
from kenesh.core.text import is_visible
from kenesh.mentoring.models import (
    Attribution,
    MentorChange,
    Mentorship,
    Milestone,
    Testimonial,
)
from kenesh.papers.models import AuthorRole, PolicyPaper
from kenesh.people.models import Person

# Whose testimonial a mentorship page records.
MENTEE, MENTOR = "mentee", "mentor"


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


# -- choices ---------------------------------------------------------------------------


def mentee_papers(*, mentorship: Mentorship, user):
    """Papers a milestone may name: the mentee's own (lead or co-author), and only those
    ``user`` may see."""
    authored = PolicyPaper.objects.filter(
        authorships__person_id=mentorship.mentee_id,
        authorships__role__in=[AuthorRole.LEAD, AuthorRole.CO_AUTHOR],
    ).values("pk")
    return PolicyPaper.objects.visible_to(user).filter(pk__in=authored).order_by("title")


def mentor_candidates(*, mentorship: Mentorship, user):
    """People who may take over as mentor: on the roster as able to mentor, visible to
    ``user``, neither withdrawn nor erased, and neither the mentee nor the current mentor."""
    return (
        Person.objects.visible_to(user)
        .filter(can_mentor=True, withdrawn_at__isnull=True, erased_at__isnull=True)
        .exclude(pk__in=[mentorship.mentee_id, mentorship.mentor_id])
        .order_by("name_latin", "pk")
    )


# -- milestones ------------------------------------------------------------------------


def _check_done_on(mentorship: Mentorship, done_on: datetime.date | None) -> None:
    if done_on is None:
        return
    if done_on > timezone.localdate():
        raise _error("done_on", _("A milestone cannot be done on a date still to come."), "future")
    if done_on < mentorship.started_on:
        raise _error(
            "done_on",
            _("A milestone of this mentorship cannot be done before it started (%(date)s).")
            % {"date": mentorship.started_on.isoformat()},
            "before_start",
        )


def _check_paper(mentorship: Mentorship, paper: PolicyPaper | None, by) -> None:
    if paper is None:
        return
    if not mentee_papers(mentorship=mentorship, user=by).filter(pk=paper.pk).exists():
        raise _error(
            "paper",
            _("Choose one of the mentee's own papers that you can see."),
            "invalid_choice",
        )


@transaction.atomic
def save_milestone(
    *,
    mentorship: Mentorship,
    milestone: Milestone | None,
    by,
    title: str,
    due_on: datetime.date,
    done_on: datetime.date | None = None,
    paper: PolicyPaper | None = None,
) -> Milestone:
    """Add a milestone to ``mentorship`` (``milestone`` None) or change one of its own.

    Refuse a title without visible letters, a done date to come or before the mentorship
    started, and a paper that is not the mentee's or that ``by`` may not see. A link to a
    paper ``by`` may not see stays as it is (they were never offered it to keep).
    """
    if milestone is not None and milestone.mentorship_id != mentorship.pk:
        raise ValueError("the milestone belongs to another mentorship")
    title = (title or "").strip()
    if not is_visible(title):
        raise _error("title", _("Write a title with visible letters."), "invisible")
    _check_done_on(mentorship, done_on)
    if paper is None and milestone is not None and milestone.paper_id:
        # A link to a paper ``by`` may not see was never offered to them: keep it.
        offered = mentee_papers(mentorship=mentorship, user=by)
        if not offered.filter(pk=milestone.paper_id).exists():
            paper = milestone.paper
    else:
        _check_paper(mentorship, paper, by)
    row = (
        Milestone.objects.select_for_update().get(pk=milestone.pk)
        if milestone is not None
        else Milestone(mentorship=mentorship)
    )
    created = row.pk is None
    values = {"title": title, "due_on": due_on, "done_on": done_on, "paper": paper}
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    log_action(
        mentorship,
        "mentoring.milestone.saved",
        by=by,
        data={"title": title, "created": created, "fields": changed},
    )
    return row


@transaction.atomic
def mark_milestone_done(*, milestone: Milestone, by, done_on: datetime.date) -> Milestone:
    """Record the day ``milestone`` was reached: not to come, not before the start."""
    mentorship = milestone.mentorship
    if done_on is None:
        raise _error("done_on", _("Give the date the milestone was reached."), "required")
    _check_done_on(mentorship, done_on)
    Milestone.objects.filter(pk=milestone.pk).update(done_on=done_on)
    milestone.done_on = done_on
    log_action(mentorship, "mentoring.milestone.done", by=by, data={"title": milestone.title})
    return milestone


@transaction.atomic
def remove_milestone(*, milestone: Milestone, by) -> None:
    """Delete a milestone of the plan; the audit entry keeps its title."""
    mentorship = milestone.mentorship
    Milestone.objects.filter(pk=milestone.pk).delete()
    log_action(mentorship, "mentoring.milestone.removed", by=by, data={"title": milestone.title})


# -- plan and goals --------------------------------------------------------------------


@transaction.atomic
def update_plan(
    *, mentorship: Mentorship, by, goals: str, review_on: datetime.date | None
) -> Mentorship:
    """Change the plan and goals and the date to look at them again (not before the
    mentorship started)."""
    goals = (goals or "").strip()
    if goals and not is_visible(goals):
        raise _error("goals", _("Write the plan with visible letters."), "invisible")
    if review_on is not None and review_on < mentorship.started_on:
        raise _error(
            "review_on",
            _("The review cannot come before the mentorship started (%(date)s).")
            % {"date": mentorship.started_on.isoformat()},
            "before_start",
        )
    row = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    changed = [
        name
        for name, value in (("goals", goals), ("review_on", review_on))
        if getattr(row, name) != value
    ]
    row.goals, row.review_on = goals, review_on
    row.full_clean(validate_unique=False, validate_constraints=False)
    row.save(update_fields=["goals", "review_on"])
    log_action(row, "mentoring.mentorship.goals_updated", by=by, data={"fields": changed})
    return row


# -- a change of mentor ----------------------------------------------------------------


@transaction.atomic
def change_mentor(*, mentorship: Mentorship, by, mentor: Person, reason: str) -> MentorChange:
    """Put ``mentor`` in place of the pair's mentor, with the reason, kept as a
    ``MentorChange`` (who, when, why) beside the mentorship. Sessions, milestones and
    assessments stay with the mentorship; the earlier mentor no longer opens it.

    Refuse an empty reason, the mentee or the current mentor as the new mentor, someone
    the roster does not list as able to mentor (or ``by`` may not see), and a mentor
    already paired with this mentee in another mentorship.
    """
    reason = (reason or "").strip()
    if not is_visible(reason):
        raise _error("reason", _("Say why the mentor changes; the reason is kept."), "required")
    row = Mentorship.objects.select_for_update().select_related("mentor").get(pk=mentorship.pk)
    if mentor is None:
        raise _error("mentor", _("Choose the new mentor."), "required")
    if mentor.pk == row.mentee_id:
        raise _error("mentor", _("A young expert cannot mentor themselves."), "mentee")
    if mentor.pk == row.mentor_id:
        raise _error("mentor", _("This person is already the mentor of the pair."), "same")
    if not mentor_candidates(mentorship=row, user=by).filter(pk=mentor.pk).exists():
        raise _error(
            "mentor",
            _("Choose someone the roster lists as able to mentor."),
            "invalid_choice",
        )
    if Mentorship.objects.filter(mentor=mentor, mentee_id=row.mentee_id).exists():
        raise _error(
            "mentor",
            _("This mentor already has another mentorship with this young expert."),
            "paired",
        )
    change = MentorChange(
        mentorship=row,
        from_mentor=row.mentor,
        to_mentor=mentor,
        reason=reason,
        changed_on=timezone.localdate(),
        by=by,
    )
    change.full_clean()
    change.save()
    row.mentor = mentor
    try:
        with transaction.atomic():
            row.save(update_fields=["mentor"])
    except IntegrityError as error:  # another request paired them meanwhile
        raise _error(
            "mentor",
            _("This mentor already has another mentorship with this young expert."),
            "paired",
        ) from error
    log_action(row, "mentoring.mentorship.mentor_changed", by=by, data={"change": change.pk})
    return change


# -- testimonials ----------------------------------------------------------------------


def testimonials_of(mentorship: Mentorship):
    """The testimonials of the pair's mentee and mentor, newest first."""
    return (
        Testimonial.objects.filter(
            Q(person_id=mentorship.mentee_id) | Q(person_id=mentorship.mentor_id)
        )
        .select_related("person")
        .order_by("-consent_at", "-pk")
    )


def _name_consent(attribution: str, on_file: bool) -> str:
    if attribution != Attribution.NAME:
        return "not_needed"
    return "on_file" if on_file else "given_now"


@transaction.atomic
def record_testimonial(
    *,
    mentorship: Mentorship,
    by,
    who: str,
    quote: str,
    attribution: str,
    consent: bool,
    consent_on: datetime.date,
    name_consent: bool = False,
) -> Testimonial:
    """Record a testimonial of the pair's mentee or mentor (``who``).

    Every testimonial needs the person's consent to this use of their words, with the day
    it was given (not to come). Quoting them by name needs more: the consent to quotes
    with attribution on their roster record, or their explicit agreement to be named,
    ticked now (``name_consent``; kept in the audit entry, the roster record unchanged).
    """
    if who not in (MENTEE, MENTOR):
        raise _error("who", _("Choose the mentee or the mentor."), "invalid_choice")
    person = mentorship.mentee if who == MENTEE else mentorship.mentor
    quote = (quote or "").strip()
    if not is_visible(quote):
        raise _error("quote", _("Write the quote with visible letters."), "invisible")
    if attribution not in Attribution.values:
        raise _error("attribution", _("Choose how the quote is attributed."), "invalid_choice")
    if not consent:
        raise _error(
            "consent",
            _("A testimonial is recorded only with the person's consent."),
            "required",
        )
    if consent_on is None or consent_on > timezone.localdate():
        raise _error("consent_on", _("Consent cannot be given on a date to come."), "future")
    on_file = person.quote_consent_at is not None
    if attribution == Attribution.NAME and not (on_file or name_consent):
        raise _error(
            "name_consent",
            _(
                "%(name)s has no consent to quotes with attribution on record: tick that "
                "they agreed to be named, or attribute the quote without the name."
            )
            % {"name": person.name},
            "no_consent",
        )
    consent_at = timezone.make_aware(datetime.datetime.combine(consent_on, datetime.time(12)))
    row = Testimonial(person=person, quote=quote, attribution=attribution, consent_at=consent_at)
    row.full_clean()
    row.save()
    log_action(
        mentorship,
        "mentoring.testimonial.saved",
        by=by,
        data={
            "who": who,
            "attribution": attribution,
            "name_consent": _name_consent(attribution, on_file),
        },
    )
    return row


@transaction.atomic
def withdraw_testimonial(*, mentorship: Mentorship, testimonial: Testimonial, by) -> None:
    """Delete a testimonial whose consent was withdrawn: its words are not kept anywhere
    (the audit entry records whose it was and how it was attributed, not the quote)."""
    if testimonial.person_id not in (mentorship.mentee_id, mentorship.mentor_id):
        raise ValueError("the testimonial is not of this pair")
    who = MENTEE if testimonial.person_id == mentorship.mentee_id else MENTOR
    Testimonial.objects.filter(pk=testimonial.pk).delete()
    log_action(
        mentorship,
        "mentoring.testimonial.withdrawn",
        by=by,
        data={"who": who, "attribution": testimonial.attribution},
    )
