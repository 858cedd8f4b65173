"""Entities as columns: one numpy array per field, one row per entity.

A single case is a population of one; a city is the same tables, longer. Money
columns are int64 fen, dates ``datetime64[D]``, flags bool, ids and codes
object arrays of str. Relations are id columns (a loan's ``borrower`` is a
party id) resolved to row positions with :func:`index_of`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt

Column = npt.NDArray[Any]
BoolArray = npt.NDArray[np.bool_]


@dataclass
class Table:
    name: str
    columns: dict[str, Column] = field(default_factory=dict)
    _index: dict[str, _Index] = field(default_factory=dict, repr=False)
    # rows_of(keys) per (column, keys array): twenty rules looking up the same ``loans.borrower``
    # search once. Keyed by the array's identity, and the array is held, so the key stays its own;
    # columns are never changed in place.
    _found: dict[tuple[str, int], tuple[Column, npt.NDArray[np.intp]]] = field(
        default_factory=dict, repr=False
    )

    def __post_init__(self) -> None:
        lengths = {len(c) for c in self.columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"table {self.name}: columns of different lengths {lengths}")

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def __getitem__(self, column: str) -> Column:
        try:
            return self.columns[column]
        except KeyError:
            raise KeyError(f"table {self.name} has no column {column}") from None

    def __contains__(self, column: object) -> bool:
        return column in self.columns

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def rows_of(self, keys: Column, column: str = "id") -> npt.NDArray[np.intp]:
        """Row position of each key in ``column`` (-1 where absent); the index is built once per table."""
        memo = (column, id(keys))
        hit = self._found.get(memo)
        if hit is not None and hit[0] is keys:
            return hit[1]
        if column not in self._index:
            self._index[column] = _Index.of(self[column])
        rows = self._index[column].find(np.asarray(keys))
        self._found[memo] = (keys, rows)
        return rows

    def take(self, rows: npt.NDArray[np.intp]) -> Table:
        return Table(self.name, {k: v[rows] for k, v in self.columns.items()})


@dataclass(frozen=True)
class _Index:
    """Where each value of a column sits: a hash map for strings (sorting Python strings compares
    them one by one in Python: 7× slower at 10^6), a sorted copy for numbers and dates."""

    values: Column
    positions: dict[Any, int] | None = None
    order: npt.NDArray[np.intp] | None = None

    @classmethod
    def of(cls, values: Column) -> _Index:
        if values.dtype == np.object_:
            # Built backwards so the first row of a repeated value wins, as a stable sort gives.
            n = len(values)
            return cls(
                values, positions=dict(zip(reversed(values.tolist()), range(n - 1, -1, -1), strict=True))
            )
        order = np.argsort(values, kind="stable")
        return cls(values[order], order=order)

    def find(self, keys: Column) -> npt.NDArray[np.intp]:
        if self.positions is not None:
            get = self.positions.get
            return np.fromiter(map(get, keys.tolist(), repeat(-1)), dtype=np.intp, count=len(keys))
        assert self.order is not None
        return _positions(keys.astype(self.values.dtype, copy=False), self.order, self.values)


def index_of(keys: Column, ids: Column) -> npt.NDArray[np.intp]:
    """Row position in ``ids`` of each key; -1 where the key is absent."""
    return _Index.of(np.asarray(ids)).find(np.asarray(keys))


def _positions(keys: Column, order: npt.NDArray[np.intp], sorted_ids: Column) -> npt.NDArray[np.intp]:
    if len(sorted_ids) == 0:
        return np.full(len(keys), -1, dtype=np.intp)
    pos = np.searchsorted(sorted_ids, keys)
    pos = np.clip(pos, 0, len(sorted_ids) - 1)
    found = sorted_ids[pos] == keys
    return np.where(found, order[pos], -1).astype(np.intp)


def constant(n: int, value: Any) -> Column:
    """n times one value, as a read-only view of a single element (a rate shown on every line of a
    city costs nothing per line)."""
    one = np.empty(1, dtype=object if isinstance(value, str) else None)
    one[0] = value
    return np.broadcast_to(one, (n,))


def gather(values: Column, rows: npt.NDArray[np.intp], missing: Any) -> Column:
    """values[rows], with ``missing`` where rows is -1."""
    if len(values) == 0:
        return np.full(len(rows), missing, dtype=values.dtype if values.dtype != np.object_ else object)
    out = values[np.clip(rows, 0, None)]
    return np.where(rows >= 0, out, missing)


def group_sum(keys: Column, values: npt.NDArray[np.int64]) -> tuple[Column, npt.NDArray[np.int64]]:
    """Sum of values per distinct key (keys sorted)."""
    uniq, inverse = np.unique(keys, return_inverse=True)
    sums = np.zeros(len(uniq), dtype=np.int64)
    np.add.at(sums, inverse, values)
    return uniq, sums


def cumulative_cap(
    group_keys: Column, amounts: npt.NDArray[np.int64], caps: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], BoolArray]:
    """Fill each group's cap line by line, in row order.

    Returns the allowed amount per line and where the cap cut the line. ``caps``
    is per line (all lines of a group carry the same cap).
    """
    n = len(amounts)
    if n == 0:
        return amounts.copy(), np.zeros(0, dtype=bool)
    _, inverse = np.unique(group_keys, return_inverse=True)
    order = np.lexsort((np.arange(n), inverse))
    a = amounts[order]
    g = inverse[order]
    running = np.cumsum(a)
    group_start = np.r_[True, g[1:] != g[:-1]]
    offsets = np.maximum.accumulate(np.where(group_start, running - a, 0))
    before = running - a - offsets
    allowed_sorted = np.clip(caps[order] - before, 0, a)
    allowed = np.empty_like(amounts)
    allowed[order] = allowed_sorted
    return allowed, allowed < amounts
