"""Applications: created as drafts for a registered party and one cash provision of the rulebook, with
their facts and attachments; submitted on a business date inside the document's validity and
application window; withdrawn; amended while a draft or returned for correction.

Every function here changes state in the caller's transaction, opened with ``audit.writing``; a refusal
raises :class:`InputError` (in Chinese, naming the field or the rule) and the caller's rollback stores
nothing. Transitions go through ``workflow.transition`` (the state machine); attachments and amendments,
which change no state, write their own audit entries.

Reading chosen for the application window (76号 附则2 “每年度申报期为1－10月份，每个项目具体申报时间以职能
部门通知为准，10月以后申报的项目原则上安排在次年1－3月兑付”): a submission outside the window is refused,
naming the rule, unless the operator cites the functional department's notice that set a later time
(``notice``); such a submission is accepted and, by the same clause, paid in January–March of the next
year (``review.approve`` reads the payment window from the document's timing hook). The window and the
in-force dates are the rulebook's (its parameters, its interpretations register's default reading), not
written here. Documents without a timing hook accept submissions from ``applies_from`` to ``applies_to``
(or, where obligations outlive the document, ``last_year``, to any date: the year concerned is checked).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import mimetypes
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from duixian import rulebook
from duixian.domain import audit, workflow
from duixian.domain.assessment import (
    APPLIED_ON,
    check_facts,
    check_year,
    document_of_provision,
    facts_json,
)
from duixian.domain.registry_cells import uscc as parse_uscc
from duixian.engine.document import Document
from duixian.engine.evaluate import calculate
from duixian.engine.money import format_fen
from duixian.errors import InputError
from duixian.storage.models import Party
from duixian.storage.redemption import Application, Attachment, Debarment, Objection

ENTITY = "application"
EDITABLE: frozenset[workflow.State] = frozenset({"draft", "returned"})
MAX_FILENAME = 255


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    content: bytes
    media_type: str | None = None  # guessed from the file name when not given


# --- numbers and look-ups ---------------------------------------------------------------------------


def next_number(session: Session, column: InstrumentedAttribute[str], prefix: str, width: int) -> str:
    """The next number after the highest one with this prefix (callers hold the audit lock, so two
    transactions never take the same one; the column's unique constraint is the backstop)."""
    last = session.scalar(select(func.max(column)).where(column.like(f"{prefix}%")))
    following = 1 if last is None else int(last.removeprefix(prefix)) + 1
    return f"{prefix}{following:0{width}d}"


def find(session: Session, number: str) -> Application:
    query = (
        select(Application)
        .where(Application.number == number.strip())
        .options(selectinload(Application.attachments), selectinload(Application.events))
    )
    application = session.scalar(query)
    if application is None:
        raise InputError("APPLICATION", f"没有申请 {number}")
    return application


def find_party(session: Session, uscc: str) -> Party:
    try:
        code = parse_uscc(uscc)
    except ValueError as exc:
        raise InputError("--uscc", str(exc)) from None
    party = session.scalar(select(Party).where(Party.uscc == code))
    if party is None:
        raise InputError("--uscc", f"主体登记库中没有 {code}：请先登记（duixian registry import）")
    return party


def search(
    session: Session,
    *,
    state: str | None = None,
    uscc: str | None = None,
    document: str | None = None,
    year: int | None = None,
    limit: int = 200,
) -> list[Application]:
    query = select(Application).order_by(Application.id.desc()).limit(limit)
    if state is not None:
        query = query.where(Application.state == _state(state))
    if uscc is not None:
        query = query.where(Application.party_id == find_party(session, uscc).id)
    if document is not None:
        query = query.where(Application.document == document)
    if year is not None:
        query = query.where(Application.year == year)
    return list(session.scalars(query))


# --- create, amend, attach --------------------------------------------------------------------------


def create(
    session: Session,
    *,
    uscc: str,
    provision: str,
    year: int,
    facts: object,
    actor: str,
    on: dt.date,
    attachments: Sequence[NewAttachment] = (),
) -> Application:
    """A draft application for a registered party and a cash provision, with its facts checked."""
    actor = audit.check_actor(actor)
    document = document_of_provision(provision.strip())
    check_year(document, year)
    party = find_party(session, uscc)
    refuse_if_debarred(session, party, document, year)
    checked = check_facts(document, facts, year, party.uscc)
    text = facts_json(checked.body)
    application = Application(
        number=next_number(session, Application.number, f"SQ-{on.year}-", 6),
        party=party,
        document=document.id,
        provision=provision.strip(),
        year=year,
        state="draft",
        facts=text,
        facts_sha256=_sha256(text.encode("utf-8")),
        quota_units=0,
    )
    session.add(application)
    details: dict[str, object] = {
        "uscc": party.uscc,
        "provision": application.provision,
        "year": year,
        "facts_sha256": application.facts_sha256,
    }
    if checked.dropped_readings:
        details["readings_dropped"] = checked.dropped_readings
    workflow.record_creation(session, application, actor, on, details)
    for attachment in attachments:
        attach(session, application, attachment, actor, on)
    return application


def amend(session: Session, application: Application, facts: object, actor: str, on: dt.date) -> None:
    """Replace the facts of a draft or of an application returned for correction."""
    refuse_unless_editable(application, "修改事实")
    document = rulebook.documents()[application.document]
    checked = check_facts(document, facts, application.year, application.party.uscc)
    text = facts_json(checked.body)
    before = application.facts_sha256
    application.facts, application.facts_sha256 = text, _sha256(text.encode("utf-8"))
    payload: dict[str, object] = {"facts_sha256": {"from": before, "to": application.facts_sha256}}
    payload |= {"effective_on": on}
    if checked.dropped_readings:
        payload["readings_dropped"] = checked.dropped_readings
    audit.record(session, actor, audit.Change("application.amend", ENTITY, application.number, payload))


def attach(
    session: Session, application: Application, new: NewAttachment, actor: str, on: dt.date
) -> Attachment:
    """Store a supporting file with its SHA-256; the same content twice on one application is refused."""
    refuse_unless_editable(application, "添加附件")
    filename = new.filename.strip()
    if not filename or len(filename) > MAX_FILENAME:
        raise InputError("attachment", f"附件文件名不能为空，且不超过 {MAX_FILENAME} 个字符")
    if not new.content:
        raise InputError("attachment", f"附件 {filename} 为空文件")
    digest = _sha256(new.content)
    for existing in application.attachments:
        if existing.sha256 == digest:
            raise InputError(
                "attachment",
                f"附件 {filename} 与本申请已有附件 {existing.filename} 内容相同（SHA-256 {digest}），不重复保存",
            )
    media_type = new.media_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    attachment = Attachment(
        filename=filename, media_type=media_type, size=len(new.content), sha256=digest, content=new.content
    )
    application.attachments.append(attachment)
    session.flush()
    payload: dict[str, object] = {
        "filename": filename,
        "sha256": digest,
        "size": len(new.content),
        "media_type": media_type,
        "effective_on": on,
    }
    audit.record(session, actor, audit.Change("application.attach", ENTITY, application.number, payload))
    return attachment


def remove_attachment(
    session: Session, application: Application, sha256: str, actor: str, on: dt.date
) -> None:
    refuse_unless_editable(application, "删除附件")
    wanted = sha256.strip().lower()
    found = next((a for a in application.attachments if a.sha256 == wanted), None)
    if found is None:
        raise InputError("--remove", f"申请 {application.number} 没有 SHA-256 为 {wanted} 的附件")
    application.attachments.remove(found)
    payload: dict[str, object] = {"filename": found.filename, "sha256": found.sha256, "effective_on": on}
    audit.record(session, actor, audit.Change("application.detach", ENTITY, application.number, payload))


def refuse_unless_editable(application: Application, what: str) -> None:
    if application.state not in EDITABLE:
        state = workflow.STATE_NAMES[workflow.check_state(application.state)]
        raise workflow.TransitionRefused(
            application,
            f"申请 {application.number} 当前状态为“{state}”，不能{what}（只有“草稿”“退回补正”状态的申请可以{what}）",
        )


# --- submit and withdraw ----------------------------------------------------------------------------


def submit(
    session: Session, application: Application, actor: str, on: dt.date, notice: str | None = None
) -> None:
    """Submit on business date ``on``: the facts are checked again, then the document's validity and
    application window (refusals name the rule, e.g. wzb-2019-76.g2), and any debarment."""
    workflow.refuse_unless_allowed(application, "submit")
    document = rulebook.documents()[application.document]
    check_year(document, application.year)
    refuse_if_debarred(session, application.party, document, application.year)
    checked = check_facts(document, json.loads(application.facts), application.year, application.party.uscc)
    check_in_force(document, on)
    timing = timing_on(document, checked.body, on)
    notice = (notice or "").strip()
    if timing is not None and not timing["in_application_period"] and not notice:
        raise InputError(
            "--on",
            f"{timing['rule']}：{on} 不在申报期内（{timing['citation']}）。职能部门通知另行安排申报时间的，"
            f"提交时以 --notice 注明该通知；按同条，{timing['explanation']}",
        )
    application.submitted_on = on
    details: dict[str, object] = {
        "facts_sha256": application.facts_sha256,
        "attachments": [a.sha256 for a in application.attachments],
    }
    if timing is not None:
        details["timing"] = {k: timing[k] for k in ("rule", "in_application_period", "pay_from", "pay_to")}
    reason = f"职能部门通知：{notice}" if notice else ""
    workflow.transition(session, application, "submit", actor, on, reason, details)


def withdraw(session: Session, application: Application, actor: str, on: dt.date, reason: str = "") -> None:
    workflow.transition(session, application, "withdraw", actor, on, reason)


def check_in_force(document: Document, on: dt.date) -> None:
    """The document applies on ``on`` (a document with a timing hook judges this itself, see timing_on)."""
    if on < document.applies_from:
        raise InputError("--on", f"{document.number} 自 {document.applies_from} 起适用，{on} 尚不能按其申报")
    if document.timing is None and document.last_year is None and on > document.applies_to:
        raise InputError("--on", f"{document.number} 适用至 {document.applies_to}，{on} 已不能按其申报")


def timing_rule(document: Document) -> str:
    timing = [spec.id for spec in document.rules.values() if spec.kind == "timing"]
    return timing[0] if len(timing) == 1 else document.id


def timing_on(document: Document, body: Mapping[str, Any], on: dt.date) -> dict[str, Any] | None:
    """The document's timing hook for an application made on ``on`` (None if it has none): whether
    ``on`` is in the application window and when it is paid; dates it does not accept are refused."""
    if document.timing is None:
        return None
    data = dict(body) | {APPLIED_ON: on.isoformat(), "readings": {}}
    try:
        result = calculate(document, data, rulebook.parameters(), rulebook.register(), [])
    except InputError as exc:
        if exc.field != APPLIED_ON:
            raise
        raise InputError("--on", f"{timing_rule(document)}：{on} 不在受理期内（{exc.reason}）") from None
    return result.timing


def refuse_if_debarred(session: Session, party: Party, document: Document, year: int) -> None:
    barred = session.scalar(
        select(Debarment).where(Debarment.party_id == party.id, Debarment.document == document.id)
    )
    if barred is not None and barred.from_year <= year:
        raise InputError(
            "--uscc",
            f"{party.name}（{party.uscc}）自 {barred.from_year} 年度起被取消 {document.number} 的申报资格"
            f"（{barred.basis}），不能申请 {year} 年度",
        )


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- describing -------------------------------------------------------------------------------------


def money(fen: int | None) -> dict[str, Any] | None:
    return None if fen is None else {"fen": fen, "yuan": format_fen(fen)}


def describe(session: Session, application: Application) -> dict[str, Any]:
    """Everything about one application, ready for JSON or a table."""
    document = rulebook.documents()[application.document]
    explanation = json.loads(application.explanation) if application.explanation else None
    objections = session.scalars(
        select(Objection).where(Objection.application_id == application.id).order_by(Objection.id)
    )
    return {
        "number": application.number,
        "party": {"uscc": application.party.uscc, "name": application.party.name},
        "document": application.document,
        "document_number": document.number,
        "provision": application.provision,
        "provision_title": document.rules[application.provision].title,
        "year": application.year,
        "state": application.state,
        "state_name": workflow.STATE_NAMES[workflow.check_state(application.state)],
        "submitted_on": _iso(application.submitted_on),
        "facts_sha256": application.facts_sha256,
        "facts": json.loads(application.facts),
        "attachments": [
            {"filename": a.filename, "media_type": a.media_type, "size": a.size, "sha256": a.sha256}
            for a in application.attachments
        ],
        "decision": {
            "computed": money(application.computed_fen),
            "granted": money(application.granted_fen),
            "decided_on": _iso(application.decided_on),
            "decided_by": application.decided_by,
            "rulebook_version": application.rulebook_version,
            "fund_id": application.fund_id,
            "quota_units": application.quota_units,
            "pay_from": _iso(application.pay_from),
            "pay_by": _iso(application.pay_by),
        },
        "summary": summary_lines(explanation),
        "explanation": explanation,
        "objections": [
            {
                "raised_by": o.raised_by,
                "raised_on": o.raised_on.isoformat(),
                "grounds": o.grounds,
                "outcome": o.outcome,
                "resolution": o.resolution,
                "resolved_by": o.resolved_by,
                "resolved_on": _iso(o.resolved_on),
            }
            for o in objections
        ],
        "history": [
            {
                "action": e.action,
                "action_name": workflow.ACTION_NAMES[_action(e.action)],
                "from": e.from_state,
                "to": e.to_state,
                "from_name": None if e.from_state is None else _state_name(e.from_state),
                "to_name": _state_name(e.to_state),
                "actor": e.actor,
                "reason": e.reason,
                "effective_on": e.effective_on.isoformat(),
            }
            for e in application.events
        ],
    }


def summary_lines(explanation: Mapping[str, Any] | None) -> list[str]:
    """The frozen explanation in a few lines: the sum, each line that pays, the notes."""
    if explanation is None:
        return []
    if "error" in explanation:
        error = explanation["error"]
        return [f"未能计算：{error['field']}: {error['reason']}"]
    out = [str(explanation["summary"])]
    for line in explanation["lines"]:
        if line["kind"] == "cash" and (line["amount"]["fen"] > 0 or line["notes"]):
            notes = "；".join(line["notes"])
            out.append(
                f"{line['rule']} {line['subject']}：{line['amount']['yuan']} 元"
                + (f"（{notes}）" if notes else "")
            )
    out += [str(n) for n in explanation.get("notes", [])]
    ledger = explanation.get("ledger")
    if ledger:
        out += [str(n) for n in ledger["notes"]]
    timing = explanation.get("timing")
    if timing:
        out.append(f"{timing['rule']}：{timing['explanation']}")
    return out


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _state_name(state: str) -> str:
    return workflow.STATE_NAMES[workflow.check_state(state)]


def _state(state: str) -> workflow.State:
    try:
        return workflow.check_state(state)
    except ValueError:
        names = "、".join(f"{s}（{n}）" for s, n in workflow.STATE_NAMES.items())
        raise InputError("--state", f"没有状态 {state!r}（可选：{names}）") from None


def _action(action: str) -> workflow.Action:
    if action not in get_args(workflow.Action):
        raise ValueError(f"unknown action {action!r}")
    return action  # type: ignore[return-value]
