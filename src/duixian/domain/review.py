"""Review: accept an application for review, approve it, reject it, or return it for correction.

At each decision the amount, its explanation (canonical JSON) and the rulebook version are frozen into
the application and never recomputed: a later change of a parameter or of the registry leaves them as
decided. Approval computes the amount (``assessment.assess``: the rulebook against what the same party
was already granted), asks the ledger what a fund and a quota allow (``ledger.limit``), and takes the
payment window from the document's timing hook (76号 附则2: applied after October → paid January–March
of the next year; the gazette sets no payment month for other applications, so pay_from/pay_by stay
empty). An application whose own facts give 0 cannot be approved: the refusal lists why each line pays
nothing, and the reviewer rejects it instead. Rejection freezes the computation too (or, when it could
not be computed, the reason).

Every function works in the caller's ``audit.writing`` transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from duixian.domain import audit, ledger, workflow
from duixian.domain.assessment import Assessment, assess, rulebook_version, zero_reasons
from duixian.engine.money import format_fen
from duixian.errors import InputError
from duixian.storage.redemption import Application


def start_review(session: Session, application: Application, actor: str, on: dt.date) -> None:
    workflow.transition(session, application, "start_review", actor, on)


def return_for_correction(
    session: Session, application: Application, actor: str, on: dt.date, reason: str
) -> None:
    """Ask the applicant to correct the facts or attachments; they resubmit afterwards."""
    workflow.transition(session, application, "return", actor, on, reason)


def approve(
    session: Session, application: Application, actor: str, on: dt.date, note: str = ""
) -> ledger.Limit:
    """Compute, limit by the ledger, freeze and approve; returns what the ledger allowed."""
    actor = audit.check_actor(actor)
    workflow.refuse_unless_allowed(application, "approve")
    assessment = assess(session, application, on)
    _refuse_nothing_to_grant(application, assessment)
    limit = ledger.limit(session, application, assessment.granted_fen, on)
    explanation = assessment.explanation | {
        "ledger": {
            "fund": limit.fund.code,
            "fund_name": limit.fund.name,
            "granted": {"fen": limit.granted_fen, "yuan": format_fen(limit.granted_fen)},
            "quota_units": limit.quota_units,
            "notes": limit.notes,
        },
        "decision": _decision("approve", actor, on, note),
    }
    _freeze(application, assessment.computed_fen, explanation, actor, on)
    application.granted_fen = limit.granted_fen
    application.fund_id = limit.fund.id
    application.quota_units = limit.quota_units
    application.pay_from, application.pay_by = _payment_window(assessment.timing)
    details = {
        "computed_fen": assessment.computed_fen,
        "granted_fen": limit.granted_fen,
        "fund": limit.fund.code,
        "quota_units": limit.quota_units,
        "rulebook_version": application.rulebook_version,
        "pay_from": application.pay_from,
        "pay_by": application.pay_by,
    }
    workflow.transition(session, application, "approve", actor, on, note, details)
    return limit


def reject(session: Session, application: Application, actor: str, on: dt.date, reason: str) -> None:
    """Refuse support, freezing what the rules computed (or why they could not)."""
    actor = audit.check_actor(actor)
    workflow.refuse_unless_allowed(application, "reject")
    explanation: dict[str, Any]
    computed: int | None
    try:
        assessment = assess(session, application, on)
    except InputError as exc:  # e.g. facts that conflict with an earlier grant: a ground for rejection
        computed = None
        explanation = {
            "error": {"field": exc.field, "reason": exc.reason},
            "rulebook_version": rulebook_version(),
        }
    else:
        computed = assessment.computed_fen
        explanation = dict(assessment.explanation)
    explanation["decision"] = _decision("reject", actor, on, reason)
    _freeze(application, computed, explanation, actor, on)
    application.granted_fen = None
    details = {"computed_fen": computed, "rulebook_version": application.rulebook_version}
    workflow.transition(session, application, "reject", actor, on, reason, details)


def _refuse_nothing_to_grant(application: Application, assessment: Assessment) -> None:
    if assessment.computed_fen == 0:
        reasons = zero_reasons(assessment.alone) or [f"事实中没有 {application.provision} 适用的事项"]
        raise InputError(
            application.number,
            f"按本申请事实计算金额为 0，不能审核通过（请改为不予支持）：{'；'.join(reasons)}",
        )
    if assessment.granted_fen == 0:
        raise InputError(
            application.number,
            f"按本申请事实计算 {format_fen(assessment.computed_fen)} 元，但{assessment.explanation['summary']}："
            "无可核定金额，不能审核通过（请改为不予支持）",
        )


def _freeze(
    application: Application,
    computed: int | None,
    explanation: dict[str, Any],
    actor: str,
    on: dt.date,
) -> None:
    application.computed_fen = computed
    application.explanation = audit.canonical_json(audit.jsonable(explanation))
    application.rulebook_version = str(explanation.get("rulebook_version") or rulebook_version())
    application.decided_on = on
    application.decided_by = actor


def _decision(action: workflow.Action, actor: str, on: dt.date, reason: str) -> dict[str, Any]:
    return {"action": action, "name": workflow.ACTION_NAMES[action], "by": actor, "on": on, "reason": reason}


def _payment_window(timing: dict[str, Any] | None) -> tuple[dt.date | None, dt.date | None]:
    if timing is None:
        return None, None
    pay_from, pay_to = timing.get("pay_from"), timing.get("pay_to")
    return (
        None if pay_from is None else dt.date.fromisoformat(pay_from),
        None if pay_to is None else dt.date.fromisoformat(pay_to),
    )
