"""std — 正文: the standards by district, urban and rural alike, from 2019-10-01."""

from __future__ import annotations

import numpy as np

from duixian.engine.rules import Context, Lines, Step, keys, make_lines
from duixian.rulebook.wzf_2019_16.document import DOC
from duixian.rulebook.wzf_2019_16.rules import _standard


@DOC.rule(
    "std",
    title="城乡居民最低生活保障标准",
    clause="正文",
    quote=(
        "乐清市城乡居民最低生活保障标准从737元/人·月调整到804元/人·月；"
        "瑞安市城乡居民最低生活保障标准从720元/人·月调整到804元/人·月；"
        "永嘉县、文成县、平阳县、泰顺县、苍南县、龙港市城乡居民最低生活保障标准从664元/人·月调整到804元/人·月。"
        "……调整后的城乡居民最低生活保障标准从2019年10月1日起执行。"
    ),
    kind="definition",
    verdict=("本通知所定标准", "调整前标准（起始日期本公报未载明）"),
)
def standards(ctx: Context) -> Lines:
    lookups = ctx.table("lookups")
    districts, months = lookups["district"], lookups["month"]
    found = _standard.per_row(ctx, "lookups", districts, months)
    lines = make_lines(
        "wzf-2019-16.std",
        beneficiary=districts,
        subject=keys("lookup", lookups["id"]),
        project=keys("std", districts),
        raw_amount=np.zeros(len(lookups), dtype=np.int64),
        conditions={"该月在2019年10月1日调整之后（适用本通知所定标准）": ~found.previous},
        steps={
            "district": Step("县（市、区）", districts, "text"),
            "month": Step("月份", _standard.month_text(months), "text"),
            "standard": Step("城乡居民最低生活保障标准（元/人·月）", found.fen, "fen"),
        },
    )
    for row, note in found.notes.items():
        lines.note(row, note)
    return lines
