"""t — the targets of 第1条 and 第4条, tracked by year.

A case's ``monitors`` report observed values by year (and, optionally, the value an indicator
started from). One line per indicator (and place, for per-place indicators) observed in the year
concerned: met or not yet met; with a base, the progress from base to target and whether the value
is on the straight path to it (duixian.engine.indicators). Every target is ≥ (以上/至少/达到 include
the bound). Values are in the indicator's own unit: a count, yuan, or percent (66 means 66%).

农民资产授托代管融资 (custody_loan_balance) has a target per year: ≥ 10,000,000,000 at the end of 2020,
then growth of 10% or more each year to 2022 (reading wzb-2019-72.t.custody_growth).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

import numpy as np

from duixian.engine.case import row_path
from duixian.engine.indicators import Target, expected_on_path, on_track, progress
from duixian.engine.rules import Context, Lines, Step, make_lines
from duixian.engine.tables import Column
from duixian.errors import InputError
from duixian.rulebook.wzb_2019_72.case import COUNTIES
from duixian.rulebook.wzb_2019_72.document import DOC
from duixian.rulebook.wzb_2019_72.rules._checks import check_case, input_check, peek
from duixian.rulebook.wzb_2019_72.rules._show import decimal_text, percent_text

P = "wzb-2019-72."
ValueUnit = Literal["count", "yuan", "percent"]


@dataclass(frozen=True)
class Indicator:
    name: str
    unit: ValueUnit
    year_param: str = "t.target_year"
    per_place: Literal["", "county", "belt"] = ""


INDICATORS: dict[str, Indicator] = {
    "agritech_bases": Indicator("省级高水平农业科技示范基地（个）", "count"),
    "star_innovation": Indicator("“星创天地”（家）", "count"),
    "youth_farms": Indicator("省级“青创农场”（家）", "count"),
    "master_talents": Indicator("乡土人才“名师名家”（名）", "count"),
    "youth_ecommerce": Indicator("农村青年电商（名）", "count"),
    "youth_agri_makers": Indicator("青年“农创客”（名）", "count"),
    "new_farmers": Indicator("“新农人”（名）", "count"),
    "incubated_projects": Indicator("孵化农村创业典型项目（个）", "count"),
    "returning_sages": Indicator("回乡投资兴业的新时代乡贤（名）", "count"),
    "agri_loan_increase": Indicator("涉农贷款余额新增额（元）", "yuan"),
    "tech_contribution": Indicator("农业科技贡献率（%）", "percent"),
    "custody_loan_balance": Indicator(
        "农民资产授托代管融资贷款余额（元，年末）", "yuan", "t.custody_first_year"
    ),
    "county_demo_centres": Indicator(
        "新建服务半径覆盖若干个乡镇的综合性示范中心（个）", "count", "t.demo_centre_year", "county"
    ),
    "industry_alliances": Indicator("具有服务平台功能的产业农合联（家）", "count"),
    "alliance_companies": Indicator("产业农合联建公司（家）", "count"),
    "belt_showrooms": Indicator("农产品展示展销中心（个，每条乡村振兴示范带）", "count", per_place="belt"),
}


def _target_value(ctx: Context, key: str) -> Fraction:
    """The target in the indicator's unit (yuan, percent or a count)."""
    name, unit = P + "t." + key, INDICATORS[key].unit
    if unit == "yuan":
        return Fraction(ctx.amount(name), 100)
    if unit == "percent":
        return ctx.rate(name) * 100
    return Fraction(ctx.count(name))


def _target_year(ctx: Context, key: str, record: bool = True) -> int:
    """The year whose end the target of the year concerned refers to: the indicator's target year, or
    for the custody loan balance after its first year, the year concerned itself (每年增长10%以上)."""

    def count(name: str) -> int:
        return ctx.count(P + name) if record else int(peek(ctx, P + name))

    target_year = count(INDICATORS[key].year_param)
    if key == "custody_loan_balance" and ctx.year > count("t.custody_first_year"):
        return ctx.year
    return target_year


