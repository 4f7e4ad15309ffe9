"""Opinion groups: base clusters, then k-means groups with k chosen by silhouette, as
Pol.is does. Pure: numpy and scikit-learn.

Base clusters (k-means, k=100) summarise the participants; groups are k-means on the
base clusters' centres weighted by their members, for k from 2 to
min(5, 2 + base clusters / 12), keeping the k with the best silhouette of the base
clusters. Below 100 participants each participant is its own base cluster.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

BASE_CLUSTERS = 100
MAX_GROUPS = 5


@dataclass(frozen=True)
class Grouping:
    labels: np.ndarray  # group of each clustered participant, 0 = largest group
    k: int
    silhouette: float
    base_labels: np.ndarray  # base cluster of each clustered participant
    centres: np.ndarray  # k x 2


def _kmeans(
    points: np.ndarray, k: int, weights: np.ndarray | None, seed: int, starts: int = 10
) -> tuple[np.ndarray, np.ndarray]:
    model = KMeans(n_clusters=k, n_init=starts, random_state=seed)
    model.fit(points, sample_weight=weights)
    return model.labels_, model.cluster_centers_


def group(coordinates: np.ndarray, *, seed: int = 0, max_groups: int = MAX_GROUPS) -> Grouping:
    """Group participants' 2-D projections."""
    n = len(coordinates)
    if n < 4:
        raise ValueError("at least four participants are needed to find groups")
    if n > BASE_CLUSTERS:
        base_labels, base_centres = _kmeans(coordinates, BASE_CLUSTERS, None, seed, starts=1)
        weights = np.bincount(base_labels, minlength=BASE_CLUSTERS).astype(float)
        keep = weights > 0
        remap = np.cumsum(keep) - 1
        base_labels, base_centres, weights = remap[base_labels], base_centres[keep], weights[keep]
    else:
        base_labels, base_centres, weights = np.arange(n), coordinates, np.ones(n)
    distinct = len(np.unique(np.round(base_centres, 9), axis=0))
    # Pol.is: at most 2 + one more group per 12 base clusters, and never above max_groups.
    top = min(max_groups, 2 + len(base_centres) // 12, distinct - 1)
    best = None
    for k in range(2, top + 1):
        labels, centres = _kmeans(base_centres, k, weights, seed)
        if len(np.unique(labels)) < 2:
            continue
        # As Pol.is: the silhouette of the base clusters, each counted once.
        score = float(silhouette_score(base_centres, labels))
        if best is None or score > best[0] + 1e-9:
            best = (score, k, labels, centres)
    if best is None:
        labels, centres = np.zeros(len(base_centres), dtype=int), base_centres.mean(0)[None]
        best = (0.0, 1, labels, centres)
    score, k, base_groups, centres = best
    if n > BASE_CLUSTERS and k > 1:
        # Base clusters chose k; the groups themselves are the best k-means partition of
        # the participants (from the base groups' centres or ten fresh starts), so that
        # where a participant falls does not hang on one random draw of base clusters.
        seeded = KMeans(n_clusters=k, init=centres, n_init=1, random_state=seed).fit(coordinates)
        fresh = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(coordinates)
        model = seeded if seeded.inertia_ <= fresh.inertia_ else fresh
        labels, centres = model.labels_, model.cluster_centers_
    else:
        labels = base_groups[base_labels]
    # Number groups by size, largest first, so that labels are stable between runs.
    sizes = np.bincount(labels, minlength=k)
    order = np.argsort(-sizes, kind="stable")
    rank = np.empty(k, dtype=int)
    rank[order] = np.arange(k)
    return Grouping(rank[labels], k, score, base_labels, centres[order])
