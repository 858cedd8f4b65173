"""What a case of 温政办〔2019〕76号 describes: parties, their loans, guarantees, claims …

Amounts are in yuan (at most two decimals); rates in percent (1.5 means 1.5%).
Every list becomes a table of the same name (see ``duixian.engine.case``).
The format is documented with an example per clause under ``examples/wzb-2019-76``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from duixian.engine.case import CaseBase, Money, Percent, Strict, Uscc

PartyKind = Literal["enterprise", "bank", "guarantor", "insurer", "securities_firm", "other_financial"]
QualificationKind = Literal[
    "national_high_tech",  # 国家高新技术企业 (科技部门)
    "provincial_tech_sme",  # 省科技型中小企业 (科技部门)
    "high_growth",  # 高成长型企业 (市经信局)
    "leading",  # 领军企业 (市经信局)
    "small_micro_star_city",  # 市级小微成长之星 (市市场监管局)
    "small_micro_star_provincial",  # 省级及以上小微成长之星
]
# 工信部联企业〔2011〕300号 第四条: the sixteen sectors it sets size thresholds for.
Industry = Literal[
    "agriculture",  # （一）农、林、牧、渔业
    "industry",  # （二）工业（采矿业，制造业，电力、热力、燃气及水生产和供应业）
    "construction",  # （三）建筑业
    "wholesale",  # （四）批发业
    "retail",  # （五）零售业
    "transport",  # （六）交通运输业（不含铁路运输业）
    "warehousing",  # （七）仓储业
    "postal",  # （八）邮政业
    "accommodation",  # （九）住宿业
    "catering",  # （十）餐饮业
    "information_transmission",  # （十一）信息传输业
    "software_it",  # （十二）软件和信息技术服务业
    "real_estate_development",  # （十三）房地产开发经营
    "property_management",  # （十四）物业管理
    "leasing_business_services",  # （十五）租赁和商务服务业
    "other",  # （十六）其他未列明行业
]
SizeMeasure = Literal["employees", "revenue", "total_assets"]
# The figures each sector is measured by (300号 第四条); its thresholds are the g4.<sector>.* parameters.
_STAFF_REVENUE: tuple[SizeMeasure, ...] = ("employees", "revenue")
_REVENUE_ASSETS: tuple[SizeMeasure, ...] = ("revenue", "total_assets")
SIZE_MEASURES: dict[str, tuple[SizeMeasure, ...]] = {
    "agriculture": ("revenue",),
    "industry": _STAFF_REVENUE,
    "construction": _REVENUE_ASSETS,
    "wholesale": _STAFF_REVENUE,
    "retail": _STAFF_REVENUE,
    "transport": _STAFF_REVENUE,
    "warehousing": _STAFF_REVENUE,
    "postal": _STAFF_REVENUE,
    "accommodation": _STAFF_REVENUE,
    "catering": _STAFF_REVENUE,
    "information_transmission": _STAFF_REVENUE,
    "software_it": _STAFF_REVENUE,
    "real_estate_development": _REVENUE_ASSETS,
    "property_management": _STAFF_REVENUE,
    "leasing_business_services": ("employees", "total_assets"),
    "other": ("employees",),
}
MEASURE_NAMES: dict[str, str] = {"employees": "从业人员", "revenue": "营业收入", "total_assets": "资产总额"}
District = Literal[
    "鹿城区", "龙湾区", "瓯海区", "洞头区", "乐清市", "瑞安市", "龙港市",
    "永嘉县", "平阳县", "苍南县", "文成县", "泰顺县", "市本级", "市外",
]  # fmt: skip


class Qualification(Strict):
    kind: QualificationKind
    valid_from: dt.date
    valid_to: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Qualification:
        if self.valid_to < self.valid_from:
            raise ValueError("valid_to 早于 valid_from")
        return self


class Party(Strict):
    """An enterprise or an institution (bank, guarantor …); g1 and g4 read these fields."""

    id: str = Field(min_length=1)
    name: str = ""
    uscc: Uscc | None = None
    kind: PartyKind = "enterprise"
    district: District = "市本级"
    independent_legal_person: bool = True
    government_guarantor: bool = False  # 政府性融资担保机构
    ownership: Literal["private", "state", "hmt", "foreign"] = "private"  # g4 民营: 非国有/港澳台/外商控股
    legal_form: Literal["company", "individual_business", "small_micro_owner", "other"] = "company"
    size_class: Literal["micro", "small", "medium", "large"] | None = None  # as determined under 300号
    industry: Industry | None = None  # g4: sector of 300号 第四条, to classify when size_class is absent
    # 从业人员, 营业收入, 资产总额: the figures 300号 第四条 classifies by; required for the industry's
    # measures (SIZE_MEASURES) when industry is given without size_class.
    employees: int | None = Field(default=None, ge=0, validate_default=True)
    revenue: Money | None = Field(default=None, validate_default=True)
    total_assets: Money | None = Field(default=None, validate_default=True)
    registered_capital: Money = Decimal(0)
    real_estate: bool = False  # 房地产企业（项目）
    mujun_class: Literal["A", "B", "C", "D"] | None = None  # 亩均论英雄 latest result at application
    major_accident_years: list[int] = []  # 重大责任事故 (安全生产、食品安全、环境污染)
    mass_incident_years: list[int] = []  # 较大群体性事件
    qualifications: list[Qualification] = []

    @field_validator("employees", "revenue", "total_assets", mode="after")
    @classmethod
    def _size_figures(cls, value: object, info: ValidationInfo) -> object:
        """g4: a party to be classified under 300号 must give the figures its industry is measured by."""
        industry = info.data.get("industry")
        measures = SIZE_MEASURES.get(industry or "", ())
        if value is None and info.field_name in measures and info.data.get("size_class") is None:
            needed = "、".join(MEASURE_NAMES[m] for m in measures)
            raise ValueError(
                f"必填：行业为 {industry!r} 的主体按工信部联企业〔2011〕300号 划型，需要{needed}；"
                "或直接给出 size_class"
            )
        return value

    @property
    def in_wenzhou(self) -> bool:
        return self.district != "市外"


class Loan(Strict):
    id: str = Field(min_length=1)
    borrower: str
    lender: str
    principal: Money
    start_date: dt.date
    end_date: dt.date  # maturity, or the repayment date if repaid early
    interest_paid: Money = Decimal(0)  # interest actually paid in the year (c4a)
    ip_pledge: bool = False  # 知识产权（商标权、专利权）质押
    valuation_fee: Money = Decimal(0)  # 中介评估费用 borne by the borrower (c4b)
    first_loan: bool = False  # 首贷
    cdm_fund: bool = False  # 中国清洁发展机制基金贷款
    tech_renovation: bool = False  # 技术改造（项目）贷款
    farmer_asset_custody: bool = False  # 农民资产授托代管贷款

    @model_validator(mode="after")
    def _ordered(self) -> Loan:
        if self.end_date <= self.start_date:
            raise ValueError("end_date 应晚于 start_date")
        return self


class Guarantee(Strict):
    """A financing guarantee and the fee the enterprise paid for it (c8a–c8c, c8e)."""

    id: str = Field(min_length=1)
    borrower: str
    guarantor: str
    loan: str | None = None
    fee_rate: Percent  # 担保费率, percent per year
    fee_paid: Money  # 实际担保费 borne by the enterprise
    paid_on: dt.date
    first_guarantee: bool = False  # 企业首次融资担保
    cdm_fund: bool = False  # the loan is supported by the China CDM Fund (c8e)


class InsurancePolicy(Strict):
    """A small-loan guarantee insurance policy (小额贷款保证保险, c8d)."""

    id: str = Field(min_length=1)
    borrower: str
    insurer: str
    premium_rate: Percent
    premium_paid: Money
    paid_on: dt.date
    first_time: bool = False


class Securitisation(Strict):
    """Financing through technology-property securitisation (c5a, c5b)."""

    id: str = Field(min_length=1)
    enterprise: str
    issuer: str  # 发行机构
    interest_paid: Money = Decimal(0)
    issuer_fees: Money = Decimal(0)  # 增信、评估及其他发行中介服务费用
    paid_on: dt.date


class Underwriting(Strict):
    institution: str
    share: Percent  # 承销比例


class BondIssue(Strict):
    id: str = Field(min_length=1)
    issuer: str
    listing_date: dt.date  # 发行上市日
    amount: Money
    rating_fee: Money = Decimal(0)
    lead_underwriters: list[Underwriting] = []

    @model_validator(mode="after")
    def _shares(self) -> BondIssue:
        if self.lead_underwriters and sum(u.share for u in self.lead_underwriters) != 100:
            raise ValueError("lead_underwriters 的承销比例合计应为 100")
        institutions = [u.institution for u in self.lead_underwriters]
        if len(set(institutions)) != len(institutions):
            raise ValueError("同一机构在 lead_underwriters 中出现两次")
        return self


class LossClaim(Strict):
    """A loss for which compensation is claimed (c4c, c5c, c7, c10a–c10c)."""

    id: str = Field(min_length=1)
    claimant: str
    kind: Literal["ip_pledge_loan", "securitisation", "farmer_asset_custody", "guarantee", "risk_sharing"]
    loan: str | None = None
    counterparty: str | None = None  # the enterprise whose default caused the loss
    principal_loss: Money  # 本金实际损失 (or, for kind=guarantee, the 单笔实际损失)
    confirmed_on: dt.date  # loss confirmed (for c7: date of the court's 终结裁定)
    court_final_ruling: bool = False  # c7: loss confirmed by 法院终结裁定执行书
    small_micro_or_agri: bool = False  # c10a: the guarantee was for a small/micro or 三农 loan
    first_loan: bool = False  # c10c: 首贷业务


class GuarantorMonth(Strict):
    """A guarantor's month-end figures (c3a, c3b, c11)."""

    guarantor: str
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    clients: int = Field(ge=0)  # 在保户数, small/micro and 三农 (c3a)
    balance: Money  # 在保余额, small/micro and 三农 (c3a)
    small_micro_clients: int = Field(default=0, ge=0)  # c11
    small_micro_balance: Money = Decimal(0)  # c11
    private_growth_balance: Money = Decimal(0)  # 民营高成长型、领军企业 (c3b)


