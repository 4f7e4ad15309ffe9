"""Bridging scores by matrix factorisation, in the spirit of Community Notes.

Each agree (1) or disagree (0) vote is modelled as mu + b_participant + c_statement +
f_participant * g_statement. The statement intercept c is what is left of a statement's
support once the one-dimensional viewpoint factor has explained what it can; it is
regularised five times more strongly than the factors, so only support that spans the
viewpoint axis scores high. Passes carry no rating and are left out. Pure: numpy, scipy.
"""

import numpy as np

from .matrix import VoteMatrix

INTERCEPT_PENALTY = 0.15
FACTOR_PENALTY = 0.03
ITERATIONS = 30  # at most; stops once statement intercepts move less than TOLERANCE
TOLERANCE = 1e-4
MIN_RATINGS = 5


def _solve(
    n: np.ndarray,
    sum_g: np.ndarray,
    sum_g2: np.ndarray,
    rhs_1: np.ndarray,
    rhs_g: np.ndarray,
    penalty_intercept: float,
    penalty_factor: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the 2x2 ridge system for (intercept, factor)."""
    a11 = n + penalty_intercept
    a12 = sum_g
    a22 = sum_g2 + penalty_factor
    det = a11 * a22 - a12 * a12
    det = np.where(np.abs(det) < 1e-12, 1e-12, det)
    intercept = (a22 * rhs_1 - a12 * rhs_g) / det
    factor = (a11 * rhs_g - a12 * rhs_1) / det
    return intercept, factor


def bridging_scores(matrix: VoteMatrix, *, seed: int = 0) -> np.ndarray:
    """The statement intercept for each statement (NaN with fewer than five ratings)."""
    # Ratings: agree 1, disagree 0; passes are no rating and drop out of both matrices.
    a = matrix.value.copy()
    a.data = (a.data != 0).astype(float)
    a.eliminate_zeros()
    r = matrix.value.copy()
    r.data = (r.data > 0).astype(float)
    r.eliminate_zeros()
    n_rows, n_columns = a.shape
    if a.nnz == 0:
        return np.full(n_columns, np.nan)
    n_ratings = a.nnz
    at, rt = a.T.tocsr(), r.T.tocsr()
    n_row = np.asarray(a.sum(1)).ravel()
    n_column = np.asarray(a.sum(0)).ravel()
    rng = np.random.default_rng(seed)
    mu = r.sum() / n_ratings
    b, c = np.zeros(n_rows), np.zeros(n_columns)
    f, g = rng.normal(0, 0.1, n_rows), rng.normal(0, 0.1, n_columns)
    sum_r_row, sum_r_column = np.asarray(r.sum(1)).ravel(), np.asarray(r.sum(0)).ravel()
    for _ in range(ITERATIONS):
        previous = c
        # Participants, given statements.
        rhs_1 = sum_r_row - n_row * mu - a @ c
        rhs_g = r @ g - mu * (a @ g) - a @ (c * g)
        b, f = _solve(n_row, a @ g, a @ (g * g), rhs_1, rhs_g, INTERCEPT_PENALTY, FACTOR_PENALTY)
        # Statements, given participants.
        rhs_1 = sum_r_column - n_column * mu - at @ b
        rhs_f = rt @ f - mu * (at @ f) - at @ (b * f)
        c, g = _solve(
            n_column, at @ f, at @ (f * f), rhs_1, rhs_f, INTERCEPT_PENALTY, FACTOR_PENALTY
        )
        # The global mean, given both.
        residual = sum_r_row.sum() - (n_row * b).sum() - (n_column * c).sum() - f @ (a @ g)
        mu = residual / n_ratings
        if np.max(np.abs(c - previous)) < TOLERANCE:
            break
    return np.where(n_column >= MIN_RATINGS, c, np.nan)
