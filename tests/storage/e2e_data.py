"""The data of the scripted end-to-end run (test_end_to_end.py): one registry workbook and the facts of
each application, in the case format `duixian calc` reads. Every party is invented for the test.

Parties (registry, 主体 sheet):
  E1  温州某电子科技有限公司   鹿城区, 工业, 120 人, 营业收入 2,500 万元 → 小型 (300号); 国家高新技术企业
                               2019-12-04 至 2022-12-03; 亩均 2019 B, 2020 A
  E2  温州某鞋服有限公司       瓯海区, 工业, 40 人 → 小型; no qualification, 亩均 2020 C (its 第一条
                               claim is rejected)
  B1  某银行温州分行           bank, 鹿城区
  G1  温州某政府性融资担保有限公司  government guarantor, 鹿城区
  X1  温州某电竞直播有限公司   71号 e-sports enterprise (B级: 2019 revenue 3,500 万元)
  X2  温州某游戏科技有限公司   71号 game developer (C级: 2019 revenue 1,200 万元)
  R1  瑞安某外经贸有限公司     130号 implementer, 瑞安市, 区属
  E3, R2                       used by test_applicant_share.py only (a second borrower, implementer)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from registry_samples import (
    INCIDENT_HEADER,
    MUJUN_HEADER,
    PARTY_HEADER,
    QUALIFICATION_HEADER,
    write_xlsx,
)

from duixian.engine.identifiers import with_check_character

E1 = with_check_character("91330302MA2E00001")
E2 = with_check_character("91330304MA2E00002")
B1 = with_check_character("91330300MA2E00003")
G1 = with_check_character("91330302MA2E00004")
X1 = with_check_character("91330303MA2E00005")
X2 = with_check_character("91330303MA2E00006")
R1 = with_check_character("91330381MA2E00007")
E3 = with_check_character("91330302MA2E00008")
R2 = with_check_character("91330303MA2E00009")

PARTIES: list[list[object]] = [
    [E1, "温州某电子科技有限公司", "企业", "否", "鹿城区", "民营", "企业法人", "工业", 120, 25_000_000, None, None],
    [E2, "温州某鞋服有限公司", "企业", "否", "瓯海区", "民营", "企业法人", "工业", 40, 8_000_000, None, None],
    [B1, "某银行温州分行", "银行", "否", "鹿城区", "国有控股", "", "", None, None, None, "大型"],
    [G1, "温州某政府性融资担保有限公司", "融资担保机构", "是", "鹿城区", "国有控股", "企业法人", "", None, None, None, ""],
    [X1, "温州某电竞直播有限公司", "企业", "否", "龙湾区", "民营", "企业法人", "", None, None, None, ""],
    [X2, "温州某游戏科技有限公司", "企业", "否", "龙湾区", "民营", "企业法人", "", None, None, None, ""],
    [R1, "瑞安某外经贸有限公司", "企业", "否", "瑞安市", "民营", "企业法人", "", None, None, None, ""],
    [E3, "温州某五金有限公司", "企业", "否", "鹿城区", "民营", "企业法人", "工业", 60, 12_000_000, None, None],
    [R2, "龙湾某外经贸有限公司", "企业", "否", "龙湾区", "民营", "企业法人", "", None, None, None, ""],
]  # fmt: skip
QUALIFICATIONS: list[list[object]] = [[E1, "国家高新技术企业", "2019-12-04", "2022-12-03"]]
MUJUN: list[list[object]] = [[E1, 2019, "B"], [E1, 2020, "A类"], [E2, 2020, "C"]]


def registry_workbook(path: Path) -> Path:
    return write_xlsx(
        path,
        [
            ("主体", PARTY_HEADER, PARTIES),
            ("资质", QUALIFICATION_HEADER, QUALIFICATIONS),
            ("亩均评价", MUJUN_HEADER, MUJUN),
            ("事故事件", INCIDENT_HEADER, []),
        ],
    )


# --- 温政办〔2019〕76号 (D1) ---------------------------------------------------------------------------

D1 = "wzb-2019-76"
LENDING = [{"id": "E1", "uscc": E1}, {"id": "B1", "uscc": B1}]


def c1_facts(principal: int) -> dict[str, Any]:
    """第一条: E1 borrows from B1 from 2020-03-01 to 2021-03-01 (the 2020 interest days: 03-01 to 12-31)."""
    loan = {
        "id": "L1",
        "borrower": "E1",
        "lender": "B1",
        "principal": principal,
        "start_date": "2020-03-01",
        "end_date": "2021-03-01",
    }
    return {"document": D1, "year": 2020, "parties": LENDING, "loans": [loan]}


C1_TYPED = c1_facts(50_000_000)  # a slip of the pen: the contract says 5,000,000
C1_CORRECTED = c1_facts(5_000_000)

# E2 holds no 第一条 qualification: its claim is computed to 0 and rejected.
C1_UNQUALIFIED: dict[str, Any] = {
    "document": D1,
    "year": 2020,
    "parties": [{"id": "E2", "uscc": E2}, {"id": "B1", "uscc": B1}],
    "loans": [
        {
            "id": "L9",
            "borrower": "E2",
            "lender": "B1",
            "principal": 3_000_000,
            "start_date": "2020-02-01",
            "end_date": "2021-02-01",
        }
    ],
}

# 第八条: G1 (government, fee rate 1%) guarantees E1's first financing; E1 paid 20,000 yuan of fees.
GUARANTEE_FACTS: dict[str, Any] = {
    "document": D1,
    "year": 2020,
    "parties": [{"id": "E1", "uscc": E1}, {"id": "GOV", "uscc": G1}],
    "guarantees": [
        {
            "id": "G1",
            "borrower": "E1",
            "guarantor": "GOV",
            "fee_rate": 1,
            "fee_paid": 20_000,
            "paid_on": "2020-04-10",
            "first_guarantee": True,
        }
    ],
}


def c10a_facts(principal_loss: int) -> dict[str, Any]:
    """第十条: G1's actual loss on a guarantee of a micro enterprise's loan (c10a: 20%, ≤ 2,400,000)."""
    return {
        "document": D1,
        "year": 2020,
        "parties": [
            {"id": "GOV", "uscc": G1},
            {"id": "M1", "district": "永嘉县", "ownership": "private", "size_class": "micro"},
        ],
        "loss_claims": [
            {
                "id": "K1",
                "claimant": "GOV",
                "kind": "guarantee",
                "small_micro_or_agri": True,
                "counterparty": "M1",
                "principal_loss": principal_loss,
                "confirmed_on": "2020-07-15",
            }
        ],
    }


C10A_CLAIMED = c10a_facts(1_000_000)
C10A_CORRECTED = c10a_facts(800_000)  # the objection: 200,000 of the loss was recovered before the claim

# --- 温浙集（开）管〔2019〕71号 (D2) -------------------------------------------------------------------

D2 = "wzjk-2019-71"


def _zone_enterprise(
    uscc: str, business: str, recognised_on: str, revenue: int, contribution: int
) -> dict[str, Any]:
    return {
        "id": "E1",
        "uscc": uscc,
        "registered_area": "浙南产业集聚区",
        "fiscal_area": "浙南产业集聚区",
        "business": business,
        "recognised_on": recognised_on,
        "annual": [{"year": 2019, "operating_revenue": revenue, "local_contribution": contribution}],
    }


# 第三条: X1 (B级) pays 400,000 yuan of broadband in 2020.
A3_FACTS: dict[str, Any] = {
    "document": D2,
    "year": 2020,
    "enterprises": [_zone_enterprise(X1, "event_streaming_platform", "2020-03-20", 35_000_000, 2_000_000)],
    "broadband_costs": [{"id": "K1", "enterprise": "E1", "incurred_on": "2020-06-30", "cost": 400_000}],
}
X2_ENTERPRISE = _zone_enterprise(X2, "original_game_development", "2020-01-15", 12_000_000, 3_000_000)
# 第六条: X2 (C级) completes an original game with 3,600,000 yuan of investment.
A6_FACTS: dict[str, Any] = {
    "document": D2,
    "year": 2020,
    "enterprises": [X2_ENTERPRISE],
    "dev_projects": [
        {
            "id": "D1",
            "enterprise": "E1",
            "title": "原创竞技手游",
            "kind": "game",
            "completed_on": "2020-06-30",
            "investment": 3_600_000,
        }
    ],
}
# 第五条: two of X2's original IPs selected, the committee deciding 200,000 and 120,000 yuan.
A5_FACTS: dict[str, Any] = {
    "document": D2,
    "year": 2020,
    "enterprises": [X2_ENTERPRISE],
    "ip_works": [
        {
            "id": "IP1",
            "enterprise": "E1",
            "kind": "game",
            "released_on": "2020-06-30",
            "amount_decided": 200_000,
        },
        {
            "id": "IP2",
            "enterprise": "E1",
            "kind": "film_tv",
            "released_on": "2020-06-30",
            "amount_decided": 120_000,
        },
    ],
}

# --- 温商务联发〔2019〕130号 (D3) ---------------------------------------------------------------------

D3 = "wswl-2019-130"
D3_FUND_YUAN = 600_000


def implementer(row_id: str, uscc: str, district: str) -> dict[str, Any]:
    """A 区属 implementer of 130号 registered in ``district``."""
    return {
        "id": row_id,
        "uscc": uscc,
        "district": district,
        "affiliation": "区属",
        "independent_legal_person": True,
        "good_credit": True,
        "sound_accounts": True,
        "penalised": False,
    }


def zone_project(project_id: str, implementer_id: str, score: int, investment: int) -> dict[str, Any]:
    return {
        "id": project_id,
        "implementer": implementer_id,
        "kind": "zone",
        "mofcom_filed": True,
        "investment_certificate": True,
        "registered_abroad": True,
        "reports_progress": True,
        "acceptance": "合格",
        "score": score,
        "actual_investment": investment,
    }


# 四（一）: the 2020 round, one zone project of R1 (区属, 瑞安市), actual investment 1,000,000 yuan.
ALLOC_FACTS: dict[str, Any] = {
    "document": D3,
    "year": 2020,
    "implementers": [implementer("R1", R1, "瑞安市")],
    "projects": [zone_project("Z1", "R1", 80, 1_000_000)],
    "funds": [{"id": "F2020", "amount": D3_FUND_YUAN}],
}
