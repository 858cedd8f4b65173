"""第二条 — high-emission non-road mobile machinery: smoke not meeting Class III of GB 36886-2018."""

from __future__ import annotations

import numpy as np

from duixian.engine.rules import Context, Lines, make_lines
from duixian.rulebook.wztg_2019_5.document import DOC
from duixian.rulebook.wztg_2019_5.rules import _machines


@DOC.rule(
    "high",
    title="高排放非道路移动机械",
    clause="第二条",
    quote=(
        "高排放非道路移动机械为：排气烟度检测结果未达到《非道路柴油移动机械排气烟度限值及测量方法》"
        "（GB36886-2018）规定的Ⅲ类限值标准的非道路移动机械，包括但不限于工程机械(包括装载机、挖掘机、推土机、"
        "压路机、沥青摊铺机、叉车、非公路用卡车等)、农业机械、林业机械、材料装卸机械、工业钻探设备、雪犁设备、"
        "机场地勤设备等非道路移动机械，以及空气压缩机、发电机组、渔业机械、水泵等非道路移动机械。"
    ),
    kind="condition",
    verdict=("高排放非道路移动机械", "非高排放（排气烟度达到Ⅲ类限值）"),
)
def high_emission(ctx: Context) -> Lines:
    beneficiary, subject = _machines.keys(ctx)
    test = _machines.high_emission(ctx)
    lines = make_lines(
        "wztg-2019-5.high",
        beneficiary=beneficiary,
        subject=subject,
        project=subject,
        raw_amount=np.zeros(len(subject), dtype=np.int64),
        conditions={"排气烟度未达到GB 36886-2018 Ⅲ类限值（光吸收系数或林格曼黑度超过限值）": test.high},
        steps=test.steps,
    )
    lines.verdicts = test.verdicts
    return lines
