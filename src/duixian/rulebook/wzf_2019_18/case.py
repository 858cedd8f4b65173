"""What a case of 温政发〔2019〕18号 附件1 describes: observed values of the 22 indicators, by year.

A series is one set of observations (one source: a statistical yearbook, a monitoring report — or
invented values for illustration, which must say so in ``source``). Values are exact decimals in the
indicator's own unit (亿元, %, 万人 …, see `duixian rules` or parameters/targets.yaml).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from duixian.engine.case import CaseBase, Strict

BASE_YEAR, TARGET_YEAR = 2018, 2022  # “2018年现状值”, “2022年目标值”
INDICATOR_COUNT = 22


def _not_negative(value: Decimal) -> Decimal:
    # Every one of the 22 is a total, a share, a count, a length or a concentration: none is below 0.
    if value < 0:
        raise PydanticCustomError(
            "negative",
            "观测值 {value} 为负数：22项指标（总量、比重、个数、里程、浓度等）均不可能小于0",
            {"value": str(value)},
        )
    return value


class Observation(Strict):
    indicator: int = Field(ge=1, le=INDICATOR_COUNT, description="附件表中的序号 1–22")
    year: int = Field(ge=BASE_YEAR + 1, le=TARGET_YEAR, description="观测年度，2019–2022")
    value: Annotated[Decimal, AfterValidator(_not_negative)] = Field(
        max_digits=20, decimal_places=6, description="观测值，按该指标的单位（≥ 0）"
    )


class Series(Strict):
    id: str
    label: str = Field("", description="该组数据的范围，如 温州都市区（核心区）")
    source: str = Field(min_length=1, description="数据来源；虚构的数据须注明")
    observations: list[Observation]

    @model_validator(mode="after")
    def _one_value_per_indicator_year(self) -> Series:
        seen: dict[tuple[int, int], int] = {}
        for k, o in enumerate(self.observations):
            key = (o.indicator, o.year)
            if key in seen:
                raise PydanticCustomError(
                    "duplicate_observation",
                    "observations[{k}]：第{i}项指标 {y} 年的值给出了两次（另见 observations[{j}]）",
                    {"k": k, "i": o.indicator, "y": o.year, "j": seen[key]},
                )
            seen[key] = k
        return self


class Case(CaseBase):
    series: list[Series] = []
