"""c6 — 第6条 加大资金支持力度: c6a priority funding by actual investment; c6b the reward to county
financial institutions for agricultural loan growth above 13%. By default the first year whose growth
is rewarded is 2020, the first whole year in force (reading wzb-2019-72.c6b.first_year).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from duixian.engine.money import RATE_SCALE, mul_div_round
from duixian.engine.rules import Context, Lines, Step, keys, make_lines
from duixian.engine.tables import BoolArray
from duixian.errors import InputError
from duixian.rulebook.wzb_2019_72.document import DOC
from duixian.rulebook.wzb_2019_72.rules._checks import check_case, input_check, peek
from duixian.rulebook.wzb_2019_72.rules._show import decimal_text, percent_text

P = "wzb-2019-72."


def _places(ctx: Context, name: str, record: bool = True) -> list[str]:
    value = ctx.param(P + name).value if record else peek(ctx, P + name)
    return str(value).split("、")


@DOC.rule(
    "c6a",
    title="实际投资达到门槛的项目优先扶持",
    clause="三、第6条",
    quote=(
        "对鹿城区、瓯海区、龙湾区、乐清市、瑞安市实际投资5000万元以上的项目，以及洞头区、龙港市、永嘉县、平阳县、"
        "文成县、泰顺县、苍南县实际投资2500万元以上的项目，各级农业农村发展资金、农业综合开发项目等"
        "在符合同等立项条件下给予优先扶持。"
    ),
    kind="condition",
    verdict=("可给予优先扶持", "不属本条优先扶持范围"),
)
def priority_funding(ctx: Context) -> Lines:
    check_case(ctx)
    pp = ctx.table("priority_projects")
    place = pp["place"]
    investment = np.asarray(pp["actual_investment"], dtype=np.int64)
    major = np.isin(place, _places(ctx, "c6a.places_major"))
    other = np.isin(place, _places(ctx, "c6a.places_other"))
    listed = major | other
    ctx.reading(P + "c6a.unlisted_place")  # "error": refused by _unlisted_places
    major_fen, other_fen = (
        ctx.amount(P + "c6a.threshold_major"),
        ctx.amount(P + "c6a.threshold_other"),
    )
    threshold = np.select([major, other], [major_fen, other_fen], default=0).astype(np.int64)
    shown = np.select(
        [major, other], ["5000万元以上（含本数）", "2500万元以上（含本数）"], default="文件未对该地规定门槛"
    ).astype(object)
    return make_lines(
        P + "c6a",
        beneficiary=pp["id"],
        subject=keys("project", pp["id"]),
        project=keys("project", pp["id"]),
        raw_amount=np.zeros(len(investment), dtype=np.int64),
        conditions={
            "项目位于文件规定门槛的县（市、区）": listed,
            "实际投资达到所在地门槛（以上，含本数）": listed & (investment >= threshold),
            "符合同等立项条件": np.asarray(pp["meets_project_conditions"], dtype=bool),
        },
        steps={
            "place": Step("项目所在地", place, "text"),
            "threshold": Step("所在地实际投资门槛", shown, "text"),
            "investment": Step("实际投资", investment, "fen"),
        },
    )


@input_check
def _unlisted_places(ctx: Context) -> list[InputError]:
    """Reading c6a.unlisted_place = error: a place the text sets no threshold for is refused."""
    if ctx.readings[P + "c6a.unlisted_place"] != "error":
        return []
    place = ctx.table("priority_projects")["place"]
    places = _places(ctx, "c6a.places_major", record=False) + _places(ctx, "c6a.places_other", record=False)
    listed = np.isin(place, places)
    return [
        InputError(
            f"priority_projects[{row}].place",
            f"温政办〔2019〕72号第6条未对{place[row]}规定实际投资门槛（只列鹿城区等12个县（市、区））",
        )
        for row in np.flatnonzero(~listed)
    ]


@input_check
def _decided_rates(ctx: Context) -> list[InputError]:
    """A decided rate above the maximum is refused: the text allows 不超过2%."""
    max_rate = peek(ctx, P + "c6b.max_rate")
    decided = np.asarray(ctx.table("financial_institutions")["decided_rate"], dtype=np.int64)
    too_high = (decided >= 0) & (decided * max_rate.denominator > max_rate.numerator * RATE_SCALE)
    return [
        InputError(
            f"financial_institutions[{row}].decided_rate",
            f"超过上限 {float(max_rate * 100):g}%（属地财政部门可按照不超过2%的比例给予奖励）",
        )
        for row in np.flatnonzero(too_high)
    ]


def _first_assessed_year(ctx: Context) -> int | None:
    """The first year whose growth is rewarded (reading c6b.first_year); None: no limit."""
    if ctx.reading(P + "c6b.first_year") == "include_2019":
        return None
    # The first whole year in force: the document took effect on 2019-12-17.
    start = DOC.applies_from
    return start.year + (0 if (start.month, start.day) == (1, 1) else 1)


@DOC.rule(
    "c6b",
    title="县域金融机构涉农贷款增量奖励",
    clause="三、第6条",
    quote="对符合条件的县域金融机构当年涉农贷款平均余额同比增长超过13%的部分，属地财政部门可按照不超过2%的比例给予奖励。",
)
def agri_loan_growth_reward(ctx: Context) -> Lines:
    check_case(ctx)
    fi = ctx.table("financial_institutions")
    now = np.asarray(fi["average_balance"], dtype=np.int64)
    last = np.asarray(fi["average_balance_last_year"], dtype=np.int64)
    threshold, max_rate = (
        ctx.rate(P + "c6b.growth_threshold"),
        ctx.rate(P + "c6b.max_rate"),
    )
    # The part of the growth above 13%, in fen × threshold.denominator (exact; reading c6b.excess):
    # (now − last) − 13% × last.
    excess_scaled = (now - last) * threshold.denominator - threshold.numerator * last
    positive = np.maximum(excess_scaled, 0)
    maximum = mul_div_round([positive, max_rate.numerator], threshold.denominator * max_rate.denominator)
    decided = np.asarray(fi["decided_rate"], dtype=np.int64)
    ctx.reading(P + "c6b.up_to")  # a decided rate above the maximum is refused by _decided_rates
    at_decided = mul_div_round([positive, np.maximum(decided, 0)], threshold.denominator * RATE_SCALE)
    raw = np.where(decided >= 0, at_decided, maximum).astype(np.int64)
    ctx.reading(P + "c6b.excess")
    first_year = _first_assessed_year(ctx)
    assessed_year: dict[str, BoolArray] = (
        {}
        if first_year is None
        else {
            f"考核年度为{first_year}年及以后（本意见自{DOC.applies_from}起施行，"
            f"此前一年的同比增长不在奖励之列）": np.full(len(now), ctx.year >= first_year, dtype=bool)
        }
    )
    return make_lines(
        P + "c6b",
        beneficiary=fi["id"],
        subject=keys("agri-loans", fi["id"]),
        project=keys("agri-loan-growth", fi["id"]),
        raw_amount=raw,
        conditions={
            "符合条件的县域金融机构": np.asarray(fi["qualified"], dtype=bool),
            "当年涉农贷款平均余额同比增长超过13%（不含本数）": excess_scaled > 0,
            **assessed_year,
        },
        steps={
            "last": Step("上年涉农贷款平均余额", last, "fen"),
            "now": Step("当年涉农贷款平均余额", now, "fen"),
            "growth": Step("同比增长额", now - last, "fen"),
            "growth_rate": Step(
                "同比增长率",
                np.asarray(
                    [percent_text(Fraction(int(a), int(b))) for a, b in zip(now - last, last, strict=True)],
                    dtype=object,
                ),
                "text",
            ),
            "excess": Step(
                "增长超过13%的部分（增长额 − 13% × 上年平均余额，元，精确值）",
                np.asarray(
                    [decimal_text(Fraction(int(v), threshold.denominator * 100)) for v in excess_scaled],
                    dtype=object,
                ),
                "text",
            ),
            "maximum": Step("最高奖励：超过部分 × 2%（四舍五入到分）", maximum, "fen"),
            "decided_rate": Step(
                "属地财政部门确定的奖励比例（未提供则按最高2%）",
                np.asarray(
                    [percent_text(Fraction(int(d), RATE_SCALE)) if d >= 0 else "未提供" for d in decided],
                    dtype=object,
                ),
                "text",
            ),
        },
    )