def _row_errors(ctx: Context, field: str) -> list[InputError]:
    """Rows of monitors.observations or monitors.bases: place, value and repetition."""
    table = ctx.table(f"monitors.{field}")
    first, last = DOC.applies_from.year, int(peek(ctx, P + "t.target_year"))
    errors: list[InputError] = []
    seen: set[tuple[str, ...]] = set()
    for row in range(len(table["parent"])):
        key, place = str(table["indicator"][row]), str(table["place"][row])
        path = row_path(ctx.tables, f"monitors.{field}", row)
        ind = INDICATORS[key]
        if ind.per_place == "county" and place not in COUNTIES:
            errors.append(
                InputError(f"{path}.place", f"{key} 按县（市、区）统计：place 应为{'、'.join(COUNTIES)}之一")
            )
        elif ind.per_place == "belt" and not place:
            errors.append(InputError(f"{path}.place", f"{key} 按乡村振兴示范带统计：place 应为示范带名称"))
        elif not ind.per_place and place:
            errors.append(InputError(f"{path}.place", f"{key} 是全市指标：place 应留空"))
        value = Decimal(table["value"][row])
        if ind.unit == "count" and value != value.to_integral_value():
            errors.append(InputError(f"{path}.value", f"{key} 是个数：应为整数"))
        if ind.unit == "yuan" and value != value.quantize(Decimal("0.01")):
            errors.append(InputError(f"{path}.value", "金额（元）的小数超过两位（精确到分）"))
        if ind.unit == "percent" and value > 100:
            errors.append(InputError(f"{path}.value", f"{key} 是百分比：不能超过 100"))
        year = int(table["year"][row])
        if field == "observations" and not first <= year <= last:
            errors.append(
                InputError(
                    f"{path}.year",
                    f"{year}：{DOC.number}的目标只涵盖 {first}–{last} 年（到2022年）",
                )
            )
        if field == "bases" and year >= _target_year(ctx, key, record=False):
            errors.append(
                InputError(
                    f"{path}.year",
                    f"基期年份应早于目标年份 {_target_year(ctx, key, record=False)}",
                )
            )
        ident = (str(table["parent"][row]), key, place) + ((str(year),) if field == "observations" else ())
        if ident in seen:
            errors.append(InputError(path, f"{key} {place} 重复报送".replace("  ", " ")))
        seen.add(ident)
    return errors


def _custody_history(ctx: Context) -> list[InputError]:
    """Reading t.custody_growth = over_actual_previous: a custody balance observed after its first year
    needs the balance at the end of the year before."""
    obs = ctx.table("monitors.observations")
    first = int(peek(ctx, P + "t.custody_first_year"))
    if ctx.readings[P + "t.custody_growth"] != "over_actual_previous" or ctx.year <= first:
        return []
    custody = obs["indicator"] == "custody_loan_balance"
    reported = {
        (str(m), str(place), int(y))
        for m, place, y in zip(
            obs["parent"][custody], obs["place"][custody], obs["year"][custody], strict=True
        )
    }
    growth = peek(ctx, P + "t.custody_growth")
    errors = []
    for row in np.flatnonzero(custody & (obs["year"] == ctx.year)):
        monitor, place = str(obs["parent"][row]), str(obs["place"][row])
        if (monitor, place, ctx.year - 1) not in reported:
            observations = row_path(ctx.tables, "monitors.observations", int(row)).rsplit("[", 1)[0]
            errors.append(
                InputError(
                    observations,
                    f"必填：{ctx.year - 1} 年末的农民资产授托代管融资贷款余额；"
                    f"{ctx.year} 年的目标是在此基础上增长 {percent_text(growth)} 以上",
                )
            )
    return errors


@input_check
def _target_rows(ctx: Context) -> list[InputError]:
    return _row_errors(ctx, "observations") + _row_errors(ctx, "bases") + _custody_history(ctx)


