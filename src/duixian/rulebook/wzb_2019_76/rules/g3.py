"""g3 — duplication, stacking, matching and promotion; then the caps that span several lines.

Every line carries a project key (the loan's interest, a guarantee's fee, a loss …). Over the
lines of one beneficiary and one project:
 (a) two or more clauses of this policy: the highest amount only;
 (b) different projects: amounts stack (nothing to do);
 (c) already rewarded at county/district level, recognised higher: what was paid counts as
     matched, only the shortfall is paid;
 (d) already rewarded at a lower grade, promoted: only the difference;
 (e) another city policy of the same type: the highest only (if it was paid, only the excess).
Prior awards (c–e) come in the case's ``prior_awards``, by project key.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from duixian.engine.money import format_fen
from duixian.engine.rules import Context, Lines, RuleSpec
from duixian.engine.tables import cumulative_cap
from duixian.rulebook.wzb_2019_76.document import DOC

QUOTE = (
    "同一项目符合本政策两项或两项以上扶持条款的，可执行最高额，但不重复享受。同一企业不同项目符合本政策"
    "两项或两项以上扶持条款的，可叠加执行。同一企业以同一名义（项目）在县、市、区级（含市级功能区）获得"
    "财政奖励后又获得更高等次奖励认定的，各级已奖励部分视作已配套，不足部分按照上级有关规定予以补足。"
    "同一奖项（认定）在低等次已作奖励的，晋升到高等次时，只奖励差额部分。本政策与市级其他政策对同一个"
    "企业（项目）的同类型奖励出现重合时，执行最高额，不重复享受。"
)
DOC.add(RuleSpec("wzb-2019-76.g3", "重复、叠加和进等奖励", "附件附则3", QUOTE, "condition"))

G3 = "g3 重复、叠加和进等扣减"
SOURCE_LABEL = {
    "lower_level": "(c) 县、市、区级已奖励部分视作已配套",
    "lower_grade": "(d) 低等次已奖励，只奖励差额",
    "other_city_policy": "(e) 市级其他政策同类型奖励已兑现，只补足差额",
}


def _prior_awards(ctx: Context) -> dict[tuple[str, str], list[tuple[str, int, bool]]]:
    out: dict[tuple[str, str], list[tuple[str, int, bool]]] = defaultdict(list)
    if "prior_awards" not in ctx.tables:
        return out
    pa = ctx.table("prior_awards")
    for b, proj, src, amt, paid in zip(
        pa["beneficiary"], pa["project"], pa["source"], pa["amount"], pa["paid"], strict=True
    ):
        out[(str(b), str(proj))].append((str(src), int(amt), bool(paid)))
    return out


def deduplicate(ctx: Context, all_lines: list[Lines]) -> None:
    cash = [ln for ln in all_lines if DOC.rules[ln.rule_id].kind == "cash"]
    stage = ctx.reading("wzb-2019-76.g3.compare_stage")
    rounding = ctx.reading("wzb-2019-76.rounding")
    for ln in cash:
        ln.readings["wzb-2019-76.g3.compare_stage"] = stage
        ln.readings["wzb-2019-76.rounding"] = rounding
        ln.payable = ln.amount.copy()
        ln.adjustments[G3] = np.zeros(len(ln), dtype=np.int64)
    if not cash:
        return
    keys = np.concatenate([ln.beneficiary.astype(str) + "\x1f" + ln.project.astype(str) for ln in cash])
    owner = np.concatenate([np.full(len(ln), i) for i, ln in enumerate(cash)])
    row = np.concatenate([np.arange(len(ln)) for ln in cash])
    amounts = np.concatenate([ln.amount for ln in cash])
    prior = _prior_awards(ctx)
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    candidates = (counts[inverse] > 1) & (amounts > 0)
    prior_keys = {f"{b}\x1f{p}" for b, p in prior}
    candidates |= np.isin(keys, list(prior_keys)) if prior_keys else False
    groups: dict[int, list[int]] = defaultdict(list)
    for k in np.flatnonzero(candidates):
        groups[int(inverse[k])].append(int(k))
    for members in groups.values():
        _settle(cash, owner, row, amounts, members, prior)


def _settle(
    cash: list[Lines],
    owner: np.ndarray,
    row: np.ndarray,
    amounts: np.ndarray,
    members: list[int],
    prior: dict[tuple[str, str], list[tuple[str, int, bool]]],
) -> None:
    positive = [k for k in members if amounts[k] > 0]
    if not positive:
        return
    winner = max(positive, key=lambda k: (amounts[k], -k))  # highest; on a tie the earlier clause
    w_lines, w_row = cash[owner[winner]], row[winner]
    for k in positive:
        if k == winner:
            continue
        lines, r = cash[owner[k]], row[k]
        lines.payable[r] = 0
        lines.adjustments[G3][r] = amounts[k]
        lines.note(
            r,
            f"g3(a) 同一项目同时符合 {w_lines.rule_id}（{format_fen(amounts[winner])} 元），执行最高额，本条不重复享受",
        )
    key = (str(w_lines.beneficiary[w_row]), str(w_lines.project[w_row]))
    entitled = int(amounts[winner])
    deducted = 0
    for source, amount, paid in prior.get(key, []):
        if source == "other_city_policy" and amount >= entitled:
            deducted = entitled
            w_lines.note(
                w_row,
                f"g3(e) 市级其他政策同类型奖励 {format_fen(amount)} 元不低于本条，执行最高额，本条不予兑现",
            )
            break
        if paid:
            deducted += amount
            w_lines.note(w_row, f"g3{SOURCE_LABEL[source]}：{format_fen(amount)} 元")
    deducted = min(deducted, entitled)
    w_lines.payable[w_row] = entitled - deducted
    w_lines.adjustments[G3][w_row] = deducted


def aggregate_caps(ctx: Context, all_lines: list[Lines]) -> None:
    """Caps per beneficiary per year that span lines (e.g. c1 单户不超过20万元), after g3."""
    for ln in all_lines:
        spec: RuleSpec = DOC.rules[ln.rule_id]
        if spec.aggregate_cap is None or ln.payable is None:
            continue
        cap_value = ctx.params[spec.aggregate_cap].at(ctx.year_start)
        ln.parameters[spec.aggregate_cap] = cap_value
        caps = np.full(len(ln), int(cap_value.value), dtype=np.int64)
        if spec.id == "wzb-2019-76.c1" and ln.readings.get("wzb-2019-76.c1.cap_period") == "policy_period":
            caps = np.maximum(caps - _received_before(ctx, ln, spec.id), 0)
        allowed, cut = cumulative_cap(ln.beneficiary, ln.payable, caps)
        label = f"单户年度上限（{spec.aggregate_cap}）"
        ln.adjustments[label] = ln.payable - allowed
        ln.caps[label] = cut
        ln.payable = allowed


def _received_before(ctx: Context, ln: Lines, rule_id: str) -> np.ndarray:
    """Per line: what the beneficiary received under this rule in earlier years (project = rule id)."""
    received: dict[str, int] = defaultdict(int)
    for (beneficiary, project), awards in _prior_awards(ctx).items():
        if project == rule_id:
            received[beneficiary] += sum(a for _, a, paid in awards if paid)
    return np.asarray([received.get(str(b), 0) for b in ln.beneficiary], dtype=np.int64)


DOC.finaliser(deduplicate)
DOC.finaliser(aggregate_caps)
