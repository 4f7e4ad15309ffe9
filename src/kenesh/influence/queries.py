"""Reads for the influence pages: the funnel and each recommendation's trail."""

from collections import Counter, defaultdict

from django.db.models import Count, Prefetch
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kenesh.convenings.models import Convening
from kenesh.influence.models import Outcome, Progress, Recommendation
from kenesh.papers.models import PolicyPaper, Status
from kenesh.people.models import Country

STEPS = [Progress.PROPOSED, Progress.PROMOTED, Progress.TAKEN_UP, Progress.IMPLEMENTED]
RANK = {step: i for i, step in enumerate(STEPS)}


def funnel(user) -> dict:
    """Papers -> recommendations -> promoted -> taken up -> implemented, overall and by
    theme and country, in a fixed handful of queries."""
    papers = PolicyPaper.objects.visible_to(user).filter(status=Status.PUBLISHED).count()
    rows = list(
        Recommendation.objects.visible_to(user)
        .with_progress()
        .values("pk", "progress", "countries", "theme__name", "theme__name_ru")
    )
    russian = (get_language() or "").startswith("ru")
    reached = Counter()
    by_theme: dict = defaultdict(Counter)
    by_country: dict = defaultdict(Counter)
    for row in rows:
        rank = RANK[row["progress"]]
        theme = (
            (row["theme__name_ru"] if russian else row["theme__name"]) or row["theme__name"] or "—"
        )
        for step in STEPS[: rank + 1]:
            reached[step] += 1
            by_theme[theme][step] += 1
            for country in row["countries"] or ["—"]:
                by_country[country][step] += 1
    labels = dict(Country.choices)
    return {
        "papers": papers,
        "recommendations": len(rows),
        "reached": [(Progress(s).label, reached[s]) for s in STEPS],
        "by_theme": sorted(
            ((t, [c[s] for s in STEPS]) for t, c in by_theme.items()), key=lambda row: -row[1][0]
        ),
        "by_country": sorted(
            ((labels.get(k, k), [c[s] for s in STEPS]) for k, c in by_country.items()),
            key=lambda row: -row[1][0],
        ),
        "chart": {
            "labels": [_("Papers"), *[str(Progress(s).label) for s in STEPS]],
            "data": [papers, *[reached[s] for s in STEPS]],
        },
    }


def recommendations(user, *, progress: str | None = None):
    qs = (
        Recommendation.objects.visible_to(user)
        .with_progress()
        .select_related("paper", "theme")
        .annotate(briefings=Count("presentations", distinct=True))
        .order_by("paper__title", "order")
    )
    if progress in Progress.values:
        qs = qs.filter(progress=progress)
    return qs


def trail(user, recommendation):
    """Presentations at briefings the user may know of, and the outcomes."""
    visible = Convening.objects.visible_to(user)
    presentations = (
        recommendation.presentations.filter(briefing__in=visible)
        .select_related("briefing")
        .order_by("briefing__starts_on")
    )
    outcomes = recommendation.outcomes.order_by("when")
    return presentations, outcomes


def outcomes():
    return Outcome.objects.prefetch_related(
        Prefetch("recommendations", queryset=Recommendation.objects.select_related("paper"))
    )
