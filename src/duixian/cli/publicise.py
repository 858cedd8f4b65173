"""`duixian publicise` — publicity (公示) of approved applications, objections, closing.

    duixian publicise open --document wswl-2019-130 SQ-2020-000001 … [--ends-on DATE] [--title T]
                           --actor NAME [--on DATE] [--db URL]
    duixian publicise object SQ-2020-000001 --grounds TEXT --actor NAME [--on DATE]
    duixian publicise uphold SQ-2020-000001 --reason TEXT --actor NAME [--on DATE]
    duixian publicise dismiss SQ-2020-000001 --reason TEXT --actor NAME [--on DATE]
    duixian publicise close GS-2020-0001 --actor NAME [--on DATE]
    duixian publicise show GS-2020-0001 [--json]

The publicity starts on the business date. 温商务联发〔2019〕130号 sets 5 days, counted by its own rule
(wswl-2019-130.pay); the other documents set no period, so --ends-on is required for them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer
from rich.table import Table

from duixian.cli._common import out, print_json, user_errors
from duixian.cli._redemption import (
    ActorRequired,
    JsonOption,
    OnOption,
    business_date,
    reading,
    writing,
)
from duixian.cli.db import DbOption, database_errors
from duixian.domain import applications, publicity

app = typer.Typer(help="公示：公示名单、异议、结束公示", no_args_is_help=True)
Number = Annotated[str, typer.Argument(help="申请编号，如 SQ-2020-000001")]
Reason = Annotated[str, typer.Option("--reason", help="处理意见（必填）")]


@app.command("open")
@user_errors
@database_errors
def open_(
    numbers: Annotated[list[str], typer.Argument(help="审核通过的申请编号")],
    document: Annotated[str, typer.Option("--document", help="文件，如 wswl-2019-130")],
    actor: ActorRequired,
    ends_on: Annotated[
        dt.datetime | None,
        typer.Option("--ends-on", formats=["%Y-%m-%d"], help="公示截止日（文件未规定公示期时必填）"),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="公示标题")] = None,
    on: OnOption = None,
    db: DbOption = None,
) -> None:
    """自业务日期起开始公示。"""
    with writing(db) as session:
        opened = publicity.open_publicity(
            session,
            document=document,
            numbers=numbers,
            actor=actor,
            on=business_date(on),
            title=title,
            ends_on=None if ends_on is None else ends_on.date(),
        )
        number, starts, ends, basis = opened.number, opened.starts_on, opened.ends_on, opened.period_basis
    out.print(f"公示 {number}：{starts} 至 {ends}（共 {len(numbers)} 件申请）", highlight=False)
    out.print(f"  公示期依据：{basis}", highlight=False, soft_wrap=True)


@app.command("object")
@user_errors
@database_errors
def object_(
    number: Number,
    grounds: Annotated[str, typer.Option("--grounds", help="异议理由（必填）")],
    actor: ActorRequired,
    on: OnOption = None,
    db: DbOption = None,
) -> None:
    """登记公示期内提出的异议。"""
    with writing(db) as session:
        publicity.raise_objection(
            session, applications.find(session, number), actor, business_date(on), grounds
        )
    out.print(f"申请 {number} 已登记异议，待处理", highlight=False)


@app.command()
@user_errors
@database_errors
def uphold(
    number: Number, actor: ActorRequired, reason: Reason, on: OnOption = None, db: DbOption = None
) -> None:
    """异议成立：申请退回审核，原核定金额释放。"""
    with writing(db) as session:
        publicity.uphold(session, applications.find(session, number), actor, business_date(on), reason)
    out.print(f"申请 {number} 异议成立：退回审核，原核定金额已释放", highlight=False)


@app.command()
@user_errors
@database_errors
def dismiss(
    number: Number, actor: ActorRequired, reason: Reason, on: OnOption = None, db: DbOption = None
) -> None:
    """异议不成立：申请继续公示。"""
    with writing(db) as session:
        publicity.dismiss(session, applications.find(session, number), actor, business_date(on), reason)
    out.print(f"申请 {number} 异议不成立：继续公示", highlight=False)


@app.command()
@user_errors
@database_errors
def close(
    number: Annotated[str, typer.Argument(help="公示编号，如 GS-2020-0001")],
    actor: ActorRequired,
    on: OnOption = None,
    db: DbOption = None,
) -> None:
    """公示期满后结束公示。"""
    day = business_date(on)
    with writing(db) as session:
        publicity.close(session, publicity.find_publicity(session, number), actor, day)
    out.print(f"公示 {number} 已于 {day} 结束", highlight=False)


@app.command()
@user_errors
@database_errors
def show(
    number: Annotated[str, typer.Argument(help="公示编号，如 GS-2020-0001")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """查看公示：公示期与依据，各申请及其金额与异议。"""
    described = reading(db, lambda s: publicity.describe(s, publicity.find_publicity(s, number)))
    if as_json:
        print_json(described)
        return
    _print(described)


def _print(d: dict[str, Any]) -> None:
    closed = f"，已于 {d['closed_on']} 结束" if d["closed_on"] else ""
    out.print(f"公示 {d['number']} {d['title']}：{d['starts_on']} 至 {d['ends_on']}{closed}", highlight=False)
    out.print(f"  公示期依据：{d['period_basis']}", highlight=False, soft_wrap=True)
    table = Table("申请", "申请人", "条款", "公示金额（元）", "状态", "异议")
    for item in d["items"]:
        objections = "；".join(
            f"{o['raised_on']} {o['raised_by']}：{o['grounds']}（{o['outcome'] or '待处理'}）"
            for o in item["objections"]
        )
        table.add_row(
            item["application"],
            f"{item['party']['name']}（{item['party']['uscc']}）",
            item["provision"],
            item["granted"]["yuan"],
            item["state_name"],
            objections or "—",
        )
    table.add_row("合计", "", "", d["total"]["yuan"], "", "")
    out.print(table)
