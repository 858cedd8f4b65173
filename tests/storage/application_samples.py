"""Parties, facts and steps for the application, review and publicity tests.

The registry is imported from ``registry_samples`` (the same file a user would import): ENTERPRISE is a
small industrial enterprise of 鹿城区 (120 employees, revenue 25,000,000 → 小型 under 300号), a 国家高新技术
企业 from 2019-12-04 to 2022-12-03, 亩均 A in 2020; BANK a bank of 鹿城区; GUARANTOR a government
guarantor of 瑞安市.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from registry_samples import ALL_TABLES, BANK, ENTERPRISE, GUARANTOR, write_xlsx
from sqlalchemy import func, select

from duixian.domain import applications, audit, review
from duixian.domain.registry_import import import_files
from duixian.storage.db import Database
from duixian.storage.models import AuditEntry
from duixian.storage.redemption import Application

APPLICANT = "申请人甲"
REVIEWER = "审核员乙"
IN_WINDOW = dt.date(2020, 9, 1)
PARTIES = [{"id": "E1", "uscc": ENTERPRISE}, {"id": "B1", "uscc": BANK}, {"id": "GOV", "uscc": GUARANTOR}]


def register(db: Database, tmp_path: Path) -> None:
    report = import_files(db, [write_xlsx(tmp_path / "registry.xlsx", ALL_TABLES)], "登记员")
    assert report.ok, report.problems


def loan(loan_id: str, principal: int, start: str = "2020-01-01", end: str = "2021-01-01") -> dict[str, Any]:
    return {
        "id": loan_id,
        "borrower": "E1",
        "lender": "B1",
        "principal": principal,
        "start_date": start,
        "end_date": end,
    }


def loan_facts(*loans: dict[str, Any]) -> dict[str, Any]:
    return {"parties": PARTIES, "loans": list(loans)}


GUARANTEE = {
    "id": "G1",
    "borrower": "E1",
    "guarantor": "GOV",
    "fee_rate": 1,
    "fee_paid": 10000,
    "paid_on": "2020-03-01",
    "first_guarantee": True,
}


def guarantee_facts(**changes: Any) -> dict[str, Any]:
    return {"parties": PARTIES, "guarantees": [GUARANTEE | changes]}


def create(
    db: Database,
    provision: str,
    facts: dict[str, Any],
    on: dt.date = IN_WINDOW,
    year: int = 2020,
    uscc: str = ENTERPRISE,
) -> str:
    with audit.writing(db) as session:
        return applications.create(
            session, uscc=uscc, provision=provision, year=year, facts=facts, actor=APPLICANT, on=on
        ).number


def submit(db: Database, number: str, on: dt.date = IN_WINDOW, notice: str | None = None) -> None:
    with audit.writing(db) as session:
        applications.submit(session, applications.find(session, number), APPLICANT, on, notice)


def start_review(db: Database, number: str, on: dt.date = IN_WINDOW) -> None:
    with audit.writing(db) as session:
        review.start_review(session, applications.find(session, number), REVIEWER, on)


def approve(db: Database, number: str, on: dt.date = IN_WINDOW) -> None:
    with audit.writing(db) as session:
        review.approve(session, applications.find(session, number), REVIEWER, on)


def under_review(db: Database, provision: str, facts: dict[str, Any], on: dt.date = IN_WINDOW) -> str:
    number = create(db, provision, facts, on)
    submit(db, number, on)
    start_review(db, number, on)
    return number


def approved(db: Database, provision: str, facts: dict[str, Any], on: dt.date = IN_WINDOW) -> str:
    number = under_review(db, provision, facts, on)
    approve(db, number, on)
    return number


def stored(db: Database, number: str) -> Application:
    with db.snapshot() as session:
        application = applications.find(session, number)
        application.party  # noqa: B018 (loaded before the session closes)
        return application


def counts(db: Database) -> tuple[int, int]:
    """(applications, audit entries): what a refused action must leave unchanged."""
    with db.snapshot() as session:
        apps = session.scalar(select(func.count()).select_from(Application)) or 0
        entries = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        return int(apps), int(entries)
