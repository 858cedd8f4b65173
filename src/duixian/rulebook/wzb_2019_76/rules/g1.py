"""g1 — who the policy covers, and who no clause may pay.

附则1：“文中所指企业、机构，如正文无明确表述，均为注册地在温州市范围内具有独立法人资格的企业、机构。
房地产企业（项目）、‘亩均论英雄’综合评价C、D类企业以及当年发生安全生产、食品安全、环境污染等
重大责任事故和发生较大群体性事件的企业均不享受本政策全部条款。”
"""

from __future__ import annotations

from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt

from duixian.engine.rules import Context, Lines, RuleSpec
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


# 附则4 counts 个体工商户、小微企业主 as 小微企业 (the text says so expressly), so 附则1's legal-person
# requirement (“如正文无明确表述”) does not reach them.
NATURAL_PERSON_FORMS = ("individual_business", "small_micro_owner")
REGISTERED = "g1 注册地在温州市范围内（企业须具独立法人资格；个体工商户、小微企业主及在温金融机构除外）"
REGISTERED_STRICT = "g1 注册地在温州市范围内（须具独立法人资格；个体工商户、小微企业主除外）"
REAL_ESTATE = "g1 非房地产企业（项目）"
MUJUN = "g1 亩均论英雄综合评价非C、D类"
ACCIDENT = "g1 当年未发生重大责任事故"
INCIDENT = "g1 当年未发生较大群体性事件"
# The enterprise whose project the line pays for (a bond's issuer, the borrower whose default caused a loss).
COUNTERPARTY_LABELS = {
    REAL_ESTATE: "g1 对方企业（债券发行人、造成损失的借款企业）非房地产企业（项目）",
    MUJUN: "g1 对方企业亩均论英雄综合评价非C、D类",
    ACCIDENT: "g1 对方企业当年未发生重大责任事故",
    INCIDENT: "g1 对方企业当年未发生较大群体性事件",
}


def _per_party(ctx: Context) -> dict[str, BoolArray]:
    """The g1 checks for every party, computed once per evaluation."""
    cached = ctx.extras.get("g1.per_party")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    p = ctx.table("parties")
    legal_person = np.array(p["independent_legal_person"], dtype=bool)  # a copy: the table's stays as read
    legal_person |= p.isin("legal_form", NATURAL_PERSON_FORMS)  # by code: see Table.isin
    registered = REGISTERED_STRICT
    if ctx.reading("wzb-2019-76.g1.institution_scope") == "operating_in_wenzhou":
        legal_person |= p.isin("kind", FINANCIAL_KINDS)
        registered = REGISTERED
    checks = {
        registered: _parties.in_wenzhou(ctx) & legal_person,
        REAL_ESTATE: ~np.asarray(p["real_estate"], dtype=bool),
        MUJUN: ~p.isin("mujun_class", ["C", "D"]),
        ACCIDENT: ~_year_listed(p["major_accident_years"], ctx.year),
        INCIDENT: ~_year_listed(p["mass_incident_years"], ctx.year),
    }
    ctx.extras["g1.per_party"] = checks
    return checks


def _year_listed(years_per_party: Column, year: int) -> BoolArray:
    """Per party, whether ``year`` is among its listed years (a tuple or list per party). Asked only of
    the parties with a year listed: a city has a million parties, almost all with none."""
    # Those not equal to the empty tuple (what the loader and models give a party with none), compared
    # in C: 7 ms at 10^6 parties, where asking each value's truth (astype(bool)) costs 16–28 ms. An
    # empty list also differs from (), and is then found to hold nothing, as is anything false.
    listing = np.flatnonzero(np.not_equal(years_per_party, _NO_YEARS))
    listed = np.zeros(len(years_per_party), dtype=bool)
    found = map(_holds, years_per_party[listing].tolist(), repeat(year))
    listed[listing] = np.fromiter(found, dtype=bool, count=len(listing))
    return listed


_NO_YEARS = np.empty((), dtype=object)
_NO_YEARS[()] = ()


def _holds(years: Any, year: int) -> bool:
    """``year`` is among ``years`` (a value that is false lists none: None)."""
    return bool(years) and year in years


def _checks_at(
    ctx: Context, per_party: dict[str, BoolArray], rows: npt.NDArray[np.intp]
) -> dict[str, BoolArray]:
    """The per-party checks of the parties at ``rows`` (False where -1). Rules whose lines name the same
    parties (c1, c4a, c4b: the loans' borrowers; c8a–c8e: the guarantees') get the same row positions
    (the table remembers each lookup), and gather them once."""
    gathered: dict[int, tuple[npt.NDArray[np.intp], dict[str, BoolArray]]] = ctx.extras.setdefault(
        "g1.checks_at", {}
    )
    hit = gathered.get(id(rows))
    if hit is not None and hit[0] is rows:  # held, so its id stays its own
        return hit[1]
    if len(rows) and rows.min() >= 0:  # every party found (asked once, not once per check)
        checks = {label: np.asarray(passed, dtype=bool)[rows] for label, passed in per_party.items()}
    else:
        checks = {
            label: np.asarray(gather(passed, rows, False), dtype=bool) for label, passed in per_party.items()
        }
    gathered[id(rows)] = (rows, checks)
    return checks


def scope(ctx: Context, lines: Lines, spec: RuleSpec) -> dict[str, BoolArray]:
    """The g1 checks for each line's beneficiary (a leader is judged by its bank; an unknown party fails).

    Where the line pays for another enterprise's project (``lines.counterparty``), 附则1's exclusions
    reach that enterprise too, as far as wzb-2019-76.g1.counterparty_scope says; a line without a
    counterparty passes those checks.
    """
    per_party = _per_party(ctx)
    ctx.reading("wzb-2019-76.g1.institution_scope")  # used by every line's checks, cached or not
    rows = _parties.rows(ctx, _beneficiary_parties(ctx, lines.beneficiary))
    checks = {
        label: passed
        for label, passed in _checks_at(ctx, per_party, rows).items()
        if not (label in (REGISTERED, REGISTERED_STRICT) and spec.id in REGISTERED_ANYWHERE)
    }
    other = lines.counterparty
    if other is not None and len(other) and np.any(other != ""):
        wanted = [REAL_ESTATE]
        if ctx.reading("wzb-2019-76.g1.counterparty_scope") == "all_exclusions":
            wanted += [MUJUN, ACCIDENT, INCIDENT]
        other_rows = _parties.rows(ctx, other)
        for label in wanted:
            checks[COUNTERPARTY_LABELS[label]] = np.asarray(
                gather(per_party[label], other_rows, True), dtype=bool
            )
    return checks


DOC.scope = scope
