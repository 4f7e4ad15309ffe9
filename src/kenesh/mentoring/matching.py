"""Mentor matching: an assignment maximising fit under mentor capacities. Pure: numpy
and scipy.

Fit of a pair = language points (a shared working language is required) + theme
points x the share of the mentee's themes the mentor covers + a configurable bonus
for pairs across a border. Each mentor offers ``capacity`` slots; the Hungarian
algorithm (scipy's linear_sum_assignment) assigns mentees to slots.
"""

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment


@dataclass(frozen=True)
class Mentor:
    id: object
    languages: frozenset[str]
    themes: frozenset[object]
    country: str
    capacity: int = 1


@dataclass(frozen=True)
class Mentee:
    id: object
    languages: frozenset[str]
    themes: frozenset[object]
    country: str


@dataclass(frozen=True)
class Weights:
    language: float = 3.0
    theme: float = 2.0
    cross_border: float = 1.0


@dataclass(frozen=True)
class Matching:
    pairs: dict[object, object]  # mentee id -> mentor id
    total_fit: float
    unmatched: list[object]  # mentees with no mentor (no shared language or no capacity)
    fit: dict[object, float] = field(default_factory=dict)  # mentee id -> fit of the pair


def fit_matrix(
    mentees: list[Mentee], mentors: list[Mentor], weights: Weights
) -> NDArray[np.float64]:
    """Fit of each mentee with each mentor; -inf where they share no language."""
    out = np.full((len(mentees), len(mentors)), -np.inf)
    for i, mentee in enumerate(mentees):
        for j, mentor in enumerate(mentors):
            if not mentee.languages & mentor.languages:
                continue
            themes = (
                len(mentee.themes & mentor.themes) / len(mentee.themes) if mentee.themes else 0.0
            )
            cross = weights.cross_border if mentee.country != mentor.country else 0.0
            out[i, j] = weights.language + weights.theme * themes + cross
    return out


def match(mentees: list[Mentee], mentors: list[Mentor], weights: Weights = Weights()) -> Matching:
    """Assign each mentee at most one mentor, each mentor at most ``capacity`` mentees,
    maximising the total fit."""
    if any(m.capacity < 0 for m in mentors):
        raise ValueError("capacity must not be negative")
    fit = fit_matrix(mentees, mentors, weights)
    slots = np.repeat(np.arange(len(mentors)), [m.capacity for m in mentors])
    if len(mentees) == 0 or len(slots) == 0:
        return Matching({}, 0.0, [m.id for m in mentees])
    slot_fit = fit[:, slots]
    # A pair with no shared language costs more than leaving the mentee unmatched.
    cost = np.where(np.isfinite(slot_fit), -slot_fit, 1e6)
    rows, columns = linear_sum_assignment(cost)
    pairs: dict[object, object] = {}
    fits: dict[object, float] = {}
    for i, column in zip(rows, columns, strict=True):
        if np.isfinite(slot_fit[i, column]):
            pairs[mentees[i].id] = mentors[slots[column]].id
            fits[mentees[i].id] = float(slot_fit[i, column])
    unmatched = [m.id for m in mentees if m.id not in pairs]
    return Matching(pairs, float(sum(fits.values())), unmatched, fits)
