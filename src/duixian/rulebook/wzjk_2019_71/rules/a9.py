"""a9 — 第九条 附则1 and 3, a final pass over every cash line of a case.

附则1 就高不重复: an award already given for the same project under another zone policy or an
investment agreement (``other_zone_awards``, by project key) is deducted from this document's lines
of that project, in line order: only the difference is paid (差额部分可予以补足); nothing when the
other award is as high or higher.
附则3: per enterprise, the year's subsidies except the competition subsidies (第七条) add up to at
most its previous year's local comprehensive contribution. The deductions of 附则1 come first; which
lines are cut when the limit binds is the reading wzjk-2019-71.a9.total_cut, which clauses count is
wzjk-2019-71.a9.awards_in_total. 第四条's co-investment is an investment, in neither.
"""

from __future__ import annotations

import numpy as np

from duixian.engine.money import IntArray, format_fen
from duixian.engine.rules import Context, Lines, RuleSpec
from duixian.engine.tables import BoolArray, Column, Table, cumulative_cap, group_sum
from duixian.errors import InputError, InputErrors
from duixian.rulebook.wzjk_2019_71.document import DOC
from duixian.rulebook.wzjk_2019_71.rules import _enterprises

P = "wzjk-2019-71."
QUOTE = (
    "1.相关项目、事项同时符合我区其他优惠政策规定或项目招商引资协议已明确相关优惠政策的，按“就高不重复”原则执行，"
    "差额部分可予以补足。……3.所有补助总额，以企业上年度地方综合贡献为限（除竞赛补助外）。"
)
DOC.add(RuleSpec(P + "a9", "就高不重复与补助总额限额", "第九条附则第1、3项", QUOTE, "condition"))

TOP_UP = "附则1 就高不重复（其他政策已给予部分）"
TOTAL = "附则3 补助总额以企业上年度地方综合贡献为限"
COUNTED = {
    "all_cash_except_competition": (P + "a3", P + "a5", P + "a6"),
    "subsidies_only": (P + "a3", P + "a6"),
}
SOURCE_NAMES = {"other_zone_policy": "我区其他优惠政策", "investment_agreement": "项目招商引资协议"}


def settle(ctx: Context, all_lines: list[Lines]) -> None:
    cash = [ln for ln in all_lines if DOC.rules[ln.rule_id].kind == "cash"]
    counted_rules = COUNTED[ctx.reading(P + "a9.awards_in_total")]
    how = ctx.reading(P + "a9.total_cut")
    for ln in cash:
        ln.payable = ln.amount.copy()
        ln.adjustments[TOP_UP] = np.zeros(len(ln), dtype=np.int64)
        ln.readings[P + "a9.awards_in_total"] = ctx.readings[P + "a9.awards_in_total"]
        if ln.rule_id in counted_rules:
            ln.adjustments[TOTAL] = np.zeros(len(ln), dtype=np.int64)
            ln.caps[TOTAL] = np.zeros(len(ln), dtype=bool)
            ln.readings[P + "a9.total_cut"] = how
    if cash:
        _top_up(ctx, cash)
        counted = [ln for ln in cash if ln.rule_id in counted_rules]
        if counted:
            _total_limit(ctx, counted, how)


def _concat(lines: list[Lines], column: str) -> Column:
    return np.concatenate([np.asarray(getattr(ln, column)) for ln in lines])


def _scatter(lines: list[Lines], values: IntArray) -> list[IntArray]:
    """Split a column over all lines back into one piece per Lines."""
    bounds = np.cumsum([len(ln) for ln in lines])[:-1]
    return list(np.split(values, bounds))


def _top_up(ctx: Context, cash: list[Lines]) -> None:
    awards = ctx.table("other_zone_awards")
    if not len(awards):
        return
    award_keys = awards["enterprise"].astype(object) + "\x1f" + awards["project"].astype(object)
    uniq, other = group_sum(award_keys, awards["amount"])
    keys = _concat(cash, "beneficiary").astype(object) + "\x1f" + _concat(cash, "project").astype(object)
    pos = np.searchsorted(uniq, keys)
    found = (pos < len(uniq)) & (uniq[np.clip(pos, 0, max(len(uniq) - 1, 0))] == keys)
    other_per_line = np.where(found, other[np.clip(pos, 0, max(len(uniq) - 1, 0))], 0).astype(np.int64)
    payable = _concat(cash, "payable").astype(np.int64)
    absorbed, _ = cumulative_cap(keys, payable, other_per_line)  # the other award covers these fen
    sources = _sources(awards)
    for ln, part, others in zip(cash, _scatter(cash, absorbed), _scatter(cash, other_per_line), strict=True):
        assert ln.payable is not None
        ln.payable = ln.payable - part
        ln.adjustments[TOP_UP] = part
        for r in np.flatnonzero(part > 0):
            key = f"{ln.beneficiary[r]}\x1f{ln.project[r]}"
            outcome = (
                "不低于本意见金额，执行最高额，本笔不予兑现"
                if ln.payable[r] == 0
                else f"低于本意见金额，本笔只补足差额 {format_fen(int(ln.payable[r]))} 元"
            )
            ln.note(
                int(r),
                f"附则1 就高不重复：{sources[key]}已就同一项目（{ln.project[r]}）给予 {format_fen(int(others[r]))} 元，"
                f"{outcome}（本笔扣减 {format_fen(int(part[r]))} 元）",
            )


