"""Facts about enterprises that several articles ask: in scope (第一条), recognised and graded (第二条),
their figures by year, and whether a dated event falls in the policy's period (附则5).

Per-enterprise arrays are computed once per evaluation (cached in ``ctx.extras``); the readings and
parameters they depend on are asked of the context on every call, so each rule's lines record them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from duixian.engine.money import IntArray
from duixian.engine.rules import Context
from duixian.engine.tables import BoolArray, Column, Table, gather
from duixian.rulebook.wzjk_2019_71.case import BUSINESS_NAMES, ZONE_AREAS
from duixian.rulebook.wzjk_2019_71.document import DOC

P = "wzjk-2019-71."
GRADES = ("A", "B", "C")
_YEARS = 2**16  # (enterprise row, year) → row × 2^16 + year

REGISTERED = "第一条2 注册地在温州浙南产业集聚区、温州经济技术开发区（不包括状蒲园区）、瓯飞范围内"
FISCAL = "第一条2 财政收入在温州浙南产业集聚区、温州经济技术开发区（不包括状蒲园区）、瓯飞范围内"
BUSINESS = "第一条1 电竞文体数字企业（从事电竞、游戏、“文化体育+互联网”产业）"
GOVERNANCE = "第一条2(1) 企业架构符合现代企业制度，内部管理制度健全，财务管理和会计核算合法、规范"
CREDIT = "第一条2(2) 企业无不良信用记录"
SAFETY = "第一条2(2) 无重大安全事故发生"
CONDUCT = "第一条2(2) 无不良经营行为"

RECOGNISED = "第二条 经专家咨询委员会评审完成认定（认定日不晚于本年度末）"
GRADED = "第二条 已按上年度营业收入定级备案（A、B、C级）"


def when(ctx: Context) -> dt.date:
    """The date parameters are read at: the year's first day, or the policy's first day in 2019."""
    return ctx.reference_date


def percent(rate: Fraction) -> str:
    """1/2 → '50%' (step labels; the rate itself is a parameter)."""
    return f"{float(rate * 100):g}%"


def rows(ctx: Context, ids: Column) -> npt.NDArray[np.intp]:
    return ctx.table("enterprises").rows_of(np.asarray(ids, dtype=object))


def take(ctx: Context, ids: Column, positions: npt.NDArray[np.intp]) -> Column:
    """``ids[positions]`` (an enterprise column repeated per line), its enterprises' rows remembered:
    later lookups of these ids are a gather of the column's rows, not a search."""
    taken = ids[positions]
    ctx.table("enterprises").remember_rows(taken, rows(ctx, ids)[positions])
    return taken


def at(ctx: Context, per_enterprise: Column, ids: Column, missing: object) -> Column:
    """The per-enterprise values for the enterprises named in ``ids``."""
    return gather(per_enterprise, rows(ctx, ids), missing)


def figure_at(
    ctx: Context, name: str, enterprise_rows: npt.NDArray[np.intp], years: npt.ArrayLike
) -> IntArray:
    """An enterprise's figure (``operating_revenue`` or ``local_contribution``, fen) for a year, the
    enterprises given by their rows in ``enterprises``; -1 if absent (or not in the case)."""
    annual = ctx.table("enterprises.annual")
    wanted_years = np.broadcast_to(np.asarray(years, dtype=np.int64), np.shape(enterprise_rows))
    # (enterprise row, year) as one integer: years lie in 1990–2100 (the field's bounds), a wanted
    # year outside 0 … 2^16 names no figure. An enterprise's row stands for its id (ids are distinct).
    wanted = np.where(
        (enterprise_rows >= 0) & (wanted_years >= 0) & (wanted_years < _YEARS),
        np.asarray(enterprise_rows, dtype=np.int64) * _YEARS + wanted_years,
        -1,
    )
    keys = ctx.extras.get("a2.annual_keys")
    if keys is None:
        keys = Table(
            "annual_keys", {"key": np.asarray(annual["parent_row"], dtype=np.int64) * _YEARS + annual["year"]}
        )
        ctx.extras["a2.annual_keys"] = keys  # sorted once per evaluation, for every figure asked
    return np.asarray(gather(annual[name], keys.rows_of(wanted, "key"), -1), dtype=np.int64)


def figure_in(ctx: Context, name: str, enterprise_rows: npt.NDArray[np.intp], year: int) -> IntArray:
    """``figure_at`` for one year: the year's figure for every enterprise, gathered for each line (a
    city's lines name each enterprise many times; a search per line costs more)."""
    annual = ctx.table("enterprises.annual")
    of_year = np.flatnonzero(np.asarray(annual["year"]) == year)
    # An enterprise's first row of the year, the one figure_at finds.
    parents, first = np.unique(np.asarray(annual["parent_row"], dtype=np.int64)[of_year], return_index=True)
    per_enterprise = np.full(len(ctx.table("enterprises")), -1, dtype=np.int64)
    per_enterprise[parents] = annual[name][of_year[first]]
    return np.asarray(gather(per_enterprise, enterprise_rows, -1), dtype=np.int64)


