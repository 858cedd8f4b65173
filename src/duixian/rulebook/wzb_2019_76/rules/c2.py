"""c2 — 第二条 激励金融机构优化金融服务和产品创新.

Banks are ranked per single assessment (``bank_assessments``: indicator, bank, value), all
indicators at once. Each leader (``bank_leaders``) of a bank gets one line per indicator the bank
was assessed in: 80%/50%/20% of the leader's local contribution for ranks 1/2/3; for 农民资产授托
代管 only rank 1, 50%. Readings: the direction of 贷款平均利率 (c2.average_rate_direction), ties
(c2.ties) and whether one leader's lines stack (c2.multiple_indicators: ``highest`` gives them one
project key, so that g3 keeps the highest).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from duixian.engine.money import apply_rate
from duixian.engine.rules import Context, Lines, Step, keys, make_lines
from duixian.rulebook.wzb_2019_76.document import DOC
from duixian.rulebook.wzb_2019_76.rules import _parties
from duixian.rulebook.wzb_2019_76.rules._ranking import competition_ranks, refuse_duplicates, value_codes

P = "wzb-2019-76."
CUSTODY = "farmer_asset_custody"
INDICATOR_NAMES = {
    "first_loan": "民营企业首贷",
    "average_rate": "民营企业贷款平均利率",
    "ip_pledge": "知识产权质押",
    "renewal_without_repayment": "无还本续贷",
    "credit_loan": "信用贷款",
    "receivables_pledge": "应收账款质押",
    CUSTODY: "农民资产授托代管",
}


@DOC.rule(
    "c2",
    lines_from="bank_leaders",
    title="银行机构领导班子成员考评奖励",
    clause="附件第二条",
    quote=(
        "市财政每年牵头相关部门对银行业金融机构进行考评，在民营企业的首贷、贷款平均利率、知识产权质押、无还本续贷、"
        "信用贷款、应收账款质押业务等单项考核中业绩突出、排名前三位的银行机构领导班子成员，按照排名分别参照个人薪酬"
        "所得形成地方综合贡献的80%、50%、20%给予财政奖励；对农民资产授托代管业绩排名首位的银行机构领导班子成员，"
        "参照个人薪酬所得形成地方综合贡献的50%给予财政奖励。"
    ),
    population=True,
)
def bank_leader_reward(ctx: Context) -> Lines:
    ba, bl = ctx.table("bank_assessments"), ctx.table("bank_leaders")
    indicator, bank = ba["indicator"], ba["bank"]
    refuse_duplicates("bank_assessments", indicator, bank)

    # Rank all indicators at once: sort key ascending = better first.
    codes = value_codes(ba["value"])
    lower_is_better = (indicator == "average_rate") & (
        ctx.reading(P + "c2.average_rate_direction") == "lower_is_better"
    )
    rank, tied = competition_ranks(indicator, np.where(lower_is_better, codes, -codes))

    # One line per (leader, indicator of the leader's bank): join assessments to leaders by bank.
    by_bank = np.argsort(bl["bank"], kind="stable")
    banks_sorted = bl["bank"][by_bank]
    lo = np.searchsorted(banks_sorted, bank, side="left")
    hi = np.searchsorted(banks_sorted, bank, side="right")
    counts = (hi - lo).astype(np.int64)
    a = np.repeat(np.arange(len(ba)), counts)
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    leader = by_bank[np.repeat(lo, counts) + within]

    ids, ind, r, contribution = bl["id"][leader], indicator[a], rank[a], bl["local_contribution"][leader]
    custody = ind == CUSTODY
    shares = {k: Fraction(ctx.param(P + f"c2.share_rank_{k}").value) for k in (1, 2, 3)}
    custody_share = Fraction(ctx.param(P + "c2.share_custody_first").value)
    raw = np.select(
        [custody & (r == 1), ~custody & (r == 1), ~custody & (r == 2), ~custody & (r == 3)],
        [
            apply_rate(contribution, custody_share),
            apply_rate(contribution, shares[1]),
            apply_rate(contribution, shares[2]),
            apply_rate(contribution, shares[3]),
        ],
        0,
    ).astype(np.int64)
    share_text = np.select(
        [custody & (r == 1), ~custody & (r == 1), ~custody & (r == 2), ~custody & (r == 3)],
        [
            f"{custody_share * 100}%（农民资产授托代管排名首位）",
            *(f"{shares[k] * 100}%（第{k}名）" for k in (1, 2, 3)),
        ],
        "无（未进入奖励名次）",
    ).astype(object)

    project_key = ids if ctx.reading(P + "c2.multiple_indicators") == "highest" else ids + ":" + ind
    conditions = {
        "考评对象为银行业金融机构": _parties.is_kind(ctx, bank[a], "bank"),
        "单项考核排名前三位（农民资产授托代管：排名首位）": np.where(custody, r == 1, r <= 3),
    }
    if ctx.reading(P + "c2.ties") == "no_award_for_ties":
        conditions["考核成绩未与其他银行并列（并列名次不予奖励）"] = ~tied[a]
    return make_lines(
        P + "c2",
        beneficiary=ids,
        subject=keys("leader", ids + ":" + ind),
        project=keys("leader", project_key),
        raw_amount=raw,
        conditions=conditions,
        steps={
            "bank": Step("所在银行", bank[a], "text"),
            "indicator": Step("单项考核", np.vectorize(INDICATOR_NAMES.get, otypes=[object])(ind), "text"),
            "value": Step("考核成绩", ba["value"][a], "text"),
            "rank": Step("排名（并列者名次相同）", r, "count"),
            "tied": Step("与其他银行并列", tied[a], "bool"),
            "contribution": Step("个人薪酬所得形成地方综合贡献", contribution, "fen"),
            "share": Step("奖励比例", share_text, "text"),
            "raw": Step("地方综合贡献 × 奖励比例（四舍五入到分）", raw, "fen"),
        },
    )
