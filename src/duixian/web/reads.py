"""What the pages and the API read, in one session each, shaped as the API's models.

Nothing here writes: decisions go through ``web.actions`` (the domain's review functions). Reads use
the domain (``applications``, ``ledger``, ``audit``) wherever it has the query; the application list
filters by provision, which ``applications.search`` does not offer, so it has its own select.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from duixian.domain import applications, audit, ledger, workflow
from duixian.engine.money import format_fen
from duixian.errors import InputError
from duixian.storage.models import AuditEntry
from duixian.storage.redemption import Application, Fund
from duixian.storage.timestamps import shown
from duixian.web.schemas import (
    ApplicationDetail,
    ApplicationRow,
    AuditProblem,
    AuditVerification,
    FundStatement,
    FundSummary,
    Money,
    Party,
    StatementEntry,
)

MAX_ROWS = 500


def money(fen: int) -> Money:
    return Money(fen=fen, yuan=format_fen(fen))


# --- applications -------------------------------------------------------------------------------------


def check_state(state: str) -> workflow.State:
    try:
        return workflow.check_state(state)
    except ValueError:
        names = "、".join(f"{s}（{n}）" for s, n in workflow.STATE_NAMES.items())
        raise InputError("state", f"没有状态 {state!r}（可选：{names}）") from None


def application_rows(
    session: Session,
    *,
    state: str | None = None,
    document: str | None = None,
    provision: str | None = None,
) -> list[ApplicationRow]:
    """Applications, newest first (at most MAX_ROWS), optionally of one state, document or provision."""
    query = (
        select(Application)
        .options(selectinload(Application.party))
        .order_by(Application.id.desc())
        .limit(MAX_ROWS)
    )
    if state:
        query = query.where(Application.state == check_state(state))
    if document:
        query = query.where(Application.document == document.strip())
    if provision:
        query = query.where(Application.provision == provision.strip())
    return [_row(a) for a in session.scalars(query)]


def _row(a: Application) -> ApplicationRow:
    return ApplicationRow(
        number=a.number,
        party=Party(uscc=a.party.uscc, name=a.party.name),
        document=a.document,
        provision=a.provision,
        year=a.year,
        state=a.state,
        state_name=workflow.STATE_NAMES[workflow.check_state(a.state)],
        granted=None if a.granted_fen is None else money(a.granted_fen),
    )


def application_detail(session: Session, number: str) -> ApplicationDetail:
    described = applications.describe(session, applications.find(session, number))
    return ApplicationDetail.model_validate(described)


@dataclass(frozen=True)
class StateCount:
    state: workflow.State
    name: str
    count: int


def state_counts(session: Session) -> list[StateCount]:
    """How many applications are in each state, in the workflow's order (zeros included)."""
    rows = session.execute(select(Application.state, func.count()).group_by(Application.state))
    counted = {state: int(n) for state, n in rows}
    return [StateCount(s, workflow.STATE_NAMES[s], counted.get(s, 0)) for s in get_args(workflow.State)]


# --- funds --------------------------------------------------------------------------------------------


def fund_summary(session: Session, fund: Fund) -> FundSummary:
    pos = ledger.position(session, fund)
    return FundSummary(
        code=fund.code,
        name=fund.name,
        kind=fund.kind,
        kind_name=ledger.FUND_KINDS[fund.kind],
        source=fund.source,
        year=fund.year,
        basis=fund.basis,
        balance=money(pos.balance_fen),
        committed=money(pos.committed_fen),
        available=money(pos.available_fen) if fund.kind == "limited" else None,
    )


def fund_summaries(session: Session) -> list[FundSummary]:
    return [fund_summary(session, f) for f in ledger.funds(session)]


def fund_statement(session: Session, code: str) -> FundStatement:
    fund = ledger.find_fund(session, code.strip())
    entries = [
        StatementEntry(
            entry=line.entry_id,
            effective_on=line.effective_on.isoformat(),
            kind=line.kind,
            kind_name=ledger.ENTRY_KINDS[line.kind],
            amount=money(line.amount_fen),
            running_balance=money(line.running_fen),
            application=line.application,
            note=line.note,
            at=shown(line.at),
        )
        for line in ledger.statement(session, fund)
    ]
    return FundStatement(**fund_summary(session, fund).model_dump(), entries=entries)


# --- audit --------------------------------------------------------------------------------------------


def verification(session: Session) -> AuditVerification:
    result = audit.verify(session)
    problem = result.problem
    return AuditVerification(
        ok=result.ok,
        checked=result.checked,
        last_seq=result.last_seq,
        problem=None
        if problem is None
        else AuditProblem(
            seq=problem.seq,
            fault=problem.fault,
            fault_name=audit.FAULT_NAMES[problem.fault],
            message=problem.message,
        ),
    )


def latest_entries(session: Session, limit: int = 50) -> list[AuditEntry]:
    return audit.entries(session, limit)
