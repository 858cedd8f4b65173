"""`duixian review` — the reviewer's decisions on a submitted application.

    duixian review start SQ-2020-000001 --actor NAME [--on DATE] [--db URL]
    duixian review approve SQ-2020-000001 [--note TEXT] --actor NAME [--on DATE]
    duixian review reject SQ-2020-000001 --reason TEXT --actor NAME [--on DATE]
    duixian review return SQ-2020-000001 --reason TEXT --actor NAME [--on DATE]

Approving computes the amount by the rulebook against what the party was already granted, limits it by
the ledger (funds, quotas) and freezes amount, explanation and rulebook version; rejecting freezes the
computation too. An application whose facts give 0 cannot be approved: the refusal says why.
"""

from __future__ import annotations

from typing import Annotated

import typer

from duixian.cli._common import out, user_errors
from duixian.cli._redemption import ActorRequired, OnOption, business_date, writing
from duixian.cli.db import DbOption, database_errors
from duixian.domain import applications, review
from duixian.engine.money import format_fen

app = typer.Typer(help="审核：受理、通过、不予支持、退回补正", no_args_is_help=True)
Number = Annotated[str, typer.Argument(help="申请编号，如 SQ-2020-000001")]
Reason = Annotated[str, typer.Option("--reason", help="理由（必填）")]


@app.command()
@user_errors
@database_errors
def start(number: Number, actor: ActorRequired, on: OnOption = None, db: DbOption = None) -> None:
    """受理已提交的申请，进入审核。"""
    with writing(db) as session:
        review.start_review(session, applications.find(session, number), actor, business_date(on))
    out.print(f"申请 {number} 已受理审核", highlight=False)


@app.command()
@user_errors
@database_errors
def approve(
    number: Number,
    actor: ActorRequired,
    note: Annotated[str, typer.Option("--note", help="审核意见")] = "",
    on: OnOption = None,
    db: DbOption = None,
) -> None:
    """审核通过：计算金额，按资金科目限额核定，冻结结果。"""
    with writing(db) as session:
        application = applications.find(session, number)
        limit = review.approve(session, application, actor, business_date(on), note)
        computed = application.computed_fen or 0
        pay = f"；兑付期 {application.pay_from} 至 {application.pay_by}" if application.pay_from else ""
    out.print(
        f"申请 {number} 审核通过：计算金额 {format_fen(computed)} 元，核定 {format_fen(limit.granted_fen)} 元，"
        f"由 {limit.fund.name} 拨付{pay}",
        highlight=False,
    )
    for note_line in limit.notes:
        out.print(f"  {note_line}", highlight=False)


@app.command()
@user_errors
@database_errors
def reject(
    number: Number, actor: ActorRequired, reason: Reason, on: OnOption = None, db: DbOption = None
) -> None:
    """不予支持（计算结果随决定一并冻结）。"""
    with writing(db) as session:
        review.reject(session, applications.find(session, number), actor, business_date(on), reason)
    out.print(f"申请 {number} 不予支持", highlight=False)


@app.command("return")
@user_errors
@database_errors
def return_(
    number: Number, actor: ActorRequired, reason: Reason, on: OnOption = None, db: DbOption = None
) -> None:
    """退回补正：申请人可修改事实与附件后重新提交。"""
    with writing(db) as session:
        review.return_for_correction(
            session, applications.find(session, number), actor, business_date(on), reason
        )
    out.print(f"申请 {number} 已退回补正", highlight=False)
