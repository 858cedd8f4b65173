"""What a case of 温浙集（开）管〔2019〕71号 describes: enterprises and what they claim for.

Amounts are in yuan (at most two decimals). Every list becomes a table of the same name (see
``duixian.engine.case``); an enterprise's yearly figures become the child table
``enterprises.annual``. The format is shown by the examples under ``examples/wzjk-2019-71``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from duixian.engine.case import CaseBase, Money, Strict, Uscc

# 第一条2: 注册地和财政收入在温州浙南产业集聚区、温州经济技术开发区（不包括状蒲园区）、瓯飞范围内.
Area = Literal["浙南产业集聚区", "经济技术开发区", "瓯飞", "状蒲园区", "区外"]
ZONE_AREAS: tuple[str, ...] = ("浙南产业集聚区", "经济技术开发区", "瓯飞")

# 第一条1: the businesses listed ("主要包括……等"); the list is open, hence other_related.
Business = Literal[
    "original_game_development",  # 原创游戏开发
    "game_publishing",  # 游戏发行
    "event_operation_platform",  # 赛事运营平台
    "event_streaming_platform",  # 赛事直播平台
    "e_commerce",  # 电子商务
    "game_software",  # 游戏软件开发
    "smart_hardware",  # 电子硬件智能化产品生产销售
    "esports_public_service",  # 电竞公共服务平台
    "online_audiovisual",  # 网络视听
    "online_animation",  # 网络动漫
    "esports_education",  # 电竞教育和培训
    "esports_brokerage",  # 电竞经纪
    "esports_media",  # 电竞媒体
    "big_data",  # 大数据
    "esports_venues",  # 电竞赛馆及电竞游乐场所建设
    "blockchain",  # 区块链技术应用
    "other_related",  # 其他电竞、游戏、“文化体育+互联网”产业相关业务（“等”）
    "unrelated",  # 不从事上述产业
]
BUSINESS_NAMES: dict[str, str] = {
    "original_game_development": "原创游戏开发",
    "game_publishing": "游戏发行",
    "event_operation_platform": "赛事运营平台",
    "event_streaming_platform": "赛事直播平台",
    "e_commerce": "电子商务",
    "game_software": "游戏软件开发",
    "smart_hardware": "电子硬件智能化产品生产销售",
    "esports_public_service": "电竞公共服务平台",
    "online_audiovisual": "网络视听",
    "online_animation": "网络动漫",
    "esports_education": "电竞教育和培训",
    "esports_brokerage": "电竞经纪",
    "esports_media": "电竞媒体",
    "big_data": "大数据",
    "esports_venues": "电竞赛馆及电竞游乐场所建设",
    "blockchain": "区块链技术应用",
    "other_related": "其他电竞、游戏、“文化体育+互联网”产业相关业务",
    "unrelated": "不从事电竞、游戏、“文化体育+互联网”产业",
}

# 第五条: 原创游戏、运营平台、文娱产品（包括文学类、直播类、综艺类、动漫类、影视作品等）.
IpKind = Literal[
    "game", "operating_platform", "literature", "live_streaming", "variety_show", "animation", "film_tv",
    "other_entertainment",
]  # fmt: skip
# 第六条: 原创游戏、运营平台等软件.
DevKind = Literal["game", "operating_platform", "other_software"]
# 第七条 1–5, as determined by the expert committee (第八条2: 确定企业、赛事、俱乐部级别).
Tier = Literal[
    "top_international_pro",  # 1. 顶级国际职业赛事
    "top_national_pro",  # 2. 顶级全国职业赛事
    "secondary_international_pro",  # 2. 次级国际职业赛事
    "secondary_national_pro",  # 3. 次级全国职业赛事
    "other_international",  # 4. 其他各类型国际赛事
    "other_national",  # 4. 其他各类型全国赛事
    "other_regional",  # 5. 其他各类型区域性赛事
]


class AnnualFigures(Strict):
    """An enterprise's figures for one year: 营业收入 (第二条 grading), 地方综合贡献 (附则3 cap)."""

    year: int = Field(ge=1990, le=2100)
    operating_revenue: Money | None = None
    local_contribution: Money | None = None


