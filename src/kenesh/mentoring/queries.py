"""Reads shaped for mentoring's pages: standings of a call, the optimiser's proposal,
and the pairing plan."""

import hashlib
from collections import Counter
from dataclasses import dataclass

from kenesh.mentoring import matching, scoring, selection
from kenesh.mentoring.models import (
    Application,
    ApplicationStatus,
    Mentorship,
    Review,
)
from kenesh.people.models import Person


def ranking(call) -> list[scoring.Ranked]:
    """Every scored application of ``call``, normalised per reviewer, best first,
    however many reviews each has (see ``standings`` for who may be chosen)."""
    rows = Review.objects.filter(application__call=call, conflict=False).values_list(
        "reviewer_id", "application_id", "scores"
    )
    return scoring.normalise(list(rows), call.weights())


@dataclass(frozen=True)
class Standing:
    """Where one application stands: its normalised score once it has enough reviews."""

    application: Application
    ranked: scoring.Ranked | None
    reviews: int
    needed: int

    @property
    def awaiting(self) -> bool:
        return self.reviews < self.needed


@dataclass(frozen=True)
class Standings:
    candidates: list  # Standing, best first: enough reviews to be chosen
    awaiting: list  # Standing, fewest reviews first: not yet candidates

    def candidate_pks(self) -> set:
        return {s.application.pk for s in self.candidates}


def standings(call, applications=None) -> Standings:
    """The call's applications split into candidates (at least ``call.min_reviews``
    reviews, ranked) and those still awaiting reviews."""
    if applications is None:
        applications = list(call.applications.all())
    ranked = {r.application: r for r in ranking(call)}
    candidates: list[Standing] = []
    awaiting: list[Standing] = []
    for application in applications:
        r = ranked.get(application.pk)
        standing = Standing(application, r, r.reviews if r else 0, call.min_reviews)
        (awaiting if standing.awaiting else candidates).append(standing)
    order = {pk: i for i, pk in enumerate(ranked)}
    candidates.sort(key=lambda s: order[s.application.pk])
    awaiting.sort(key=lambda s: (s.reviews, s.application.name))
    return Standings(candidates, awaiting)


def propose(
    call, quotas: list[selection.Quota], standing: Standings | None = None
) -> tuple[selection.Selection, Standings]:
    """The optimiser's cohort for ``call`` under ``quotas``, among the applications that
    have the reviews the call asks for."""
    standing = standing or standings(call)
    candidates = [
        selection.Candidate(
            s.application.pk,
            s.ranked.score,
            {
                "country": s.application.country,
                "gender": s.application.gender,
                "sector": s.application.sector,
            },
        )
        for s in standing.candidates
    ]
    return selection.select_cohort(candidates, call.cohort_size, quotas), standing


def selected_mentees(call) -> list[Person]:
    """The young experts selected in ``call`` who are on the roster."""
    return [
        a.person
        for a in call.applications.filter(
            status=ApplicationStatus.SELECTED, person__isnull=False
        ).select_related("person")
    ]


def mentors() -> list[Person]:
    return list(Person.objects.filter(can_mentor=True))


@dataclass(frozen=True)
class ProposedPair:
    mentee: Person
    mentor: Person
    fit: float


@dataclass(frozen=True)
class PairPlan:
    """Pairs the matching proposes for those without a mentor, within the places left."""

    pairs: tuple  # ProposedPair, by mentee name
    unmatched: tuple  # Person: no mentor with a shared language has a place left
    already_paired: tuple  # Person: they keep the mentor they have
    offers: tuple  # (mentor Person, places left in this call), mentors with a place left

    @property
    def places(self) -> int:
        return sum(places for _mentor, places in self.offers)

    @property
    def fingerprint(self) -> str:
        """Names this exact proposal, so a confirmation writes what was shown or nothing."""
        text = "\n".join(sorted(f"{p.mentee.code}:{p.mentor.code}" for p in self.pairs))
        return hashlib.sha256(text.encode()).hexdigest()


def plan_pairs(*, call, mentees, mentors, weights=None) -> PairPlan:
    """Propose mentors for the ``mentees`` who have none yet. ``mentors`` are (person,
    capacity) pairs; a mentor's mentees in this call already use up their places, so a
    mentor with 1 of 2 places taken offers 1."""
    mentee_pks = [p.pk for p in mentees]
    paired = set(
        Mentorship.objects.filter(mentee__in=mentee_pks).values_list("mentee_id", flat=True)
    )
    taken = Counter(Mentorship.objects.filter(call=call).values_list("mentor_id", flat=True))
    offers = {m.pk: capacity - taken[m.pk] for m, capacity in mentors}
    offers = {pk: places for pk, places in offers.items() if places > 0}
    people = {
        p.pk: p
        for p in Person.objects.filter(pk__in=[*mentee_pks, *offers]).prefetch_related(
            "languages", "themes"
        )
    }

    def profile(person: Person) -> tuple[frozenset[str], frozenset[object]]:
        return (
            frozenset(language.code for language in person.languages.all()),
            frozenset(theme.pk for theme in person.themes.all()),
        )

    open_mentees = [people[pk] for pk in mentee_pks if pk not in paired and pk in people]
    result = matching.match(
        [matching.Mentee(p.pk, *profile(p), p.country) for p in open_mentees],
        [
            matching.Mentor(pk, *profile(people[pk]), people[pk].country, places)
            for pk, places in offers.items()
        ],
        weights or matching.Weights(),
    )
    pairs = sorted(
        (
            ProposedPair(people[mentee], people[mentor], result.fit.get(mentee, 0.0))
            for mentee, mentor in result.pairs.items()
        ),
        key=lambda p: (p.mentee.name, p.mentee.pk),
    )
    return PairPlan(
        pairs=tuple(pairs),
        unmatched=tuple(people[pk] for pk in result.unmatched),
        already_paired=tuple(p for p in mentees if p.pk in paired),
        offers=tuple((people[pk], places) for pk, places in offers.items()),
    )
