"""Payment batches: schedule publicised applications by fund and payer, execute a batch whole, claw back.

* :func:`schedule` takes every application that is publicised, whose latest publicity is closed with no
  objection pending and whose ``pay_from`` (set at approval) is on or before the batch date, and puts it
  in the open batch of its fund and payer (one new batch per fund and payer per call). Its Payment row
  is written now, unpaid (``paid_on`` NULL): the batch's membership. ``payments.application_id`` is
  unique, so the database itself refuses to put an application in two batches or pay it twice.
* :func:`execute` pays a batch in ONE transaction: each Payment gets its date, each fund a payment
  entry (−amount), each application moves scheduled → paid, the batch → paid. A killed process leaves
  the batch open and nothing paid; running it again completes it; running it on a paid batch changes
  nothing and says so.
* :func:`claw_back` recovers (part of) a paid amount into the fund that paid it and bars the party
  only where the document's clause says so (130号 五（二）; 76号 and 71号 say nothing about barring).

Payers (130号 四（二）“市属企业由市财政直接拨付至企业帐户，区属企业由市财政局下达至区属财政局，再由区财政拨付给
企业”): the readings wswl-2019-130.pay.city_enterprise and pay.district_route decide; every other
document is paid by 温州市财政局.

Every function runs in the caller's ``audit.writing`` transaction, whose lock serialises all writers:
twenty processes approving and paying one application at once are served one after the other, and
each sees the state the previous one committed (tests/storage/test_payments_concurrency.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duixian import rulebook
from duixian.domain import audit, ledger, workflow
from duixian.domain.registry_terms import DISTRICTS, OUTSIDE_WENZHOU
from duixian.engine.money import format_fen
from duixian.engine.readings import Readings
from duixian.errors import InputError
from duixian.rulebook.wswl_2019_130.rules._common import ADDRESSED_DISTRICTS, BAR_FROM, DISTRICT_ROUTE
from duixian.storage.models import Party
from duixian.storage.redemption import (
    Application,
    Clawback,
    Debarment,
    Fund,
    Objection,
    Payment,
    PaymentBatch,
    Publicity,
    PublicityItem,
)

CITY_PAYER = "温州市财政局"
D3 = "wswl-2019-130"
CITY_ENTERPRISE = "wswl-2019-130.pay.city_enterprise"
# 鹿城区、龙湾区、瓯海区: the districts 130号 is addressed to (主送), Wenzhou's urban districts (市区).
URBAN_DISTRICTS = ADDRESSED_DISTRICTS
D3_PAY_QUOTE = (
    "温商务联发〔2019〕130号 四（二）：“市属企业由市财政直接拨付至企业帐户，区属企业由市财政局下达至区属财政局，"
    "再由区财政拨付给企业。”"
)
D3_RECOVERY = (
    "温商务联发〔2019〕130号 五（二）：“任何单位不得以任何形式骗取、截留、挪用试点资金，对违反本办法规定的，"
    "市商务局、财政局将视情收回资金，取消以后年度申请资格”"
)
D3_CONDUCTS = ("骗取", "截留", "挪用")
DIVISIONS = tuple(d for d in DISTRICTS if d != OUTSIDE_WENZHOU)  # Wenzhou's twelve, each with a bureau
# Fault injection for the killed-batch test: with this variable set to k, execute() stops after the
# k-th payment of a batch is written (not committed), says so on stderr and waits to be killed.
PAUSE_AFTER_ENV = "DUIXIAN_TEST_PAUSE_AFTER_PAYMENTS"


@dataclass(frozen=True)
class Payer:
    name: str  # 温州市财政局, 瑞安市财政局 …
    route: str  # how the money reaches the enterprise, with the reading applied


@dataclass(frozen=True)
class Executed:
    batch: PaymentBatch
    already_paid: bool  # the batch was paid before: nothing was changed
    count: int
    total_fen: int


# --- payers ----------------------------------------------------------------------------------------


def payer_for(session: Session, application: Application, readings: Readings | None = None) -> Payer:
    """Who pays this application (130号 四（二） for D3; 温州市财政局 otherwise)."""
    if application.document != D3:
        return Payer(CITY_PAYER, "市财政直接拨付至企业帐户")
    chosen = readings or rulebook.register().choose()
    party = session.get(Party, application.party_id)
    assert party is not None  # a foreign key
    if _is_city_enterprise(application, party, chosen[CITY_ENTERPRISE]):
        return Payer(CITY_PAYER, f"市属企业，市财政直接拨付至企业帐户（{chosen.describe(CITY_ENTERPRISE)}）")
    district = party.district
    if district not in DIVISIONS:
        raise InputError(
            application.number,
            f"区属企业须经其登记区县的财政局拨付，但登记库中 {party.uscc} 的所在区县为“{district}”",
        )
    route = chosen[DISTRICT_ROUTE]
    if district in URBAN_DISTRICTS or route == "own_bureau":
        bureau = f"{district}财政局"
        return Payer(bureau, f"区属企业，市财政局下达至{bureau}，再由{district}财政拨付给企业")
    if route == "city_pays_others":
        return Payer(
            CITY_PAYER, f"通知未主送{district}，市财政直接拨付至企业帐户（{chosen.describe(DISTRICT_ROUTE)}）"
        )
    raise InputError(
        application.number, f"通知未主送{district}，没有拨付路径（{chosen.describe(DISTRICT_ROUTE)}）"
    )


def _is_city_enterprise(application: Application, party: Party, option: str) -> bool:
    if option == "urban_districts":
        return party.district in URBAN_DISTRICTS
    if option == "none":
        return False
    facts: dict[str, Any] = json.loads(application.facts)
    declared = [i.get("affiliation") for i in facts.get("implementers", []) if i.get("uscc") == party.uscc]
    if not declared:
        raise InputError(
            application.number,
            f"申请材料中没有统一社会信用代码为 {party.uscc} 的实施企业，无法确定其隶属关系（{CITY_ENTERPRISE}）",
        )
    return bool(declared[0] == "市属")


# --- schedule --------------------------------------------------------------------------------------


def payable(session: Session, on: dt.date, document: str | None = None) -> list[Application]:
    """Publicised applications whose latest publicity closed by ``on``, with no objection pending and
    ``pay_from`` (if any) on or before ``on``."""
    latest = (
        select(PublicityItem.application_id, func.max(PublicityItem.id).label("item_id"))
        .group_by(PublicityItem.application_id)
        .subquery()
    )
    pending = select(Objection.id).where(
        Objection.application_id == Application.id, Objection.outcome.is_(None)
    )
    query = (
        select(Application)
        .join(latest, latest.c.application_id == Application.id)
        .join(PublicityItem, PublicityItem.id == latest.c.item_id)
        .join(Publicity, Publicity.id == PublicityItem.publicity_id)
        .where(
            Application.state == "publicised",
            Publicity.closed_on.is_not(None),
            Publicity.closed_on <= on,
            ~pending.exists(),
            (Application.pay_from.is_(None)) | (Application.pay_from <= on),
        )
        .order_by(Application.id)
    )
    if document is not None:
        query = query.where(Application.document == document)
    return list(session.scalars(query))


def schedule(session: Session, actor: str, on: dt.date, document: str | None = None) -> list[PaymentBatch]:
    """New open batches, one per fund and payer, of every payable application (none: empty list)."""
    groups: dict[tuple[int, str], list[tuple[Application, Payer]]] = defaultdict(list)
    for application in payable(session, on, document):
        if application.fund_id is None or not application.granted_fen:
            raise InputError(application.number, "审核通过时未记录资金科目或核定金额，不能列入拨付批次")
        payer = payer_for(session, application)
        groups[(application.fund_id, payer.name)].append((application, payer))
    batches = []
    for (fund_id, payer_name), members in sorted(groups.items()):
        batch = PaymentBatch(
            number=_next_number(session, on), fund_id=fund_id, payer=payer_name, state="open", scheduled_on=on
        )
        session.add(batch)
        session.flush()
        for application, payer in members:
            _add_payment(session, batch, application, payer, actor, on)
        total = sum(p.amount_fen for p in batch.payments)
        payload = {
            "fund_id": fund_id,
            "payer": payer_name,
            "count": len(members),
            "total_fen": total,
            "on": on,
        }
        audit.record(
            session, actor, audit.Change("payment_batch.schedule", "payment_batch", batch.number, payload)
        )
        batches.append(batch)
    return batches


def _add_payment(
    session: Session, batch: PaymentBatch, application: Application, payer: Payer, actor: str, on: dt.date
) -> None:
    assert application.granted_fen is not None
    party = session.get(Party, application.party_id)
    assert party is not None
    payment = Payment(
        batch=batch, application_id=application.id, amount_fen=application.granted_fen, payee_uscc=party.uscc
    )
    session.add(payment)
    session.flush()  # the database refuses a second payment of the application here
    details = {
        "batch": batch.number,
        "payer": payer.name,
        "route": payer.route,
        "amount_fen": payment.amount_fen,
    }
    workflow.transition(session, application, "schedule", actor, on, details=details)


def _next_number(session: Session, on: dt.date) -> str:
    prefix = f"ZF-{on.year}-"
    count = session.scalar(select(func.count()).where(PaymentBatch.number.like(f"{prefix}%"))) or 0
    return f"{prefix}{count + 1:04d}"


# --- execute ---------------------------------------------------------------------------------------


def find_batch(session: Session, number: str) -> PaymentBatch:
    query = select(PaymentBatch).where(PaymentBatch.number == number.strip())
    batch = session.scalar(query.execution_options(populate_existing=True))
    if batch is None:
        raise InputError("BATCH", f"没有拨付批次 {number}")
    return batch


def execute(session: Session, number: str, actor: str, on: dt.date) -> Executed:
    """Pay every payment of the batch, or (already paid) nothing. One transaction: the caller's."""
    batch = find_batch(session, number)
    total = sum(p.amount_fen for p in batch.payments)
    if batch.state == "paid":
        return Executed(batch, True, len(batch.payments), total)
    if on < batch.scheduled_on:
        raise InputError("--on", f"拨付日期 {on} 早于批次 {batch.number} 的编排日期 {batch.scheduled_on}")
    fund = session.get(Fund, batch.fund_id)
    assert fund is not None
    if fund.kind == "limited" and (balance := ledger.balance(session, fund)) < total:
        raise InputError(
            batch.number, f"{fund.name}余额 {format_fen(balance)} 元不足以拨付本批次 {format_fen(total)} 元"
        )
    pause_after = int(os.environ.get(PAUSE_AFTER_ENV, "0") or 0)
    for k, payment in enumerate(batch.payments, start=1):
        _pay(session, batch, payment, fund, actor, on)
        if k == pause_after:
            _pause_for_kill(batch, k)
    batch.state, batch.paid_on = "paid", on
    payload = {
        "fund": fund.code,
        "payer": batch.payer,
        "count": len(batch.payments),
        "total_fen": total,
        "on": on,
    }
    audit.record(
        session, actor, audit.Change("payment_batch.execute", "payment_batch", batch.number, payload)
    )
    return Executed(batch, False, len(batch.payments), total)


