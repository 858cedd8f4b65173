"""alloc — 四（一）扶持标准: the year's fund shared by score, capped at 50% of actual investment, the
excess carried over; a zone containing a centre rewarded once, at the higher of the two."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from duixian.engine.money import format_fen
from duixian.engine.rules import Context, Lines, Step, make_lines
from duixian.engine.tables import BoolArray, Table
from duixian.rulebook.wswl_2019_130.document import DOC
from duixian.rulebook.wswl_2019_130.rules import _common
from duixian.rulebook.wswl_2019_130.rules._allocation import Allocation, ObjArray, allocate, cap_of

P = _common.P
ONCE = "孰高原则：境外经贸合作区内含海外营运中心的项目只享受一次奖励"


@DOC.rule(
    "alloc",
    title="试点资金按评审分值比例分配",
    clause="四（一）",
    quote=(
        "按照年度试点实施方案，根据联合评审小组评审结果，对合格项目按分值在专项资金总额内按比例予以分配资助，"
        "单个项目资助金额最高不超过实际投入金额的50%，超过部分结转至下年。"
        "境外经贸合作区内含海外营运中心的项目以孰高原则享受一次奖励。"
    ),
    population=True,
)
def allocation(ctx: Context) -> Lines:
    _common.check(ctx)
    projects = ctx.table("projects")
    n = len(projects)
    keys = _common.project_keys(ctx)
    funds_given = len(ctx.table("funds")) > 0
    qualified = _common.eligible(ctx) & funds_given
    fund = int(ctx.table("funds")["amount"].sum())
    pool, credited, notes = _carry_in(ctx, keys, qualified)
    caps = cap_of(projects["actual_investment"], ctx.rate(P + "alloc.cap_rate"))
    weights: ObjArray = np.where(qualified, _common.scaled_scores(ctx), 0)
    excess, rounding = ctx.reading(P + "alloc.excess"), ctx.reading(P + "alloc.rounding")
    zone_centre = ctx.reading(P + "alloc.zone_centre")
    result = allocate(fund + pool, weights, caps, credited, excess, rounding)
    losers, once_notes = _once_per_zone(keys, projects, qualified, result.paid, zone_centre)
    if losers.any():
        if zone_centre == "carry_lower":
            result.carried = result.carried + np.where(losers, result.paid, 0)
            result.paid = np.where(losers, 0, result.paid)
        else:  # reshare: the lower project takes no part; its credited carry-in joins the pool
            pool += int(credited[losers].sum())
            credited = np.where(losers, 0, credited)
            result = allocate(fund + pool, np.where(losers, 0, weights), caps, credited, excess, rounding)
    total_score = sum(
        (Decimal(s) for s, q in zip(projects["score"], qualified, strict=True) if q), Decimal(0)
    )
    lines = make_lines(
        P + "alloc",
        beneficiary=projects["implementer"],
        subject=keys,
        project=keys,
        raw_amount=result.paid,
        conditions={
            "符合申请单位基本条件（wswl-2019-130.e）": _common.eligible(ctx),
            "案例给出当年专项资金总额（funds；本办法未规定金额）": np.full(n, funds_given),
            ONCE: ~losers,
        },
        steps=_steps(ctx, result, fund, pool, caps, total_score, rounding, excess),
        caps={"单个项目资助金额最高不超过实际投入金额的50%": result.before_cap > caps},
    )
    for row_notes in (notes, once_notes, _common.fraud_notes(ctx)):
        for row, texts in row_notes.items():
            for text in texts:
                lines.note(row, text)
    if result.unallocated and n:
        text = (
            f"本年度未分配到项目的 {format_fen(result.unallocated)} 元（取整余数或无项目可再分配）结转至下年"
        )
        for qualified_row in np.flatnonzero(qualified):
            lines.note(int(qualified_row), text)
    return lines


def _carry_in(
    ctx: Context, keys: np.ndarray, qualified: BoolArray
) -> tuple[int, np.ndarray, dict[int, list[str]]]:
    """上年结转: into the year's pool (default), or credited to the project whose excess it was."""
    carried_in = ctx.table("carried_in")
    credited = np.zeros(len(keys), dtype=np.int64)
    notes: dict[int, list[str]] = {}
    if ctx.reading(P + "alloc.carry_in") == "pool":
        return int(carried_in["amount"].sum()), credited, notes
    rows = ctx.table("projects").rows_of(carried_in["for_project"])
    to_project = rows >= 0
    to_project[to_project] = qualified[rows[to_project]]
    np.add.at(credited, rows[to_project], carried_in["amount"][to_project])
    for row in np.flatnonzero(credited):
        notes.setdefault(int(row), []).append(
            f"上年本项目超限结转的 {format_fen(int(credited[row]))} 元计入本项目"
        )
    return int(carried_in["amount"][~to_project].sum()), credited, notes


