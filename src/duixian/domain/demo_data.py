"""The synthetic data of `duixian demo load`: the registry (banks, government guarantors, enterprises,
qualifications, 亩均 ratings) and each application's facts, in the case format `duixian calc` reads.

Every name begins with 合成示例; nothing describes a real enterprise. USCCs are drawn by
``population.synthetic``'s generator (Wenzhou's division codes, random serials, the GB 32100-2015
check character), districts are Wenzhou's twelve. Seeded: the same generator state gives the same data.
Amounts are drawn within the ranges a clause pays for (loans of 1–8 million yuan, fees, losses, costs),
so that most applications are granted; the rulebook computes every amount.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from duixian.domain import workflow
from duixian.domain.registry_tables import Located, MujunRecord, PartyRecord, QualificationRecord
from duixian.population.synthetic._common import DIVISIONS, usccs

LABEL = "合成示例"
SOURCE = Located(f"{LABEL}（duixian demo load）", 0)

D1, D2, D3 = "wzb-2019-76", "wzjk-2019-71", "wswl-2019-130"
C1, C8A, C10A = f"{D1}.c1", f"{D1}.c8a", f"{D1}.c10a"
A3, A5, A6 = f"{D2}.a3", f"{D2}.a5", f"{D2}.a6"
ALLOC = f"{D3}.alloc"
# 130号's demo rounds, one project each, in the order the demo's plan lists its alloc applications:
# (year, district, affiliation).
D3_ROUNDS: tuple[tuple[int, str, str], ...] = (
    (2020, "瑞安市", "区属"),
    (2019, "龙湾区", "区属"),
    (2018, "鹿城区", "市属"),
)


@dataclass
class Plan:
    """One demo application: who applies for what, and how far it goes."""

    provision: str
    target: workflow.State
    path: str
    uscc: str = ""
    year: int = 2020
    facts: dict[str, Any] = field(default_factory=dict)
    number: str = ""


@dataclass(frozen=True)
class Institutions:
    """The synthetic banks and government guarantors the applications name."""

    banks: list[str]
    guarantors: list[str]


@dataclass
class Registry:
    parties: list[PartyRecord] = field(default_factory=list)
    qualifications: list[QualificationRecord] = field(default_factory=list)
    mujun: list[MujunRecord] = field(default_factory=list)


def _days(rng: np.random.Generator, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def _round(rng: np.random.Generator, low: int, high: int, step: int) -> int:
    return int(rng.integers(low // step, high // step + 1)) * step


def _codes(rng: np.random.Generator, districts: list[str]) -> list[str]:
    return [str(c) for c in usccs(rng, np.asarray(districts, dtype=object), "1")]


def _party(uscc: str, name: str, district: str, kind: str = "enterprise", **fields: Any) -> PartyRecord:
    values: dict[str, Any] = {
        "government_guarantor": False, "ownership": "private", "legal_form": "company", "industry": None,
        "employees": None, "revenue_fen": None, "total_assets_fen": None, "size_class": None,
    } | fields  # fmt: skip
    return PartyRecord(at=SOURCE, uscc=uscc, name=name, kind=kind, district=district, **values)


def synthetic_registry(rng: np.random.Generator, plans: list[Plan]) -> Registry:
    """Banks and government guarantors, then one party per application (a guarantor claims c10a);
    fills in each plan's applicant, year and facts."""
    out = Registry()
    banks = _codes(rng, ["鹿城区", "龙湾区", "瓯海区"])
    guarantors = _codes(rng, ["鹿城区", "瑞安市"])
    for i, (code, district) in enumerate(zip(banks, ["鹿城区", "龙湾区", "瓯海区"], strict=True), 1):
        out.parties.append(_party(code, f"{LABEL}银行{i:02d}温州分行", district, "bank", ownership="state"))
    for i, (code, district) in enumerate(zip(guarantors, ["鹿城区", "瑞安市"], strict=True), 1):
        name = f"{LABEL}政府性融资担保{i:02d}有限公司"
        out.parties.append(
            _party(code, name, district, "guarantor", government_guarantor=True, ownership="state")
        )
    pool = Institutions(banks, guarantors)
    rounds = iter(D3_ROUNDS)
    for n, item in enumerate(plans, 1):
        if item.provision == C10A:
            item.uscc = guarantors[n % len(guarantors)]  # a guarantor claims for its loss
        elif item.provision == ALLOC:
            year, district, affiliation = next(rounds)
            item.uscc, item.year = _enterprise(rng, out, n, district, "外经贸"), year
            item.facts = alloc_facts(rng, item.uscc, year, district, affiliation)
            continue
        elif item.provision.startswith(D2):
            item.uscc = _enterprise(rng, out, n, "龙湾区", "数字文娱")
        else:
            qualified = item.path != "unqualified"
            item.uscc = _enterprise(rng, out, n, _district(rng), "科技", industrial=True, qualified=qualified)
        item.facts = FACTS[item.provision](rng, item.uscc, n, pool)
    return out


