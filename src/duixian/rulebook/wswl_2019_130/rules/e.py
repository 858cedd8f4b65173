"""e — 三、申请单位应具备的基本条件 (one line per project; its implementer is the beneficiary)."""

from __future__ import annotations

import numpy as np

from duixian.engine.rules import Context, Lines, Step, make_lines
from duixian.rulebook.wswl_2019_130.document import DOC
from duixian.rulebook.wswl_2019_130.rules import _common


@DOC.rule(
    "e",
    title="申请单位应具备的基本条件",
    clause="三",
    quote=(
        "1.申请单位应为境外经贸合作区或海外营运中心实施企业，在温州市内依法注册并具有独立法人资格。"
        "2.项目实施企业应在境内已完成商务部对外投资备案手续，取得《企业境外投资证书》，且在境外完成相关登记手续。"
        "3.按规定报送项目进展情况和相关统计资料。"
        "4.资信良好，财会制度健全，未因进行非法经营活动或违反国家关规定受过处罚。"
        "5.境外外经贸综合服务体系试点项目验收在合格档及以上。"
    ),
    kind="condition",
    verdict=("符合申请条件", "不符合申请条件"),
)
def eligibility(ctx: Context) -> Lines:
    _common.check(ctx)
    projects = ctx.table("projects")
    keys = _common.project_keys(ctx)
    kinds = np.asarray([_common.ZONE_NAMES[k] for k in projects["kind"]], dtype=object)
    grades = np.asarray([g or "未验收" for g in projects["acceptance"]], dtype=object)
    lines = make_lines(
        "wswl-2019-130.e",
        beneficiary=projects["implementer"],
        subject=keys,
        project=keys,
        raw_amount=np.zeros(len(projects), dtype=np.int64),
        conditions=_common.conditions(ctx),
        steps={
            "kind": Step("项目类型", kinds, "text"),
            "district": Step("注册地", _common.implementer_column(ctx, "district", ""), "text"),
            "acceptance": Step("试点项目验收等级", grades, "text"),
        },
    )
    for row, texts in _common.fraud_notes(ctx).items():
        for text in texts:
            lines.note(row, text)
    return lines
