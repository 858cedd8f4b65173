"""flow — 四、创建流程: 规划先行 → 项目储备 → 试点申报 → 落地实施 → 验收命名, in that order.

One line per pilot with a recorded history (``stages``, in the order recorded). The history is valid
only when it starts with 规划先行, each later record is the stage right after the one before (no
skipping, no going back, no repeating), and no stage is dated before the one before it. A history
that stops part way is valid so far. Each kind of illegal step is its own condition, and the step
``illegal`` names the first one.
"""

from __future__ import annotations

import numpy as np

from duixian.engine.rules import Context, Lines, Step, keys, make_lines
from duixian.engine.tables import BoolArray, Column, index_of
from duixian.rulebook.wzb_2019_75.case import STAGE_NAMES, STAGES
from duixian.rulebook.wzb_2019_75.document import DOC
from duixian.rulebook.wzb_2019_75.rules._checks import check_case

P = "wzb-2019-75."


def _per_pilot(bad_rows: BoolArray, pilot_of_row: Column, n: int) -> BoolArray:
    """True for each pilot none of whose rows is bad."""
    return np.asarray(np.bincount(pilot_of_row[bad_rows], minlength=n) == 0, dtype=bool)


@DOC.rule(
    "flow",
    title="未来社区试点创建流程顺序",
    clause="四、（一）至（五）",
    quote=(
        "（一）规划先行。……（二）项目储备。……（三）试点申报。市发展改革委根据省未来社区试点申报要求，"
        "组织相关县（市、区）、市级功能区编制试点申报实施方案，报市政府审核同意后，积极争列省试点。"
        "（四）落地实施。省试点名单明确后，试点所在地细化完善申报方案，形成落地性实施方案。……"
        "（五）验收命名。对如期竣工、试运行顺利、符合建设评价指标体系的试点项目，由县（市、区）政府、"
        "市级功能区管委会向省发展改革委提交验收申请报告。验收通过的未来社区，经省政府同意后命名公布。"
    ),
    kind="condition",
    verdict=("创建流程顺序合规", "创建流程顺序不合规"),
)
def stage_order(ctx: Context) -> Lines:
    check_case(ctx)
    ctx.reading(P + "period")
    ctx.reading(P + "flow.order")
    ctx.reading(P + "flow.dates")
    pilots, records = ctx.table("pilots"), ctx.table("pilots.stages")
    parent = records["parent"]
    stage = np.asarray([STAGES.index(s) for s in records["stage"]], dtype=np.int64)
    dates = records["date"]
    # Child rows are grouped by pilot, in the order recorded: the previous row is the same pilot's.
    first = np.ones(len(parent), dtype=bool)
    first[1:] = parent[1:] != parent[:-1]
    prev_stage = np.concatenate([[-1], stage[:-1]]) if len(stage) else stage
    prev_date = np.concatenate([dates[:1], dates[:-1]]) if len(dates) else dates
    repeated = ~first & (stage == prev_stage)
    out_of_order = ~first & ~repeated & (stage != prev_stage + 1)
    bad_start = first & (stage != 0)
    dated_back = ~first & (dates < prev_date)

    with_history = np.flatnonzero(np.isin(pilots["id"], parent))
    ids = pilots["id"][with_history]
    pilot_of_row = index_of(parent, ids)
    n = len(ids)
    conditions: dict[str, BoolArray] = {"首个记录阶段为“规划先行”": _per_pilot(bad_start, pilot_of_row, n)}
    for k in range(1, len(STAGES)):
        label = f"进入“{STAGE_NAMES[STAGES[k]]}”前一阶段为“{STAGE_NAMES[STAGES[k - 1]]}”（不得跳过或倒退）"
        conditions[label] = _per_pilot(out_of_order & (stage == k), pilot_of_row, n)
    conditions["同一阶段不重复记录"] = _per_pilot(repeated, pilot_of_row, n)
    conditions["各阶段日期不早于前一阶段"] = _per_pilot(dated_back, pilot_of_row, n)

    group_start = np.flatnonzero(first)[np.cumsum(first) - 1] if len(first) else first.astype(np.int64)
    illegal = np.full(n, "无", dtype=object)
    bad = bad_start | out_of_order | repeated | dated_back
    for row in np.flatnonzero(bad)[::-1]:  # the first bad row of each pilot is written last
        p = pilot_of_row[row]
        position = row - group_start[row] + 1
        now = f"第{position}条记录“{STAGE_NAMES[str(records['stage'][row])]}”（{dates[row]}）"
        if bad_start[row]:
            illegal[p] = f"{now}：流程须从“规划先行”开始"
        elif repeated[row]:
            illegal[p] = f"{now}：重复记录同一阶段"
        elif out_of_order[row]:
            before = STAGE_NAMES[STAGES[prev_stage[row]]]
            expected = (
                STAGE_NAMES[STAGES[prev_stage[row] + 1]]
                if prev_stage[row] + 1 < len(STAGES)
                else "（流程已结束）"
            )
            illegal[p] = f"{now}：前一阶段为“{before}”，下一阶段应为“{expected}”"
        else:
            illegal[p] = f"{now}：日期早于前一阶段（{prev_date[row]}）"
    history = np.full(n, "", dtype=object)
    names = [STAGE_NAMES[str(s)] for s in records["stage"]]
    starts = np.flatnonzero(first)
    ends = np.concatenate([starts[1:], [len(first)]])[: len(starts)]
    for start, end in zip(starts, ends, strict=True):
        history[pilot_of_row[start]] = " → ".join(names[start:end])
    return make_lines(
        P + "flow",
        beneficiary=ids,
        subject=keys("pilot", ids),
        project=keys("pilot", ids),
        raw_amount=np.zeros(n, dtype=np.int64),
        conditions=conditions,
        steps={
            "history": Step("记录的阶段（按记录顺序）", history, "text"),
            "illegal": Step("第一处违规步骤", illegal, "text"),
        },
    )
