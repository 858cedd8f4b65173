"""c11 — 第十一条 建立资本金补充激励机制.

One line per guarantor named in ``guarantor_months``; the figures are the month-end 在保户数 and
在保余额 of its small/micro guarantees, averaged exactly (see ``_guarantors``). No cap: the clause
sets none. Whether c11 stacks with c3a for the same guarantor and year is a reading
(wzb-2019-76.c11.with_c3a): by default they are different projects (附则3: 不同项目可叠加).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from duixian.engine.money import mul_div_round
from duixian.engine.rules import Context, Lines, Step, keys, make_lines, prefixed
from duixian.rulebook.wzb_2019_76.document import DOC
from duixian.rulebook.wzb_2019_76.rules import _parties
from duixian.rulebook.wzb_2019_76.rules._guarantors import guarantor_years

P = "wzb-2019-76."


@DOC.rule(
    "c11",
    lines_from="guarantor_months",
    title="政府性融资担保机构资本金补充激励",
    clause="附件第十一条",
    quote=(
        "我市政府性融资担保机构对我市小微企业开展的融资担保业务月均在保余额达到注册资本5倍以上且月均在保户数"
        "当年度增幅达30%以上的，给予政府性融资担保机构月均在保余额0.5%的资本补充激励。"
    ),
)
def capital_replenishment(ctx: Context) -> Lines:
    gy = guarantor_years(ctx)
    ids = gy.ids
    multiple = int(ctx.param(P + "c11.balance_multiple").value)
    growth = Fraction(ctx.param(P + "c11.min_client_growth").value)
    rate = Fraction(ctx.param(P + "c11.rate").value)
    capital = np.asarray(_parties.column(ctx, "registered_capital", ids, 0), dtype=np.int64)
    balance, months = gy.this.sums["small_micro_balance"], gy.this.months
    # 月均在保余额 ≥ 5 × 注册资本 ⇔ Σ ≥ 5 × capital × n (以上 includes the bound).
    enough_balance = (months > 0) & (balance >= multiple * capital * months)
    grew = gy.growth_at_least("small_micro_clients", growth)
    if ctx.reading(P + "c11.no_prior_clients") == "counts_as_growth":
        no_prior = ~gy.prior_positive("small_micro_clients")
        grew = grew | (no_prior & (gy.this.sums["small_micro_clients"] > 0) & (months > 0))
    # 0.5% × Σ/n, rounded once, to the fen.
    raw = mul_div_round([balance, rate.numerator], np.maximum(months, 1) * rate.denominator)
    shared = ctx.reading(P + "c11.with_c3a") == "highest"
    project = prefixed("guarantee-scale" if shared else "capital-replenishment", ids)
    government = _parties.column(ctx, "government_guarantor", ids, False)
    local = _parties.at(ctx, _parties.in_wenzhou(ctx), ids)
    return make_lines(
        P + "c11",
        beneficiary=ids,
        subject=keys("guarantor", ids),
        project=project,
        raw_amount=raw,
        conditions={
            "我市政府性融资担保机构": _parties.is_kind(ctx, ids, "guarantor") & government & local,
            "注册资本已填报（大于0）": capital > 0,
            "小微企业融资担保月均在保余额达到注册资本5倍以上": enough_balance,
            "月均在保户数当年度增幅达30%以上": grew,
        },
        steps={
            "capital": Step("注册资本", capital, "fen"),
            "threshold": Step("注册资本 × 5", capital * multiple, "fen"),
            "this_months": Step("本年度月份数（月均的分母）", months, "count"),
            "balance": Step(
                "小微企业融资担保月均在保余额（显示到分）", gy.this.average_fen("small_micro_balance"), "fen"
            ),
            "prior_clients": Step("上年度月均在保户数", gy.prior.average_text("small_micro_clients"), "text"),
            "this_clients": Step("本年度月均在保户数", gy.this.average_text("small_micro_clients"), "text"),
            "client_growth": Step("月均在保户数增幅", gy.growth_text("small_micro_clients"), "text"),
            "raw": Step("月均在保余额 × 0.5%（按精确月均计算，四舍五入到分）", raw, "fen"),
        },
    )
