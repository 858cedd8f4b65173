"""c3 — 第3条 落实用地支持政策: which land support an agricultural project may have.

Three lines per project, one per route the clause opens (each with its own verdict):
  附属设施用地 — transfer of 5 years or more, witnessed, with a contract, 100 亩 or more: guaranteed;
  一事一议（投资额） — investment of 300,000,000 or more (田园综合体等项目): may be supported case by case;
  一事一议（全域土地综合整治） — a project relying on land consolidation whose land quota falls short:
  may be supported case by case.
A condition of one route is shown as met on the other routes' lines (it does not apply there).
以上 includes the bound.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from duixian.engine.rules import Context, Lines, Step, make_lines
from duixian.engine.tables import BoolArray, Column
from duixian.rulebook.wzb_2019_72.document import DOC
from duixian.rulebook.wzb_2019_72.rules._dates import in_force

P = "wzb-2019-72."
ROUTES = (
    ("附属设施用地", "保障其附属设施用地需要"),
    ("一事一议（投资额）", "可按“一事一议”给予用地支持"),
    ("一事一议（全域土地综合整治）", "用地指标缺口部分，可按“一事一议”给予用地支持"),
)


def at_least(values: Column, bound: Fraction) -> BoolArray:
    """Exact decimals (object column) ≥ bound."""
    return np.asarray([Fraction(v) >= bound for v in values], dtype=bool)


@DOC.rule(
    "c3",
    title="乡村振兴项目用地支持",
    clause="二、第3条",
    quote=(
        "凡土地承包经营权流转期限5年以上、经合法见证并签订流转合同、经营面积100亩以上的农业主体（投资项目），"
        "保障其附属设施用地需要。……依托于全域土地综合整治与生态修复的乡村振兴项目，用地指标缺口部分，"
        "可按“一事一议”给予用地支持。对投资额3亿元以上的田园综合体等项目，可按“一事一议”给予用地支持。"
    ),
    kind="condition",
    verdict=("符合该项用地支持条件", "不符合该项用地支持条件"),
)
def land_support(ctx: Context) -> Lines:
    lp = ctx.table("land_projects")
    n = len(lp["id"])
    years, area = lp["transfer_years"], lp["area_mu"]
    investment = np.asarray(lp["investment"], dtype=np.int64)
    ancillary: dict[str, BoolArray] = {
        "〔附属设施用地途径〕土地承包经营权流转期限5年以上（含本数）": at_least(
            years, ctx.number(P + "c3.transfer_years", in_force(ctx))
        ),
        "〔附属设施用地途径〕经合法见证": np.asarray(lp["witnessed"], dtype=bool),
        "〔附属设施用地途径〕签订流转合同": np.asarray(lp["contract_signed"], dtype=bool),
        "〔附属设施用地途径〕经营面积100亩以上（含本数）": at_least(
            area, ctx.number(P + "c3.area", in_force(ctx))
        ),
    }
    by_investment: dict[str, BoolArray] = {
        "〔一事一议·投资额途径〕投资额3亿元以上（含本数）": investment
        >= ctx.amount(P + "c3.investment", in_force(ctx)),
    }
    if ctx.reading(P + "c3.project_type") == "comprehensive_only":
        by_investment["〔一事一议·投资额途径〕属田园综合体等综合性项目"] = np.asarray(
            lp["comprehensive_project"], dtype=bool
        )
    by_consolidation: dict[str, BoolArray] = {
        "〔一事一议·全域整治途径〕依托于全域土地综合整治与生态修复": np.asarray(
            lp["land_consolidation"], dtype=bool
        ),
        "〔一事一议·全域整治途径〕存在用地指标缺口": np.asarray(lp["indicator_gap"], dtype=bool),
    }
    yes = np.ones(n, dtype=bool)
    conditions: dict[str, BoolArray] = {}
    for route, conds in enumerate((ancillary, by_investment, by_consolidation)):
        for label, passed in conds.items():
            conditions[label] = np.concatenate([passed if r == route else yes for r in range(len(ROUTES))])

    def tripled(column: Column) -> Column:
        return np.concatenate([column] * len(ROUTES))

    ids = lp["id"].astype(str)
    subject = np.concatenate([np.char.add(f"land:{name}:", ids) for name, _ in ROUTES]).astype(object)
    route_names = np.repeat(np.asarray([name for name, _ in ROUTES], dtype=object), n)
    support = np.repeat(np.asarray([words for _, words in ROUTES], dtype=object), n)
    return make_lines(
        P + "c3",
        beneficiary=tripled(lp["id"]),
        subject=subject,
        project=tripled(np.char.add("land:", ids).astype(object)),
        raw_amount=np.zeros(3 * n, dtype=np.int64),
        conditions=conditions,
        steps={
            "route": Step("支持途径", route_names, "text"),
            "support": Step("符合时的支持内容", support, "text"),
            "scope": Step(
                "条件范围",
                np.full(
                    3 * n, "只审查本行途径〔…〕的条件；其他途径的条件在本行不适用，显示为满足", dtype=object
                ),
                "text",
            ),
            "transfer_years": Step("土地承包经营权流转期限（年）", tripled(years), "number"),
            "area_mu": Step("经营面积（亩）", tripled(area), "number"),
            "investment": Step("投资额", tripled(investment), "fen"),
        },
    )
