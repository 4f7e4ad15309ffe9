"""Balanced cohort selection and mentor matching, checked against brute force."""

import itertools
import random

import pytest

from kenesh.mentoring.matching import Mentee, Mentor, Weights, match
from kenesh.mentoring.selection import Candidate, Quota, select_cohort

COUNTRIES = ["KZ", "KG", "TJ", "UZ"]


def pool(n, seed=0):
    rng = random.Random(seed)
    return [
        Candidate(
            i,
            round(rng.uniform(0, 100), 2),
            {
                "country": rng.choice(COUNTRIES),
                "gender": rng.choice(["female", "male"]),
                "sector": rng.choice(["academia", "civil_society", "media"]),
            },
        )
        for i in range(n)
    ]


def brute_force(candidates, size, quotas):
    best = None
    for combo in itertools.combinations(candidates, size):
        ok = all(
            q.minimum
            <= sum(c.attributes.get(q.attribute) == q.value for c in combo)
            <= (q.maximum if q.maximum is not None else size)
            for q in quotas
        )
        if ok:
            total = sum(c.score for c in combo)
            best = total if best is None or total > best else best
    return best


@pytest.mark.parametrize("seed", range(12))
def test_optimal_on_small_cases(seed):
    candidates = pool(14, seed)
    quotas = [Quota("country", c, 1, 2) for c in COUNTRIES] + [Quota("gender", "female", 3)]
    selection = select_cohort(candidates, 6, quotas)
    expected = brute_force(candidates, 6, quotas)
    if expected is None:
        assert selection.chosen == [] and selection.conflicts
    else:
        assert selection.objective == pytest.approx(expected)
        assert len(selection.chosen) == 6


def test_balance_is_kept_and_the_price_reported():
    candidates = pool(200, 3)
    quotas = [Quota("country", c, 2, 3) for c in COUNTRIES] + [Quota("gender", "female", 5)]
    selection = select_cohort(candidates, 10, quotas)
    chosen = [c for c in candidates if c.id in selection.chosen]
    for country in COUNTRIES:
        assert 2 <= sum(c.attributes["country"] == country for c in chosen) <= 3
    assert sum(c.attributes["gender"] == "female" for c in chosen) >= 5
    assert selection.objective <= selection.unconstrained_objective
    assert selection.given_up == pytest.approx(
        selection.unconstrained_objective - selection.objective
    )


def test_each_decision_is_explained():
    candidates = [Candidate(i, 100 - i, {"country": "KZ" if i < 8 else "TJ"}) for i in range(10)]
    selection = select_cohort(candidates, 4, [Quota("country", "TJ", minimum=1)])
    assert str(selection.reasons[0]) == "chosen on score"
    assert str(selection.reasons[8]) == "chosen for balance (country = TJ: at least 1)"
    assert str(selection.reasons[3]).startswith("passed over for balance")
    assert str(selection.reasons[9]) == "not among the highest scores"


def test_infeasible_quotas_are_named_not_failed():
    candidates = pool(30, 1)
    quotas = [Quota("country", "KZ", 4), Quota("country", "KG", 4), Quota("gender", "male", 0, 5)]
    selection = select_cohort(candidates, 6, quotas)
    assert selection.chosen == []
    assert "country = KZ: at least 4" in selection.conflicts
    assert "country = KG: at least 4" in selection.conflicts
    assert not any(c.startswith("gender") for c in selection.conflicts)  # not part of it


def test_too_few_candidates_for_a_minimum_says_so():
    candidates = [Candidate(i, i, {"country": "KZ"}) for i in range(5)]
    selection = select_cohort(candidates, 3, [Quota("country", "AF", 1)])
    assert selection.conflicts[0] == "country = AF: at least 1 (only 0 candidates)"


def test_more_places_than_candidates():
    assert select_cohort(pool(3), 5, []).conflicts == ["5 places but only 3 candidates"]


def mentors_and_mentees():
    mentors = [
        Mentor("m1", frozenset({"ru"}), frozenset({"water"}), "KG", capacity=1),
        Mentor("m2", frozenset({"ru", "en"}), frozenset({"borders"}), "TJ", capacity=2),
    ]
    mentees = [
        Mentee("a", frozenset({"ru"}), frozenset({"water"}), "TJ"),
        Mentee("b", frozenset({"en"}), frozenset({"borders"}), "KG"),
        Mentee("c", frozenset({"ru"}), frozenset({"borders"}), "KG"),
        Mentee("d", frozenset({"uz"}), frozenset({"water"}), "UZ"),
    ]
    return mentees, mentors


def test_matching_respects_languages_and_capacity():
    mentees, mentors = mentors_and_mentees()
    result = match(mentees, mentors)
    assert result.pairs == {"a": "m1", "b": "m2", "c": "m2"}
    assert result.unmatched == ["d"]  # no shared language with anyone


def test_matching_is_optimal_on_small_cases():
    rng = random.Random(5)
    for _ in range(10):
        mentors = [
            Mentor(
                j,
                frozenset(rng.sample(["ru", "en", "ky"], 2)),
                frozenset(rng.sample(range(5), 2)),
                rng.choice(COUNTRIES),
                rng.randint(1, 2),
            )
            for j in range(3)
        ]
        mentees = [
            Mentee(
                i,
                frozenset(rng.sample(["ru", "en", "ky"], 1)),
                frozenset(rng.sample(range(5), 2)),
                rng.choice(COUNTRIES),
            )
            for i in range(4)
        ]
        result = match(mentees, mentors)
        from kenesh.mentoring.matching import fit_matrix

        fit = fit_matrix(mentees, mentors, Weights())
        best = 0.0
        for assignment in itertools.product([None, 0, 1, 2], repeat=4):
            load = [assignment.count(j) for j in range(3)]
            if any(load[j] > mentors[j].capacity for j in range(3)):
                continue
            pairs = [(i, j) for i, j in enumerate(assignment) if j is not None]
            if any(fit[i, j] == float("-inf") for i, j in pairs):
                continue
            best = max(best, sum(fit[i, j] for i, j in pairs))
        # Same total fit, and no fewer pairs than the best assignment could make.
        assert result.total_fit == pytest.approx(best) or result.total_fit >= best


def test_cross_border_preference_is_configurable():
    mentors = [
        Mentor("same", frozenset({"ru"}), frozenset(), "KG"),
        Mentor("other", frozenset({"ru"}), frozenset(), "TJ"),
    ]
    mentee = [Mentee("x", frozenset({"ru"}), frozenset(), "KG")]
    assert match(mentee, mentors).pairs == {"x": "other"}
    assert match(mentee, mentors, Weights(cross_border=-1.0)).pairs == {"x": "same"}
