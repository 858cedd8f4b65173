"""c10a–c10c — 第十条 建立风险补偿基金.

All three compensate one claim under the project key ``loss:loan:<loan id>`` (or ``loss:<claim id>``). c10c (首贷业务, 30%) is a
rule of its own: for a first-loan claim it and c10a or c10b both produce a line, and g3 pays the
highest (附则3), so the 20%/10% line is superseded. Every amount comes out of the 5亿元 fund
(wzb-2019-76.c10.fund_total, named in each explanation); whether a year's claims together exceed the
fund is a question for the fund's ledger, not for a single case.
"""

from __future__ import annotations

import numpy as np

from duixian.engine.money import format_fen
from duixian.engine.rules import Context, Lines, Step
from duixian.engine.tables import BoolArray
from duixian.rulebook.wzb_2019_76.document import DOC
from duixian.rulebook.wzb_2019_76.rules import _claims, _local, _parties

ARTICLE = "附件第十条"
P = "wzb-2019-76."
GUARANTEE_LOSS = "单笔实际损失"
BANK_LOSS = "银行实际承担的单笔贷款本金损失"


def _government_guarantor_loss(ctx: Context) -> dict[str, BoolArray]:
    claimant = ctx.table("loss_claims")["claimant"]
    government = np.asarray(_parties.column(ctx, "government_guarantor", claimant), dtype=bool)
    government &= _parties.is_kind(ctx, claimant, "guarantor")
    return {
        "损失为融资担保业务损失": _claims.of_kind(ctx, "guarantee"),
        "申报机构为我市政府性融资担保机构": government & _local.located(ctx, claimant),
        "担保的是小微企业或“三农”贷款": np.asarray(
            ctx.table("loss_claims")["small_micro_or_agri"], dtype=bool
        ),
    }


def _risk_sharing_bank_loss(ctx: Context) -> dict[str, BoolArray]:
    claimant = ctx.table("loss_claims")["claimant"]
    return {
        "损失为银担分险合作贷款损失": _claims.of_kind(ctx, "risk_sharing"),
        "申报机构为我市银行业金融机构": _local.local_bank(ctx, claimant),
    }


def _fund(ctx: Context) -> dict[str, Step]:
    """The fund every c10 amount is paid from; a single case does not check it (the fund's ledger does)."""
    total = ctx.amount(P + "c10.fund_total")
    n = len(ctx.table("loss_claims"))
    shown = np.full(
        n,
        f"市财政风险补偿基金，总额 {format_fen(total)} 元（各笔合计是否超出基金总额，由基金台账核对）",
        dtype=object,
    )
    return {"fund": Step("资金来源", shown, "text")}


def _all(conditions: dict[str, BoolArray]) -> BoolArray:
    return np.asarray(np.logical_and.reduce(list(conditions.values())), dtype=bool)


@DOC.rule(
    "c10a",
    lines_from="loss_claims",
    title="政府性融资担保机构代偿损失风险补偿",
    clause=ARTICLE,
    quote=(
        "我市政府性融资担保机构对小微企业、“三农”贷款提供融资担保业务发生损失的，"
        "市级财政给予单笔实际损失20%、不超过240万元的风险补偿"
    ),
)
def guarantor_loss(ctx: Context) -> Lines:
    return _claims.loss_lines(
        ctx,
        "c10a",
        rate=ctx.rate(P + "c10a.rate"),
        cap_fen=ctx.amount(P + "c10a.cap"),
        cap_label=_local.cap_label(P + "c10a.cap"),
        loss_label=GUARANTEE_LOSS,
        conditions=_government_guarantor_loss(ctx),
        extra_steps=_fund(ctx),
    )


@DOC.rule(
    "c10b",
    lines_from="loss_claims",
    title="银担分险银行贷款本金损失风险补偿",
    clause=ARTICLE,
    quote="银担分险合作的银行业金融机构可享受实际承担的单笔贷款本金损失10%、不超过60万元的风险补偿。",
)
def risk_sharing_bank_loss(ctx: Context) -> Lines:
    return _claims.loss_lines(
        ctx,
        "c10b",
        rate=ctx.rate(P + "c10b.rate"),
        cap_fen=ctx.amount(P + "c10b.cap"),
        cap_label=_local.cap_label(P + "c10b.cap"),
        loss_label=BANK_LOSS,
        conditions=_risk_sharing_bank_loss(ctx),
        extra_steps=_fund(ctx),
    )


@DOC.rule(
    "c10c",
    lines_from="loss_claims",
    title="首贷业务损失风险补偿",
    clause=ARTICLE,
    quote="首贷业务可享受30%的风险补偿。",
)
def first_loan_loss(ctx: Context) -> Lines:
    claims = ctx.table("loss_claims")
    guarantor = _all(_government_guarantor_loss(ctx))
    bank = _all(_risk_sharing_bank_loss(ctx))
    first = np.asarray(claims["first_loan"], dtype=bool) | np.asarray(
        _claims.loan_column(ctx, "first_loan", False), dtype=bool
    )
    conditions = {
        "首贷业务（损失申报或列明的贷款标明首贷）": first,
        "符合第十条政府性融资担保机构（小微、“三农”）或银担分险银行的补偿条件": guarantor | bank,
    }
    cap_fen = None
    cap_label = ""
    if ctx.reading(P + "c10c.scope") == "replaces_rate_same_caps":
        guarantee_kind = _claims.of_kind(ctx, "guarantee")
        cap_fen = np.where(guarantee_kind, ctx.amount(P + "c10a.cap"), ctx.amount(P + "c10b.cap")).astype(
            np.int64
        )
        cap_label = f"单笔上限（沿用 {P}c10a.cap 或 {P}c10b.cap）"
    return _claims.loss_lines(
        ctx,
        "c10c",
        rate=ctx.rate(P + "c10c.rate"),
        cap_fen=cap_fen,
        cap_label=cap_label,
        loss_label="单笔实际损失（担保机构）或实际承担的贷款本金损失（银行）",
        conditions=conditions,
        extra_steps=_fund(ctx),
    )