def scope_checks(ctx: Context) -> dict[str, BoolArray]:
    """第一条's tests for every enterprise (one value per row of ``enterprises``)."""
    cached = ctx.extras.get("a1.scope")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    e = ctx.table("enterprises")
    # Category columns compared by their codes (Table.isin/equals): a few words, not a million strings.
    checks = {
        REGISTERED: e.isin("registered_area", ZONE_AREAS),  # 第一条2: one of the zones (状蒲园区 is not)
        FISCAL: e.isin("fiscal_area", ZONE_AREAS),
        BUSINESS: ~e.equals("business", "unrelated"),
        GOVERNANCE: np.asarray(e["modern_governance"], dtype=bool),
        CREDIT: ~np.asarray(e["bad_credit_record"], dtype=bool),
        SAFETY: ~np.asarray(e["major_safety_accident"], dtype=bool),
        CONDUCT: ~np.asarray(e["bad_business_conduct"], dtype=bool),
    }
    ctx.extras["a1.scope"] = checks
    return checks


def scope_for(ctx: Context, ids: Column) -> dict[str, BoolArray]:
    """第一条's tests for the enterprises named in ``ids`` (an enterprise not in the case fails them)."""
    positions = rows(ctx, ids)
    return {
        label: np.asarray(gather(passed, positions, False), dtype=bool)
        for label, passed in scope_checks(ctx).items()
    }


def business_names(enterprises: Table, related: BoolArray) -> Column:
    """Each enterprise's business in words, given ``related = business != "unrelated"`` (第一条's
    test): most enterprises of a city are unrelated and share one name; the others' names are looked
    up once per business (by the column's codes) and gathered."""
    codes, words = enterprises.categories("business")
    names = np.empty(len(codes), dtype=object)
    names.fill(BUSINESS_NAMES["unrelated"])  # one text shared (np.full would copy it per row)
    rows = np.flatnonzero(related)
    used = codes[rows]
    per_word = np.empty(len(words), dtype=object)
    for code in np.unique(used).tolist():  # only the words related rows hold (as a lookup per row)
        per_word[code] = BUSINESS_NAMES[str(words[code])]
    names[rows] = per_word[used]
    return names


@dataclass(frozen=True)
class Grading:
    """第二条 for every enterprise (one value per row of ``enterprises``)."""

    recognised: BoolArray  # recognition completed by the end of the year concerned
    basis_year: IntArray  # the year whose revenue grades the enterprise (-1: none, not recognised)
    revenue: IntArray  # that year's operating revenue in fen (-1: not given)
    level: IntArray  # the grade's position in GRADES, len(GRADES) for no grade

    @property
    def grade(self) -> Column:
        """The grade as text, "A", "B", "C" or "" (none): made when asked, no rule reads it."""
        grades: Column = np.asarray([*GRADES, ""], dtype=object)[self.level]
        return grades


def grading(ctx: Context) -> Grading:
    basis = ctx.reading(P + "a2.grading_basis")
    at_date = when(ctx)
    mins = [ctx.amount(P + f"a2.grade_{g.lower()}_min", at_date) for g in GRADES]
    key = f"a2.grading:{basis}"
    cached = ctx.extras.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    e = ctx.table("enterprises")
    recognised_on = e["recognised_on"].astype("datetime64[D]", copy=False)
    recognised = ~np.isnat(recognised_on) & (recognised_on <= np.datetime64(ctx.year_end))
    # Only a recognised enterprise has a basis year and a revenue: a city's few are computed, the
    # others keep -1.
    graded = np.flatnonzero(recognised)
    basis_year = np.full(len(e), -1, dtype=np.int64)
    if basis == "at_recognition":
        basis_year[graded] = recognised_on[graded].astype("datetime64[Y]").astype(np.int64) + 1970 - 1
    else:
        basis_year[graded] = ctx.year - 1
    revenue = np.full(len(e), -1, dtype=np.int64)
    # An enterprise's row is its own row where the ids are known distinct (a city's: no array of a
    # million positions to look them up by).
    own_rows = graded if e.is_distinct("id") else rows(ctx, e["id"])[graded]
    revenue[graded] = figure_at(ctx, "operating_revenue", own_rows, basis_year[graded])
    level = _levels(revenue, graded, mins)
    result = Grading(recognised, basis_year, revenue, level)
    ctx.extras[key] = result
    return result


