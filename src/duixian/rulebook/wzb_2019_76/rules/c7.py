"""c7 — 第七条 完善农民资产授托代管补偿机制."""

from __future__ import annotations

import numpy as np

from duixian.engine.rules import Context, Lines
from duixian.engine.tables import BoolArray
from duixian.rulebook.wzb_2019_76.document import DOC
from duixian.rulebook.wzb_2019_76.rules import _claims, _local

P = "wzb-2019-76."


@DOC.rule(
    "c7",
    lines_from="loss_claims",
    title="农民资产授托代管贷款损失补偿",
    clause="附件第七条",
    quote=(
        "市级财政风险补偿基金对我市金融机构新增农民资产授托代管相关贷款业务承担的风险进行补偿，"
        "单笔债权按照法院终结裁定执行书确认贷款本金损失的20%给予补偿，单笔最高补偿金额不超过50万元。"
    ),
)
def farmer_asset_custody_loss(ctx: Context) -> Lines:
    claims = ctx.table("loss_claims")
    named = _claims.loan_named(ctx)
    custody = np.asarray(_claims.loan_column(ctx, "farmer_asset_custody", False), dtype=bool)
    conditions: dict[str, BoolArray] = {
        "损失为农民资产授托代管相关贷款损失": _claims.of_kind(ctx, "farmer_asset_custody"),
        "贷款本金损失经法院终结裁定执行书确认": np.asarray(claims["court_final_ruling"], dtype=bool),
        "申报机构为我市金融机构": _local.local_financial(ctx, claims["claimant"]),
        "列明的贷款为农民资产授托代管贷款（未列明贷款的不审查）": ~named | custody,
    }
    if ctx.reading(P + "c7.new_loans") == "issued_in_policy_period":
        started = _claims.loan_column(ctx, "start_date", np.datetime64("NaT")).astype("datetime64[D]")
        conditions[f"新增贷款：列明贷款且于 {DOC.applies_from} 以后发放"] = named & (
            started >= np.datetime64(DOC.applies_from)
        )
    return _claims.loss_lines(
        ctx,
        "c7",
        rate=ctx.rate(P + "c7.rate"),
        cap_fen=ctx.amount(P + "c7.cap"),
        cap_label=_local.cap_label(P + "c7.cap"),
        loss_label="法院终结裁定执行书确认的贷款本金损失",
        conditions=conditions,
    )
