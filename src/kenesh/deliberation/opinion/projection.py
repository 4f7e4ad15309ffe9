"""PCA with missing votes, as Pol.is does it, on a sparse matrix. Pure: numpy, scipy,
scikit-learn.

Missing votes are imputed with the statement's mean; after centring, imputed cells are
exactly zero, so the centred matrix keeps the votes' sparsity and a truncated SVD of it
is the PCA of the imputed matrix. Each participant's projection is then scaled by
sqrt(statements / statements voted), Pol.is's sparsity-aware correction that keeps
participants with few votes from bunching in the centre.
"""

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.utils.extmath import randomized_svd

from .matrix import VoteMatrix


@dataclass(frozen=True)
class Projection:
    coordinates: np.ndarray  # participants x 2, scaled
    components: np.ndarray  # 2 x statements
    explained_variance: np.ndarray  # 2


def centred(matrix: VoteMatrix) -> sparse.csr_matrix:
    counts = matrix.votes_per_statement()
    sums = np.asarray(matrix.value.sum(axis=0)).ravel()
    means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
    result = matrix.voted.copy().astype(np.float64)
    result.data = matrix.value.data - means[matrix.voted.indices]
    return result


def project(matrix: VoteMatrix, *, seed: int = 0, components: int = 2) -> Projection:
    n_participants, n_statements = matrix.shape
    k = min(components, n_participants - 1, n_statements)
    if k < 1:
        raise ValueError("at least two participants and one statement are needed")
    data = centred(matrix)
    u, s, vt = randomized_svd(data, n_components=k, n_iter=4, random_state=seed)
    # Fix each component's sign so results do not flip between runs.
    for i in range(k):
        if vt[i, np.argmax(np.abs(vt[i]))] < 0:
            u[:, i], vt[i] = -u[:, i], -vt[i]
    coordinates = u * s
    if k < components:
        coordinates = np.hstack([coordinates, np.zeros((n_participants, components - k))])
        vt = np.vstack([vt, np.zeros((components - k, n_statements))])
        s = np.concatenate([s, np.zeros(components - k)])
    voted = np.maximum(matrix.votes_per_participant(), 1)
    coordinates = coordinates * np.sqrt(n_statements / voted)[:, None]
    return Projection(coordinates, vt, s**2 / max(n_participants - 1, 1))
