"""The 10^6 fast paths of a 71号 batch give what the plain computations give: grade levels compared
only for the recognised enterprises, all-zero lines kept without testing their conditions."""

from __future__ import annotations

import numpy as np
import pytest

from duixian.engine import rules
from duixian.engine.rules import make_lines
from duixian.rulebook.wzjk_2019_71.rules import _enterprises


def _plain_levels(revenue: np.ndarray, mins: list[int]) -> np.ndarray:
    levels = np.select([revenue >= m for m in mins], list(range(len(_enterprises.GRADES))), 3)
    return np.asarray(levels, dtype=np.int64)


@pytest.mark.parametrize("mins", [[10_000_000_000, 2_000_000_000, 500_000_000], [300, 200, 0], [5, 0, -1]])
def test_levels_of_the_recognised_equal_every_enterprise_compared(mins: list[int]) -> None:
    rng = np.random.default_rng(71)
    n = 5000
    graded = np.flatnonzero(rng.random(n) < 0.1)
    revenue = np.full(n, -1, dtype=np.int64)
    revenue[graded] = rng.choice([-1, 0, 5, 300, 500_000_000, 2_000_000_000, 10**11], len(graded))
    got = _enterprises._levels(revenue, graded, mins)
    assert got.dtype == np.int64
    assert got.tolist() == _plain_levels(revenue, mins).tolist()
    # The fast path reads only the graded rows: a grade there must show (a wrong subset would not).
    assert (got[graded] < 3).any()


def test_all_zero_lines_are_kept_and_others_zeroed_where_a_condition_fails() -> None:
    n = rules._LONG + 5
    failing = np.ones(n, dtype=bool)
    failing[::3] = False
    zero = make_lines("r", beneficiary=np.full(n, "e", object), subject=np.full(n, "s", object),
                      project=np.full(n, "p", object), raw_amount=np.zeros(n, np.int64),
                      conditions={"c": failing})  # fmt: skip
    assert zero.amount.tolist() == [0] * n
    assert zero.eligible.tolist() == failing.tolist()  # the conditions are still the lines' own
    paid = np.arange(n, dtype=np.int64)
    some = make_lines("r", beneficiary=np.full(n, "e", object), subject=np.full(n, "s", object),
                      project=np.full(n, "p", object), raw_amount=paid, conditions={"c": failing})  # fmt: skip
    assert some.amount.tolist() == np.where(failing, paid, 0).tolist()
    assert paid.tolist() == list(range(n))  # the given amounts are not written to