def _levels(revenue: IntArray, graded: npt.NDArray[np.intp], mins: list[int]) -> IntArray:
    """Each enterprise's grade level by its revenue (len(GRADES): none). Only the ``graded`` rows can
    reach a grade when no minimum is negative (the others' revenue is -1): they alone are compared, the
    city's others keep no grade (four arrays of a million fewer)."""
    if min(mins) < 0:
        return np.select([revenue >= m for m in mins], list(range(len(GRADES))), len(GRADES)).astype(np.int64)
    level = np.full(len(revenue), len(GRADES), dtype=np.int64)
    of_graded = revenue[graded]
    level[graded] = np.select([of_graded >= m for m in mins], list(range(len(GRADES))), len(GRADES))
    return level


def levels_of(ctx: Context, ids: Column) -> IntArray:
    """The grade of each named enterprise as its position in GRADES (len(GRADES): no grade, or not in
    the case): a number per line, compared and gathered without text."""
    return np.asarray(at(ctx, grading(ctx).level, ids, len(GRADES)), dtype=np.int64)


def grade_words(levels: IntArray) -> Column:
    """'A级', 'B级', 'C级' or '未定级' for each line's grade level."""
    return np.asarray([f"{g}级" for g in GRADES] + ["未定级"], dtype=object)[levels]


def recognition_conditions(ctx: Context, ids: Column, *, grade_needed: bool) -> dict[str, BoolArray]:
    """完成认定备案: recognised, and (where the article's caps are by grade, or by reading) graded."""
    g = grading(ctx)
    out = {RECOGNISED: np.asarray(at(ctx, g.recognised, ids, False), dtype=bool)}
    if grade_needed or ctx.reading(P + "a2.ungraded") == "graded_required":
        out[GRADED] = np.asarray(at(ctx, g.level, ids, len(GRADES)) < len(GRADES), dtype=bool)
    return out


def cap_by_grade(ctx: Context, article: str, levels: IntArray) -> IntArray:
    """The article's yearly cap for each line's grade level (0 where ungraded)."""
    at_date = when(ctx)
    caps = [ctx.amount(P + f"{article}.cap.{g}", at_date) for g in GRADES]
    return np.asarray([*caps, 0], dtype=np.int64)[levels]


def recognised_on(ctx: Context, ids: Column) -> npt.NDArray[np.datetime64]:
    """The recognition day of the enterprises named in ``ids`` (NaT: not recognised, or not in the case)."""
    e = ctx.table("enterprises")
    return np.asarray(at(ctx, e["recognised_on"], ids, np.datetime64("NaT")), dtype="datetime64[D]")


def after_recognition(
    ctx: Context, ids: Column, label: str, dates: npt.NDArray[np.datetime64]
) -> dict[str, BoolArray]:
    """完成认定备案的企业: under the default reading the activity (a date) is on or after the recognition day,
    as 第三条's window starts at recognition; under recognised_by_year_end only 第二条's test applies."""
    if ctx.reading(P + "a2.recognition_first") == "recognised_by_year_end":
        return {}
    d = dates.astype("datetime64[D]")
    return {
        f"第二条 完成认定备案后开展（{label}不早于认定日）": np.asarray(
            d >= recognised_on(ctx, ids), dtype=bool
        )
    }


def in_period(dates: npt.NDArray[np.datetime64]) -> BoolArray:
    """附则5: the date lies in 2019-12-24 – 2021-12-23 (NaT: not in)."""
    d = dates.astype("datetime64[D]")
    return np.asarray(
        ~np.isnat(d) & (d >= np.datetime64(DOC.applies_from)) & (d <= np.datetime64(DOC.applies_to)),
        dtype=bool,
    )


def validity(
    ctx: Context,
    n: int,
    obligations: dict[str, npt.NDArray[np.datetime64]],
    payments: dict[str, npt.NDArray[np.datetime64]] | None = None,
) -> dict[str, BoolArray]:
    """附则5 “有效期2年” by the reading wzjk-2019-71.a1.validity, for ``n`` lines.

    ``obligations``: the dates that create the claim (recognition, contract, financing, release,
    completion); ``payments``: the dates a part of it falls due (a bill, an instalment's milestone),
    which may lie after the validity under the default reading.
    """
    how = ctx.reading(P + "a1.validity")
    period = f"本意见有效期内（{DOC.applies_from} 至 {DOC.applies_to}）"
    if how == "year_in_period":
        last = DOC.applies_to.year
        return {
            f"附则5 奖补年度在有效期内（{DOC.applies_from.year}—{last}年）": np.full(
                n, ctx.year <= last, dtype=bool
            )
        }
    checked = dict(obligations)
    if how == "payment_in_period":
        checked |= payments or {}
    return {f"附则5 {label}在{period}": in_period(dates) for label, dates in checked.items()}
