"""Input checks of a 75号 case that span fields or depend on a reading.

Every rule calls :func:`check_case` first: the first rule to run finds every such error of the case
and reports them together (InputErrors), each naming its field; later rules skip the work.
Readings are peeked at, not recorded, so a check does not show up among a line's readings.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from duixian.engine.case import row_path
from duixian.engine.rules import Context
from duixian.errors import InputError, InputErrors
from duixian.rulebook.wzb_2019_75.document import DOC

P = "wzb-2019-75."
CHECKED = P + "checked"
REQUIRED_LEVIES = ("levy_social_security", "levy_farmland_water", "levy_low_rent_housing")
LEVIES = (*REQUIRED_LEVIES, "levy_other")


def _units(ctx: Context) -> list[InputError]:
    """四、（一）: the implementation unit is part of the planning unit, so never larger than it."""
    pilots = ctx.table("pilots")
    errors = []
    for row in np.flatnonzero(pilots["planning_unit_ha"] != ""):
        planning, implementation = pilots["planning_unit_ha"][row], pilots["implementation_unit_ha"][row]
        if Fraction(implementation) > Fraction(planning):
            errors.append(
                InputError(
                    f"pilots[{row}].implementation_unit_ha",
                    f"{implementation} 公顷超过规划单元的 {planning} 公顷（实施单元是规划单元的一部分）",
                )
            )
    return errors


def _stage_dates(ctx: Context) -> list[InputError]:
    """Stages dated after the document's end, or (reading flow.dates) before its issue, are refused."""
    dates = ctx.table("pilots.stages")["date"]
    end = np.datetime64(DOC.applies_to)
    too_late = dates > end
    too_early = (
        dates < np.datetime64(DOC.applies_from)
        if ctx.readings[P + "flow.dates"] == "within_document"
        else np.zeros(len(dates), dtype=bool)
    )
    where = [row_path(ctx.tables, "pilots.stages", int(r)) + ".date" for r in range(len(dates))]
    return [
        InputError(
            where[r],
            f"{dates[r]} 早于{DOC.number}的印发日期（{DOC.applies_from}；解释口径 flow.dates = within_document）"
            if too_early[r]
            else f"{dates[r]} 晚于{DOC.number}的有效期（至 {DOC.applies_to}）",
        )
        for r in np.flatnonzero(too_late | too_early)
    ]


def _levies(ctx: Context) -> list[InputError]:
    """Reading fund.levies = actual: each named levy is required, and together they fit the revenue."""
    if ctx.readings[P + "fund.levies"] != "actual":
        return []
    sales = ctx.table("pilots.land_sales")
    where = [row_path(ctx.tables, "pilots.land_sales", r) for r in range(len(sales["id"]))]
    errors = [
        InputError(f"{where[r]}.{name}", "必填：实际计提的规费（解释口径 fund.levies = actual）")
        for name in REQUIRED_LEVIES
        for r in np.flatnonzero(np.asarray(sales[name]) < 0)
    ]
    levies = sum(np.maximum(np.asarray(sales[name], dtype=np.int64), 0) for name in LEVIES)
    return errors + [
        InputError(f"{where[r]}.revenue", "所填规费合计超过土地出让收入")
        for r in np.flatnonzero(np.asarray(levies) > np.asarray(sales["revenue"], dtype=np.int64))
    ]


def check_case(ctx: Context) -> None:
    if ctx.extras.get(CHECKED):
        return
    errors = [*_units(ctx), *_stage_dates(ctx), *_levies(ctx)]
    if errors:
        raise InputErrors(errors)
    ctx.extras[CHECKED] = True
