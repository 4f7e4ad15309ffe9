"""Balanced cohort selection as an integer program. Pure: numpy and scipy (HiGHS).

Pick ``size`` candidates maximising the total score, subject to quotas (minimum and
maximum per attribute value). When the quotas cannot all be met, name the ones in
conflict (an irreducible set: drop any one of them and the rest can be met) instead of
failing. Each decision is explained against the unconstrained choice (the top scores).
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp


@dataclass(frozen=True)
class Candidate:
    id: object
    score: float
    attributes: dict[str, str]


@dataclass(frozen=True)
class Quota:
    attribute: str
    value: str
    minimum: int = 0
    maximum: int | None = None

    def describe(self) -> str:
        bounds = f"at least {self.minimum}" if self.minimum else ""
        if self.maximum is not None:
            bounds = (bounds + " and " if bounds else "") + f"at most {self.maximum}"
        return f"{self.attribute} = {self.value}: {bounds}"

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Quota":
        maximum = data.get("maximum")
        return cls(
            attribute=str(data["attribute"]),
            value=str(data["value"]),
            minimum=int(data.get("minimum") or 0),
            maximum=None if maximum is None else int(maximum),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "attribute": self.attribute,
            "value": self.value,
            "minimum": self.minimum,
            "maximum": self.maximum,
        }


# Why a candidate was or was not chosen.
ON_SCORE = "score"  # among the top scores, and chosen
FOR_BALANCE = "balance"  # below the top scores, chosen to meet a minimum
PASSED_OVER = "passed_over"  # among the top scores, left out for a maximum or to make room
NOT_TOP = "not_top"  # neither


# The English words of each kind: what ``str(reason)`` says, and what the first release
# stored in ``CohortDecision.reasons`` (so that its rows can be read back into kinds).
KIND_TEXT = {
    ON_SCORE: "chosen on score",
    FOR_BALANCE: "chosen for balance",
    PASSED_OVER: "passed over for balance",
    NOT_TOP: "not among the highest scores",
}


@dataclass(frozen=True)
class Reason:
    """Why a candidate was or was not chosen, in codes and numbers: a ``kind`` and the
    quotas that decided it. ``text`` is only set for a row of the first release whose
    English sentence could not be read back into a kind (``kind`` is then empty)."""

    kind: str
    quotas: tuple[Quota, ...] = ()  # the quotas that decided it
    text: str = ""

    def __str__(self) -> str:
        if self.kind not in KIND_TEXT:
            return self.text
        return _reason(KIND_TEXT[self.kind], [q.describe() for q in self.quotas])

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str) -> "Reason":
        """A reason as stored: ``{"kind", "quotas"}``, or the first release's English
        sentence (``str(reason)``), read back into its kind and quotas when it says
        exactly what such a reason would say, else kept as written in ``text``."""
        if isinstance(data, str):
            return _from_sentence(data)
        kind = str(data.get("kind") or "")
        return cls(
            kind=kind if kind in KIND_TEXT else "",
            quotas=tuple(Quota.from_json(q) for q in data.get("quotas") or ()),
            text=str(data.get("text") or ""),
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "quotas": [q.to_json() for q in self.quotas]}
        if self.text:
            data["text"] = self.text
        return data


@dataclass(frozen=True)
class Recorded:
    """What a recorded cohort decision keeps of the optimiser's choice (its ``quotas``
    and ``reasons`` columns): the quotas it was asked to meet, and each candidate's
    reason under the candidate's id as text (JSON object keys are text), read-only."""

    quotas: tuple[Quota, ...] = ()
    reasons: Mapping[str, Reason] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_json(cls, quotas: Iterable[Mapping[str, Any]] | None, reasons: Any) -> "Recorded":
        return cls(
            quotas=read_quotas(quotas or ()),
            reasons=MappingProxyType(read_reasons(reasons or {})),
        )

    def reason_for(self, candidate: object) -> Reason | None:
        return self.reasons.get(str(candidate))


def read_quotas(rows: Iterable[Mapping[str, Any]]) -> tuple[Quota, ...]:
    return tuple(Quota.from_json(row) for row in rows)


def quotas_to_json(quotas: Iterable[Quota]) -> list[dict[str, Any]]:
    return [q.to_json() for q in quotas]


def read_reasons(data: Mapping[str, Any]) -> dict[str, Reason]:
    return {str(key): Reason.from_json(value) for key, value in data.items()}


def reasons_to_json(reasons: Mapping[object, Reason]) -> dict[str, dict[str, Any]]:
    """Reasons for a JSON column, keyed by the candidate ids as text."""
    return {str(key): reason.to_json() for key, reason in reasons.items()}


_SENTENCE = re.compile(r"(?P<text>[^(]+?)(?: \((?P<quotas>.*)\))?")
_QUOTA = re.compile(
    r"(?P<attribute>[^=;]+?) = (?P<value>[^;]*?): "
    r"(?:at least (?P<minimum>\d+))?(?: and )?(?:at most (?P<maximum>\d+))?"
)


