"""c3 — 第3条 落实用地支持政策: which land support an agricultural project may have.

Three lines per project, one per route the clause opens (each with its own verdict):
  附属设施用地 — transfer of 5 years or more, witnessed, with a contract, 100 亩 or more: guaranteed;
  一事一议（投资额） — investment of 300,000,000 or more (田园综合体等项目): may be supported case by case;
  一事一议（全域土地综合整治） — a project relying on land consolidation whose land quota falls short:
  may be supported case by case.
以上 includes the bound. Each line shows only its own route's conditions, steps, parameters and
readings: the formula returns the three routes' lines together, and the finaliser
:func:`one_route_per_lines` splits them into one Lines per route (the engine gives a Lines one set
of conditions for all its rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from duixian.engine.rules import Context, Lines, Step, make_lines
from duixian.engine.tables import BoolArray, Column
from duixian.rulebook.wzb_2019_72.document import DOC
from duixian.rulebook.wzb_2019_72.rules._checks import check_case

P = "wzb-2019-72."
RULE = P + "c3"


@dataclass(frozen=True)
class Route:
    name: str
    support: str  # what the text grants when the route's conditions hold
    steps: tuple[str, ...]  # the steps (input values) this route's conditions read
    parameters: tuple[str, ...]
    readings: tuple[str, ...] = ()


ROUTES = (
    Route(
        "附属设施用地",
        "保障其附属设施用地需要",
        ("transfer_years", "area_mu"),
        (P + "c3.transfer_years", P + "c3.area"),
    ),
    Route(
        "一事一议（投资额）",
        "可按“一事一议”给予用地支持",
        ("investment",),
        (P + "c3.investment",),
        (P + "c3.project_type",),
    ),
    Route("一事一议（全域土地综合整治）", "用地指标缺口部分，可按“一事一议”给予用地支持", (), ()),
)
COMMON_STEPS = ("route", "support")


def at_least(values: Column, bound: Fraction) -> BoolArray:
    """Exact decimals (object column) ≥ bound."""
    return np.asarray([Fraction(v) >= bound for v in values], dtype=bool)


def _route_conditions(ctx: Context) -> list[dict[str, BoolArray]]:
    lp = ctx.table("land_projects")
    investment = np.asarray(lp["investment"], dtype=np.int64)
    ancillary: dict[str, BoolArray] = {
        "土地承包经营权流转期限5年以上（含本数）": at_least(
            lp["transfer_years"], ctx.number(P + "c3.transfer_years")
        ),
        "经合法见证": np.asarray(lp["witnessed"], dtype=bool),
        "签订流转合同": np.asarray(lp["contract_signed"], dtype=bool),
        "经营面积100亩以上（含本数）": at_least(lp["area_mu"], ctx.number(P + "c3.area")),
    }
    by_investment: dict[str, BoolArray] = {
        "投资额3亿元以上（含本数）": investment >= ctx.amount(P + "c3.investment"),
    }
    if ctx.reading(P + "c3.project_type") == "comprehensive_only":
        by_investment["属田园综合体等综合性项目"] = np.asarray(lp["comprehensive_project"], dtype=bool)
    by_consolidation: dict[str, BoolArray] = {
        "依托于全域土地综合整治与生态修复": np.asarray(lp["land_consolidation"], dtype=bool),
        "存在用地指标缺口": np.asarray(lp["indicator_gap"], dtype=bool),
    }
    return [ancillary, by_investment, by_consolidation]


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
    check_case(ctx)
    lp = ctx.table("land_projects")
    n = len(lp["id"])
    by_route = _route_conditions(ctx)
    # Route by route, rows [r·n, (r+1)·n); a condition of another route holds vacuously until the
    # finaliser drops it from those rows' lines.
    yes = np.ones(n, dtype=bool)
    conditions: dict[str, BoolArray] = {
        label: np.concatenate([passed if r == route else yes for r in range(len(ROUTES))])
        for route, conds in enumerate(by_route)
        for label, passed in conds.items()
    }
    ctx.extras[RULE + ".conditions"] = [tuple(conds) for conds in by_route]

    def tripled(column: Column) -> Column:
        return np.concatenate([column] * len(ROUTES))

    ids = lp["id"].astype(str)
    return make_lines(
        RULE,
        beneficiary=tripled(lp["id"]),
        subject=np.concatenate([np.char.add(f"land:{r.name}:", ids) for r in ROUTES]).astype(object),
        project=tripled(np.char.add("land:", ids).astype(object)),
        raw_amount=np.zeros(len(ROUTES) * n, dtype=np.int64),
        conditions=conditions,
        steps={
            "route": Step(
                "支持途径", np.repeat(np.asarray([r.name for r in ROUTES], dtype=object), n), "text"
            ),
            "support": Step(
                "符合时的支持内容",
                np.repeat(np.asarray([r.support for r in ROUTES], dtype=object), n),
                "text",
            ),
            "transfer_years": Step("土地承包经营权流转期限（年）", tripled(lp["transfer_years"]), "number"),
            "area_mu": Step("经营面积（亩）", tripled(lp["area_mu"]), "number"),
            "investment": Step("投资额", tripled(np.asarray(lp["investment"], dtype=np.int64)), "fen"),
        },
    )


def _route_lines(lines: Lines, route: Route, rows: slice, labels: tuple[str, ...]) -> Lines:
    """The rows of one route, with only that route's conditions, steps, parameters and readings."""
    return Lines(
        rule_id=lines.rule_id,
        beneficiary=lines.beneficiary[rows],
        subject=lines.subject[rows],
        project=lines.project[rows],
        amount=lines.amount[rows],
        steps={
            k: Step(s.label, s.values[rows], s.unit)
            for k, s in lines.steps.items()
            if k in COMMON_STEPS + route.steps
        },
        conditions={label: lines.conditions[label][rows] for label in labels},
        parameters={k: v for k, v in lines.parameters.items() if k in route.parameters},
        readings={k: v for k, v in lines.readings.items() if k in route.readings},
    )


@DOC.finaliser
def one_route_per_lines(ctx: Context, all_lines: list[Lines]) -> None:
    """Replace c3's lines by one Lines per route, so each line's ticks are its own route's."""
    for position, lines in enumerate(all_lines):
        if lines.rule_id != RULE:
            continue
        n = len(lines) // len(ROUTES)
        labels = ctx.extras[RULE + ".conditions"]
        all_lines[position : position + 1] = [
            _route_lines(lines, route, slice(r * n, (r + 1) * n), labels[r]) for r, route in enumerate(ROUTES)
        ]
        return
