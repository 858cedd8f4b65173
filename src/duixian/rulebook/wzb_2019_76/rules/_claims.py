"""Loss claims (c4c, c5c, c7, c10a–c10c): a share of the principal lost, capped per claim.

Every compensation of one loss shares the project key ``loss:loan:<loan id>`` (or ``loss:<claim id>``
when no loan is named), so that g3 pays the
claimant only the highest of the clauses the same loss meets (附则3: 同一项目…执行最高额).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import numpy.typing as npt

from duixian.engine.money import IntArray, apply_rate, cap
from duixian.engine.rules import Context, Lines, Step, keys, make_lines
from duixian.engine.tables import BoolArray, Column, Table, constant, gather
from duixian.rulebook.wzb_2019_76.rules import _local

P = "wzb-2019-76."


def loss_project(claims: Table) -> Column:
    """The g3 project of a loss: the loan's principal loss when the claim names the loan, else the claim.

    Two claims of one claimant on one loan (say as an IP-pledge loss and as a risk-sharing loss)
    are the same loss, so only the highest compensation is paid.
    """
    by_loan = np.char.add("loss:loan:", claims["loan"].astype(str))
    by_claim = np.char.add("loss:", claims["id"].astype(str))
    return np.where(claims["loan"] != "", by_loan, by_claim).astype(object)


def loan_rows(ctx: Context) -> npt.NDArray[np.intp]:
    """Row in ``loans`` of each claim's loan; -1 where the claim names none."""
    claims = ctx.table("loss_claims")
    return ctx.table("loans").rows_of(claims["loan"])


def loan_named(ctx: Context) -> BoolArray:
    return np.asarray(loan_rows(ctx) >= 0, dtype=bool)


def loan_column(ctx: Context, name: str, missing: object) -> Column:
    """The named loan's ``name`` per claim, ``missing`` where the claim names no loan."""
    return gather(ctx.table("loans")[name], loan_rows(ctx), missing)


def counterparty(ctx: Context) -> Column:
    """The enterprise whose default caused each loss: the claim's counterparty, else the named loan's
    borrower ("" where neither is known). g1 checks it against 附则1's exclusions.

    One column for every loss clause, its party rows known: six clauses' g1 checks look the same
    ids up, and a new column each time would be searched for among every party of a city."""
    return ctx.once("claims.counterparty", lambda: _counterparty(ctx))


def _counterparty(ctx: Context) -> Column:
    named = ctx.table("loss_claims")["counterparty"]
    borrower = loan_column(ctx, "borrower", "")
    other: Column = np.where(named != "", named, borrower).astype(object)
    if len(other):
        parties = ctx.table("parties")
        # The rows of the claims' counterparties and of the loans' borrowers, found when the
        # references were checked (a name found nowhere, or "", is -1 either way).
        borrower_rows = gather(parties.rows_of(ctx.table("loans")["borrower"]), loan_rows(ctx), -1)
        parties.remember_rows(other, np.where(named != "", parties.rows_of(named), borrower_rows))
    return other


def of_kind(ctx: Context, kind: str) -> BoolArray:
    return np.asarray(ctx.table("loss_claims")["kind"] == kind, dtype=bool)


def loss_lines(
    ctx: Context,
    rule: str,
    *,
    rate: Fraction,
    cap_fen: int | IntArray | None,
    cap_label: str,
    conditions: dict[str, BoolArray],
    loss_label: str = "贷款本金实际损失",
    extra_steps: dict[str, Step] | None = None,
) -> Lines:
    """Lines paying the claimant ``rate`` × principal_loss (to the fen), at most ``cap_fen`` per claim."""
    claims = ctx.table("loss_claims")
    n = len(claims)
    computed = apply_rate(claims["principal_loss"], rate)
    shares = constant(n, _local.percent(rate))
    steps = {
        "kind": Step("损失类型", claims["kind"], "text"),
        "confirmed_on": Step("损失确认日", claims["confirmed_on"], "date"),
        "principal_loss": Step(loss_label, claims["principal_loss"], "fen"),
        "share": Step("补偿比例", shares, "text"),
        "computed": Step(f"{loss_label} × 补偿比例（四舍五入到分）", computed, "fen"),
    }
    raw, caps = computed, {}
    if cap_fen is not None:
        limit = np.broadcast_to(np.asarray(cap_fen, dtype=np.int64), (n,))
        raw, caps[cap_label] = cap(computed, limit)
        steps["cap"] = Step("单笔补偿上限", limit, "fen")
    steps["raw"] = Step("补偿金额（单笔上限适用后）", raw, "fen")
    steps.update(extra_steps or {})
    return make_lines(
        P + rule,
        beneficiary=claims["claimant"],
        subject=keys("claim", claims.view("id")),
        project=loss_project(claims),
        raw_amount=raw,
        conditions=conditions,
        steps=steps,
        caps=caps,
        counterparty=counterparty(ctx),
    )
