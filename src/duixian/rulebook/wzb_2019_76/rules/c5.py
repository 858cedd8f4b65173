"""c5a–c5c — 第五条 鼓励技术产权资产证券化."""

from __future__ import annotations

import numpy as np

from duixian.engine.money import apply_rate
from duixian.engine.rules import Context, Lines, Step, keys, make_lines
from duixian.engine.tables import BoolArray
from duixian.rulebook.wzb_2019_76.document import DOC
from duixian.rulebook.wzb_2019_76.rules import _claims, _local

ARTICLE = "附件第五条"
P = "wzb-2019-76."


def _supported_enterprise(ctx: Context) -> tuple[str, BoolArray]:
    """第五条“民营和小微企业”, as the reading wzb-2019-76.c5a.beneficiaries takes it."""
    ids = ctx.table("securitisations")["enterprise"]
    private = _local.private_enterprise(ctx, ids)
    small = _local.small_micro_enterprise(ctx, ids)
    if ctx.reading(P + "c5a.beneficiaries") == "both":
        return "融资企业既是民营企业又是小微企业", private & small
    return "融资企业为民营企业或小微企业", private | small


@DOC.rule(
    "c5a",
    lines_from="securitisations",
    title="技术产权证券化融资利息补助",
    clause=ARTICLE,
    quote=(
        "通过技术产权证券化获得融资的民营和小微企业，可享受相应融资利息10%的市级财政补助，"
        "单家企业年度补助不超过20万元"
    ),
    aggregate_cap=P + "c5a.cap",
)
def securitisation_interest(ctx: Context) -> Lines:
    s = ctx.table("securitisations")
    rate = ctx.rate(P + "c5a.rate")
    raw = apply_rate(s["interest_paid"], rate)
    label, supported = _supported_enterprise(ctx)
    return make_lines(
        P + "c5a",
        beneficiary=s["enterprise"],
        subject=keys("securitisation", s.view("id")),
        project=keys("securitisation-interest", s.view("id")),
        raw_amount=raw,
        conditions={label: supported},
        steps={
            "interest_paid": Step("当年实际支付的证券化融资利息", s["interest_paid"], "fen"),
            "share": Step("补助比例", np.full(len(s), _local.percent(rate), dtype=object), "text"),
            "raw": Step("融资利息 × 补助比例（四舍五入到分；单家企业年度上限另计）", raw, "fen"),
        },
    )


@DOC.rule(
    "c5b",
    lines_from="securitisations",
    title="技术产权证券化发行中介服务费用补贴",
    clause=ARTICLE,
    quote=(
        "对参与发行技术产权证券化的发行机构所产生的增信费用、评估费用及其他相关发行中介服务费用，"
        "享受90%市级财政补贴。"
    ),
)
def securitisation_issuer_fees(ctx: Context) -> Lines:
    s = ctx.table("securitisations")
    rate = ctx.rate(P + "c5b.rate")
    raw = apply_rate(s["issuer_fees"], rate)
    conditions: dict[str, BoolArray] = {}
    if ctx.reading(P + "c5b.enterprise_condition") == "supported_enterprise":
        label, supported = _supported_enterprise(ctx)
        conditions[label] = supported
        conditions["融资企业注册地在温州市范围内（附则1）"] = _local.located(ctx, s["enterprise"])
    else:
        conditions["参与发行技术产权证券化"] = np.ones(len(s), dtype=bool)
    return make_lines(
        P + "c5b",
        beneficiary=s["issuer"],
        counterparty=s["enterprise"],
        subject=keys("securitisation", s.view("id")),
        project=keys("securitisation-fees", s.view("id")),
        raw_amount=raw,
        conditions=conditions,
        steps={
            "issuer_fees": Step("发行机构承担的增信、评估及其他发行中介服务费用", s["issuer_fees"], "fen"),
            "share": Step("补贴比例", np.full(len(s), _local.percent(rate), dtype=object), "text"),
            "raw": Step("发行中介服务费用 × 补贴比例（四舍五入到分）", raw, "fen"),
        },
    )


@DOC.rule(
    "c5c",
    lines_from="loss_claims",
    title="技术产权证券化损失风险补偿",
    clause=ARTICLE,
    quote=(
        "我市融资发行机构、增信机构，因向民营企业提供技术产权证券化业务造成损失的，"
        "市财政按证券化融资本金实际损失的25%给予风险补偿，单笔最高补偿100万元。"
    ),
)
def securitisation_loss(ctx: Context) -> Lines:
    claims = ctx.table("loss_claims")
    return _claims.loss_lines(
        ctx,
        "c5c",
        rate=ctx.rate(P + "c5c.rate"),
        cap_fen=ctx.amount(P + "c5c.cap"),
        cap_label=_local.cap_label(P + "c5c.cap"),
        loss_label="证券化融资本金实际损失",
        conditions={
            "损失为技术产权证券化业务损失": _claims.of_kind(ctx, "securitisation"),
            "申报机构为我市融资发行机构或增信机构（在温金融机构）": _local.local_financial(
                ctx, claims["claimant"]
            ),
            "损失因向民营企业提供证券化业务造成": _local.private_enterprise(ctx, claims["counterparty"]),
        },
    )