def _pay(
    session: Session, batch: PaymentBatch, payment: Payment, fund: Fund, actor: str, on: dt.date
) -> None:
    application = payment.application
    payment.paid_on = on
    note = f"批次 {batch.number}，{batch.payer}拨付至 {payment.payee_uscc}"
    ledger.record_entry(
        session, fund, "payment", -payment.amount_fen, actor, on, application=application, note=note
    )
    details = {"batch": batch.number, "payer": batch.payer, "amount_fen": payment.amount_fen}
    workflow.transition(session, application, "pay", actor, on, details=details)
    session.flush()


def _pause_for_kill(batch: PaymentBatch, k: int) -> None:
    """Test hook (PAUSE_AFTER_ENV): hold the open transaction until the test kills this process."""
    sys.stderr.write(f"PAUSED {batch.number} after {k}\n")
    sys.stderr.flush()
    while True:
        time.sleep(60)


# --- clawback --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClawedBack:
    clawback: Clawback
    debarment: Debarment | None


def claw_back(
    session: Session,
    number: str,
    grounds: str,
    actor: str,
    on: dt.date,
    amount_fen: int | None = None,
    conduct: str | None = None,
) -> ClawedBack:
    """Recover ``amount_fen`` (default: all) of a paid application into the fund that paid it.

    ``conduct`` is 130号 五（二）'s 骗取/截留/挪用 when the recovery is for such a violation: then the
    party is barred from the document's later years (reading wswl-2019-130.pay.bar_from). Other
    documents order no bar, and a conduct given for them is refused rather than ignored.
    """
    application = session.scalar(
        select(Application)
        .where(Application.number == number.strip())
        .execution_options(populate_existing=True)
    )
    if application is None:
        raise InputError("APPLICATION", f"没有申请 {number}")
    payment = session.scalar(select(Payment).where(Payment.application_id == application.id))
    workflow.refuse_unless_allowed(application, "claw_back")
    assert payment is not None and payment.paid_on is not None  # paid implies a paid Payment
    amount = payment.amount_fen if amount_fen is None else amount_fen
    if not 0 < amount <= payment.amount_fen:
        raise InputError("--amount", f"追回金额须大于 0 且不超过已拨付的 {format_fen(payment.amount_fen)} 元")
    if conduct is not None and (application.document != D3 or conduct not in D3_CONDUCTS):
        raise InputError("--conduct", _conduct_refusal(application))
    basis = _recovery_basis(application, conduct)
    clawback = Clawback(
        application_id=application.id,
        amount_fen=amount,
        grounds=grounds.strip(),
        basis=basis,
        effective_on=on,
    )
    session.add(clawback)
    details: dict[str, object] = {"amount_fen": amount, "paid_fen": payment.amount_fen, "basis": basis}
    workflow.transition(session, application, "claw_back", actor, on, reason=grounds, details=details)
    session.flush()
    fund = session.get(Fund, payment.batch.fund_id)
    assert fund is not None
    ledger.record_entry(
        session, fund, "clawback", amount, actor, on, application=application, note=f"追回：{grounds.strip()}"
    )
    debarment = _bar(session, application, clawback, actor, on) if conduct is not None else None
    return ClawedBack(clawback, debarment)


