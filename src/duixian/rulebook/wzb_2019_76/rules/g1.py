"""g1 — who the policy covers, and who no clause may pay.

附则1：“文中所指企业、机构，如正文无明确表述，均为注册地在温州市范围内具有独立法人资格的企业、机构。
房地产企业（项目）、‘亩均论英雄’综合评价C、D类企业以及当年发生安全生产、食品安全、环境污染等
重大责任事故和发生较大群体性事件的企业均不享受本政策全部条款。”
"""

from __future__ import annotations

import numpy as np

from duixian.engine.rules import Context, RuleSpec
from duixian.engine.tables import BoolArray, Column, gather, index_of
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


REGISTERED = "g1 注册地在温州市范围内、具有独立法人资格"


def _per_party(ctx: Context) -> dict[str, BoolArray]:
    """The g1 checks for every party, computed once per evaluation."""
    cached = ctx.extras.get("g1.per_party")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    p = ctx.table("parties")
    legal_person = np.asarray(p["independent_legal_person"], dtype=bool)
    if ctx.reading("wzb-2019-76.g1.institution_scope") == "operating_in_wenzhou":
        legal_person = legal_person | np.isin(p["kind"], FINANCIAL_KINDS)
    checks = {
        REGISTERED: _parties.in_wenzhou(ctx) & legal_person,
        "g1 非房地产企业（项目）": ~np.asarray(p["real_estate"], dtype=bool),
        "g1 亩均论英雄综合评价非C、D类": ~np.isin(p["mujun_class"], ["C", "D"]),
        "g1 当年未发生重大责任事故": np.asarray(
            [ctx.year not in y for y in p["major_accident_years"]], dtype=bool
        ),
        "g1 当年未发生较大群体性事件": np.asarray(
            [ctx.year not in y for y in p["mass_incident_years"]], dtype=bool
        ),
    }
    ctx.extras["g1.per_party"] = checks
    return checks


def scope(ctx: Context, beneficiaries: Column, spec: RuleSpec) -> dict[str, BoolArray]:
    """The g1 checks for each beneficiary (a leader is judged by its bank; an unknown party fails)."""
    rows = _parties.rows(ctx, _beneficiary_parties(ctx, beneficiaries))
    return {
        label: np.asarray(gather(passed, rows, False), dtype=bool)
        for label, passed in _per_party(ctx).items()
        if not (label == REGISTERED and spec.id in REGISTERED_ANYWHERE)
    }


DOC.scope = scope