@DOC.rule(
    "t",
    title="“两进两回”目标任务（2020—2022年）",
    clause="一、第1条；三、第4条",
    quote=(
        "到2022年，建成省级高水平农业科技示范基地80个、“星创天地”10家，推广“青创联盟”做法，创建省级“青创农场”40家；"
        "培养乡村工匠等乡土人才，培育乡土人才“名师名家”120名、农村青年电商1000名、青年“农创客”1000名和“新农人”1000名。"
        "孵化农村创业典型项目500个，吸引2万名新时代乡贤回乡投资兴业、建设家乡。力争涉农贷款余额新增1500亿元，"
        "农业科技贡献率达到66%。……全面推广瓯海农民资产授托代管融资，2020年年末贷款余额达100亿元以上，"
        "至2022年每年增长10%以上。……2020年各县（市、区）至少新建1个服务半径覆盖若干个乡镇的综合性示范中心，"
        "至2022年全市建成具有服务平台功能的产业农合联50家以上，产业农合联建公司30家以上。"
        "每条乡村振兴示范带至少建设1个农产品展示展销中心"
    ),
    kind="indicator",
    verdict=("已达到目标", "尚未达到目标"),
)
def targets(ctx: Context) -> Lines:
    check_case(ctx)
    obs, bases = ctx.table("monitors.observations"), ctx.table("monitors.bases")
    history = {
        (
            str(obs["parent"][r]),
            str(obs["indicator"][r]),
            str(obs["place"][r]),
            int(obs["year"][r]),
        ): Fraction(obs["value"][r])
        for r in range(len(obs["parent"]))
    }
    base_of = {
        (str(bases["parent"][r]), str(bases["indicator"][r]), str(bases["place"][r])): (
            int(bases["year"][r]),
            Decimal(bases["value"][r]),
        )
        for r in range(len(bases["parent"]))
    }
    custody_first = ctx.count(P + "t.custody_first_year")
    growth = ctx.rate(P + "t.custody_growth")
    growth_reading = ctx.reading(P + "t.custody_growth")
    ctx.reading(P + "t.target_years")
    ctx.reading(P + "t.observed_values")
    rows = [r for r in range(len(obs["parent"])) if int(obs["year"][r]) == ctx.year]
    cols: dict[str, list[object]] = defaultdict(list)
    met: list[bool] = []
    for r in rows:
        monitor, key, place = str(obs["parent"][r]), str(obs["indicator"][r]), str(obs["place"][r])
        observed = Decimal(obs["value"][r])
        target_year = _target_year(ctx, key)
        target_value = _target_value(ctx, key)
        if key == "custody_loan_balance" and ctx.year > custody_first:
            if growth_reading == "over_actual_previous":  # the balance a year before: see _custody_history
                target_value = history[(monitor, key, place, ctx.year - 1)] * (1 + growth)
            else:
                target_value = target_value * (1 + growth) ** (ctx.year - custody_first)
        reached = Fraction(observed) >= target_value
        met.append(reached)
        cols["monitor"].append(monitor)
        cols["subject"].append(f"indicator:{monitor}:{key}" + (f":{place}" if place else ""))
        cols["name"].append(INDICATORS[key].name)
        cols["place"].append(place or "全市")
        cols["target"].append(f"≥{decimal_text(target_value)}（{target_year}年）")
        cols["observed"].append(str(observed))
        base = base_of.get((monitor, key, place))
        if base is None:
            cols["base"].append("未提供")
            cols["progress"].append("—")
            cols["expected"].append("—")
            cols["on_track"].append("—")
            continue
        base_year, base_value = base  # before the target year: see _row_errors
        target = Target(">=", Decimal(target_value.numerator) / Decimal(target_value.denominator))
        share = progress(base_value, target.value, observed)
        expected = expected_on_path(base_year, base_value, target_year, target.value, ctx.year)
        cols["base"].append(f"{base_value}（{base_year}年）")
        cols["progress"].append("—" if share is None else percent_text(share))
        cols["expected"].append(decimal_text(expected))
        cols["on_track"].append("是" if on_track(target, expected, observed) else "否")

    def col(name: str) -> Column:
        out = np.empty(len(rows), dtype=object)
        out[:] = cols[name]
        return out

    return make_lines(
        P + "t",
        beneficiary=col("monitor"),
        subject=col("subject"),
        project=np.asarray([f"targets:{m}" for m in cols["monitor"]], dtype=object),
        raw_amount=np.zeros(len(rows), dtype=np.int64),
        conditions={"观测值达到目标（含本数）": np.asarray(met, dtype=bool)},
        steps={
            "indicator": Step("指标", col("name"), "text"),
            "place": Step("范围", col("place"), "text"),
            "target": Step("目标（目标年份年末）", col("target"), "text"),
            "observed": Step(f"{ctx.year}年末观测值", col("observed"), "number"),
            "base": Step("基期值", col("base"), "text"),
            "progress": Step("进度（自基期至目标已完成的比例）", col("progress"), "text"),
            "expected": Step(f"按直线路径{ctx.year}年应达值", col("expected"), "text"),
            "on_track": Step("是否在路径上（不低于应达值）", col("on_track"), "text"),
        },
    )