def _district(rng: np.random.Generator) -> str:
    names = list(DIVISIONS)
    return names[int(rng.integers(0, len(names)))]


def _enterprise(
    rng: np.random.Generator,
    out: Registry,
    n: int,
    district: str,
    trade: str,
    *,
    industrial: bool = False,
    qualified: bool = False,
) -> str:
    """A synthetic enterprise; industrial ones are classified by 300号 from their figures (all 小型 or
    微型: fewer than 300 employees) and carry 亩均 ratings; qualified ones a 第一条 qualification."""
    [code] = _codes(rng, [district])
    name = f"{LABEL}{trade}企业{n:04d}有限公司"
    if not industrial:
        out.parties.append(_party(code, name, district))
        return code
    employees = int(rng.integers(20, 300))
    revenue = _round(rng, 3_000_000, 150_000_000, 100_000) * 100
    out.parties.append(
        _party(code, name, district, industry="industry", employees=employees, revenue_fen=revenue)
    )
    for year in (2019, 2020):
        out.mujun.append(MujunRecord(SOURCE, code, year, "AB"[int(rng.integers(0, 2))]))
    if qualified:
        kind = ("national_high_tech", "provincial_tech_sme", "high_growth")[int(rng.integers(0, 3))]
        out.qualifications.append(
            QualificationRecord(SOURCE, code, kind, dt.date(2019, 1, 1), dt.date(2022, 12, 31))
        )
    return code


# --- facts, one builder per provision (the case format `duixian calc` reads) ---------------------------


def c1_facts(rng: np.random.Generator, uscc: str, n: int, pool: Institutions) -> dict[str, Any]:
    # from a day 1–28 of January–June, so that the same day a year later exists
    start = dt.date(2020, int(rng.integers(1, 7)), int(rng.integers(1, 29)))
    loan = {
        "id": f"L{n}",
        "borrower": "E",
        "lender": "B",
        "principal": _round(rng, 1_000_000, 8_000_000, 100_000),
        "start_date": start.isoformat(),
        "end_date": start.replace(year=start.year + 1).isoformat(),
    }
    bank = pool.banks[n % len(pool.banks)]
    return {"year": 2020, "parties": [{"id": "E", "uscc": uscc}, {"id": "B", "uscc": bank}], "loans": [loan]}


def c8a_facts(rng: np.random.Generator, uscc: str, n: int, pool: Institutions) -> dict[str, Any]:
    guarantee = {
        "id": f"G{n}",
        "borrower": "E",
        "guarantor": "GOV",
        "fee_rate": ("0.8", "1", "1.2", "1.5")[int(rng.integers(0, 4))],
        "fee_paid": _round(rng, 5_000, 80_000, 100),
        "paid_on": _days(rng, dt.date(2020, 1, 1), dt.date(2020, 8, 31)).isoformat(),
    }
    guarantor = pool.guarantors[n % len(pool.guarantors)]
    parties = [{"id": "E", "uscc": uscc}, {"id": "GOV", "uscc": guarantor}]
    return {"year": 2020, "parties": parties, "guarantees": [guarantee]}


