"""Input checks of a 72号 case that span fields or depend on a reading.

A rule module registers its checks with :func:`input_check`; every rule calls :func:`check_case`
first, so the first rule to run finds every such error of the case (all clauses) and reports them
together (InputErrors), each naming its field. Checks peek at readings and parameters without
recording them, so they do not show up among a line's readings or parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from duixian.engine.rules import Context
from duixian.errors import InputError, InputErrors

CHECKED = "wzb-2019-72.checked"
Check = Callable[[Context], list[InputError]]
CHECKS: list[Check] = []


def input_check(check: Check) -> Check:
    CHECKS.append(check)
    return check


def peek(ctx: Context, name: str) -> Any:
    """A parameter's value where the document reads it, without recording it on the rule's lines."""
    return ctx.params[name].at(ctx.reference_date).value


def check_case(ctx: Context) -> None:
    if ctx.extras.get(CHECKED):
        return
    errors = [error for check in CHECKS for error in check(ctx)]
    if errors:
        raise InputErrors(errors)
    ctx.extras[CHECKED] = True
