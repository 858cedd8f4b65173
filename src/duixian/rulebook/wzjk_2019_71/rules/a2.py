"""a2 — 第二条 企业定级备案: A/B/C by the previous year's operating revenue.

One line per enterprise (kind condition): it holds when the enterprise is recognised and reaches a
grade; the step 定级 shows the grade the caps of articles 3 and 6 use. Which year's revenue grades
the enterprise is the reading wzjk-2019-71.a2.grading_basis.
"""

from __future__ import annotations

import numpy as np

from duixian.engine.money import IntArray
from duixian.engine.rules import Context, Lines, Step, keys, make_lines
from duixian.engine.tables import Column
from duixian.rulebook.wzjk_2019_71.document import DOC
from duixian.rulebook.wzjk_2019_71.rules import _enterprises

P = "wzjk-2019-71."
GRADE_NAMES = {"A": "A级", "B": "B级", "C": "C级", "": "未定级"}


_SPAN = 10_000  # basis years further apart than this are written line by line, not as a table


def _year_text(year: int) -> str:
    return f"{year}年" if year >= 0 else "无（未认定）"


def _years(years: IntArray) -> Column:
    """Each basis year in words, each distinct year written once (a city's lines share a few years).
    Most enterprises of a city have none: their words are set for all at once."""
    words = np.empty(len(years), dtype=object)
    words.fill(_year_text(-1))
    dated = np.flatnonzero(years >= 0)
    if not len(dated):
        return words
    known = years[dated]
    low, high = int(known.min()), int(known.max())
    if high - low > _SPAN:
        words[dated] = [_year_text(y) for y in known.tolist()]
        return words
    texts = np.empty(high - low + 1, dtype=object)
    texts[:] = [_year_text(y) for y in range(low, high + 1)]
    words[dated] = texts[known - low]
    return words


def _grade_names(levels: IntArray) -> Column:
    """Each grade level in words; the ungraded, most of a city, are set at once."""
    names = np.asarray([GRADE_NAMES[g] for g in (*_enterprises.GRADES, "")], dtype=object)
    words = np.empty(len(levels), dtype=object)
    words.fill(names[-1])
    graded = np.flatnonzero(levels < len(_enterprises.GRADES))
    words[graded] = names[levels[graded]]
    return words


@DOC.rule(
    "a2",
    lines_from="enterprises",
    title="企业定级备案",
    clause="第二条",
    quote=(
        "对我区电竞文体数字产业专家咨询委员会评审后完成认定的企业，按照企业上年度营业收入进行定级备案。"
        "1.A级：营业收入1亿元（含）以上的企业；2.B级：营业收入2000万元（含）至1亿元的企业；"
        "3.C级：营业收入500万元（含）至2000万元的企业；"
    ),
    kind="condition",
    verdict=("已定级", "未定级"),
)
def grade_lines(ctx: Context) -> Lines:
    e = ctx.table("enterprises")
    g = _enterprises.grading(ctx)
    c_min = ctx.amount(P + "a2.grade_c_min", _enterprises.when(ctx))
    return make_lines(
        P + "a2",
        beneficiary=e["id"],
        subject=keys("enterprise", e["id"]),
        project=keys("enterprise", e["id"]),
        raw_amount=np.zeros(len(e), dtype=np.int64),
        conditions={
            _enterprises.RECOGNISED: g.recognised,
            "定级所依据年度的营业收入已提供": g.revenue >= 0,
            "营业收入达到C级标准（500万元（含）以上）": g.revenue >= c_min,
        },
        steps={
            "recognised_on": Step("认定日", e["recognised_on"], "date"),
            "basis_year": Step("定级依据年度（营业收入所属年度）", _years(g.basis_year), "text"),
            "revenue": Step("营业收入", np.maximum(g.revenue, 0), "fen"),
            "grade": Step("定级", _grade_names(g.level), "text"),
        },
    )
