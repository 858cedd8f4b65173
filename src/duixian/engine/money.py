"""Money is an integer number of fen (分); every rate is an exact fraction.

Rounding rule (documented in the README): a computed amount is an exact
rational number until it becomes a money amount; then it is rounded once, to
the fen, half away from zero (四舍五入). Caps are whole fen, so capping after
rounding equals rounding after capping. Sums of rounded line amounts are exact.

Arithmetic runs on int64 numpy columns. Whether a product could overflow int64
is checked once per column, from its largest values; where it could, the rows
that could overflow are computed with Python integers instead (object dtype):
slower, never wrong.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
Rational = Fraction | int

FEN_PER_YUAN = 100
RATE_SCALE = 100_000_000  # rates in columns: ratio × 10^8, so 1.5% → 1_500_000 (percent to 6 decimals)
_INT64_LIMIT = 2**63  # int64 holds what is below this in magnitude
_ROW_SAFE = 2.0**60  # per row, a float64 bound this far below the limit leaves margin for its error


def yuan_to_fen(value: Decimal | str | int) -> int:
    """Convert a yuan amount with at most two decimals to fen, refusing anything finer."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} 不是数字") from exc
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError(f"{value} 元的小数超过两位（精确到分）")
    return int(fen)


def percent_to_scaled(value: Decimal | str | int) -> int:
    """1.5 (percent) → 1_500_000 (ratio × RATE_SCALE); refuses more than six decimals."""
    scaled = Decimal(str(value)) * (RATE_SCALE // 100)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value}% 的小数超过六位")
    return int(scaled)


def rate_at_most(scaled_rates: npt.ArrayLike, bound: Rational) -> npt.NDArray[np.bool_]:
    """Scaled rate column ≤ bound (a ratio), exactly: 不超过 includes the bound."""
    b = Fraction(bound)
    return np.asarray(np.asarray(scaled_rates, dtype=np.int64) * b.denominator <= b.numerator * RATE_SCALE)


def format_fen(fen: int) -> str:
    """12345678 → '123,456.78' (yuan)."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), FEN_PER_YUAN)
    return f"{sign}{yuan:,}.{cents:02d}"


def fen_to_yuan(fen: int) -> Decimal:
    return Decimal(int(fen)) / FEN_PER_YUAN


def to_fraction(value: Decimal | str | int | float) -> Fraction:
    """Parameters are written as decimals in YAML; floats go through their shortest repr."""
    return Fraction(Decimal(str(value)))


def _as_column(x: npt.ArrayLike) -> npt.NDArray[np.int64] | npt.NDArray[np.object_]:
    arr = np.asarray(x)
    if arr.dtype == np.object_:
        return arr
    if arr.dtype.kind == "u" and arr.size and int(arr.max()) > np.iinfo(np.int64).max:
        return arr.astype(object)  # 10^19 and more (numpy made them uint64): exact, not wrapped negative
    return arr.astype(np.int64, copy=False)


def _magnitude(column: npt.NDArray[Any]) -> int:
    """The largest |value| of an int64 column, exactly, and at least 1 (so that the product of the
    factors' magnitudes bounds every partial product too)."""
    if column.ndim == 0:  # a scalar factor (a rate's numerator): no reduction to run (2 µs each)
        return max(abs(int(column)), 1)
    if column.size == 0:
        return 1
    return max(int(column.max()), -int(column.min()), 1)


def _column_fits(factors: list[npt.NDArray[Any]], den: npt.NDArray[Any]) -> bool:
    """Whether every row's 2·|Π factors| + den stays within int64 (what the rounding computes),
    bounded once by the columns' largest magnitudes, in Python integers: exact."""
    bound = 1
    for f in factors:
        bound *= _magnitude(f)
    return 2 * bound + 2 * _magnitude(den) < _INT64_LIMIT


def mul_div_round(
    numerator_factors: list[npt.ArrayLike],
    denominator: npt.ArrayLike = 1,
) -> IntArray:
    """round_half_up(Π numerator_factors / denominator), elementwise, exact.

    Factors and denominator are integer scalars or columns; the denominator must be positive.
    Negative numerators round half away from zero, as 四舍五入 does.
    """
    factors = [_as_column(f) for f in numerator_factors]
    den = _as_column(denominator)
    if (den <= 0).any():  # the method, not np.any: a single case's scalar denominator costs 3 µs less
        raise ZeroDivisionError("denominator must be positive")
    if any(c.dtype == np.object_ for c in [*factors, den]):
        return _round_quotient(_product(factors, object), den.astype(object))
    # One check for the whole column: a city's amounts stay far below int64 (the usual case).
    if _column_fits(factors, den):
        return _round_quotient(_product(factors, np.int64), den)
    small = _rows_that_fit(factors, den)
    if small is None:
        return _round_quotient(_product(factors, object), den.astype(object))
    # Python integers only for the rows whose product could overflow int64 (a few huge loans in a city),
    # int64 for the others: both exact, so the result is the same as all in Python integers.
    out = np.empty(small.shape, dtype=np.int64)
    out[small] = _round_quotient(_product(_rows(factors, small), np.int64), _rows([den], small)[0])
    big = ~small
    out[big] = _round_quotient(
        _product([f.astype(object) for f in _rows(factors, big)], object), _rows([den], big)[0].astype(object)
    )
    return out


# From this many rows int64 products and roundings are computed in one array, in place: a city's
# c1 (three factors over 10^6 loans) makes one array of a million, not six, each costing its first
# touch of memory. Fewer rows (a single case) keep the plain expressions, a few µs quicker each.
_IN_PLACE = 1000


def _product(factors: list[npt.NDArray[Any]], dtype: type) -> npt.NDArray[Any]:
    """Π factors, a new array (never one of the factors: ``_round_quotient`` overwrites it)."""
    num: npt.NDArray[Any] = np.ones((), dtype=dtype)
    for f in factors:
        if dtype is np.int64 and num.size >= _IN_PLACE and (f.ndim == 0 or f.shape == num.shape):
            np.multiply(num, f, out=num)  # num is already this product's own array
        else:
            num = num * (f if dtype is np.int64 else f.astype(object))
    return num


def _round_quotient(num: npt.NDArray[Any], den: npt.NDArray[Any]) -> IntArray:
    """round_half_up(num / den), half away from zero, in the dtype of num and den. ``num`` is
    ``_product``'s own array: a long int64 one is overwritten with the result."""
    signed: npt.NDArray[Any] = np.asarray(num)
    if signed.dtype != np.object_ and (signed.size == 0 or signed.min() >= 0):
        # No negative amount (the usual case): no sign to take off and put back.
        if (
            signed.size >= _IN_PLACE
            and signed.dtype == np.int64
            and np.broadcast_shapes(signed.shape, den.shape) == signed.shape
        ):
            np.multiply(signed, 2, out=signed)
            signed += den
            signed //= 2 * den
            return signed
        return np.asarray((2 * signed + den) // (2 * den), dtype=np.int64)
    sign = np.where(signed < 0, -1, 1)
    magnitude = np.abs(signed)
    rounded = (2 * magnitude + den) // (2 * den)
    return np.asarray(sign * rounded).astype(np.int64, copy=False)


def _rows_that_fit(factors: list[npt.NDArray[Any]], den: npt.NDArray[Any]) -> npt.NDArray[np.bool_] | None:
    """Per row, whether 2·|Π factors| + den stays within int64 (None: no column at all). Bounded in
    float64, with a margin far above its rounding error: |Π factors| and den below 2^60 each."""
    columns = [*factors, den]
    if all(c.ndim == 0 for c in columns):
        return None
    shape = np.broadcast_shapes(*(c.shape for c in columns))
    bound = np.ones(shape)
    for f in factors:
        bound = bound * np.abs(f.astype(np.float64))
    fits: npt.NDArray[np.bool_] = (bound < _ROW_SAFE) & np.broadcast_to(den < _ROW_SAFE, shape)
    return fits


def _rows(columns: list[npt.NDArray[Any]], mask: npt.NDArray[np.bool_]) -> list[npt.NDArray[Any]]:
    """The masked rows of each column (a scalar stays a scalar)."""
    return [c if c.ndim == 0 else np.broadcast_to(c, mask.shape)[mask] for c in columns]


def apply_rate(amount_fen: npt.ArrayLike, rate: Rational) -> IntArray:
    """amount × rate, rounded to the fen."""
    r = Fraction(rate)
    return mul_div_round([amount_fen, r.numerator], r.denominator)


def cap(amount_fen: IntArray, cap_fen: npt.ArrayLike) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Return min(amount, cap) and where the cap bound (amount strictly above it)."""
    limit = np.asarray(cap_fen, dtype=np.int64)
    bound = amount_fen > limit
    return np.minimum(amount_fen, limit), bound
