"""Sharing a pool in proportion to scores, to the fen, under a cap per project (四（一）).

Pure functions on columns: weights are exact Python integers (scores × 10^4, object arrays) so that
pool × weight never overflows; money is int64 fen.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from duixian.engine.money import IntArray

ObjArray = npt.NDArray[np.object_]


def pro_rata(pool: int, weights: ObjArray, rounding: str) -> IntArray:
    """pool × weight / Σweight per row, to the fen.

    ``largest_remainder``: each share rounded down, then the fen left over go one each to the rows
    with the largest remainders (equal remainders: the earlier row first), so the shares sum to the
    pool exactly. ``floor``: each share rounded down; what is left over stays in the pool.
    """
    n = len(weights)
    total = int(weights.sum()) if n else 0
    if total == 0 or pool == 0:
        return np.zeros(n, dtype=np.int64)
    numerators = weights * pool
    shares = numerators // total
    if rounding == "largest_remainder":
        left = pool - int(shares.sum())
        order = np.argsort(-(numerators % total), kind="stable")
        shares[order[:left]] += 1
    return np.asarray(shares, dtype=np.int64)


def cap_of(investment: IntArray, rate: Fraction) -> IntArray:
    """The cap, rounded down to the fen: “不超过实际投入金额的50%” allows no part of a fen above it."""
    return np.asarray(investment * rate.numerator // rate.denominator, dtype=np.int64)


@dataclass
class Allocation:
    share: IntArray  # pro-rata share of the pool (before any cap)
    credited: IntArray  # carry-in credited to the project itself (reading alloc.carry_in = same_project)
    redistributed: IntArray  # gained from other projects' excess (reading alloc.excess = redistribute)
    before_cap: IntArray
    paid: IntArray
    carried: IntArray  # this project's excess, carried over to the next year
    unallocated: int  # carried over but not any project's excess (fen left by rounding, no room left)


def allocate(
    pool: int, weights: ObjArray, caps: IntArray, credited: IntArray, excess: str, rounding: str
) -> Allocation:
    """Share ``pool`` by ``weights``; each project's share plus what is credited to it is capped."""
    share = pro_rata(pool, weights, rounding)
    before = share + credited
    if excess == "carry_over":
        paid = np.minimum(before, caps)
        return Allocation(
            share, credited, np.zeros_like(share), before, paid, before - paid, pool - int(share.sum())
        )
    # redistribute: the excess over the caps is shared again among the projects still below their cap
    # (water-filling, exact): a project whose exact share exceeds its room is fixed at its room.
    credited_paid = np.minimum(credited, caps)
    room = caps - credited_paid
    remaining = pool + int((credited - credited_paid).sum())
    active = weights > 0
    fixed = np.zeros_like(share)
    while active.any():
        total = int(weights[active].sum())
        over = active & (weights * remaining > room.astype(object) * total)
        if not over.any():
            break
        fixed[over] = room[over]
        remaining -= int(room[over].sum())
        active &= ~over
    final = pro_rata(remaining, np.where(active, weights, 0), rounding)
    paid = credited_paid + fixed + final
    unallocated = pool + int(credited.sum()) - int(paid.sum())
    return Allocation(
        share, credited, paid - np.minimum(before, caps), before, paid, np.zeros_like(share), unallocated
    )
