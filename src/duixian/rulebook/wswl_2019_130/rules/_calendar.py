"""The publicity period of 四（二）“公示5日”: its last day, counted in calendar or working days.

Rest days are Saturdays and Sundays that are not adjusted working days, and the holidays of the State
Council's yearly arrangement (parameters wswl-2019-130.pay.holidays / pay.adjusted_workdays, one value
per year, used for that year's dates only).
"""

from __future__ import annotations

import datetime as dt

from duixian.engine.rules import Context
from duixian.errors import InputError

P = "wswl-2019-130."
FIELD = "publicity_starts_on"
# A search bound: no run of rest days in the recorded arrangements comes near it.
_MAX_SPAN = 60


class RestDays:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._years: dict[int, tuple[set[dt.date], set[dt.date]]] = {}

    def _year(self, year: int) -> tuple[set[dt.date], set[dt.date]]:
        if year not in self._years:
            found = []
            for name in (P + "pay.holidays", P + "pay.adjusted_workdays"):
                parameter = self._ctx.params[name]
                if not any(v.start == dt.date(year, 1, 1) for v in parameter.values):
                    first, last = parameter.values[0].start.year, parameter.values[-1].start.year
                    raise InputError(
                        FIELD,
                        f"公示期延续到 {year} 年，但节假日安排只登记了 {first}–{last} 年（{name}）",
                    )
                value = self._ctx.param(name, dt.date(year, 1, 1)).value
                found.append({dt.date.fromisoformat(d) for d in str(value).split()})
            self._years[year] = (found[0], found[1])
        return self._years[year]

    def is_rest(self, day: dt.date) -> bool:
        holidays, workdays = self._year(day.year)
        return day in holidays or (day.weekday() >= 5 and day not in workdays)


def publicity_end(ctx: Context, start: dt.date) -> dt.date:
    """The last day of the publicity that starts on ``start`` (readings pay.publicity_days, pay.first_day)."""
    days = ctx.count(P + "pay.publicity_days")
    rest = RestDays(ctx)
    day = start if ctx.reading(P + "pay.first_day") == "start_day" else start + dt.timedelta(days=1)
    if ctx.reading(P + "pay.publicity_days") == "calendar":
        end = day + dt.timedelta(days=days - 1)
        # 民法总则第二百零三条：期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日。
        for _ in range(_MAX_SPAN):
            if not rest.is_rest(end):
                return end
            end += dt.timedelta(days=1)
        raise AssertionError("no working day found")  # pragma: no cover
    counted = 0
    for _ in range(_MAX_SPAN):
        if not rest.is_rest(day):
            counted += 1
            if counted == days:
                return day
        day += dt.timedelta(days=1)
    raise AssertionError("no working day found")  # pragma: no cover
