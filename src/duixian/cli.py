"""The command line: `duixian rules`, `duixian calc CASE`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from duixian import rulebook
from duixian.calculator import calculate_case
from duixian.engine.case import read_document
from duixian.engine.explain import explain, to_text
from duixian.engine.money import format_fen
from duixian.errors import InputError, InputErrors

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    help="兑现 duixian — 温州市产业政策奖励兑现系统", no_args_is_help=True, add_completion=False
)
out = Console()
err = Console(stderr=True)


def user_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Input errors end the command with their field and reason, exit code 2, no traceback."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except InputErrors as exc:
            for e in exc.errors:
                err.print(f"[red]输入错误[/red] {e.field}: {e.reason}", highlight=False)
        except InputError as exc:
            err.print(f"[red]输入错误[/red] {exc.field}: {exc.reason}", highlight=False)
        raise typer.Exit(2)

    return wrapper


@app.command()
def rules(as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False) -> None:
    """List every rule with the clause it implements."""
    items = [
        {
            "id": spec.id,
            "title": spec.title,
            "kind": spec.kind,
            "document": doc.number,
            "clause": spec.clause,
            "citation": f"{doc.number} {spec.clause}：“{spec.quote}”",
            "applies": {"from": str(doc.applies_from), "to": str(doc.applies_to)},
        }
        for doc in rulebook.documents().values()
        for spec in doc.rules.values()
    ]
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
    case: Annotated[Path, typer.Argument(help="a case file, YAML or JSON (see examples/)")],
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable, with full explanations")] = False,
    rule: Annotated[list[str] | None, typer.Option("--rule", help="only these rule ids")] = None,
    all_lines: Annotated[
        bool, typer.Option("--all", help="also explain lines that are not eligible")
    ] = False,
) -> None:
    """Compute every amount a case is owed, each with its explanation."""
    result = calculate_case(read_document(case), rule)
    items = explain(result, include_ineligible=all_lines)
    total = result.total()
    if as_json:
        payload: dict[str, Any] = {"document": result.document.id, "year": result.context.year}
        payload |= {"total": {"fen": total, "yuan": format_fen(total)}, "lines": items}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("规则", "受益方", "事项", "金额（元）", "上限/扣减")
    for item in items:
        notes = item["caps_bound"] + [a["adjustment"] for a in item["adjustments"]]
        table.add_row(
            item["rule"], item["beneficiary"], item["subject"], item["amount"]["yuan"], "；".join(notes)
        )
    table.add_row("合计", "", "", format_fen(total), "")
    out.print(table)
    for item in items:
        out.print(to_text(item), highlight=False)
        out.print()


def main() -> None:  # pragma: no cover
    app()
