"""`duixian apply` — applications: create a draft, attach files, amend, submit, withdraw, show, list.

    duixian apply create --uscc USCC --provision wzb-2019-76.c1 --year 2020 --facts case.yaml
                         [--attach FILE …] --actor NAME [--on DATE] [--db URL] [--json]
    duixian apply attach SQ-2020-000001 FILE … --actor NAME
    duixian apply amend SQ-2020-000001 [--facts case.yaml] [--remove SHA256 …] --actor NAME
    duixian apply submit SQ-2020-000001 [--notice 通知文号] --actor NAME [--on DATE]
    duixian apply withdraw SQ-2020-000001 [--reason TEXT] --actor NAME
    duixian apply show SQ-2020-000001 [--json]
    duixian apply list [--state S] [--uscc USCC] [--document DOC] [--year Y] [--json]

The facts are a case in the document's format (as `duixian calc` reads, `document` optional); readings
are not the applicant's to choose and are dropped. Every change is one transaction: a refusal stores
nothing and says which field or rule refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from duixian.cli._common import out, print_json, user_errors
from duixian.cli._redemption import (
    ActorRequired,
    JsonOption,
    OnOption,
    business_date,
    print_application,
    reading,
    writing,
)
from duixian.cli.db import DbOption, database_errors
from duixian.domain import applications
from duixian.engine.case import read_document
from duixian.engine.money import format_fen
from duixian.errors import InputError

app = typer.Typer(help="兑现申请：创建、附件、修改、提交、撤回、查看", no_args_is_help=True)
Number = Annotated[str, typer.Argument(help="申请编号，如 SQ-2020-000001")]
FactsOption = Annotated[Path | None, typer.Option("--facts", help="事实：案例文件（YAML 或 JSON）")]


def _attachments(paths: list[Path]) -> list[applications.NewAttachment]:
    found = []
    for path in paths:
        try:
            found.append(applications.NewAttachment(path.name, path.read_bytes()))
        except OSError as exc:
            raise InputError(str(path), f"无法读取附件：{exc.strerror}") from None
    return found


@app.command()
@user_errors
@database_errors
def create(
    uscc: Annotated[str, typer.Option("--uscc", help="申请人统一社会信用代码（须已在主体登记库）")],
    provision: Annotated[str, typer.Option("--provision", help="申请的条款，如 wzb-2019-76.c1")],
    year: Annotated[int, typer.Option("--year", help="申请年度（奖补年度）")],
    facts: Annotated[Path, typer.Option("--facts", help="事实：案例文件（YAML 或 JSON）")],
    actor: ActorRequired,
    attach: Annotated[list[Path] | None, typer.Option("--attach", help="附件（可多次）")] = None,
    on: OnOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """创建申请草稿，含事实（及附件）。"""
    data = read_document(facts)
    files = _attachments(attach or [])
    with writing(db) as session:
        application = applications.create(
            session,
            uscc=uscc,
            provision=provision,
            year=year,
            facts=data,
            actor=actor,
            on=business_date(on),
            attachments=files,
        )
        number, digest = application.number, application.facts_sha256
    if as_json:
        print_json({"number": number, "state": "draft", "facts_sha256": digest})
        return
    out.print(f"已创建申请 {number}（草稿）；事实 SHA-256 {digest}", highlight=False)
    if data.get("readings"):
        out.print(
            "申请人不能选择解释口径：facts.readings 已忽略，按解释口径登记簿的默认口径计算", highlight=False
        )


@app.command()
@user_errors
@database_errors
def attach(
    number: Number,
    files: Annotated[list[Path], typer.Argument(help="附件文件")],
    actor: ActorRequired,
    on: OnOption = None,
    db: DbOption = None,
) -> None:
    """为草稿或已退回的申请添加附件（每个附件连同其 SHA-256 保存）。"""
    new = _attachments(files)
    with writing(db) as session:
        application = applications.find(session, number)
        stored = [applications.attach(session, application, f, actor, business_date(on)) for f in new]
        lines = [f"{a.filename}  {a.size} 字节  SHA-256 {a.sha256}" for a in stored]
    out.print(f"申请 {number} 已添加附件：", highlight=False)
    for line in lines:
        out.print(f"  {line}", highlight=False)


@app.command()
@user_errors
@database_errors
def amend(
    number: Number,
    actor: ActorRequired,
    facts: FactsOption = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="删除附件（按 SHA-256，可多次）")
    ] = None,
    on: OnOption = None,
    db: DbOption = None,
) -> None:
    """替换草稿或已退回申请的事实，和/或删除其附件。"""
    if facts is None and not remove:
        raise InputError("--facts", "须给出新的事实文件（--facts）或要删除的附件（--remove）")
    data = read_document(facts) if facts is not None else None
    with writing(db) as session:
        application = applications.find(session, number)
        if data is not None:
            applications.amend(session, application, data, actor, business_date(on))
        for digest in remove or []:
            applications.remove_attachment(session, application, digest, actor, business_date(on))
        sha = application.facts_sha256
    out.print(f"申请 {number} 已修改；事实 SHA-256 {sha}", highlight=False)


@app.command()
@user_errors
@database_errors
def submit(
    number: Number,
    actor: ActorRequired,
    notice: Annotated[
        str | None,
        typer.Option("--notice", help="申报期外申报时，职能部门另行安排申报时间的通知（文号、标题）"),
    ] = None,
    on: OnOption = None,
    db: DbOption = None,
) -> None:
    """于业务日期提交草稿（或补正后的申请）。"""
    day = business_date(on)
    with writing(db) as session:
        application = applications.find(session, number)
        applications.submit(session, application, actor, day, notice)
    out.print(f"申请 {number} 已于 {day} 提交", highlight=False)


@app.command()
@user_errors
@database_errors
def withdraw(
    number: Number,
    actor: ActorRequired,
    reason: Annotated[str, typer.Option("--reason", help="撤回理由")] = "",
    on: OnOption = None,
    db: DbOption = None,
) -> None:
    """撤回尚未作出决定的申请。"""
    with writing(db) as session:
        applications.withdraw(session, applications.find(session, number), actor, business_date(on), reason)
    out.print(f"申请 {number} 已撤回", highlight=False)


@app.command()
@user_errors
@database_errors
def show(number: Number, db: DbOption = None, as_json: JsonOption = False) -> None:
    """查看一件申请的状态、核定金额、说明摘要与办理记录。"""
    described = reading(db, lambda s: applications.describe(s, applications.find(s, number)))
    if as_json:
        print_json(described)
    else:
        print_application(described)


@app.command("list")
@user_errors
@database_errors
def list_(
    state: Annotated[str | None, typer.Option("--state", help="状态，如 submitted")] = None,
    uscc: Annotated[str | None, typer.Option("--uscc", help="申请人统一社会信用代码")] = None,
    document: Annotated[str | None, typer.Option("--document", help="文件，如 wzb-2019-76")] = None,
    year: Annotated[int | None, typer.Option("--year", help="申请年度")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """列出申请，由新到旧（至多 200 件）。"""

    def rows(session: Session) -> list[dict[str, Any]]:
        found = applications.search(session, state=state, uscc=uscc, document=document, year=year)
        return [
            {
                "number": a.number,
                "uscc": a.party.uscc,
                "name": a.party.name,
                "provision": a.provision,
                "year": a.year,
                "state": a.state,
                "granted_fen": a.granted_fen,
            }
            for a in found
        ]

    found = reading(db, rows)
    if as_json:
        print_json(found)
        return
    table = Table("编号", "申请人", "条款", "年度", "状态", "核定金额（元）")
    for r in found:
        granted = r["granted_fen"]
        table.add_row(
            str(r["number"]),
            f"{r['name']}（{r['uscc']}）",
            str(r["provision"]),
            str(r["year"]),
            str(r["state"]),
            "—" if granted is None else format_fen(granted),
        )
    out.print(table)
