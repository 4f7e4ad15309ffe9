"""Indicator arithmetic: measured values, their disaggregations, means, growth and what
each audience may see of them.

Pure: no Django and no kenesh except the other pure module ``people.disclosure``, whose
small-cell rule this reuses rather than repeats. Labels are opaque: whatever the caller
passes (a lazy translation, say) comes back unchanged.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from kenesh.people import disclosure

# Observers and public pages never see a count of people under this (issue 11).
SMALL_CELL = 5

_Assessment = TypeVar("_Assessment", bound=tuple[Any, ...])


@dataclass(frozen=True)
class Window:
    """A reporting window: ``start`` and ``end`` both included."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a window cannot end before it starts")

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Cell:
    """One category of a disaggregation: its code, its label and its value."""

    key: str
    label: object
    value: int | float | None
    # For a mean: how many people it is taken over (None for a plain count).
    n: int | None = None


@dataclass(frozen=True)
class Breakdown:
    """A value split by one dimension. ``exclusive``: every counted thing falls in exactly
    one category, so the cells add up to the total. A person at an RCWG meeting and a
    Track II round counts under both kinds: that breakdown is not exclusive."""

    dimension: str
    label: object
    cells: tuple[Cell, ...]
    exclusive: bool

    def cell(self, key: str) -> Cell | None:
        return next((c for c in self.cells if c.key == key), None)

    def value_of(self, key: str) -> int | float:
        """The value of category ``key``; 0 for a category with nothing in it."""
        found = self.cell(key)
        return found.value if found is not None and found.value is not None else 0

    @property
    def sum(self) -> int | float:
        return sum(c.value for c in self.cells if c.value is not None)


@dataclass(frozen=True)
class Measure:
    """An indicator's value over a window, with its disaggregations.

    ``total`` is a count, or a mean (then ``n`` says over how many people; None when
    there is no one to take it over). ``people``: the value counts people (or is a mean
    over people), so small cells apply to it."""

    total: int | float | None
    breakdowns: tuple[Breakdown, ...] = ()
    n: int | None = None
    people: bool = True

    def by(self, dimension: str) -> Breakdown:
        for breakdown in self.breakdowns:
            if breakdown.dimension == dimension:
                return breakdown
        raise KeyError(dimension)


def count_breakdown(
    dimension: str,
    label: object,
    counts: Mapping[str, int],
    *,
    labels: Mapping[str, object] | None = None,
    exclusive: bool = True,
) -> Breakdown:
    """A breakdown of counts by category, in the order of ``labels`` (the dimension's
    choices), then any category the choices do not know, by code. Categories with
    nothing counted are left out."""
    labels = labels or {}
    order = [key for key in labels if counts.get(key)]
    order += sorted(key for key in counts if key not in labels and counts[key])
    cells = tuple(Cell(key, labels.get(key, key), int(counts[key])) for key in order)
    return Breakdown(dimension, label, cells, exclusive)


def unbalanced(measure: Measure) -> list[str]:
    """The exclusive breakdowns of a count whose cells do not add up to its total:
    empty when the measure is consistent."""
    if measure.n is not None or measure.total is None:
        return []
    return [b.dimension for b in measure.breakdowns if b.exclusive and b.sum != measure.total]


def mean(values: Iterable[float]) -> float | None:
    """The arithmetic mean, None for no values."""
    values = list(values)
    return sum(values) / len(values) if values else None


def growth(first: Mapping[str, float], latest: Mapping[str, float]) -> float | None:
    """The mean change, over the skills assessed both times, from ``first`` to
    ``latest``; None if no skill was assessed both times."""
    common = sorted(set(first) & set(latest))
    return mean(latest[skill] - first[skill] for skill in common)


def skill_changes(first: Mapping[str, float], latest: Mapping[str, float]) -> dict[str, float]:
    """Each skill's change from ``first`` to ``latest``, for skills assessed both times."""
    return {skill: latest[skill] - first[skill] for skill in set(first) & set(latest)}


def first_and_latest(
    assessments: Iterable[_Assessment], order: Mapping[str, int]
) -> tuple[_Assessment, _Assessment] | None:
    """``assessments``: (stage, when, scores) of one person. Return the first and the
    latest of them, ordered by stage (``order``) then by when; None if fewer than two
    stages were assessed."""
    ranked = sorted(assessments, key=lambda a: (order[a[0]], a[1]))
    if len({a[0] for a in ranked}) < 2:
        return None
    return ranked[0], ranked[-1]


