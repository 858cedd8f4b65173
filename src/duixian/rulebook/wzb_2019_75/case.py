"""What a case of 温政办〔2019〕75号 describes: future-community pilots, their site sizes (site), the
stages they went through (flow) and the land-transfer revenue of their land (fund).

Amounts are in yuan (at most two decimals); areas in 公顷 as exact decimals. Every list becomes a
table of the same name; a pilot's stages and land sales become child tables (see
``duixian.engine.case``). Examples per rule are under ``examples/wzb-2019-75``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from duixian.engine.case import CaseBase, Money, Strict

Place = Literal[
    "鹿城区", "龙湾区", "瓯海区", "洞头区", "乐清市", "瑞安市", "龙港市",
    "永嘉县", "平阳县", "苍南县", "文成县", "泰顺县", "市级功能区",
]  # fmt: skip
# The city's own districts (市辖区): the places whose finance the text's "补助区财政" names outright.
CITY_DISTRICTS: tuple[str, ...] = ("鹿城区", "龙湾区", "瓯海区", "洞头区")
FUNCTIONAL_ZONES: tuple[str, ...] = ("市级功能区",)
# 四、创建流程 (一)–(五), in the order the text sets.
StageKey = Literal["planning", "reserve", "application", "implementation", "acceptance"]
STAGES: tuple[StageKey, ...] = ("planning", "reserve", "application", "implementation", "acceptance")
STAGE_NAMES: dict[str, str] = {
    "planning": "规划先行",
    "reserve": "项目储备",
    "application": "试点申报",
    "implementation": "落地实施",
    "acceptance": "验收命名",
}


class StageRecord(Strict):
    """The pilot entered this stage on this date."""

    stage: StageKey
    date: dt.date


class LandSale(Strict):
    """Land-transfer revenue (土地出让金) of the pilot's land received in the year concerned."""

    id: str = Field(min_length=1)
    received_on: dt.date
    revenue: Money  # 土地出让金 of the pilot's land, on which the original split (分成体制) applies
    # 应计提规费 actually levied (reading wzb-2019-75.fund.levies = actual): each required then.
    levy_social_security: Money | None = None  # 社保基金
    levy_farmland_water: Money | None = None  # 农林水利建设
    levy_low_rent_housing: Money | None = None  # 廉租房建设基金
    levy_other: Money | None = None  # 等: any other levy deducted before the split (none if absent)
    assessed_reward: Money | None = None  # 视考核情况: the reward decided on assessment, if decided


class Pilot(Strict):
    id: str = Field(min_length=1)
    name: str = ""
    district: Place
    category: Literal["renewal", "new_build"]  # 改造更新类 / 规划新建类
    planning_unit_ha: Decimal | None = Field(default=None, ge=0)  # 规划单元, 公顷
    # 实施单元, 公顷: the part of the planning unit carried out first, so never larger than it
    # (checked in rules/_checks.py, naming this field).
    implementation_unit_ha: Decimal | None = Field(default=None, ge=0)
    stages: list[StageRecord] = []
    land_sales: list[LandSale] = []

    @model_validator(mode="after")
    def _both_units(self) -> Pilot:
        if (self.planning_unit_ha is None) != (self.implementation_unit_ha is None):
            raise ValueError("planning_unit_ha 与 implementation_unit_ha 须同时给出（或都不给出）")
        return self


class Case(CaseBase):
    pilots: list[Pilot] = []
