"""Who may see or do what in mentoring. Session notes stay with the pair and staff.

Every view reaches its object through one of the access functions below: 404 where the
user may not know the object exists (a mentorship they are not part of, an application
they declared a conflict of interest on), 403 where they may see it but not do this.
"""

import rules
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from kenesh.access.predicates import is_member, is_mentor, is_staff
from kenesh.mentoring.models import (
    Application,
    Assessor,
    Call,
    Mentorship,
    Milestone,
    PendingApplication,
    Review,
    Testimonial,
)

# A link to confirm a replacement application is good for this long (and for nothing
# else: the salt keeps it from being taken for any other signed value of the platform).
REPLACEMENT_HOURS = 48
REPLACEMENT_SALT = "kenesh.mentoring.replace-application"


@rules.predicate
def in_the_pair(user, mentorship) -> bool:
    return user.is_authenticated and user.pk in {
        mentorship.mentor.user_id,
        mentorship.mentee.user_id,
    }


@rules.predicate
def mentors_the_pair(user, mentorship) -> bool:
    return user.is_authenticated and mentorship.mentor.user_id == user.pk


can_review = is_staff | is_mentor
rules.add_perm("mentoring.view_mentoring", is_member)
rules.add_perm("mentoring.review", can_review)
rules.add_perm("mentoring.manage", is_staff)
rules.add_perm("mentoring.see_mentorship", is_staff | in_the_pair)
# Milestones and the plan: staff and the pair's own mentor (the mentee reads them).
rules.add_perm("mentoring.keep_plan", is_staff | mentors_the_pair)
for model in (
    "call",
    "application",
    "review",
    "cohortdecision",
    "mentorship",
    "mentoringsession",
    "assessment",
    "testimonial",
):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"mentoring.{action}_{model}", is_staff)


def get_call_for(user, code, *, to: str = "view") -> Call:
    """``apply``: anyone holding the public form's address; ``view``: reviewers (404 for
    others); ``manage``: staff (403 for other reviewers)."""
    if to == "apply":
        return get_object_or_404(Call, code=code)
    call = get_object_or_404(Call.objects.visible_to(user), code=code)
    if to == "manage" and not user.has_perm("mentoring.manage"):
        raise PermissionDenied
    return call


def get_application_for(user, code, *, to: str = "review") -> Application:
    """Reviewers open an application and its files, unless they declared a conflict of
    interest on it: then, for them, it is gone (404), files included."""
    if to != "review":
        raise ValueError(to)
    return get_object_or_404(
        Application.objects.visible_to(user).without_conflict_of(user).select_related("call"),
        code=code,
    )


def get_mentorship_for(user, code, *, to: str = "view") -> Mentorship:
    """The pair and staff see a mentorship, log sessions and record assessments; for
    anyone else it does not exist."""
    mentorship = get_object_or_404(
        Mentorship.objects.visible_to(user).select_related("mentor", "mentee"), code=code
    )
    if not user.has_perm("mentoring.see_mentorship", mentorship):
        raise Http404
    if to == "assess" and not assessors_for(user, mentorship):
        raise PermissionDenied
    if to == "plan" and not user.has_perm("mentoring.keep_plan", mentorship):
        raise PermissionDenied
    if to == "manage" and not user.has_perm("mentoring.manage"):
        raise PermissionDenied
    return mentorship


def get_milestone_for(user, code, *, to: str = "plan") -> Milestone:
    """A milestone of a mentorship ``user`` may see (404 otherwise); changing it is for
    staff and the pair's mentor (403 for the mentee)."""
    if to != "plan":
        raise ValueError(to)
    milestone = get_object_or_404(
        Milestone.objects.filter(
            mentorship__in=Mentorship.objects.visible_to(user).values("pk")
        ).select_related("mentorship__mentor", "mentorship__mentee", "paper"),
        code=code,
    )
    if not user.has_perm("mentoring.keep_plan", milestone.mentorship):
        raise PermissionDenied
    return milestone


def get_testimonial_for(user, code, *, to: str = "manage") -> Testimonial:
    """Testimonials are kept by staff; for anyone else they do not exist here."""
    if to != "manage":
        raise ValueError(to)
    if not user.has_perm("mentoring.manage"):
        raise Http404
    return get_object_or_404(Testimonial.objects.select_related("person"), code=code)


def assessors_for(user, mentorship) -> list[str]:
    """Whose assessment ``user`` may record: the mentee their self-assessment, the
    mentor the mentor's assessment, staff either (and must say which)."""
    if not user.is_authenticated:
        return []
    if mentorship.mentee.user_id == user.pk:
        return [Assessor.SELF]
    if mentorship.mentor.user_id == user.pk:
        return [Assessor.MENTOR]
    if is_staff(user):
        return [Assessor.SELF, Assessor.MENTOR]
    return []


class InvalidLink(Http404):
    """The link is not one the platform signed, has expired or was used already."""


def replacement_token(pending: PendingApplication) -> str:
    return signing.TimestampSigner(salt=REPLACEMENT_SALT).sign(str(pending.code))


def get_replacement_for(token: str) -> PendingApplication:
    """The replacement a mailed link confirms. Holding the link (sent only to the
    address that applied first) is the proof of owning that address."""
    try:
        code = signing.TimestampSigner(salt=REPLACEMENT_SALT).unsign(
            token, max_age=REPLACEMENT_HOURS * 3600
        )
    except signing.BadSignature:  # SignatureExpired is one too
        raise InvalidLink from None
    pending = (
        PendingApplication.objects.select_related("application__call")
        .prefetch_related("themes")
        .filter(code=code)
        .first()
    )
    if pending is None:
        raise InvalidLink
    return pending


def own_review(user, application) -> Review | None:
    """``user``'s own review of ``application`` (reached through
    ``get_application_for``), if they wrote one."""
    return Review.objects.filter(application=application, reviewer=user).first()