def _sources(awards: Table) -> dict[str, str]:
    """Per (enterprise, project): which kinds of other award it had, for the note."""
    out: dict[str, set[str]] = {}
    for e, p, s in zip(awards["enterprise"], awards["project"], awards["source"], strict=True):
        out.setdefault(f"{e}\x1f{p}", set()).add(SOURCE_NAMES[str(s)])
    return {k: "、".join(sorted(v)) for k, v in out.items()}


def _total_limit(ctx: Context, counted: list[Lines], how: str) -> None:
    enterprise = _concat(counted, "beneficiary").astype(object)
    payable = _concat(counted, "payable").astype(np.int64)
    previous = ctx.year - 1
    limit = _enterprises.figure(ctx, "local_contribution", enterprise, np.full(len(enterprise), previous))
    _refuse_missing(ctx, enterprise, payable, limit, previous)
    names, totals = group_sum(enterprise, payable)
    total = totals[np.searchsorted(names, enterprise)] if len(enterprise) else payable
    limit = np.maximum(limit, 0)
    if how == "pro_rata":
        allowed = _pro_rata(enterprise, payable, total, limit)
    else:  # clause_order: lines fill the limit in the document's order, the last clauses are cut first
        allowed, _ = cumulative_cap(enterprise, payable, limit)
    cut = payable - allowed
    way = "按比例核减" if how == "pro_rata" else "按条款顺序（后列条款先减）核减"
    for ln, part, tot, lim in zip(
        counted, _scatter(counted, cut), _scatter(counted, total), _scatter(counted, limit), strict=True
    ):
        assert ln.payable is not None
        ln.payable = ln.payable - part
        ln.adjustments[TOTAL] = part
        ln.caps[TOTAL] = part > 0
        for r in np.flatnonzero(tot > lim):
            ln.note(
                int(r),
                f"附则3：本企业本年度补助合计 {format_fen(int(tot[r]))} 元（不含竞赛补助），超过{previous}年度地方综合贡献 "
                f"{format_fen(int(lim[r]))} 元，{way}；本笔核减 {format_fen(int(part[r]))} 元",
            )


def _pro_rata(enterprise: Column, payable: IntArray, total: IntArray, limit: IntArray) -> IntArray:
    """Where an enterprise's total exceeds its limit, each line × limit ÷ total, floored; the fen left
    over go one each to the lines with the largest remainders (ties: the earlier line)."""
    binding = total > limit
    divisor = np.where(total > 0, total, 1).astype(object)
    product = payable.astype(object) * limit.astype(object)
    base = np.asarray(product // divisor, dtype=np.int64)
    remainder = np.asarray(product % divisor, dtype=np.int64)
    names, floored = group_sum(enterprise, np.where(binding, base, 0).astype(np.int64))
    group = np.searchsorted(names, enterprise)
    leftover = np.where(binding, limit - floored[group], 0)
    n = len(payable)
    order = np.lexsort((np.arange(n), -remainder, group))
    starts = np.r_[True, group[order][1:] != group[order][:-1]] if n else np.zeros(0, dtype=bool)
    place_sorted = np.arange(n) - np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    place = np.empty(n, dtype=np.int64)
    place[order] = place_sorted
    extra = (place < leftover).astype(np.int64)
    return np.where(binding, base + extra, payable).astype(np.int64)


def _refuse_missing(ctx: Context, enterprise: Column, payable: IntArray, limit: IntArray, year: int) -> None:
    needed: BoolArray = (payable > 0) & (limit < 0)
    if not needed.any():
        return
    ids = sorted(set(enterprise[needed].tolist()))
    positions = _enterprises.rows(ctx, np.asarray(ids, dtype=object))
    raise InputErrors(
        [
            InputError(
                f"enterprises[{p}].annual",
                f"local_contribution for {year} is required: 附则3 limits the enterprise's subsidies of "
                f"{ctx.year} to its {year} local comprehensive contribution (地方综合贡献)",
            )
            for p in positions
        ]
    )


DOC.finaliser(settle)
