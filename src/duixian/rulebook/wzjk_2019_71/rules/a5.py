"""a5 — 第五条 自研IP产品奖励: 30 original IPs a year, each at most 20万.

The gazette fixes no amount, only the ceiling: each IP carries the amount the committee decided
(``amount_decided``) and the rule holds it to 20万. The quota depends on every IP put forward in the
year (``population=True``): of the IPs that meet every other condition and were given an amount,
the first 30 in the order of the reading wzjk-2019-71.a5.quota_order are awarded. The IP's release
date is checked against the validity (附则5) and the recognition; that an IP is awarded once across
years is the ledger's job.
"""

from __future__ import annotations

import numpy as np

from duixian.engine.money import IntArray, cap
from duixian.engine.rules import Context, Lines, Step, keys, make_lines
from duixian.engine.tables import BoolArray
from duixian.errors import InputError, InputErrors
from duixian.rulebook.wzjk_2019_71.document import DOC
from duixian.rulebook.wzjk_2019_71.rules import _enterprises

P = "wzjk-2019-71."
KIND_NAMES = {
    "game": "原创游戏",
    "operating_platform": "运营平台",
    "literature": "文娱产品（文学类）",
    "live_streaming": "文娱产品（直播类）",
    "variety_show": "文娱产品（综艺类）",
    "animation": "文娱产品（动漫类）",
    "film_tv": "文娱产品（影视作品）",
    "other_entertainment": "文娱产品（其他）",
}
ORDER_NAMES = {"review_rank": "专家评审排名", "application_order": "申报顺序"}


def quota_places(ranks: IntArray, candidates: BoolArray, quota: int, by: str) -> IntArray:
    """Each candidate's place (1, 2, …) in the order that fills the quota; 0 for non-candidates.

    By review rank, a missing rank or a tie across the last place is refused when the quota binds:
    the committee's ranking, not the program, decides who gets the 30th award.
    """
    n = len(ranks)
    rows = np.flatnonzero(candidates)
    places = np.zeros(n, dtype=np.int64)
    if by == "review_rank":
        binding = len(rows) > quota
        missing = rows[ranks[rows] < 0]
        if binding and len(missing):
            raise InputErrors(
                [
                    InputError(
                        f"ip_works[{r}].review_rank",
                        f"必填：符合条件的 IP 有 {len(rows)} 个，每年奖励名额为 {quota} 个（第五条），须按评审排名确定",
                    )
                    for r in missing
                ]
            )
        order = rows[np.lexsort((rows, ranks[rows]))]
        if binding and ranks[order[quota - 1]] == ranks[order[quota]]:
            tied = order[ranks[order] == ranks[order[quota]]]
            raise InputErrors(
                [
                    InputError(
                        f"ip_works[{r}].review_rank",
                        f"评审排名 {ranks[r]} 并列，跨过第 {quota} 个奖励名额：须由专家委员会确定先后",
                    )
                    for r in tied
                ]
            )
    else:
        order = rows
    places[order] = np.arange(1, len(order) + 1)
    return places


@DOC.rule(
    "a5",
    lines_from="ip_works",
    title="自研IP产品奖励",
    clause="第五条",
    quote=(
        "对完成认定备案的企业，进行原创游戏、运营平台、文娱产品（包括文学类、直播类、综艺类、动漫类、影视作品等）的开发"
        "创作进行奖励。每年奖励30个原创自研IP，每个不超过20万。"
    ),
    population=True,
)
def original_ip_award(ctx: Context) -> Lines:
    ip = ctx.table("ip_works")
    enterprise = ip["enterprise"]
    at_date = _enterprises.when(ctx)
    quota = ctx.count(P + "a5.quota", at_date)
    ceiling = ctx.amount(P + "a5.cap", at_date)
    by = ctx.reading(P + "a5.quota_order")
    decided = ip["amount_decided"]
    released = ip["released_on"].astype("datetime64[D]")
    conditions = {
        **_enterprises.scope_for(ctx, enterprise),
        **_enterprises.recognition_conditions(ctx, enterprise, grade_needed=False),
        "第五条 原创自研IP": np.asarray(ip["original"], dtype=bool),
        "第五条 作品已发布（发布日不晚于本年度末）": released <= np.datetime64(ctx.year_end),
        **_enterprises.after_recognition(ctx, enterprise, "作品发布日", released),
        **_enterprises.validity(
            ctx, len(ip), {"认定日": _enterprises.recognised_on(ctx, enterprise), "作品发布日": released}
        ),
    }
    candidates = np.ones(len(ip), dtype=bool)
    for passed in conditions.values():
        candidates &= passed
    candidates &= decided > 0
    places = quota_places(ip["review_rank"], candidates, quota, by)
    # Only a candidate can lose on the quota: an IP failing another test, or given no amount, takes no place.
    conditions[f"第五条 列入当年{quota}个奖励名额（按{ORDER_NAMES[by]}）"] = ~candidates | (places <= quota)
    allowed, capped = cap(decided, np.full(len(ip), ceiling, dtype=np.int64))
    return make_lines(
        P + "a5",
        beneficiary=enterprise,
        subject=keys("ip", ip["id"]),
        project=keys("ip", ip["id"]),
        raw_amount=allowed,
        conditions=conditions,
        steps={
            "kind": Step(
                "IP类别", np.asarray([KIND_NAMES[str(k)] for k in ip["kind"].tolist()], dtype=object), "text"
            ),
            "review_rank": Step(
                "专家评审排名",
                np.asarray([str(r) if r > 0 else "未排名" for r in ip["review_rank"].tolist()], object),
                "text",
            ),
            "place": Step(
                f"名额排序（按{ORDER_NAMES[by]}）",
                np.asarray([str(p) if p else "不参与排序" for p in places.tolist()], dtype=object),
                "text",
            ),
            "released_on": Step("作品发布日", released, "date"),
            "decided": Step("专家咨询委员会评定的奖励金额", decided, "fen"),
            "cap": Step("每个IP奖励上限", np.full(len(ip), ceiling, dtype=np.int64), "fen"),
            "allowed": Step("奖励金额（上限适用后）", allowed, "fen"),
        },
        caps={"第五条 每个不超过20万": capped},
    )
