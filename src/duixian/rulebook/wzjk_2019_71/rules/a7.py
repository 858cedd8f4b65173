"""a7 — 第七条 承办赛事补贴: 50% of the event's total cost, paid in three instalments — 30% of the
total cost after the contract is signed, 10% after the event starts, 10% after it ends — and at most
the cap of the event's tier.

Three lines per competition, one per instalment, each due in the year its milestone falls in (the
lines of other years show the instalment with amount 0, so the schedule is visible). When the tier
cap binds, how the capped total is split is the reading wzjk-2019-71.a7.instalments_when_capped. The
last instalment takes the rounding remainder, so the three always add up to the subsidy to the fen.

附则1 就高不重复 is settled here, across the instalments: an award of another policy for the event is
absorbed by the instalments in order, those of earlier years included, so it is deducted once however
the instalments fall over the years. The contract must be signed inside the validity (附则5) and, by
the reading wzjk-2019-71.a2.recognition_first, on or after the enterprise's recognition.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from duixian.engine.money import IntArray, apply_rate, format_fen, mul_div_round
from duixian.engine.rules import Context, Lines, Step, make_lines
from duixian.engine.tables import BoolArray, cumulative_cap
from duixian.rulebook.wzjk_2019_71.document import DOC
from duixian.rulebook.wzjk_2019_71.rules import _enterprises, _other_awards

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
    lines_from="competitions",
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
        raise ValueError("a7：各期拨付比例之和不等于补贴比例")
    how = ctx.reading(P + "a7.instalments_when_capped")
    cap_names = sorted(set(TIER_CAPS.values()))
    cap_values = {name: ctx.amount(P + f"a7.cap.{name}", at_date) for name in cap_names}
    limit = np.asarray(
        [cap_values[TIER_CAPS[str(t)]] for t in comp["tier"].tolist()], dtype=np.int64
    ).reshape(n)
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
    enterprise = _enterprises.take(ctx, comp["enterprise"], row)
    project = np.asarray([f"competition:{c}" for c in comp["id"].tolist()], dtype=object)[row]
    year_end = np.datetime64(ctx.year_end)
    due: BoolArray = (
        ~np.isnat(milestone) & (milestone >= np.datetime64(ctx.year_start)) & (milestone <= year_end)
    )
    contract = comp["contract_signed_on"].astype("datetime64[D]")[row]
    conditions = {
        **_enterprises.recognition_conditions(ctx, enterprise, grade_needed=False),
        "第七条 在区内组织承办电子竞技赛事": np.asarray(comp["in_zone"][row], dtype=bool),
        "第七条 经区电竞游戏产业专家咨询委员会评审": np.asarray(comp["committee_reviewed"][row], dtype=bool),
        **_enterprises.after_recognition(ctx, enterprise, "赛事合同签订日", contract),
        **_enterprises.validity(
            ctx,
            len(row),
            {"认定日": _enterprises.recognised_on(ctx, enterprise), "赛事合同签订日": contract},
            {"本期支付节点日": milestone},
        ),
    }
    # 附则1 across the instalments, which may fall in different years: the other award is absorbed by
    # the instalments in order (signing, start, end), counting those of earlier years as paid, so what
    # an earlier instalment absorbed is not deducted again. An earlier instalment counts if every
    # condition but the year held and the enterprise was recognised by the end of its milestone's year.
    recognised_by_milestone = (
        _enterprises.recognised_on(ctx, enterprise)
        <= (milestone.astype("datetime64[Y]") + 1).astype("datetime64[D]") - 1
    )
    held = np.ones(len(row), dtype=bool)
    for passed in conditions.values():
        held &= passed
    entitled = np.where(held & recognised_by_milestone & (milestone <= year_end), line_paid, 0).astype(
        np.int64
    )
    other = _other_awards.per_line(ctx, enterprise, project)
    absorbed, _ = cumulative_cap(project, entitled, other)
    absorbed_before = np.minimum(other, _running_before(entitled, len(STAGES)))
    conditions["第七条 本期支付节点（合同签订、赛事开始、赛事结束）已发生且在本年度内"] = due
    stage_names = np.asarray(STAGE_NAMES_LIST, dtype=object)[stage]
    share_text = np.asarray([f"按总费用{_enterprises.percent(s)}" for s in shares], dtype=object)[stage]
    lines = make_lines(
        P + "a7",
        beneficiary=enterprise,
        subject=project + np.asarray([f":{s}" for s in STAGES], dtype=object)[stage],
        project=project,
        raw_amount=line_paid - absorbed,
        conditions=conditions,
        steps={
            "tier": Step(
                "赛事等级",
                np.asarray([TIER_NAMES[str(t)] for t in comp["tier"].tolist()], object)[row],
                "text",
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
            "other_award": Step("附则1 其他政策已就本赛事给予", other, "fen"),
            "absorbed_before": Step("附则1 此前各期已抵扣", absorbed_before, "fen"),
            "deducted": Step("附则1 本期抵扣", absorbed, "fen"),
        },
        caps={CAP: line_paid < line_full},
    )
    for r in np.flatnonzero(lines.eligible & (absorbed > 0)):
        lines.note(
            int(r),
            _other_awards.note(
                ctx,
                str(enterprise[r]),
                str(project[r]),
                int(other[r]),
                int(total[row[r]]),
                int(absorbed[r]),
                int(lines.amount[r]),
            )
            + f"；此前各期已抵扣 {format_fen(int(absorbed_before[r]))} 元",
        )
    return lines


def _running_before(amounts: IntArray, per_group: int) -> IntArray:
    """Per line of consecutive groups of ``per_group`` lines: the sum of its group's earlier lines."""
    if len(amounts) == 0:
        return amounts.copy()
    grouped = amounts.reshape(-1, per_group)
    return (np.cumsum(grouped, axis=1) - grouped).reshape(-1).astype(np.int64)
