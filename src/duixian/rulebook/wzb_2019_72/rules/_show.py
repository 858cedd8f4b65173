"""Exact decimals for steps shown as text: a fraction with a finite decimal expansion is written in
full; any other is rounded to six decimal places and marked 约 (the computation stays exact)."""

from __future__ import annotations

import decimal
from fractions import Fraction


def _finite(value: Fraction) -> bool:
    den = value.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    return den == 1


def decimal_text(value: Fraction) -> str:
    with decimal.localcontext() as c:
        c.prec = 60
        d = decimal.Decimal(value.numerator) / decimal.Decimal(value.denominator)
        if _finite(value):
            return format(d.normalize(), "f")
        return "约" + format(d.quantize(decimal.Decimal("0.000001"), rounding=decimal.ROUND_HALF_UP), "f")


def percent_text(share: Fraction) -> str:
    """3/25 → '12%'."""
    return decimal_text(share * 100) + "%"
