"""Targets tracked by year: where a straight path from a base value to a target says an indicator
should be, and whether an observed value is on the right side of it.

Values are exact decimals (indicator values are read from tables, never floats). A target is a
comparison with a value: "＞5" (strictly above), "≥5", "<20", "≤20", or "=5"; the comparison decides
which side of the path is on track.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

Comparison = Literal[">", ">=", "<", "<=", "="]
_SHOWN = {">": "＞", ">=": "≥", "<": "＜", "<=": "≤", "=": "＝"}
_NORMAL = {"＞": ">", "＜": "<", "≥": ">=", "≤": "<=", "＝": "=", "⩾": ">=", "⩽": "<="}


@dataclass(frozen=True)
class Target:
    comparison: Comparison
    value: Decimal

    @classmethod
    def parse(cls, text: str) -> Target:
        """'＞5', '≥100', '<20', '95' (a bare number means reach it: ≥ when rising is the aim)."""
        raw = text.strip()
        for wide, ascii_ in _NORMAL.items():
            raw = raw.replace(wide, ascii_)
        m = re.fullmatch(r"(>=|<=|>|<|=)?\s*(-?\d+(?:\.\d+)?)", raw)
        if not m:
            raise ValueError(f"not a target: {text!r}")
        comparison: Comparison = m.group(1) or ">="  # type: ignore[assignment]
        return cls(comparison, Decimal(m.group(2)))

    @property
    def rising(self) -> bool:
        """Whether being on track means being at or above the path (else at or below)."""
        return self.comparison in (">", ">=", "=")

    def met(self, observed: Decimal) -> bool:
        v = self.value
        return {
            ">": observed > v,
            ">=": observed >= v,
            "<": observed < v,
            "<=": observed <= v,
            "=": observed == v,
        }[self.comparison]

    def __str__(self) -> str:
        return f"{_SHOWN[self.comparison]}{self.value}"


def expected_on_path(base_year: int, base: Decimal, target_year: int, target: Decimal, year: int) -> Fraction:
    """The value a straight line from (base_year, base) to (target_year, target) has in ``year``."""
    if target_year <= base_year:
        raise ValueError("the target year must come after the base year")
    share = Fraction(year - base_year, target_year - base_year)
    return Fraction(base) + (Fraction(target) - Fraction(base)) * share


def progress(base: Decimal, target: Decimal, observed: Decimal) -> Fraction | None:
    """Share of the distance from base to target covered (1 = reached; None when base == target)."""
    if target == base:
        return None
    return (Fraction(observed) - Fraction(base)) / (Fraction(target) - Fraction(base))


def on_track(target: Target, expected: Fraction, observed: Decimal) -> bool:
    """On the target's side of the straight path (reaching the path counts as on track)."""
    return Fraction(observed) >= expected if target.rising else Fraction(observed) <= expected
