"""What a case of 温商务联发〔2019〕130号 describes: the implementing enterprises, their pilot projects
(境外经贸合作区, 海外营运中心) of the year, the year's fund, what was carried over from the year before,
fraud findings, and the date the allocation was publicised.

Amounts are in yuan (at most two decimals). Every list becomes a table of the same name (see
``duixian.engine.case``); the format is shown by the examples under ``examples/wswl-2019-130``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from duixian.engine.case import CaseBase, Money, Strict, Uscc

District = Literal[
    "市本级", "鹿城区", "龙湾区", "瓯海区", "洞头区", "乐清市", "瑞安市", "龙港市",
    "永嘉县", "平阳县", "苍南县", "文成县", "泰顺县", "市外",
]  # fmt: skip
# Grades of the pilot's acceptance (试点项目验收), best first. 三5 asks for “合格档及以上”; the
# lowest grade that passes is the parameter wswl-2019-130.e.lowest_acceptance_grade.
ACCEPTANCE_GRADES: tuple[str, ...] = ("优秀", "良好", "合格", "基本合格", "不合格")
AcceptanceGrade = Literal["优秀", "良好", "合格", "基本合格", "不合格"]
# Scores are exact decimals with at most this many places; shares are computed on score × 10^4.
SCORE_PLACES = 4


class Implementer(Strict):
    """An enterprise implementing a zone or a centre (三1, 三4; 四（二） who pays it)."""

    id: str = Field(min_length=1)
    name: str = ""
    uscc: Uscc  # 统一社会信用代码
    district: District  # where it is registered (市外: outside Wenzhou)
    independent_legal_person: bool  # 具有独立法人资格
    affiliation: Literal["市属", "区属"]  # 四（二）：市属企业 / 区属企业
    good_credit: bool  # 资信良好
    sound_accounts: bool  # 财会制度健全
    penalised: bool  # 因进行非法经营活动或违反国家有关规定受过处罚

    @field_validator("affiliation")
    @classmethod
    def _district_enterprise_has_a_district(cls, value: str, info: ValidationInfo) -> str:
        district = info.data.get("district")
        if value == "区属" and district in ("市本级", "市外"):
            raise ValueError(f"区属企业由所在区财政局拨付（四（二）），但 district 为 {district!r}")
        return value


class Project(Strict):
    """A pilot project of the year: a zone or a centre, with its review score and actual investment."""

    id: str = Field(min_length=1)
    name: str = ""
    implementer: str
    kind: Literal["zone", "centre", "other"]  # 境外经贸合作区 / 海外营运中心 / 其他
    # For a centre inside a zone (四（一）“境外经贸合作区内含海外营运中心”): the id of the zone's project.
    host_zone: str | None = None
    mofcom_filed: bool  # 在境内已完成商务部对外投资备案手续
    investment_certificate: bool  # 取得《企业境外投资证书》
    registered_abroad: bool  # 在境外完成相关登记手续
    reports_progress: bool  # 按规定报送项目进展情况和相关统计资料
    acceptance: AcceptanceGrade | None = None  # 试点项目验收等级 (None: not yet accepted)
    score: Decimal = Field(ge=0, max_digits=12, decimal_places=SCORE_PLACES)  # 联合评审小组评审分值
    actual_investment: Money  # 实际投入金额


class Appropriation(Strict):
    """Part of the year's pilot fund (专项资金总额); the 办法 gives no amount, the case does."""

    id: str = Field(min_length=1)
    amount: Money
    document: str = ""  # the notice that made it available (e.g. the province's 下达文件)


class CarryIn(Strict):
    """An amount carried over from the year before (四（一）“超过部分结转至下年”)."""

    id: str = Field(min_length=1)
    amount: Money
    for_project: str | None = None  # the project whose excess it was (read under alloc.carry_in)


class FraudFinding(Strict):
    """五（二）: a finding that an implementer obtained, withheld or diverted pilot funds."""

    id: str = Field(min_length=1)
    implementer: str
    conduct: Literal["骗取", "截留", "挪用"]
    found_on: dt.date
    recover: Money  # 收回资金 (视情: the amount decided)


class Case(CaseBase):
    implementers: list[Implementer] = []
    projects: list[Project] = []
    funds: list[Appropriation] = []  # the year's 专项资金总额, one row per appropriation
    carried_in: list[CarryIn] = []  # 上年结转
    fraud_findings: list[FraudFinding] = []
    publicity_starts_on: dt.date | None = None  # 资金分配结果在市商务局网站上公示的第一天
