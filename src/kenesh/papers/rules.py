"""Who may see or do what with papers. The workflow's moves each name who may make them."""

import rules
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from kenesh.access.predicates import is_authenticated, is_member, is_staff
from kenesh.papers.models import PolicyPaper, Status


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

# Move -> who may make it. The state machine (models.TRANSITIONS) says when.
MOVES = {
    "submit": (Status.SUBMITTED, is_staff | is_author),
    "withdraw": (Status.DRAFT, is_staff | is_author),
    "start_review": (Status.IN_REVIEW, is_staff),
    "request_revisions": (Status.REVISIONS, is_staff),
    "approve": (Status.APPROVED, is_staff),
    "publish": (Status.PUBLISHED, is_staff),
}

rules.add_perm("papers.view_papers", is_authenticated)
rules.add_perm("papers.add_paper", is_staff | is_member)
rules.add_perm("papers.edit_paper", can_edit)
rules.add_perm("papers.review_paper", is_reviewer)
rules.add_perm("papers.manage", is_staff)
for model in ("policypaper", "authorship", "paperversion", "paperreview", "paperevent"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"papers.{action}_{model}", is_staff)


def may_move(user, paper, move: str) -> bool:
    _status, predicate = MOVES[move]
    return bool(predicate.test(user, paper))


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
