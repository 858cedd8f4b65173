"""Money is an integer number of fen (分); every rate is an exact fraction.

Rounding rule (documented in the README): a computed amount is an exact
rational number until it becomes a money amount; then it is rounded once, to
the fen, half away from zero (四舍五入). Caps are whole fen, so capping after
rounding equals rounding after capping. Sums of rounded line amounts are exact.

Arithmetic runs on int64 numpy columns. Where a product could overflow int64
the column is computed with Python integers instead (object dtype): slower,
never wrong.
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
_INT64_SAFE = 2**62


def yuan_to_fen(value: Decimal | str | int) -> int:
    """Convert a yuan amount with at most two decimals to fen, refusing anything finer."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError(f"{value} has more than two decimals (finer than a fen)")
    return int(fen)


def percent_to_scaled(value: Decimal | str | int) -> int:
    """1.5 (percent) → 1_500_000 (ratio × RATE_SCALE); refuses more than six decimals."""
    scaled = Decimal(str(value)) * (RATE_SCALE // 100)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value}% has more than six decimals")
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
    return arr.astype(np.int64, copy=False)


def _fits(factors: list[npt.NDArray[np.int64] | npt.NDArray[np.object_]]) -> bool:
    bound = 1.0
    for f in factors:
        if f.dtype == np.object_ or f.size == 0:
            if f.dtype == np.object_:
                return False
            continue
        bound *= float(np.max(np.abs(f))) if f.size else 1.0
    return bound < _INT64_SAFE


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
    if np.any(den <= 0):
        raise ZeroDivisionError("denominator must be positive")
    use_int64 = _fits([*factors, den * 2])
    if use_int64:
        num: npt.NDArray[np.int64] | npt.NDArray[np.object_] = np.ones((), dtype=np.int64)
        for f in factors:
            num = num * f
    else:
        num = np.ones((), dtype=object)
        for f in factors:
            num = num * f.astype(object)
        den = den.astype(object)
    signed: npt.NDArray[Any] = np.asarray(num)
    sign = np.where(signed < 0, -1, 1)
    magnitude = np.abs(signed)
    rounded = (2 * magnitude + den) // (2 * den)
    result = sign * rounded
    return np.asarray(result).astype(np.int64)


def apply_rate(amount_fen: npt.ArrayLike, rate: Rational) -> IntArray:
    """amount × rate, rounded to the fen."""
    r = Fraction(rate)
    return mul_div_round([amount_fen, r.numerator], r.denominator)


def cap(amount_fen: IntArray, cap_fen: npt.ArrayLike) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Return min(amount, cap) and where the cap bound (amount strictly above it)."""
    limit = np.asarray(cap_fen, dtype=np.int64)
    bound = amount_fen > limit
    return np.minimum(amount_fen, limit), bound
