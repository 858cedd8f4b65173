"""c6a–c6b — 第六条 鼓励民营企业债券融资.

c6a: one line per (bond issue, lead underwriter): 0.2% × the underwriter's share × the issue amount,
rounded to the fen per line (wzb-2019-76.rounding); the lines of one institution in the year add up
to its 年度累计发行额 reward, capped at 100万元 per institution (aggregate cap, after g3).
"""

from __future__ import annotations

import numpy as np

from duixian.engine.money import RATE_SCALE, apply_rate, cap, mul_div_round
from duixian.engine.rules import Context, Lines, Step, keys, make_lines
from duixian.engine.tables import gather
from duixian.rulebook.wzb_2019_76.document import DOC
from duixian.rulebook.wzb_2019_76.rules import _local

ARTICLE = "附件第六条"
P = "wzb-2019-76."


@DOC.rule(
    "c6a",
    lines_from="bond_issues.lead_underwriters",
    title="民营企业债券主承销奖励",
    clause=ARTICLE,
    quote=(
        "我市金融机构为我市民营企业发行债券融资提供主承销服务的，市级财政按年度累计发行额"
        "（以发行上市日为标准）的0.2%进行奖励，单家机构奖励不超过100万元。"
        "多家金融机构为企业联合主承销债券的，按承销比例进行奖励。"
    ),
    aggregate_cap=P + "c6a.cap",
)
def lead_underwriting(ctx: Context) -> Lines:
    issues = ctx.table("bond_issues")
    u = ctx.table("bond_issues.lead_underwriters")
    rows = issues.rows_of(u["parent"])
    issuer = gather(issues["issuer"], rows, "")
    amount = gather(issues["amount"], rows, 0).astype(np.int64)
    listed = gather(issues["listing_date"], rows, np.datetime64("NaT")).astype("datetime64[D]")
    rate = ctx.rate(P + "c6a.rate")
    ctx.reading(P + "rounding")
    share_amount = mul_div_round([amount, u["share"]], RATE_SCALE)
    raw = mul_div_round([amount, u["share"], rate.numerator], RATE_SCALE * rate.denominator)
    in_year = (listed >= np.datetime64(ctx.year_start)) & (listed <= np.datetime64(ctx.year_end))
    subject = np.asarray(
        [f"bond:{b}/{i}" for b, i in zip(u["parent"], u["institution"], strict=True)], dtype=object
    )
    return make_lines(
        P + "c6a",
        beneficiary=u["institution"],
        subject=subject,
        project=keys("bond-underwriting", u["parent"]),
        raw_amount=raw,
        counterparty=issuer,
        conditions={
            "主承销机构为我市金融机构": _local.local_financial(ctx, u["institution"]),
            "发行人为我市民营企业": _local.private_enterprise(ctx, issuer) & _local.located(ctx, issuer),
            "发行上市日在本年度": np.asarray(in_year, dtype=bool),
        },
        steps={
            "issuer": Step("发行人", issuer, "text"),
            "listing_date": Step("发行上市日", listed, "date"),
            "amount": Step("债券发行额", amount, "fen"),
            "share": Step("承销比例", u["share"], "percent"),
            "share_amount": Step("按承销比例计的发行额（四舍五入到分，仅列示）", share_amount, "fen"),
            "rate": Step("奖励比例", np.full(len(u), _local.percent(rate), dtype=object), "text"),
            "raw": Step("发行额 × 承销比例 × 奖励比例（逐笔四舍五入到分；单家机构年度上限另计）", raw, "fen"),
        },
    )


@DOC.rule(
    "c6b",
    lines_from="bond_issues",
    title="民营企业债券评级费用补贴",
    clause=ARTICLE,
    quote=(
        "我市民营企业成功发行债券融资的，可享受债券融资相关评级费用50%的市级财政补贴，单笔补贴不超过50万元。"
    ),
)
def bond_rating_fee(ctx: Context) -> Lines:
    issues = ctx.table("bond_issues")
    rate = ctx.rate(P + "c6b.rate")
    computed = apply_rate(issues["rating_fee"], rate)
    limit = ctx.amount(P + "c6b.cap")
    label = _local.cap_label(P + "c6b.cap")
    raw, bound = cap(computed, limit)
    listed = issues["listing_date"]
    in_year = (listed >= np.datetime64(ctx.year_start)) & (listed <= np.datetime64(ctx.year_end))
    return make_lines(
        P + "c6b",
        beneficiary=issues["issuer"],
        subject=keys("bond", issues.view("id")),
        project=keys("bond-rating", issues.view("id")),
        raw_amount=raw,
        conditions={
            "发行人为民营企业": _local.private_enterprise(ctx, issues["issuer"]),
            "债券于本年度成功发行上市": np.asarray(in_year, dtype=bool),
        },
        steps={
            "listing_date": Step("发行上市日", listed, "date"),
            "rating_fee": Step("债券融资相关评级费用", issues["rating_fee"], "fen"),
            "share": Step("补贴比例", np.full(len(issues), _local.percent(rate), dtype=object), "text"),
            "computed": Step("评级费用 × 补贴比例（四舍五入到分）", computed, "fen"),
            "cap": Step("单笔补贴上限", np.full(len(issues), limit, dtype=np.int64), "fen"),
            "raw": Step("补贴金额（单笔上限适用后）", raw, "fen"),
        },
        caps={label: bound},
    )