def _from_sentence(sentence: str) -> Reason:
    """The first release's ``str(reason)`` read back into a kind and quotas; kept as
    written (``text``) when it does not read back into exactly the same sentence."""
    kept = Reason("", text=sentence)
    match = _SENTENCE.fullmatch(sentence)
    kinds = {text: kind for kind, text in KIND_TEXT.items()}
    if match is None or match["text"] not in kinds:
        return kept
    quotas = []
    for part in match["quotas"].split("; ") if match["quotas"] else []:
        q = _QUOTA.fullmatch(part)
        if q is None:
            return kept
        maximum = q["maximum"]
        quotas.append(
            Quota(
                q["attribute"],
                q["value"],
                int(q["minimum"] or 0),
                None if maximum is None else int(maximum),
            )
        )
    reason = Reason(kinds[match["text"]], tuple(quotas))
    return reason if str(reason) == sentence else kept


@dataclass(frozen=True)
class Selection:
    chosen: list[object]  # the chosen candidates' ids
    objective: float
    unconstrained_objective: float
    conflicts: list[str]
    reasons: dict[object, Reason] = field(default_factory=dict)  # candidate id -> Reason
    conflicting: list[Quota] = field(default_factory=list)  # the Quota objects in conflict

    @property
    def given_up(self) -> float:
        """Score given up for balance."""
        return self.unconstrained_objective - self.objective


def _solve(
    scores: NDArray[np.float64],
    size: int,
    quotas: Sequence[Quota],
    members: Sequence[NDArray[np.bool_]],
) -> NDArray[np.bool_] | None:
    n = len(scores)
    rows = [np.ones(n)]
    lower: list[float] = [size]
    upper: list[float] = [size]
    for quota, mask in zip(quotas, members, strict=True):
        rows.append(mask.astype(float))
        lower.append(quota.minimum)
        upper.append(quota.maximum if quota.maximum is not None else np.inf)
    result = milp(
        c=-np.asarray(scores, dtype=float),
        constraints=LinearConstraint(np.vstack(rows), lower, upper),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        options={"presolve": True},
    )
    if result.status != 0 or result.x is None:
        return None
    chosen: NDArray[np.bool_] = np.round(result.x).astype(bool)
    return chosen


def _conflicts(
    scores: NDArray[np.float64],
    size: int,
    quotas: Sequence[Quota],
    members: Sequence[NDArray[np.bool_]],
) -> list[Quota]:
    """An irreducible set of quotas that cannot be met together (deletion filter)."""
    keep = list(range(len(quotas)))
    for index in list(keep):
        trial = [i for i in keep if i != index]
        if _solve(scores, size, [quotas[i] for i in trial], [members[i] for i in trial]) is None:
            keep = trial
    return [quotas[i] for i in keep]


def select_cohort(candidates: list[Candidate], size: int, quotas: list[Quota]) -> Selection:
    """Choose ``size`` candidates maximising total score under ``quotas``."""
    if size < 0:
        raise ValueError("size must not be negative")
    scores = np.array([c.score for c in candidates], dtype=float)
    if not np.isfinite(scores).all():
        raise ValueError("scores must be finite numbers")
    order = np.argsort(-scores, kind="stable")
    top = set(order[:size].tolist())
    unconstrained = float(scores[order[:size]].sum()) if size <= len(candidates) else float("nan")
    if size > len(candidates):
        return Selection(
            [], 0.0, unconstrained, [f"{size} places but only {len(candidates)} candidates"]
        )
    members = [
        np.array([c.attributes.get(q.attribute) == q.value for c in candidates]) for q in quotas
    ]
    chosen_mask = _solve(scores, size, quotas, members)
    if chosen_mask is None:
        conflicting = _conflicts(scores, size, quotas, members)
        messages = [q.describe() for q in conflicting]
        for quota, mask in zip(quotas, members, strict=True):
            if quota in conflicting and mask.sum() < quota.minimum:
                messages[conflicting.index(quota)] += f" (only {int(mask.sum())} candidates)"
        if not conflicting:
            messages = [f"{size} places cannot be filled"]
        messages.append(f"cohort size {size}")
        return Selection([], 0.0, unconstrained, messages, conflicting=conflicting)
    chosen = [candidates[i].id for i in np.flatnonzero(chosen_mask)]
    objective = float(scores[chosen_mask].sum())
    filled = [int((mask & chosen_mask).sum()) for mask in members]
    reasons: dict[object, Reason] = {}
    for i, candidate in enumerate(candidates):
        mine = [k for k, mask in enumerate(members) if mask[i]]
        if chosen_mask[i] and i in top:
            reasons[candidate.id] = Reason(ON_SCORE)
        elif chosen_mask[i]:
            deciding = [q for k in mine if (q := quotas[k]).minimum and filled[k] == q.minimum]
            reasons[candidate.id] = Reason(FOR_BALANCE, tuple(deciding))
        elif i in top:
            deciding = [
                q for k in mine if (q := quotas[k]).maximum is not None and filled[k] >= q.maximum
            ]
            reasons[candidate.id] = Reason(PASSED_OVER, tuple(deciding))
        else:
            reasons[candidate.id] = Reason(NOT_TOP)
    return Selection(chosen, objective, unconstrained, [], reasons)


def _reason(text: str, quotas: list[str]) -> str:
    return f"{text} ({'; '.join(quotas)})" if quotas else text
