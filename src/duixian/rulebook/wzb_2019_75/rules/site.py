"""site — 四、（一）规划先行: a pilot's planning unit is 50–100 公顷, its implementation unit at least 20.

One line per pilot that gives its areas. Whether 50 and 100 themselves are inside "在50-100公顷" is
reading wzb-2019-75.site.range_bounds; 不低于20 includes 20.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from duixian.engine.rules import Context, Lines, Step, keys, make_lines
from duixian.rulebook.wzb_2019_75.document import DOC
from duixian.rulebook.wzb_2019_75.rules._checks import check_case

P = "wzb-2019-75."


@DOC.rule(
    "site",
    title="未来社区试点规划单元与实施单元规模",
    clause="四、（一）",
    quote="未来社区试点规划单元在50-100公顷，实施单元不低于20公顷。",
    kind="condition",
    verdict=("符合规模要求", "不符合规模要求"),
)
def site_size(ctx: Context) -> Lines:
    check_case(ctx)
    ctx.reading(P + "period")
    pilots = ctx.table("pilots")
    given = np.flatnonzero(pilots["planning_unit_ha"] != "")
    planning = [Fraction(v) for v in pilots["planning_unit_ha"][given]]
    implementation = [Fraction(v) for v in pilots["implementation_unit_ha"][given]]
    low, high = (
        ctx.number(P + "site.planning_min"),
        ctx.number(P + "site.planning_max"),
    )
    floor = ctx.number(P + "site.implementation_min")
    if ctx.reading(P + "site.range_bounds") == "inclusive":
        in_range = [low <= v <= high for v in planning]
        range_label = "规划单元在50-100公顷（含50、100）"
    else:
        in_range = [low < v < high for v in planning]
        range_label = "规划单元在50-100公顷（不含50、100）"
    ids = pilots["id"][given]
    return make_lines(
        P + "site",
        beneficiary=ids,
        subject=keys("pilot", ids),
        project=keys("pilot", ids),
        raw_amount=np.zeros(len(given), dtype=np.int64),
        conditions={
            range_label: np.asarray(in_range, dtype=bool),
            "实施单元不低于20公顷（含本数）": np.asarray([v >= floor for v in implementation], dtype=bool),
        },
        steps={
            "planning_unit": Step("规划单元面积（公顷）", pilots["planning_unit_ha"][given], "number"),
            "implementation_unit": Step(
                "实施单元面积（公顷）", pilots["implementation_unit_ha"][given], "number"
            ),
        },
    )
