"""Caps per enterprise that span several lines: a yearly cap of one article (第三条, 第六条) and the
local-contribution limit of 附则3. Lines either fill the cap in input order (the later lines of an
enterprise are the ones cut; the enterprise's total does not depend on the order) or share it pro rata."""

from __future__ import annotations

import numpy as np

from duixian.engine.money import IntArray
from duixian.engine.rules import Step
from duixian.engine.tables import BoolArray, Column, cumulative_cap, group_codes, group_totals


def yearly_cap(
    enterprises: Column,
    amounts: IntArray,
    eligible: BoolArray,
    caps: IntArray,
    grades: Column,
    label: str,
    *,
    pro_rata: bool = False,
) -> tuple[IntArray, dict[str, BoolArray], dict[str, Step]]:
    """The amounts within each enterprise's yearly cap; the cap flags (one label per grade) and steps."""
    groups = np.asarray(enterprises, dtype=object)
    offered = np.where(eligible, amounts, 0).astype(np.int64)
    if pro_rata:
        allowed = share(groups, offered, caps)
        cut = allowed < offered
        before = Step("本企业本年度各笔合计（上限适用前）", group_total(groups, offered), "fen")
    else:
        allowed, cut = cumulative_cap(groups, offered, caps)
        before = Step("本企业本年度此前各笔已占用额度", _used_before(groups, allowed), "fen")
    caps_bound = {f"{label}（{g}级）": cut & (grades == g) for g in ("A", "B", "C")}
    steps = {
        "yearly_cap": Step(f"{label}（按企业等级）", caps, "fen"),
        "used_before": before,
        "allowed": Step("本笔补贴（年度上限适用后）", allowed, "fen"),
    }
    return allowed, caps_bound, steps


def group_total(groups: Column, amounts: IntArray) -> IntArray:
    """Per line: the sum of its group's amounts."""
    return group_totals(groups, np.asarray(amounts, dtype=np.int64))


def share(groups: Column, amounts: IntArray, limit: IntArray) -> IntArray:
    """Where a group's total exceeds its limit (per line, the same for a group), each line × limit ÷
    total, floored; the fen left over go one each to the lines with the largest remainders (ties: the
    earlier line). Elsewhere the amounts are kept."""
    total = group_total(groups, amounts)
    binding = total > limit
    divisor = np.where(total > 0, total, 1)
    if np.all(np.abs(amounts.astype(np.float64)) * np.abs(limit.astype(np.float64)) < 2.0**61):
        product = amounts.astype(np.int64) * limit.astype(np.int64)  # fits: int64 is exact, and fast
        base, remainder = np.divmod(product, divisor)
    else:  # Python integers, never wrong
        wide = amounts.astype(object) * limit.astype(object)
        base = np.asarray(wide // divisor.astype(object), dtype=np.int64)
        remainder = np.asarray(wide % divisor.astype(object), dtype=np.int64)
    n = len(amounts)
    if n == 0:
        return amounts.copy()
    group = group_codes(groups)
    floored = np.zeros(int(group.max()) + 1, dtype=np.int64)
    np.add.at(floored, group, np.where(binding, base, 0).astype(np.int64))
    leftover = np.where(binding, limit - floored[group], 0)
    order = np.lexsort((np.arange(n), -remainder, group))
    starts = np.r_[True, group[order][1:] != group[order][:-1]]
    place_sorted = np.arange(n) - np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    place = np.empty(n, dtype=np.int64)
    place[order] = place_sorted
    extra = (place < leftover).astype(np.int64)
    return np.where(binding, base + extra, amounts).astype(np.int64)


def _used_before(enterprises: Column, allowed: IntArray) -> IntArray:
    """Per line: the sum of the same enterprise's earlier lines (input order)."""
    n = len(allowed)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    group = group_codes(enterprises)
    order = np.lexsort((np.arange(n), group))
    running = np.cumsum(allowed[order]) - allowed[order]
    starts = np.r_[True, group[order][1:] != group[order][:-1]]
    offsets = np.maximum.accumulate(np.where(starts, running, 0))
    out = np.empty(n, dtype=np.int64)
    out[order] = running - offsets
    return out
