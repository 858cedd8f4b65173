"""Column helpers: lookups by id and caps that fill line by line."""

from __future__ import annotations

import numpy as np

from duixian.engine.tables import cumulative_cap, gather, group_sum, index_of


def test_index_of_finds_rows_and_marks_missing() -> None:
    ids = np.array(["b", "a", "c"], dtype=object)
    assert index_of(np.array(["a", "c", "x"], dtype=object), ids).tolist() == [1, 2, -1]
    assert gather(np.array([10, 20, 30]), np.array([2, -1]), 0).tolist() == [30, 0]


def test_cumulative_cap_fills_each_group_in_row_order() -> None:
    groups = np.array(["E1", "E2", "E1", "E1"], dtype=object)
    amounts = np.array([150, 50, 100, 10], dtype=np.int64)
    allowed, cut = cumulative_cap(groups, amounts, np.full(4, 200, dtype=np.int64))
    assert allowed.tolist() == [150, 50, 50, 0]
    assert cut.tolist() == [False, False, True, True]


def test_group_sum() -> None:
    keys, sums = group_sum(np.array(["a", "b", "a"], dtype=object), np.array([1, 2, 3], dtype=np.int64))
    assert keys.tolist() == ["a", "b"]
    assert sums.tolist() == [4, 2]
