"""Small-cell protection for tables of counts shown to people who may not see names.

Pure: no Django, no kenesh. A count under ``threshold`` (but not zero) is hidden
("primary suppression"). Then, since a table's totals let a reader subtract, every row
and column equation (cells + total) must not have exactly one hidden term: where it
does, the smallest other non-zero count in it is hidden too ("secondary suppression").
This stops single-table arithmetic; it does not stop differencing across several tables,
which is why non-staff get fixed tables without filters.
"""

from collections.abc import Sequence
from dataclasses import dataclass

# A count's key: ("c", row, column), ("r", row), ("k", column) or ("t",).
Key = tuple[str | int, ...]

PRIMARY = "primary"
SECONDARY = "secondary"


@dataclass(frozen=True)
class Protected:
    """Hidden marks (None, PRIMARY or SECONDARY) for each cell, row total, column total
    and the grand total of a table."""

    cells: list[list[str | None]]
    row_totals: list[str | None]
    column_totals: list[str | None]
    total: str | None


def protect(matrix: Sequence[Sequence[float]], threshold: float = 5) -> Protected:
    """Mark the counts of ``matrix`` (rows x columns) and its totals to hide."""
    rows = len(matrix)
    columns = len(matrix[0]) if rows else 0
    row_totals = [sum(row) for row in matrix]
    column_totals = [sum(matrix[i][j] for i in range(rows)) for j in range(columns)]
    total = sum(row_totals)

    # Every count gets a key; each equation is a list of keys that sum to the last one.
    values: dict[Key, float] = {
        ("c", i, j): matrix[i][j] for i in range(rows) for j in range(columns)
    }
    values.update({("r", i): row_totals[i] for i in range(rows)})
    values.update({("k", j): column_totals[j] for j in range(columns)})
    values[("t",)] = total
    marks: dict[Key, str | None] = {
        key: PRIMARY if 0 < value < threshold else None for key, value in values.items()
    }
    equations: list[list[Key]] = [
        [("c", i, j) for j in range(columns)] + [("r", i)] for i in range(rows)
    ]
    equations += [[("c", i, j) for i in range(rows)] + [("k", j)] for j in range(columns)]
    equations.append([("r", i) for i in range(rows)] + [("t",)])
    equations.append([("k", j) for j in range(columns)] + [("t",)])

    changed = True
    while changed:
        changed = False
        for equation in equations:
            hidden = [key for key in equation if marks[key]]
            if len(hidden) != 1:
                continue
            candidates = [key for key in equation if not marks[key] and values[key] > 0]
            if not candidates:
                continue
            smallest = min(candidates, key=lambda key: (values[key], key))
            marks[smallest] = SECONDARY
            changed = True

    return Protected(
        cells=[[marks[("c", i, j)] for j in range(columns)] for i in range(rows)],
        row_totals=[marks[("r", i)] for i in range(rows)],
        column_totals=[marks[("k", j)] for j in range(columns)],
        total=marks[("t",)],
    )
