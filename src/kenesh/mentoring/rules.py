"""Who may see or do what in mentoring. Session notes stay with the pair and staff."""

import rules
from django.http import Http404
from django.shortcuts import get_object_or_404

from kenesh.access.predicates import is_member, is_mentor, is_staff
from kenesh.mentoring.models import Mentorship


@rules.predicate
def in_the_pair(user, mentorship) -> bool:
    return user.is_authenticated and user.pk in {
        mentorship.mentor.user_id,
        mentorship.mentee.user_id,
    }


can_review = is_staff | is_mentor
rules.add_perm("mentoring.view_mentoring", is_member)
rules.add_perm("mentoring.review", can_review)
rules.add_perm("mentoring.manage", is_staff)
rules.add_perm("mentoring.see_mentorship", is_staff | in_the_pair)
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


def get_mentorship_for(user, code) -> Mentorship:
    """The pair and staff see a mentorship; for anyone else it does not exist."""
    mentorship = get_object_or_404(Mentorship.objects.select_related("mentor", "mentee"), code=code)
    if not user.has_perm("mentoring.see_mentorship", mentorship):
        raise Http404
    return mentorship
