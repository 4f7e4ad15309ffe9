"""A call's rubric as ``Call.criteria`` stores it, read into frozen records. Pure.

The column holds a JSON list of ``{"key", "label", "label_ru", "weight"}``; the rest of
the code reads it as ``Criterion`` records (``Call.rubric``) and writes it back with
``to_json``, so no view or form handles the raw dictionaries, their missing keys or the
int-or-float weights."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


@dataclass(frozen=True)
class Criterion:
    """One criterion: its stable key (what reviews' scores are stored under), its labels
    and its weight (per cent once saved through the call editor)."""

    key: str
    label: str
    weight: Decimal
    label_ru: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Criterion":
        return cls(
            key=str(data["key"]),
            label=str(data.get("label") or ""),
            label_ru=str(data.get("label_ru") or ""),
            weight=Decimal(str(data["weight"])),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "label_ru": self.label_ru,
            "weight": number(self.weight),
        }

    def label_for(self, russian: bool) -> str:
        """The label in Russian or English, each falling back to the other, then the key."""
        if russian and self.label_ru:
            return self.label_ru
        return self.label or self.label_ru or self.key


def read(rows: Iterable[Mapping[str, Any]]) -> tuple[Criterion, ...]:
    return tuple(Criterion.from_json(row) for row in rows)


def to_json(criteria: Iterable[Criterion]) -> list[dict[str, Any]]:
    return [criterion.to_json() for criterion in criteria]


def number(value: Decimal) -> int | float:
    """A weight for JSON, to a tenth: whole numbers as int, others as float."""
    value = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return int(value) if value == value.to_integral_value() else float(value)


def shares(criteria: Iterable[Criterion]) -> list[tuple[str, Decimal]]:
    """What scoring reads of a rubric: each key and its share of the weights, so that
    weights scaled to 100 read the same as the weights they were scaled from."""
    criteria = tuple(criteria)
    total = sum((c.weight for c in criteria), Decimal(0)) or Decimal(1)
    return [(c.key, (c.weight / total).quantize(Decimal("0.001"))) for c in criteria]
