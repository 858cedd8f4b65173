"""Facts about parties that several clauses ask: where registered, private, small/micro, qualified.

Each function returns one value per row of the ``parties`` table; use
:func:`at` to read them for the parties named by another table's id column.
"""

from __future__ import annotations

from typing import Any

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
    return take(per_party, rows(ctx, ids), missing)


def take(per_party: Column, found: npt.NDArray[np.intp], missing: Any) -> Column:
    """``gather``: per_party[found], ``missing`` where found is -1. Where every row was found (a city's
    loans name parties that exist: the loader checked), a plain take gives the same, in one pass."""
    same_type = np.where(True, per_party[:0], missing).dtype == per_party.dtype  # as gather's result
    if len(found) and same_type and found.min() >= 0:
        taken: Column = per_party[found]
        return taken
    return gather(per_party, found, missing)


def column(ctx: Context, name: str, ids: Column, missing: object = False) -> Column:
    return at(ctx, ctx.table("parties")[name], ids, missing)


def in_wenzhou(ctx: Context) -> BoolArray:
    # Category columns are compared by their codes (Table.equals): a few words, not a million strings.
    return ctx.once("parties.in_wenzhou", lambda: ~ctx.table("parties").equals("district", "市外"))


def private(ctx: Context) -> BoolArray:
    """g4: 民营企业 — not state-, HK/Macao/Taiwan- or foreign-controlled."""
    return ctx.once("parties.private", lambda: ctx.table("parties").equals("ownership", "private"))


def small_micro(ctx: Context, ids: Column) -> BoolArray:
    """g4: 小微企业 — small or micro under 300号, or an individual business or small/micro owner — for
    each named party (False where the id names no party). Asked of the parties named only: a city's
    guarantees name a few thousand borrowers among a million parties."""
    found = rows(ctx, ids)
    known = found >= 0
    sizes = size_classes(ctx)[found[known]]
    forms = ctx.table("parties")["legal_form"][found[known]]
    out = np.zeros(len(found), dtype=bool)
    out[known] = (
        (sizes == "small")
        | (sizes == "micro")
        | (forms == "individual_business")
        | (forms == "small_micro_owner")
    )
    return out


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
    keep = q.isin("kind", list(kinds))
    # By the parent's row, not its id: integers search fast, strings do not.
    parent, start, end = q["parent_row"][keep], q["valid_from"][keep], q["valid_to"][keep]
    order = np.argsort(parent, kind="stable")
    parent, start, end = parent[order], start[order], end[order]
    keys = rows(ctx, ids)  # -1 where the id names no party: holds no qualification
    # Searched for only the rows whose party holds one of ``kinds`` at all (few of a city's loans).
    # One slot more than there are parties: a key of -1 reads that last slot, which holds nothing.
    holds = np.zeros(len(ctx.table("parties")) + 1, dtype=bool)
    holds[parent] = True
    holders = np.flatnonzero(holds[keys])
    left = np.searchsorted(parent, keys[holders], side="left")
    right = np.searchsorted(parent, keys[holders], side="right")
    lo_h, hi_h = lo[holders], hi[holders]
    held_h = np.zeros(len(holders), dtype=bool)
    for k in range(int((right - left).max()) if len(holders) else 0):
        idx = left + k
        present = idx < right
        safe = np.where(present, idx, 0)
        held_h |= present & (start[safe] <= hi_h) & (end[safe] >= lo_h)
    held = np.zeros(n, dtype=bool)
    held[holders] = held_h
    return held


def is_kind(ctx: Context, ids: Column, kind: str) -> BoolArray:
    """Whether each named party is of ``kind`` (an id naming no party is of no kind)."""
    return np.asarray(at(ctx, of_kind(ctx, kind), ids), dtype=bool)


def of_kind(ctx: Context, kind: str) -> BoolArray:
    """Per party: of ``kind``."""
    # Compared once per party (by code), then gathered as flags: text compared per row costs far more.
    return ctx.once(f"parties.kind.{kind}", lambda: ctx.table("parties").equals("kind", kind))
