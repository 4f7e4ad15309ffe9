"""Reads for the influence pages: the funnel, each recommendation's trail, outcomes.

Every read takes the reader: what they may not know of is neither listed nor counted."""

from collections import Counter, defaultdict

from django.db.models import Count, Prefetch
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from kenesh.convenings.models import Convening, Kind
from kenesh.influence.models import FUNNEL_CAPTIONS, Outcome, Progress, Recommendation
from kenesh.papers.models import PolicyPaper, Status, Visibility
from kenesh.papers.printing import PrintedRecommendation
from kenesh.people.models import Country

STEPS = [Progress.PROPOSED, Progress.PROMOTED, Progress.TAKEN_UP, Progress.IMPLEMENTED]
RANK = {step: i for i, step in enumerate(STEPS)}


def funnel(user) -> dict:
    """Papers -> recommendations -> promoted -> taken up -> implemented, overall and by
    theme and country, in a fixed handful of queries, from what ``user`` may see."""
    papers = PolicyPaper.objects.visible_to(user).filter(status=Status.PUBLISHED).count()
    rows = list(
        Recommendation.objects.visible_to(user)
        .with_progress(user)
        .values("pk", "progress", "countries", "theme__name", "theme__name_ru")
    )
    russian = (get_language() or "").startswith("ru")
    reached: Counter[str] = Counter()
    by_theme: dict = defaultdict(Counter)
    by_country: dict = defaultdict(Counter)
    no_theme = pgettext("recommendations by theme", "No theme")
    no_country = pgettext("recommendations by country", "No country named")
    for row in rows:
        rank = RANK[row["progress"]]
        theme = (
            (row["theme__name_ru"] if russian else row["theme__name"])
            or row["theme__name"]
            or no_theme
        )
        for step in STEPS[: rank + 1]:
            reached[step] += 1
            by_theme[theme][step] += 1
            for country in row["countries"] or [no_country]:
                by_country[country][step] += 1
    labels = dict(Country.choices)
    return {
        "papers": papers,
        "recommendations": len(rows),
        "reached": [(FUNNEL_CAPTIONS[s], reached[s]) for s in STEPS],
        "captions": [FUNNEL_CAPTIONS[s] for s in STEPS],
        "by_theme": sorted(
            ((t, [c[s] for s in STEPS]) for t, c in by_theme.items()), key=lambda row: -row[1][0]
        ),
        "by_country": sorted(
            ((labels.get(k, k), [c[s] for s in STEPS]) for k, c in by_country.items()),
            key=lambda row: -row[1][0],
        ),
        "chart": {
            "labels": [_("Papers"), *[str(FUNNEL_CAPTIONS[s]) for s in STEPS]],
            "data": [papers, *[reached[s] for s in STEPS]],
        },
    }


def recommendations(user, *, progress: str | None = None):
    """The recommendations ``user`` may see, each with its status from the evidence they
    may see and the number of briefings it was presented at."""
    qs = (
        Recommendation.objects.visible_to(user)
        .with_progress(user)
        .select_related("paper", "theme")
        .order_by("paper__title", "order", "pk")
    )
    if progress in Progress.values:
        qs = qs.filter(progress=progress)
    return qs


def recommendation_for(user, code):
    """One recommendation ``user`` may see, for its trail (None if there is none)."""
    return (
        Recommendation.objects.visible_to(user)
        .with_progress(user)
        .select_related("paper", "theme", "statement__conversation")
        .filter(code=code)
        .first()
    )


def trail(user, recommendation):
    """Presentations at briefings the user may know of, and the outcomes they may see."""
    visible = Convening.objects.visible_to(user).values("pk")
    presentations = (
        recommendation.presentations.filter(briefing__in=visible)
        .select_related("briefing")
        .order_by("briefing__starts_on")
    )
    outcomes = Outcome.objects.visible_to(user).filter(recommendations=recommendation)
    return presentations, outcomes.order_by("when", "pk")


def outcomes(user):
    """The outcomes ``user`` may see, newest first, each with the recommendations it took
    up that the user may see."""
    return (
        Outcome.objects.visible_to(user)
        .order_by("-when", "-pk")
        .prefetch_related(
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.visible_to(user).select_related("paper"),
            )
        )
    )


def briefings(user):
    """Briefings ``user`` may know of, newest first, with how many recommendations were
    presented at each."""
    return (
        Convening.objects.filter(pk__in=Convening.objects.visible_to(user).values("pk"))
        .filter(kind=Kind.BRIEFING)
        .annotate(presented=Count("presentations"))
        .order_by("-starts_on", "-pk")
    )


def presented_at(briefing, user):
    """What was presented at ``briefing``, as far as ``user`` may see the recommendations:
    a recommendation of an unpublished paper stays with those who may see the paper."""
    return (
        briefing.presentations.filter(
            recommendation__in=Recommendation.objects.visible_to(user).values("pk")
        )
        .select_related("recommendation__paper")
        .order_by("pk")
    )


def paper_recommendations(paper, user):
    """A paper's recommendations, in their order, with their status."""
    return paper.recommendations.with_progress(user).select_related("theme").order_by("order", "pk")


def printed_recommendations(paper, viewer):
    """``paper``'s recommendations as its printed text and public page list them: those
    ``viewer`` may know of (None: the public, who know a published public paper's), in
    their order, labelled in the active language. Registered with papers.printing."""
    if viewer is None:
        shown = Recommendation.objects.filter(
            paper__status=Status.PUBLISHED, paper__visibility=Visibility.PUBLIC
        )
    else:
        shown = Recommendation.objects.visible_to(viewer)
    return [
        PrintedRecommendation(
            text=r.text,
            addressee=r.addressee,
            priority=r.get_priority_display(),
            timeframe=r.get_timeframe_display(),
        )
        for r in shown.filter(paper=paper).order_by("order", "pk")
    ]
