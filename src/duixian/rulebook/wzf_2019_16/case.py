"""What a case of 温政发〔2019〕16号 describes: standards asked for, and households' monthly allowances.

A month is written ``2019-10`` (or as its first day, ``2019-10-01``); amounts are yuan per month
with at most two decimals. The district must be one the notice sets a standard for: 鹿城区, 龙湾区,
瓯海区 and 洞头区 are refused with a reason (the notice sets nothing for them), not guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from duixian.engine.case import CaseBase, Money, Strict

# The districts the notice sets a standard for, with the code naming their parameters (std.<code>).
DISTRICT_CODES: dict[str, str] = {
    "乐清市": "yueqing",
    "瑞安市": "ruian",
    "永嘉县": "yongjia",
    "文成县": "wencheng",
    "平阳县": "pingyang",
    "泰顺县": "taishun",
    "苍南县": "cangnan",
    "龙港市": "longgang",
}
# Wenzhou's districts the notice is silent on: asking for them is an error, never a guess.
NOT_SET = ("鹿城区", "龙湾区", "瓯海区", "洞头区")
MAX_MEMBERS = 99


def _check_district(name: str) -> str:
    if name in DISTRICT_CODES:
        return name
    if name in NOT_SET:
        raise PydanticCustomError(
            "district_not_set",
            "温政发〔2019〕16号 未规定{name}的城乡居民最低生活保障标准（该通知只调整乐清、瑞安、永嘉、文成、"
            "平阳、泰顺、苍南、龙港的标准）；请依{name}适用的文件另行确定，本系统不作推测",
            {"name": name},
        )
    # pydantic formats templates with str.format-like {name} only (no !r): quote the name in words.
    near = [d for d in (*DISTRICT_CODES, *NOT_SET) if name and (d.startswith(name) or name.startswith(d))]
    hint = f"（是否指“{near[0]}”？须写全称）" if near else ""
    raise PydanticCustomError(
        "district_unknown",
        "未知的县（市、区）“{name}”{hint}；温政发〔2019〕16号 规定了标准的为：{known}",
        {"name": name, "hint": hint, "known": "、".join(DISTRICT_CODES)},
    )


MONTH_FORMAT = "月份写作 2019-10（或写该月1日 2019-10-01）"


def _month(value: Any) -> Any:
    """'2019-10' → 2019-10-01; a full date must be the first of its month. Other spellings
    (2019/10, 2019.10, 2019年10月) are refused saying how to write it, not with a parser's message."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise PydanticCustomError("month", "没有{month}月：" + MONTH_FORMAT, {"month": month})
        return dt.date(year, month, 1)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise PydanticCustomError("month", "“{text}”不是月份的写法：" + MONTH_FORMAT, {"text": text})
    return value


def _first_of_month(day: dt.date) -> dt.date:
    if day.day != 1:
        raise PydanticCustomError("month", "{day}不是该月1日：" + MONTH_FORMAT, {"day": str(day)})
    return day


District = Annotated[str, AfterValidator(_check_district)]
Month = Annotated[dt.date, BeforeValidator(_month), AfterValidator(_first_of_month)]


class Lookup(Strict):
    """A standard asked for: the district and the month."""

    id: str
    district: District
    month: Month


class Household(Strict):
    """One household in one month: its members and its income as assessed (认定) by civil affairs.

    Give the per-capita monthly income (income_per_capita) or the household's total monthly income
    (income_total), not both. The income is the assessed one, after the exclusions of the provincial
    rules (e.g. 《浙江省社会救助条例》第五十条第三款, income from new employment for 6–12 months).
    """

    id: str
    district: District
    month: Month = Field(description="补助所属月份（如 2019-10）")
    # A household living together (共同生活的家庭成员) is a family, never a hundred people; the bound
    # catches typos and keeps standard × members and income × members far inside int64 fen.
    members: int = Field(ge=1, le=MAX_MEMBERS, description="共同生活的家庭成员人数（1–99）")
    income_per_capita: Money | None = Field(None, description="家庭成员人均月收入（元）")
    income_total: Money | None = Field(None, description="家庭月总收入（元）")

    @model_validator(mode="after")
    def _one_income(self) -> Household:
        if (self.income_per_capita is None) == (self.income_total is None):
            raise PydanticCustomError(
                "income", "income_per_capita（人均月收入）与 income_total（家庭月总收入）应给出且只给出其一"
            )
        return self


class Case(CaseBase):
    lookups: list[Lookup] = []
    households: list[Household] = []
