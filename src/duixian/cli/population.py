"""`duixian population …`: populations as table files (Parquet, Arrow, CSV), evaluated by the same rules as one case.

duixian population generate --document wzb-2019-76 --entities 10000 --seed 7 --year 2020 --out DIR
duixian population convert DIR --out DIR2 [--format arrow]  (Parquet/CSV → Arrow: loads in half the time)
duixian population batch DIR --out candidates.parquet      (also `duixian batch DIR …`)
duixian population case DIR E000123 > e123.yaml            (then `duixian calc e123.yaml`)
duixian population from-case CASE.yaml --out DIR
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import typer
import yaml
from rich.table import Table

from duixian import rulebook
from duixian.cli._common import out, print_json, progress_bar, user_errors
from duixian.distributed.chunks import run_chunked
from duixian.engine.case import read_document
from duixian.engine.money import format_fen
from duixian.errors import InputError
from duixian.population import batch as batch_run
from duixian.population.load import META_FILE, open_population, read_arrow_tables, read_meta
from duixian.population.several import run_several
from duixian.population.synthetic import GENERATORS
from duixian.population.synthetic import generate as generate_population
from duixian.population.write import (
    FileFormat,
    case_to_arrow,
    convert_population,
    extract_case,
    party_table,
    write_population,
)

app: typer.Typer = typer.Typer(
    help="人群批量兑现（免申即享）：以表文件（Parquet、Arrow、CSV）描述全市企业，用与单个案例相同的规则计算",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

FORMAT_HELP = "表文件格式：parquet（紧凑）或 arrow（未压缩的 Arrow IPC：读取最快，约占 5 倍磁盘）"
PopDir = Annotated[
    Path, typer.Argument(help="人群目录（population.yaml 及各表的 Parquet、Arrow 或 CSV 文件）")
]


@app.command()
@user_errors
def generate(
    out_dir: Annotated[Path, typer.Option("--out", help="写入的目录")],
    document: Annotated[str, typer.Option(help="文件 id，如 wzb-2019-76")] = "wzb-2019-76",
    entities: Annotated[int, typer.Option(help="企业户数", min=1)] = 10_000,
    seed: Annotated[int, typer.Option(help="随机种子")] = 0,
    year: Annotated[int, typer.Option(help="奖补年度")] = 2020,
    file_format: Annotated[FileFormat, typer.Option("--format", help=FORMAT_HELP)] = "parquet",
) -> None:
    """生成合成人群（合成数据，并如此标注），按公报的数字校准。"""
    if document not in GENERATORS:
        raise InputError("document", f"没有“{document}”的合成人群生成器（可选：{'、'.join(GENERATORS)}）")
    start = time.perf_counter()
    path = generate_population(document, entities, seed, year, out_dir, file_format)
    files = sorted(p.name for p in path.iterdir())
    out.print(
        f"合成人群（SYNTHETIC）已写入 {path}：{entities} 户企业，种子 {seed}，{year} 年，"
        f"{time.perf_counter() - start:.2f} 秒；文件：{', '.join(files)}",
        highlight=False,
    )


@app.command()
@user_errors
def convert(
    population: PopDir,
    out_dir: Annotated[Path, typer.Option("--out", help="写入的目录（另一个目录）")],
    file_format: Annotated[FileFormat, typer.Option("--format", help=FORMAT_HELP)] = "arrow",
) -> None:
    """把人群目录另存为另一种表文件格式：先做与载入相同的全部检查，写出的能载入为同样的表。"""
    start = time.perf_counter()
    path = convert_population(population, out_dir, file_format)
    size = sum(f.stat().st_size for f in path.iterdir()) / 1e6
    before = sum(f.stat().st_size for f in population.iterdir() if f.is_file()) / 1e6
    out.print(
        f"已写入 {path}（{file_format}）：{size:.1f} MB（原 {before:.1f} MB），{time.perf_counter() - start:.2f} 秒",
        highlight=False,
    )


@app.command("batch")
@user_errors
def batch(
    populations: Annotated[
        list[Path],
        typer.Argument(help="一个人群目录，或多个（每个文件一个：同时计算，各用一个进程）"),
    ],
    out_file: Annotated[Path, typer.Option("--out", help="写入的候选名单 Parquet 文件")],
    rule: Annotated[list[str] | None, typer.Option("--rule", help="只计算这些规则（规则 id）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出汇总")] = False,
    chunk: Annotated[
        int | None,
        typer.Option("--chunk", help="每块的企业户数：内存占用以块为限，而非全市"),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="计算的进程数：分块计算时（--chunk）默认 1；多个人群时默认每个 CPU 一个",
        ),
    ] = None,
) -> None:
    """对人群计算全部规则：每笔应兑现款项写一行，并输出汇总。"""
    if len(populations) > 1:
        if chunk is not None:
            raise InputError("chunk", "--chunk 只能用于一个人群目录")
        _batch_several(populations, out_file, rule, as_json, workers or os.cpu_count() or 1)
        return
    population = populations[0]
    if chunk is not None:
        _batch_chunked(population, out_file, rule, as_json, chunk, workers or 1)
        return
    t0 = time.perf_counter()
    pop = open_population(population)
    loaded = time.perf_counter() - t0
    document = pop.document
    if rule:
        unknown = [r for r in rule if r not in document.rules]
        if unknown:
            raise InputError("rule", f"{document.id} 没有这些规则：{'、'.join(unknown)}")
    with progress_bar() as progress:
        task = progress.add_task("规则", total=batch_run.steps_total(document, rule, pop.tables))

        def advance(step: str) -> None:
            progress.update(task, advance=1, description=f"规则 {step}")

        run = batch_run.run_batch(pop, rule, advance)
    metadata = {
        "document": document.id,
        "year": str(pop.year),
        "synthetic": str(pop.meta.synthetic).lower(),
        "readings": json.dumps(dict(pop.readings.chosen), ensure_ascii=False),
    }
    table = run.candidates.replace_schema_metadata(metadata)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, out_file)
    totals = batch_run.summary(run.candidates)
    rows = sum(len(t) for t in pop.tables.values())
    payload: dict[str, Any] = {
        "document": document.id,
        "year": pop.year,
        "synthetic": pop.meta.synthetic,
        "entities": pop.meta.entities,
        "input_rows": rows,
        "candidates": run.candidates.num_rows,
        "seconds": {"load": round(loaded, 3)} | {k: round(v, 3) for k, v in run.seconds.items()},
        "out": str(out_file),
        **totals,
    }
    if as_json:
        print_json(payload)
        return
    _print_summary(payload)


def _batch_chunked(
    population: Path, out_file: Path, rule: list[str] | None, as_json: bool, chunk: int, workers: int
) -> None:
    meta = read_meta(population)
    with progress_bar(auto_refresh=False) as progress:
        task = progress.add_task("分块", total=None)

        def advance(done: int, total: int) -> None:
            description = f"分块 {done}/{total}"
            progress.update(task, completed=done, total=total, description=description, refresh=True)

        run = run_chunked(population, out_file, chunk, workers, advance, rule)
    t0 = time.perf_counter()
    totals = batch_run.summary(
        pq.read_table(out_file, columns=["rule", "kind", "district", "amount_fen", "beneficiary"])
    )
    payload: dict[str, Any] = {
        "document": meta.document,
        "year": meta.year,
        "synthetic": meta.synthetic,
        "entities": meta.entities,
        "input_rows": run.input_rows,
        "candidates": run.candidates,
        "chunks": run.chunks,
        "workers": workers,
        "seconds": {
            "load": round(run.seconds["plan"] + run.seconds["shuffle"], 3),
            "evaluate": round(run.seconds["evaluate"], 3),
            "candidates": round(time.perf_counter() - t0, 3),
        },
        "out": str(out_file),
        **totals,
    }
    if as_json:
        print_json(payload)
        return
    _print_summary(payload)


def _batch_several(
    populations: list[Path], out_file: Path, rule: list[str] | None, as_json: bool, workers: int
) -> None:
    start = time.perf_counter()
    with progress_bar(auto_refresh=False) as progress:
        task = progress.add_task("人群", total=len(populations))

        def finished(report: Any) -> None:
            progress.update(task, advance=1, description=f"人群 {report.document} 完成", refresh=True)

        reports, candidates = run_several(populations, rule, workers, finished)
    wall = time.perf_counter() - start
    metadata = {
        "documents": json.dumps([r.document for r in reports]),
        "synthetic": str(any(r.synthetic for r in reports)).lower(),
    }
    out_file.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(candidates.replace_schema_metadata(metadata), out_file)
    payloads = []
    for report in reports:
        mine = candidates.filter(pc.starts_with(candidates["rule"], report.document + "."))
        payloads.append(
            {
                "document": report.document,
                "year": report.year,
                "synthetic": report.synthetic,
                "entities": report.entities,
                "input_rows": report.input_rows,
                "candidates": report.candidates,
                "seconds": {k: round(v, 3) for k, v in report.seconds.items()},
                "out": str(out_file),
                **batch_run.summary(mine),
            }
        )
    if as_json:
        together = {"populations": payloads, "candidates": candidates.num_rows, "out": str(out_file)}
        print_json(together | {"seconds": {"wall": round(wall, 3)}})
        return
    for payload in payloads:
        _print_summary(payload)
    out.print(
        f"共 {len(reports)} 个人群、可兑现 {candidates.num_rows} 笔，{workers} 个进程并行，用时 {wall:.2f} 秒",
        highlight=False,
    )


def _print_summary(payload: dict[str, Any]) -> None:
    document = rulebook.documents()[payload["document"]]
    label = "合成数据（SYNTHETIC，非真实企业）" if payload["synthetic"] else "真实数据"
    out.print(
        f"{document.number} {payload['year']} 年 — {label}；输入 {payload['input_rows']} 行，"
        f"可兑现 {payload['candidates']} 笔 → {payload['out']}",
        highlight=False,
    )
    secs = payload["seconds"]
    out.print(
        f"读取 {secs['load']} 秒，计算 {secs['evaluate']} 秒，整理 {secs['candidates']} 秒", highlight=False
    )
    order = {spec.id: i for i, spec in enumerate(document.ordered_rules())}
    by_rule = Table("规则", "名称", "类型", "笔数", "金额（元）")
    cash_total = 0
    for item in sorted(payload["by_rule"], key=lambda d: order.get(d["rule"], 0)):
        spec = document.rules[item["rule"]]
        by_rule.add_row(spec.id, spec.title, item["kind"], str(item["count"]), format_fen(item["total_fen"]))
        cash_total += item["total_fen"] if item["kind"] == "cash" else 0
    by_rule.add_row("现金合计", "", "", "", format_fen(cash_total))
    out.print(by_rule)
    if any(d["district"] != "（未知）" for d in payload["by_district"]):
        by_district = Table("县（市、区）", "受益对象", "笔数", "现金金额（元）")
        for d in payload["by_district"]:
            by_district.add_row(
                d["district"], str(d["beneficiaries"]), str(d["count"]), format_fen(d["total_fen"])
            )
        out.print(by_district)


@app.command()
@user_errors
def case(
    population: PopDir,
    party: Annotated[list[str], typer.Argument(help="主体 id（可多个），如 E000123")],
) -> None:
    """以 YAML 输出某一企业自身的案例（其各行及所涉机构），供 `duixian calc` 使用。"""
    pop_meta = open_population(population)
    raw = read_arrow_tables(population, pop_meta.document)
    parties = party_table(pop_meta.document)  # 76号 parties, 71号 enterprises
    known = set(raw[parties].column("id").to_pylist()) if parties else set()
    missing = [p for p in party if p not in known]
    if missing:
        raise InputError("party", f"{parties or '主体'} 中没有 id 为 {', '.join(missing)} 的记录")
    data = extract_case(
        pop_meta.document,
        pop_meta.year,
        pop_meta.meta.readings,
        raw,
        party,
        pop_meta.meta.case,
    )
    sys.stdout.write(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@app.command("from-case")
@user_errors
def from_case(
    case_file: Annotated[Path, typer.Argument(help="写明 document 的案例文件（YAML/JSON）")],
    out_dir: Annotated[Path, typer.Option("--out", help="写入的人群目录")],
) -> None:
    """把一个案例转为人群目录（synthetic: false，即案例自身的数据）。"""
    data = dict(read_document(case_file))
    documents = rulebook.documents()
    doc_id = data.pop("document", None)
    if doc_id not in documents:
        named = "案例未写明 document" if doc_id is None else f"没有文件“{doc_id}”"
        raise InputError("document", f"{named}（可选：{'、'.join(documents)}）")
    document = documents[doc_id]
    case_model, tables = case_to_arrow(document, data)
    lists = set(tables)
    case_fields = {k: v for k, v in data.items() if k not in lists | {"year", "readings"}}
    write_population(
        out_dir,
        document,
        case_model.year,
        tables,
        synthetic=False,
        readings=case_model.readings,
        calibration=f"由案例 {case_file.name} 转换而来",
        case=case_fields,
    )
    out.print(f"{out_dir / META_FILE} 已写入", highlight=False)