# --- what each audience sees ---------------------------------------------------------


class Audience(StrEnum):
    STAFF = "staff"  # everything, exactly
    DONOR = "donor"  # the breakdowns staff chose to share, exactly
    OBSERVER = "observer"  # no count of people under SMALL_CELL
    PUBLIC = "public"  # as observers


HIDDEN_SMALL = "small"  # the cell counts fewer than SMALL_CELL people (or is given away)


@dataclass(frozen=True)
class ShownCell:
    key: str
    label: object
    value: int | float | None  # None when hidden
    hidden: str | None = None  # None, or why: disclosure.PRIMARY / SECONDARY


@dataclass(frozen=True)
class ShownBreakdown:
    dimension: str
    label: object
    cells: tuple[ShownCell, ...]


@dataclass(frozen=True)
class Shown:
    """A measure as one audience may see it. ``withheld``: dimensions left out."""

    total: int | float | None
    total_hidden: str | None
    breakdowns: tuple[ShownBreakdown, ...]
    withheld: tuple[str, ...] = ()


def shown_to(
    measure: Measure,
    audience: Audience,
    *,
    shared: Iterable[str] = (),
    threshold: int = SMALL_CELL,
) -> Shown:
    """``measure`` as ``audience`` may see it: the one rule for every page and export.

    Staff see everything. A donor report shows the breakdowns named in ``shared`` (the
    choice staff recorded) and withholds the rest. Observers and the public never see a
    count of people from 1 to ``threshold`` - 1, nor a mean over fewer than
    ``threshold`` people: ``people.disclosure`` hides them, and where an exclusive
    breakdown and its total would give a hidden cell away, it hides one more.
    Counts of things (meetings, papers) are not about people and are shown as they are.
    """
    audience = Audience(audience)
    breakdowns = measure.breakdowns
    withheld: tuple[str, ...] = ()
    if audience is Audience.DONOR:
        shared = set(shared)
        withheld = tuple(b.dimension for b in breakdowns if b.dimension not in shared)
        breakdowns = tuple(b for b in breakdowns if b.dimension in shared)
    if audience in (Audience.STAFF, Audience.DONOR) or not measure.people:
        return Shown(
            measure.total,
            None,
            tuple(_exact(b) for b in breakdowns),
            withheld,
        )
    if measure.n is not None:
        return _protected_means(measure, breakdowns, threshold)
    total_hidden = _primary(measure.total, threshold)
    shown = []
    for breakdown in breakdowns:
        values = [c.value or 0 for c in breakdown.cells]
        if breakdown.exclusive and values:
            # One row whose total is the measure's: hiding follows row and total equations.
            marks = disclosure.protect([values], threshold)
            hidden = marks.cells[0]
            if marks.total:
                total_hidden = total_hidden or marks.total
        else:
            hidden = [_primary(v, threshold) for v in values]
        shown.append(
            ShownBreakdown(
                breakdown.dimension,
                breakdown.label,
                tuple(
                    ShownCell(c.key, c.label, None if mark else c.value, mark)
                    for c, mark in zip(breakdown.cells, hidden, strict=True)
                ),
            )
        )
    return Shown(None if total_hidden else measure.total, total_hidden, tuple(shown), withheld)


def _primary(value: float | None, threshold: int) -> str | None:
    return disclosure.PRIMARY if value is not None and 0 < value < threshold else None


def _exact(breakdown: Breakdown) -> ShownBreakdown:
    return ShownBreakdown(
        breakdown.dimension,
        breakdown.label,
        tuple(ShownCell(c.key, c.label, c.value) for c in breakdown.cells),
    )


def _protected_means(measure: Measure, breakdowns: tuple[Breakdown, ...], threshold: int) -> Shown:
    """A mean over fewer than ``threshold`` people is hidden: it says too much of each."""

    def hidden(n: int | None) -> str | None:
        return disclosure.PRIMARY if n is not None and n < threshold else None

    total_hidden = hidden(measure.n) if measure.total is not None else None
    return Shown(
        None if total_hidden else measure.total,
        total_hidden,
        tuple(
            ShownBreakdown(
                b.dimension,
                b.label,
                tuple(
                    ShownCell(c.key, c.label, None if hidden(c.n) else c.value, hidden(c.n))
                    for c in b.cells
                ),
            )
            for b in breakdowns
        ),
    )
