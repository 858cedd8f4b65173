"""c8a–c8e — 第八条 分担企业融资担保费用.

Every guarantee-fee subsidy of one guarantee shares the project key ``guarantee-fee:<id>``, so
that g3 pays only the highest of c8a/c8b/c8c/c8e for it (附则3: 同一项目…执行最高额).
"""

from __future__ import annotations

import numpy as np

from duixian.engine.money import IntArray, apply_rate, cap, rate_at_most
from duixian.engine.rules import Context, Lines, Step, keys, make_lines
from duixian.engine.tables import BoolArray, Column, constant
from duixian.rulebook.wzb_2019_76.document import DOC
from duixian.rulebook.wzb_2019_76.rules import _parties
from duixian.rulebook.wzb_2019_76.rules.g4 import sizes_at

ARTICLE = "附件第八条"
P = "wzb-2019-76."


def _guarantee_facts(ctx: Context) -> tuple[BoolArray, BoolArray, BoolArray]:
    """(government guarantor, non-government guarantor, small/micro borrower) per guarantee: asked by
    c8a, c8b and c8c alike, so looked up once per evaluation."""
    return ctx.once("c8.guarantee_facts", lambda: _looked_up_guarantee_facts(ctx))


def _looked_up_guarantee_facts(ctx: Context) -> tuple[BoolArray, BoolArray, BoolArray]:
    g = ctx.table("guarantees")
    government = _parties.column(ctx, "government_guarantor", g["guarantor"])
    is_guarantor = _parties.is_kind(ctx, g["guarantor"], "guarantor")
    _, small_micro = _borrower_sizes(ctx)
    return government & is_guarantor, ~government & is_guarantor, small_micro


def _borrower_sizes(ctx: Context) -> tuple[Column, BoolArray]:
    """Each guarantee's borrower in 附则4's words, and whether it is 小微企业: both from one reading of
    the borrowers (the words are the same column for c8a, c8b, c8c and c8e)."""
    borrowers = ctx.table("guarantees")["borrower"]
    return ctx.once("c8.borrower_sizes", lambda: sizes_at(ctx, _parties.rows(ctx, borrowers)))


def _fee_lines(
    ctx: Context, rule: str, share: Column, raw: IntArray, conditions: dict[str, BoolArray]
) -> Lines:
    g = ctx.table("guarantees")
    caps = {}
    # The register's all_guarantee_fees option caps c8a–c8c; c8e's 全额补贴 is not among them.
    if rule == "c8c" or (rule != "c8e" and ctx.reading(P + "c8c.cap_scope") == "all_guarantee_fees"):
        raw, caps["单笔补助不超过30万元"] = cap(raw, ctx.amount(P + "c8c.cap"))
    return make_lines(
        P + rule,
        beneficiary=g["borrower"],
        subject=keys("guarantee", g.view("id")),
        project=keys("guarantee-fee", g.view("id")),
        raw_amount=raw,
        conditions=conditions,
        steps={
            "borrower_size": Step("借款企业规模（附则4）", _borrower_sizes(ctx)[0], "text"),
            "fee_rate": Step("担保费率", g["fee_rate"], "percent"),
            "fee_paid": Step("企业实际承担的担保费", g["fee_paid"], "fen"),
            "share": Step("补助比例", share, "text"),
            "raw": Step("实际担保费 × 补助比例（四舍五入到分，单笔上限适用后）", raw, "fen"),
        },
        caps=caps,
    )


def _flat(ctx: Context, rule: str, label: str, rate_param: str, conditions: dict[str, BoolArray]) -> Lines:
    """A subsidy at one rate of the fee actually paid."""
    g = ctx.table("guarantees")
    raw = apply_rate(g["fee_paid"], ctx.rate(P + rate_param))
    return _fee_lines(ctx, rule, constant(len(g), label), raw, conditions)


# The share column's words, by whether the lower rate applies (c8a) / whether insured the first time (c8d).
GOV_SHARES = np.asarray(["15%（费率不超过1.5%）", "20%（费率不超过1%）"], dtype=object)
PREMIUM_SHARES = np.asarray(["15%", "30%"], dtype=object)

QUOTE_GOV = (
    "我市小微企业贷款需政府性融资担保机构提供融资担保业务，担保费率不超过1%的，企业可享受实际担保费20%的"
    "市级财政补助，担保费率不超过1.5%的，企业可享受实际担保费15%的市级财政补助"
)


