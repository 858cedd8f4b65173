"""`duixian reform REFORM.yaml --population DIR`: what a reform costs and who gains (预算测算).

Writes ``results.parquet`` (one row per beneficiary and money rule: baseline, reform, difference in
fen) and ``summary.json`` into ``--out``; ``--chart`` draws the cost by rule and the gains (PNG).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import typer
from rich.table import Table

from duixian.cli._common import out, print_json, progress_bar, user_errors
from duixian.engine.money import format_fen
from duixian.population import batch as batch_run
from duixian.population.load import open_population
from duixian.reform import Simulation, load_reform, simulate

RUN_WORDS = {"baseline": "基线", "reform": "改革"}
SHOWN_GAINS = 10


@user_errors
def reform(
    reform_file: Annotated[Path, typer.Argument(help="改革方案文件（YAML），见 examples/reforms/")],
    population: Annotated[
        Path, typer.Option("--population", help="人群目录（population.yaml 及各表的 Parquet 文件）")
    ],
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="results.parquet 与 summary.json 的目录（默认 reform-results/方案代号）"),
    ] = None,
    chart: Annotated[Path | None, typer.Option("--chart", help="把按规则的支出与受益情况画到此 PNG")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出汇总")] = False,
) -> None:
    """在人群上模拟改革方案：按规则与区县的支出，受益与受损企业（改革预算测算）。"""
    spec = load_reform(reform_file)
    t0 = time.perf_counter()
    pop = open_population(population)
    loaded = time.perf_counter() - t0
    steps = batch_run.steps_total(pop.document, tables=pop.tables)
    with progress_bar() as progress:
        tasks = {run: progress.add_task(words, total=steps) for run, words in RUN_WORDS.items()}

        def advance(run: str, step: str) -> None:
            progress.update(tasks[run], advance=1, description=f"{RUN_WORDS[run]} {step}")

        sim = simulate(pop, spec, advance)
    sim.seconds = {"load": loaded, **sim.seconds}
    target = out_dir if out_dir is not None else Path("reform-results") / spec.name
    payload = sim.summary() | {"population": str(population), "out": str(target)}
    write_results(sim, target, payload)
    if chart is not None:
        from duixian.charts.reform import draw  # matplotlib only when a chart is asked for

        payload["chart"] = str(draw(sim, chart))
    if as_json:
        print_json(payload)
        return
    print_summary(sim, payload)


def write_results(sim: Simulation, target: Path, payload: dict[str, Any]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    metadata = {
        "reform": sim.reform.name,
        "document": sim.reform.document.id,
        "from": str(sim.reform.start),
        "year": str(sim.population.year),
        "synthetic": str(sim.population.meta.synthetic).lower(),
        "parameters": json.dumps(
            {k: str(c.written) for k, c in sim.reform.changes.items()}, ensure_ascii=False
        ),
        "readings": json.dumps(sim.reform.readings, ensure_ascii=False),
        "amounts": "baseline, reform, difference in fen (分)",
    }
    pq.write_table(sim.results.replace_schema_metadata(metadata), target / "results.parquet")
    (target / "summary.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def _say(text: str, markup: bool = False) -> None:
    out.print(text, highlight=False, soft_wrap=True, markup=markup)


def _signed(fen: int) -> str:
    return ("+" if fen > 0 else "") + format_fen(fen)


def print_summary(sim: Simulation, payload: dict[str, Any]) -> None:
    document = sim.reform.document
    label = "合成数据（SYNTHETIC，非真实企业）" if payload["synthetic"] else "真实数据"
    entities = f"，{payload['entities']} 户企业" if payload["entities"] else ""
    _say(f"改革方案 {payload['reform']}：{payload['description']}")
    _say(
        f"{document.number} 自 {payload['from']} 起；人群 {payload['population']}（{label}），{payload['year']} 年{entities}"
    )
    for change in payload["parameters"]:
        _say(
            f"参数 {change['parameter']}（{change['description']}）：{change['baseline']} → {change['reform']}"
        )
    if payload["mid_year"]:
        _say(
            f"注意：改革自 {payload['from']} 起生效，晚于 {payload['year']} 年的参数取值日 {payload['reference_date']}；"
            "按年取值的参数（如单户年度上限）本年度仍按原值计算，只有按逐笔日期取值的参数受影响。"
        )
    for reading in payload["readings"]:
        _say(f"解释口径 {reading['switch']}：{reading['baseline']} → {reading['reform']}")
    secs = payload["seconds"]
    _say(
        f"读取 {secs['load']} 秒，基线 {secs['baseline']} 秒，改革 {secs['reform']} 秒，比较 {secs['compare']} 秒"
    )
    totals, counts = payload["totals_fen"], payload["beneficiaries"]
    _say(
        f"[bold]新增财政现金支出 {_signed(payload['cost_fen'])} 元[/bold]"
        f"（基线 {format_fen(totals['baseline'])} 元 → 改革后 {format_fen(totals['reform'])} 元）",
        markup=True,
    )
    _say(
        f"现金受益对象：增加 {counts['gainers']} 户，减少 {counts['losers']} 户，不变 {counts['unchanged']} 户"
    )
    by_rule = Table("规则", "名称", "类型", "基线（元）", "改革后（元）", "差额（元）", "增加", "减少")
    for item in payload["by_rule"]:
        spec = document.rules[item["rule"]]
        by_rule.add_row(
            spec.id,
            spec.title,
            item["kind"],
            format_fen(item["baseline"]),
            format_fen(item["reform"]),
            _signed(item["difference"]),
            str(item["gainers"]),
            str(item["losers"]),
        )
    out.print(by_rule)
    if any(d["district"] for d in payload["by_district"]):
        by_district = Table("县（市、区）", "基线（元）", "改革后（元）", "差额（元）", "增加", "减少")
        for d in payload["by_district"]:
            by_district.add_row(
                d["district"] or "（未知）",
                format_fen(d["baseline"]),
                format_fen(d["reform"]),
                _signed(d["difference"]),
                str(d["gainers"]),
                str(d["losers"]),
            )
        out.print(by_district)
    if payload["largest_gains"]:
        gains = Table(
            "受益对象", "县（市、区）", "基线（元）", "改革后（元）", "增加（元）", title="增加最多"
        )
        for g in payload["largest_gains"][:SHOWN_GAINS]:
            gains.add_row(
                g["beneficiary"],
                g["district"] or "（未知）",
                format_fen(g["baseline"]),
                format_fen(g["reform"]),
                _signed(g["difference"]),
            )
        out.print(gains)
    _say(f"逐户逐条结果 → {payload['out']}/results.parquet（金额单位：分）")
    if "chart" in payload:
        _say(f"图表 → {payload['chart']}")
