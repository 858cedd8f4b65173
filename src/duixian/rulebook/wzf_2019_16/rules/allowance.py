"""allowance — a household's monthly allowance under the provincial rules the notice names.

《浙江省社会救助条例》第十二条: “按照共同生活的家庭成员人均月收入低于当地最低生活保障标准的差额按月发给
最低生活保障金”, i.e. (standard − per-capita monthly income) × members = standard × members − total
income: exact in fen whichever income is given, so only the yuan reading rounds.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from duixian.engine.money import IntArray, mul_div_round
from duixian.engine.rules import Context, Lines, Step, keys, make_lines
from duixian.engine.tables import Column
from duixian.rulebook.wzf_2019_16.document import DOC
from duixian.rulebook.wzf_2019_16.rules import _standard

P = "wzf-2019-16."


@DOC.rule(
    "allowance",
    title="最低生活保障金（按差额按月发给）",
    clause="正文首段（依据《浙江省社会救助条例》《浙江省最低生活保障办法》）",
    quote=(
        "根据《浙江省社会救助条例》《浙江省最低生活保障办法》有关规定，经研究，决定调整全市城乡居民最低生活"
        "保障标准。……调整后的城乡居民最低生活保障金支出，按原渠道给予保障。"
    ),
)
def allowance(ctx: Context) -> Lines:
    households = ctx.table("households")
    members = households["members"]
    given_per_capita = households["income_per_capita"] >= 0  # the other is -1 (absent)
    total = np.where(given_per_capita, households["income_per_capita"] * members, households["income_total"])
    found = _standard.per_row(ctx, "households", households["district"], households["month"])
    std_total = found.fen * members
    gap = std_total - total  # = (standard − per-capita income) × members, exactly
    ctx.reading(P + "allowance.month")  # the standard of the month the allowance is for (see _standard)
    ctx.param(P + "allowance.basis")
    ctx.param(P + "allowance.eligibility")
    if ctx.reading(P + "allowance.equal_income") == "not_eligible":
        condition = "家庭成员人均月收入低于当地最低生活保障标准（《浙江省社会救助条例》第九条，不含等于）"
        qualifies = gap > 0
    else:
        condition = "家庭成员人均月收入不高于当地最低生活保障标准（等于标准者认定为低保家庭，保障金为零）"
        qualifies = gap >= 0
    raw, rounding = _rounded(ctx, np.maximum(gap, 0))
    lines = make_lines(
        "wzf-2019-16.allowance",
        beneficiary=households["id"],
        subject=keys("household", households["id"]),
        project=keys("household", households["id"]),
        raw_amount=raw,
        conditions={condition: qualifies},
        steps={
            "district": Step("县（市、区）", households["district"], "text"),
            "month": Step("月份", _standard.month_text(households["month"]), "text"),
            "standard": Step("当地最低生活保障标准（元/人·月）", found.fen, "fen"),
            "members": Step("共同生活的家庭成员人数", members, "count"),
            "income_per_capita": Step("家庭成员人均月收入（元）", _per_capita_text(total, members), "text"),
            "income_total": Step("家庭月总收入（元）", total, "fen"),
            "standard_total": Step("标准 × 人数", std_total, "fen"),
            "gap": Step("（标准 − 人均月收入）× 人数 = 标准 × 人数 − 家庭月总收入", gap, "fen"),
            "allowance": Step(f"月最低生活保障金（{rounding}）", raw, "fen"),
        },
    )
    for row, note in found.notes.items():
        lines.note(row, note)
    return lines


def _rounded(ctx: Context, gap: IntArray) -> tuple[IntArray, str]:
    if ctx.reading(P + "allowance.rounding") == "yuan_half_up":
        return mul_div_round([gap], 100) * 100, "四舍五入到元"
    return gap, "精确到分，无需舍入"


def _per_capita_text(total: IntArray, members: IntArray) -> Column:
    """Exact when it is a whole number of fen; else to four decimals, marked as not exact."""
    out = []
    for t, m in zip(total.tolist(), members.tolist(), strict=True):
        if t % m == 0:
            out.append(f"{Decimal(t // m) / 100:.2f}")
        else:
            out.append(f"{Decimal(t) / 100 / Decimal(m):.4f}…（总收入 ÷ {m}，比较时按精确值）")
    return np.asarray(out, dtype=object)
