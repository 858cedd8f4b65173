"""`duixian targets show OBS.yaml` and `duixian targets chart OBS.yaml --out targets.png`:
温政发〔2019〕18号 附件1, the 22 targets against observed values (a case of wzf-2019-18)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from duixian.calculator import calculate_case
from duixian.cli._common import out, user_errors
from duixian.engine.case import read_document
from duixian.engine.evaluate import Result
from duixian.engine.explain import explain
from duixian.errors import InputError

DOCUMENT = "wzf-2019-18"

app: typer.Typer = typer.Typer(
    help="温政发〔2019〕18号 附件1 温州都市区近期建设目标：进度表与进度图",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


Observations = Annotated[Path, typer.Argument(help="逐年观测值：wzf-2019-18 的案例（YAML/JSON）")]


def _result(path: Path) -> Result:
    data: dict[str, Any] = dict(read_document(path))
    document = data.setdefault("document", DOCUMENT)
    if document != DOCUMENT:
        raise InputError("document", f"只适用于 {DOCUMENT} 的案例，此处为 {document!r}")
    return calculate_case(data)


@app.command()
@user_errors
def show(observations: Observations) -> None:
    """进度表：每项指标、每个观测年度的路径值、进度与结论。"""
    result = _result(observations)
    series = result.context.tables["series"]
    for sid, label, source in zip(series["id"], series["label"], series["source"], strict=True):
        covers = f"（{label}）" if label else ""
        out.print(f"序列 {sid}{covers} — 来源：{source}", highlight=False)
    table = Table("序列", "指标", "属性", "年份", "观测值", "路径值", "目标", "进度", "达标", "进度判断")
    for item in explain(result, include_ineligible=True):
        steps = {s["name"]: s["value"] for s in item["steps"]}
        judgement = str(steps["judgement"]) + ("（约束型预警）" if steps["binding_alert"] else "")
        table.add_row(
            item["beneficiary"],
            str(steps["indicator"]),
            str(steps["attribute"]),
            str(steps["year"]),
            f"{steps['observed']} {steps['unit']}",
            str(steps["expected"] or "—"),
            target_shown(str(steps["target"]), str(steps["comparison"])),
            str(steps["progress"]),
            "是" if steps["met"] else "否",
            f"[red]{judgement}[/red]" if not item["eligible"] else judgement,
        )
    out.print(table)
    out.print(
        "目标一栏“（按≥）”“（按＞）”：原表只写数字，比较方式按解释口径 wzf-2019-18.targets.bare_number",
        highlight=False,
    )


def target_shown(printed: str, comparison: str) -> str:
    """The target as printed; where the table prints a bare number, the comparison the reading chose."""
    if printed[:1].isdigit():
        return f"{printed}（按{comparison[:1]}）"
    return printed


@app.command()
@user_errors
def chart(
    observations: Observations,
    to: Annotated[Path, typer.Option("--out", help="写入的 PNG 文件")] = Path("targets.png"),
) -> None:
    """进度图（PNG）：每项指标一幅，含直线路径、目标与观测值。"""
    from duixian.charts.targets import draw  # matplotlib only when a chart is asked for

    written = draw(_result(observations), to)
    out.print(f"已写入 {written}", highlight=False)
