"""Reads for the papers pages, each loading what its page shows."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from kenesh.access.models import User
from kenesh.papers.models import PolicyPaper, Status


def paper_list(user: User | AnonymousUser, *, status: str | None = None) -> QuerySet[PolicyPaper]:
    """The papers ``user`` may know of, newest first, with their authors and themes; the
    page lists one slice of it at a time."""
    papers = (
        PolicyPaper.objects.visible_to(user)
        .prefetch_related("authorships__person", "themes")
        .order_by("-created_at", "-pk")
    )
    if status in Status.values:
        papers = papers.filter(status=status)
    return papers


def paper_page(paper: PolicyPaper, *, workings: bool) -> dict:
    """What the paper's page shows beside its text: every version, review and workflow
    step for those who make the paper (``workings``); nothing of them for other readers."""
    if not workings:
        return {"versions": [], "reviews": [], "events": []}
    return {
        "versions": paper.versions.select_related("created_by__person"),
        "reviews": paper.reviews.select_related("reviewer__person"),
        "events": paper.events.select_related("by__person"),
    }
