"""a4 — 第四条 设立产业发展基金: the fund co-invests 20% of the financing actually received, at most
5000万元. An investment (kind ``investment``), not a grant: it is not cash, not in 附则3's total.

One line per financing (``fund_financings``). Whether the 5000万元 bounds each financing or an
enterprise's financings of the year together is the reading wzjk-2019-71.a4.cap_scope. The
engine adds 第一条's scope to cash lines only, so this rule adds it itself.
"""

from __future__ import annotations

import numpy as np

from duixian.engine.money import apply_rate, cap
from duixian.engine.rules import Context, Lines, Step, keys, make_lines
from duixian.engine.tables import constant, cumulative_cap
from duixian.rulebook.wzjk_2019_71.document import DOC
from duixian.rulebook.wzjk_2019_71.rules import _enterprises

P = "wzjk-2019-71."
CAP = "第四条 跟投最高不超过5000万元"


@DOC.rule(
    "a4",
    lines_from="fund_financings",
    title="产业发展基金跟投",
    clause="第四条",
    quote=(
        "通过市场化方式引导社会资本组建电竞文体数字产业发展基金，主要用于支持龙头企业做大做强、孵化中小企业创新发展。"
        "由产业发展基金决策委员会审核通过的企业按照实际到位融资金额的20%进行跟投，最高不超过5000万元。"
    ),
    kind="investment",
)
def fund_co_investment(ctx: Context) -> Lines:
    fin = ctx.table("fund_financings")
    enterprise = fin["enterprise"]
    at_date = _enterprises.when(ctx)
    rate = ctx.rate(P + "a4.rate", at_date)
    limit = ctx.amount(P + "a4.cap", at_date)
    received_on = fin["received_on"].astype("datetime64[D]")
    lines = make_lines(
        P + "a4",
        beneficiary=enterprise,
        subject=keys("financing", fin["id"]),
        project=keys("financing", fin["id"]),
        raw_amount=np.zeros(len(fin), dtype=np.int64),
        conditions={
            "第四条 经产业发展基金决策委员会审核通过": np.asarray(fin["fund_committee_approved"], dtype=bool),
            **_enterprises.validity(ctx, len(fin), {"融资到位日": received_on}),
        },
    )
    for label, passed in _enterprises.scope_for(ctx, enterprise).items():
        lines.conditions[label] = passed
    computed = apply_rate(fin["received"], rate)
    offered = np.where(lines.eligible, computed, 0).astype(np.int64)
    limits = np.full(len(fin), limit, dtype=np.int64)
    if ctx.reading(P + "a4.cap_scope") == "per_financing":
        allowed, cut = cap(offered, limits)
    else:
        allowed, cut = cumulative_cap(np.asarray(enterprise, dtype=object), offered, limits)
    lines.amount = allowed
    lines.caps[CAP] = cut
    lines.steps = {
        "received_on": Step("融资到位日", received_on, "date"),
        "received": Step("实际到位融资金额", fin["received"], "fen"),
        "rate": Step("跟投比例", constant(len(fin), _enterprises.percent(rate)), "text"),
        "computed": Step("实际到位融资金额 × 跟投比例（四舍五入到分）", computed, "fen"),
        "cap": Step("跟投上限", limits, "fen"),
        "allowed": Step("跟投额度（上限适用后）", allowed, "fen"),
    }
    return lines
