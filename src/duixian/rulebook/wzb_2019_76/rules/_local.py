"""Who the clauses 4–7 and 10 name: 我市银行业金融机构, 我市金融机构, (我市)民营企业.

Each function takes an id column (e.g. a claim's claimant) and returns one bool per id.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from duixian.engine.rules import Context
from duixian.engine.tables import BoolArray, Column
from duixian.rulebook.wzb_2019_76.rules import _parties
from duixian.rulebook.wzb_2019_76.rules.g1 import FINANCIAL_KINDS


def located(ctx: Context, ids: Column) -> BoolArray:
    """我市: registered (or, for an institution, operating) in Wenzhou (not 市外)."""
    return np.asarray(_parties.at(ctx, _parties.in_wenzhou(ctx), ids), dtype=bool)


def local_bank(ctx: Context, ids: Column) -> BoolArray:
    """我市银行业金融机构."""
    # Per party first, then gathered once: c1's 10^6 loans' lenders (two gathers cost ~2 ms more).
    per_party = ctx.once(
        "parties.local_bank", lambda: _parties.of_kind(ctx, "bank") & _parties.in_wenzhou(ctx)
    )
    return np.asarray(_parties.at(ctx, per_party, ids), dtype=bool)


def local_financial(ctx: Context, ids: Column) -> BoolArray:
    """我市金融机构: a bank, guarantor, insurer, securities firm or other financial institution in Wenzhou."""
    kinds = _parties.column(ctx, "kind", ids, "")
    return np.isin(kinds, FINANCIAL_KINDS) & located(ctx, ids)


def private_enterprise(ctx: Context, ids: Column) -> BoolArray:
    """g4 民营企业: an enterprise (not a financial institution) that is not state-, HMT- or foreign-controlled."""
    # Per party first, then gathered once (c4a and c4b ask of 10^6 loans' borrowers).
    per_party = ctx.once(
        "parties.private_enterprise", lambda: _parties.of_kind(ctx, "enterprise") & _parties.private(ctx)
    )
    return np.asarray(_parties.at(ctx, per_party, ids), dtype=bool)


def small_micro_enterprise(ctx: Context, ids: Column) -> BoolArray:
    """g4 小微企业 (small, micro, individual business, small/micro owner)."""
    small = _parties.small_micro(ctx, ids)
    return np.asarray(_parties.is_kind(ctx, ids, "enterprise") & small, dtype=bool)


def percent(rate: Fraction) -> str:
    """3/20 → '15%' (for step labels; the rate itself is a parameter)."""
    return f"{float(rate * 100):g}%"


def cap_label(parameter: str) -> str:
    """The label of a per-line cap, naming its parameter (the parameter cites the gazette's words)."""
    return f"单笔上限（{parameter}）"
