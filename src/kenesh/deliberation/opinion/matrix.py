"""From vote rows to a sparse participant x statement matrix. Pure: numpy and scipy."""

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import sparse


@dataclass(frozen=True)
class VoteMatrix:
    """Votes as two aligned CSR matrices: ``voted`` (1 where a vote exists, passes
    included) and ``value`` (+1 agree, -1 disagree, 0 pass). Row and column order
    follow ``participants`` and ``statements`` (sorted ids)."""

    participants: np.ndarray
    statements: np.ndarray
    voted: sparse.csr_matrix
    value: sparse.csr_matrix

    @property
    def shape(self) -> tuple[int, int]:
        shape: tuple[int, int] = self.voted.shape
        return shape

    def votes_per_participant(self) -> np.ndarray:
        return np.asarray(self.voted.sum(axis=1)).ravel()

    def votes_per_statement(self) -> np.ndarray:
        return np.asarray(self.voted.sum(axis=0)).ravel()

    def keep(
        self, rows: np.ndarray | None = None, columns: np.ndarray | None = None
    ) -> "VoteMatrix":
        """The same votes restricted to some participants and/or statements."""
        voted, value = self.voted, self.value
        participants, statements = self.participants, self.statements
        if rows is not None:
            voted, value, participants = voted[rows], value[rows], participants[rows]
        if columns is not None:
            voted, value = voted[:, columns], value[:, columns]
            statements = statements[columns]
        return VoteMatrix(participants, statements, voted.tocsr(), value.tocsr())


def _ids(values: ArrayLike, name: str) -> np.ndarray:
    if isinstance(values, list | tuple):
        kinds = {type(v) for v in values}
        if type(None) in kinds:
            raise ValueError(f"{name} contains a missing id (None or NaN)")
        if len(kinds - {bool}) > 1 and not kinds <= {int, float, np.int64, np.float64}:
            raise ValueError(f"{name} mixes id types: {sorted(k.__name__ for k in kinds)}")
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a flat sequence")
    if array.dtype == object:
        if any(v is None or (isinstance(v, float) and np.isnan(v)) for v in array):
            raise ValueError(f"{name} contains a missing id (None or NaN)")
        kinds = {type(v) for v in array}
        if len(kinds) > 1:
            raise ValueError(f"{name} mixes id types: {sorted(k.__name__ for k in kinds)}")
    elif array.dtype.kind == "f":
        if np.isnan(array).any():
            raise ValueError(f"{name} contains NaN")
        if not np.all(array == np.round(array)):
            raise ValueError(f"{name} must be whole numbers or strings")
        array = array.astype(np.int64)
    return array


def build(participant_ids: ArrayLike, statement_ids: ArrayLike, values: ArrayLike) -> VoteMatrix:
    """Build the matrix from three equal-length sequences, one row per vote; for a
    pair voted twice, the later row wins. Raises ValueError on malformed input."""
    participants = _ids(participant_ids, "participant_ids")
    statements = _ids(statement_ids, "statement_ids")
    votes = np.asarray(values, dtype=float)
    if not (len(participants) == len(statements) == len(votes)):
        raise ValueError(
            "participant_ids, statement_ids and values must have the same length "
            f"({len(participants)}, {len(statements)}, {len(votes)})"
        )
    if not np.isfinite(votes).all():
        raise ValueError("values contain NaN or infinity")
    if not np.isin(votes, (-1.0, 0.0, 1.0)).all():
        raise ValueError("values must be +1 (agree), -1 (disagree) or 0 (pass)")
    participant_index, rows = _index(participants)
    statement_index, columns = _index(statements)
    shape = (len(participant_index), len(statement_index))
    keys, last_votes = _last_votes(rows, columns, votes, shape)
    # Keys come sorted by (row, column), so the CSR arrays are built without a sort.
    cell_rows = keys // shape[1]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(cell_rows, minlength=shape[0]))])
    indices = (keys % shape[1]).astype(np.int32)
    voted = sparse.csr_matrix((np.ones(len(keys)), indices, indptr), shape=shape)
    value = sparse.csr_matrix(
        (last_votes.astype(float), indices.copy(), indptr.copy()), shape=shape
    )
    return VoteMatrix(participant_index, statement_index, voted, value)


DENSE_LIMIT = 50_000_000  # cells; above this the keys are sorted instead


def _index(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct ids and each row's position among them. Small non-negative
    integer ids (database keys) take a linear path; others are sorted."""
    if ids.dtype.kind in "iu" and len(ids) and ids.min() >= 0 and ids.max() < 4 * len(ids) + 1024:
        present = np.zeros(int(ids.max()) + 1, dtype=bool)
        present[ids] = True
        position = np.cumsum(present) - 1
        return np.flatnonzero(present), position[ids]
    return np.unique(ids, return_inverse=True)


def _last_votes(
    rows: np.ndarray, columns: np.ndarray, votes: np.ndarray, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (participant, statement) cells as sorted keys row * statements +
    column, with the value of the last row voted for each."""
    keys = rows.astype(np.int64) * shape[1] + columns
    if len(keys) == 0:
        return keys, votes
    if shape[0] * shape[1] <= DENSE_LIMIT:
        # One pass: the highest row number per cell is the last vote; scanning the
        # cells in order yields the keys already sorted.
        width = np.int32 if len(keys) < 2**31 else np.int64
        last: np.ndarray = np.full(shape[0] * shape[1], -1, dtype=width)
        np.maximum.at(last, keys, np.arange(len(keys), dtype=width))
        cells = np.flatnonzero(last >= 0)
        return cells, votes[last[cells]]
    # The last row for a pair wins: the first occurrence in reversed order.
    # Indexed, not unpacked: unpacking np.unique's overloaded result crashes mypy 1.19.
    unique = np.unique(keys[::-1], return_index=True)
    cells, first_reversed = unique[0], unique[1]
    return cells, votes[len(keys) - 1 - first_reversed]
