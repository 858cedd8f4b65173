"""An application is granted what its applicant is owed, not what every party in its facts is owed.

A case names several parties (76号's borrowers and guarantors, 130号's implementers): an enterprise that
lists another enterprise's guarantee in its 第八条 facts is not granted that enterprise's subsidy, and an
application carrying its 130号 round (the 联合评审小组's result) is granted its own project's share of the
year's fund (四（一）), not the whole round. Found while scripting the end-to-end run; fixed in
``domain/assessment.py`` (only lines whose beneficiary is the applicant's row count).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import e2e_data as d

from duixian.domain import applications, audit, ledger, review
from duixian.domain.registry_import import import_files
from duixian.storage.db import Database

ON = dt.date(2020, 9, 1)


def _registered(db: Database, tmp_path: Path) -> Database:
    report = import_files(db, [d.registry_workbook(tmp_path / "registry.xlsx")], "登记员")
    assert report.ok, report.problems
    return db


def _approved(db: Database, uscc: str, provision: str, facts: dict[str, Any]) -> int:
    with audit.writing(db) as session:
        created = applications.create(
            session, uscc=uscc, provision=provision, year=2020, facts=facts, actor="企业经办人", on=ON
        )
        applications.submit(session, created, "企业经办人", ON)
        review.start_review(session, created, "审核员", ON)
        return review.approve(session, created, "审核员", ON).granted_fen


def test_another_partys_guarantee_is_not_granted_to_the_applicant(db: Database, tmp_path: Path) -> None:
    _registered(db, tmp_path)
    fee = {"guarantor": "GOV", "fee_rate": 1, "paid_on": "2020-04-10"}
    facts = {
        "parties": [{"id": "E1", "uscc": d.E1}, {"id": "E3", "uscc": d.E3}, {"id": "GOV", "uscc": d.G1}],
        "guarantees": [
            {"id": "G1", "borrower": "E1", "fee_paid": 20_000} | fee,
            {"id": "G2", "borrower": "E3", "fee_paid": 50_000} | fee,  # E3's, a small enterprise too
        ],
    }
    # 第八条 government guarantor, fee rate ≤ 1%: 20% of E1's own 20,000 = 4,000.00 (E3's 10,000 is E3's)
    assert _approved(db, d.E1, "wzb-2019-76.c8a", facts) == 400_000


def test_each_implementer_is_granted_its_projects_share_of_the_round(db: Database, tmp_path: Path) -> None:
    _registered(db, tmp_path)
    with audit.writing(db) as session:
        ledger.allocate(session, 2020, 60_000_000, "财政局", ON, "2020年度试点资金下达文件（测试）")
    round_2020 = {
        "implementers": [d.implementer("R1", d.R1, "瑞安市"), d.implementer("R2", d.R2, "龙湾区")],
        "projects": [d.zone_project("Z1", "R1", 80, 2_000_000), d.zone_project("Z2", "R2", 40, 2_000_000)],
        "funds": [{"id": "F2020", "amount": 600_000}],
    }
    # 四（一）: 600,000 by score 80 : 40 → 400,000 and 200,000 (each under 50% of 2,000,000)
    assert _approved(db, d.R1, "wswl-2019-130.alloc", round_2020) == 40_000_000
    assert _approved(db, d.R2, "wswl-2019-130.alloc", round_2020) == 20_000_000
