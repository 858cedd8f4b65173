"""`duixian registry` — enterprises and institutions: import from Excel/CSV, show one.

    duixian registry import FILE.xlsx|FILE.csv … [--db URL] [--actor NAME] [--json]
    duixian registry show USCC [--db URL] [--json]

A file holds up to four tables, each recognised by its header (a CSV holds one; an .xlsx one per sheet):
  主体       统一社会信用代码, 名称, 主体类型, 政府性融资担保机构, 所在区县, 所有制, 组织形式,
             行业, 从业人员, 营业收入（元）, 资产总额（元）, 企业规模
  资质       统一社会信用代码, 资质, 有效期起, 有效期止
  亩均评价   统一社会信用代码, 年度, 亩均等级
  事故事件   统一社会信用代码, 年度, 事件类别, 领域, 发生日期, 说明
The other three may also carry 名称 for the reader (not imported: the USCC is what counts).
Headers may also be the English keys (uscc, name, kind …). Without 企业规模, a party with 行业 is classified
under 工信部联企业〔2011〕300号 from its figures (76号 附则4).

Any error in any row: the report lists each (row number, column, reason), nothing is imported, exit 1.
Re-importing a USCC updates that party (a blank cell clears the field) instead of adding a second one;
qualifications, ratings and incidents are added or updated by their keys, never deleted by an import.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from duixian.cli._common import err, out, user_errors
from duixian.cli.db import ActorOption, DbOption, actor_or_user, database_errors, open_database
from duixian.domain import registry
from duixian.domain.registry_cells import uscc as parse_uscc
from duixian.domain.registry_import import ImportReport, import_files
from duixian.errors import InputError

app = typer.Typer(help="主体登记库：企业与金融机构", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出（供程序读取）")]


@app.command("import")
@user_errors
@database_errors
def import_(
    files: Annotated[list[Path], typer.Argument(help=".xlsx 或 .csv 文件，一并导入")],
    db: DbOption = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """导入主体、资质、亩均评价与事故事件（全部导入或全部不导入）。

    各表按表头识别（一个 CSV 为一张表；.xlsx 每个工作表一张表）：

    主体: 统一社会信用代码, 名称, 主体类型, 政府性融资担保机构, 所在区县, 所有制, 组织形式, 行业, 从业人员,
    营业收入（元）, 资产总额（元）, 企业规模

    资质: 统一社会信用代码, 资质, 有效期起, 有效期止

    亩均评价: 统一社会信用代码, 年度, 亩均等级

    事故事件: 统一社会信用代码, 年度, 事件类别, 领域, 发生日期, 说明

    有任何错误时：报告逐条列出（行、列、原因），不导入任何内容，退出码 1。
    再次导入同一统一社会信用代码即更新该主体（空单元格清空该字段），不会重复建立。
    """
    database = open_database(db)
    report = import_files(database, files, actor_or_user(actor))
    database.dispose()
    if as_json:
        sys.stdout.write(json.dumps(_report_json(report), ensure_ascii=False, indent=2) + "\n")
    elif report.ok:
        _print_summary(report)
    else:
        _print_problems(report)
    if not report.ok:
        raise typer.Exit(1)


def _report_json(report: ImportReport) -> dict[str, object]:
    payload: dict[str, object] = {"ok": report.ok, "files": report.files}
    payload["problems"] = [vars(p) for p in report.problems]
    if report.saved is not None:
        for name in ("parties", "qualifications", "mujun", "incidents"):
            payload[name] = vars(getattr(report.saved, name))
        payload["audit_entries"] = report.audit_entries
        payload["import_id"] = report.import_id
    return payload


def _print_problems(report: ImportReport) -> None:
    table = Table("文件", "行", "列", "问题", title="导入错误（未导入任何数据）")
    for p in report.problems:
        table.add_row(p.source, str(p.row) if p.row else "", p.column, p.message)
    out.print(table)
    err.print(f"[red]共 {len(report.problems)} 处错误，未导入任何数据[/red]", highlight=False)


def _print_summary(report: ImportReport) -> None:
    assert report.saved is not None
    table = Table("表", "新增", "更新", "未变", title="导入完成")
    for name, title in (
        ("parties", "主体"),
        ("qualifications", "资质"),
        ("mujun", "亩均评价"),
        ("incidents", "事故事件"),
    ):
        tally = getattr(report.saved, name)
        table.add_row(title, str(tally.created), str(tally.updated), str(tally.unchanged))
    out.print(table)
    out.print(
        f"审计日志新增 {report.audit_entries} 条（导入编号 {report.import_id}）。"
        "同一统一社会信用代码再次导入时更新原记录，不重复建档。",
        highlight=False,
    )


@app.command()
@user_errors
@database_errors
def show(
    uscc: Annotated[str, typer.Argument(help="统一社会信用代码")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """主体登记库中某一主体的全部信息及其变更历史。"""
    try:
        code = parse_uscc(uscc)
    except ValueError as exc:
        raise InputError("USCC", str(exc)) from None
    database = open_database(db)
    with database.snapshot() as session:
        described = registry.describe(session, code)
    database.dispose()
    if described is None:
        raise InputError("USCC", f"登记库中没有 {code}")
    if as_json:
        sys.stdout.write(json.dumps(described, ensure_ascii=False, indent=2) + "\n")
        return
    _print_party(described)


_LABELS = {
    "uscc": "统一社会信用代码",
    "name": "名称",
    "kind": "主体类型",
    "government_guarantor": "政府性融资担保机构",
    "district": "所在区县",
    "ownership": "所有制",
    "private": "民营企业（76号附则4）",
    "legal_form": "组织形式",
    "industry": "行业",
    "employees": "从业人员",
    "revenue_yuan": "营业收入（元）",
    "total_assets_yuan": "资产总额（元）",
    "size_class": "企业规模",
    "size_class_basis": "划型依据",
    "created_at": "建档时间",
    "updated_at": "最近更新",
}


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return "—" if value is None else str(value)


def _print_party(d: dict[str, object]) -> None:
    table = Table("项目", "内容", show_header=False)
    for key, title in _LABELS.items():
        table.add_row(title, _shown(d[key]))
    out.print(table)
    sections = (
        ("资质", "qualifications", ("qualification", "valid_from", "valid_to"), ("资质", "有效期起", "有效期止")),
        ("亩均评价", "mujun", ("year", "class"), ("年度", "等级")),
        ("事故事件", "incidents", ("year", "incident", "area", "occurred_on", "description"),
         ("年度", "类别", "领域", "发生日期", "说明")),
        ("变更记录（审计日志）", "history", ("seq", "at", "actor", "action"), ("序号", "时间", "操作人", "动作")),
    )  # fmt: skip
    for title, key, fields, headers in sections:
        rows = d[key]
        assert isinstance(rows, list)
        if not rows:
            out.print(f"{title}：无", highlight=False)
            continue
        section = Table(*headers, title=title)
        for row in rows:
            section.add_row(*(_shown(row[f]) for f in fields))
        out.print(section)
