"""第三条 and the commencement — using a high-emission machine in the zone from 2020-03-01 is prohibited."""

from __future__ import annotations

import numpy as np

from duixian.engine.rules import Context, Lines, Step, make_lines
from duixian.rulebook.wztg_2019_5.document import DOC
from duixian.rulebook.wztg_2019_5.rules import _machines

PENALTY = "由生态环境部门依法予以处罚；交通运输、住房和城乡建设、综合行政执法、农业农村、水利、市场监督管理等部门予以配合"


@DOC.rule(
    "ban",
    title="禁止在禁止使用区内使用高排放非道路移动机械",
    clause="第三条；施行日期",
    quote=(
        "在禁止使用高排放非道路移动机械区域内使用高排放非道路移动机械的，由生态环境部门依法予以处罚，交通运输、"
        "住房和城乡建设、综合行政执法、农业农村、水利、市场监督管理等部门应予以配合。本通告自2020年3月1日起施行。"
    ),
    kind="condition",
    verdict=("禁止使用", "不在禁止之列"),
)
def ban(ctx: Context) -> Lines:
    beneficiary, subject = _machines.keys(ctx)
    test = _machines.high_emission(ctx)
    where = _machines.zone_position(ctx)
    in_force, start = _machines.used_from(ctx)
    prohibited = test.high & where.in_zone & in_force
    steps = {
        **{k: test.steps[k] for k in ("type", "power", "absorption", "absorption_limit", "ringelmann")},
        "ringelmann_limit": test.steps["ringelmann_limit"],
        "basis": test.steps["basis"],
        **{k: where.steps[k] for k in ("zone", "position", "distance_m", "half_width_m")},
        "used_on": Step("使用日期", ctx.table("machines")["used_on"], "date"),
        "enforcement": Step(
            "处罚", np.where(prohibited, PENALTY, "—（不在禁止之列，本通告不予处罚）").astype(object), "text"
        ),
    }
    return make_lines(
        "wztg-2019-5.ban",
        beneficiary=beneficiary,
        subject=subject,
        project=subject,
        raw_amount=np.zeros(len(subject), dtype=np.int64),
        conditions={
            "高排放非道路移动机械（第二条，见 wztg-2019-5.high）": test.high,
            "在禁止使用区内，不含边界道路（第一条，见 wztg-2019-5.zone）": where.in_zone,
            f"使用日期在通告施行之日（{start}）或以后": in_force,
        },
        steps=steps,
    )
