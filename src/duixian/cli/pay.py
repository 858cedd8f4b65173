"""`duixian pay` — payment batches: schedule, execute, show, list; and clawback of a paid application.

    duixian pay schedule [--document DOC] [--on DATE] --actor NAME [--db URL] [--json]
    duixian pay execute ZF-2020-0001 [--on DATE] --actor NAME [--db URL]
    duixian pay show ZF-2020-0001 [--db URL] [--json]
    duixian pay list [--state open|paid] [--db URL] [--json]
    duixian pay clawback SQ-2020-000001 --grounds TEXT [--amount YUAN] [--conduct 骗取|截留|挪用] [--on DATE] --actor NAME

schedule: every publicised application whose publicity is closed, with no objection pending and whose
payment schedule allows the date, goes into a new batch of its fund and payer (温州市财政局, or for
温商务联发〔2019〕130号's 区属企业 its district's finance bureau). execute pays a whole batch in one
transaction; executing a paid batch again pays nothing and says so (exit 0). --on is the business date
(default: today, Beijing time); amounts are yuan with at most two decimals.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from duixian.cli._common import out, print_json, user_errors
from duixian.cli.db import ActorOption, DbOption, database_errors, open_database
from duixian.domain import audit, payments
from duixian.engine.money import format_fen, yuan_to_fen
from duixian.errors import InputError
from duixian.storage.redemption import Fund, PaymentBatch
from duixian.storage.timestamps import SHANGHAI

app = typer.Typer(help="拨付：拨付批次编排、执行、查询，已拨付资金追回", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出（供程序读取）")]
OnOption = Annotated[
    str | None, typer.Option("--on", help="业务日期 YYYY-MM-DD（默认：今天，北京时间）", show_default=False)
]
STATE_NAMES = {"open": "待拨付", "paid": "已拨付"}


def business_date(on: str | None) -> dt.date:
    if on is None:
        return dt.datetime.now(SHANGHAI).date()
    try:
        return dt.date.fromisoformat(on.strip())
    except ValueError:
        raise InputError("--on", f"日期格式应为 YYYY-MM-DD，收到 {on!r}") from None


def required_actor(actor: str | None) -> str:
    """Changes name who made them: --actor (or DUIXIAN_ACTOR) is required, never guessed."""
    if actor is None or not actor.strip():
        raise InputError("--actor", "须注明操作人（--actor 或环境变量 DUIXIAN_ACTOR），记入审计日志")
    return audit.check_actor(actor)


def fen_of(option: str, yuan: str) -> int:
    try:
        fen = yuan_to_fen(yuan.strip().replace(",", ""))
    except ValueError:
        raise InputError(option, f"金额应为元，至多两位小数，收到 {yuan!r}") from None
    if fen <= 0:
        raise InputError(option, "金额须大于 0")
    return fen


def _fund(session: Session, batch: PaymentBatch) -> Fund:
    fund = session.get(Fund, batch.fund_id)
    assert fund is not None  # a foreign key
    return fund


def _batch_summary(batch: PaymentBatch, fund: Fund) -> dict[str, object]:
    total = sum(p.amount_fen for p in batch.payments)
    return {
        "number": batch.number,
        "fund": fund.code,
        "fund_name": fund.name,
        "payer": batch.payer,
        "state": batch.state,
        "scheduled_on": batch.scheduled_on.isoformat(),
        "paid_on": None if batch.paid_on is None else batch.paid_on.isoformat(),
        "count": len(batch.payments),
        "total": {"fen": total, "yuan": format_fen(total)},
    }


def _batches_table(rows: list[dict[str, object]], title: str) -> Table:
    table = Table(
        "批次", "资金科目", "拨付单位", "状态", "编排日期", "拨付日期", "笔数", "合计（元）", title=title
    )
    for r in rows:
        total = r["total"]
        assert isinstance(total, dict) and isinstance(r["state"], str)
        table.add_row(
            str(r["number"]),
            str(r["fund_name"]),
            str(r["payer"]),
            STATE_NAMES[r["state"]],
            str(r["scheduled_on"]),
            str(r["paid_on"] or "—"),
            str(r["count"]),
            str(total["yuan"]),
        )
    return table


@app.command()
@user_errors
@database_errors
def schedule(
    document: Annotated[
        str | None, typer.Option("--document", help="只编排该文件的申请，如 wswl-2019-130")
    ] = None,
    on: OnOption = None,
    actor: ActorOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """把所有可拨付的申请编入新的拨付批次，每个资金科目与拨付单位一个批次。"""
    day, who = business_date(on), required_actor(actor)
    database = open_database(db)
    with audit.writing(database) as session:
        created = payments.schedule(session, who, day, document)
        rows = [_batch_summary(b, _fund(session, b)) for b in created]
    database.dispose()
    if as_json:
        print_json(rows)
    elif not rows:
        out.print(
            f"截至 {day} 没有可列入拨付批次的申请（须公示期满、无待处理异议、已到兑付时间）", highlight=False
        )
    else:
        out.print(_batches_table(rows, f"新编排拨付批次（{day}）"))


@app.command()
@user_errors
@database_errors
def execute(
    batch: Annotated[str, typer.Argument(help="拨付批次编号，如 ZF-2020-0001")],
    on: OnOption = None,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """在一个事务中拨付整个批次；已拨付的批次保持不变（退出码 0）。"""
    day, who = business_date(on), required_actor(actor)
    database = open_database(db)
    with audit.writing(database) as session:
        done = payments.execute(session, batch, who, day)
    database.dispose()
    b = done.batch
    if done.already_paid:
        out.print(
            f"批次 {b.number} 已于 {b.paid_on} 拨付（{done.count} 笔，合计 {format_fen(done.total_fen)} 元），本次未重复拨付",
            highlight=False,
        )
    else:
        out.print(
            f"批次 {b.number} 已拨付：{b.payer} {done.count} 笔，合计 {format_fen(done.total_fen)} 元（{day}）",
            highlight=False,
        )


@app.command()
@user_errors
@database_errors
def show(
    batch: Annotated[str, typer.Argument(help="拨付批次编号，如 ZF-2020-0001")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """查看一个拨付批次及其各笔拨付。"""
    database = open_database(db)
    with database.snapshot() as session:
        found = payments.find_batch(session, batch)
        summary = _batch_summary(found, _fund(session, found))
        items = [
            {
                "application": p.application.number,
                "provision": p.application.provision,
                "payee_uscc": p.payee_uscc,
                "amount": {"fen": p.amount_fen, "yuan": format_fen(p.amount_fen)},
                "state": p.application.state,
                "paid_on": None if p.paid_on is None else p.paid_on.isoformat(),
            }
            for p in found.payments
        ]
    database.dispose()
    if as_json:
        print_json(summary | {"payments": items})
        return
    out.print(_batches_table([summary], f"拨付批次 {summary['number']}"))
    table = Table("申请", "条款", "收款单位（统一社会信用代码）", "金额（元）", "拨付日期")
    for item in items:
        amount = item["amount"]
        assert isinstance(amount, dict)
        table.add_row(
            str(item["application"]),
            str(item["provision"]),
            str(item["payee_uscc"]),
            str(amount["yuan"]),
            str(item["paid_on"] or "—"),
        )
    out.print(table)


@app.command("list")
@user_errors
@database_errors
def list_(
    state: Annotated[str | None, typer.Option("--state", help="open（待拨付）或 paid（已拨付）")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """列出全部拨付批次（或只列待拨付或已拨付的批次）。"""
    if state is not None and state not in STATE_NAMES:
        raise InputError("--state", "应为 open（待拨付）或 paid（已拨付）")
    database = open_database(db)
    with database.snapshot() as session:
        rows = [_batch_summary(b, _fund(session, b)) for b in payments.batches(session, state)]
    database.dispose()
    if as_json:
        print_json(rows)
    elif not rows:
        out.print("没有拨付批次", highlight=False)
    else:
        out.print(_batches_table(rows, "拨付批次"))


@app.command()
@user_errors
@database_errors
def clawback(
    application: Annotated[str, typer.Argument(help="申请编号，如 SQ-2020-000001")],
    grounds: Annotated[str, typer.Option("--grounds", help="追回理由（记入申请历史与审计日志）")],
    amount: Annotated[str | None, typer.Option("--amount", help="追回金额（元；默认全部已拨付金额）")] = None,
    conduct: Annotated[
        str | None,
        typer.Option(
            "--conduct",
            help="温商务联发〔2019〕130号 五（二）的违规情形：骗取、截留或挪用（将取消以后年度申请资格）",
        ),
    ] = None,
    on: OnOption = None,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """追回已拨付金额（全部或部分）至其资金科目；仅在条款规定时取消该主体的申请资格。"""
    day, who = business_date(on), required_actor(actor)
    fen = None if amount is None else fen_of("--amount", amount)
    if not grounds.strip():
        raise InputError("--grounds", "须说明追回理由")
    database = open_database(db)
    with audit.writing(database) as session:
        done = payments.claw_back(session, application, grounds, who, day, fen, conduct)
        recovered, basis = done.clawback.amount_fen, done.clawback.basis
        barred = None if done.debarment is None else done.debarment.from_year
    database.dispose()
    out.print(
        f"申请 {application} 已追回 {format_fen(recovered)} 元，退回原资金科目。依据：{basis}",
        highlight=False,
    )
    if barred is not None:
        out.print(f"该主体自 {barred} 年度起不得申请本文件的资金（取消以后年度申请资格）", highlight=False)
    else:
        out.print("未取消申请资格（条文未规定，或追回不属违规情形）", highlight=False)