def _conduct_refusal(application: Application) -> str:
    if application.document == D3:
        return f"违规情形须为 {'、'.join(D3_CONDUCTS)} 之一（五（二））"
    return f"{application.document} 没有规定违规情形及取消申报资格，追回时不适用 --conduct"


def _recovery_basis(application: Application, conduct: str | None) -> str:
    if application.document == D3 and conduct is not None:
        return f"{D3_RECOVERY}（{conduct}）"
    if application.document == D3:
        return "温商务联发〔2019〕130号：非五（二）违规情形的追回（如核定错误），不取消申请资格"
    number = rulebook.documents()[application.document].number
    return f"{number} 未规定追回或取消申报资格：按操作人注明的理由追回，不取消申报资格"


def _bar(
    session: Session, application: Application, clawback: Clawback, actor: str, on: dt.date
) -> Debarment:
    chosen = rulebook.register().choose()
    from_year = on.year + (1 if chosen[BAR_FROM] == "after_finding_year" else 0)
    basis = f"{D3_RECOVERY}；{chosen.describe(BAR_FROM)}"
    existing = session.scalar(
        select(Debarment).where(
            Debarment.party_id == application.party_id, Debarment.document == application.document
        )
    )
    if existing is not None and existing.from_year <= from_year:
        return existing  # already barred from an earlier year: the earlier bar stands
    session.flush()  # the clawback's id
    if existing is None:
        existing = Debarment(party_id=application.party_id, document=application.document)
        session.add(existing)
    existing.from_year, existing.clawback_id, existing.basis = from_year, clawback.id, basis
    session.flush()
    party = session.get(Party, application.party_id)
    assert party is not None
    payload = {"document": application.document, "from_year": from_year, "application": application.number}
    audit.record(
        session, actor, audit.Change("debarment.create", "party", party.uscc, payload | {"basis": basis})
    )
    return existing


# --- reading ---------------------------------------------------------------------------------------


def batches(session: Session, state: str | None = None) -> list[PaymentBatch]:
    query = select(PaymentBatch).order_by(PaymentBatch.id)
    if state is not None:
        query = query.where(PaymentBatch.state == state)
    return list(session.scalars(query))


def batch_of(session: Session, application: Application) -> PaymentBatch | None:
    payment = session.scalar(select(Payment).where(Payment.application_id == application.id))
    return None if payment is None else payment.batch
