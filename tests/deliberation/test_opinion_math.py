"""The opinion map's mathematics, on planted structure and on bad input."""

import functools

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from kenesh.deliberation import opinion
from kenesh.deliberation.opinion import NotEnoughVotes

# Only the tests about stability pay for the bootstrap; they call opinion.analyze itself.
analyze = functools.partial(opinion.analyze, bootstrap=0)


def planted(
    n_people=60,
    n_statements=30,
    *,
    groups=2,
    consensus=(0, 1, 2),
    bridging=(),
    noise=0.1,
    density=0.8,
    seed=0,
):
    """Votes from ``groups`` camps that disagree on most statements, all agreeing on the
    ``consensus`` statements; ``bridging`` statements are agreed by a bare majority of
    every camp. Returns rows and the planted camp of each participant."""
    rng = np.random.default_rng(seed)
    camp = np.arange(n_people) % groups
    stance = rng.choice([-1, 1], size=(groups, n_statements))
    stance[1] = -stance[0]  # the first two camps disagree on everything else
    rows = []
    for i in range(n_people):
        for j in range(n_statements):
            if rng.random() > density:
                continue
            if j in consensus:
                vote = 1 if rng.random() > noise else -1
            elif j in bridging:
                vote = 1 if rng.random() < 0.6 else -1
            else:
                vote = stance[camp[i], j] if rng.random() > noise else -stance[camp[i], j]
            rows.append((i, j, vote))
    p, s, v = zip(*rows, strict=True)
    return list(p), list(s), list(v), camp


def test_planted_groups_are_found():
    p, s, v, camp = planted()
    result = analyze(p, s, v, seed=1)
    assert result.k == 2
    found = [result.groups[i] for i in range(len(camp))]
    assert adjusted_rand_score(camp, found) > 0.95


def test_three_planted_groups():
    p, s, v, camp = planted(n_people=90, n_statements=40, groups=3, noise=0.05)
    result = analyze(p, s, v)
    assert result.k == 3
    assert adjusted_rand_score(camp, [result.groups[i] for i in range(90)]) > 0.9


def test_planted_consensus_is_found_and_divisive_statements_are_not():
    p, s, v, _camp = planted()
    result = analyze(p, s, v)
    assert set(result.consensus[:3]) == {0, 1, 2}
    assert not set(result.consensus) - {0, 1, 2}
    top = sorted(result.group_consensus, key=result.group_consensus.get, reverse=True)[:3]
    assert set(top) == {0, 1, 2}


def test_representative_statements_split_the_groups():
    p, s, v, _camp = planted()
    result = analyze(p, s, v)
    for group, details in result.representative_details.items():
        assert details and all(d.significant for d in details)
        assert not {d.statement for d in details} & {0, 1, 2}
        assert set(result.representative[group]) == {d.statement for d in details}


def test_bridging_favours_support_across_the_divide():
    p, s, v, camp = planted(n_people=80, consensus=(0,), bridging=(5,))
    # Statement 7 is popular, but only in the larger camp.
    extra = [(i, 7, 1 if camp[i] == 0 else -1) for i in range(80)]
    rows = [(a, b, c) for a, b, c in zip(p, s, v, strict=True) if b != 7] + extra
    p, s, v = map(list, zip(*rows, strict=True))
    result = analyze(p, s, v)
    assert result.bridging[0] > result.bridging[7]
    assert result.bridging[5] > result.bridging[7]


def test_agreement_by_declared_attribute_with_intervals():
    p, s, v, _camp = planted()
    attributes = {i: {"country": "KG" if i % 4 < 2 else "TJ"} for i in range(60)}
    result = analyze(p, s, v, attributes=attributes)
    kg = result.by_attribute["country"]["KG"][0]
    assert kg.low <= kg.share <= kg.high and kg.seen == kg.agree + kg.disagree + kg.passed
    assert set(result.common_ground["country"][:3]) == {0, 1, 2}


def test_the_last_vote_for_a_pair_wins():
    p, s, v, _ = planted()
    result = analyze([*p, 0], [*s, 0], [*v, -1])
    again = analyze([*p, 0, 0], [*s, 0, 0], [*v, -1, 1])
    assert result.group_agreement != again.group_agreement


def test_same_input_same_map():
    p, s, v, _ = planted()
    first, second = analyze(p, s, v, seed=3), analyze(p, s, v, seed=3)
    assert first.groups == second.groups and first.consensus == second.consensus
    assert first.coordinates == second.coordinates


def test_small_panel_statistics():
    p, s, v, _ = planted(n_people=24)
    result = opinion.analyze(p, s, v)
    assert result.stability is not None and 0 <= result.stability <= 1
    assert set(result.group_stability) == set(result.group_sizes)
    assert sum(result.group_sizes.values()) == len(result.groups)


def test_moderated_statements_never_count():
    p, s, v, _ = planted()
    result = analyze(p, s, v, exclude_statements=[0])
    assert 0 not in result.consensus and 0 not in result.bridging
    assert all(0 not in reps for reps in result.representative.values())


@pytest.mark.parametrize(
    ("p", "s", "v", "message"),
    [
        ([1, 2], [1], [1, 1], "same length"),
        ([1, 2], [1, 1], [1, 2], "must be \\+1"),
        ([1, 2], [1, 1], [1, float("nan")], "NaN"),
        ([1, None], [1, 1], [1, 1], "missing id"),
        ([1, "a"], [1, 1], [1, 1], "mixes id types"),
        ([1.5, 2], [1, 1], [1, 1], "whole numbers"),
    ],
)
def test_malformed_input_is_a_clear_value_error(p, s, v, message):
    with pytest.raises(ValueError, match=message):
        analyze(p, s, v)


def test_unknown_participants_in_attributes_are_refused():
    p, s, v, _ = planted()
    with pytest.raises(ValueError, match="no votes"):
        analyze(p, s, v, attributes={999: {"country": "KG"}})


@pytest.mark.parametrize("rows", [[(1, 1, 1)], [(1, 1, 1), (1, 2, -1)], []])
def test_too_few_votes_is_not_enough_votes(rows):
    p, s, v = (list(x) for x in zip(*rows, strict=True)) if rows else ([], [], [])
    with pytest.raises(NotEnoughVotes):
        analyze(p, s, v)


def test_without_bootstrap_no_stability_is_claimed():
    p, s, v, _ = planted(n_people=24)
    result = analyze(p, s, v)
    assert result.stability is None and result.group_stability == {}
