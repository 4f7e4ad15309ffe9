"""The one entry point: ``analyze`` turns vote rows into an ``OpinionMap``."""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import numpy.typing as npt
from sklearn.metrics import adjusted_rand_score

from . import bridging, clustering, projection
from . import statistics as stats
from .matrix import VoteMatrix, build

MIN_VOTES = 7  # Pol.is: a participant is clustered after min(7, statements) votes
MIN_CLUSTERED = 4
GREEDY_PARTICIPANTS = 15
PICK = 5  # representative statements per group
BOOTSTRAP_LIMIT = 2000  # participants above which bootstrap is skipped unless asked


class NotEnoughVotes(ValueError):
    """Too few participants have voted enough for groups to mean anything yet."""


@dataclass(frozen=True)
class Agreement:
    """How one set of people voted on one statement, with a 90% Wilson interval for the
    share who agreed among those who saw it."""

    agree: int
    disagree: int
    passed: int
    share: float
    low: float
    high: float

    @property
    def seen(self) -> int:
        return self.agree + self.disagree + self.passed


@dataclass(frozen=True)
class Representative:
    statement: object
    direction: str  # "agree" or "disagree"
    share: float  # of the group, in that direction (pseudo-counted)
    metric: float
    significant: bool


@dataclass(frozen=True)
class OpinionMap:
    participants: tuple[Hashable, ...]
    statements: tuple[Hashable, ...]
    groups: dict[Hashable, int]  # participant -> group (clustered participants only)
    coordinates: dict[Hashable, tuple[float, float]]  # participant -> (x, y), every one
    group_sizes: dict[int, int]  # group -> members
    representative: dict[int, list[Hashable]]  # group -> [statement]
    representative_details: dict[int, list[Representative]]  # group -> [Representative]
    consensus: list[Hashable]  # statements every group agrees with, strongest first
    consensus_disagree: list[Hashable]  # statements every group rejects
    group_consensus: dict[Hashable, float]  # statement -> group-informed consensus (agree)
    bridging: dict[Hashable, float]  # statement -> bridging score (enough ratings only)
    group_agreement: dict[int, dict[Hashable, Agreement]]  # group -> statement -> Agreement
    by_attribute: dict[str, dict[str, dict[Hashable, Agreement]]]  # attribute -> value -> ...
    common_ground: dict[str, list[Hashable]]  # attribute -> [statement most of each agreed]
    k: int
    silhouette: float
    stability: float | None  # mean adjusted Rand index over bootstrap replicates
    group_stability: dict[int, float] = field(default_factory=dict)  # group -> best Jaccard
    n_votes: int = 0


def _agreements(
    counts: stats.Counts, row: int, statements: Sequence[Hashable]
) -> dict[Hashable, Agreement]:
    low, high = stats.wilson(counts.agree[row], counts.seen[row])
    out: dict[Hashable, Agreement] = {}
    for j, statement in enumerate(statements):
        seen = int(counts.seen[row, j])
        if seen == 0:
            continue
        agree, disagree = int(counts.agree[row, j]), int(counts.disagree[row, j])
        out[statement] = Agreement(
            agree, disagree, seen - agree - disagree, agree / seen, float(low[j]), float(high[j])
        )
    return out


def _validate_attributes(
    attributes: Mapping[Hashable, Mapping[str, object]] | None, participants: np.ndarray
) -> Mapping[Hashable, Mapping[str, object]]:
    if not attributes:
        return {}
    known = set(participants.tolist())
    unknown = [p for p in attributes if p not in known]
    if unknown:
        raise ValueError(f"attributes name participants with no votes: {unknown[:5]}")
    return attributes


def _representatives(
    rep: stats.Repness, group: int, statements: Sequence[Hashable]
) -> list[Representative]:
    chosen: list[Representative] = []
    for j, statement in enumerate(statements):
        agree = rep.agree_metric[group, j]
        disagree = rep.disagree_metric[group, j]
        if rep.agree_significant[group, j] and (
            agree >= disagree or not rep.disagree_significant[group, j]
        ):
            chosen.append(Representative(statement, "agree", rep.p_agree[group, j], agree, True))
        elif rep.disagree_significant[group, j]:
            chosen.append(
                Representative(statement, "disagree", rep.p_disagree[group, j], disagree, True)
            )
    chosen.sort(key=lambda r: -r.metric)
    if not chosen:
        # As Pol.is does, show the group's best statement even when nothing passes.
        j = int(np.argmax(rep.agree_metric[group]))
        chosen = [Representative(statements[j], "agree", rep.p_agree[group, j],
                                 rep.agree_metric[group, j], False)]  # fmt: skip
    return chosen[:PICK]


