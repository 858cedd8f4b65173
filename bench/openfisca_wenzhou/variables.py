"""Inputs and formulas: 76号 c1 (loan subsidy) and c8a–c8e (guarantee and insurance fee subsidies), g1, g3.

The same arithmetic as duixian's rules under its default readings, for the benchmark's shape (one
loan, one guarantee, one insurance policy per enterprise; loans of at most five years, so the
1-year LPR throughout). Money is OpenFisca's float (float32) in yuan, rounded half-up to the fen
once per line like duixian — but in float32, which is the point of the comparison.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable  # type: ignore[import-untyped]

from openfisca_wenzhou.entities import Enterprise

POLICY_START = np.datetime64("2019-01-01")  # 附则1: 2019年1月1日起; LPR fixing is never earlier
ONE_DAY = np.timedelta64(1, "D")


def to_fen(yuan: Any) -> Any:
    """Round half-up to the fen (computed in the array's own float type)."""
    return np.floor(yuan * 100 + 0.5) / 100


class SizeClass(Enum):
    micro = "微型"
    small = "小型"
    medium = "中型"
    large = "大型"


class LegalForm(Enum):
    company = "公司"
    individual_business = "个体工商户"
    small_micro_owner = "小微企业主"


class MujunClass(Enum):
    none = "未评价"
    A = "A"
    B = "B"
    C = "C"
    D = "D"


def _input(name: str, value_type: type, label: str, **extra: Any) -> type:
    return type(
        name,
        (Variable,),
        {"value_type": value_type, "entity": Enterprise, "definition_period": YEAR, "label": label, **extra},
    )


def _date(name: str, label: str) -> type:
    import datetime as dt

    return _input(name, dt.date, label)


INPUTS = [
    # g1 (附则1) and g4 (附则4)
    _input("registered_in_wenzhou", bool, "注册地在温州市范围内"),
    _input("independent_legal_person", bool, "具有独立法人资格"),
    _input("legal_form", Enum, "组织形式", possible_values=LegalForm, default_value=LegalForm.company),
    _input("size_class", Enum, "企业规模（300号）", possible_values=SizeClass, default_value=SizeClass.large),
    _input("real_estate", bool, "房地产企业（项目）"),
    _input("mujun_class", Enum, "亩均论英雄评价", possible_values=MujunClass, default_value=MujunClass.none),
    _input("major_accident", bool, "当年发生重大责任事故"),
    _input("mass_incident", bool, "当年发生较大群体性事件"),
    # c1
    _input("tech_or_growth_qualified", bool, "国家高新、省科技型中小、高成长型或小微成长之星（当年有效）"),
    _input("loan_principal", float, "贷款本金（元）"),
    _date("loan_start", "贷款发放日"),
    _date("loan_end", "贷款到期（还款）日"),
    _input("lender_is_local_bank", bool, "贷款银行为我市银行业金融机构"),
    # c8a–c8c, c8e
    _input("guarantor_is_government", bool, "政府性融资担保机构"),
    _input("guarantee_fee_rate", float, "担保费率（小数）"),
    _input("guarantee_fee_paid", float, "实际担保费（元）"),
    _input("first_guarantee", bool, "企业首次融资担保"),
    _input("cdm_fund", bool, "贷款获得中国清洁发展机制基金支持"),
    # c8d
    _input("insurance_premium_rate", float, "保证保险费率（小数）"),
    _input("insurance_premium_paid", float, "实际保险费（元）"),
    _input("insurance_first_time", bool, "首次参加保证保险"),
]


# OpenFisca names variables after their classes, in snake case.
class g1_eligible(Variable):  # type: ignore[misc]
    value_type = bool
    entity = Enterprise
    definition_period = YEAR
    label = "附则1：适用对象，不在排除之列"

    def formula(enterprise, period):  # type: ignore[no-untyped-def]
        form = enterprise("legal_form", period)
        legal = enterprise("independent_legal_person", period) | (form != LegalForm.company)
        mujun = enterprise("mujun_class", period)
        return (
            enterprise("registered_in_wenzhou", period)
            & legal
            & ~enterprise("real_estate", period)
            & (mujun != MujunClass.C)
            & (mujun != MujunClass.D)
            & ~enterprise("major_accident", period)
            & ~enterprise("mass_incident", period)
        )


class small_micro(Variable):  # type: ignore[misc]
    value_type = bool
    entity = Enterprise
    definition_period = YEAR
    label = "附则4：小微企业（含个体工商户、小微企业主）"

    def formula(enterprise, period):  # type: ignore[no-untyped-def]
        size = enterprise("size_class", period)
        form = enterprise("legal_form", period)
        return (size == SizeClass.micro) | (size == SizeClass.small) | (form != LegalForm.company)


class c1_interest_days(Variable):  # type: ignore[misc]
    value_type = int
    entity = Enterprise
    definition_period = YEAR
    label = "当年计息天数（算头不算尾）"

    def formula(enterprise, period):  # type: ignore[no-untyped-def]
        first = np.maximum(enterprise("loan_start", period), np.datetime64(str(period.start)))
        last = np.minimum(enterprise("loan_end", period) - ONE_DAY, np.datetime64(str(period.stop)))
        return np.maximum((last - first).astype(np.int64) + 1, 0)


class c1_lpr(Variable):  # type: ignore[misc]
    value_type = float
    entity = Enterprise
    definition_period = YEAR
    label = "贷款发放日适用的1年期LPR（默认读法 lpr_fixing = loan_start）"

    def formula(enterprise, period):  # type: ignore[no-untyped-def]
        # OpenFisca reads a parameter at one instant per formula call; the LPR is fixed per loan on
        # its own date, so look the value history up per row.
        history = enterprise.simulation.tax_benefit_system.parameters.lpr_one_year.values_list
        starts = np.asarray([np.datetime64(v.instant_str) for v in reversed(history)])
        values = np.asarray([v.value for v in reversed(history)])  # stored as the float dtype
        fixing = np.maximum(enterprise("loan_start", period), POLICY_START)
        return values[np.searchsorted(starts, fixing, side="right") - 1]


class c1_subsidy(Variable):  # type: ignore[misc]
    value_type = float
    entity = Enterprise
    definition_period = YEAR
    label = "第一条 科创型成长型企业贷款补助（元，单户上限后）"

    def formula(enterprise, period, parameters):  # type: ignore[no-untyped-def]
        p = parameters(period).c1
        days = enterprise("c1_interest_days", period)
        raw = to_fen(
            enterprise("loan_principal", period) * enterprise("c1_lpr", period) * p.rate * days / p.day_basis
        )
        eligible = (
            enterprise("tech_or_growth_qualified", period)
            & enterprise("lender_is_local_bank", period)
            & (days > 0)
            & enterprise("g1_eligible", period)
        )
        return np.where(eligible, np.minimum(raw, p.cap), 0)


def _guarantee_variable(name: str, label: str, formula: Any) -> type:
    return type(
        name,
        (Variable,),
        {
            "value_type": float,
            "entity": Enterprise,
            "definition_period": YEAR,
            "label": label,
            "formula": formula,
        },
    )


def _c8a(enterprise: Any, period: Any, parameters: Any) -> Any:
    p = parameters(period).c8.government
    rate, paid = enterprise("guarantee_fee_rate", period), enterprise("guarantee_fee_paid", period)
    raw = np.where(rate <= p.fee_rate_low, to_fen(paid * p.rate_low), to_fen(paid * p.rate_mid))
    eligible = (
        enterprise("small_micro", period)
        & enterprise("guarantor_is_government", period)
        & (rate <= p.fee_rate_mid)
    )
    return np.where(eligible & enterprise("g1_eligible", period), raw, 0)


def _c8b(enterprise: Any, period: Any, parameters: Any) -> Any:
    p = parameters(period).c8.private
    rate, paid = enterprise("guarantee_fee_rate", period), enterprise("guarantee_fee_paid", period)
    eligible = (
        enterprise("small_micro", period)
        & ~enterprise("guarantor_is_government", period)
        & (rate <= p.fee_rate_max)
    )
    return np.where(eligible & enterprise("g1_eligible", period), to_fen(paid * p.rate), 0)


def _c8c(enterprise: Any, period: Any, parameters: Any) -> Any:
    p = parameters(period).c8
    rate, paid = enterprise("guarantee_fee_rate", period), enterprise("guarantee_fee_paid", period)
    government = enterprise("guarantor_is_government", period)
    # Reading wzb-2019-76.c8c.rate_conditions = conditions_apply (duixian's default).
    rate_ok = (government & (rate <= p.government.fee_rate_mid)) | (
        ~government & (rate <= p.private.fee_rate_max)
    )
    eligible = enterprise("first_guarantee", period) & enterprise("small_micro", period) & rate_ok
    raw = np.minimum(to_fen(paid * p.first.rate), p.first.cap)
    return np.where(eligible & enterprise("g1_eligible", period), raw, 0)


def _c8e(enterprise: Any, period: Any, parameters: Any) -> Any:
    paid = enterprise("guarantee_fee_paid", period)
    eligible = enterprise("cdm_fund", period) & enterprise("g1_eligible", period)
    return np.where(eligible, to_fen(paid * parameters(period).c8.cdm.rate), 0)


def _guarantee_fee(enterprise: Any, period: Any) -> Any:
    # 附则3 (g3): one guarantee is one project — only the highest of c8a/c8b/c8c/c8e is paid.
    return np.maximum.reduce([enterprise(f"c8{k}_raw", period) for k in "abce"])


def _c8d(enterprise: Any, period: Any, parameters: Any) -> Any:
    p = parameters(period).c8.insurance
    first = enterprise("insurance_first_time", period)
    paid = enterprise("insurance_premium_paid", period)
    raw = np.where(first, to_fen(paid * p.rate_first), to_fen(paid * p.rate))
    eligible = (enterprise("insurance_premium_rate", period) <= p.premium_rate_max) & enterprise(
        "g1_eligible", period
    )
    return np.where(eligible, raw, 0)


FORMULAS = [
    g1_eligible,
    small_micro,
    c1_interest_days,
    c1_lpr,
    c1_subsidy,
    _guarantee_variable("c8a_raw", "第八条 政府性融资担保费补助（g3 比较前）", _c8a),
    _guarantee_variable("c8b_raw", "第八条 非政府性融资担保费补助（g3 比较前）", _c8b),
    _guarantee_variable("c8c_raw", "第八条 首次融资担保费补助（g3 比较前）", _c8c),
    _guarantee_variable("c8e_raw", "第八条 清洁发展机制基金贷款担保费补贴（g3 比较前）", _c8e),
    _guarantee_variable("c8_guarantee_subsidy", "第八条 担保费补助（同一担保执行最高额）", _guarantee_fee),
    _guarantee_variable("c8d_subsidy", "第八条 小额贷款保证保险费补助", _c8d),
]
VARIABLES = INPUTS + FORMULAS
OUTPUTS = ("c1_subsidy", "c8_guarantee_subsidy", "c8d_subsidy")
