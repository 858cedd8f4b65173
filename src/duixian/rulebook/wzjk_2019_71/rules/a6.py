"""a6 — 第六条 游戏开发补贴: 20% of a single project's investment, within a yearly total cap by
grade (A 500万, B 200万, C 100万). One line per project (``dev_projects``).

附则1 就高不重复 is settled here, per project, because it meets the yearly cap across projects: by
the reading wzjk-2019-71.a9.top_up_order the other award for a project is deducted from that
project's own subsidy first and the yearly cap then bounds the differences (projects fill it in
input order; the enterprise's total does not depend on the order), or the cap is first shared pro
rata among the projects and each share then loses the other award.
"""

from __future__ import annotations

import numpy as np

from duixian.engine.money import apply_rate
from duixian.engine.rules import Context, Lines, Step, make_lines, prefixed
from duixian.engine.tables import constant
from duixian.rulebook.wzjk_2019_71.document import DOC
from duixian.rulebook.wzjk_2019_71.rules import _caps, _enterprises, _other_awards

P = "wzjk-2019-71."
KIND_NAMES = {"game": "游戏", "operating_platform": "运营平台", "other_software": "其他软件"}
CAP = "第六条 年补贴总金额上限"


@DOC.rule(
    "a6",
    lines_from="dev_projects",
    title="游戏开发补贴",
    clause="第六条",
    quote=(
        "对完成认定备案的企业进行原创游戏、运营平台等软件的开发，按照单个项目投资比例的20%给予补贴，但1.A级：年补贴总金额"
        "不超过500万元；2.B级：年补贴总金额不超过200万元；3.C级：年补贴总金额不超过100万元；"
    ),
)
def game_development_subsidy(ctx: Context) -> Lines:
    dev = ctx.table("dev_projects")
    n = len(dev)
    enterprise = dev["enterprise"]
    project = prefixed("dev", dev["id"])
    rate = ctx.rate(P + "a6.rate", _enterprises.when(ctx))
    completed = dev["completed_on"].astype("datetime64[D]")
    conditions = {
        **_enterprises.recognition_conditions(ctx, enterprise, grade_needed=True),
        "第六条 游戏须为原创游戏": (dev["kind"] != "game") | np.asarray(dev["original"], dtype=bool),
        "第六条 项目已完成开发（完成日不晚于本年度末）": completed <= np.datetime64(ctx.year_end),
        **_enterprises.after_recognition(ctx, enterprise, "项目开发完成日", completed),
        **_enterprises.validity(
            ctx,
            n,
            {"认定日": _enterprises.recognised_on(ctx, enterprise), "项目开发完成日": completed},
        ),
    }
    eligible = np.ones(n, dtype=bool)
    for passed in conditions.values():
        eligible &= passed
    computed = apply_rate(dev["investment"], rate)
    offered = np.where(eligible, computed, 0).astype(np.int64)
    other = _other_awards.per_line(ctx, enterprise, project)
    levels = _enterprises.levels_of(ctx, enterprise)
    caps = _enterprises.cap_by_grade(ctx, "a6", levels)
    if ctx.reading(P + "a9.top_up_order") == "difference_then_cap":
        own = offered  # the project's own subsidy, before the cap across projects
        deducted = np.minimum(own, other)
        allowed, caps_bound, cap_steps = _caps.yearly_cap(
            ctx, enterprise, own - deducted, eligible, caps, levels, CAP
        )
    else:  # cap_then_difference: the project's share of the capped total, then the other award
        own, caps_bound, cap_steps = _caps.yearly_cap(
            ctx, enterprise, offered, eligible, caps, levels, CAP, pro_rata=True
        )
        deducted = np.minimum(own, other)
        allowed = own - deducted
        cap_steps["allowed"] = Step("本笔补贴（年度上限及附则1适用后）", allowed, "fen")
    lines = make_lines(
        P + "a6",
        beneficiary=enterprise,
        subject=project,
        project=project,
        raw_amount=allowed,
        conditions=conditions,
        steps={
            "grade": Step("企业等级", _enterprises.grade_words(levels), "text"),
            "kind": Step(
                "开发软件类别",
                np.asarray([KIND_NAMES[str(k)] for k in dev["kind"].tolist()], dtype=object),
                "text",
            ),
            "completed_on": Step("项目开发完成日", completed, "date"),
            "investment": Step("单个项目投资", dev["investment"], "fen"),
            "rate": Step("补贴比例", constant(n, _enterprises.percent(rate)), "text"),
            "computed": Step("项目投资 × 补贴比例（四舍五入到分）", computed, "fen"),
            "other_award": Step("附则1 其他政策已就本项目给予", other, "fen"),
            "difference": Step("附则1 就高不重复后本意见补足的差额", own - deducted, "fen"),
            **cap_steps,
        },
        caps=caps_bound,
    )
    for r in np.flatnonzero(eligible & (deducted > 0)):
        lines.note(
            int(r),
            _other_awards.note(
                ctx,
                str(enterprise[r]),
                str(project[r]),
                int(other[r]),
                int(own[r]),
                int(deducted[r]),
                int(lines.amount[r]),
            ),
        )
    return lines