def c10a_facts(rng: np.random.Generator, uscc: str, n: int, pool: Institutions) -> dict[str, Any]:
    claim = {
        "id": f"K{n}",
        "claimant": "GOV",
        "kind": "guarantee",
        "small_micro_or_agri": True,
        "counterparty": f"M{n}",
        "principal_loss": _round(rng, 300_000, 6_000_000, 10_000),
        "confirmed_on": _days(rng, dt.date(2020, 1, 1), dt.date(2020, 8, 31)).isoformat(),
    }
    borrower = {"id": f"M{n}", "district": _district(rng), "ownership": "private", "size_class": "micro"}
    return {"year": 2020, "parties": [{"id": "GOV", "uscc": uscc}, borrower], "loss_claims": [claim]}


def _zone_enterprise(rng: np.random.Generator, uscc: str, business: str) -> dict[str, Any]:
    revenue = _round(rng, 5_000_000, 90_000_000, 100_000)  # C级 or B级 (第二条)
    return {
        "id": "E",
        "uscc": uscc,
        "registered_area": "浙南产业集聚区",
        "fiscal_area": "浙南产业集聚区",
        "business": business,
        "recognised_on": _days(rng, dt.date(2020, 1, 2), dt.date(2020, 3, 31)).isoformat(),
        "annual": [{"year": 2019, "operating_revenue": revenue, "local_contribution": 20_000_000}],
    }


def a3_facts(rng: np.random.Generator, uscc: str, n: int, pool: Institutions) -> dict[str, Any]:
    del pool
    cost = {
        "id": f"K{n}",
        "enterprise": "E",
        "incurred_on": "2020-06-30",
        "cost": _round(rng, 100_000, 900_000, 1_000),
    }
    return {
        "year": 2020,
        "enterprises": [_zone_enterprise(rng, uscc, "event_streaming_platform")],
        "broadband_costs": [cost],
    }


def a5_facts(rng: np.random.Generator, uscc: str, n: int, pool: Institutions) -> dict[str, Any]:
    del pool
    work = {
        "id": f"IP{n}",
        "enterprise": "E",
        "kind": "game",
        "released_on": "2020-06-30",
        "amount_decided": _round(rng, 50_000, 200_000, 10_000),
    }
    return {
        "year": 2020,
        "enterprises": [_zone_enterprise(rng, uscc, "online_audiovisual")],
        "ip_works": [work],
    }


def a6_facts(rng: np.random.Generator, uscc: str, n: int, pool: Institutions) -> dict[str, Any]:
    del pool
    project = {
        "id": f"D{n}",
        "enterprise": "E",
        "kind": "game",
        "completed_on": "2020-06-30",
        "investment": _round(rng, 500_000, 5_000_000, 10_000),
    }
    return {
        "year": 2020,
        "enterprises": [_zone_enterprise(rng, uscc, "original_game_development")],
        "dev_projects": [project],
    }


def alloc_facts(
    rng: np.random.Generator, uscc: str, year: int, district: str, affiliation: str
) -> dict[str, Any]:
    implementer = {
        "id": "R",
        "uscc": uscc,
        "district": district if affiliation == "区属" else "市本级",
        "affiliation": affiliation,
        "independent_legal_person": True,
        "good_credit": True,
        "sound_accounts": True,
        "penalised": False,
    }
    project = {
        "id": f"Z{year}",
        "implementer": "R",
        "kind": "zone",
        "mofcom_filed": True,
        "investment_certificate": True,
        "registered_abroad": True,
        "reports_progress": True,
        "acceptance": "合格",
        "score": int(rng.integers(60, 96)),
        "actual_investment": _round(rng, 600_000, 2_000_000, 10_000),
    }
    fund = {
        "id": f"F{year}",
        "amount": _round(rng, 300_000, 800_000, 10_000),
        "document": f"{LABEL}：{year}年度试点资金（虚构）",
    }
    return {"year": year, "implementers": [implementer], "projects": [project], "funds": [fund]}


FactsBuilder = Callable[[np.random.Generator, str, int, Institutions], dict[str, Any]]
FACTS: dict[str, FactsBuilder] = {
    C1: c1_facts,
    C8A: c8a_facts,
    C10A: c10a_facts,
    A3: a3_facts,
    A5: a5_facts,
    A6: a6_facts,
}
