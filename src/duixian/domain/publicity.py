"""Publicity (公示): approved applications of one document put before the public for a period, during
which anyone may object; an upheld objection sends the application back to review and releases its
grant, a dismissed one leaves it publicised; the publicity closes after its last day.

The period. 温商务联发〔2019〕130号 四（二） sets it: “资金分配结果在市商务局网站上公示5日”. Its last day is
counted by that document's own rule (``wswl-2019-130.pay``: the 5 days under the readings
pay.publicity_days and pay.first_day, across the State Council's holiday arrangements), with the
publicity starting on the business date it is opened; an operator cannot set another end. The other
documents of the gazette set no publicity period: the operator must give the last day, and the record
says that the gazette sets none and who chose it.

Objections are taken from the first to the last day of the period, both included; the publicity closes
on a business date after the last day, and not while an objection awaits its outcome. Every function
works in the caller's ``audit.writing`` transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from duixian import rulebook
from duixian.domain import audit, workflow
from duixian.domain.applications import find, next_number
from duixian.engine.document import Document
from duixian.engine.money import format_fen
from duixian.engine.rules import Context
from duixian.errors import InputError
from duixian.rulebook.wswl_2019_130.rules import _calendar
from duixian.storage.redemption import Application, Objection, Publicity, PublicityItem

ENTITY = "publicity"
MAX_TITLE = 200


@dataclass(frozen=True)
class PeriodRule:
    """A document's own publicity period: the rule that sets it, its days parameter, the readings its
    count depends on, and the function of that rule that gives the last day."""

    rule_id: str
    days_parameter: str
    readings: tuple[str, ...]
    last_day: Callable[[Context, dt.date], dt.date]


PERIODS: dict[str, PeriodRule] = {
    "wswl-2019-130": PeriodRule(
        "wswl-2019-130.pay",
        "wswl-2019-130.pay.publicity_days",
        ("wswl-2019-130.pay.publicity_days", "wswl-2019-130.pay.first_day"),
        _calendar.publicity_end,
    ),
}


def period(
    document: Document, starts_on: dt.date, ends_on: dt.date | None, actor: str
) -> tuple[dt.date, str]:
    """The last day of a publicity of ``document`` starting on ``starts_on``, and its basis."""
    rule = PERIODS.get(document.id)
    if rule is None:
        if ends_on is None:
            raise InputError(
                "--ends-on", f"{document.number} 未规定公示期：须由操作人指定公示截止日（含当日）"
            )
        if ends_on < starts_on:
            raise InputError("--ends-on", f"公示截止日 {ends_on} 早于公示开始日 {starts_on}")
        return ends_on, f"{document.number} 未规定公示期；公示期 {starts_on} 至 {ends_on} 由 {actor} 指定"
    return _ruled_period(rule, starts_on, ends_on)


def _ruled_period(rule: PeriodRule, starts_on: dt.date, ends_on: dt.date | None) -> tuple[dt.date, str]:
    params = rulebook.parameters()
    readings = rulebook.register().choose({})
    ctx = Context(year=starts_on.year, tables={}, params=params, readings=readings)
    try:
        last = rule.last_day(ctx, starts_on)
    except InputError as exc:  # no holiday arrangement recorded for a year the period reaches
        raise InputError("--on", f"{rule.rule_id}：无法计算公示期（{exc.reason}）") from None
    if ends_on is not None and ends_on != last:
        raise InputError(
            "--ends-on",
            f"{rule.rule_id} 规定了公示期：自 {starts_on} 起公示，截止日为 {last}，不能另行指定 {ends_on}",
        )
    source = params[rule.days_parameter].at(starts_on).source.cite()
    chosen = "；".join(readings.describe(switch).rstrip("。") for switch in rule.readings)
    basis = f"{rule.rule_id}：{source}。按解释口径 {chosen}。自 {starts_on} 起公示，至 {last} 止"
    return last, basis


def open_publicity(
    session: Session,
    *,
    document: str,
    numbers: Sequence[str],
    actor: str,
    on: dt.date,
    title: str | None = None,
    ends_on: dt.date | None = None,
) -> Publicity:
    """Publicise approved applications of one document from business date ``on``."""
    actor = audit.check_actor(actor)
    documents = rulebook.documents()
    if document not in documents:
        raise InputError("--document", f"没有文件 {document}（已有：{'、'.join(documents)}）")
    doc = documents[document]
    if not numbers:
        raise InputError("APPLICATIONS", "须列出至少一件审核通过的申请")
    if len(set(numbers)) != len(numbers):
        raise InputError("APPLICATIONS", "同一申请列了两次")
    applications = [find(session, n) for n in numbers]
    for application in applications:
        if application.document != document:
            raise InputError(application.number, f"属于 {application.document}，不能列入 {doc.number} 的公示")
        workflow.refuse_unless_allowed(application, "publicise")
    last, basis = period(doc, on, ends_on, actor)
    title = (title or f"{doc.number} 奖补资金拟兑现名单公示").strip()
    if not title or len(title) > MAX_TITLE:
        raise InputError("--title", f"标题不能为空，且不超过 {MAX_TITLE} 个字符")
    publicity = Publicity(
        number=next_number(session, Publicity.number, f"GS-{on.year}-", 4),
        document=document,
        title=title,
        starts_on=on,
        ends_on=last,
        period_basis=basis,
    )
    session.add(publicity)
    for application in applications:
        assert application.granted_fen is not None  # approved applications carry their grant
        publicity.items.append(
            PublicityItem(application_id=application.id, granted_fen=application.granted_fen)
        )
    session.flush()
    payload: dict[str, object] = {
        "document": document,
        "title": title,
        "starts_on": on,
        "ends_on": last,
        "period_basis": basis,
        "applications": [{"number": a.number, "granted_fen": a.granted_fen} for a in applications],
    }
    audit.record(session, actor, audit.Change("publicity.open", ENTITY, publicity.number, payload))
    for application in applications:
        workflow.transition(
            session, application, "publicise", actor, on, details={"publicity": publicity.number}
        )
    return publicity


def find_publicity(session: Session, number: str) -> Publicity:
    query = select(Publicity).where(Publicity.number == number.strip()).options(selectinload(Publicity.items))
    publicity = session.scalar(query)
    if publicity is None:
        raise InputError("PUBLICITY", f"没有公示 {number}")
    return publicity


def current_publicity(session: Session, application: Application) -> Publicity:
    """The open publicity the application is in (the latest one listing it)."""
    query = (
        select(Publicity)
        .join(PublicityItem, PublicityItem.publicity_id == Publicity.id)
        .where(PublicityItem.application_id == application.id, Publicity.closed_on.is_(None))
        .order_by(Publicity.id.desc())
    )
    publicity = session.scalars(query).first()
    if publicity is None:
        raise InputError(application.number, f"申请 {application.number} 不在任何未结束的公示中")
    return publicity


def raise_objection(
    session: Session, application: Application, actor: str, on: dt.date, grounds: str
) -> Objection:
    """An objection during the publicity period (first and last day included)."""
    workflow.refuse_unless_allowed(application, "object")
    if not grounds.strip():
        raise InputError("--grounds", "提出异议须说明理由")
    publicity = current_publicity(session, application)
    if not publicity.starts_on <= on <= publicity.ends_on:
        raise InputError(
            "--on",
            f"公示 {publicity.number} 的公示期为 {publicity.starts_on} 至 {publicity.ends_on}，{on} 不能提出异议",
        )
    workflow.transition(session, application, "object", actor, on, grounds, {"publicity": publicity.number})
    objection = Objection(
        application_id=application.id,
        raised_by=audit.check_actor(actor),
        grounds=grounds.strip(),
        raised_on=on,
    )
    session.add(objection)
    session.flush()
    return objection


def uphold(session: Session, application: Application, actor: str, on: dt.date, resolution: str) -> Objection:
    """The objection holds: back to review, and the grant is released (the reviewer decides again)."""
    objection = _pending(session, application, "uphold")
    released = application.granted_fen
    workflow.transition(session, application, "uphold", actor, on, resolution, {"released_fen": released})
    _resolve(objection, "upheld", actor, on, resolution)
    application.granted_fen = None
    application.fund_id = None
    application.quota_units = 0
    application.pay_from = application.pay_by = None
    return objection


def dismiss(
    session: Session, application: Application, actor: str, on: dt.date, resolution: str
) -> Objection:
    """The objection fails: the application stays publicised with its grant."""
    objection = _pending(session, application, "dismiss")
    workflow.transition(session, application, "dismiss", actor, on, resolution)
    _resolve(objection, "dismissed", actor, on, resolution)
    return objection


def _pending(session: Session, application: Application, action: workflow.Action) -> Objection:
    objection = session.scalars(
        select(Objection)
        .where(Objection.application_id == application.id, Objection.outcome.is_(None))
        .order_by(Objection.id.desc())
    ).first()
    if objection is None:
        workflow.refuse_unless_allowed(application, action)  # says which state it is in
        raise InputError(application.number, f"申请 {application.number} 没有待处理的异议")
    return objection


def _resolve(objection: Objection, outcome: str, actor: str, on: dt.date, resolution: str) -> None:
    objection.outcome = outcome
    objection.resolution = resolution.strip()
    objection.resolved_by = audit.check_actor(actor)
    objection.resolved_on = on


def close(session: Session, publicity: Publicity, actor: str, on: dt.date) -> None:
    """End the publicity after its last day, when no objection awaits an outcome."""
    if publicity.closed_on is not None:
        raise InputError(publicity.number, f"公示 {publicity.number} 已于 {publicity.closed_on} 结束")
    if on <= publicity.ends_on:
        raise InputError(
            "--on", f"公示 {publicity.number} 的公示期至 {publicity.ends_on}（含当日），{on} 不能结束公示"
        )
    pending = [item.application.number for item in publicity.items if item.application.state == "objected"]
    if pending:
        raise InputError(
            publicity.number, f"申请 {'、'.join(pending)} 的异议尚未处理（异议成立或不成立），不能结束公示"
        )
    publicity.closed_on = on
    payload: dict[str, object] = {
        "closed_on": on,
        "publicised": [i.application.number for i in publicity.items if i.application.state == "publicised"],
    }
    audit.record(session, actor, audit.Change("publicity.close", ENTITY, publicity.number, payload))


def describe(session: Session, publicity: Publicity) -> dict[str, Any]:
    items = []
    for item in publicity.items:
        application = item.application
        objections = session.scalars(
            select(Objection).where(Objection.application_id == application.id).order_by(Objection.id)
        )
        items.append(
            {
                "application": application.number,
                "party": {"uscc": application.party.uscc, "name": application.party.name},
                "provision": application.provision,
                "granted": {"fen": item.granted_fen, "yuan": format_fen(item.granted_fen)},
                "state": application.state,
                "state_name": workflow.STATE_NAMES[workflow.check_state(application.state)],
                "objections": [
                    {
                        "raised_by": o.raised_by,
                        "raised_on": o.raised_on.isoformat(),
                        "grounds": o.grounds,
                        "outcome": o.outcome,
                        "resolution": o.resolution,
                    }
                    for o in objections
                    if publicity.starts_on <= o.raised_on <= publicity.ends_on
                ],
            }
        )
    total = sum(i.granted_fen for i in publicity.items)
    return {
        "number": publicity.number,
        "document": publicity.document,
        "title": publicity.title,
        "starts_on": publicity.starts_on.isoformat(),
        "ends_on": publicity.ends_on.isoformat(),
        "period_basis": publicity.period_basis,
        "closed_on": None if publicity.closed_on is None else publicity.closed_on.isoformat(),
        "total": {"fen": total, "yuan": format_fen(total)},
        "items": items,
    }