class BankAssessment(Strict):
    """One bank's result on one single assessment of clause 2."""

    indicator: Literal[
        "first_loan", "average_rate", "ip_pledge", "renewal_without_repayment",
        "credit_loan", "receivables_pledge", "farmer_asset_custody",
    ]  # fmt: skip
    bank: str
    value: Decimal  # the measured performance (for average_rate: percent)


class BankLeader(Strict):
    id: str = Field(min_length=1)
    bank: str
    name: str = ""
    local_contribution: Money  # 个人薪酬所得形成地方综合贡献


class DepositAssessment(Strict):
    """A bank's new lending in one indicator of clause 9 in the assessment period."""

    indicator: Literal["cdm_fund", "private_tech_renovation", "ip_pledge"]
    bank: str
    amount: Money


class PriorAward(Strict):
    """An award already paid or granted for the same project elsewhere (g3 c–e)."""

    beneficiary: str
    project: str  # the project key of the line it matches, e.g. loan:L1
    level: Literal["county", "city", "provincial", "national"] = "county"
    source: Literal["lower_level", "lower_grade", "other_city_policy"] = "lower_level"
    amount: Money
    paid: bool = True


class Case(CaseBase):
    applied_on: dt.date | None = None  # g2: application date
    parties: list[Party] = []
    loans: list[Loan] = []
    guarantees: list[Guarantee] = []
    insurance_policies: list[InsurancePolicy] = []
    securitisations: list[Securitisation] = []
    bond_issues: list[BondIssue] = []
    loss_claims: list[LossClaim] = []
    guarantor_months: list[GuarantorMonth] = []
    bank_assessments: list[BankAssessment] = []
    bank_leaders: list[BankLeader] = []
    deposit_assessments: list[DepositAssessment] = []
    prior_awards: list[PriorAward] = []
