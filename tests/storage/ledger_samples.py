"""Applications for the ledger and payment tests, moved through the workflow with ``workflow.transition``.

Approval here is the ledger half of review: ``ledger.limit`` decides the grant, the fund and the quota
units, which are frozen on the application as review does; the rules' own amount is given by the test
(``amount_fen``), since what is tested is what the ledger and the payments do with it. Publicity is
opened and closed directly on the models (dates in the past), so that schedule() finds the applications. The concurrency test goes through
helper A's applications, review and publicity instead (the approval race is review's and the ledger's).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duixian.domain import applications, audit, ledger, payments, publicity, review, workflow
from duixian.engine.identifiers import with_check_character
from duixian.engine.parameters import ParameterSet
from duixian.storage.db import Database
from duixian.storage.models import Party
from duixian.storage.redemption import Application, Publicity, PublicityItem

ACTOR = "测试员"
ON = dt.date(2020, 11, 2)
CITY_USCC = with_check_character("91330302MA2A10001")  # 鹿城区, 市属 in its 130号 facts
RUIAN_USCC = with_check_character("91330381MA2A10002")  # 瑞安市, 区属
LUCHENG_DISTRICT_USCC = with_check_character("91330302MA2A10003")  # 鹿城区, 区属
BANK_USCC = with_check_character("91330300MA2B10004")


def add_party(db: Database, uscc: str, district: str, name: str = "温州某测试有限公司") -> None:
    with audit.writing(db) as session:
        session.add(
            Party(
                uscc=uscc,
                name=name,
                kind="enterprise",
                district=district,
                ownership="private",
                legal_form="company",
            )
        )
        session.flush()
        audit.record(session, ACTOR, audit.Change("party.create", "party", uscc, {"district": district}))


def d3_facts(uscc: str, affiliation: str, district: str) -> dict[str, Any]:
    """A 130号 case body with the applicant as its one implementer (what payer_for reads)."""
    implementer = {
        "id": "E1",
        "uscc": uscc,
        "district": district if affiliation == "区属" else "市本级",
        "affiliation": affiliation,
        "independent_legal_person": True,
        "good_credit": True,
        "sound_accounts": True,
        "penalised": False,
    }
    return {"year": 2020, "implementers": [implementer], "projects": [], "funds": []}


def a5_facts(ips: int, year: int = 2020) -> dict[str, Any]:
    """A 71号 case body of one recognised enterprise putting forward ``ips`` original IPs of 1,000 yuan."""
    enterprise = {
        "id": "E1",
        "registered_area": "浙南产业集聚区",
        "fiscal_area": "浙南产业集聚区",
        "business": "online_audiovisual",
        "recognised_on": "2020-02-10",
        "annual": [
            {"year": y, "operating_revenue": 8600000, "local_contribution": 70000000}
            for y in range(2019, year)
        ],
    }
    works = [
        {
            "id": f"IP{i}",
            "enterprise": "E1",
            "kind": "game",
            "released_on": f"{year}-06-30",
            "amount_decided": 1000,
        }
        for i in range(1, ips + 1)
    ]
    return {"year": year, "enterprises": [enterprise], "ip_works": works}


def submitted(
    session: Session, uscc: str, provision: str, facts: dict[str, Any] | None = None, year: int = 2020
) -> Application:
    """A new application taken to ``under_review``."""
    party = session.scalar(select(Party).where(Party.uscc == uscc))
    assert party is not None
    text = json.dumps(facts or {"year": year}, ensure_ascii=False, sort_keys=True)
    count = session.scalar(select(func.count()).select_from(Application)) or 0
    application = Application(
        number=f"SQ-2020-{count + 1:06d}",
        party_id=party.id,
        document=provision.rsplit(".", 1)[0],
        provision=provision,
        year=year,
        state="draft",
        facts=text,
        facts_sha256=hashlib.sha256(text.encode()).hexdigest(),
        submitted_on=ON,
    )
    session.add(application)
    workflow.record_creation(session, application, ACTOR, ON, {"provision": provision})
    workflow.transition(session, application, "submit", ACTOR, ON)
    workflow.transition(session, application, "start_review", ACTOR, ON)
    return application


def approve(
    session: Session,
    application: Application,
    amount_fen: int,
    on: dt.date = ON,
    parameters: ParameterSet | None = None,
) -> ledger.Limit:
    """Review's approval, ledger part: the limit is frozen on the application, then approve."""
    limit = ledger.limit(session, application, amount_fen, on, parameters=parameters)
    application.computed_fen, application.granted_fen = amount_fen, limit.granted_fen
    application.fund_id, application.quota_units = limit.fund.id, limit.quota_units
    application.decided_on, application.decided_by = on, ACTOR
    workflow.transition(
        session, application, "approve", ACTOR, on, details={"granted_fen": limit.granted_fen}
    )
    return limit