def _once_per_zone(
    keys: np.ndarray, projects: Table, qualified: BoolArray, paid: np.ndarray, zone_centre: str
) -> tuple[BoolArray, dict[int, list[str]]]:
    """A zone and the centres inside it are rewarded once: the highest amount is kept (equal: the zone)."""
    n = len(projects)
    hosted = projects["host_zone"] != ""
    group = np.where(hosted, projects["host_zone"], projects["id"])
    candidate = qualified & (paid > 0)
    _, codes = np.unique(group.astype(str), return_inverse=True)
    codes = codes.reshape(-1)
    order = np.lexsort((np.arange(n), hosted, -paid, codes))
    order = order[candidate[order]]
    first = np.r_[True, codes[order][1:] != codes[order][:-1]] if len(order) else np.zeros(0, dtype=bool)
    winners = np.zeros(n, dtype=bool)
    winners[order[first]] = True
    losers = candidate & ~winners
    notes: dict[int, list[str]] = {}
    if not losers.any():
        return losers, notes
    winner_of = {str(group[w]): int(w) for w in np.flatnonzero(winners)}
    carry = zone_centre == "carry_lower"
    for row in np.flatnonzero(losers):
        w = winner_of[str(group[row])]
        tail = "本项目金额结转至下年" if carry else "本项目不参与分配，专项资金在其余合格项目间重新按分值分配"
        first = "" if carry else "初算 "  # under reshare the kept project's amount is computed again
        notes.setdefault(int(row), []).append(
            f"孰高原则：与 {keys[w]} 同属一个境外经贸合作区，保留较高的 {keys[w]}（{first}{format_fen(int(paid[w]))} 元），"
            f"本项目（{first}{format_fen(int(paid[row]))} 元）不再奖励；{tail}"
        )
        notes.setdefault(w, []).append(f"孰高原则：与 {keys[row]} 同属一个境外经贸合作区，按较高者奖励一次")
    return losers, notes


def _steps(
    ctx: Context,
    result: Allocation,
    fund: int,
    pool: int,
    caps: np.ndarray,
    total_score: Decimal,
    rounding: str,
    excess: str,
) -> dict[str, Step]:
    projects = ctx.table("projects")
    n = len(projects)
    share_label = {
        "largest_remainder": "按分值比例分配额（到分，最大余数法，合计等于可分配总额）",
        "floor": "按分值比例分配额（到分，向下取整，余数结转）",
    }[rounding]
    steps = {
        "score": Step("联合评审小组评审分值", projects["score"], "number"),
        "total_score": Step("合格项目分值合计", np.full(n, total_score, dtype=object), "number"),
        "fund": Step("当年专项资金总额", np.full(n, fund, dtype=np.int64), "fen"),
        "carry_in_pool": Step("上年结转计入本年分配总额", np.full(n, pool, dtype=np.int64), "fen"),
        "pool": Step("本年可分配总额", np.full(n, fund + pool, dtype=np.int64), "fen"),
        "share": Step(share_label, result.share, "fen"),
        "carry_in_project": Step("上年结转计入本项目", result.credited, "fen"),
        "before_cap": Step("封顶前资助金额", result.before_cap, "fen"),
        "investment": Step("实际投入金额", projects["actual_investment"], "fen"),
        "cap": Step("上限：实际投入金额的50%（向下取整到分）", caps, "fen"),
    }
    if excess == "redistribute":
        steps["redistributed"] = Step(
            "其他项目超限部分本年再分配所得（含重新取整）", result.redistributed, "fen"
        )
    steps["paid"] = Step("资助金额", result.paid, "fen")
    steps["carried"] = Step("结转至下年（本项目超限部分）", result.carried, "fen")
    return steps