def _cluster(
    matrix: VoteMatrix, clustered: np.ndarray, seed: int
) -> tuple[np.ndarray, clustering.Grouping]:
    coords = projection.project(matrix, seed=seed).coordinates
    return coords, clustering.group(coords[clustered], seed=seed)


def _bootstrap(
    matrix: VoteMatrix,
    clustered: npt.NDArray[np.bool_],
    labels: npt.NDArray[np.int_],
    k: int,
    replicates: int,
    seed: int,
) -> tuple[float | None, dict[int, float]]:
    rng = np.random.default_rng(seed)
    n_statements = matrix.shape[1]
    scores: list[float] = []
    jaccard: dict[int, list[float]] = {g: [] for g in range(k)}
    for _ in range(replicates):
        columns = rng.integers(0, n_statements, n_statements)
        sample = matrix.keep(columns=columns)
        try:
            _coords, grouping = _cluster(sample, clustered, seed)
        except ValueError:
            continue
        scores.append(adjusted_rand_score(labels, grouping.labels))
        for g in range(k):
            members = labels == g
            best = max(
                (members & (grouping.labels == h)).sum() / (members | (grouping.labels == h)).sum()
                for h in range(grouping.k)
            )
            jaccard[g].append(best)
    if not scores:
        return None, {}
    return float(np.mean(scores)), {g: float(np.mean(v)) for g, v in jaccard.items() if v}


def analyze(
    participant_ids: npt.ArrayLike,
    statement_ids: npt.ArrayLike,
    values: npt.ArrayLike,
    *,
    attributes: Mapping[Hashable, Mapping[str, object]] | None = None,
    seed: int = 0,
    exclude_statements: Iterable[Hashable] = (),
    min_votes: int = MIN_VOTES,
    bootstrap: int | None = None,
) -> OpinionMap:
    """Map opinions from vote rows.

    ``participant_ids``, ``statement_ids`` and ``values`` are equal-length sequences, one
    row per vote (+1 agree, -1 disagree, 0 pass); the last row for a pair wins. Optional
    ``attributes`` maps participants to declared attributes ({"country": "KG"}), used in
    aggregate only. ``exclude_statements`` are left out (moderated). ``bootstrap``
    replicates estimate how stable the groups are (default: 20 up to 2,000 clustered
    participants, none above). Raises ValueError on malformed input and NotEnoughVotes
    when fewer than four participants have voted enough.
    """
    matrix = build(participant_ids, statement_ids, values)
    attributes = _validate_attributes(attributes, matrix.participants)
    matrix, excluded, clustered = _mapped(matrix, exclude_statements, min_votes)
    coords, grouping = _cluster(matrix, clustered, seed)
    labels = np.full(matrix.shape[0], -1)
    labels[clustered] = grouping.labels
    k = grouping.k

    group_counts = stats.counts_by(matrix, stats.membership(labels, k))
    everyone = stats.counts_by(matrix, stats.membership(np.where(clustered, 0, -1), 1))
    rep = _repness(group_counts, everyone, excluded)
    statements = matrix.statements.tolist()
    details = {g: _representatives(rep, g, statements) for g in range(k)}
    gic_agree, gic_disagree = stats.group_informed_consensus(group_counts)
    consensus, consensus_disagree = _consensus(
        rep, everyone, gic_agree, gic_disagree, excluded, statements
    )
    bridge = bridging.bridging_scores(matrix, seed=seed)
    bridge[excluded] = np.nan
    by_attribute, common_ground = _by_attribute(matrix, attributes, statements)
    stability, group_stability = _stability(matrix, clustered, grouping.labels, k, bootstrap, seed)

    participants = matrix.participants.tolist()
    return OpinionMap(
        participants=tuple(participants),
        statements=tuple(statements),
        groups={participants[i]: int(labels[i]) for i in np.flatnonzero(clustered)},
        coordinates={
            p: (float(coords[i, 0]), float(coords[i, 1])) for i, p in enumerate(participants)
        },
        group_sizes={g: int((labels == g).sum()) for g in range(k)},
        representative={g: [r.statement for r in d] for g, d in details.items()},
        representative_details=details,
        consensus=consensus,
        consensus_disagree=consensus_disagree,
        group_consensus={s: float(gic_agree[j]) for j, s in enumerate(statements)},
        bridging={s: float(bridge[j]) for j, s in enumerate(statements) if np.isfinite(bridge[j])},
        group_agreement={g: _agreements(group_counts, g, statements) for g in range(k)},
        by_attribute=by_attribute,
        common_ground=common_ground,
        k=k,
        silhouette=grouping.silhouette,
        stability=stability,
        group_stability=group_stability,
        n_votes=int(matrix.voted.nnz),
    )


