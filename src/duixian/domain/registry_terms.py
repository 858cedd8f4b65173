"""The registry's vocabulary: each code the rules read, with the Chinese words a user writes.

The codes are those of 76号's case model (``PartyKind``, ``QualificationKind``, ``Industry`` …), so a
registry row becomes a 76号 party without translation (tests/storage check they stay equal); the districts are Wenzhou's twelve divisions.
"""

from __future__ import annotations

from duixian.population.synthetic import DIVISIONS
from duixian.rulebook.wzb_2019_76.rules.g4 import SECTOR_NAMES, SIZE_NAMES

KINDS: dict[str, str] = {
    "enterprise": "企业",
    "bank": "银行",
    "guarantor": "融资担保机构",
    "insurer": "保险机构",
    "securities_firm": "证券机构",
    "other_financial": "其他金融机构",
}
# 附则4 of 76号: 民营 = not 国有资产控股, 港澳台控股 or 外商控股.
OWNERSHIP: dict[str, str] = {
    "private": "民营",
    "state": "国有控股",
    "hmt": "港澳台控股",
    "foreign": "外商控股",
}
LEGAL_FORMS: dict[str, str] = {
    "company": "企业法人",
    "individual_business": "个体工商户",
    "small_micro_owner": "小微企业主",
    "other": "其他",
}
# 76号 第一条 and 附则4 name these; 市级以上小微成长之星 is split into the city and the higher levels.
QUALIFICATIONS: dict[str, str] = {
    "national_high_tech": "国家高新技术企业",
    "provincial_tech_sme": "省科技型中小企业",
    "high_growth": "高成长型企业",
    "leading": "领军企业",
    "small_micro_star_city": "市级小微成长之星",
    "small_micro_star_provincial": "省级及以上小微成长之星",
}
INCIDENTS: dict[str, str] = {"major_accident": "重大责任事故", "mass_incident": "较大群体性事件"}
SIZES: dict[str, str] = dict(SIZE_NAMES)
SECTORS: dict[str, str] = dict(SECTOR_NAMES)
OUTSIDE_WENZHOU = "市外"
DISTRICTS: tuple[str, ...] = (*DIVISIONS, OUTSIDE_WENZHOU)
MUJUN_CLASSES = ("A", "B", "C", "D")


def label(names: dict[str, str], code: str | None) -> str:
    return "" if code is None else names.get(code, code)
