"""Reviewer scores made comparable. Pure: numpy.

Each reviewer's weighted totals are turned into z-scores over the applications that
reviewer scored, so harsh and lenient reviewers count alike. An application's score is
the mean of its reviewers' z-scores; its spread is their standard deviation, and a gap
of more than 1.5 between two reviewers is flagged as disagreement.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

DISAGREEMENT = 1.5


@dataclass(frozen=True)
class Ranked:
    application: object
    score: float  # mean z-score across reviewers
    spread: float  # standard deviation of the reviewers' z-scores
    reviews: int
    disagreement: bool
    raw: float  # mean weighted total before normalisation


def weighted_total(scores: Mapping[Any, float], weights: Mapping[Any, float]) -> float:
    total_weight = sum(weights.values()) or 1.0
    return sum(scores.get(key, 0) * weight for key, weight in weights.items()) / total_weight


def normalise(
    reviews: list[tuple[object, object, Mapping[Any, float]]], weights: Mapping[Any, float]
) -> list[Ranked]:
    """``reviews`` are (reviewer, application, {criterion: score}) rows, conflicted
    reviews already left out. Returns the applications ranked, best first."""
    totals: dict[object, list[tuple[object, float]]] = {}
    for reviewer, application, scores in reviews:
        totals.setdefault(reviewer, []).append((application, weighted_total(scores, weights)))
    z_by_application: dict[object, list[float]] = {}
    raw_by_application: dict[object, list[float]] = {}
    for rows in totals.values():
        values = np.array([total for _a, total in rows])
        mean, spread = values.mean(), values.std()
        for application, total in rows:
            z = 0.0 if spread == 0 else float((total - mean) / spread)
            z_by_application.setdefault(application, []).append(z)
            raw_by_application.setdefault(application, []).append(total)
    ranked: list[Ranked] = []
    for application, z_list in z_by_application.items():
        zs = np.array(z_list)
        ranked.append(
            Ranked(
                application=application,
                score=float(zs.mean()),
                spread=float(zs.std()) if len(zs) > 1 else 0.0,
                reviews=len(zs),
                disagreement=bool(len(zs) > 1 and zs.max() - zs.min() > DISAGREEMENT),
                raw=float(np.mean(raw_by_application[application])),
            )
        )
    ranked.sort(key=lambda r: (-r.score, -r.raw, str(r.application)))
    return ranked
