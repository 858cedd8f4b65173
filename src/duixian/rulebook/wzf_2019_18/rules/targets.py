"""targets — 附件1 温州都市区（核心区）近期建设目标体系: each observed value against its target.

Per series, indicator and year observed: where a straight path from the 2018 value to the 2022 target
says it should be (duixian.engine.indicators), the share of the distance covered, whether it is on the
right side of the path, and whether the 2022 target is already met. Without a 2018 value (“-”) there
is no path: before 2022 progress cannot be judged (reading no_base), in 2022 the target is met or not.
Binding (约束型) indicators behind are flagged.

A line is eligible when it is not behind: on track, or (no 2018 value, before 2022) not judgeable.
The step 进度判断 says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np

from duixian.engine import indicators as ind
from duixian.engine.rules import Context, Lines, Step, make_lines
from duixian.engine.tables import Column
from duixian.errors import InputError, InputErrors
from duixian.rulebook.wzf_2019_18.case import BASE_YEAR, TARGET_YEAR
from duixian.rulebook.wzf_2019_18.document import DOC
from duixian.rulebook.wzf_2019_18.table import Indicator, indicators

P = "wzf-2019-18.targets."
REQUIREMENT = (
    "未落后于进度要求（有2018年现状值：不落后于2018→2022年直线路径，2022年须达到目标值；"
    "无现状值：2022年须达到目标值，此前无路径可比，不判为落后——解释口径 no_base）"
)
ON_TRACK, BEHIND = "符合进度要求", "落后于进度要求"
UNJUDGED = "无基期值，无法判断进度"
REACHED_EARLY = "符合进度要求（已达到2022年目标值）"


@DOC.rule(
    "targets",
    title="温州都市区（核心区）近期建设目标（22项指标）进度",
    clause="附件1",
    # The header; each row is quoted by its own parameters (wzf-2019-18.tNN.*) and on every line.
    quote="温州都市区（核心区）近期建设目标体系 序号 指标名称 单位 属性 2018年现状值 2022年目标值",
    kind="indicator",
    verdict=("符合进度要求", "落后于进度要求"),
)
def targets(ctx: Context) -> Lines:
    obs = ctx.table("series.observations")
    _check_years(ctx, obs["parent"], obs["year"])
    table = {i.number: i for i in indicators(ctx.params)}
    bare = ctx.reading(P + "bare_number")
    met_base = ctx.reading(P + "met_base")
    final = ctx.reading(P + "final_year")
    no_base = ctx.reading(P + "no_base")
    sources = dict(zip(ctx.table("series")["id"], ctx.table("series")["source"], strict=True))
    rows = [
        _judge(table[int(no)], int(year), Decimal(value), bare, met_base, final, no_base)
        for no, year, value in zip(obs["indicator"], obs["year"], obs["value"], strict=True)
    ]

    def column(values: list[object]) -> Column:
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out

    lines = make_lines(
        "wzf-2019-18.targets",
        beneficiary=obs["parent"],
        # The series is part of the subject: two series may observe the same indicator in the same year.
        subject=column(
            [
                f"{series}:indicator:{r.indicator.number:02d}:{r.year}"
                for r, series in zip(rows, obs["parent"], strict=True)
            ]
        ),
        project=column([f"indicator:{r.indicator.number:02d}" for r in rows]),
        raw_amount=np.zeros(len(rows), dtype=np.int64),
        conditions={REQUIREMENT: np.asarray([r.ok for r in rows], dtype=bool)},
        steps={
            "indicator": Step("指标", column([r.indicator.label for r in rows]), "text"),
            "unit": Step("单位", column([r.indicator.unit for r in rows]), "text"),
            "attribute": Step("属性", column([r.indicator.attribute for r in rows]), "text"),
            # As printed: “2.0” stays “2.0”, and a missing value is the table's own “-”.
            "base": Step("2018年现状值", column([_printed(r.indicator.base) for r in rows]), "number"),
            "target": Step(
                "2022年目标值（原表）", column([r.indicator.printed_target for r in rows]), "text"
            ),
            "comparison": Step("判定所用的目标", column([r.comparison for r in rows]), "text"),
            "mode": Step("判定方式", column([r.mode for r in rows]), "text"),
            "year": Step("观测年份", np.asarray(obs["year"], dtype=np.int64), "count"),
            "observed": Step("观测值", column([r.observed for r in rows]), "number"),
            "expected": Step("直线路径上的当年应达值", column([r.expected for r in rows]), "number"),
            "progress": Step(
                "已完成的进度（2018→2022年的距离中已走过的比例）", column([r.progress for r in rows]), "text"
            ),
            "on_track": Step("不落后于直线路径", column([r.on_track for r in rows]), "text"),
            "met": Step("已达到2022年目标值", np.asarray([r.met for r in rows], dtype=bool), "bool"),
            "judgement": Step("进度判断", column([r.judgement for r in rows]), "text"),
            "binding_alert": Step(
                "约束型指标落后预警", np.asarray([r.alert for r in rows], dtype=bool), "bool"
            ),
        },
    )
    lines.verdicts = column([UNJUDGED if r.judgement == UNJUDGED else "" for r in rows])
    for row, (r, parent) in enumerate(zip(rows, obs["parent"], strict=True)):
        lines.note(row, f"依据：{r.indicator.source.cite()}")
        if r.note:
            lines.note(row, r.note)
        if r.alert:
            lines.note(row, f"约束型指标落后于进度要求：{r.indicator.label}（{r.year}年）")
        if r.judgement == UNJUDGED:
            lines.note(row, "无从判定进度，不是“落后”，也不是“符合进度要求”；非预警")
        lines.note(row, f"观测值来源：{sources[parent]}")
    return lines


@dataclass
class Judged:
    """One indicator in one year: what was compared with what, and the outcome."""

    indicator: Indicator
    year: int
    observed: Decimal
    comparison: str
    met: bool
    mode: str = ""
    expected: str | None = None
    progress: str = "—"
    on_track: str = "不适用"
    ok: bool = False  # not behind: on track, or not judgeable
    judgement: str = ""
    note: str = ""

    @property
    def alert(self) -> bool:
        return self.indicator.binding and not self.ok


def _judge(
    i: Indicator, year: int, observed: Decimal, bare: str, met_base: str, final: str, no_base: str
) -> Judged:
    target = i.target(bare)
    shown = str(target) + ("" if not i.bare else f"（原表为“{i.printed_target}”，按解释口径 bare_number）")
    r = Judged(i, year, observed, shown, target.met(observed))
    if i.base is None:
        _judge_without_base(r, no_base)
        return r
    if met_base == "ceiling" and not target.rising and target.met(i.base):
        # PM2.5 “<32” with 30 in 2018: the base already meets the ceiling; a path from 30 up to 32
        # would call deterioration “progress”. The requirement is to stay within the target every year.
        r.mode, r.ok = "基期已达标的上限型目标：逐年判定是否仍在目标以内", r.met
        r.on_track = "是" if r.met else "否"
        r.note = f"2018年现状值 {i.base} 已满足“{i.printed_target}”：不按直线路径判定（解释口径 met_base）"
    else:
        expected = ind.expected_on_path(BASE_YEAR, i.base, TARGET_YEAR, target.value, year)
        on_track = ind.on_track(target, expected, observed)
        share = ind.progress(i.base, target.value, observed)
        r.mode = "直线路径（2018年现状值→2022年目标值）"
        r.expected = _exact(expected)
        r.progress = "—" if share is None else _percent(share)
        r.on_track = "是" if on_track else "否"
        r.ok = r.met if (year == TARGET_YEAR and final == "target_itself") else on_track
    r.judgement = ON_TRACK if r.ok else BEHIND
    return r


def _judge_without_base(r: Judged, no_base: str) -> None:
    """2018 printed “-”: no path. In 2022 the target is met or not; before, per reading no_base."""
    label, printed = r.indicator.label, r.indicator.printed_target
    if r.year == TARGET_YEAR or no_base == "target_each_year":
        r.mode = (
            "无基期值，逐年判定是否达到目标值"
            if r.year < TARGET_YEAR
            else "无基期值，2022年判定是否达到目标值"
        )
        r.ok, r.judgement = r.met, ON_TRACK if r.met else BEHIND
        r.note = f"{label}：原表2018年现状值为“-”，无直线路径，判定是否达到“{printed}”（解释口径 no_base）"
    elif r.met:
        r.mode, r.ok, r.judgement = "无基期值，2022年前：已达到目标值即不落后", True, REACHED_EARLY
        r.note = f"{label}：原表2018年现状值为“-”，{r.year}年已达到“{printed}”"
    else:
        r.mode, r.ok, r.judgement = "无基期值，2022年前无路径可比：不作进度判断", True, UNJUDGED
        r.note = (
            f"{label}：原表2018年现状值为“-”，{UNJUDGED}（尚未达到2022年目标值“{printed}”，"
            "但无基期、无路径，不能说落后；解释口径 no_base）"
        )


def _printed(base: Decimal | None) -> str:
    return "-" if base is None else str(base)


def _exact(value: Fraction) -> str:
    """The path value as an exact decimal (base and target are decimals, the share is k/4: it terminates)."""
    d = Decimal(value.numerator) / Decimal(value.denominator)
    return format(d.normalize(), "f") if Fraction(d) == value else f"{d:.6f}…"


def _percent(share: Fraction) -> str:
    """62.5%, rounded half up to one decimal of a percent (display only; judgements use exact values)."""
    pct = (Decimal(share.numerator) * 100 / Decimal(share.denominator)).quantize(
        Decimal("0.1"), ROUND_HALF_UP
    )
    return f"{pct}%"


def _check_years(ctx: Context, parents: Column, years: Column) -> None:
    """An observation after the year of the case is a mistake in the case: name it."""
    later = np.flatnonzero(years > ctx.year)
    if not len(later):
        return
    series_ids = list(ctx.table("series")["id"])
    errors: list[InputError] = []
    position: dict[str, int] = {}
    for row, parent in enumerate(parents):
        k = position[parent] = position.get(parent, -1) + 1
        if row in later:
            errors.append(
                InputError(
                    f"series[{series_ids.index(parent)}].observations[{k}].year",
                    f"{years[row]} 晚于案例的年度 {ctx.year}",
                )
            )
    raise InputErrors(errors)
