"""An opinion map as ``Analysis.result`` stores it, read into frozen records. Pure.

The column holds the JSON that ``MapResult.to_json`` writes: group, participant and
statement ids as string keys (JSON has no others), each agreement as a list
``[agree, disagree, passed, share, low, high]``. The rest of the code reads it as a
``MapResult`` (``Analysis.map_result``), with int keys and named fields, so no view,
query or template turns keys back and forth or guesses at missing ones.

``MapResult.from_json`` reads every map stored since the first release: a key missing
from the stored dictionary reads as empty (an analysis that found no map stores ``{}``).
``MapResult.to_json`` writes a map read from a stored one back exactly as it was stored,
and ``MapResult.from_map(...).to_json()`` is what is stored (and exported) for a new map.
"""

import math
import operator
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, SupportsIndex, cast

if TYPE_CHECKING:
    from .analysis import Agreement, OpinionMap, Representative


@dataclass(frozen=True, slots=True)
class Tally:
    """How one set of people (a group, or those of one declared country) voted on one
    statement: counts, the share who agreed among those who saw it, and its 90% Wilson
    interval (``None`` where it could not be computed)."""

    agree: int
    disagree: int
    passed: int
    share: float
    low: float | None
    high: float | None

    @property
    def seen(self) -> int:
        return self.agree + self.disagree + self.passed

    @classmethod
    def from_json(cls, data: Sequence[Any]) -> "Tally":
        agree, disagree, passed, share, low, high = data
        return cls(int(agree), int(disagree), int(passed), float(share), _real(low), _real(high))

    @classmethod
    def from_agreement(cls, a: "Agreement") -> "Tally":
        return cls(a.agree, a.disagree, a.passed, round(a.share, 4), _num(a.low), _num(a.high))

    def to_json(self) -> list[Any]:
        return [self.agree, self.disagree, self.passed, self.share, self.low, self.high]


@dataclass(frozen=True, slots=True)
class Pick:
    """A statement representative of a group: the way the group leans on it ("agree"
    or "disagree"), the group's share that way, and whether that is significant (a group
    with no significant statement still shows its best one)."""

    statement: int
    direction: str
    share: float
    significant: bool

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Pick":
        return cls(
            statement=_int(data["statement"]),
            direction=str(data["direction"]),
            share=float(data["share"]),
            significant=bool(data["significant"]),
        )

    @classmethod
    def from_representative(cls, r: "Representative") -> "Pick":
        return cls(_int(r.statement), r.direction, round(float(r.share), 4), bool(r.significant))

    def to_json(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "direction": self.direction,
            "share": self.share,
            "significant": self.significant,
        }


