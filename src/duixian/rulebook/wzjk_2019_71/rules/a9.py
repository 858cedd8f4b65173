"""a9 — 第九条 附则1 and 3, a final pass over every cash line of a case.

附则1 就高不重复: an award already given for the same project under another zone policy or an
investment agreement (``other_zone_awards``, by project key) is deducted from this document's amount
for that project: only the difference is paid (差额部分可予以补足); nothing when the other award is as
high or higher. 第六条 (a yearly cap across projects, reading wzjk-2019-71.a9.top_up_order) and
第七条 (instalments over several years) deduct it in their own formulas; this pass settles 第三条 (the
enterprise's broadband of the year is one project, its bills absorb the other award in order) and 第五条.
附则3: per enterprise, the year's subsidies except the competition subsidies (第七条) add up to at
most its previous year's local comprehensive contribution. The deductions of 附则1 come first; which
lines are cut when the limit binds is the reading wzjk-2019-71.a9.total_cut, which clauses count is
wzjk-2019-71.a9.awards_in_total. 第四条's co-investment is an investment, in neither.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from duixian.engine.money import IntArray, format_fen
from duixian.engine.rules import Context, Lines, RuleSpec
from duixian.engine.tables import BoolArray, Column, cumulative_cap
from duixian.errors import InputError, InputErrors
from duixian.rulebook.wzjk_2019_71.document import DOC
from duixian.rulebook.wzjk_2019_71.rules import _caps, _enterprises, _other_awards

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
# The rules whose lines this pass settles under 附则1 (the others deduct the other awards themselves).
SETTLED_HERE = (P + "a3", P + "a5")


def settle(ctx: Context, all_lines: list[Lines]) -> None:
    _other_awards.check(ctx)
    cash = [ln for ln in all_lines if DOC.rules[ln.rule_id].kind == "cash"]
    counted_rules = COUNTED[ctx.reading(P + "a9.awards_in_total")]
    how = ctx.reading(P + "a9.total_cut")
    for ln in cash:
        ln.payable = ln.amount.copy()
        if ln.rule_id in SETTLED_HERE:
            ln.adjustments[TOP_UP] = np.zeros(len(ln), dtype=np.int64)
        ln.readings[P + "a9.awards_in_total"] = ctx.readings[P + "a9.awards_in_total"]
        if ln.rule_id in counted_rules:
            ln.adjustments[TOTAL] = np.zeros(len(ln), dtype=np.int64)
            ln.caps[TOTAL] = np.zeros(len(ln), dtype=bool)
            ln.readings[P + "a9.total_cut"] = how
    settled = [ln for ln in cash if ln.rule_id in SETTLED_HERE]
    if settled:
        _top_up(ctx, settled)
    counted = [ln for ln in cash if ln.rule_id in counted_rules]
    if counted:
        _total_limit(ctx, counted, how)


def _concat(lines: list[Lines], column: str) -> Column:
    return np.concatenate([np.asarray(getattr(ln, column)) for ln in lines])


def _scatter(lines: list[Lines], values: IntArray) -> list[IntArray]:
    """Split a column over all lines back into one piece per Lines."""
    bounds = np.cumsum([len(ln) for ln in lines])[:-1]
    return list(np.split(values, bounds))


def _at(lines: list[Lines], column: str, positions: npt.NDArray[np.intp]) -> Column:
    """The values at ``positions`` (ascending) of a column over all lines, read from each Lines' own
    column: a key column is made into text only for these lines."""
    bounds = np.cumsum([0] + [len(ln) for ln in lines])
    pieces = [np.empty(0, dtype=object)]
    for ln, start, end in zip(lines, bounds[:-1], bounds[1:], strict=True):
        local = positions[(positions >= start) & (positions < end)] - start
        pieces.append(np.asarray(getattr(ln, column)[local], dtype=object))
    return np.concatenate(pieces)


def _top_up(ctx: Context, lines: list[Lines]) -> None:
    """Each project's lines absorb the other award in line order; the project's own amount is the sum."""
    awards = ctx.table("other_zone_awards")
    if not len(awards):
        return
    payable = _concat(lines, "payable").astype(np.int64)
    # Only a line of an enterprise some award names can absorb anything (with no award, a line that
    # is not negative absorbs nothing): these lines' projects are looked up, not the city's. An
    # enterprise's row stands for its id; the last place, for every enterprise not in the case.
    named = np.zeros(len(ctx.table("enterprises")) + 1, dtype=bool)
    named[_enterprises.rows(ctx, awards["enterprise"])] = True
    rows = np.concatenate([_enterprises.rows(ctx, ln.beneficiary) for ln in lines])
    looked_up = np.flatnonzero(named[rows] | (payable < 0))
    enterprise = _at(lines, "beneficiary", looked_up)
    project = _at(lines, "project", looked_up)
    other = np.zeros(len(payable), dtype=np.int64)
    other[looked_up] = _other_awards.per_line(ctx, enterprise, project)
    # The lines of the projects another award names, each project with all its lines, in line order.
    mine = np.flatnonzero((other[looked_up] != 0) | (payable[looked_up] < 0))
    awarded = looked_up[mine]
    keys = enterprise[mine] + "\x1f" + project[mine]
    own = np.zeros(len(payable), dtype=np.int64)
    own[awarded] = _caps.group_total(keys, payable[awarded])
    absorbed = np.zeros(len(payable), dtype=np.int64)
    absorbed[awarded], _ = cumulative_cap(keys, payable[awarded], other[awarded])  # these fen covered
    parts = zip(lines, _scatter(lines, absorbed), _scatter(lines, other), _scatter(lines, own), strict=True)
    for ln, part, others, owns in parts:
        assert ln.payable is not None
        ln.payable = ln.payable - part
        ln.adjustments[TOP_UP] = part
        noted = np.flatnonzero(part > 0)
        after = ln.payable[noted].tolist()
        columns = (others[noted].tolist(), owns[noted].tolist(), part[noted].tolist(), after)
        for r, other_fen, own_fen, part_fen, payable_fen in zip(noted.tolist(), *columns, strict=True):
            text = _other_awards.note(
                ctx, str(ln.beneficiary[r]), str(ln.project[r]), other_fen, own_fen, part_fen, payable_fen
            )
            ln.note(r, text)


def _total_limit(ctx: Context, counted: list[Lines], how: str) -> None:
    enterprise = _concat(counted, "beneficiary").astype(object)
    payable = _concat(counted, "payable").astype(np.int64)
    previous = ctx.year - 1
    # Each Lines' own beneficiary column (a table's reference column: its rows are known) before concat.
    rows = np.concatenate([_enterprises.rows(ctx, ln.beneficiary) for ln in counted])
    limit = _enterprises.figure_in(ctx, "local_contribution", rows, previous)
    _refuse_missing(ctx, enterprise, payable, limit, previous)
    groups = _caps.groups_of(rows, enterprise)
    total = _caps.group_total(groups, payable)
    limit = np.maximum(limit, 0)
    if how == "pro_rata":
        allowed = _caps.share(groups, payable, limit)
    else:  # clause_order: lines fill the limit in the document's order, the last clauses are cut first
        allowed, _ = cumulative_cap(groups, payable, limit)
    cut = payable - allowed
    way = "按比例核减" if how == "pro_rata" else "按条款顺序（后列条款先减）核减"
    for ln, part, tot, lim in zip(
        counted, _scatter(counted, cut), _scatter(counted, total), _scatter(counted, limit), strict=True
    ):
        assert ln.payable is not None
        ln.payable = ln.payable - part
        ln.adjustments[TOTAL] = part
        ln.caps[TOTAL] = part > 0
        over = np.flatnonzero(tot > lim)
        ln.note_each(over.tolist(), _limit_notes(tot[over], lim[over], part[over], previous, way))


def _limit_notes(totals: IntArray, limits: IntArray, cuts: IntArray, previous: int, way: str) -> list[str]:
    """附则3's note for each line of an enterprise over its limit: the enterprise's total and limit, the
    same on each of its lines, are worded once."""

    def head(total: int, limit: int) -> str:
        return (
            f"附则3：本企业本年度补助合计 {format_fen(total)} 元（不含竞赛补助），超过{previous}年度地方综合贡献 "
            f"{format_fen(limit)} 元，{way}；本笔核减 "
        )

    pairs = list(zip(totals.tolist(), limits.tolist(), strict=True))
    heads = {pair: head(*pair) for pair in set(pairs)}
    return [f"{heads[pair]}{format_fen(cut)} 元" for pair, cut in zip(pairs, cuts.tolist(), strict=True)]


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
                f"必填：{year} 年度的 local_contribution（地方综合贡献）；附则3 规定企业 {ctx.year} 年度"
                f"所获补贴不超过其 {year} 年度地方综合贡献",
            )
            for p in positions
        ]
    )


DOC.finaliser(settle)