def publicise(session: Session, applications: list[Application], closed_on: dt.date = ON) -> Publicity:
    """Open a publicity of the approved applications and close it on ``closed_on``."""
    count = session.scalar(select(func.count()).select_from(Publicity)) or 0
    publicity = Publicity(
        number=f"GS-2020-{count + 1:04d}",
        document=applications[0].document,
        title="测试公示",
        starts_on=closed_on - dt.timedelta(days=6),
        ends_on=closed_on - dt.timedelta(days=1),
        period_basis="测试",
        closed_on=closed_on,
    )
    session.add(publicity)
    for application in applications:
        assert application.granted_fen is not None
        publicity.items.append(
            PublicityItem(application_id=application.id, granted_fen=application.granted_fen)
        )
        workflow.transition(session, application, "publicise", ACTOR, publicity.starts_on)
    session.flush()
    return publicity


def ready_to_pay(
    db: Database, uscc: str, provision: str, amount_fen: int, facts: dict[str, Any] | None = None
) -> str:
    """An application approved for ``amount_fen``, publicised and its publicity closed; its number."""
    with audit.writing(db) as session:
        application = submitted(session, uscc, provision, facts)
        approve(session, application, amount_fen)
        publicise(session, [application])
        return application.number


def application(session: Session, number: str) -> Application:
    found = session.scalar(select(Application).where(Application.number == number))
    assert found is not None
    return found


def verify_ok(db: Database) -> bool:
    with db.snapshot() as session:
        return audit.verify(session).ok


# --- the concurrency test: through review and publicity (helper A's functions) -----------------------

GUARANTOR_USCC = with_check_character("91330300MA2C10005")
APPLIED_ON, DECIDED_ON, PUBLICISED_ON, CLOSED_ON = (dt.date(2020, 9, d) for d in (1, 10, 11, 18))


def add_guarantor(db: Database) -> None:
    with audit.writing(db) as session:
        session.add(
            Party(
                uscc=GUARANTOR_USCC,
                name="温州市某政府性融资担保有限公司",
                kind="guarantor",
                government_guarantor=True,
                district="鹿城区",
                ownership="state",
                legal_form="company",
            )
        )
        audit.record(session, ACTOR, audit.Change("party.create", "party", GUARANTOR_USCC, {}))


def c10a_under_review(db: Database) -> str:
    """76号 第十条: the government guarantor's actual loss of 15,000,000 on a micro enterprise's loan →
    20% = 3,000,000, capped at 2,400,000 yuan (c10a); created, submitted in September, under review."""
    facts = {
        "year": 2020,
        "parties": [
            {
                "id": "G1",
                "uscc": GUARANTOR_USCC,
                "kind": "guarantor",
                "government_guarantor": True,
                "district": "鹿城区",
            },
            {"id": "E1", "district": "永嘉县", "ownership": "private", "size_class": "micro"},
        ],
        "loss_claims": [
            {
                "id": "K1",
                "claimant": "G1",
                "kind": "guarantee",
                "small_micro_or_agri": True,
                "counterparty": "E1",
                "principal_loss": 15_000_000,
                "confirmed_on": "2020-07-15",
            }
        ],
    }
    with audit.writing(db) as session:
        created = applications.create(
            session,
            uscc=GUARANTOR_USCC,
            provision="wzb-2019-76.c10a",
            year=2020,
            facts=facts,
            actor=ACTOR,
            on=APPLIED_ON,
        )
        applications.submit(session, created, ACTOR, APPLIED_ON)
        review.start_review(session, created, ACTOR, APPLIED_ON)
        return created.number


def approve_and_pay(url: str, number: str, start: Any, results: Any) -> None:
    """What one of many reviewers/cashiers does at once (run in its own OS process): approve the
    application if it is still under review, publicise it if approved (and close the publicity after
    its period), schedule, execute its batch. Each step is its own ``audit.writing`` transaction, so
    every step races the other processes. Puts ``(number, outcome)`` on ``results``: "paid" if this
    process paid, "already" if it found the batch paid, else the error."""
    db = Database(url)
    start.wait()
    try:
        with audit.writing(db) as session:
            found = application(session, number)
            if found.state == "under_review":
                review.approve(session, found, ACTOR, DECIDED_ON)
        with audit.writing(db) as session:
            found = application(session, number)
            if found.state == "approved":
                notice = publicity.open_publicity(
                    session, document="wzb-2019-76", numbers=[number], actor=ACTOR, on=PUBLICISED_ON,
                    ends_on=CLOSED_ON - dt.timedelta(days=1),
                )  # fmt: skip
                publicity.close(session, notice, ACTOR, CLOSED_ON)
        with audit.writing(db) as session:
            payments.schedule(session, ACTOR, CLOSED_ON)
        with audit.writing(db) as session:
            batch = payments.batch_of(session, application(session, number))
            assert batch is not None
            done = payments.execute(session, batch.number, ACTOR, CLOSED_ON)
        results.put((number, "already" if done.already_paid else "paid"))
    except Exception as exc:  # reported to the test, which fails on it
        results.put((number, f"{type(exc).__name__}: {exc}"))
    finally:
        db.dispose()
