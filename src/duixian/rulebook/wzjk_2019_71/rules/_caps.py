"""A yearly cap per enterprise that spans several lines of one article (第三条, 第六条): lines fill it
in input order, so the later lines of an enterprise are the ones cut."""

from __future__ import annotations

import numpy as np

from duixian.engine.money import IntArray
from duixian.engine.rules import Step
from duixian.engine.tables import BoolArray, Column, cumulative_cap


def yearly_cap(
    enterprises: Column, amounts: IntArray, eligible: BoolArray, caps: IntArray, grades: Column, label: str
) -> tuple[IntArray, dict[str, BoolArray], dict[str, Step]]:
    """The amounts within each enterprise's yearly cap; the cap flags (one label per grade) and steps."""
    offered = np.where(eligible, amounts, 0).astype(np.int64)
    allowed, cut = cumulative_cap(np.asarray(enterprises, dtype=object), offered, caps)
    caps_bound = {f"{label}（{g}级）": cut & (grades == g) for g in ("A", "B", "C")}
    used_before = _used_before(np.asarray(enterprises, dtype=object), allowed)
    steps = {
        "yearly_cap": Step(f"{label}（按企业等级）", caps, "fen"),
        "used_before": Step("本企业本年度此前各笔已占用额度", used_before, "fen"),
        "allowed": Step("本笔补贴（年度上限适用后）", allowed, "fen"),
    }
    return allowed, caps_bound, steps


def _used_before(enterprises: Column, allowed: IntArray) -> IntArray:
    """Per line: the sum of the same enterprise's earlier lines (input order)."""
    n = len(allowed)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    _, group = np.unique(enterprises, return_inverse=True)
    group = group.reshape(-1)
    order = np.lexsort((np.arange(n), group))
    running = np.cumsum(allowed[order]) - allowed[order]
    starts = np.r_[True, group[order][1:] != group[order][:-1]]
    offsets = np.maximum.accumulate(np.where(starts, running, 0))
    out = np.empty(n, dtype=np.int64)
    out[order] = running - offsets
    return out
