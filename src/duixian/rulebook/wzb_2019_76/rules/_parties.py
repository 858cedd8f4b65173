"""Facts about parties that several clauses ask: where registered, private, small/micro, qualified.

Each function returns one value per row of the ``parties`` table; use
:func:`at` to read them for the parties named by another table's id column.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from duixian.engine.rules import Context
from duixian.engine.tables import BoolArray, Column, gather
from duixian.rulebook.wzb_2019_76.rules.g4 import size_classes

QualificationKinds = tuple[str, ...]
TECH_AND_GROWTH: QualificationKinds = (
    "national_high_tech",
    "provincial_tech_sme",
    "high_growth",
    "small_micro_star_city",
    "small_micro_star_provincial",
)
GROWTH_OR_LEADING: QualificationKinds = ("high_growth", "leading")


def rows(ctx: Context, ids: Column) -> npt.NDArray[np.intp]:
    return ctx.table("parties").rows_of(np.asarray(ids, dtype=object))


def at(ctx: Context, per_party: Column, ids: Column, missing: object = False) -> Column:
    """The per-party values for the parties named in ``ids``."""
    return gather(per_party, rows(ctx, ids), missing)


def column(ctx: Context, name: str, ids: Column, missing: object = False) -> Column:
    return at(ctx, ctx.table("parties")[name], ids, missing)


def in_wenzhou(ctx: Context) -> BoolArray:
    return np.asarray(ctx.table("parties")["district"] != "市外", dtype=bool)


def private(ctx: Context) -> BoolArray:
    """g4: 民营企业 — not state-, HK/Macao/Taiwan- or foreign-controlled."""
    return np.asarray(ctx.table("parties")["ownership"] == "private", dtype=bool)


def small_micro(ctx: Context) -> BoolArray:
    """g4: 小微企业 — small or micro under 300号, or an individual business or small/micro owner."""
    return ctx.once("g4.small_micro", lambda: _small_micro(ctx))


def _small_micro(ctx: Context) -> BoolArray:
    p = ctx.table("parties")
    sizes = size_classes(ctx)
    forms = p["legal_form"]
    return np.asarray(
        (sizes == "small")
        | (sizes == "micro")
        | (forms == "individual_business")
        | (forms == "small_micro_owner"),
        dtype=bool,
    )


def qualified(
    ctx: Context,
    kinds: QualificationKinds,
    ids: Column,
    first: Column | None = None,
    last: Column | None = None,
) -> BoolArray:
    """Whether each named party holds one of ``kinds`` valid on some day of [first, last] (per row).

    Without ``first``/``last`` the window is the year concerned. Vectorised over rows; the loop runs
    over the largest number of qualifications one party holds.
    """
    n = len(ids)
    lo = np.full(n, np.datetime64(ctx.year_start)) if first is None else first
    hi = np.full(n, np.datetime64(ctx.year_end)) if last is None else last
    q = ctx.table("parties.qualifications")
    keep = np.isin(q["kind"], list(kinds))
    # By the parent's row, not its id: integers search fast, strings do not.
    parent, start, end = q["parent_row"][keep], q["valid_from"][keep], q["valid_to"][keep]
    order = np.argsort(parent, kind="stable")
    parent, start, end = parent[order], start[order], end[order]
    keys = rows(ctx, ids)  # -1 where the id names no party: matches no qualification
    left = np.searchsorted(parent, keys, side="left")
    right = np.searchsorted(parent, keys, side="right")
    held = np.zeros(n, dtype=bool)
    for k in range(int((right - left).max()) if n else 0):
        idx = left + k
        present = idx < right
        safe = np.where(present, idx, 0)
        held |= present & (start[safe] <= hi) & (end[safe] >= lo)
    return held


def is_kind(ctx: Context, ids: Column, kind: str) -> BoolArray:
    return np.asarray(column(ctx, "kind", ids, "") == kind, dtype=bool)
