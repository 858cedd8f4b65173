"""A reviewer's decision from the web (form or JSON): one ``audit.writing`` transaction, the domain's
review function, and the line between bad input (422) and a refusal (409).

The domain names the request's own fields ``--actor``, ``--reason``, ``--on`` (its first caller was the
CLI); the web names them ``actor``, ``reason``, ``on``. An error on one of those is the caller's input;
any other error is the rules refusing the decision (the state does not allow it, nothing to grant, a
cap used up …) and is reported as a refusal naming what refused.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from duixian.domain import applications, audit, review
from duixian.errors import InputError, InputErrors
from duixian.storage.db import Database
from duixian.storage.redemption import Application
from duixian.storage.timestamps import SHANGHAI
from duixian.web.schemas import ActionBody, ReviewAction

BODY_FIELDS = frozenset(ActionBody.model_fields)
NOT_FOUND_FIELDS = frozenset({"APPLICATION", "FUND", "JOB"})  # JOB: a reform simulation (web.reforms)


class Refusal(Exception):
    """The rules refused a well-formed request (HTTP 409)."""

    def __init__(self, errors: list[InputError]) -> None:
        super().__init__("；".join(str(e) for e in errors))
        self.errors = errors


def web_field(field: str) -> str:
    """The domain's CLI option name as the web's field name (``--on`` → ``on``)."""
    return field.removeprefix("--")


def business_date(on: dt.date | None) -> dt.date:
    return on if on is not None else dt.datetime.now(SHANGHAI).date()


def act(db: Database, number: str, action: ReviewAction, body: ActionBody) -> None:
    """Take ``action`` on the application; all or nothing."""
    try:
        with audit.writing(db) as session:
            _apply(session, applications.find(session, number), action, body)
    except InputErrors as exc:
        raise Refusal(exc.errors) from exc
    except InputError as exc:
        if web_field(exc.field) in BODY_FIELDS or exc.field in NOT_FOUND_FIELDS:
            raise
        raise Refusal([exc]) from exc


def _apply(session: Session, application: Application, action: ReviewAction, body: ActionBody) -> None:
    on = business_date(body.on)
    if action == "start_review":
        review.start_review(session, application, body.actor, on)
    elif action == "approve":
        review.approve(session, application, body.actor, on, body.reason)
    elif action == "reject":
        review.reject(session, application, body.actor, on, body.reason)
    else:
        review.return_for_correction(session, application, body.actor, on, body.reason)
