"""Rankings of institutions within an assessment (c2, c9): vectorised, exact, ties shared.

A ranking is computed for every indicator at once: rows are sorted by (indicator, key), and a
row's rank is one plus the number of rows of its indicator with a strictly better key
(competition ranking: 1, 1, 3). Whether tied rows are rewarded is a reading (c2.ties).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from duixian.engine.money import IntArray
from duixian.engine.tables import BoolArray, Column
from duixian.errors import InputError, InputErrors


def value_codes(values: Column) -> IntArray:
    """Exact order codes of arbitrary comparable values (e.g. Decimals): equal values, equal codes."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    _, inverse = np.unique(np.asarray(values, dtype=object), return_inverse=True)
    return np.asarray(inverse, dtype=np.int64).reshape(-1)


def competition_ranks(groups: Column, keys: npt.ArrayLike) -> tuple[IntArray, BoolArray]:
    """Rank of each row within its group, smaller key first; ties share a rank (1, 1, 3).

    Returns the rank and whether the row is tied with another row of its group.
    """
    key = np.asarray(keys, dtype=np.int64)
    n = len(key)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    _, group = np.unique(np.asarray(groups, dtype=object), return_inverse=True)
    group = group.reshape(-1)
    order = np.lexsort((key, group))
    g, k = group[order], key[order]
    pos = np.arange(n)
    new_group = np.r_[True, g[1:] != g[:-1]]
    new_block = new_group | np.r_[True, k[1:] != k[:-1]]
    group_start = np.maximum.accumulate(np.where(new_group, pos, 0))
    block_start = np.maximum.accumulate(np.where(new_block, pos, 0))
    block = np.cumsum(new_block) - 1
    ranks = np.empty(n, dtype=np.int64)
    tied = np.empty(n, dtype=bool)
    ranks[order] = block_start - group_start + 1
    tied[order] = np.bincount(block)[block] > 1
    return ranks, tied


def refuse_duplicates(table: str, groups: Column, banks: Column) -> None:
    """One row per bank per indicator: a second row for the same pair is an input error."""
    if len(banks) == 0:
        return
    keys = np.asarray(groups, dtype=object) + "\x1f" + np.asarray(banks, dtype=object)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    repeated = np.flatnonzero(first[inverse.reshape(-1)] != np.arange(len(keys)))
    if len(repeated):
        raise InputErrors(
            [
                InputError(
                    f"{table}[{row}].bank",
                    f"银行 {banks[row]!r} 在 {groups[row]!r} 中已有一条结果，不能再列一条",
                )
                for row in repeated
            ]
        )
