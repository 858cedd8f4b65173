"""The date parameters are read at: the start of the year concerned, or the day the document took
effect when that is later (a case for the document's first, partial year)."""

from __future__ import annotations

import datetime as dt

from duixian.engine.rules import Context
from duixian.rulebook.wzb_2019_72.document import DOC


def in_force(ctx: Context) -> dt.date:
    return max(ctx.year_start, DOC.applies_from)
