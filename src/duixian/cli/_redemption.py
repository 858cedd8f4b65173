"""What `duixian apply`, `duixian review` and `duixian publicise` share: the business date, the
required actor, one writing transaction per command, and the printing of an application."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from duixian.cli._common import out
from duixian.cli.db import open_database
from duixian.domain import audit
from duixian.storage.timestamps import SHANGHAI

T = TypeVar("T")

OnOption = Annotated[
    dt.datetime | None,
    typer.Option(
        "--on", formats=["%Y-%m-%d"], help="业务日期 YYYY-MM-DD（默认今天，北京时间）", show_default=False
    ),
]
ActorRequired = Annotated[
    str,
    typer.Option("--actor", envvar="DUIXIAN_ACTOR", help="操作人（必填，记入审计日志）", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出（供程序读取）")]


def business_date(on: dt.datetime | None) -> dt.date:
    return on.date() if on is not None else dt.datetime.now(SHANGHAI).date()


@contextmanager
def writing(db: str | None) -> Iterator[Session]:
    """One transaction that changes state (all or nothing), on the database the user named."""
    database = open_database(db)
    try:
        with audit.writing(database) as session:
            yield session
    finally:
        database.dispose()


def reading(db: str | None, read: Callable[[Session], T]) -> T:
    database = open_database(db)
    try:
        with database.snapshot() as session:
            return read(session)
    finally:
        database.dispose()


def print_application(d: dict[str, Any]) -> None:
    """State, decision (yuan), explanation summary and history of one application."""
    decision = d["decision"]
    table = Table("项目", "内容", show_header=False, title=f"申请 {d['number']}")
    rows = [
        ("申请人", f"{d['party']['name']}（{d['party']['uscc']}）"),
        ("条款", f"{d['provision']} {d['provision_title']}（{d['document_number']}）"),
        ("年度", str(d["year"])),
        ("状态", d["state_name"]),
        ("提交日", d["submitted_on"] or "—"),
        ("事实 SHA-256", d["facts_sha256"]),
        ("计算金额（元）", _yuan(decision["computed"])),
        ("核定金额（元）", _yuan(decision["granted"])),
        ("决定", f"{decision['decided_on']} {decision['decided_by']}" if decision["decided_on"] else "—"),
        ("规则库版本", decision["rulebook_version"] or "—"),
        ("兑付期", f"{decision['pay_from']} 至 {decision['pay_by']}" if decision["pay_from"] else "—"),
    ]
    for title, value in rows:
        table.add_row(title, value)
    out.print(table)
    if d["attachments"]:
        files = Table("附件", "类型", "字节", "SHA-256", title="附件")
        for a in d["attachments"]:
            files.add_row(a["filename"], a["media_type"], str(a["size"]), a["sha256"])
        out.print(files)
    for line in d["summary"]:
        out.print(f"  {line}", highlight=False, soft_wrap=True)
    history = Table("业务日期", "动作", "状态", "操作人", "理由", title="办理记录")
    for e in d["history"]:
        history.add_row(
            e["effective_on"],
            e["action_name"],
            f"{e['from_name'] or '—'} → {e['to_name']}",
            e["actor"],
            e["reason"],
        )
    out.print(history)


def _yuan(money: dict[str, Any] | None) -> str:
    return "—" if money is None else str(money["yuan"])
