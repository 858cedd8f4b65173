"""Exact money: fen, half-up rounding, overflow-safe products."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from duixian.engine.money import (
    apply_rate,
    cap,
    format_fen,
    mul_div_round,
    percent_to_scaled,
    rate_at_most,
    yuan_to_fen,
)


def test_yuan_to_fen_is_exact_and_refuses_fractions_of_a_fen() -> None:
    assert yuan_to_fen("200000") == 20_000_000
    assert yuan_to_fen("0.01") == 1
    with pytest.raises(ValueError, match="精确到分"):
        yuan_to_fen("0.001")


def test_half_up_at_exactly_half_a_fen() -> None:
    # 1 fen × 50% = 0.5 fen → 1 fen; 3 fen × 50% = 1.5 → 2; 1 fen × 49% → 0
    assert apply_rate(np.array([1, 3, 1]), Fraction(1, 2)).tolist()[:2] == [1, 2]
    assert apply_rate(np.array([1]), Fraction(49, 100)).tolist() == [0]


def test_negative_amounts_round_half_away_from_zero() -> None:
    assert mul_div_round([np.array([-1, -3])], 2).tolist() == [-1, -2]


@given(st.integers(min_value=0, max_value=10**12), st.integers(1, 10**6), st.integers(1, 10**6))
def test_matches_python_fractions(amount: int, num: int, den: int) -> None:
    expected = Fraction(amount * num, den)
    floor = expected.numerator // expected.denominator
    want = floor + (1 if expected - floor >= Fraction(1, 2) else 0)
    assert mul_div_round([np.array([amount]), num], den).tolist() == [want]


def test_products_beyond_int64_fall_back_to_exact_python_integers() -> None:
    huge = np.array([9 * 10**15], dtype=np.int64)
    got = mul_div_round([huge, 415, 366], 3_600_000)
    assert got.tolist() == [(9 * 10**15 * 415 * 366 * 2 + 3_600_000) // 7_200_000]


def test_numbers_beyond_int64_given_as_numpy_makes_them_stay_exact() -> None:
    """numpy holds 10**19 as uint64: taken as int64 it wrapped negative (5 × 10**19 / 10**18 was -42)."""
    assert int(mul_div_round([5, 10**19], 10**18)) == 50
    assert mul_div_round([np.array([3, 2**63 + 1], dtype=np.uint64)], 2).tolist() == [2, 2**62 + 1]
    with pytest.raises(OverflowError):  # a result beyond int64 is refused, not wrapped
        mul_div_round([np.array([2**64 - 1], dtype=np.uint64)], 1)
    with pytest.raises(ZeroDivisionError):
        mul_div_round([[1]], [0])
    assert mul_div_round([[7]], np.array([10**19], dtype=np.uint64)).tolist() == [0]  # not "not positive"


def test_cap_reports_where_it_bound() -> None:
    amounts, bound = cap(np.array([100, 200, 300]), 200)
    assert amounts.tolist() == [100, 200, 200]
    assert bound.tolist() == [False, False, True]  # at the cap exactly, the cap did not cut


def test_rate_at_most_includes_the_bound() -> None:
    rates = np.array([percent_to_scaled("1"), percent_to_scaled("1.000001"), percent_to_scaled("0.999999")])
    assert rate_at_most(rates, Fraction(1, 100)).tolist() == [True, False, True]


def test_format_fen() -> None:
    assert format_fen(123456789) == "1,234,567.89"
    assert format_fen(-5) == "-0.05"


def _half_away_from_zero(exact: Fraction) -> int:
    magnitude = abs(exact)
    rounded = int(magnitude) + (1 if magnitude - int(magnitude) >= Fraction(1, 2) else 0)
    return rounded if exact >= 0 else -rounded


@given(
    st.lists(st.integers(min_value=-(2**40), max_value=2**40), min_size=1, max_size=30),
    st.lists(st.integers(min_value=-(2**31), max_value=2**31), min_size=1, max_size=30),
    st.lists(st.integers(min_value=2**20, max_value=2**40), min_size=1, max_size=30),  # results fit int64
)
def test_columns_of_any_size_round_exactly(amounts: list[int], factors: list[int], dens: list[int]) -> None:
    # Column factors and a column denominator: whole-column int64, row by row, or Python integers.
    n = min(len(amounts), len(factors), len(dens))
    a, f, d = (np.asarray(x[:n], dtype=np.int64) for x in (amounts, factors, dens))
    got = mul_div_round([a, f, 3], d).tolist()
    rows = zip(amounts[:n], factors[:n], dens[:n], strict=True)
    assert got == [_half_away_from_zero(Fraction(x * y * 3, z)) for x, y, z in rows]


def test_the_whole_column_check_stops_at_the_int64_limit() -> None:
    # 2·|num| + den must stay within int64: just inside takes int64, just outside Python integers.
    for num in (2**61, 2**62 - 8, 2**62, -(2**62)):
        for den in (1, 3, 2**40 + 1):
            column = np.asarray([num, num // 3, 1], dtype=np.int64)
            got = mul_div_round([column], den).tolist()
            assert got == [_half_away_from_zero(Fraction(int(v), den)) for v in column]


def test_python_integer_columns_stay_exact() -> None:
    column = np.asarray([10**30, -(10**30) - 1, 7], dtype=object)
    got = mul_div_round([column], np.asarray([10**12, 2 * 10**12, 2], dtype=object))
    assert got.tolist() == [10**18, -(5 * 10**17), 4]
