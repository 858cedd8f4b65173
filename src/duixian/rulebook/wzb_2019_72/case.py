"""What a case of 温政办〔2019〕72号 describes: contracts (c2), land projects (c3), projects seeking
priority funding (c6a), county financial institutions (c6b) and target monitoring (t).

Amounts are in yuan (at most two decimals); rates in percent (1.5 means 1.5%); areas in 亩 and terms
in years as exact decimals. Every list becomes a table of the same name (see ``duixian.engine.case``).
Examples per rule are under ``examples/wzb-2019-72``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator

from duixian.engine.case import CaseBase, Money, Percent, Strict

# The twelve county-level units the text names (第6条), plus places it does not name: a city-level
# functional zone (市级功能区) or 市本级, and 市外.
Place = Literal[
    "鹿城区", "龙湾区", "瓯海区", "洞头区", "乐清市", "瑞安市", "龙港市",
    "永嘉县", "平阳县", "苍南县", "文成县", "泰顺县", "市本级", "市级功能区", "市外",
]  # fmt: skip
COUNTIES: tuple[str, ...] = (
    "鹿城区", "龙湾区", "瓯海区", "洞头区", "乐清市", "瑞安市", "龙港市",
    "永嘉县", "平阳县", "苍南县", "文成县", "泰顺县",
)  # fmt: skip

ContractKind = Literal["survey", "design", "supervision", "goods", "works", "services"]
CONTRACT_KIND_NAMES = {
    "survey": "勘察",
    "design": "设计",
    "supervision": "监理",
    "goods": "重要设备、材料等货物采购",
    "works": "工程（施工）项目",
    "services": "其他服务",
}


class Contract(Strict):
    """c2: one contract of a rural revitalisation construction project (单项合同)."""

    id: str = Field(min_length=1)
    township: str = ""  # 乡镇政府（街道办事处）
    project: str = ""  # the construction project it belongs to
    kind: ContractKind
    estimated_price: Money  # 单项合同估算价
    must_tender: bool  # 必须招投标的乡村振兴建设项目 (under the national tendering rules)


class LandProject(Strict):
    """c3: an agricultural operator (investment project) asking for land support."""

    id: str = Field(min_length=1)
    name: str = ""
    transfer_years: Decimal = Field(default=Decimal(0), ge=0)  # 土地承包经营权流转期限, years
    witnessed: bool = False  # 经合法见证
    contract_signed: bool = False  # 签订流转合同
    area_mu: Decimal = Field(default=Decimal(0), ge=0)  # 经营面积, 亩
    investment: Money = Decimal(0)  # 投资额
    comprehensive_project: bool = False  # 田园综合体等项目 (a 田园综合体 or a project of that kind)
    land_consolidation: bool = False  # 依托于全域土地综合整治与生态修复的乡村振兴项目
    indicator_gap: bool = False  # 用地指标缺口: its land quota falls short


class PriorityProject(Strict):
    """c6a: a project seeking priority support from agricultural funds."""

    id: str = Field(min_length=1)
    name: str = ""
    place: Place  # 项目所在县（市、区）
    actual_investment: Money  # 实际投资
    meets_project_conditions: bool  # 符合同等立项条件


class FinancialInstitution(Strict):
    """c6b: a county financial institution and its agricultural loans (涉农贷款)."""

    id: str = Field(min_length=1)
    name: str = ""
    place: Place = "市本级"
    qualified: bool  # 符合条件的县域金融机构 (conditions set by the local finance department)
    average_balance: Money  # 当年涉农贷款平均余额
    average_balance_last_year: Money  # 上年涉农贷款平均余额 (同比的基数)
    decided_rate: Percent | None = None  # the rate the local finance department decided (≤ 2%)

    @field_validator("average_balance_last_year")
    @classmethod
    def _base(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError("应为正数：同比增长以上年余额为基数")
        return value


IndicatorKey = Literal[
    "agritech_bases", "star_innovation", "youth_farms", "master_talents", "youth_ecommerce",
    "youth_agri_makers", "new_farmers", "incubated_projects", "returning_sages", "agri_loan_increase",
    "tech_contribution", "custody_loan_balance", "county_demo_centres", "industry_alliances",
    "alliance_companies", "belt_showrooms",
]  # fmt: skip


class Observation(Strict):
    """An indicator's observed value at the end of a year (counts, yuan or percent as the indicator is)."""

    indicator: IndicatorKey
    year: int
    value: Decimal = Field(ge=0)
    place: str = ""  # for per-place indicators: the county (县市区) or the 乡村振兴示范带


class IndicatorBase(Strict):
    """The value an indicator started from, to measure progress towards its target."""

    indicator: IndicatorKey
    year: int
    value: Decimal = Field(ge=0)
    place: str = ""


class Monitor(Strict):
    """Whoever reports the indicators (the city, a county): its observations and bases."""

    id: str = Field(min_length=1)
    name: str = ""
    observations: list[Observation] = []
    bases: list[IndicatorBase] = []


class Case(CaseBase):
    contracts: list[Contract] = []
    land_projects: list[LandProject] = []
    priority_projects: list[PriorityProject] = []
    financial_institutions: list[FinancialInstitution] = []
    monitors: list[Monitor] = []
