"""Monthly averages of guarantors' month-end figures (c3a, c3b, c11), kept exact.

A monthly average is the rational number Σ month-end figures ÷ months. It is never divided out:
every comparison is made by cross-multiplying integers, and an amount is rounded once, to the
fen, by ``mul_div_round`` over the integer numerator and denominator. The number of months is
a reading (wzb-2019-76.c3.monthly_average): the months reported in the year, or always twelve.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from duixian.engine.money import IntArray, mul_div_round
from duixian.engine.rules import Context
from duixian.engine.tables import BoolArray, Column
from duixian.errors import InputError, InputErrors

READING = "wzb-2019-76.c3.monthly_average"
FIGURES = ("clients", "balance", "small_micro_clients", "small_micro_balance", "private_growth_balance")


@dataclass(frozen=True)
class Year:
    """One year's figures per guarantor: the sum of the month-end figures and the months to divide by."""

    months: IntArray  # the denominator of the monthly average (0: nothing reported)
    reported: IntArray  # months actually reported
    sums: dict[str, IntArray]

    def average_fen(self, figure: str) -> IntArray:
        """The monthly average of a money figure, rounded to the fen (shown to reviewers only)."""
        return mul_div_round([np.where(self.months > 0, self.sums[figure], 0)], np.maximum(self.months, 1))

    def average_text(self, figure: str, places: int = 2) -> Column:
        return decimal_text(self.sums[figure], self.months, places)

    def at_least(self, figure: str, bound: Fraction | int) -> BoolArray:
        """Monthly average ≥ bound (以上/达到 include the bound), exactly: Σ × den ≥ bound.num × months."""
        b = Fraction(bound)
        return np.asarray(
            (self.months > 0) & (self.sums[figure] * b.denominator >= b.numerator * self.months), dtype=bool
        )


@dataclass(frozen=True)
class GuarantorYears:
    """Per guarantor (sorted ids) named in ``guarantor_months``: the year concerned and the year before."""

    ids: Column
    this: Year
    prior: Year
    reading: str

    def __len__(self) -> int:
        return len(self.ids)

    def growth_at_least(self, figure: str, rate: Fraction) -> BoolArray:
        """Growth of the monthly average over the prior year ≥ rate, exactly.

        avg_this ≥ (1 + rate) × avg_prior ⇔ Σ_this × n_prior × den ≥ (den + num) × Σ_prior × n_this.
        A growth rate exists only where the prior year's average is positive.
        """
        t, p = self.this, self.prior
        left = t.sums[figure] * p.months * rate.denominator
        right = (rate.denominator + rate.numerator) * p.sums[figure] * t.months
        return np.asarray((t.months > 0) & self.prior_positive(figure) & (left >= right), dtype=bool)

    def prior_positive(self, figure: str) -> BoolArray:
        return np.asarray((self.prior.months > 0) & (self.prior.sums[figure] > 0), dtype=bool)

    def growth_text(self, figure: str) -> Column:
        """(avg_this − avg_prior) ÷ avg_prior in percent, to four decimals (… marks a truncated value)."""
        t, p = self.this, self.prior
        num = (t.sums[figure] * p.months - p.sums[figure] * t.months) * 100
        den = p.sums[figure] * t.months
        text = decimal_text(num, np.where(self.prior_positive(figure) & (t.months > 0), den, 0), 4)
        return np.where(text == "—", "—（上年度为0，无从计算增幅）", text + "%").astype(object)

    def increase(self, figure: str) -> tuple[IntArray, IntArray]:
        """avg_this − avg_prior as an exact fraction (numerator, positive denominator)."""
        t, p = self.this, self.prior
        den = t.months * p.months
        num = np.where(den > 0, t.sums[figure] * p.months - p.sums[figure] * t.months, 0)
        return num.astype(np.int64), np.maximum(den, 1).astype(np.int64)


def guarantor_years(ctx: Context) -> GuarantorYears:
    """Sum each guarantor's month-end figures over the year concerned and the prior year.

    Computed once per evaluation (c3a, c3b and c11 ask it), so that the three rules look up the same
    guarantor ids."""
    return ctx.once("guarantors.years", lambda: _guarantor_years(ctx))


def _guarantor_years(ctx: Context) -> GuarantorYears:
    reading = ctx.reading(READING)
    gm = ctx.table("guarantor_months")
    months = np.asarray(gm["month"], dtype="datetime64[M]")
    years = months.astype("datetime64[Y]").astype(np.int64) + 1970
    _check(gm["guarantor"], gm["month"], years, ctx.year)
    ids, first, owner = np.unique(
        np.asarray(gm["guarantor"], dtype=object), return_index=True, return_inverse=True
    )
    ids = np.asarray(ids, dtype=object)
    owner = owner.reshape(-1)
    # Each guarantor's party row is that of its first month, already found when the references were
    # checked: the rules' lookups of ``ids`` become gathers, not a search of every party.
    if len(ids):
        parties = ctx.table("parties")
        parties.remember_rows(ids, parties.rows_of(gm["guarantor"])[first])

    def year(y: int) -> Year:
        rows = years == y
        reported = np.bincount(owner[rows], minlength=len(ids)).astype(np.int64)
        sums = {}
        for figure in FIGURES:
            total = np.zeros(len(ids), dtype=np.int64)
            np.add.at(total, owner[rows], np.asarray(gm[figure], dtype=np.int64)[rows])
            sums[figure] = total
        denominator = reported if reading == "reported_months" else np.full(len(ids), 12, dtype=np.int64)
        return Year(denominator, reported, sums)

    return GuarantorYears(ids, year(ctx.year), year(ctx.year - 1), reading)


def _check(guarantors: Column, months: Column, years: npt.NDArray[np.int64], year: int) -> None:
    errors = [
        InputError(
            f"guarantor_months[{row}].month",
            f"{months[row]} 既不在所属年度 {year} 年，也不在上一年度 {year - 1} 年",
        )
        for row in np.flatnonzero((years != year) & (years != year - 1))
    ]
    if len(guarantors):
        keys = np.asarray(guarantors, dtype=object) + "\x1f" + np.asarray(months, dtype=object)
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        for row in np.flatnonzero(first[inverse.reshape(-1)] != np.arange(len(keys))):
            errors.append(
                InputError(
                    f"guarantor_months[{row}].month", f"{guarantors[row]!r} 的 {months[row]} 报送了两次"
                )
            )
    if errors:
        raise InputErrors(errors)


def decimal_text(num: npt.ArrayLike, den: npt.ArrayLike, places: int = 2) -> Column:
    """num ÷ den as a decimal with ``places`` decimals, truncated; '…' marks a truncated value, '—' den = 0."""
    n = np.asarray(num, dtype=np.int64)
    d = np.asarray(den, dtype=np.int64)
    n, d = np.broadcast_arrays(n, d)
    if n.size == 0:
        return np.zeros(n.shape, dtype=object)
    safe = np.maximum(d, 1)
    scaled = np.abs(n) * 10**places
    q, r = np.divmod(scaled, safe)
    whole = (q // 10**places).astype(str)
    frac = np.char.zfill((q % 10**places).astype(str), places)
    sign = np.where(n < 0, "-", "")
    text = np.char.add(np.char.add(np.char.add(sign, whole), "." if places else ""), frac if places else "")
    text = np.char.add(text, np.where(r != 0, "…", ""))
    return np.where(d > 0, text, "—").astype(object)
