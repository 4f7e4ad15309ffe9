"""Writes to papers: atomic, with the actor, audited, and the workflow notified by email."""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kenesh.access.models import User
from kenesh.access.predicates import is_staff
from kenesh.core.audit import log_action
from kenesh.core.uploads import store_upload
from kenesh.notifications import services as notify
from kenesh.notifications.models import Kind
from kenesh.papers.models import (
    Authorship,
    PaperEvent,
    PaperReview,
    PaperVersion,
    PolicyPaper,
    ReviewKind,
    Status,
)
from kenesh.papers.rules import MOVES, check_move, may_move, reviewer_refusal
from kenesh.people.models import Person


class EditConflict(Exception):
    """Someone saved a newer version since this editor opened the draft."""

    def __init__(self, latest: PaperVersion, mine: str):
        super().__init__("edit conflict")
        self.latest = latest
        self.mine = mine


@transaction.atomic
def create_paper(*, by, authors: list[tuple], themes=(), convenings=(), body: str = "", **fields):
    """Start a paper with its authors [(person, role)] and a first version. Someone who
    is not staff starts only a paper they write themselves."""
    people = [person for person, _role in authors]
    errors: dict[str, list[Any]] = {}  # messages, and full_clean's ValidationErrors
    if len(people) != len({person.pk for person in people}):
        errors[NON_FIELD_ERRORS] = [_("Each person can hold only one authorship role.")]
    elif not is_staff(by) and not any(person.user_id == by.pk for person in people):
        errors[NON_FIELD_ERRORS] = [_("You must be one of the authors of a paper you start.")]
    paper = PolicyPaper(created_by=by, **fields)
    first = PaperVersion(number=1, body=body, created_by=by, note=_("First draft"))
    for instance, exclude in ((paper, None), (first, ["paper", "file", "filename"])):
        try:
            instance.full_clean(exclude=exclude)
        except ValidationError as error:
            errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)
    paper.save()
    paper.themes.set(themes)
    paper.convenings.set(convenings)
    Authorship.objects.bulk_create(
        Authorship(paper=paper, person=person, role=role, order=i)
        for i, (person, role) in enumerate(authors)
    )
    first.paper = paper
    first.save()
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
    version.full_clean(exclude=["file", "filename"])
    if upload is not None:
        version.filename = upload.name[:200]
        store_upload(version.file, upload.name, upload)
    version.save()
    log_action(paper, "papers.version.saved", by=by, data={"version": version.number})
    return version


def _notify(paper: PolicyPaper, *, status: str, note: str) -> None:
    """Tell the authors and reviewers that ``paper`` moved to ``status``, each in their
    own language, once per address."""
    people = [a.person for a in paper.authorships.select_related("person__user")]
    reviewers = [r.reviewer for r in paper.reviews.select_related("reviewer__person")]
    seen = set()
    link = reverse("papers:paper-detail", kwargs={"code": paper.code})
    recipients: list[Person | User] = [*people, *reviewers]
    for recipient in recipients:
        is_person = hasattr(recipient, "name_latin")
        address = notify.address_of(recipient) if is_person else recipient.email
        if not address or address in seen:
            continue
        seen.add(address)
        notify.send(
            to=recipient,
            kind=Kind.PAPER,
            template="papers/mail/paper_moved",
            context={"paper": paper, "status": Status(status).label, "note": note,
                     "link": notify.absolute(link)},
            url=link,
        )  # fmt: skip


@transaction.atomic
def move(*, paper: PolicyPaper, action: str, by, note: str = "") -> PolicyPaper:
    """Move a paper along the workflow. Raises PermissionDenied for the wrong person and
    ValidationError when the step cannot happen now (``rules.check_move`` says why)."""
    if action not in MOVES:
        raise ValidationError(_("Unknown step."), code="unknown")
    if not may_move(by, paper, action):
        raise PermissionDenied(_("Your role cannot take this step."))
    paper = PolicyPaper.objects.select_for_update().get(pk=paper.pk)
    check = check_move(by, paper, action)
    if check.refusal == "role":
        raise PermissionDenied(check.reason)
    if not check.allowed:
        raise ValidationError(check.reason, code=check.refusal)
    before, target = paper.status, check.target
    event = PaperEvent(paper=paper, from_status=before, to_status=target, by=by, note=note)
    event.full_clean(exclude=["paper", "by"])
    paper.move_to(target)
    now = timezone.now()
    if target == Status.SUBMITTED:
        paper.submitted_at = now
    if target == Status.PUBLISHED:
        paper.published_at = now
    paper.save(update_fields=["status", "submitted_at", "published_at"])
    event.save()
    log_action(paper, f"papers.paper.{action}", by=by, data={"from": before, "to": target})
    _notify(paper, status=target, note=note)
    return paper


def _invite_reviewer(paper: PolicyPaper, review: PaperReview, person, site: str) -> None:
    if not notify.address_of(person):
        return
    path = reverse("papers:paper-review", kwargs={"code": paper.code})
    link = f"{site.rstrip('/')}{path}?kind={review.kind}" if site else notify.absolute(path)
    notify.send(
        to=person,
        kind=Kind.REVIEW,
        template="papers/mail/review_request",
        context={"paper": paper, "review": review, "link": link},
        key=f"review-request:{paper.code}:{review.kind}:{person.code}",
        url=f"{path}?kind={review.kind}",
    )


@transaction.atomic
def assign_reviewers(*, paper: PolicyPaper, mentor, peer, by, site: str = "") -> list[PaperReview]:
    """Name the mentor and the peer reviewer (two people of the roster, with accounts,
    neither an author: ``rules.reviewer_refusal`` says why one is refused). A reviewer
    who was not assigned before is asked by e-mail; ``site`` begins the link in it."""
    paper = PolicyPaper.objects.select_for_update().prefetch_related("authorships").get(pk=paper.pk)
    if paper.status not in {Status.SUBMITTED, Status.IN_REVIEW}:
        raise ValidationError(_("Reviewers are assigned to a paper submitted or in review."))
    errors = {}
    chosen = (("mentor", mentor, ReviewKind.MENTOR), ("peer", peer, ReviewKind.PEER))
    for field, person, kind in chosen:
        reason = reviewer_refusal(paper, person, kind)
        if reason:
            errors[field] = reason
    if not errors and mentor.pk == peer.pk:
        errors["peer"] = _("The mentor and the peer reviewer must be two people.")
    if errors:
        raise ValidationError(errors)
    reviews = []
    for person, kind in ((mentor, ReviewKind.MENTOR), (peer, ReviewKind.PEER)):
        paper.reviews.filter(kind=kind, submitted_at__isnull=True).exclude(
            reviewer=person.user
        ).delete()
        review, created = PaperReview.objects.get_or_create(
            paper=paper, reviewer=person.user, kind=kind
        )
        if created:
            _invite_reviewer(paper, review, person, site)
        reviews.append(review)
    log_action(
        paper,
        "papers.reviewers.assigned",
        by=by,
        data={"mentor": str(mentor.code), "peer": str(peer.code)},
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
