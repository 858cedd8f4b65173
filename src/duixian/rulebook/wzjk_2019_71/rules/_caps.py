"""Caps per enterprise that span several lines: a yearly cap of one article (第三条, 第六条) and the
local-contribution limit of 附则3. Lines either fill the cap in input order (the later lines of an
enterprise are the ones cut; the enterprise's total does not depend on the order) or share it pro rata."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from duixian.engine.money import IntArray
from duixian.engine.rules import Context, Step
from duixian.engine.tables import BoolArray, Column, cumulative_cap, group_codes
from duixian.rulebook.wzjk_2019_71.rules import _enterprises


def groups_of(rows: npt.NDArray[np.intp], enterprises: Column) -> Column:
    """One group key per line for its enterprise: the enterprise's row in ``enterprises`` (``rows``;
    a row is a group's number as it is), or the ids themselves where an enterprise is not in the
    case. Which key names a group changes no result."""
    if len(rows) and rows.min() < 0:
        return np.asarray(enterprises, dtype=object)
    return np.asarray(rows, dtype=np.intp)


def _numbers(groups: Column) -> npt.NDArray[np.intp]:
    """A number per line, equal for the lines of a group: the enterprises' rows of ``groups_of`` are
    numbers already (numbering them again sorts every line); other keys get ``group_codes``."""
    if groups.dtype == np.intp and (len(groups) == 0 or groups.min() >= 0):
        return groups
    return group_codes(groups)


def yearly_cap(
    ctx: Context,
    enterprises: Column,
    amounts: IntArray,
    eligible: BoolArray,
    caps: IntArray,
    levels: IntArray,
    label: str,
    *,
    pro_rata: bool = False,
) -> tuple[IntArray, dict[str, BoolArray], dict[str, Step]]:
    """The amounts within each enterprise's yearly cap; the cap flags (one label per grade, ``levels``
    as ``_enterprises.levels_of``) and steps."""
    groups = groups_of(_enterprises.rows(ctx, enterprises), enterprises)
    offered = np.where(eligible, amounts, 0).astype(np.int64)
    if pro_rata:
        allowed = share(groups, offered, caps)
        cut = allowed < offered
        before = Step("本企业本年度各笔合计（上限适用前）", group_total(groups, offered), "fen")
    else:
        allowed, cut = cumulative_cap(groups, offered, caps)
        before = Step("本企业本年度此前各笔已占用额度", _used_before(groups, allowed), "fen")
    caps_bound = {f"{label}（{g}级）": cut & (levels == i) for i, g in enumerate(_enterprises.GRADES)}
    steps = {
        "yearly_cap": Step(f"{label}（按企业等级）", caps, "fen"),
        "used_before": before,
        "allowed": Step("本笔补贴（年度上限适用后）", allowed, "fen"),
    }
    return allowed, caps_bound, steps


def group_total(groups: Column, amounts: IntArray) -> IntArray:
    """Per line: the sum of its group's amounts."""
    number = _numbers(groups)
    sums = np.zeros(int(number.max()) + 1 if len(number) else 0, dtype=np.int64)
    np.add.at(sums, number, np.asarray(amounts, dtype=np.int64))
    return sums[number]


def share(groups: Column, amounts: IntArray, limit: IntArray) -> IntArray:
    """Where a group's total exceeds its limit (per line, the same for a group), each line × limit ÷
    total, floored; the fen left over go one each to the lines with the largest remainders (ties: the
    earlier line). Elsewhere the amounts are kept."""
    total = group_total(groups, amounts)
    binding = total > limit
    if len(amounts) == 0:
        return amounts.copy()
    group = _numbers(groups)
    # Only the groups with a binding line are shared out: the few of a city, each with all its lines.
    shared = np.zeros(int(group.max()) + 1, dtype=bool)
    shared[group[binding]] = True
    rows = np.flatnonzero(shared[group])
    out = np.asarray(amounts, dtype=np.int64).copy()
    out[rows] = _shared_out(group[rows], amounts[rows], limit[rows], total[rows], binding[rows])
    return out


def _shared_out(
    group: npt.NDArray[np.intp], amounts: IntArray, limit: IntArray, total: IntArray, binding: BoolArray
) -> IntArray:
    """``share`` for the lines of the groups to be shared out (``group``: their numbers)."""
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
        return np.zeros(0, dtype=np.int64)
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
    group = _numbers(enterprises)
    order = np.lexsort((np.arange(n), group))
    running = np.cumsum(allowed[order]) - allowed[order]
    starts = np.r_[True, group[order][1:] != group[order][:-1]]
    offsets = np.maximum.accumulate(np.where(starts, running, 0))
    out = np.empty(n, dtype=np.int64)
    out[order] = running - offsets
    return out
