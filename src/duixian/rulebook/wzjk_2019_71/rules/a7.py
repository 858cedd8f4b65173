"""a7 — 第七条 承办赛事补贴: 50% of the event's total cost, paid in three instalments — 30% of the
total cost after the contract is signed, 10% after the event starts, 10% after it ends — and at most
the cap of the event's tier.

Three lines per competition, one per instalment, each due in the year its milestone falls in (the
lines of other years show the instalment with amount 0, so the schedule is visible). When the tier
cap binds, how the capped total is split is the reading wzjk-2019-71.a7.instalments_when_capped. The
last instalment takes the rounding remainder, so the three always add up to the subsidy to the fen.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from duixian.engine.money import IntArray, apply_rate, mul_div_round
from duixian.engine.rules import Context, Lines, Step, make_lines
from duixian.engine.tables import BoolArray
from duixian.rulebook.wzjk_2019_71.document import DOC
from duixian.rulebook.wzjk_2019_71.rules import _enterprises

P = "wzjk-2019-71."
STAGES = ("signing", "start", "end")
STAGE_NAMES = {"signing": "合同签订后", "start": "赛事开始后", "end": "赛事结束后"}
STAGE_NAMES_LIST = [STAGE_NAMES[s] for s in STAGES]
MILESTONES = {"signing": "contract_signed_on", "start": "started_on", "end": "ended_on"}
# 第七条 1–5: the tier's cap parameter and its name.
TIER_CAPS = {
    "top_international_pro": "top_international_pro",
    "top_national_pro": "top_national_or_secondary_international_pro",
    "secondary_international_pro": "top_national_or_secondary_international_pro",
    "secondary_national_pro": "secondary_national_pro",
    "other_international": "other_international_national",
    "other_national": "other_international_national",
    "other_regional": "other_regional",
}
TIER_NAMES = {
    "top_international_pro": "顶级国际职业赛事",
    "top_national_pro": "顶级全国职业赛事",
    "secondary_international_pro": "次级国际职业赛事",
    "secondary_national_pro": "次级全国职业赛事",
    "other_international": "其他各类型国际赛事",
    "other_national": "其他各类型全国赛事",
    "other_regional": "其他各类型区域性赛事",
}
CAP = "第七条 赛事补贴金额上限（按赛事等级）"


def instalments(
    cost: IntArray, rate: Fraction, shares: list[Fraction], limit: IntArray, how: str
) -> tuple[IntArray, IntArray, list[IntArray], list[IntArray]]:
    """Per competition: the subsidy before and after the cap, and each instalment before and after it."""
    full_total = apply_rate(cost, rate)
    capped = cost * rate.numerator > limit * rate.denominator  # cost × 50% above the cap, exactly
    total = np.where(capped, limit, full_total).astype(np.int64)
    full = [apply_rate(cost, s) for s in shares[:-1]]
    full.append(full_total - sum(full))
    paid: list[IntArray] = []
    if how == "pro_rata":  # the capped total split 30:10:10 like the uncapped one
        for share, uncapped in zip(shares[:-1], full[:-1], strict=True):
            part = share / rate  # 30% of the cost is 3/5 of the subsidy
            scaled = mul_div_round([limit, part.numerator], part.denominator)
            paid.append(np.where(capped, scaled, uncapped).astype(np.int64))
    else:  # in_order: each instalment in full until the cap is used up
        used = np.zeros(len(cost), dtype=np.int64)
        for f in full[:-1]:
            p = np.minimum(f, total - used)
            paid.append(p.astype(np.int64))
            used = used + p
    paid.append((total - sum(paid)).astype(np.int64))
    return full_total, total, full, paid


@DOC.rule(
    "a7",
    title="承办赛事补贴",
    clause="第七条",
    quote=(
        "对完成认定备案的企业在区内组织承办电子竞技赛事，经区电竞游戏产业专家咨询委员会评审后，按照赛事总费用的50%"
        "给予补贴。补贴按以下规定支付：合同签订后按总费用30%予以支付；赛事开始后按总费用10%予以支付；赛事结束后按总费用"
        "10%予以支付，且1.顶级国际职业赛事，补贴金额不超过1000万元；2.顶级全国、次级国际职业赛事，补贴金额不超过500万元；"
        "3.次级全国职业赛事，补贴金额不超过300万元；4.其他各类型国际、全国赛事，补贴金额不超过100万元；"
        "5.其他各类型区域性赛事，补贴金额不超过30万元。"
    ),
)
def competition_subsidy(ctx: Context) -> Lines:
    comp = ctx.table("competitions")
    n = len(comp)
    at_date = _enterprises.when(ctx)
    rate = ctx.rate(P + "a7.rate", at_date)
    shares = [ctx.rate(P + f"a7.instalment.{s}", at_date) for s in STAGES]
    if sum(shares) != rate:
        raise ValueError("a7: the instalments do not add up to the subsidy rate")
    how = ctx.reading(P + "a7.instalments_when_capped")
    cap_names = sorted(set(TIER_CAPS.values()))
    cap_values = {name: ctx.amount(P + f"a7.cap.{name}", at_date) for name in cap_names}
    limit = np.asarray([cap_values[TIER_CAPS[str(t)]] for t in comp["tier"]], dtype=np.int64).reshape(n)
    cost = comp["total_cost"]
    full_total, total, full, paid = instalments(cost, rate, shares, limit, how)

    # Three lines per competition, competition-major: row r's instalments are lines 3r, 3r+1, 3r+2.
    row = np.repeat(np.arange(n), len(STAGES))
    stage = np.tile(np.arange(len(STAGES)), n)
    line_full = np.stack(full, axis=1).reshape(-1) if n else np.zeros(0, dtype=np.int64)
    line_paid = np.stack(paid, axis=1).reshape(-1) if n else np.zeros(0, dtype=np.int64)
    milestone = (
        np.stack([comp[MILESTONES[s]].astype("datetime64[D]") for s in STAGES], axis=1).reshape(-1)
        if n
        else np.zeros(0, dtype="datetime64[D]")
    )
    enterprise = comp["enterprise"][row]
    due: BoolArray = (
        ~np.isnat(milestone)
        & (milestone >= np.datetime64(ctx.year_start))
        & (milestone <= np.datetime64(ctx.year_end))
    )
    conditions = {
        **_enterprises.recognition_conditions(ctx, enterprise, grade_needed=False),
        "第七条 在区内组织承办电子竞技赛事": np.asarray(comp["in_zone"][row], dtype=bool),
        "第七条 经区电竞游戏产业专家咨询委员会评审": np.asarray(comp["committee_reviewed"][row], dtype=bool),
        "第七条 本期支付节点（合同签订、赛事开始、赛事结束）已发生且在本年度内": due,
        **_enterprises.period_condition(
            ctx, "赛事合同签订日", comp["contract_signed_on"].astype("datetime64[D]")[row]
        ),
    }
    stage_names = np.asarray(STAGE_NAMES_LIST, dtype=object)[stage]
    share_text = np.asarray([f"按总费用{_enterprises.percent(s)}" for s in shares], dtype=object)[stage]
    ids = comp["id"][row]
    return make_lines(
        P + "a7",
        beneficiary=enterprise,
        subject=np.asarray([f"competition:{c}:{STAGES[s]}" for c, s in zip(ids, stage, strict=True)], object),
        project=np.asarray([f"competition:{c}" for c in ids], dtype=object),
        raw_amount=line_paid,
        conditions=conditions,
        steps={
            "tier": Step(
                "赛事等级", np.asarray([TIER_NAMES[str(t)] for t in comp["tier"]], object)[row], "text"
            ),
            "total_cost": Step("赛事总费用", cost[row], "fen"),
            "subsidy": Step(
                f"赛事总费用 × {_enterprises.percent(rate)}（四舍五入到分）", full_total[row], "fen"
            ),
            "cap": Step("赛事等级补贴上限", limit[row], "fen"),
            "subsidy_capped": Step("补贴总额（上限适用后）", total[row], "fen"),
            "stage": Step("支付节点", stage_names, "text"),
            "milestone": Step("节点日期", milestone, "date"),
            "share": Step("本期支付标准", share_text, "text"),
            "instalment_full": Step("本期按总费用比例应付（不计上限）", line_full, "fen"),
            "instalment": Step("本期应付（上限适用后）", line_paid, "fen"),
        },
        caps={CAP: line_paid < line_full},
    )