class Enterprise(Strict):
    id: str = Field(min_length=1)
    name: str = ""
    uscc: Uscc | None = None
    registered_area: Area  # 注册地
    fiscal_area: Area  # 财政收入缴纳地
    business: Business
    # 第一条2(1): 企业架构符合现代企业制度，内部管理制度健全，财务管理和会计核算合法、规范……
    modern_governance: bool = True
    bad_credit_record: bool = False  # 第一条2(2) 不良信用记录
    major_safety_accident: bool = False  # 第一条2(2) 重大安全事故
    bad_business_conduct: bool = False  # 第一条2(2) 不良经营行为
    # 第二条: the date the expert committee's recognition (认定) was completed; none if not recognised.
    recognised_on: dt.date | None = None
    annual: list[AnnualFigures] = []

    @model_validator(mode="after")
    def _one_row_per_year(self) -> Enterprise:
        years = [a.year for a in self.annual]
        if len(set(years)) != len(years):
            raise ValueError("annual：同一年度出现两次")
        return self


class BroadbandCost(Strict):
    """第三条: self-use broadband charges actually incurred (one bill or period)."""

    id: str = Field(min_length=1)
    enterprise: str
    incurred_on: dt.date  # the date the charge was incurred (billing date); in the year concerned
    cost: Money  # 自用宽带资费实际发生费用


class FundFinancing(Strict):
    """第四条: financing actually received by an enterprise the fund's committee approved."""

    id: str = Field(min_length=1)
    enterprise: str
    received_on: dt.date  # 融资到位日, in the year concerned
    received: Money  # 实际到位融资金额
    fund_committee_approved: bool  # 产业发展基金决策委员会审核通过


class IpWork(Strict):
    """第五条: an original IP put forward for the yearly award."""

    id: str = Field(min_length=1)
    enterprise: str
    title: str = ""
    kind: IpKind
    original: bool = True  # 原创自研
    # The day the work was released (上线、发布): dates the award for 附则5 and for recognition (第五条
    # “对完成认定备案的企业”). That an IP is awarded only once across years is the ledger's job.
    released_on: dt.date
    # The committee's amount for this IP: the gazette fixes only the ceiling (每个不超过20万).
    amount_decided: Money
    # The expert review ranking (1 = best) that picks the 30 IPs when more qualify.
    review_rank: int | None = Field(default=None, ge=1)


class DevProject(Strict):
    """第六条: one software development project and its investment."""

    id: str = Field(min_length=1)
    enterprise: str
    title: str = ""
    kind: DevKind
    original: bool = True  # 原创 (required of games)
    # The day development was completed (开发完成、上线): dates the subsidy for 附则5 and for recognition
    # (第六条 “对完成认定备案的企业进行……开发”). That a project is paid only once across years is the ledger's job.
    completed_on: dt.date
    investment: Money  # 单个项目投资额


class Competition(Strict):
    """第七条: an e-sports event the enterprise organises and hosts, with its payment milestones."""

    id: str = Field(min_length=1)
    enterprise: str
    name: str = ""
    tier: Tier
    in_zone: bool  # 在区内组织承办
    committee_reviewed: bool  # 经区电竞游戏产业专家咨询委员会评审
    total_cost: Money  # 赛事总费用
    contract_signed_on: dt.date | None = None
    started_on: dt.date | None = None
    ended_on: dt.date | None = None

    @model_validator(mode="after")
    def _milestones_in_order(self) -> Competition:
        if self.started_on is not None and self.contract_signed_on is None:
            raise ValueError("给出 started_on 时须同时给出 contract_signed_on")
        if self.ended_on is not None and self.started_on is None:
            raise ValueError("给出 ended_on 时须同时给出 started_on")
        if self.contract_signed_on and self.started_on and self.started_on < self.contract_signed_on:
            raise ValueError("started_on 早于 contract_signed_on")
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValueError("ended_on 早于 started_on")
        return self


class OtherZoneAward(Strict):
    """附则1: an award for the same project under another zone policy or an investment agreement."""

    enterprise: str
    # The project key of the lines it concerns: broadband:<enterprise>, ip:<id>, dev:<id>, competition:<id>;
    # the id must name a row of this case that belongs to ``enterprise`` (checked when evaluating).
    project: str = Field(pattern=r"^(broadband|ip|dev|competition):.+$")
    source: Literal["other_zone_policy", "investment_agreement"] = "other_zone_policy"
    amount: Money


class Case(CaseBase):
    enterprises: list[Enterprise] = []
    broadband_costs: list[BroadbandCost] = []
    fund_financings: list[FundFinancing] = []
    ip_works: list[IpWork] = []
    dev_projects: list[DevProject] = []
    competitions: list[Competition] = []
    other_zone_awards: list[OtherZoneAward] = []
