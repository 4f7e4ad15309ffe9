"""Writes to papers: atomic, with the actor, audited, and the workflow notified by email."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kenesh.core.audit import log_action
from kenesh.papers.models import (
    Authorship,
    PaperEvent,
    PaperReview,
    PaperVersion,
    PolicyPaper,
    ReviewKind,
    Status,
)
from kenesh.papers.rules import MOVES, may_move


class EditConflict(Exception):
    """Someone saved a newer version since this editor opened the draft."""

    def __init__(self, latest: PaperVersion, mine: str):
        super().__init__("edit conflict")
        self.latest = latest
        self.mine = mine


@transaction.atomic
def create_paper(*, by, authors: list[tuple], themes=(), convenings=(), body: str = "", **fields):
    """Start a paper with its authors [(person, role)] and a first version."""
    paper = PolicyPaper(created_by=by, **fields)
    paper.full_clean()
    paper.save()
    paper.themes.set(themes)
    paper.convenings.set(convenings)
    Authorship.objects.bulk_create(
        Authorship(paper=paper, person=person, role=role, order=i)
        for i, (person, role) in enumerate(authors)
    )
    PaperVersion.objects.create(
        paper=paper, number=1, body=body, created_by=by, note=_("First draft")
    )
    log_action(paper, "papers.paper.created", by=by)
    return paper


@transaction.atomic
def save_version(*, paper: PolicyPaper, body: str, base: int, by, note: str = "", upload=None):
    """Save a new version on top of version ``base``. If someone saved after ``base``,
    nothing is written and EditConflict carries both texts, so nothing is lost."""
    paper = PolicyPaper.objects.select_for_update().get(pk=paper.pk)
    if paper.status not in {Status.DRAFT, Status.REVISIONS}:
        raise ValidationError(_("Only a draft or a paper sent back for revisions can be edited."))
    latest = paper.versions.order_by("-number").first()
    if latest is not None and latest.number != base:
        raise EditConflict(latest, body)
    version = PaperVersion(
        paper=paper,
        number=(latest.number if latest else 0) + 1,
        body=body,
        note=note,
        created_by=by,
    )
    if upload is not None:
        version.filename = upload.name[:200]
        version.file.save(upload.name, upload, save=False)
    version.save()
    log_action(paper, "papers.version.saved", by=by, data={"version": version.number})
    return version


def _notify(paper: PolicyPaper, subject: str, message: str) -> None:
    people = [a.person for a in paper.authorships.select_related("person__user")]
    emails = {p.user.email for p in people if p.user_id and p.user.email}
    emails |= {p.email for p in people if p.email}
    emails |= {
        r.reviewer.email for r in paper.reviews.select_related("reviewer") if r.reviewer.email
    }
    if emails:
        send_mass_mail(
            [(subject, message, settings.DEFAULT_FROM_EMAIL, [email]) for email in sorted(emails)],
            fail_silently=True,
        )


@transaction.atomic
def move(*, paper: PolicyPaper, action: str, by, note: str = "") -> PolicyPaper:
    """Move a paper along the workflow. Raises PermissionDenied for the wrong person
    and InvalidTransition (a ValidationError) from the wrong state."""
    if action not in MOVES:
        raise ValidationError(_("Unknown step."))
    if not may_move(by, paper, action):
        raise PermissionDenied(_("Your role cannot take this step."))
    paper = PolicyPaper.objects.select_for_update().get(pk=paper.pk)
    target, _who = MOVES[action]
    before = paper.status
    paper.move_to(target)
    if target == Status.IN_REVIEW:
        kinds = set(paper.reviews.values_list("kind", flat=True))
        if kinds != {ReviewKind.MENTOR, ReviewKind.PEER}:
            raise ValidationError(_("Assign a mentor and a peer reviewer first."))
    if target == Status.APPROVED and paper.reviews.filter(submitted_at__isnull=True).exists():
        raise ValidationError(_("Every assigned reviewer must submit a review first."))
    now = timezone.now()
    if target == Status.SUBMITTED:
        paper.submitted_at = now
    if target == Status.PUBLISHED:
        paper.published_at = now
    paper.save(update_fields=["status", "submitted_at", "published_at"])
    PaperEvent.objects.create(paper=paper, from_status=before, to_status=target, by=by, note=note)
    log_action(paper, f"papers.paper.{action}", by=by, data={"from": before, "to": target})
    subject = _("Kenesh: “%(title)s” is now %(status)s") % {
        "title": paper.title,
        "status": Status(target).label.lower(),
    }
    transaction.on_commit(lambda: _notify(paper, subject, note or subject))
    return paper


@transaction.atomic
def assign_reviewers(*, paper: PolicyPaper, mentor, peer, by) -> list[PaperReview]:
    """Name the mentor and the peer reviewer; neither may be an author."""
    authors = set(paper.authorships.values_list("person__user_id", flat=True))
    if mentor == peer:
        raise ValidationError(_("The mentor and the peer reviewer must be two people."))
    if mentor.pk in authors or peer.pk in authors:
        raise ValidationError(_("An author cannot review their own paper."))
    reviews = []
    for user, kind in ((mentor, ReviewKind.MENTOR), (peer, ReviewKind.PEER)):
        paper.reviews.filter(kind=kind, submitted_at__isnull=True).exclude(reviewer=user).delete()
        review, _created = PaperReview.objects.get_or_create(paper=paper, reviewer=user, kind=kind)
        reviews.append(review)
    log_action(
        paper, "papers.reviewers.assigned", by=by, data={"mentor": mentor.pk, "peer": peer.pk}
    )
    return reviews


@transaction.atomic
def submit_review(*, review: PaperReview, verdict: str, comments: str, by) -> PaperReview:
    if review.reviewer_id != by.pk:
        raise PermissionDenied(_("Only the assigned reviewer can submit this review."))
    if review.paper.status != Status.IN_REVIEW:
        raise ValidationError(_("This paper is not in review."))
    review.verdict, review.comments = verdict, comments
    review.version = review.paper.versions.order_by("-number").first()
    review.submitted_at = timezone.now()
    review.full_clean()
    review.save()
    log_action(review.paper, "papers.review.submitted", by=by, data={"verdict": verdict})
    return review
