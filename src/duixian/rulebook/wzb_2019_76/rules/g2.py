"""g2 — when to apply and when the money is paid; and when the policy is in force.

附则2：“奖励资金由市级财政承担，每年度申报期为1－10月份，每个项目具体申报时间以职能部门通知为准，
10月以后申报的项目原则上安排在次年1－3月兑付。”
附则1：“本政策适用于2019年1月1日至2021年12月31日的奖补对象。”
附则5：“本政策自2020年2月1日起施行，有效期至2021年12月31日。”

The award objects (附则1) and the period in force (附则5) differ: the policy entered into force on
2020-02-01 and reaches back to 2019 award objects, so an application for a 2019 award object filed in
2020 is in order (see the interpretations register, ``wzb-2019-76.g2.application_dates``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from duixian.engine.parameters import ParameterSet
from duixian.engine.rules import Context, RuleSpec
from duixian.errors import InputError
from duixian.rulebook.wzb_2019_76.document import DOC

QUOTE = (
    "奖励资金由市级财政承担，每年度申报期为1－10月份，每个项目具体申报时间以职能部门通知为准，"
    "10月以后申报的项目原则上安排在次年1－3月兑付。"
)
QUOTE_IN_FORCE = "本政策自2020年2月1日起施行，有效期至2021年12月31日。"
DOC.add(RuleSpec("wzb-2019-76.g2", "资金申报拨付和兑现时间", "附件附则2", QUOTE, "timing"))

P = "wzb-2019-76."
APPLICATION_DATES = P + "g2.application_dates"
# 附则5：“本政策自2020年2月1日起施行，有效期至2021年12月31日。”
IN_FORCE_FROM = dt.date(2020, 2, 1)
IN_FORCE_TO = dt.date(2021, 12, 31)


@dataclass(frozen=True)
class PaymentWindow:
    in_application_period: bool  # 在当年度1－10月申报期内
    pay_from: dt.date | None  # 兑付期（附则2 只对10月以后申报的项目规定了兑付期）
    pay_to: dt.date | None
    explanation: str


def payment_window(applied_on: dt.date, params: ParameterSet) -> PaymentWindow:
    """附则2: whether ``applied_on`` falls in its year's application period, and when it is paid."""
    last_month = int(params[P + "g2.application_last_month"].at(applied_on).value)
    late_last = int(params[P + "g2.late_payment_last_month"].at(applied_on).value)
    year = applied_on.year
    if applied_on.month <= last_month:
        return PaymentWindow(
            in_application_period=True,
            pay_from=None,
            pay_to=None,
            explanation=(
                f"{applied_on.isoformat()} 在 {year} 年度申报期（1－{last_month}月）内申报；"
                "具体申报时间以职能部门通知为准，附则2 未规定申报期内项目的兑付月份。"
            ),
        )
    pay_from = dt.date(year + 1, 1, 1)
    pay_to = dt.date(year + 1, late_last, calendar.monthrange(year + 1, late_last)[1])
    return PaymentWindow(
        in_application_period=False,
        pay_from=pay_from,
        pay_to=pay_to,
        explanation=(
            f"{applied_on.isoformat()} 在 {year} 年{last_month}月以后申报，"
            f"原则上安排在次年（{year + 1} 年）1－{late_last}月兑付："
            f"{pay_from.isoformat()} 至 {pay_to.isoformat()}。"
        ),
    )


def check_applied_on(applied_on: dt.date, year: int, reading: str, params: ParameterSet) -> None:
    """The application date must fall while the policy is in force (附则5) and not before the year.

    Under ``award_period_next_year`` an application for a 2021 award object may also be filed in
    2022, until the end of that year's application period (the policy's last award year, 附则1).
    """
    if applied_on < IN_FORCE_FROM:
        raise InputError(
            "applied_on",
            f"{applied_on} 早于温政办〔2019〕76号的施行日期 {IN_FORCE_FROM}（附件附则5：“{QUOTE_IN_FORCE}”）",
        )
    if applied_on < dt.date(year, 1, 1):
        raise InputError("applied_on", f"{applied_on} 早于所属年度 {year} 年的开始")
    last_day = IN_FORCE_TO
    if reading == "award_period_next_year":
        next_year = IN_FORCE_TO.year + 1
        last_month = int(params[P + "g2.application_last_month"].at(IN_FORCE_TO).value)
        last_day = dt.date(next_year, last_month, calendar.monthrange(next_year, last_month)[1])
    if applied_on > last_day:
        raise InputError(
            "applied_on",
            f"{applied_on} 晚于受理申请的最后一天 {last_day}"
            f"（附件附则5：“{QUOTE_IN_FORCE}”；解释口径 {APPLICATION_DATES} = {reading}）",
        )


def timing(ctx: Context) -> dict[str, Any] | None:
    """The document's timing hook: the payment window of the case's application (None without one)."""
    case = ctx.extras.get("case")
    applied_on: dt.date | None = getattr(case, "applied_on", None)
    if applied_on is None:
        return None
    reading = ctx.readings[APPLICATION_DATES]
    check_applied_on(applied_on, ctx.year, reading, ctx.params)
    window = payment_window(applied_on, ctx.params)
    used = [P + "g2.application_last_month", P + "g2.late_payment_last_month"]
    return {
        "rule": P + "g2",
        "citation": f"{DOC.number} 附件附则2：“{QUOTE}”",
        "applied_on": applied_on.isoformat(),
        "in_application_period": window.in_application_period,
        "pay_from": window.pay_from.isoformat() if window.pay_from else None,
        "pay_to": window.pay_to.isoformat() if window.pay_to else None,
        "explanation": window.explanation,
        "parameters": [{"name": name, "value": int(ctx.params[name].at(applied_on).value)} for name in used],
        "readings": [
            {
                "switch": APPLICATION_DATES,
                "option": reading,
                "meaning": ctx.readings.register.entries[APPLICATION_DATES].options[reading],
            }
        ],
    }


DOC.timing = timing
