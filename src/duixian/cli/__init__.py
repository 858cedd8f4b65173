"""The command line: `duixian rules`, `duixian calc CASE`, `duixian schema DOC`; document-specific
command groups (e.g. `duixian machinery`) live in their own modules beside this one."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core
import typer.main
from rich.table import Table

from duixian import rulebook
from duixian.calculator import calculate_case, case_payload, rule_library
from duixian.cli._common import out, print_json, user_errors
from duixian.engine.case import read_document
from duixian.engine.explain import to_text
from duixian.engine.money import format_fen
from duixian.engine.rules import MONEY_KINDS
from duixian.errors import InputError

# Command groups (one module each) and commands, imported when named: `duixian calc` or `duixian batch`
# need not import the database layer (SQLAlchemy, Alembic: a second at every start). name → (module,
# its Typer app, or the function that is the command).
LAZY: dict[str, tuple[str, str]] = {
    "serve": ("serve", "serve"),
    "batch": ("population", "batch"),
    "reform": ("reform", "reform"),
    "targets": ("targets", "app"),
    "machinery": ("machinery", "app"),
    "population": ("population", "app"),
    "spark": ("spark", "app"),
    "db": ("db", "app"),
    "registry": ("registry", "app"),
    "audit": ("audit", "app"),
    "apply": ("apply", "app"),
    "review": ("review", "app"),
    "publicise": ("publicise", "app"),
    "pay": ("pay", "app"),
    "fund": ("fund", "app"),
    "demo": ("demo", "app"),
}


class _LazyGroup(typer.core.TyperGroup):
    """The root command: the commands defined here, then those of ``LAZY``, each imported when named
    (all of them for ``--help``)."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *LAZY]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in LAZY:
            return super().get_command(ctx, cmd_name)
        module, attribute = LAZY[cmd_name]
        target = getattr(importlib.import_module(f"duixian.cli.{module}"), attribute)
        if not isinstance(target, typer.Typer):  # a command function: a Typer of that one command
            command, target = target, typer.Typer(add_completion=False, pretty_exceptions_enable=False)
            target.command(cmd_name)(command)
            return typer.main.get_command(target)
        group = typer.main.get_group(target)  # a group even of one command (`demo load`), as add_typer makes
        group.name = cmd_name
        return group


app = typer.Typer(
    cls=_LazyGroup,
    help="兑现 duixian — 温州市产业政策奖励兑现系统",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def rules(
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出（供程序读取）")] = False,
) -> None:
    """列出全部规则及其实施的条款。"""
    items = rule_library()
    if as_json:
        sys.stdout.write(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("规则", "名称", "类型", "出处")
    for item in items:
        table.add_row(
            str(item["id"]), str(item["title"]), str(item["kind"]), f"{item['document']} {item['clause']}"
        )
    out.print(table)


@app.command()
@user_errors
def calc(
    case: Annotated[Path, typer.Argument(help="案例文件，YAML 或 JSON（见 examples/）")],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出（供程序读取），含完整说明")] = False,
    rule: Annotated[list[str] | None, typer.Option("--rule", help="只计算这些规则（规则 id）")] = None,
    all_lines: Annotated[bool, typer.Option("--all", help="也说明不符合条件的各笔")] = False,
) -> None:
    """计算案例应得的各项金额，逐项附说明。"""
    result = calculate_case(read_document(case), rule)
    payload = case_payload(result, include_ineligible=all_lines)
    if as_json:
        print_json(payload)
        return
    items = payload["lines"]
    total, deposits = result.total("cash"), result.total("deposit")
    table = Table("规则", "对象", "事项", "金额（元）/结论", "上限/扣减")
    for item in items:
        notes = list(dict.fromkeys(item["caps_bound"] + [a["adjustment"] for a in item["adjustments"]]))
        shown = item["amount"]["yuan"] if item["kind"] in MONEY_KINDS else item["verdict"]
        table.add_row(item["rule"], item["beneficiary"], item["subject"], shown, "；".join(notes))
    if any(spec.kind == "cash" for spec in result.document.rules.values()):
        table.add_row("现金金额合计", "", "", format_fen(total), "")
    if deposits:
        table.add_row("财政性存款配套合计（非现金）", "", "", format_fen(deposits), "")
    if investments := result.total("investment"):
        table.add_row("产业基金跟投额度合计（投资）", "", "", format_fen(investments), "")
    out.print(table)
    if result.timing is not None:
        out.print(_timing_text(result.timing), highlight=False, soft_wrap=True)
        out.print()
    for item in items:
        out.print(to_text(item), highlight=False, soft_wrap=True)
        out.print()


def _timing_text(timing: dict[str, Any]) -> str:
    window = (
        f"{timing['pay_from']} 至 {timing['pay_to']}"
        if timing["pay_from"]
        else "以职能部门通知为准（附则2 未规定）"
    )
    lines = [
        f"■ {timing['rule']} 申报与兑付时间 — 申报日 {timing['applied_on']}",
        f"  申报期内：{'是' if timing['in_application_period'] else '否'}；兑付期：{window}",
        f"  说明：{timing['explanation']}",
        f"  依据：{timing['citation']}",
    ]
    lines += [f"  解释口径：{r['switch']} = {r['option']}" for r in timing["readings"]]
    return "\n".join(lines)


@app.command()
@user_errors
def schema(document: Annotated[str, typer.Argument(help="文件 id，如 wzb-2019-76")]) -> None:
    """输出某文件案例格式的 JSON Schema（每个字段及其类型与含义）。"""
    docs = rulebook.documents()
    if document not in docs or docs[document].case_model is None:
        known = [d for d, doc in docs.items() if doc.case_model is not None]
        raise InputError("document", f"没有文件“{document}”的案例格式（可选：{'、'.join(known)}）")
    model = docs[document].case_model
    assert model is not None
    sys.stdout.write(json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2) + "\n")


def main() -> None:  # pragma: no cover
    app()
