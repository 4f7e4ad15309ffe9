"""The papers' part of a digest: papers waiting for the reader's review."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kenesh.access.predicates import is_member, is_staff
from kenesh.notifications.digests import Line, Part
from kenesh.papers.models import PaperReview, ReviewKind, Status

REVIEW_DUE = {
    ReviewKind.MENTOR: _("“%(title)s” waits for your mentor review."),
    ReviewKind.PEER: _("“%(title)s” waits for your peer review."),
}


def build(users, since, until) -> dict[int, list[Line]]:
    """Reviews assigned to each of ``users``, not submitted, of papers in review (the only
    state in which a review can be submitted), oldest paper first: one query."""
    # Only staff and members review; a paper under review is visible to its reviewers.
    readers = [u.pk for u in users if is_staff(u) or is_member(u)]
    lines: dict[int, list[Line]] = {}
    if not readers:
        return lines
    due = (
        PaperReview.objects.filter(
            reviewer__in=readers, submitted_at__isnull=True, paper__status=Status.IN_REVIEW
        )
        .order_by("paper__submitted_at", "paper_id", "kind")
        .values_list("reviewer_id", "kind", "paper__title", "paper__code")
    )
    for reviewer_id, kind, title, code in due:
        url = reverse("papers:paper-review", kwargs={"code": code}) + f"?kind={kind}"
        lines.setdefault(reviewer_id, []).append(
            Line(REVIEW_DUE.get(kind, REVIEW_DUE[ReviewKind.PEER]), {"title": title}, url)
        )
    return lines


PART = Part(name="papers.reviews", title=_("Papers waiting for your review"), build=build, order=10)
