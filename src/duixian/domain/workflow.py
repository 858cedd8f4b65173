"""The life of an application: its states, the actions that move it, and who may take them.

    draft ─submit→ submitted ─start_review→ under_review ─approve→ approved ─publicise→ publicised
      ↑               │                        │  │                                      │   │
      └──(resubmit)── returned ←──return──────┘  └─reject→ rejected            object─┘   │
                                                                                   ↓       │
                              under_review ←─uphold── objected ─dismiss→ publicised       │
                                                                                           │
                             clawed_back ←─claw_back── paid ←─pay── scheduled ←─schedule──┘
    withdraw: from draft, submitted, under_review or returned.

An illegal action is refused with the reason (:class:`TransitionRefused`, in Chinese). Every transition
writes an :class:`ApplicationEvent` and an audit entry in the caller's transaction; callers open that
transaction with ``audit.writing`` so that two people acting at once are served one after the other,
each seeing the state the other left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal, get_args

from sqlalchemy.orm import Session

from duixian.domain import audit
from duixian.errors import InputError
from duixian.storage.redemption import Application, ApplicationEvent

State = Literal[
    "draft",
    "submitted",
    "under_review",
    "returned",
    "approved",
    "rejected",
    "publicised",
    "objected",
    "scheduled",
    "paid",
    "withdrawn",
    "clawed_back",
]
Action = Literal[
    "create",
    "submit",
    "start_review",
    "return",
    "approve",
    "reject",
    "publicise",
    "object",
    "uphold",
    "dismiss",
    "schedule",
    "pay",
    "withdraw",
    "claw_back",
]

STATE_NAMES: dict[State, str] = {
    "draft": "草稿",
    "submitted": "已提交",
    "under_review": "审核中",
    "returned": "退回补正",
    "approved": "审核通过",
    "rejected": "不予支持",
    "publicised": "公示中",
    "objected": "异议处理中",
    "scheduled": "已列入拨付批次",
    "paid": "已拨付",
    "withdrawn": "已撤回",
    "clawed_back": "已追回",
}
ACTION_NAMES: dict[Action, str] = {
    "create": "创建",
    "submit": "提交",
    "start_review": "受理审核",
    "return": "退回补正",
    "approve": "审核通过",
    "reject": "不予支持",
    "publicise": "公示",
    "object": "提出异议",
    "uphold": "异议成立",
    "dismiss": "异议不成立",
    "schedule": "列入拨付批次",
    "pay": "拨付",
    "withdraw": "撤回",
    "claw_back": "追回",
}

# action → (states it may be taken from, state it leads to)
TRANSITIONS: Mapping[Action, tuple[frozenset[State], State]] = {
    "submit": (frozenset({"draft", "returned"}), "submitted"),
    "start_review": (frozenset({"submitted"}), "under_review"),
    "return": (frozenset({"under_review"}), "returned"),
    "approve": (frozenset({"under_review"}), "approved"),
    "reject": (frozenset({"under_review"}), "rejected"),
    "publicise": (frozenset({"approved"}), "publicised"),
    "object": (frozenset({"publicised"}), "objected"),
    "uphold": (frozenset({"objected"}), "under_review"),
    "dismiss": (frozenset({"objected"}), "publicised"),
    "schedule": (frozenset({"publicised"}), "scheduled"),
    "pay": (frozenset({"scheduled"}), "paid"),
    "withdraw": (frozenset({"draft", "submitted", "under_review", "returned"}), "withdrawn"),
    "claw_back": (frozenset({"paid"}), "clawed_back"),
}
# Actions that must say why (a reviewer's reason is part of the record).
NEEDS_REASON: frozenset[Action] = frozenset({"return", "reject", "object", "uphold", "dismiss", "claw_back"})
# Approved and not yet paid: the amount is committed against its fund, quota and caps.
COMMITTED: frozenset[State] = frozenset({"approved", "publicised", "objected", "scheduled"})
# What the ledger counts as granted to a party (caps, g3, a9, quotas): committed or paid.
GRANTED: frozenset[State] = COMMITTED | {"paid"}
# A decision on its facts is pending or made: the facts count, the amount may not yet be final.
LIVE: frozenset[State] = GRANTED | {"submitted", "under_review", "returned", "draft"}


class TransitionRefused(InputError):
    """An action the application's state does not allow, with the reason, naming the application."""

    def __init__(self, application: Application, message: str) -> None:
        super().__init__(application.number, message)


def check_state(state: str) -> State:
    if state not in get_args(State):
        raise ValueError(f"unknown application state {state!r}")
    return state  # type: ignore[return-value]


def allowed(application: Application, action: Action) -> bool:
    sources, _ = TRANSITIONS[action]
    return application.state in sources


def refuse_unless_allowed(application: Application, action: Action) -> None:
    sources, _ = TRANSITIONS[action]
    if application.state not in sources:
        state = STATE_NAMES[check_state(application.state)]
        expected = "、".join(STATE_NAMES[s] for s in get_args(State) if s in sources)
        raise TransitionRefused(
            application,
            f"申请 {application.number} 当前状态为“{state}”，不能{ACTION_NAMES[action]}"
            f"（只有“{expected}”状态的申请可以{ACTION_NAMES[action]}）",
        )


def transition(
    session: Session,
    application: Application,
    action: Action,
    actor: str,
    on: dt.date,
    reason: str = "",
    details: Mapping[str, object] | None = None,
) -> ApplicationEvent:
    """Move the application by ``action`` (refused if its state does not allow it), record the event
    and the audit entry. ``details`` go into the audit payload (amounts in fen, no floats)."""
    refuse_unless_allowed(application, action)
    reason = reason.strip()
    if action in NEEDS_REASON and not reason:
        raise InputError("--reason", f"{ACTION_NAMES[action]}须说明理由")
    _, target = TRANSITIONS[action]
    return _record(session, application, action, application.state, target, actor, on, reason, details)


def record_creation(
    session: Session, application: Application, actor: str, on: dt.date, details: Mapping[str, object]
) -> ApplicationEvent:
    """The first event of a new application (already added to the session, state ``draft``)."""
    session.flush()  # the application's id
    return _record(session, application, "create", None, "draft", actor, on, "", details)


def _record(
    session: Session,
    application: Application,
    action: Action,
    source: str | None,
    target: State,
    actor: str,
    on: dt.date,
    reason: str,
    details: Mapping[str, object] | None,
) -> ApplicationEvent:
    actor = audit.check_actor(actor)
    application.state = target
    event = ApplicationEvent(
        application=application,
        action=action,
        from_state=source,
        to_state=target,
        actor=actor,
        reason=reason,
        effective_on=on,
    )
    session.add(event)
    payload = {"number": application.number, "from": source, "to": target, "effective_on": on}
    payload |= {"reason": reason} if reason else {}
    audit.record(
        session,
        actor,
        audit.Change(
            f"application.{action}", "application", application.number, payload | dict(details or {})
        ),
    )
    return event
