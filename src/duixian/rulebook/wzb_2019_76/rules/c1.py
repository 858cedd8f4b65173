"""c1 — 第一条 降低科创型成长型企业融资成本."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from duixian.engine.money import IntArray, mul_div_round
from duixian.engine.rules import Context, Lines, Step, keys, make_lines
from duixian.engine.tables import Column, constant
from duixian.rulebook.wzb_2019_76.document import DOC
from duixian.rulebook.wzb_2019_76.rules import _local, _parties
from duixian.rulebook.wzb_2019_76.rules._loans import interest_days

LPR_SCALE = 10_000  # LPR in basis points of a whole: 4.15% → 415
FIVE_YEAR_LPR_FROM = np.datetime64("2019-08-20")  # PBoC announcement 〔2019〕第15号
POLICY_START = np.datetime64("2019-01-01")
DAY_BASIS = {"actual_360": 360, "actual_365": 365}
TENORS = np.asarray(["1年期", "5年期以上"], dtype=object)


@DOC.rule(
    "c1",
    lines_from="loans",
    title="科创型成长型企业贷款补助",
    clause="附件第一条",
    quote=(
        "我市国家高新技术企业、省科技型中小企业、高成长型企业、市级以上小微成长之星企业向我市银行业"
        "金融机构贷款，按贷款市场报价利率（LPR）的10%享受市级财政贷款补助，单户不超过20万元。"
    ),
    aggregate_cap="wzb-2019-76.c1.cap",
)
def loan_subsidy(ctx: Context) -> Lines:
    loans = ctx.table("loans")
    start, end = loans["start_date"], loans["end_date"]
    days, first_day, last_day = interest_days(ctx, start, end)
    lpr_days, lpr_bp, lpr_published, tenor = _lpr_day_sum(ctx, start, first_day, last_day, end, days)
    ctx.reading("wzb-2019-76.c1.cap_period")  # applied with the cap, after g3 (see g3.aggregate_caps)
    fixed_at_start = ctx.reading("wzb-2019-76.c1.lpr_fixing") == "loan_start"
    basis = DAY_BASIS[ctx.reading("wzb-2019-76.c1.day_count")]
    rate = ctx.rate("wzb-2019-76.c1.rate")
    raw = mul_div_round([loans["principal"], lpr_days, rate.numerator], LPR_SCALE * basis * rate.denominator)

    lender_is_local_bank = _local.local_bank(ctx, loans["lender"])
    return make_lines(
        "wzb-2019-76.c1",
        beneficiary=loans["borrower"],
        subject=keys("loan", loans.view("id")),
        project=keys("loan-interest", loans.view("id")),
        raw_amount=raw,
        conditions={
            "借款企业为国家高新技术企业、省科技型中小企业、高成长型企业或市级以上小微成长之星": (
                _qualified_borrower(ctx, loans["borrower"], first_day, last_day)
            ),
            "贷款银行为我市银行业金融机构": lender_is_local_bank,
            "当年有计息天数": days > 0,
        },
        steps={
            "principal": Step("贷款本金", loans["principal"], "fen"),
            "first_day": Step("当年计息起日", first_day, "date"),
            "last_day": Step("当年计息止日（含）", last_day, "date"),
            "days": Step("当年计息天数", days, "days"),
            "tenor": Step("LPR 品种", tenor, "text"),
            "lpr_published": Step("适用 LPR 公布日", lpr_published, "date"),
            "lpr": Step("适用 LPR" if fixed_at_start else "按计息天数加权的平均 LPR", lpr_bp, "bp"),
            "lpr_days": Step("Σ LPR（基点）× 天数", lpr_days, "count"),
            "basis": Step("年计息天数基准", constant(len(loans), basis), "days"),
            "raw": Step("本金 × LPR × 10% × 天数 ÷ 基准（四舍五入到分）", raw, "fen"),
        },
    )


def _qualified_borrower(ctx: Context, borrowers: Column, first_day: Column, last_day: Column) -> Column:
    if ctx.reading("wzb-2019-76.c1.qualification_date") == "interest_period":
        return _parties.qualified(ctx, _parties.TECH_AND_GROWTH, borrowers, first_day, last_day)
    return _parties.qualified(ctx, _parties.TECH_AND_GROWTH, borrowers)


def _lpr_day_sum(
    ctx: Context, start: Column, first_day: Column, last_day: Column, end: Column, days: IntArray
) -> tuple[IntArray, IntArray, Column, Column]:
    """Σ over the year's interest days (``days``, from first_day to last_day) of the applicable LPR
    (in basis points).

    Returns the sum, the LPR shown to reviewers (the one fixed at the loan start, or under daily
    fixing the one in force on the first interest day), its publication date, and the tenor.
    """
    five_year = np.zeros(len(start), dtype=bool)
    if ctx.reading("wzb-2019-76.c1.lpr_tenor") == "by_term":
        # 5年以上: a term of more than five years, and only once a 5-year LPR exists.
        five_year = (_add_years(start, 5) < end) & (start >= FIVE_YEAR_LPR_FROM)
    tenor = np.where(five_year, TENORS[1:], TENORS[:1])  # the two words, not a new text per loan
    fixing = np.maximum(start, POLICY_START)
    lpr_bp, published = ctx.param_per_row("lpr.one_year", fixing, LPR_SCALE)
    if five_year.any():
        five_bp, five_published = ctx.param_per_row(
            "lpr.five_year", np.maximum(fixing, FIVE_YEAR_LPR_FROM), LPR_SCALE
        )
        lpr_bp = np.where(five_year, five_bp, lpr_bp)
        published = np.where(five_year, five_published, published)
    if ctx.reading("wzb-2019-76.c1.lpr_fixing") == "loan_start":
        return lpr_bp * days, lpr_bp, published, tenor
    total = np.zeros(len(start), dtype=np.int64)
    for series, mask in (("lpr.one_year", ~five_year), ("lpr.five_year", five_year)):
        if not mask.any():
            continue
        param = ctx.params[series]
        bounds = [np.datetime64(v.start) for v in param.values] + [np.datetime64("9999-12-31")]
        for k, value in enumerate(param.values):
            lo = np.maximum(first_day, bounds[k])
            hi = np.minimum(last_day, bounds[k + 1] - np.timedelta64(1, "D"))
            overlap = np.maximum((hi - lo).astype(np.int64) + 1, 0)
            total += np.where(mask, overlap * int(Fraction(value.value) * LPR_SCALE), 0)
        ctx.param_per_row(series, np.maximum(first_day, bounds[0]), LPR_SCALE)
    shown = np.where(days > 0, (total + days // 2) // np.maximum(days, 1), lpr_bp)
    return total, shown.astype(np.int64), published, tenor


def _add_years(dates: Column, years: int) -> Column:
    """The same day ``years`` later (Feb 29 → Feb 28: 民法典第二百零二条, 没有对应日的为月末日).

    By month and day, not by day-of-year: a day-of-year offset lands a day late across a leap year.
    """
    days = dates.astype("datetime64[D]", copy=False).view(np.int64)  # day numbers, not copied
    first, last = (int(days.min()), int(days.max())) if len(days) else (0, 0)
    if len(days) and last - first < len(days):  # in Python integers: NaT (the least int64) cannot wrap
        # A city's loans start on a few thousand days: shift each day once, then look the rows up
        # (calendar arithmetic costs far more per row than a lookup). From day 0 where that is still
        # fewer days than rows (~18 000, 10^6 loans): the rows read the table by their own numbers.
        offset = 0 if first >= 0 and last < len(days) else first
        shifted_days = _shift_years(np.arange(offset, last + 1).astype("datetime64[D]"), years)
        looked_up: Column = shifted_days[days if offset == 0 else days - offset]
        return looked_up
    return _shift_years(dates, years)


def _shift_years(dates: Column, years: int) -> Column:
    month = dates.astype("datetime64[M]")
    day = dates - month.astype("datetime64[D]")
    target = month + np.timedelta64(12 * years, "M")
    last_day = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    shifted: Column = np.minimum(target.astype("datetime64[D]") + day, last_day)
    return shifted
