"""`duixian audit` — the hash-chained audit log: verify it, read it.

duixian audit verify [--db URL]       exit 0: intact; 1: tampered, with the first place it breaks
duixian audit log [--limit N] [--db URL] [--json]
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from duixian.cli._common import err, out, user_errors
from duixian.cli.db import DbOption, database_errors, open_database
from duixian.domain import audit
from duixian.storage.timestamps import iso_utc, shown

app = typer.Typer(help="审计日志：校验与查阅", no_args_is_help=True)


@app.command()
@user_errors
@database_errors
def verify(db: DbOption = None) -> None:
    """逐条校验哈希链：每条记录的哈希、序号及与前一条的链接。"""
    database = open_database(db)
    with database.snapshot() as session:
        result = audit.verify(session)
    database.dispose()
    if result.problem is None:
        out.print(f"审计日志完整：共 {result.checked} 条，哈希链逐条校验无误", highlight=False)
        return
    p = result.problem
    err.print(
        f"[red]审计日志被篡改[/red]（{audit.FAULT_NAMES[p.fault]}，第 {p.seq} 条）：{p.message}",
        highlight=False,
    )
    err.print(f"此前第 1–{result.last_seq} 条校验无误", highlight=False)
    raise typer.Exit(1)


@app.command()
@user_errors
@database_errors
def log(
    limit: Annotated[int, typer.Option("--limit", min=1, help="最新的 N 条")] = 20,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出（供程序读取）")] = False,
) -> None:
    """最新的日志记录，由新到旧。"""
    database = open_database(db)
    with database.snapshot() as session:
        entries = audit.entries(session, limit)
    database.dispose()
    if as_json:
        items = [
            {
                "seq": e.seq,
                "at": iso_utc(e.at),
                "actor": e.actor,
                "action": e.action,
                "entity_type": e.entity_type,
                "entity_id": e.entity_id,
                "payload": json.loads(e.payload),
                "prev_hash": e.prev_hash,
                "hash": e.hash,
            }
            for e in entries
        ]
        sys.stdout.write(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("序号", "时间（北京时间）", "操作人", "动作", "对象", "内容", "哈希")
    for e in entries:
        payload = e.payload if len(e.payload) <= 80 else e.payload[:77] + "…"
        at = shown(e.at).removesuffix("（北京时间）")
        table.add_row(
            str(e.seq), at, e.actor, e.action, f"{e.entity_type}:{e.entity_id}", payload, e.hash[:12]
        )
    out.print(table)
