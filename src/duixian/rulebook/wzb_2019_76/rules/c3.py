"""c3a, c3b — 第三条 激励机构扩大融资担保增信规模.

One line per guarantor named in ``guarantor_months`` (the year concerned and the year before);
the figures are month-end 在保户数/在保余额, averaged exactly (see ``_guarantors``).
c3a rewards the growth of the small/micro and 三农 guarantee book (project ``guarantee-scale``),
c3b the book of private high-growth and leading enterprises (project ``guarantee-private-growth``):
different projects, so they stack (附则3).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from duixian.engine.money import cap, mul_div_round
from duixian.engine.rules import Context, Lines, Step, keys, make_lines
from duixian.rulebook.wzb_2019_76.document import DOC
from duixian.rulebook.wzb_2019_76.rules import _parties
from duixian.rulebook.wzb_2019_76.rules._guarantors import guarantor_years

ARTICLE = "附件第三条"
P = "wzb-2019-76."


@DOC.rule(
    "c3a",
    lines_from="guarantor_months",
    title="融资担保机构扩大小微、三农担保规模奖励",
    clause=ARTICLE,
    quote=(
        "在温州市域内、域外注册的融资担保机构为我市小微企业、“三农”贷款提供融资担保业务，上年度月平均在保户数"
        "500户以上、且本年度月平均在保户数增幅达到30%的，可享受当年月平均在保余额增量0.5%的市级财政奖励，"
        "单户机构奖励不超过50万元。"
    ),
)
def guarantee_scale(ctx: Context) -> Lines:
    gy = guarantor_years(ctx)
    min_prior = int(ctx.param(P + "c3a.min_prior_clients").value)
    growth = Fraction(ctx.param(P + "c3a.min_client_growth").value)
    rate = Fraction(ctx.param(P + "c3a.rate").value)
    inc_num, inc_den = gy.increase("balance")
    # 0.5% × (Σ_this/n_this − Σ_prior/n_prior), rounded once, to the fen.
    reward = mul_div_round([np.maximum(inc_num, 0), rate.numerator], inc_den * rate.denominator)
    raw, capped = cap(reward, int(ctx.param(P + "c3a.cap").value))
    return make_lines(
        P + "c3a",
        beneficiary=gy.ids,
        subject=keys("guarantor", gy.ids),
        project=keys("guarantee-scale", gy.ids),
        raw_amount=raw,
        conditions={
            "融资担保机构（温州市域内、域外注册均可）": _parties.is_kind(ctx, gy.ids, "guarantor"),
            "上年度月平均在保户数500户以上": gy.prior.at_least("clients", min_prior),
            "本年度月平均在保户数增幅达到30%": gy.growth_at_least("clients", growth),
            "当年月平均在保余额有增量（大于0）": inc_num > 0,
        },
        steps={
            "prior_months": Step("上年度月份数（月平均的分母）", gy.prior.months, "count"),
            "this_months": Step("本年度月份数（月平均的分母）", gy.this.months, "count"),
            "prior_clients": Step("上年度月平均在保户数", gy.prior.average_text("clients"), "text"),
            "this_clients": Step("本年度月平均在保户数", gy.this.average_text("clients"), "text"),
            "client_growth": Step("月平均在保户数增幅", gy.growth_text("clients"), "text"),
            "prior_balance": Step("上年度月平均在保余额（显示到分）", gy.prior.average_fen("balance"), "fen"),
            "this_balance": Step("本年度月平均在保余额（显示到分）", gy.this.average_fen("balance"), "fen"),
            "increase": Step("月平均在保余额增量（显示到分）", mul_div_round([inc_num], inc_den), "fen"),
            "reward": Step("增量 × 0.5%（按精确增量计算，四舍五入到分）", reward, "fen"),
            "raw": Step("奖励（单户机构不超过50万元）", raw, "fen"),
        },
        caps={"单户机构奖励不超过50万元": capped},
    )


@DOC.rule(
    "c3b",
    lines_from="guarantor_months",
    title="融资担保机构服务民营高成长型、领军企业奖励",
    clause=ARTICLE,
    quote=(
        "我市融资担保机构当年度对民营高成长型、领军企业开展融资担保业务的，按月均在保余额0.1%享受市级财政奖励，"
        "单户机构不超过300万元。"
    ),
)
def private_growth_guarantee(ctx: Context) -> Lines:
    gy = guarantor_years(ctx)
    rate = Fraction(ctx.param(P + "c3b.rate").value)
    total, months = gy.this.sums["private_growth_balance"], gy.this.months
    # 0.1% × Σ/n, rounded once, to the fen.
    reward = mul_div_round([total, rate.numerator], np.maximum(months, 1) * rate.denominator)
    raw, capped = cap(reward, int(ctx.param(P + "c3b.cap").value))
    local = _parties.at(ctx, _parties.in_wenzhou(ctx), gy.ids)
    return make_lines(
        P + "c3b",
        beneficiary=gy.ids,
        subject=keys("guarantor", gy.ids),
        project=keys("guarantee-private-growth", gy.ids),
        raw_amount=raw,
        conditions={
            "我市融资担保机构": _parties.is_kind(ctx, gy.ids, "guarantor") & local,
            "当年度对民营高成长型、领军企业开展融资担保业务（月均在保余额大于0）": (months > 0) & (total > 0),
        },
        steps={
            "this_months": Step("本年度月份数（月均的分母）", months, "count"),
            "balance_sum": Step("民营高成长型、领军企业月末在保余额合计", total, "fen"),
            "balance": Step("月均在保余额（显示到分）", gy.this.average_fen("private_growth_balance"), "fen"),
            "reward": Step("月均在保余额 × 0.1%（按精确月均计算，四舍五入到分）", reward, "fen"),
            "raw": Step("奖励（单户机构不超过300万元）", raw, "fen"),
        },
        caps={"单户机构不超过300万元": capped},
    )
