"""The ledger: which fund pays an application, how much of a grant a fund and a quota allow, and the
fund entries that explain every balance.

Funds (``storage.redemption.Fund``):

* ``wzb-2019-76.c10.fund`` — 76号 第十条 “市财政建立5亿元风险补偿基金”: limited, created on first use with
  one allocation entry of the parameter ``wzb-2019-76.c10.fund_total``; pays c10a, c10b and c10c.
* ``wswl-2019-130.pool.<year>`` — 130号 四（一）“在专项资金总额内按比例予以分配”: one limited pool a year.
  The 办法 gives no yearly amount, so the allocation is entered by an operator (:func:`allocate`); what
  a year leaves unspent is carried to the next year's pool (:func:`carry_over`, “结转至下年”).
* ``<document>.city`` — every other provision: an open fund named “<文号> 市财政” that records what it
  pays and has no balance to exhaust.

A limited fund grants at most ``available = balance − committed``; ``committed`` is the granted amount
of the fund's applications approved and not yet paid (``workflow.COMMITTED``). A claim past what is
available is CUT to what is left (reading recorded in docs/redemption.md: the clauses set ceilings
“不超过…”, so a smaller amount within them is still the clause's award, and the fund, not the claim,
is what ran out); nothing left at all is refused. The balance is the sum of the fund's entries, so it
is always explainable from them (:func:`statement`).

Every function here writes in the caller's transaction, which must be opened with ``audit.writing``:
that lock serialises writers, so the committed and available sums read here cannot change before the
caller commits (two reviewers approving against the last of a fund are served one after the other).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duixian import rulebook
from duixian.domain import audit, workflow
from duixian.engine.money import format_fen
from duixian.engine.parameters import ParameterSet
from duixian.errors import InputError
from duixian.storage.redemption import Application, Fund, FundEntry

# Automatic changes (a fund created on first use) are recorded under this actor.
SYSTEM_ACTOR = "duixian.ledger"

C10_DOCUMENT = "wzb-2019-76"
C10_PROVISIONS = ("wzb-2019-76.c10a", "wzb-2019-76.c10b", "wzb-2019-76.c10c")
C10_FUND = "wzb-2019-76.c10.fund"
C10_TOTAL = "wzb-2019-76.c10.fund_total"
POOL_DOCUMENT = "wswl-2019-130"
POOL_PREFIX = "wswl-2019-130.pool."
A5_PROVISION = "wzjk-2019-71.a5"
A5_QUOTA = "wzjk-2019-71.a5.quota"

ENTRY_KINDS: dict[str, str] = {
    "allocation": "拨入资金",
    "payment": "拨付",
    "clawback": "追回",
    "carry_out": "结转至下年",
    "carry_in": "上年结转",
}
FUND_KINDS: dict[str, str] = {"limited": "限额资金", "open": "开放科目（不设余额上限）"}

POOL_BASIS = (
    "温商务联发〔2019〕130号 四（一）：“对合格项目按分值在专项资金总额内按比例予以分配资助，"
    "单个项目资助金额最高不超过实际投入金额的50%，超过部分结转至下年。”办法未规定各年度专项资金总额，"
    "由操作人按下达文件录入（duixian fund allocate）。"
)
# 76号 附则2 names who bears its awards; other documents name no source.
OPEN_FUND_BASIS: dict[str, str] = {
    "wzb-2019-76": "温政办〔2019〕76号 附则2：“奖励资金由市级财政承担”",
}


@dataclass(frozen=True)
class Limit:
    """What the ledger allows an application: the grant (possibly cut to a fund's rest), the fund that
    pays it, notes in Chinese saying why, and the quota units it takes (a5: IPs)."""

    granted_fen: int
    fund: Fund
    notes: list[str]
    quota_units: int


@dataclass(frozen=True)
class StatementLine:
    entry_id: int
    effective_on: dt.date
    kind: str
    amount_fen: int
    running_fen: int  # the balance after this entry
    application: str | None  # the application's number
    note: str
    at: dt.datetime


@dataclass(frozen=True)
class Position:
    balance_fen: int
    committed_fen: int

    @property
    def available_fen(self) -> int:
        return self.balance_fen - self.committed_fen


# --- which fund ------------------------------------------------------------------------------------


def fund_for(
    session: Session, application: Application, on: dt.date, *, parameters: ParameterSet | None = None
) -> Fund:
    """The fund that pays this application, created on first use."""
    if application.provision in C10_PROVISIONS:
        return c10_fund(session, on, parameters=parameters)
    if application.document == POOL_DOCUMENT:
        return pool(session, application.year)
    return open_fund(session, application.document)


def c10_fund(session: Session, on: dt.date, *, parameters: ParameterSet | None = None) -> Fund:
    """76号 第十条's 500,000,000 risk compensation fund; its allocation entry is the parameter's value."""
    existing = _by_code(session, C10_FUND)
    if existing is not None:
        return existing
    parameter = (parameters or rulebook.parameters())[C10_TOTAL].at(on)
    total = int(parameter.value)
    fund = _create(
        session,
        Fund(
            code=C10_FUND,
            name="温政办〔2019〕76号 风险补偿基金",
            kind="limited",
            source="市财政",
            year=None,
            basis=parameter.source.cite(),
        ),
    )
    record_entry(
        session,
        fund,
        "allocation",
        total,
        SYSTEM_ACTOR,
        on,
        note=f"参数 {C10_TOTAL}（自 {parameter.start} 起）：{parameter.source.cite()}",
    )
    return fund


def pool(session: Session, year: int) -> Fund:
    """130号's pool of one year (no allocation until an operator enters one)."""
    code = f"{POOL_PREFIX}{year}"
    existing = _by_code(session, code)
    if existing is not None:
        return existing
    return _create(
        session,
        Fund(
            code=code,
            name=f"温商务联发〔2019〕130号 {year}年度试点资金",
            kind="limited",
            source="市财政",
            year=year,
            basis=POOL_BASIS,
        ),
    )


def open_fund(session: Session, document: str) -> Fund:
    code = f"{document}.city"
    existing = _by_code(session, code)
    if existing is not None:
        return existing
    number = rulebook.documents()[document].number
    basis = OPEN_FUND_BASIS.get(
        document, f"{number} 未规定资金来源：按市财政开放科目记录其拨付，不设余额上限"
    )
    return _create(
        session,
        Fund(code=code, name=f"{number} 市财政", kind="open", source="市财政", year=None, basis=basis),
    )


def find_fund(session: Session, code: str) -> Fund:
    fund = _by_code(session, code)
    if fund is None:
        raise InputError("FUND", f"没有资金科目 {code}")
    return fund


def funds(session: Session) -> list[Fund]:
    return list(session.scalars(select(Fund).order_by(Fund.code)))


def _by_code(session: Session, code: str) -> Fund | None:
    return session.scalar(select(Fund).where(Fund.code == code))


def _create(session: Session, fund: Fund, actor: str = SYSTEM_ACTOR) -> Fund:
    session.add(fund)
    session.flush()
    payload = {
        "name": fund.name,
        "kind": fund.kind,
        "source": fund.source,
        "year": fund.year,
        "basis": fund.basis,
    }
    audit.record(session, actor, audit.Change("fund.create", "fund", fund.code, payload))
    return fund


# --- balances --------------------------------------------------------------------------------------


def balance(session: Session, fund: Fund) -> int:
    """The sum of the fund's entries."""
    total = session.scalar(
        select(func.coalesce(func.sum(FundEntry.amount_fen), 0)).where(FundEntry.fund_id == fund.id)
    )
    return int(total or 0)


def committed(session: Session, fund: Fund, excluding: int | None = None) -> int:
    """Granted to the fund's approved, not yet paid applications (``excluding`` one of them)."""
    query = select(func.coalesce(func.sum(Application.granted_fen), 0)).where(
        Application.fund_id == fund.id, Application.state.in_(workflow.COMMITTED)
    )
    if excluding is not None:
        query = query.where(Application.id != excluding)
    return int(session.scalar(query) or 0)


def position(session: Session, fund: Fund, excluding: int | None = None) -> Position:
    return Position(balance(session, fund), committed(session, fund, excluding))


def available(session: Session, fund: Fund, excluding: int | None = None) -> int:
    return position(session, fund, excluding).available_fen


def statement(session: Session, fund: Fund) -> list[StatementLine]:
    """Every entry in order with the running balance: the last running balance is :func:`balance`."""
    rows = session.execute(
        select(FundEntry, Application.number)
        .outerjoin(Application, Application.id == FundEntry.application_id)
        .where(FundEntry.fund_id == fund.id)
        .order_by(FundEntry.id)
    )
    lines, running = [], 0
    for entry, number in rows:
        running += entry.amount_fen
        lines.append(
            StatementLine(
                entry.id,
                entry.effective_on,
                entry.kind,
                entry.amount_fen,
                running,
                number,
                entry.note,
                entry.at,
            )
        )
    return lines


fund_statement = statement


def record_entry(
    session: Session,
    fund: Fund,
    kind: str,
    amount_fen: int,
    actor: str,
    on: dt.date,
    *,
    application: Application | None = None,
    note: str = "",
) -> FundEntry:
    """Add one signed entry to the fund and its audit entry."""
    if kind not in ENTRY_KINDS:
        raise ValueError(f"unknown fund entry kind {kind!r}")
    entry = FundEntry(
        fund_id=fund.id,
        kind=kind,
        amount_fen=amount_fen,
        application_id=None if application is None else application.id,
        effective_on=on,
        note=note,
    )
    session.add(entry)
    session.flush()
    payload: dict[str, object] = {
        "entry": entry.id,
        "kind": kind,
        "amount_fen": amount_fen,
        "effective_on": on,
    }
    if application is not None:
        payload["application"] = application.number
    if note:
        payload["note"] = note
    audit.record(session, actor, audit.Change(f"fund.{kind}", "fund", fund.code, payload))
    return entry


# --- the limit at approval -------------------------------------------------------------------------


def limit(
    session: Session,
    application: Application,
    granted_fen: int,
    on: dt.date,
    *,
    parameters: ParameterSet | None = None,
) -> Limit:
    """What the ledger allows of ``granted_fen`` for this application, approved on ``on``.

    Raises InputError when a quota is full (naming the rule, e.g. wzjk-2019-71.a5) or a limited fund
    has nothing left (naming the fund). Call inside the approving ``audit.writing`` transaction.
    """
    if granted_fen < 0:
        raise ValueError("granted_fen must not be negative")
    fund = fund_for(session, application, on, parameters=parameters)
    notes: list[str] = []
    units = quota_units(application)
    if units:
        notes.append(_check_a5_quota(session, application, units, parameters))
    if fund.kind == "open" or granted_fen == 0:
        notes.append(f"由 {fund.name} 拨付（{FUND_KINDS[fund.kind]}）")
        return Limit(granted_fen, fund, notes, units)
    rest = position(session, fund, excluding=application.id)
    if rest.available_fen <= 0:
        raise InputError(
            fund.code,
            f"{fund.name}可用余额为 {format_fen(max(rest.available_fen, 0))} 元（余额 "
            f"{format_fen(rest.balance_fen)} 元，已核定未拨付 {format_fen(rest.committed_fen)} 元），"
            + ("不能核定" if fund.code == C10_FUND else "请先录入该年度资金（duixian fund allocate）"),
        )
    if granted_fen > rest.available_fen:
        notes.append(
            f"{fund.name}可用余额不足：应核定 {format_fen(granted_fen)} 元，按可用余额 "
            f"{format_fen(rest.available_fen)} 元核定（超过可用余额的部分不予核定，见 docs/redemption.md）"
        )
        return Limit(rest.available_fen, fund, notes, units)
    notes.append(f"由 {fund.name} 拨付：核定后可用余额 {format_fen(rest.available_fen - granted_fen)} 元")
    return Limit(granted_fen, fund, notes, units)


def quota_units(application: Application) -> int:
    """The a5 IPs this application is granted: the a5 lines of its own facts with an amount."""
    if application.provision != A5_PROVISION:
        return 0
    facts: dict[str, Any] = json.loads(application.facts)
    return _a5_lines_with_amount(facts)


def _a5_lines_with_amount(facts: dict[str, Any]) -> int:
    """Evaluated by the rulebook (one encoding), with the register's default readings."""
    from duixian.calculator import calculate_case  # the engine is heavy; only a5 needs it here

    body = {k: v for k, v in facts.items() if k not in ("document", "readings")}
    result = calculate_case({"document": "wzjk-2019-71", **body}, [A5_PROVISION])
    return sum(int((lines.final() > 0).sum()) for lines in result.lines if lines.rule_id == A5_PROVISION)


def _check_a5_quota(
    session: Session, application: Application, units: int, parameters: ParameterSet | None
) -> str:
    parameter = (parameters or rulebook.parameters())[A5_QUOTA].at(dt.date(application.year, 12, 31))
    quota = int(parameter.value)
    used = int(
        session.scalar(
            select(func.coalesce(func.sum(Application.quota_units), 0)).where(
                Application.provision == A5_PROVISION,
                Application.year == application.year,
                Application.state.in_(workflow.GRANTED),
                Application.id != application.id,
            )
        )
        or 0
    )
    if used + units > quota:
        raise InputError(
            A5_PROVISION,
            f"{application.year} 年度原创自研IP奖励名额已用 {used} 个，本申请 {units} 个，"
            f"超过每年 {quota} 个（{parameter.source.cite()}）",
        )
    return f"{A5_PROVISION} 名额：{application.year} 年度已用 {used} 个，本申请 {units} 个，共 {quota} 个"


# --- operator actions on the yearly pools ----------------------------------------------------------


def allocate(
    session: Session, year: int, amount_fen: int, actor: str, on: dt.date, document: str
) -> FundEntry:
    """Enter (part of) a year's 130号 pool, citing the notice that made it available."""
    if amount_fen <= 0:
        raise InputError("--amount", "金额须大于 0")
    document = document.strip()
    if not document:
        raise InputError("--document", "须注明资金下达文件（办法未规定年度专项资金总额）")
    fund = pool(session, year)
    return record_entry(session, fund, "allocation", amount_fen, actor, on, note=f"资金下达文件：{document}")


def carry_over(session: Session, from_year: int, actor: str, on: dt.date) -> tuple[FundEntry, FundEntry]:
    """Move what the year's pool leaves unspent (balance − committed) into the next year's pool."""
    if on.year <= from_year:
        raise InputError("--on", f"{from_year} 年度尚未结束，不能结转至下年（业务日期 {on}）")
    source = pool(session, from_year)
    rest = available(session, source)
    if rest <= 0:
        raise InputError("--year", f"{source.name}没有可结转的余额（可用余额 {format_fen(max(rest, 0))} 元）")
    target = pool(session, from_year + 1)
    basis = "温商务联发〔2019〕130号 四（一）：“超过部分结转至下年”"
    out = record_entry(session, source, "carry_out", -rest, actor, on, note=f"结转至 {target.code}；{basis}")
    into = record_entry(session, target, "carry_in", rest, actor, on, note=f"自 {source.code} 结转；{basis}")
    return out, into