@DOC.rule("c8a", title="政府性融资担保费补助", clause=ARTICLE, quote=QUOTE_GOV, lines_from="guarantees")
def government_guarantee_fee(ctx: Context) -> Lines:
    g = ctx.table("guarantees")
    government, _, small_micro = _guarantee_facts(ctx)
    low = rate_at_most(g["fee_rate"], ctx.rate(P + "c8a.fee_rate_low"))
    mid = rate_at_most(g["fee_rate"], ctx.rate(P + "c8a.fee_rate_mid"))
    raw = np.where(
        low,
        apply_rate(g["fee_paid"], ctx.rate(P + "c8a.rate_low")),
        apply_rate(g["fee_paid"], ctx.rate(P + "c8a.rate_mid")),
    )
    share = GOV_SHARES[low.astype(np.intp)]  # the two words, not a new text per guarantee
    conditions = {
        "借款人为小微企业": small_micro,
        "担保机构为政府性融资担保机构": government,
        "担保费率不超过1.5%": mid,
    }
    return _fee_lines(ctx, "c8a", share, raw, conditions)


@DOC.rule(
    "c8b",
    lines_from="guarantees",
    title="非政府性融资担保费补助",
    clause=ARTICLE,
    quote="非政府性融资担保机构提供融资担保业务且担保费率不超过2%的，企业可享受实际担保费15%的市级财政补助",
)
def private_guarantee_fee(ctx: Context) -> Lines:
    g = ctx.table("guarantees")
    _, non_government, small_micro = _guarantee_facts(ctx)
    within = rate_at_most(g["fee_rate"], ctx.rate(P + "c8b.fee_rate_max"))
    return _flat(
        ctx,
        "c8b",
        "15%",
        "c8b.rate",
        {
            "借款人为小微企业": small_micro,
            "担保机构为非政府性融资担保机构": non_government,
            "担保费率不超过2%": within,
        },
    )


@DOC.rule(
    "c8c",
    lines_from="guarantees",
    title="企业首次融资担保费补助",
    clause=ARTICLE,
    quote="企业首次融资担保的，可享受30%市级财政补助，单笔补助不超过30万元。",
)
def first_guarantee_fee(ctx: Context) -> Lines:
    g = ctx.table("guarantees")
    government, non_government, small_micro = _guarantee_facts(ctx)
    conditions = {"企业首次融资担保": np.asarray(g["first_guarantee"], dtype=bool)}
    if ctx.reading(P + "c8c.rate_conditions") == "conditions_apply":
        gov_ok = government & rate_at_most(g["fee_rate"], ctx.rate(P + "c8a.fee_rate_mid"))
        other_ok = non_government & rate_at_most(g["fee_rate"], ctx.rate(P + "c8b.fee_rate_max"))
        conditions["借款人为小微企业"] = small_micro
        conditions["担保费率满足第八条条件（政府性≤1.5%，非政府性≤2%）"] = gov_ok | other_ok
    return _flat(ctx, "c8c", "30%", "c8c.rate", conditions)


@DOC.rule(
    "c8d",
    lines_from="insurance_policies",
    title="小额贷款保证保险费补助",
    clause=ARTICLE,
    quote=(
        "我市小额贷款保证保险费率不超过2%的，借款人可享受实际保险费15%的市级财政补助，"
        "其中首次参加保证保险的，可享受30%市级财政补助。"
    ),
)
def loan_insurance_premium(ctx: Context) -> Lines:
    ins = ctx.table("insurance_policies")
    first = np.asarray(ins["first_time"], dtype=bool)
    share = PREMIUM_SHARES[first.astype(np.intp)]
    raw = np.where(
        first,
        apply_rate(ins["premium_paid"], ctx.rate(P + "c8d.rate_first")),
        apply_rate(ins["premium_paid"], ctx.rate(P + "c8d.rate")),
    )
    within = rate_at_most(ins["premium_rate"], ctx.rate(P + "c8d.premium_rate_max"))
    return make_lines(
        P + "c8d",
        beneficiary=ins["borrower"],
        subject=keys("insurance", ins.view("id")),
        project=keys("insurance-premium", ins.view("id")),
        raw_amount=raw,
        conditions={"保证保险费率不超过2%": within},
        steps={
            "premium_rate": Step("保证保险费率", ins["premium_rate"], "percent"),
            "premium_paid": Step("实际保险费", ins["premium_paid"], "fen"),
            "share": Step("补助比例（首次参加30%，否则15%）", share, "text"),
            "raw": Step("实际保险费 × 补助比例（四舍五入到分）", raw, "fen"),
        },
    )


@DOC.rule(
    "c8e",
    lines_from="guarantees",
    title="中国清洁发展机制基金贷款担保费全额补贴",
    clause=ARTICLE,
    quote="企业获得中国清洁发展机制基金贷款支持，可按承担的担保费享受全额财政补贴。",
)
def cdm_fund_guarantee_fee(ctx: Context) -> Lines:
    g = ctx.table("guarantees")
    return _flat(
        ctx,
        "c8e",
        "100%（全额）",
        "c8e.rate",
        {"贷款获得中国清洁发展机制基金支持": np.asarray(g["cdm_fund"], dtype=bool)},
    )
