"""The one entry point: ``analyze`` turns vote rows into an ``OpinionMap``."""

from dataclasses import dataclass, field

import numpy as np
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
    participants: tuple
    statements: tuple
    groups: dict  # participant -> group (clustered participants only)
    coordinates: dict  # participant -> (x, y), every participant
    group_sizes: dict  # group -> members
    representative: dict  # group -> [statement]
    representative_details: dict  # group -> [Representative]
    consensus: list  # statements every group agrees with, strongest first
    consensus_disagree: list  # statements every group rejects
    group_consensus: dict  # statement -> group-informed consensus (agree)
    bridging: dict  # statement -> bridging score (enough ratings only)
    group_agreement: dict  # group -> statement -> Agreement
    by_attribute: dict  # attribute -> value -> statement -> Agreement
    common_ground: dict  # attribute -> [statement agreed by most of every value]
    k: int
    silhouette: float
    stability: float | None  # mean adjusted Rand index over bootstrap replicates
    group_stability: dict = field(default_factory=dict)  # group -> mean best Jaccard
    n_votes: int = 0


def _agreements(counts: stats.Counts, row: int, statements) -> dict:
    low, high = stats.wilson(counts.agree[row], counts.seen[row])
    out = {}
    for j, statement in enumerate(statements):
        seen = int(counts.seen[row, j])
        if seen == 0:
            continue
        agree, disagree = int(counts.agree[row, j]), int(counts.disagree[row, j])
        out[statement] = Agreement(
            agree, disagree, seen - agree - disagree, agree / seen, float(low[j]), float(high[j])
        )
    return out


def _validate_attributes(attributes, participants) -> dict:
    if not attributes:
        return {}
    known = set(participants.tolist())
    unknown = [p for p in attributes if p not in known]
    if unknown:
        raise ValueError(f"attributes name participants with no votes: {unknown[:5]}")
    return attributes


def _representatives(rep: stats.Repness, group: int, statements) -> list[Representative]:
    chosen = []
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


def _cluster(matrix: VoteMatrix, clustered: np.ndarray, seed: int):
    coords = projection.project(matrix, seed=seed).coordinates
    return coords, clustering.group(coords[clustered], seed=seed)


def _bootstrap(matrix, clustered, labels, k, replicates, seed):
    rng = np.random.default_rng(seed)
    n_statements = matrix.shape[1]
    scores, jaccard = [], {g: [] for g in range(k)}
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
    participant_ids,
    statement_ids,
    values,
    *,
    attributes: dict | None = None,
    seed: int = 0,
    exclude_statements=(),
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
    coords, grouping = _cluster(matrix, clustered, seed)
    labels = np.full(n_participants, -1)
    labels[clustered] = grouping.labels
    k = grouping.k

    group_counts = stats.counts_by(matrix, stats.membership(labels, k))
    everyone = stats.counts_by(matrix, stats.membership(np.where(clustered, 0, -1), 1))
    rep = stats.repness(group_counts, everyone)
    statements = matrix.statements.tolist()
    if excluded.any():
        # Moderated-out statements are never representative, consensus or bridging.
        for array in (rep.agree_significant, rep.disagree_significant):
            array[:, excluded] = False
        for array in (rep.agree_metric, rep.disagree_metric):
            array[:, excluded] = -np.inf
    details = {g: _representatives(rep, g, statements) for g in range(k)}

    gic_agree, gic_disagree = stats.group_informed_consensus(group_counts)
    overall_agree = (stats.prop_test(everyone.agree[0], everyone.seen[0]) > stats.Z90) & ~excluded
    overall_disagree = (
        stats.prop_test(everyone.disagree[0], everyone.seen[0]) > stats.Z90
    ) & ~excluded
    every_group_agrees = (rep.p_agree > 0.5).all(axis=0)
    every_group_disagrees = (rep.p_disagree > 0.5).all(axis=0)
    consensus = [statements[j] for j in np.argsort(-gic_agree, kind="stable")
                 if overall_agree[j] and every_group_agrees[j]]  # fmt: skip
    consensus_disagree = [statements[j] for j in np.argsort(-gic_disagree, kind="stable")
                          if overall_disagree[j] and every_group_disagrees[j]]  # fmt: skip

    bridge = bridging.bridging_scores(matrix, seed=seed)
    bridge[excluded] = np.nan
    by_attribute, common_ground = {}, {}
    index = {p: i for i, p in enumerate(matrix.participants.tolist())}
    for attribute in sorted({a for values_ in attributes.values() for a in values_}):
        values_ = sorted({str(v[attribute]) for v in attributes.values() if attribute in v})
        member_labels = np.full(n_participants, -1)
        for participant, declared in attributes.items():
            if attribute in declared:
                member_labels[index[participant]] = values_.index(str(declared[attribute]))
        counts = stats.counts_by(matrix, stats.membership(member_labels, len(values_)))
        by_attribute[attribute] = {
            value: _agreements(counts, i, statements) for i, value in enumerate(values_)
        }
        common_ground[attribute] = _common_ground(by_attribute[attribute], statements)

    if bootstrap is None:
        bootstrap = 20 if clustered.sum() <= BOOTSTRAP_LIMIT else 0
    stability, group_stability = (None, {})
    if bootstrap:
        stability, group_stability = _bootstrap(
            matrix, clustered, grouping.labels, k, bootstrap, seed
        )

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
    included = votes >= min(min_votes, n_statements)
    if included.sum() < GREEDY_PARTICIPANTS:
        for i in np.argsort(-votes, kind="stable"):
            if included.sum() >= GREEDY_PARTICIPANTS or votes[i] == 0:
                break
            included[i] = True
    return included


def _common_ground(by_value: dict, statements) -> list:
    """Statements most of every declared value agreed with (at least two values voting),
    ranked by the lowest lower bound among the values."""
    ranked = []
    for statement in statements:
        rows = [
            agreements[statement] for agreements in by_value.values() if statement in agreements
        ]
        if len(rows) >= 2 and len(rows) == len(by_value) and all(a.share > 0.5 for a in rows):
            ranked.append((min(a.low for a in rows), statement))
    ranked.sort(key=lambda pair: -pair[0])
    return [statement for _low, statement in ranked]
