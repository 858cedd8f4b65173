"""a6 — 第六条 游戏开发补贴: 20% of a single project's investment, within a yearly total cap by
grade (A 500万, B 200万, C 100万). One line per project (``dev_projects``); the projects of one
enterprise fill its yearly cap in input order.
"""

from __future__ import annotations

import numpy as np

from duixian.engine.money import apply_rate
from duixian.engine.rules import Context, Lines, Step, make_lines, prefixed
from duixian.rulebook.wzjk_2019_71.document import DOC
from duixian.rulebook.wzjk_2019_71.rules import _caps, _enterprises

P = "wzjk-2019-71."
KIND_NAMES = {"game": "游戏", "operating_platform": "运营平台", "other_software": "其他软件"}


@DOC.rule(
    "a6",
    title="游戏开发补贴",
    clause="第六条",
    quote=(
        "对完成认定备案的企业进行原创游戏、运营平台等软件的开发，按照单个项目投资比例的20%给予补贴，但1.A级：年补贴总金额"
        "不超过500万元；2.B级：年补贴总金额不超过200万元；3.C级：年补贴总金额不超过100万元；"
    ),
)
def game_development_subsidy(ctx: Context) -> Lines:
    dev = ctx.table("dev_projects")
    enterprise = dev["enterprise"]
    rate = ctx.rate(P + "a6.rate", _enterprises.when(ctx))
    conditions = {
        **_enterprises.recognition_conditions(ctx, enterprise, grade_needed=True),
        "第六条 游戏须为原创游戏": (dev["kind"] != "game") | np.asarray(dev["original"], dtype=bool),
    }
    eligible = np.ones(len(dev), dtype=bool)
    for passed in conditions.values():
        eligible &= passed
    computed = apply_rate(dev["investment"], rate)
    grades = _enterprises.grades_of(ctx, enterprise)
    caps = _enterprises.cap_by_grade(ctx, "a6", grades)
    allowed, caps_bound, cap_steps = _caps.yearly_cap(
        enterprise, computed, eligible, caps, grades, "第六条 年补贴总金额上限"
    )
    return make_lines(
        P + "a6",
        beneficiary=enterprise,
        subject=prefixed("dev", dev["id"]),
        project=prefixed("dev", dev["id"]),
        raw_amount=allowed,
        conditions=conditions,
        steps={
            "grade": Step("企业等级", np.where(grades == "", "未定级", grades + "级").astype(object), "text"),
            "kind": Step(
                "开发软件类别", np.asarray([KIND_NAMES[str(k)] for k in dev["kind"]], dtype=object), "text"
            ),
            "investment": Step("单个项目投资", dev["investment"], "fen"),
            "rate": Step("补贴比例", np.full(len(dev), _enterprises.percent(rate), dtype=object), "text"),
            "computed": Step("项目投资 × 补贴比例（四舍五入到分）", computed, "fen"),
            **cap_steps,
        },
        caps=caps_bound,
    )
