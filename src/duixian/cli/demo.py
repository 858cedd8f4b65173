"""`duixian demo` — a SYNTHETIC demo dataset to try the redemption system on.

    duixian demo load [--db URL] [--seed N] [--size S]

Creates or upgrades the schema, then fills the database with invented parties (every name begins with
合成示例) and S applications under 温政办〔2019〕76号, 温浙集（开）管〔2019〕71号 and 温商务联发〔2019〕130号
in every state of the workflow, all made through the same functions as the other commands (so the audit
log is complete and verifies). Refused on a database that already holds applications: use a new file.
"""

from __future__ import annotations

import shlex
from typing import Annotated, get_args

import typer
from rich.table import Table

from duixian.cli._common import out, user_errors
from duixian.cli.db import DbOption, database_errors
from duixian.domain import demo, workflow
from duixian.domain.demo_data import LABEL
from duixian.domain.registry_terms import KINDS
from duixian.engine.money import format_fen
from duixian.storage import migrate
from duixian.storage.db import Database, shown_url

app = typer.Typer(help="演示数据：合成示例（虚构，不是真实企业）", no_args_is_help=True)


@app.command()
@user_errors
@database_errors
def load(
    db: DbOption = None,
    seed: Annotated[int, typer.Option("--seed", help="随机种子：同一种子、同一规模生成相同的数据")] = 7,
    size: Annotated[
        int,
        typer.Option(
            "--size", help=f"申请件数（{demo.MIN_SIZE}–{demo.MAX_SIZE}；前 {demo.MIN_SIZE} 件覆盖每个状态）"
        ),
    ] = 40,
) -> None:
    """把合成演示数据载入新数据库（先建立表结构），并输出其内容概况。"""
    demo.check_size(size)
    database = Database(db)
    try:
        migrate.upgrade(database)
        summary = demo.load(database, seed, size)
        where = shown_url(database.url)
    finally:
        database.dispose()
    _print(summary, where)


def _print(summary: demo.Summary, where: str) -> None:
    out.print(
        f"已载入{LABEL}数据（虚构，不是真实企业）到 {where}：种子 {summary.seed}，申请 {summary.size} 件",
        highlight=False,
        soft_wrap=True,
    )
    kinds = "、".join(f"{KINDS.get(kind, kind)} {n}" for kind, n in sorted(summary.parties.items()))
    out.print(f"主体 {sum(summary.parties.values())} 个：{kinds}", highlight=False)
    out.print(_states(summary))
    out.print(_funds(summary))
    payers = Table("拨付单位", "笔数", "金额（元）", title="已拨付（按拨付单位）")
    for payer, (count, fen) in sorted(summary.payers.items()):
        payers.add_row(payer, str(count), format_fen(fen))
    out.print(payers)
    audit_state = "哈希链校验完整" if summary.audit_problem is None else f"校验失败：{summary.audit_problem}"
    out.print(f"审计日志 {summary.audit_entries} 条，{audit_state}", highlight=False)
    db = shlex.quote(where)
    out.print(
        f"查看：duixian apply list --db {db}；duixian fund list --db {db}；duixian pay list --db {db}",
        highlight=False,
        soft_wrap=True,
    )


def _states(summary: demo.Summary) -> Table:
    table = Table("状态", "件数", "核定金额（元）", title="申请（按状态）")
    for state in get_args(workflow.State):
        count, fen = summary.states.get(state, (0, 0))
        table.add_row(
            f"{workflow.STATE_NAMES[state]}（{state}）", str(count), format_fen(fen) if fen else "—"
        )
    total = sum(n for n, _ in summary.states.values())
    table.add_row("合计", str(total), "")
    return table


def _funds(summary: demo.Summary) -> Table:
    table = Table("资金科目", "名称", "余额（元）", "已核定未拨付（元）", title="资金科目")
    for fund in summary.funds:
        table.add_row(fund.code, fund.name, format_fen(fund.balance_fen), format_fen(fund.committed_fen))
    return table
