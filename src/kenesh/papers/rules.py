"""Who may see or do what with papers. The workflow's moves each name who may make them,
and ``check_move`` says whether a move may happen now, and if not, why."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

import rules
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kenesh.access.predicates import is_authenticated, is_member, is_mentor, is_staff
from kenesh.core.text import is_visible
from kenesh.papers.models import (
    InvalidTransition,
    PaperReview,
    PolicyPaper,
    ReviewKind,
    Status,
    Visibility,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise  # in django-stubs only


@rules.predicate
def is_author(user, paper) -> bool:
    return user.is_authenticated and any(
        a.person.user_id == user.pk for a in paper.authorships.all()
    )


@rules.predicate
def is_reviewer(user, paper) -> bool:
    return user.is_authenticated and any(r.reviewer_id == user.pk for r in paper.reviews.all())


@rules.predicate
def is_editable(user, paper) -> bool:
    return paper.status in {Status.DRAFT, Status.REVISIONS}


can_edit = (is_staff | is_author) & is_editable

# The paper's workings (every version and the differences between them, reviews, the
# workflow's history) belong to the people making it; other readers get the published text.
sees_workings = is_staff | is_author | is_reviewer

# Move -> who may make it. The state machine (models.TRANSITIONS) says when.
MOVES = {
    "submit": (Status.SUBMITTED, is_staff | is_author),
    "withdraw": (Status.DRAFT, is_staff | is_author),
    "start_review": (Status.IN_REVIEW, is_staff),
    "request_revisions": (Status.REVISIONS, is_staff),
    "approve": (Status.APPROVED, is_staff),
    "publish": (Status.PUBLISHED, is_staff),
}

MOVE_LABELS = {
    "submit": gettext_lazy("Submit for review"),
    "withdraw": gettext_lazy("Take back to draft"),
    "start_review": gettext_lazy("Start the review"),
    "request_revisions": gettext_lazy("Request revisions"),
    "approve": gettext_lazy("Approve"),
    "publish": gettext_lazy("Publish"),
}

rules.add_perm("papers.view_papers", is_authenticated)
rules.add_perm("papers.add_paper", is_staff | is_member)
rules.add_perm("papers.edit_paper", can_edit)
rules.add_perm("papers.review_paper", is_reviewer)
rules.add_perm("papers.see_workings", sees_workings)
rules.add_perm("papers.manage", is_staff)
for model in ("policypaper", "authorship", "paperversion", "paperreview", "paperevent"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"papers.{action}_{model}", is_staff)


def may_move(user, paper, move: str) -> bool:
    """Whether ``user``'s part in the paper lets them make ``move`` at all."""
    _status, predicate = MOVES[move]
    return bool(predicate.test(user, paper))


@dataclass(frozen=True)
class MoveCheck:
    """The answer to "may this move happen now, and if not, why".

    ``refusal`` is "" when the move may happen; "role" when the user may never make it
    on this paper; "state" when the workflow does not lead there from the paper's status;
    "not_ready" when it does, but the paper lacks what the step needs (``reason`` says
    what to do first).
    """

    move: str
    target: str
    refusal: str
    reason: "str | _StrPromise"  # a refusal's reason may be a lazy translation

    @property
    def allowed(self) -> bool:
        return not self.refusal

    @property
    def label(self) -> str:
        return str(MOVE_LABELS[self.move])


def _not_ready(paper: PolicyPaper, target: str) -> str:
    """What the paper lacks before it may move to ``target``; "" when nothing."""
    if target == Status.SUBMITTED:
        latest = paper.versions.order_by("-number").values("body", "file").first()
        if latest is None or not (is_visible(latest["body"]) or latest["file"]):
            return _("The draft has no text yet: write it or attach a file first.")
    if target == Status.IN_REVIEW:
        kinds = {review.kind for review in paper.reviews.all()}
        if kinds != {ReviewKind.MENTOR, ReviewKind.PEER}:
            return _("Assign a mentor and a peer reviewer first.")
    if target == Status.APPROVED and any(r.submitted_at is None for r in paper.reviews.all()):
        return _("Every assigned reviewer must submit a review first.")
    return ""


def check_move(user, paper: PolicyPaper, move: str) -> MoveCheck:
    """May ``user`` make ``move`` on ``paper`` now, and if not, why. The paper page offers
    only the moves this allows, and ``services.move`` refuses the others with its reason."""
    target, predicate = MOVES[move]
    if not predicate.test(user, paper):
        return MoveCheck(move, target, "role", _("Your role cannot take this step."))
    if not paper.can_move_to(target):
        return MoveCheck(move, target, "state", InvalidTransition(paper.status, target).message)
    reason = _not_ready(paper, target)
    return MoveCheck(move, target, "not_ready" if reason else "", reason)


def reviewer_refusal(paper: PolicyPaper, person, kind: str) -> str:
    """Why ``person`` cannot review ``paper`` as ``kind``; "" when they can. The reviewers'
    form shows it beside the name and ``services.assign_reviewers`` refuses with it."""
    name = person.name
    for authorship in paper.authorships.all():
        if authorship.person_id == person.pk:
            return _(
                "%(name)s is an author of this paper (%(role)s), so cannot review it: "
                "choose someone else."
            ) % {"name": name, "role": authorship.get_role_display().lower()}
    user = person.user if person.user_id else None
    if user is None:
        return _(
            "%(name)s has no account on the platform yet, so could not open the paper to "
            "review it. Invite them first: an administrator creates their account and links "
            "it to their profile; then assign them here."
        ) % {"name": name}
    if not user.is_active:
        return _("%(name)s's account is switched off; an administrator can switch it on again.") % {
            "name": name
        }
    if not is_member(user):
        return _("%(name)s signs in as an observer, and observers do not review papers.") % {
            "name": name
        }
    if kind == ReviewKind.MENTOR and not (person.can_mentor or is_mentor(user) or is_staff(user)):
        return _(
            "%(name)s is not a mentor: the mentor review is written by a mentor or by "
            "programme staff."
        ) % {"name": name}
    return ""


def get_paper_for(user, code, *, to: str = "view") -> PolicyPaper:
    """404 where the user may not know the paper; 403 where they may not ``to``."""
    paper = get_object_or_404(
        PolicyPaper.objects.visible_to(user).prefetch_related(
            "authorships__person", "reviews__reviewer", "themes"
        ),
        code=code,
    )
    if to == "edit" and not user.has_perm("papers.edit_paper", paper):
        raise PermissionDenied
    if to == "review" and not user.has_perm("papers.review_paper", paper):
        raise PermissionDenied
    return paper


def get_own_review_for(user, paper, kind) -> PaperReview:
    """The review of ``paper`` (reached through ``get_paper_for(..., to="review")``)
    assigned to ``user`` as ``kind``; 404 for a kind they were not asked for."""
    return get_object_or_404(PaperReview, paper=paper, reviewer=user, kind=kind)


def get_public_paper(code) -> PolicyPaper:
    """A published public paper, for anyone, signed in or not; 404 for any other."""
    return get_object_or_404(
        PolicyPaper.objects.prefetch_related("authorships__person"),
        code=code,
        status=Status.PUBLISHED,
        visibility=Visibility.PUBLIC,
    )
