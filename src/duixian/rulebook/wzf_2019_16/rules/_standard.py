"""The standard in force for each row's district and month (shared by std and allowance)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from duixian.engine.money import IntArray, format_fen
from duixian.engine.rules import Context
from duixian.engine.tables import BoolArray, Column
from duixian.errors import InputError, InputErrors
from duixian.rulebook.wzf_2019_16.case import DISTRICT_CODES

P = "wzf-2019-16."
NEW_FROM = dt.date(2019, 10, 1)  # “调整后的城乡居民最低生活保障标准从2019年10月1日起执行”
BEFORE = P + "std.before_2019_10"


@dataclass
class Standards:
    fen: IntArray  # the standard per row, fen per person per month
    previous: BoolArray  # rows before 2019-10-01 given the standard the notice replaced
    notes: dict[int, str]  # per row: what the reader must know about the value used


def per_row(ctx: Context, table: str, districts: Column, months: Column) -> Standards:
    """Vectorised per district (at most eight): the new standard from 2019-10-01, the replaced one before."""
    n = len(districts)
    fen = np.zeros(n, dtype=np.int64)
    before = months < np.datetime64(NEW_FROM)
    notes: dict[int, str] = {}
    if before.any() and ctx.reading(BEFORE) == "refuse":
        raise InputErrors(
            [
                InputError(
                    f"{table}[{row}].month",
                    f"{months[row]} 在2019年10月1日之前：温政发〔2019〕16号 只规定自该日起执行的标准，"
                    "调整前标准的起始日期本公报未载明（解释口径 wzf-2019-16.std.before_2019_10 = refuse）",
                )
                for row in np.flatnonzero(before)
            ]
        )
    for district, code in DISTRICT_CODES.items():
        rows = districts == district
        if not rows.any():
            continue
        if (rows & ~before).any():
            fen[rows & ~before] = ctx.amount(f"{P}std.{code}", NEW_FROM)
        if (rows & before).any():
            # Read without recording: the replaced value has no known start date, so it must not be
            # listed as a parameter "in force from" a date. Each line says where it comes from instead.
            old = ctx.params[f"{P}previous.{code}"].values[-1]
            fen[rows & before] = int(old.value)
            for row in np.flatnonzero(rows & before):
                notes[int(row)] = (
                    f"{months[row]} 在调整日之前：适用调整前标准 {format_fen(int(old.value))} 元/人·月"
                    f"（{old.source.cite()}）；该标准自何时起执行，本公报未载明，请核实该月确在其执行期内"
                )
    unknown = ~np.isin(districts, list(DISTRICT_CODES))
    if unknown.any():  # the case model refuses these; tables built elsewhere are checked here too
        raise InputErrors(
            [
                InputError(f"{table}[{row}].district", f"温政发〔2019〕16号 未规定{districts[row]}的标准")
                for row in np.flatnonzero(unknown)
            ]
        )
    return Standards(fen, before, notes)


def month_text(months: Column) -> Column:
    """datetime64 months → '2019年10月'."""
    return np.asarray([f"{m.astype(object).year}年{m.astype(object).month}月" for m in months], dtype=object)
