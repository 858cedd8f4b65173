"""a3 — 第三条 宽带资费补贴: 50% of the self-use broadband charges actually incurred, for three
consecutive years from recognition, within a yearly cap by grade (A 100万, B 50万, C 20万).

One line per bill (``broadband_costs``); the bills of one enterprise fill its yearly cap in input
order. How the three years are counted is the reading wzjk-2019-71.a3.window.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from duixian.engine.money import apply_rate
from duixian.engine.rules import Context, Lines, Step, keys, make_lines
from duixian.engine.tables import constant
from duixian.rulebook.wzjk_2019_71.document import DOC
from duixian.rulebook.wzjk_2019_71.rules import _caps, _enterprises

P = "wzjk-2019-71."


def window_end(recognised_on: npt.NDArray[np.datetime64], years: int, how: str) -> npt.NDArray[np.datetime64]:
    """The last day the subsidy covers: 31 December of the (years)th calendar year counting the recognition
    year, or — counted in months (民法典 第二百零二条) — the day corresponding to the recognition day
    12×years months later (the month's last day where there is none)."""
    start = recognised_on.astype("datetime64[D]")
    if how == "calendar_years":
        return np.asarray((start.astype("datetime64[Y]") + years).astype("datetime64[D]") - 1)
    first_month = start.astype("datetime64[M]")
    day = (start - first_month.astype("datetime64[D]")).astype(np.int64)
    month = first_month + 12 * years
    length = ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(np.int64)
    return np.asarray(month.astype("datetime64[D]") + np.minimum(day, length - 1))


@DOC.rule(
    "a3",
    lines_from="broadband_costs",
    title="宽带资费补贴",
    clause="第三条",
    quote=(
        "对完成认定备案的企业，给予连续三年自用宽带资费补贴，补贴标准为实际发生费用的50%，且1.A级：年补贴金额不超过"
        "100万元；2.B级：年补贴金额不超过50万元；3.C级：年补贴金额不超过20万元；"
    ),
)
def broadband_subsidy(ctx: Context) -> Lines:
    bills = ctx.table("broadband_costs")
    enterprise = bills["enterprise"]
    at_date = _enterprises.when(ctx)
    rate = ctx.rate(P + "a3.rate", at_date)
    years = ctx.count(P + "a3.years", at_date)
    how = ctx.reading(P + "a3.window")
    recognised_on = _enterprises.recognised_on(ctx, enterprise)
    last_day = window_end(recognised_on, years, how)
    incurred = bills["incurred_on"].astype("datetime64[D]")
    window = "认定当年起连续三个年度" if how == "calendar_years" else "认定之日起连续36个月"
    conditions = {
        **_enterprises.recognition_conditions(ctx, enterprise, grade_needed=True),
        f"第三条 费用发生于补贴期内（{window}）": (incurred >= recognised_on) & (incurred <= last_day),
        # The recognition must fall in the validity; the bills of the three years may come after it.
        **_enterprises.validity(ctx, len(bills), {"认定日": recognised_on}, {"宽带费用发生日": incurred}),
    }
    eligible = np.ones(len(bills), dtype=bool)
    for passed in conditions.values():
        eligible &= passed
    computed = apply_rate(bills["cost"], rate)
    levels = _enterprises.levels_of(ctx, enterprise)
    caps = _enterprises.cap_by_grade(ctx, "a3", levels)
    allowed, caps_bound, cap_steps = _caps.yearly_cap(
        ctx, enterprise, computed, eligible, caps, levels, "第三条 年补贴金额上限"
    )
    return make_lines(
        P + "a3",
        beneficiary=enterprise,
        subject=keys("broadband", bills["id"]),
        project=keys("broadband", enterprise),
        raw_amount=allowed,
        conditions=conditions,
        steps={
            "grade": Step("企业等级", _enterprises.grade_words(levels), "text"),
            "recognised_on": Step("认定日", recognised_on, "date"),
            "window_end": Step(f"补贴期末日（{window}）", last_day, "date"),
            "incurred_on": Step("费用发生日", incurred, "date"),
            "cost": Step("自用宽带资费实际发生费用", bills["cost"], "fen"),
            "rate": Step("补贴比例", constant(len(bills), _enterprises.percent(rate)), "text"),
            "computed": Step("实际发生费用 × 补贴比例（四舍五入到分）", computed, "fen"),
            **cap_steps,
        },
        caps=caps_bound,
    )
