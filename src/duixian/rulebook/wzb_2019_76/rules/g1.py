"""g1 — who the policy covers, and who no clause may pay.

附则1：“文中所指企业、机构，如正文无明确表述，均为注册地在温州市范围内具有独立法人资格的企业、机构。
房地产企业（项目）、‘亩均论英雄’综合评价C、D类企业以及当年发生安全生产、食品安全、环境污染等
重大责任事故和发生较大群体性事件的企业均不享受本政策全部条款。”
"""

from __future__ import annotations

import numpy as np

from duixian.engine.rules import Context, RuleSpec
from duixian.engine.tables import BoolArray, Column, index_of
from duixian.rulebook.wzb_2019_76.document import DOC
from duixian.rulebook.wzb_2019_76.rules import _parties

QUOTE = (
    "文中所指企业、机构，如正文无明确表述，均为注册地在温州市范围内具有独立法人资格的企业、机构。"
    "房地产企业（项目）、“亩均论英雄”综合评价C、D类企业以及当年发生安全生产、食品安全、环境污染等"
    "重大责任事故和发生较大群体性事件的企业均不享受本政策全部条款。"
)
DOC.add(RuleSpec("wzb-2019-76.g1", "适用对象与排除情形", "附件附则1", QUOTE, "condition"))

# 第三条 is explicit: “在温州市域内、域外注册的融资担保机构” — registration anywhere.
REGISTERED_ANYWHERE = {"wzb-2019-76.c3a"}
FINANCIAL_KINDS = ("bank", "guarantor", "insurer", "securities_firm", "other_financial")


def _beneficiary_parties(ctx: Context, beneficiaries: Column) -> Column:
    """Leaders (clause 2) are judged by their bank; everyone else is a party."""
    if "bank_leaders" in ctx.tables and len(ctx.table("bank_leaders")):
        leaders = ctx.table("bank_leaders")
        pos = index_of(beneficiaries, leaders["id"])
        return np.where(pos >= 0, leaders["bank"][np.clip(pos, 0, None)], beneficiaries)
    return beneficiaries


def scope(ctx: Context, beneficiaries: Column, spec: RuleSpec) -> dict[str, BoolArray]:
    ids = _beneficiary_parties(ctx, beneficiaries)
    p = ctx.table("parties")
    year = ctx.year
    kind = _parties.column(ctx, "kind", ids, "")
    local = _parties.at(ctx, _parties.in_wenzhou(ctx), ids)
    legal_person = _parties.column(ctx, "independent_legal_person", ids)
    if ctx.reading("wzb-2019-76.g1.institution_scope") == "operating_in_wenzhou":
        legal_person = legal_person | np.isin(kind, FINANCIAL_KINDS)
    accident = np.asarray([year in years for years in p["major_accident_years"]], dtype=bool)
    incident = np.asarray([year in years for years in p["mass_incident_years"]], dtype=bool)
    checks = {
        "g1 非房地产企业（项目）": ~_parties.column(ctx, "real_estate", ids, True),
        "g1 亩均论英雄综合评价非C、D类": ~np.isin(_parties.column(ctx, "mujun_class", ids, ""), ["C", "D"]),
        "g1 当年未发生重大责任事故": ~_parties.at(ctx, accident, ids, True),
        "g1 当年未发生较大群体性事件": ~_parties.at(ctx, incident, ids, True),
    }
    if spec.id not in REGISTERED_ANYWHERE:
        checks = {"g1 注册地在温州市范围内、具有独立法人资格": local & legal_person, **checks}
    return {label: np.asarray(v, dtype=bool) for label, v in checks.items()}


DOC.scope = scope
