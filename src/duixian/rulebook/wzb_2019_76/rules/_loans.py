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
    last = np.minimum(end - ONE_DAY, np.datetime64(ctx.year_end))
    days = np.maximum((last - first).astype(np.int64) + 1, 0)
    return days, first, last
