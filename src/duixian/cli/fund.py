"""`duixian fund` — the funds applications are paid from: balances, statements, yearly pools.

    duixian fund list [--db URL] [--json]
    duixian fund show wzb-2019-76.c10.fund [--db URL] [--json]
    duixian fund allocate --year 2020 --amount 600000 --document 下达文件 [--on DATE] --actor NAME
    duixian fund carry-over --year 2020 [--on DATE] --actor NAME

show prints every entry with the running balance, then the balance (the sum of the entries), what is
committed (granted to approved applications not yet paid) and what is available. allocate and
carry-over act on 温商务联发〔2019〕130号's yearly pools (wswl-2019-130.pool.<year>): the 办法 gives no
yearly amount, so an operator enters it citing the notice; carry-over moves a past year's unspent
rest to the next year (四（一）“超过部分结转至下年”).
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from duixian.cli._common import out, user_errors
from duixian.cli.db import ActorOption, DbOption, database_errors, open_database
from duixian.cli.pay import OnOption, business_date, fen_of, required_actor
from duixian.domain import audit, ledger
from duixian.engine.money import format_fen
from duixian.storage.redemption import Fund
from duixian.storage.timestamps import shown

app = typer.Typer(help="资金科目：余额、明细、年度资金录入与结转", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出（供程序读取）")]
YearOption = Annotated[int, typer.Option("--year", min=2018, max=2100, help="年度")]


def _money(fen: int) -> dict[str, object]:
    return {"fen": fen, "yuan": format_fen(fen)}


def _summary(fund: Fund, pos: ledger.Position) -> dict[str, object]:
    return {
        "code": fund.code,
        "name": fund.name,
        "kind": fund.kind,
        "source": fund.source,
        "year": fund.year,
        "basis": fund.basis,
        "balance": _money(pos.balance_fen),
        "committed": _money(pos.committed_fen),
        "available": _money(pos.available_fen) if fund.kind == "limited" else None,
    }


@app.command("list")
@user_errors
@database_errors
def list_(db: DbOption = None, as_json: JsonOption = False) -> None:
    """列出全部资金科目及其余额、已核定未拨付金额与可用金额。"""
    database = open_database(db)
    with database.snapshot() as session:
        rows = [_summary(f, ledger.position(session, f)) for f in ledger.funds(session)]
    database.dispose()
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if not rows:
        out.print("尚无资金科目（首次审核通过时自动建立）", highlight=False)
        return
    table = Table("科目", "名称", "类型", "余额（元）", "已核定未拨付（元）", "可用（元）", title="资金科目")
    for r in rows:
        available = r["available"]
        table.add_row(
            str(r["code"]),
            str(r["name"]),
            ledger.FUND_KINDS[str(r["kind"])],
            _yuan(r["balance"]),
            _yuan(r["committed"]),
            "不设上限" if available is None else _yuan(available),
        )
    out.print(table)


def _yuan(money: object) -> str:
    assert isinstance(money, dict)
    return str(money["yuan"])


@app.command()
@user_errors
@database_errors
def show(
    code: Annotated[str, typer.Argument(help="资金科目，如 wzb-2019-76.c10.fund、wswl-2019-130.pool.2020")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """资金明细：逐笔记录及累计余额；余额即各笔明细之和。"""
    database = open_database(db)
    with database.snapshot() as session:
        fund = ledger.find_fund(session, code.strip())
        summary = _summary(fund, ledger.position(session, fund))
        lines = ledger.statement(session, fund)
    database.dispose()
    entries = [
        {
            "entry": ln.entry_id,
            "effective_on": ln.effective_on.isoformat(),
            "kind": ln.kind,
            "amount": _money(ln.amount_fen),
            "running_balance": _money(ln.running_fen),
            "application": ln.application,
            "note": ln.note,
            "at": shown(ln.at),
        }
        for ln in lines
    ]
    if as_json:
        sys.stdout.write(json.dumps(summary | {"entries": entries}, ensure_ascii=False, indent=2) + "\n")
        return
    out.print(f"{fund.name}（{fund.code}，{ledger.FUND_KINDS[fund.kind]}）", highlight=False)
    out.print(f"设立依据：{fund.basis}", highlight=False, soft_wrap=True)
    table = Table("序号", "业务日期", "类别", "金额（元）", "余额（元）", "申请", "说明", title="资金明细")
    for e, ln in zip(entries, lines, strict=True):
        table.add_row(
            str(ln.entry_id),
            str(e["effective_on"]),
            ledger.ENTRY_KINDS[ln.kind],
            format_fen(ln.amount_fen),
            format_fen(ln.running_fen),
            ln.application or "",
            ln.note,
        )
    out.print(table)
    out.print(f"余额 {_yuan(summary['balance'])} 元 = 以上 {len(lines)} 笔明细之和", highlight=False)
    out.print(f"已核定未拨付 {_yuan(summary['committed'])} 元", highlight=False)
    available = summary["available"]
    shown_available = "不设上限（开放科目）" if available is None else f"{_yuan(available)} 元"
    out.print(f"可用 {shown_available}", highlight=False)


@app.command()
@user_errors
@database_errors
def allocate(
    year: YearOption,
    amount: Annotated[str, typer.Option("--amount", help="金额（元，至多两位小数）")],
    document: Annotated[str, typer.Option("--document", help="资金下达文件（文号、名称）")],
    on: OnOption = None,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """录入温商务联发〔2019〕130号某一年度的资金（全部或部分）（办法未规定年度金额）。"""
    day, who, fen = business_date(on), required_actor(actor), fen_of("--amount", amount)
    database = open_database(db)
    with audit.writing(database) as session:
        entry = ledger.allocate(session, year, fen, who, day, document)
        fund = ledger.pool(session, year)
        balance = ledger.balance(session, fund)
    database.dispose()
    out.print(
        f"{fund.name}（{fund.code}）拨入 {format_fen(entry.amount_fen)} 元，余额 {format_fen(balance)} 元",
        highlight=False,
    )


@app.command("carry-over")
@user_errors
@database_errors
def carry_over(
    year: YearOption,
    on: OnOption = None,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """把以往年度未使用的资金（余额 − 已核定未拨付）结转至下一年度（四（一）“结转至下年”）。"""
    day, who = business_date(on), required_actor(actor)
    database = open_database(db)
    with audit.writing(database) as session:
        _, into = ledger.carry_over(session, year, who, day)
    database.dispose()
    out.print(
        f"{year} 年度试点资金结余 {format_fen(into.amount_fen)} 元已结转至 {year + 1} 年度"
        f"（wswl-2019-130.pool.{year + 1}）",
        highlight=False,
    )
