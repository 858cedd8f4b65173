"""c9 — 第九条 充分发挥财政资金竞争性存放激励作用.

Not a grant: the bank ranked first in each assessment (``deposit_assessments``: indicator, bank,
amount lent in the period) is allocated a one-year fiscal deposit of 50% of that amount. The
engine adds the scope (g1) to cash rules only; 附则1 excludes its cases from 本政策全部条款, so this
rule adds g1's conditions itself. Ties follow wzb-2019-76.c2.ties.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from duixian.engine.money import apply_rate
from duixian.engine.rules import Context, Lines, Step, keys, make_lines
from duixian.rulebook.wzb_2019_76.document import DOC
from duixian.rulebook.wzb_2019_76.rules import _parties, g1
from duixian.rulebook.wzb_2019_76.rules._ranking import competition_ranks, refuse_duplicates

P = "wzb-2019-76."
INDICATOR_NAMES = {
    "cdm_fund": "新增中国清洁发展机制基金贷款",
    "private_tech_renovation": "向我市民营企业新增的技术改造（项目）贷款",
    "ip_pledge": "向我市民营企业新增的知识产权质押贷款",
}


@DOC.rule(
    "c9",
    lines_from="deposit_assessments",
    title="财政性存款竞争性存放定额配套",
    clause="附件第九条",
    quote=(
        "对银行业金融机构新增的中国清洁发展机制基金贷款，向我市民营企业新增的技术改造（项目）贷款、知识产权质押贷款，"
        "市财政定期考核各项贷款金额，对每项考核成绩排名首位的银行，按同期投放金额50%给予银行一年期财政性存款定额配套。"
    ),
    kind="deposit",
    population=True,
)
def fiscal_deposit(ctx: Context) -> Lines:
    da = ctx.table("deposit_assessments")
    indicator, bank, amount = da["indicator"], da["bank"], da["amount"]
    refuse_duplicates("deposit_assessments", indicator, bank)
    rank, tied = competition_ranks(indicator, -np.asarray(amount, dtype=np.int64))
    share = Fraction(ctx.param(P + "c9.deposit_share").value)
    raw = apply_rate(amount, share)
    conditions = {
        "考核对象为银行业金融机构": _parties.is_kind(ctx, bank, "bank"),
        "该项考核成绩排名首位": rank == 1,
    }
    if ctx.reading(P + "c2.ties") == "no_award_for_ties":
        conditions["考核成绩未与其他银行并列（并列名次不予奖励）"] = ~tied
    lines = make_lines(
        P + "c9",
        beneficiary=bank,
        subject=keys("deposit", indicator + ":" + bank),
        project=keys("fiscal-deposit", bank + ":" + indicator),
        raw_amount=raw,
        conditions=conditions,
        steps={
            "indicator": Step(
                "考核项目", np.vectorize(INDICATOR_NAMES.get, otypes=[object])(indicator), "text"
            ),
            "amount": Step("同期投放金额", amount, "fen"),
            "rank": Step("排名（并列者名次相同）", rank, "count"),
            "tied": Step("与其他银行并列", tied, "bool"),
            "raw": Step("同期投放金额 × 50%（一年期财政性存款定额配套，四舍五入到分）", raw, "fen"),
        },
    )
    lines.conditions.update(g1.scope(ctx, lines, DOC.rules[P + "c9"]))
    lines.amount = np.where(lines.eligible, lines.amount, 0).astype(np.int64)
    return lines
