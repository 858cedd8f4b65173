"""a1 — 第一条 释义及适用范围: which enterprises the opinions apply to.

One line per enterprise shows each test (kind condition); ``DOC.scope`` adds the same tests to
every cash line for its beneficiary (a4, an investment, adds them itself). Recognition by the
expert committee is not part of 第一条: articles 3, 5, 6 and 7 ask it (完成认定备案), article 4 does not.
"""

from __future__ import annotations

import numpy as np

from duixian.engine.rules import Context, Lines, RuleSpec, Step, keys, make_lines
from duixian.engine.tables import BoolArray
from duixian.rulebook.wzjk_2019_71.document import DOC
from duixian.rulebook.wzjk_2019_71.rules import _enterprises

P = "wzjk-2019-71."


@DOC.rule(
    "a1",
    lines_from="enterprises",
    title="电竞文体数字企业释义及适用范围",
    clause="第一条",
    quote=(
        "1.电竞文体数字企业主要指从事电竞、游戏、“文化体育+互联网”产业相关企业，主要包括原创游戏开发、游戏发行、"
        "赛事运营平台、赛事直播平台、电子商务、游戏软件开发、电子硬件智能化产品生产销售、电竞公共服务平台、网络视听、"
        "网络动漫、电竞教育和培训、电竞经纪、电竞媒体、大数据、电竞赛馆及电竞游乐场所建设、区块链技术应用等；"
        "2.本意见适用于注册地和财政收入在温州浙南产业集聚区、温州经济技术开发区（不包括状蒲园区）、瓯飞范围内，"
        "且符合以下条件的电竞文体数字企业：（1）企业架构符合现代企业制度，内部管理制度健全，财务管理和会计核算合法、"
        "规范，管理团队具有较高的经营管理水平和较强的市场开拓能力。（2）企业无不良信用记录，无重大安全事故发生，"
        "无不良经营行为。"
    ),
    kind="condition",
    verdict=("适用本意见", "不适用本意见"),
)
def scope_lines(ctx: Context) -> Lines:
    e = ctx.table("enterprises")
    ids = e["id"]
    checks = _enterprises.scope_checks(ctx)
    return make_lines(
        P + "a1",
        beneficiary=ids,
        subject=keys("enterprise", ids),
        project=keys("enterprise", ids),
        raw_amount=np.zeros(len(e), dtype=np.int64),
        conditions=dict(checks),
        steps={
            "registered_area": Step("注册地", e["registered_area"], "text"),
            "fiscal_area": Step("财政收入缴纳地", e["fiscal_area"], "text"),
            "business": Step(
                "主营业务", _enterprises.business_names(e, checks[_enterprises.BUSINESS]), "text"
            ),
        },
    )


def scope(ctx: Context, lines: Lines, spec: RuleSpec) -> dict[str, BoolArray]:
    """第一条's tests for each line's beneficiary (an enterprise not in the case fails them)."""
    return _enterprises.scope_for(ctx, lines.beneficiary)


DOC.scope = scope
