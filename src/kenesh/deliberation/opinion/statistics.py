"""Counts, tests and intervals per group and per statement. Pure: numpy and scipy.

The tests are Pol.is's, with its pseudo-counts: a proportion test of a group's agreement
against one half, and a two-proportion test of a group against everyone else.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import sparse
from scipy.stats import norm

from .matrix import VoteMatrix

Z90 = 1.2816  # one-sided 90%: Pol.is's threshold for a significant test


@dataclass(frozen=True)
class Counts:
    """Agree, disagree and seen (votes cast, passes included) per row x statement."""

    agree: np.ndarray
    disagree: np.ndarray
    seen: np.ndarray


def counts_by(matrix: VoteMatrix, membership: sparse.csr_matrix) -> Counts:
    """Counts for each row of ``membership`` (rows x participants, 0/1)."""
    agree = matrix.value.copy()
    agree.data = (agree.data > 0).astype(float)
    disagree = matrix.value.copy()
    disagree.data = (disagree.data < 0).astype(float)
    return Counts(
        np.asarray((membership @ agree).todense()),
        np.asarray((membership @ disagree).todense()),
        np.asarray((membership @ matrix.voted).todense()),
    )


def membership(labels: np.ndarray, n_groups: int) -> sparse.csr_matrix:
    """Groups x participants indicator; a label of -1 belongs to no group."""
    rows = labels[labels >= 0]
    columns = np.flatnonzero(labels >= 0)
    return sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(n_groups, len(labels)))


def prop_test(successes: ArrayLike, n: ArrayLike) -> np.ndarray:
    """Pol.is's one-proportion test against 1/2, with a pseudo-count."""
    successes, n = np.asarray(successes) + 1.0, np.asarray(n) + 1.0
    return 2.0 * np.sqrt(n) * (successes / n - 0.5)


def two_prop_test(
    successes_in: ArrayLike, successes_out: ArrayLike, n_in: ArrayLike, n_out: ArrayLike
) -> np.ndarray:
    """Pol.is's two-proportion z-test, with pseudo-counts."""
    s1, s2 = np.asarray(successes_in) + 1.0, np.asarray(successes_out) + 1.0
    n1, n2 = np.asarray(n_in) + 1.0, np.asarray(n_out) + 1.0
    p1, p2 = s1 / n1, s2 / n2
    pooled = (s1 + s2) / (n1 + n2)
    spread = np.sqrt(np.maximum(pooled * (1 - pooled) * (1 / n1 + 1 / n2), 1e-12))
    return (p1 - p2) / spread


def wilson(
    successes: ArrayLike, n: ArrayLike, confidence: float = 0.9
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion; (nan, nan) where n is 0."""
    successes, n = np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    z = norm.ppf(1 - (1 - confidence) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = successes / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return np.where(n > 0, centre - half, np.nan), np.where(n > 0, centre + half, np.nan)


@dataclass(frozen=True)
class Repness:
    """For each group x statement: Pol.is's representativeness in both directions."""

    agree_metric: np.ndarray
    disagree_metric: np.ndarray
    agree_significant: np.ndarray
    disagree_significant: np.ndarray
    p_agree: np.ndarray
    p_disagree: np.ndarray


def repness(groups: Counts, everyone: Counts) -> Repness:
    others = Counts(
        everyone.agree - groups.agree,
        everyone.disagree - groups.disagree,
        everyone.seen - groups.seen,
    )
    pa = (groups.agree + 1) / (groups.seen + 2)
    pd = (groups.disagree + 1) / (groups.seen + 2)
    pa_out = (others.agree + 1) / (others.seen + 2)
    pd_out = (others.disagree + 1) / (others.seen + 2)
    ra, rd = pa / pa_out, pd / pd_out
    pat, pdt = prop_test(groups.agree, groups.seen), prop_test(groups.disagree, groups.seen)
    rat = two_prop_test(groups.agree, others.agree, groups.seen, others.seen)
    rdt = two_prop_test(groups.disagree, others.disagree, groups.seen, others.seen)
    return Repness(
        agree_metric=ra * rat * pa * pat,
        disagree_metric=rd * rdt * pd * pdt,
        agree_significant=(pat > Z90) & (rat > Z90) & (groups.seen > 0),
        disagree_significant=(pdt > Z90) & (rdt > Z90) & (groups.seen > 0),
        p_agree=pa,
        p_disagree=pd,
    )


def group_informed_consensus(groups: Counts) -> tuple[np.ndarray, np.ndarray]:
    """Pol.is's group-aware consensus: the product over groups of each group's
    pseudo-counted agreement (and disagreement). High only where every group agrees."""
    agree = np.prod((groups.agree + 1) / (groups.seen + 2), axis=0)
    disagree = np.prod((groups.disagree + 1) / (groups.seen + 2), axis=0)
    return agree, disagree
