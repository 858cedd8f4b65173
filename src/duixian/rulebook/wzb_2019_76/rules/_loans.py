"""Interest periods of loans within the year concerned."""

from __future__ import annotations

import numpy as np

from duixian.engine.money import IntArray
from duixian.engine.rules import Context
from duixian.engine.tables import Column

ONE_DAY = np.timedelta64(1, "D")


def interest_days(ctx: Context, start: Column, end: Column) -> tuple[IntArray, Column, Column]:
    """Days of interest in the year: from the start date, up to the day before the end date.

    Interest is counted 算头不算尾 (the disbursement day bears interest, the repayment day does
    not), the banking convention. Returns (days, first day, last day) per loan.
    """
    first = np.maximum(start, np.datetime64(ctx.year_start))
    last = end - ONE_DAY
    # In place: at 10^6 loans each array of a million not made saves its first touch of memory.
    np.minimum(last, np.datetime64(ctx.year_end), out=last)
    days = (last - first).view(np.int64)  # (NaT: the least int64, as astype gives)
    days += 1
    np.maximum(days, 0, out=days)
    return days, first, last
