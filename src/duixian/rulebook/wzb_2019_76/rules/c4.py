"""c4a–c4c — 第四条 鼓励知识产权质押贷款.

c4a's interest subsidy shares c1's project key ``loan-interest:<loan id>``: a loan meeting both
c1 and c4a is paid the higher only (附则3). c4c shares ``loss:loan:<loan id>`` (or ``loss:<claim id>``) with the other loss
compensations (see ``_claims``).
"""

from __future__ import annotations

import numpy as np

from duixian.engine.money import apply_rate
from duixian.engine.rules import Context, Lines, Step, keys, make_lines
from duixian.engine.tables import constant
from duixian.rulebook.wzb_2019_76.document import DOC
from duixian.rulebook.wzb_2019_76.rules import _claims, _local

ARTICLE = "附件第四条"
P = "wzb-2019-76."
IP_PLEDGE = "贷款为知识产权（含商标权、专利权）质押贷款"
PRIVATE_BORROWER = "借款企业为民营企业"


def _loan_lines(ctx: Context, rule: str, project: str, amount_column: str, amount_label: str) -> Lines:
    """A share of an amount the private borrower paid on an IP pledge loan (c4a interest, c4b fees)."""
    loans = ctx.table("loans")
    rate = ctx.rate(P + rule + ".rate")
    raw = apply_rate(loans[amount_column], rate)
    return make_lines(
        P + rule,
        beneficiary=loans["borrower"],
        subject=keys("loan", loans.view("id")),
        project=keys(project, loans.view("id")),
        raw_amount=raw,
        conditions={
            IP_PLEDGE: np.asarray(loans["ip_pledge"], dtype=bool),
            PRIVATE_BORROWER: _local.private_enterprise(ctx, loans["borrower"]),
        },
        steps={
            amount_column: Step(amount_label, loans[amount_column], "fen"),
            "share": Step("补助比例", constant(len(loans), _local.percent(rate)), "text"),
            "raw": Step(f"{amount_label} × 补助比例（四舍五入到分）", raw, "fen"),
        },
    )


@DOC.rule(
    "c4a",
    lines_from="loans",
    title="知识产权质押贷款利息补助",
    clause=ARTICLE,
    quote=(
        "对开展知识产权（含商标权、专利权）质押贷款业务的民营企业，可享受相应贷款利息10%的市级财政补助，"
        "单家企业年度补助不超过20万元。"
    ),
    aggregate_cap=P + "c4a.cap",
)
def ip_pledge_interest(ctx: Context) -> Lines:
    return _loan_lines(ctx, "c4a", "loan-interest", "interest_paid", "当年实际支付的贷款利息")


@DOC.rule(
    "c4b",
    lines_from="loans",
    title="知识产权质押贷款中介评估费补贴",
    clause=ARTICLE,
    quote="民营企业在知识产权质押贷款过程中产生的中介评估费用享受90%市级财政补贴。",
)
def ip_valuation_fee(ctx: Context) -> Lines:
    return _loan_lines(ctx, "c4b", "loan-valuation", "valuation_fee", "企业承担的中介评估费用")


@DOC.rule(
    "c4c",
    lines_from="loss_claims",
    title="知识产权质押贷款损失风险补偿",
    clause=ARTICLE,
    quote=(
        "我市银行业金融机构因知识产权质押贷款造成损失的，市财政按贷款本金实际损失金额的25%给予风险补偿，"
        "单笔最高补偿100万元。"
    ),
)
def ip_pledge_loss(ctx: Context) -> Lines:
    claims = ctx.table("loss_claims")
    pledged = np.asarray(_claims.loan_column(ctx, "ip_pledge", False), dtype=bool)
    return _claims.loss_lines(
        ctx,
        "c4c",
        rate=ctx.rate(P + "c4c.rate"),
        cap_fen=ctx.amount(P + "c4c.cap"),
        cap_label=_local.cap_label(P + "c4c.cap"),
        conditions={
            "损失为知识产权质押贷款损失": _claims.of_kind(ctx, "ip_pledge_loan"),
            "申报机构为我市银行业金融机构": _local.local_bank(ctx, claims["claimant"]),
            "列明的贷款为知识产权质押贷款（未列明贷款的不审查）": ~_claims.loan_named(ctx) | pledged,
        },
    )
