"""第一条 — the ban zone: the area the eight roads enclose, the boundary roads excluded."""

from __future__ import annotations

import numpy as np

from duixian.engine.rules import Context, Lines, make_lines
from duixian.rulebook.wztg_2019_5.document import DOC
from duixian.rulebook.wztg_2019_5.rules import _machines


@DOC.rule(
    "zone",
    title="禁止使用高排放非道路移动机械区域",
    clause="第一条",
    quote=(
        "禁止使用高排放非道路移动机械区域为：勤奋路-过境路-双南线-瓯海大道-汤家桥路-江滨东路-府东路-瓯江路"
        "构成的合围区域（不含边界道路）。"
    ),
    kind="condition",
    verdict=("在禁止使用区内", "不在禁止使用区内"),
)
def ban_zone(ctx: Context) -> Lines:
    beneficiary, subject = _machines.keys(ctx)
    where = _machines.zone_position(ctx)
    return make_lines(
        "wztg-2019-5.zone",
        beneficiary=beneficiary,
        subject=subject,
        project=subject,
        raw_amount=np.zeros(len(subject), dtype=np.int64),
        conditions={
            "位于合围区域（用户提供的多边形）内": where.inside_polygon,
            "不在边界道路上：距多边形边界线超过边界道路半宽": ~where.on_boundary_road,
        },
        steps=where.steps,
    )