def _mapped(
    matrix: VoteMatrix, exclude_statements: Iterable[Hashable], min_votes: int
) -> tuple[VoteMatrix, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Who and what the map is drawn from: the matrix with moderated-out statements
    passed by everyone, which statements those are, and which participants are clustered.
    Raises NotEnoughVotes when too few have voted to draw a map."""
    n_participants, n_statements = matrix.shape
    if n_participants < 2 or n_statements < 1:
        raise NotEnoughVotes("at least two participants and one statement are needed")
    votes = matrix.votes_per_participant()
    excluded = np.isin(matrix.statements, np.asarray(list(exclude_statements)))
    if excluded.any():
        # As Pol.is: a moderated-out statement counts as passed by everyone, so it
        # moves no one in the map but still counts in the sparsity correction.
        matrix = _zero_out(matrix, np.flatnonzero(excluded))
    clustered = _in_conversation(votes, n_statements, min_votes)
    if clustered.sum() < MIN_CLUSTERED:
        raise NotEnoughVotes(
            f"{int(clustered.sum())} participants have voted enough; {MIN_CLUSTERED} are needed"
        )
    return matrix, excluded, clustered


def _zero_out(matrix: VoteMatrix, columns: np.ndarray) -> VoteMatrix:
    """Every participant passes on ``columns``; other votes unchanged."""
    voted = matrix.voted.tolil(copy=True)
    value = matrix.value.tolil(copy=True)
    for column in columns:
        voted[:, column] = 1.0
        value[:, column] = 0.0
    # Aligned again: value + 2 is never zero, so one matrix carries both structures.
    both = voted.tocsr()
    both.data = both.data * 0 + 2.0
    both = both + value.tocsr()
    both.sort_indices()
    new_voted, new_value = both.copy(), both.copy()
    new_voted.data = np.ones_like(both.data)
    new_value.data = both.data - 2.0
    return VoteMatrix(matrix.participants, matrix.statements, new_voted, new_value)


def _in_conversation(votes: np.ndarray, n_statements: int, min_votes: int) -> np.ndarray:
    """Pol.is's rule: participants who voted on min(7, statements) statements; if fewer
    than 15 qualify, the most active voters are added until there are 15."""
    included: np.ndarray = votes >= min(min_votes, n_statements)
    if included.sum() < GREEDY_PARTICIPANTS:
        for i in np.argsort(-votes, kind="stable"):
            if included.sum() >= GREEDY_PARTICIPANTS or votes[i] == 0:
                break
            included[i] = True
    return included


def _repness(
    group_counts: stats.Counts, everyone: stats.Counts, excluded: npt.NDArray[np.bool_]
) -> stats.Repness:
    """Each group's representativeness per statement, with moderated-out statements
    never significant and ranked last."""
    rep = stats.repness(group_counts, everyone)
    if excluded.any():
        # Moderated-out statements are never representative, consensus or bridging.
        for array in (rep.agree_significant, rep.disagree_significant):
            array[:, excluded] = False
        for array in (rep.agree_metric, rep.disagree_metric):
            array[:, excluded] = -np.inf
    return rep


def _consensus(
    rep: stats.Repness,
    everyone: stats.Counts,
    gic_agree: npt.NDArray[np.float64],
    gic_disagree: npt.NDArray[np.float64],
    excluded: npt.NDArray[np.bool_],
    statements: Sequence[Hashable],
) -> tuple[list[Hashable], list[Hashable]]:
    """The statements everyone, and every group by a majority, agrees with, then those
    they reject; each list ranked by group-informed consensus, strongest first."""
    overall_agree = (stats.prop_test(everyone.agree[0], everyone.seen[0]) > stats.Z90) & ~excluded
    overall_disagree = (
        stats.prop_test(everyone.disagree[0], everyone.seen[0]) > stats.Z90
    ) & ~excluded
    # all(axis=0) of a 2-D array is an array; numpy's stubs allow a scalar too.
    every_group_agrees = cast(npt.NDArray[np.bool_], (rep.p_agree > 0.5).all(axis=0))
    every_group_disagrees = cast(npt.NDArray[np.bool_], (rep.p_disagree > 0.5).all(axis=0))
    consensus = [statements[j] for j in np.argsort(-gic_agree, kind="stable")
                 if overall_agree[j] and every_group_agrees[j]]  # fmt: skip
    consensus_disagree = [statements[j] for j in np.argsort(-gic_disagree, kind="stable")
                          if overall_disagree[j] and every_group_disagrees[j]]  # fmt: skip
    return consensus, consensus_disagree


def _by_attribute(
    matrix: VoteMatrix,
    attributes: Mapping[Hashable, Mapping[str, object]],
    statements: Sequence[Hashable],
) -> tuple[dict[str, dict[str, dict[Hashable, Agreement]]], dict[str, list[Hashable]]]:
    """How the people of each declared value (country KG, KZ...) voted on each statement,
    and per attribute the common ground: statements most of every value agreed with."""
    by_attribute: dict[str, dict[str, dict[Hashable, Agreement]]] = {}
    common_ground: dict[str, list[Hashable]] = {}
    index = {p: i for i, p in enumerate(matrix.participants.tolist())}
    for attribute in sorted({a for values_ in attributes.values() for a in values_}):
        values_ = sorted({str(v[attribute]) for v in attributes.values() if attribute in v})
        member_labels = np.full(matrix.shape[0], -1)
        for participant, declared in attributes.items():
            if attribute in declared:
                member_labels[index[participant]] = values_.index(str(declared[attribute]))
        counts = stats.counts_by(matrix, stats.membership(member_labels, len(values_)))
        by_attribute[attribute] = {
            value: _agreements(counts, i, statements) for i, value in enumerate(values_)
        }
        common_ground[attribute] = _common_ground(by_attribute[attribute], statements)
    return by_attribute, common_ground


def _stability(
    matrix: VoteMatrix,
    clustered: npt.NDArray[np.bool_],
    labels: npt.NDArray[np.int_],
    k: int,
    bootstrap: int | None,
    seed: int,
) -> tuple[float | None, dict[int, float]]:
    """How stable the groups are over ``bootstrap`` replicates (by default 20 up to
    BOOTSTRAP_LIMIT clustered participants, none above): overall and per group."""
    if bootstrap is None:
        bootstrap = 20 if clustered.sum() <= BOOTSTRAP_LIMIT else 0
    if not bootstrap:
        return None, {}
    return _bootstrap(matrix, clustered, labels, k, bootstrap, seed)


def _common_ground(
    by_value: Mapping[str, Mapping[Hashable, Agreement]], statements: Sequence[Hashable]
) -> list[Hashable]:
    """Statements most of every declared value agreed with (at least two values voting),
    ranked by the lowest lower bound among the values."""
    ranked: list[tuple[float, Hashable]] = []
    for statement in statements:
        rows = [
            agreements[statement] for agreements in by_value.values() if statement in agreements
        ]
        if len(rows) >= 2 and len(rows) == len(by_value) and all(a.share > 0.5 for a in rows):
            ranked.append((min(a.low for a in rows), statement))
    ranked.sort(key=lambda pair: -pair[0])
    return [statement for _low, statement in ranked]