@dataclass(frozen=True, slots=True)
class MapResult:
    """One analysis's opinion map: groups by number (0 the largest), participants by id,
    statements by number. ``groups`` places the clustered participants in their group;
    ``coordinates`` places every participant on the map."""

    k: int
    silhouette: float
    stability: float | None  # None when no bootstrap was run
    group_sizes: dict[int, int]
    group_stability: dict[int, float | None]
    groups: dict[int, int]  # participant -> group
    coordinates: dict[int, tuple[float, float]]  # participant -> (x, y)
    representative: dict[int, tuple[Pick, ...]]  # group -> its representative statements
    consensus: tuple[int, ...]  # agreed by every group, strongest first
    consensus_disagree: tuple[int, ...]  # rejected by every group
    group_consensus: dict[int, float]  # statement -> group-informed consensus
    bridging: dict[int, float]  # statement -> bridging score
    group_agreement: dict[int, dict[int, Tally]]  # group -> statement -> Tally
    by_attribute: dict[str, dict[str, dict[int, Tally]]]  # attribute -> value -> statement
    common_ground: dict[str, tuple[int, ...]]  # attribute -> statements most of each agreed
    n_votes: int

    def agreement(self, group: int, statement: int) -> Tally | None:
        """How ``group`` voted on ``statement``; None when none of it saw the statement."""
        rows = self.group_agreement.get(group)
        return None if rows is None else rows.get(statement)

    def most_bridging(self, limit: int) -> list[tuple[int, float]]:
        """The ``limit`` statements with the highest bridging scores, highest first."""
        return sorted(self.bridging.items(), key=lambda pair: -pair[1])[:limit]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "MapResult":
        group_sizes = {_int(g): int(n) for g, n in data.get("group_sizes", {}).items()}
        return cls(
            k=int(data.get("k", len(group_sizes))),
            silhouette=float(data.get("silhouette", 0.0)),
            stability=_real(data.get("stability")),
            group_sizes=group_sizes,
            group_stability={_int(g): _real(v) for g, v in data.get("group_stability", {}).items()},
            groups={_int(p): int(g) for p, g in data.get("groups", {}).items()},
            coordinates={
                _int(p): (float(x), float(y)) for p, (x, y) in data.get("coordinates", {}).items()
            },
            representative={
                _int(g): tuple(Pick.from_json(row) for row in rows)
                for g, rows in data.get("representative", {}).items()
            },
            consensus=_ints(data.get("consensus", ())),
            consensus_disagree=_ints(data.get("consensus_disagree", ())),
            group_consensus=_reals(data.get("group_consensus", {})),
            bridging=_reals(data.get("bridging", {})),
            group_agreement={
                _int(g): _tallies(rows) for g, rows in data.get("group_agreement", {}).items()
            },
            by_attribute={
                str(attribute): {str(value): _tallies(rows) for value, rows in values.items()}
                for attribute, values in data.get("by_attribute", {}).items()
            },
            common_ground={
                str(a): _ints(statements) for a, statements in data.get("common_ground", {}).items()
            },
            n_votes=int(data.get("n_votes", 0)),
        )

    @classmethod
    def from_map(cls, opinion_map: "OpinionMap") -> "MapResult":
        """What is stored of a newly drawn map: ids as ints, shares and coordinates to four
        places, consensus and bridging scores to five."""
        m = opinion_map
        return cls(
            k=m.k,
            silhouette=round(m.silhouette, 4),
            stability=_num(m.stability),
            group_sizes=dict(m.group_sizes),
            group_stability={g: _num(v) for g, v in m.group_stability.items()},
            groups={_int(p): g for p, g in m.groups.items()},
            coordinates={
                _int(p): (round(x, 4), round(y, 4)) for p, (x, y) in m.coordinates.items()
            },
            representative={
                g: tuple(Pick.from_representative(r) for r in details)
                for g, details in m.representative_details.items()
            },
            consensus=_ints(m.consensus),
            consensus_disagree=_ints(m.consensus_disagree),
            group_consensus={_int(s): round(v, 5) for s, v in m.group_consensus.items()},
            bridging={_int(s): round(v, 5) for s, v in m.bridging.items()},
            group_agreement={
                g: {_int(s): Tally.from_agreement(a) for s, a in rows.items()}
                for g, rows in m.group_agreement.items()
            },
            by_attribute={
                attribute: {
                    value: {_int(s): Tally.from_agreement(a) for s, a in rows.items()}
                    for value, rows in values.items()
                }
                for attribute, values in m.by_attribute.items()
            },
            common_ground={a: _ints(s) for a, s in m.common_ground.items()},
            n_votes=m.n_votes,
        )

    def to_json(self) -> dict[str, Any]:
        """The stored form, keys in the order they have always been written."""
        return {
            "k": self.k,
            "silhouette": self.silhouette,
            "stability": self.stability,
            "group_sizes": {str(g): n for g, n in self.group_sizes.items()},
            "group_stability": {str(g): v for g, v in self.group_stability.items()},
            "groups": {str(p): g for p, g in self.groups.items()},
            "coordinates": {str(p): [x, y] for p, (x, y) in self.coordinates.items()},
            "representative": {
                str(g): [pick.to_json() for pick in picks]
                for g, picks in self.representative.items()
            },
            "consensus": list(self.consensus),
            "consensus_disagree": list(self.consensus_disagree),
            "group_consensus": {str(s): v for s, v in self.group_consensus.items()},
            "bridging": {str(s): v for s, v in self.bridging.items()},
            "group_agreement": {
                str(g): {str(s): t.to_json() for s, t in rows.items()}
                for g, rows in self.group_agreement.items()
            },
            "by_attribute": {
                attribute: {
                    value: {str(s): t.to_json() for s, t in rows.items()}
                    for value, rows in values.items()
                }
                for attribute, values in self.by_attribute.items()
            },
            "common_ground": {a: list(s) for a, s in self.common_ground.items()},
            "n_votes": self.n_votes,
        }


def _int(value: object) -> int:
    """An id: a JSON key (a string), or an int from the analysis."""
    if isinstance(value, str):
        return int(value)
    return operator.index(cast(SupportsIndex, value))


def _ints(values: Iterable[Hashable]) -> tuple[int, ...]:
    return tuple(_int(v) for v in values)


def _real(value: object) -> float | None:
    return None if value is None else float(cast(float, value))


def _reals(data: Mapping[str, Any]) -> dict[int, float]:
    return {_int(s): float(v) for s, v in data.items()}


def _tallies(rows: Mapping[str, Sequence[Any]]) -> dict[int, Tally]:
    return {_int(s): Tally.from_json(row) for s, row in rows.items()}


def _num(x: float | None) -> float | None:
    """A number as stored: to four places, None for a missing or undefined one."""
    return None if x is None or math.isnan(x) else round(float(x), 4)
